"""Web security, checked end to end through the Flask test client (issue "Production… proof").

* CSRF: every POST endpoint in the URL map refuses a POST without a valid token with the 400 page in
  the reader's language, writes nothing, and (the control) does its work when the token is there.
* Open redirects: every place a redirect target comes from ends on this site.
* Security headers on every kind of response: pages, static and audio files, 204s, redirects, 400,
  404, 405 and 500 pages, htmx fragments.
* `Cache-Control: no-store` on every page state that shows personal data.
* The status check answers a wrong reference and a wrong code with the same bytes.
* An old session cookie replayed after "Finish and clear" finds nothing.
"""

import itertools
import re
from urllib.parse import urljoin, urlsplit

import pytest
from flask_babel import gettext
from sqlalchemy import select

from tests.conftest import csrf_token_from
from tests.journey_support import APPLICANT, OTHER, SPECIFIC, submit, walk
from tests import page_registry_help as help_registry
from tests import page_registry_staff as staff_registry
from tests.page_registry import LANGUAGES, page_states
from tests.state_client import fetch_state

_addresses = itertools.count(1)


def fresh_address() -> str:
    """A client address of its own for each POST, so the per-client try limits of other tests (all
    127.0.0.1) never turn an answer into "too many tries" here."""
    n = next(_addresses)
    return f"10.{200 + n // 65000 % 50}.{n // 255 % 255}.{n % 255 + 1}"


def snapshot(app) -> dict:
    """Every row of every table; of the visit sessions only what a request may not change (its data),
    since opening a page may move `last_seen_at` on."""
    from models import Base

    found = {}
    with app.extensions["komek_db"]() as db:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if not (table.name == "visit_sessions" and c.name == "last_seen_at")]
            found[table.name] = sorted(repr(tuple(row)) for row in db.execute(select(*columns)))
    return found


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


# --------------------------------------------------------------------------- CSRF on every POST endpoint

def _settings(client, lang):
    client.get(f"/{lang}/")
    return f"/{lang}/settings", {"size": "200", "scheme": "cream", "line": "wide", "letter": "wide",
                                 "next": f"/{lang}/guides"}


def _finish(client, lang):
    client.get(f"/{lang}/")
    return f"/{lang}/finish", {"codes_seen": "y"}


def _keep_alive(client, lang):
    client.get(f"/{lang}/")
    return f"/{lang}/keep-alive", {}


def _pack(client, lang):
    client.get(f"/{lang}/guides/id-card/pack")
    return f"/{lang}/guides/id-card/pack", {"language": "ru", "helper_phone": "8 701 123 45 67"}


def _begin(client, lang):
    client.get(f"/{lang}/apply/id-card")
    return f"/{lang}/apply/id-card", {}


def _question(client, lang):
    return walk(client, "id-card", lang, stop_before="applicant_name"), APPLICANT["applicant_name"]


def _confirm(client, lang):
    return walk(client, "id-card", lang), {}


def _save(client, lang):
    walk(client, "id-card", lang, stop_before="applicant_name")
    return f"/{lang}/apply/id-card/save", {"birth_date-day": "27", "birth_date-month": "3", "birth_date-year": "1958"}


def _resume(client, lang):
    client.get(f"/{lang}/apply/resume")
    return f"/{lang}/apply/resume", {"code": "AAAA-BBBB-CC", "birth_date-day": "1", "birth_date-month": "1",
                                     "birth_date-year": "1950"}


def _book(client, lang):
    path, time = help_registry.free_time(client, lang)
    return path, {"time": time, **help_registry.random_person()}


def _find(client, lang):
    client.get(f"/{lang}/help/find")
    return f"/{lang}/help/find", {"reference": "KMK-AAAA-BBBB", "secret_code": "AAAA-BBBB"}


def _cancel(client, lang):
    help_registry._found(client, lang)
    return f"/{lang}/help/booking/cancel", {}


def _change_time(client, lang):
    help_registry._found(client, lang)
    day = help_registry.a_later_day()
    page = client.get(f"/{lang}/help/booking/change/{day}").get_data(as_text=True)
    times = re.findall(r'name="time" value="([^"]+)">', page)
    assert times, "no free time to change to"
    return f"/{lang}/help/booking/change/{day}", {"time": times[-1]}


def _home_visit(client, lang):
    client.get(f"/{lang}/help/home-visit")
    return f"/{lang}/help/home-visit", help_registry.HOME_VISIT


def _status(client, lang):
    client.get(f"/{lang}/status/")
    return f"/{lang}/status/", {"reference": "KMK-2222-3333", "secret_code": "4444-5555"}


def _sign_in(client, lang):
    staff_registry._ensure_examples(client.application)
    client.get(f"/{lang}/staff/sign-in")
    return f"/{lang}/staff/sign-in", {"username": staff_registry.USERNAME, "password": staff_registry.PASSWORD}


def _signed_in(client, lang):
    staff_registry._signed_in()(client, lang)


def _sign_out(client, lang):
    _signed_in(client, lang)
    return f"/{lang}/staff/sign-out", {}


def _record(client, lang):
    _signed_in(client, lang)
    path = f"/{lang}/staff/records/appointment/{staff_registry.EXAMPLE_IDS['appointment']}"
    page = client.get(path).get_data(as_text=True)
    return path, {"status": "in_progress" if 'value="ready" checked' in page else "ready", "note": "Called."}


def _unlock_record(client, lang):
    _signed_in(client, lang)
    return f"/{lang}/staff/records/application/{staff_registry.EXAMPLE_IDS['application']}/unlock", {}


def _unlock(client, lang):
    _signed_in(client, lang)
    return f"/{lang}/staff/unlock", {"reference": "KMK-2222-3333"}


def _mark_sent(client, lang):
    _signed_in(client, lang)
    staff_registry._with_a_notice(client, lang)
    outbox = client.get(f"/{lang}/staff/outbox").get_data(as_text=True)
    notice = re.search(rf'action="(/{lang}/staff/outbox/\d+/sent)"', outbox)
    assert notice, "no notice in the outbox"
    return notice.group(1), {}


# Each POST endpoint: how to bring a visit to where that POST does its work, and whether, with a valid
# token, it writes to the database (the others set a cookie, or only show a page).
POST_ENDPOINTS = {
    "readability.settings": (_settings, False),
    "visit.finish": (_finish, True),
    "visit.keep_alive": (_keep_alive, True),
    "guides.pack": (_pack, False),
    "apply.begin": (_begin, True),
    "apply.question": (_question, True),
    "apply.confirm": (_confirm, True),
    "apply.save": (_save, True),
    "apply.resume": (_resume, True),
    "help.book": (_book, True),
    "help.find_booking": (_find, True),
    "help.cancel_booking": (_cancel, True),
    "help.change_time": (_change_time, True),
    "help.home_visit": (_home_visit, True),
    "status.check_status": (_status, True),
    "staff.sign_in": (_sign_in, True),
    "staff.sign_out": (_sign_out, True),
    "staff.record": (_record, True),
    "staff.unlock_record": (_unlock_record, True),
    "staff.unlock": (_unlock, True),
    "staff.mark_sent": (_mark_sent, True),
}


def test_every_post_endpoint_is_in_the_csrf_list(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert posts == set(POST_ENDPOINTS), "add each new POST endpoint to POST_ENDPOINTS (and drop removed ones)"


def _expired_heading(app, lang: str) -> str:
    with app.test_request_context(f"/{lang}/"):
        return gettext("This page has expired")


def _matching_endpoint(app, path: str) -> str:
    adapter = app.url_map.bind("localhost")
    return adapter.match(path, method="POST")[0]


@pytest.mark.parametrize("endpoint", sorted(POST_ENDPOINTS))
def test_a_post_without_a_valid_token_is_refused_and_writes_nothing(app, endpoint):
    prepare, writes = POST_ENDPOINTS[endpoint]
    for lang, bad_token in [("kk", None), ("ru", None), ("en", None), ("en", "not-a-token"), ("kk", "")]:
        client = app.test_client()
        path, data = prepare(client, lang)
        # As a person would: a page with a form (so with this visit's token) was open before the POST.
        client.get(f"/{lang}/")
        assert _matching_endpoint(app, path) == endpoint, path
        cookie = client.get_cookie("komek_session").value
        before = snapshot(app)
        form = dict(data) if bad_token is None else {**data, "csrf_token": bad_token}
        response = client.post(path, data=form, environ_base={"REMOTE_ADDR": fresh_address()})
        html = response.get_data(as_text=True)
        where = (endpoint, lang, bad_token)
        assert response.status_code == 400, where
        assert response.mimetype == "text/html" and f'<html lang="{lang}"' in html, where
        if endpoint == "apply.question":
            # The question comes back, with what was typed, so nothing is lost (views/errors.py).
            assert 'value="Айгүл Серікқызы Нұрланова"' in html, where
        else:
            heading = _expired_heading(app, lang)
            assert f"<h1>{heading}</h1>" in html, where
            if lang != "en":
                assert heading != "This page has expired", f"the expired page is not translated into {lang}"
        assert "Location" not in response.headers, where
        assert not response.headers.getlist("Set-Cookie"), (where, response.headers.getlist("Set-Cookie"))
        assert changed_tables(before, snapshot(app)) == [], where
        assert client.get_cookie("komek_session").value == cookie, where

    # The control: the same POST with the visit's token does go through, so the checks above can fail.
    client = app.test_client()
    path, data = prepare(client, "en")
    before = snapshot(app)
    token = csrf_token_from(client.get("/en/").get_data(as_text=True))
    response = client.post(path, data={**data, "csrf_token": token}, environ_base={"REMOTE_ADDR": fresh_address()})
    assert response.status_code in (200, 204, 303), (endpoint, response.status_code)
    if writes:
        assert changed_tables(before, snapshot(app)), f"{endpoint} wrote nothing even with a valid token"
    else:
        assert response.status_code == 200 or response.headers.getlist("Set-Cookie"), endpoint


# --------------------------------------------------------------------------- open redirects

REDIRECT_PAYLOADS = [
    "//evil.example", "/\\evil.example", "/%09/evil.example", "https:evil.example", "\\\\evil", "/%2F%2Fevil",
    "https://evil.example", "/\t/evil.example", "/\n/evil.example", " //evil.example", "///evil.example",
    "http:/evil.example", "//evil.example/%2e%2e", "/%5Cevil.example", "/%5C%5Cevil.example", "%2F%2Fevil.example",
    "javascript:alert(1)", "evil.example", "/%2e%2e//evil.example",
]


def _assert_stays_here(location: str, where) -> None:
    assert location.startswith("/"), (where, location)
    assert not location.startswith("//") and not location.startswith("/\\"), (where, location)
    # What a browser makes of it: strip the characters it ignores, resolve against our page.
    cleaned = re.sub(r"[\t\n\r]", "", location)
    resolved = urlsplit(urljoin("https://komek.example/en/settings", cleaned.replace("\\", "/")))
    assert resolved.netloc == "komek.example", (where, location)


@pytest.mark.parametrize("payload", REDIRECT_PAYLOADS)
def test_the_settings_next_never_leaves_the_site(app, payload):
    client = app.test_client()
    # The GET form carries `next` into a hidden field; the POST (saved, or reset) is where it is used.
    page = client.get("/en/settings", query_string={"next": payload}).get_data(as_text=True)
    token = csrf_token_from(page)
    choices = {"size": "125", "scheme": "device", "line": "normal", "letter": "normal"}
    for form in ({**choices, "next": payload}, {"reset": "1", "next": payload}):
        response = client.post("/en/settings", data={"csrf_token": token, **form})
        assert response.status_code == 303, (payload, form)
        _assert_stays_here(response.headers["Location"], (payload, form))


def test_a_safe_next_is_followed(app):
    """The control: `next` is used at all, so the test above is not passing because it is ignored."""
    client = app.test_client()
    token = csrf_token_from(client.get("/en/settings?next=/en/guides").get_data(as_text=True))
    response = client.post("/en/settings", data={"csrf_token": token, "size": "100", "scheme": "device",
                                                 "line": "normal", "letter": "normal", "next": "/en/guides?x=1"})
    assert response.headers["Location"] == "/en/guides?x=1"


@pytest.mark.parametrize("payload", ["//evil.example", "/\\evil.example", "/%09/evil.example", "/%2F%2Fevil",
                                     "///evil.example", "//evil.example/en/status"])
def test_routing_redirects_stay_on_the_site(app, payload):
    """Werkzeug's own redirects (missing trailing slash, merged slashes) build their target from the
    path, which an attacker writes: wherever they point, it is this host."""
    client = app.test_client()
    for path in (payload, payload + "/status", payload + "/staff", "/en/status" + payload, "/en" + payload):
        # PATH_INFO set directly: the test client would read a leading "//" as a host name.
        response = client.get("/", environ_overrides={"PATH_INFO": path}, headers={"Host": "komek.example"})
        assert response.status_code < 500, path
        if "Location" in response.headers:
            location = response.headers["Location"]
            resolved = urlsplit(urljoin("https://komek.example/", location))
            assert resolved.netloc == "komek.example" and not resolved.path.startswith("//"), (path, location)


def test_no_view_takes_a_redirect_target_from_the_request():
    """Every redirect in views/ goes to url_for(...), or to a variable known to hold one: apply's `target`
    (from _next_url, which uses url_for) and readability's `back` (the `next` field, tested above). A new
    redirect built from anything else must come with its own open-redirect test here."""
    import pathlib

    from settings import ROOT

    found = []
    for source in sorted(pathlib.Path(ROOT, "views").glob("*.py")):
        for number, line in enumerate(source.read_text().splitlines(), 1):
            for target in re.findall(r"redirect\(([^,)]+(?:\([^)]*\))?)", line):
                if not target.startswith("url_for(") and not target.startswith("_"):
                    found.append((source.name, number, target))
    assert {(name, target) for name, _number, target in found} == {("readability.py", "back"), ("apply.py", "target")}, found


# --------------------------------------------------------------------------- security headers everywhere

_ALLOWED_SOURCES = {"'self'", "'none'", "data:"}


def assert_security_headers(response, where) -> None:
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    # An HTML page (HEAD: the page without its body); an empty OPTIONS answer has nothing to protect.
    if response.mimetype == "text/html" and (response.get_data() or response.request.method == "HEAD"):
        csp = headers.get("Content-Security-Policy", "")
        directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
        assert directives.get("frame-ancestors") == ["'none'"], (where, csp)
        assert directives.get("default-src") == ["'self'"], (where, csp)
        for name, sources in directives.items():
            for source in sources:
                assert source in _ALLOWED_SOURCES, f"{where}: {name} allows {source}"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
        # Scripts and styles only from this site, with nothing that falls back to a looser default.
        assert directives.get("script-src") == ["'self'"] and directives.get("style-src") == ["'self'"], (where, csp)


def _example_path(app, rule, lang="en") -> str:
    from tests.page_registry_help import LIBRARY, a_later_day

    values = {"lang": lang, "slug": "id-card", "application": "id-card", "question": "for-whom", "point": LIBRARY,
              "day": a_later_day(), "kind": "application", "case_id": staff_registry.EXAMPLE_IDS["application"],
              "notice_id": 1, "name": sorted(app.extensions["komek_audio"]["files"] or ["none.opus"])[0].removesuffix(".opus"),
              "filename": "build/manifest.json"}
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


def test_every_route_answers_every_method_with_the_security_headers(app):
    client = app.test_client()
    seen_statuses = set()
    for rule in app.url_map.iter_rules():
        path = _example_path(app, rule)
        for method in ("GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE"):
            response = client.open(path, method=method)
            seen_statuses.add(response.status_code)
            assert response.status_code < 500, (rule.endpoint, method, response.status_code)
            assert_security_headers(response, (rule.endpoint, method, response.status_code))
    # Pages, redirects of each kind, a refused form, not found and the wrong method were all among them.
    assert {200, 302, 303, 400, 404, 405} <= seen_statuses, seen_statuses


def test_files_204s_redirects_errors_and_fragments_have_the_security_headers(app):
    client = app.test_client()
    manifest = client.get("/static/build/manifest.json").get_json()
    responses = {f"static {name}": client.get(f"/static/build/{hashed}") for name, hashed in manifest.items()}
    responses["static missing"] = client.get("/static/build/nothing.css")
    for name in sorted(app.extensions["komek_audio"]["files"])[:2]:
        responses[f"audio {name}"] = client.get(f"/audio/{name}")
    responses["audio missing"] = client.get("/audio/0000000000000000.opus")
    responses["root redirect"] = client.get("/", headers={"Accept-Language": "ru"})
    responses["slash redirect 308"] = client.get("/en/status")
    responses["staff, signed out: 303"] = client.get("/en/staff/")
    responses["unknown language"] = client.get("/xx/guides")
    responses["unknown guide"] = client.get("/kk/guides/no-such-guide")
    responses["unknown path"] = client.get("/ru/no/such/page")
    responses["wrong method"] = client.get("/en/finish")
    responses["expired form"] = client.post("/kk/settings", data={"size": "100"})
    responses["search fragment"] = client.get("/en/search?q=pasport", headers={"HX-Request": "true"})
    token = csrf_token_from(client.get("/en/").get_data(as_text=True))
    responses["keep-alive 204"] = client.post("/en/keep-alive", data={"csrf_token": token})
    responses["instant settings 204"] = client.post(
        "/en/settings", headers={"X-Komek-Instant": "1"},
        data={"csrf_token": token, "size": "150", "scheme": "device", "line": "normal", "letter": "normal"})
    responses["ranged static"] = client.get(f"/static/build/{manifest['site.css']}", headers={"Range": "bytes=0-9"})
    responses["not modified"] = client.get(f"/static/build/{manifest['site.css']}",
                                           headers={"If-Modified-Since": "Sat, 01 Jan 2050 00:00:00 GMT"})
    expected = {"static missing": 404, "audio missing": 404, "root redirect": 302, "slash redirect 308": 308,
                "staff, signed out: 303": 303, "unknown language": 404, "unknown guide": 404, "unknown path": 404,
                "wrong method": 405, "expired form": 400, "keep-alive 204": 204, "instant settings 204": 204,
                "ranged static": 206, "not modified": 304}
    for where, response in responses.items():
        assert response.status_code == expected.get(where, 200), (where, response.status_code)
        assert_security_headers(response, where)
    for where in ("unknown guide", "unknown path", "wrong method", "expired form", "search fragment"):
        assert responses[where].mimetype == "text/html" and "Content-Security-Policy" in responses[where].headers, where


def test_a_server_error_page_has_the_security_headers(tmp_path):
    from tests.support import make_test_app

    app = make_test_app(tmp_path / "boom.sqlite3", PROPAGATE_EXCEPTIONS=False)

    def boom():
        raise RuntimeError("a bug")

    app.add_url_rule("/en/boom", "boom", boom, methods=["GET", "POST"])
    response = app.test_client().get("/en/boom")
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert_security_headers(response, "500 page")


# --------------------------------------------------------------------------- no-store on personal data

# Pages that show a name, phone, reference, code or answers (or may, in some state).
PERSONAL_ENDPOINTS = {
    "apply.question", "apply.check", "apply.save", "apply.resume", "apply.done", "apply.answers", "apply.keep_this",
    "help.book", "help.booked", "help.find_booking", "help.manage_booking", "help.cancel_booking", "help.change_day",
    "help.change_time", "help.home_visit", "help.home_visit_sent",
    "status.check_status", "status.show_status",
    "guides.pack", "visit.finish", "visit.finished",
}
# apply.* pages that are the same for everyone (they show no answers, whatever the visit): allowed the
# ordinary "private, no-cache", and the personal-value scan below still covers them.
SAME_FOR_EVERYONE = {"apply.start", "apply.not_covered"}

_EXAMPLE_CODES = {"KMK-7Q4M-9XPD", "R7TX-4KQ9", "7Q4M-9XPD-K2"}


def _personal_values() -> set[str]:
    values = set()
    for answers in [OTHER, APPLICANT, *SPECIFIC.values()]:
        for fields in answers.values():
            values.update(v for v in fields.values() if len(v) >= 6 and not v.isascii())
    values.update({"580327400003", "580327 400003", "230502600005", "+7 701 123 45 67", "+7 702 555 01 02",
                   help_registry.HOME_VISIT["name"], help_registry.HOME_VISIT["address"], help_registry.REPEATED["name"],
                   "Сәуле Ахметова", "Иван Петров"})
    return values


def _shows_personal_data(html: str, values: set[str]) -> list[str]:
    found = [value for value in values if value in html]
    found += [code for code in re.findall(r'class="big code">([^<]+)<', html)]
    found += [ref for ref in re.findall(r"KMK-[2-9A-Z]{4}-[2-9A-Z]{4}", html) if ref not in _EXAMPLE_CODES]
    return found


def test_every_page_with_personal_data_is_no_store(app):
    values = _personal_values()
    client = app.test_client()
    checked = set()
    for index, state in enumerate(page_states(app)):
        lang = LANGUAGES[index % len(LANGUAGES)]
        response = fetch_state(client, state, lang, app)
        assert response.status_code == state.status, (state.name, response.status_code)
        assert_security_headers(response, state.name)
        cache = response.headers.get("Cache-Control", "")
        shown = _shows_personal_data(response.get_data(as_text=True), values)
        endpoint = state.endpoint or ""
        # A "not found" page shows nothing of anyone: only the personal-value scan applies to it.
        personal_page = state.status != 404 and (
            endpoint in PERSONAL_ENDPOINTS or endpoint.startswith("staff.")
            or (endpoint.startswith("apply.") and endpoint not in SAME_FOR_EVERYONE))
        must = personal_page or shown
        if must:
            assert cache == "no-store", f"{state.name} ({lang}): Cache-Control {cache!r}, shows {shown[:3]}"
            checked.add(state.endpoint)
    # The walk did reach the pages that matter.
    assert {"apply.check", "apply.done", "apply.keep_this", "help.booked", "help.manage_booking",
            "status.show_status", "staff.record", "help.home_visit_sent"} <= checked


# --------------------------------------------------------------------------- status check: one answer for every miss

def test_wrong_reference_and_wrong_code_get_byte_identical_answers(app):
    client = app.test_client()
    submit(client, "id-card", "en")
    slip = client.get("/en/apply/id-card/keep-this").get_data(as_text=True)
    reference, secret = re.findall(r'class="big code">([^<]+)<', slip)[:2]
    # A reference of the same shape that does not exist.
    other = reference[:-1] + ("X" if reference[-1] != "X" else "Y")
    wrong_secret = secret[:-1] + ("X" if secret[-1] != "X" else "Y")
    address = fresh_address()

    def attempt(ref, code):
        token = csrf_token_from(client.get("/en/status/").get_data(as_text=True))
        response = client.post("/en/status/", data={"csrf_token": token, "reference": ref, "secret_code": code},
                               environ_base={"REMOTE_ADDR": address})
        body = response.get_data(as_text=True)
        # The token's value, and what was typed (echoed back into its fields), are the only differences allowed.
        body = re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]+"', 'name="csrf_token" value="TOKEN"', body)
        body = body.replace(f'value="{ref}"', 'value="REFERENCE"').replace(f'value="{code}"', 'value="CODE"')
        headers = {k: v for k, v in response.headers.items() if k not in ("Date", "Set-Cookie")}
        return response.status_code, headers, body

    wrong_code = attempt(reference, wrong_secret)
    wrong_reference = attempt(other, secret)
    assert wrong_code[0] == wrong_reference[0] == 200
    assert "We could not find this reference with this secret code" in wrong_code[2]
    assert wrong_code[2] == wrong_reference[2]
    assert wrong_code[1] == wrong_reference[1]
    # The control: the right pair is found (so the two misses above really were misses of each kind).
    found = client.post("/en/status/", data={"csrf_token": csrf_token_from(client.get("/en/status/").get_data(as_text=True)),
                                             "reference": reference, "secret_code": secret},
                        environ_base={"REMOTE_ADDR": address})
    assert found.status_code == 303 and found.headers["Location"] == "/en/status/result"


# --------------------------------------------------------------------------- Finish and clear, then a replayed cookie

def test_an_old_cookie_replayed_after_finish_and_clear_shows_nothing(app):
    from tests.journey_support import example_answers

    client = app.test_client()
    check = walk(client, "id-card", "en", for_other=True)
    check_page = client.get(check).get_data(as_text=True)
    name = example_answers("id-card", True)["applicant_name"]["applicant_name"]
    assert name in check_page, "the check page shows the answers before the visit ends"
    code = re.search(r'class="big code">([^<]+)<', client.get("/en/apply/id-card/save").get_data(as_text=True)).group(1)
    old_cookie = client.get_cookie("komek_session").value
    old_token = csrf_token_from(check_page)

    cleared = client.post("/en/finish", data={"csrf_token": old_token, "codes_seen": "y"})
    assert cleared.status_code == 303 and client.get_cookie("komek_session") is None

    replay = app.test_client()
    replay.set_cookie("komek_session", old_cookie)
    for path in [check, "/en/apply/id-card/save", "/en/apply/id-card/applicant-name", "/en/apply/id-card/circumstances"]:
        response = replay.get(path, follow_redirects=True)
        html = response.get_data(as_text=True)
        assert name not in html and code not in html and "Нұрланова" not in html, path
        assert response.request.path == "/en/apply/id-card", (path, response.request.path)
    before = snapshot(app)
    for path, data in [(check, {}), ("/en/settings", {"size": "200"}), ("/en/apply/id-card/circumstances",
                                                                          SPECIFIC["id-card"]["circumstances"])]:
        refused = replay.post(path, data={"csrf_token": old_token, **data})
        assert refused.status_code == 400, path
        assert name not in refused.get_data(as_text=True), path
    after = snapshot(app)
    assert changed_tables(before, after) in ([], ["visit_sessions"]), "a refused POST wrote a case"
    # Only new, empty visits may have appeared; the old one never comes back.
    import hashlib

    old_hash = hashlib.sha256(old_cookie.encode()).hexdigest()
    assert not any(old_hash in row for row in after["visit_sessions"])
    assert not any(name in row for row in after["visit_sessions"])
