import pytest

from tests.page_registry import LANGUAGES, page_states
from tests.state_client import fetch_state


def test_every_page_has_the_security_headers(app, client):
    for state in page_states(app):
        for lang in LANGUAGES[:1]:
            response = fetch_state(client, state, lang, app)
            headers = response.headers
            csp = headers["Content-Security-Policy"]
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "http" not in csp, state.name
            assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_style_in_any_page(app, client):
    import re

    for state in page_states(app):
        html = fetch_state(client, state, "kk", app).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), state.name
        assert " style=" not in html and "<style" not in html, state.name
        assert not re.search(r"\son[a-z]+=", html), state.name


@pytest.mark.parametrize("path", ["/en/", "/en/guides"])
def test_public_pages_may_not_be_kept_by_shared_caches(client, path):
    assert client.get(path).headers["Cache-Control"] == "private, no-cache"
