"""Low bandwidth: every page's HTML plus its render-blocking CSS fits in 14,000 bytes gzip-compressed."""

import gzip
import re

import pytest

from tests.page_registry import LANGUAGES, page_states
from tests.state_client import fetch_state

BUDGET_BYTES = 14_000


def test_every_page_fits_the_first_round_trip(app):
    client = app.test_client()
    css_path = app.extensions["komek_assets"]("site.css")
    css_gzip = len(gzip.compress(css_path.read_bytes(), compresslevel=6))
    sizes = []
    for state in page_states(app):
        for lang in LANGUAGES:
            response = fetch_state(client, state, lang, app, headers={"Accept-Encoding": "gzip"})
            body = response.get_data()
            if response.status_code == 200:
                assert response.headers.get("Content-Encoding") == "gzip", f"{state.name}: not compressed"
            else:
                # Flask-Compress leaves error pages alone; the reverse proxy compresses them in production.
                body = gzip.compress(body, compresslevel=6)
            sizes.append((len(body) + css_gzip, state.name, lang))
    sizes.sort(reverse=True)
    print("\nLargest pages (HTML + CSS, gzip bytes):")
    for size, name, lang in sizes[:10]:
        print(f"  {size:>6}  {lang}  {name}")
    over = [entry for entry in sizes if entry[0] > BUDGET_BYTES]
    assert not over, f"pages over {BUDGET_BYTES} bytes: {over}"


def test_pages_load_nothing_from_other_sites_and_no_fonts(app, client):
    for state in page_states(app):
        html = fetch_state(client, state, "ru", app).get_data(as_text=True)
        assert not re.search(r'<(?:script|link|img|iframe|audio|video|source)\b[^>]*\b(?:src|href)="(?:https?:)?//', html), state.name
        assert "@font-face" not in html and ".woff" not in html


@pytest.mark.parametrize("asset", ["site.css", "komek.js", "htmx.js"])
def test_static_files_have_hashed_names_and_are_cached_for_a_year(app, client, asset):
    with app.test_request_context():
        url = app.jinja_env.globals["asset_url"](asset)
    assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url)
    response = client.get(url)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]


def test_css_has_no_web_fonts(app):
    css = app.extensions["komek_assets"]("site.css").read_text()
    assert "@font-face" not in css and "url(" not in css


def test_scripts_are_deferred(client):
    html = client.get("/en/").get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all(" defer" in tag for tag in scripts)
