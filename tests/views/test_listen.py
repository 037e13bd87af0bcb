"""The "Listen" control: every guide section and life-situation question has a clip in every language, the clip says
what the section shows, sounds as long as its text, and is served safely and cached; the page control is a
named, native <audio controls> that downloads nothing until pressed.

The audio is built with espeak-ng and opusenc (`make install` installs them and builds into
KOMEK_AUDIO_DIR, default ~/.cache/komek-audio). The fixture runs the build there too: when it is up to
date that takes seconds, and a machine without the tools skips these tests with the reason.
"""

import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

from services import speech
from tests.support import check_page, make_test_app

LABEL = {"en": "Listen to this section"}
ONE_YEAR = 31536000


def _with_listen(app):
    from views import listen

    if "listen" not in app.blueprints:  # until app.py registers it
        app.register_blueprint(listen.bp)
    return app


@pytest.fixture(scope="module")
def audio(tmp_path_factory):
    if not (shutil.which("espeak-ng") and shutil.which("opusenc")):
        pytest.skip("espeak-ng and opus-tools are not installed (make install installs them)")
    directory = speech.audio_dir()
    app = make_test_app(tmp_path_factory.mktemp("listen-build") / "db.sqlite3", AUDIO_DIR=directory)
    manifest = speech.build(app, directory, log=lambda *_: None)
    return {"directory": directory, "manifest": manifest, "app": _with_listen(app),
            "sections": list(speech.spoken_sections(app))}


@pytest.fixture(scope="module")
def listen_client(audio):
    return audio["app"].test_client()


def _get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    check_page(soup, url)
    return soup


def _clip(audio, section):
    return audio["manifest"]["clips"][section.page][section.section][section.lang]


# --------------------------------------------------------------------------- the clips


def test_every_guide_section_and_situation_question_has_a_clip_in_every_language(audio):
    content = audio["app"].extensions["komek_content"]
    clips = audio["manifest"]["clips"]
    for slug, guide in content.guides.items():
        sections = clips[speech.guide_page(slug)]
        expected = {s for s, _, attribute in speech.GUIDE_SECTIONS if attribute != "unknowns" or guide.unknowns}
        assert set(sections) == expected, slug
    for slug, situation in content.situations.items():
        sections = clips[speech.situation_page(slug)]
        expected = {"order", *(speech.question_section(n) for n in range(1, len(situation.questions) + 1))}
        assert set(sections) == expected, slug
    for section in audio["sections"]:
        clip = _clip(audio, section)
        assert (audio["directory"] / clip["file"]).is_file(), section
        assert set(clips[section.page][section.section]) == set(speech.LANGUAGES)


def test_each_clip_is_as_long_as_its_text_not_silent_not_cut(audio):
    for section in audio["sections"]:
        clip = _clip(audio, section)
        seconds = speech.opus_duration(audio["directory"] / clip["file"])
        words = len(speech.normalise(section.text, section.lang).split())
        assert 0.25 <= seconds / words <= 1.5, (section.page, section.section, section.lang, seconds, words)
        assert clip["seconds"] == pytest.approx(seconds, abs=0.01)


def test_the_duration_we_read_matches_opusinfo(audio):
    if not shutil.which("opusinfo"):
        pytest.skip("opusinfo is not installed")
    clip = _clip(audio, audio["sections"][0])
    report = subprocess.run(["opusinfo", str(audio["directory"] / clip["file"])], capture_output=True, text=True).stdout
    minutes, seconds = re.search(r"Playback length: (\d+)m:([\d.]+)s", report).groups()
    assert clip["seconds"] == pytest.approx(int(minutes) * 60 + float(seconds), abs=0.05)


def test_clips_are_small_mono_opus(audio):
    for section in audio["sections"]:
        clip = _clip(audio, section)
        data = (audio["directory"] / clip["file"]).read_bytes()
        assert data[:4] == b"OggS" and data[28:36] == b"OpusHead"
        assert data[28 + 9] == 1, "mono"
        assert clip["bytes"] * 8 / clip["seconds"] <= 24_000, (section, "bit rate above 24 kbit/s")


def test_a_clip_says_what_its_section_shows(audio, listen_client):
    """The words of each section on the page, heading included, are the words the clip was made from."""
    def words(text):
        return re.findall(r"\w+", text.replace("\u00a0", " "))

    by_page = {}
    for section in audio["sections"]:
        by_page.setdefault((section.page, section.lang), []).append(section)
    for (page, lang), sections in by_page.items():
        kind, slug = page.split("/")
        soup = _get_page(listen_client, f"/{lang}/{'guides' if kind == 'guide' else 'situations'}/{slug}")
        for section in sections:
            heading = soup.find(id=section.section)
            shown = [heading.get_text(" ")]
            for sibling in heading.find_next_siblings():
                if sibling.name in ("h2", "h3") or sibling.find("a", href=re.compile(r"^https?://")) and kind == "guide":
                    break
                if "listen" not in (sibling.get("class") or []):
                    shown.append(sibling.get_text(" "))
            # The clip numbers steps and guides as the page's <ol> does ("1. …").
            spoken = re.sub(r"(^|[.!?:;…] )\d+\. ", r"\1", section.text)
            assert words(" ".join(shown)) == words(spoken), (page, section.section, lang)


# --------------------------------------------------------------------------- serving


def test_a_clip_is_served_as_ogg_and_cached_for_a_year(audio, listen_client):
    name = _clip(audio, audio["sections"][0])["file"]
    response = listen_client.get(f"/audio/{name}")
    assert response.status_code == 200
    assert response.mimetype == "audio/ogg"
    assert response.data[:4] == b"OggS"
    cache = response.headers["Cache-Control"]
    assert "immutable" in cache and f"max-age={ONE_YEAR}" in cache and "public" in cache
    assert "Set-Cookie" not in response.headers


def test_a_clip_can_be_fetched_in_parts_for_seeking(audio, listen_client):
    name = _clip(audio, audio["sections"][0])["file"]
    response = listen_client.get(f"/audio/{name}", headers={"Range": "bytes=0-99"})
    assert response.status_code == 206 and len(response.data) == 100


@pytest.mark.parametrize("path", [
    "/audio/0000000000000000.opus",
    "/audio/manifest.opus",
    "/audio/..%2Fmanifest.json.opus",
    "/audio/..%2F..%2Fetc%2Fpasswd.opus",
    "/audio/manifest.json",
    "/audio/",
])
def test_only_clips_in_the_manifest_are_served(listen_client, path):
    assert listen_client.get(path).status_code == 404


# --------------------------------------------------------------------------- the control on the page


@pytest.mark.parametrize("lang", speech.LANGUAGES)
def test_every_section_has_a_named_native_player_that_loads_nothing_until_pressed(audio, listen_client, lang):
    for page, sections in audio["manifest"]["clips"].items():
        kind, slug = page.split("/")
        soup = _get_page(listen_client, f"/{lang}/{'guides' if kind == 'guide' else 'situations'}/{slug}")
        players = soup.find_all("audio")
        assert len(players) == len(sections), page
        for section_id, clip in sections.items():
            heading = soup.find(id=section_id)
            player = heading.find_next("audio")
            assert player.has_attr("controls") and player["preload"] == "none"
            assert player["src"] == f"/audio/{clip[lang]['file']}"
            label_id, heading_id = player["aria-labelledby"].split()
            label = soup.find(id=label_id)
            assert heading_id == section_id and label.get_text(strip=True), (page, section_id)
            assert not label.find_parent(class_="visually-hidden") and "visually-hidden" not in (label.get("class") or [])
            if lang == "en":
                assert label.get_text(strip=True) == LABEL["en"]
            fallback = player.find("a")
            assert fallback["href"] == player["src"] and fallback.get_text(strip=True)


def test_without_built_audio_the_pages_show_no_player(tmp_path):
    app = _with_listen(make_test_app(tmp_path / "db.sqlite3", AUDIO_DIR=tmp_path / "no-audio"))
    client = app.test_client()
    for url in ("/ru/guides/id-card", "/kk/situations/lost-documents"):
        soup = _get_page(client, url)
        assert soup.find("audio") is None and soup.find(class_="listen") is None
    assert client.get("/audio/0000000000000000.opus").status_code == 404
