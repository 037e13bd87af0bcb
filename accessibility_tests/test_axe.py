"""axe-core on every page and state in every language, and on every template in every scheme and size."""

import itertools

import pytest

from services.readability import COLOUR_SCHEMES, ReadingSettings
from tests.page_registry import LANGUAGES, page_states
from tests.state_client import fetch_state


def _show(browser, base_url, app, state, lang):
    """Plain GET states load normally; states that need a visit prepared first, or a POST (error pages),
    are fetched by the test client and written into a page of ours."""
    if state.post is None and state.prepare is None:
        browser.get(base_url + state.path(lang, app))
        return
    html = fetch_state(app.test_client(), state, lang, app).get_data(as_text=True)
    browser.get(base_url + "/en/")  # a page of ours first, so the written document has our origin and CSP
    browser.execute_script("document.open(); document.write(arguments[0]); document.close();", html)
    browser.execute_script("return document.readyState")


def _states(app):
    return page_states(app)


def test_every_page_and_state_in_every_language(app, base_url, browser, auditor):
    failures = []
    for state, lang in itertools.product(_states(app), LANGUAGES):
        _show(browser, base_url, app, state, lang)
        violations = auditor.audit()
        if violations:
            failures.append(f"{state.name} [{lang}]:\n{auditor.describe(violations)}")
    print(f"\naxe audits (pages × languages): {auditor.audits}")
    assert not failures, "\n\n".join(failures)


SIZES = [ReadingSettings(size="100"), ReadingSettings(size="200", line="wide", letter="wide")]
# What a colour scheme or a text size can break: contrast, target size, focus and links told apart by colour.
# Every other rule is run on every page in the default scheme above.
SCHEME_RULES = ["color-contrast", "color-contrast-enhanced", "target-size", "link-in-text-block",
                "scrollable-region-focusable", "focus-order-semantics", "nested-interactive", "meta-viewport"]


@pytest.mark.parametrize("dark_device", [False, True], ids=["light-device", "dark-device"])
def test_every_template_in_every_scheme_and_size_at_320_pixels(app, base_url, browser, auditor, dark_device):
    templates = [state for state in _states(app) if state.template]
    # Each page is fetched once; the reading settings are then put on <html> exactly as the server renders
    # them from the cookie (data- attributes), so 10 combinations cost 10 swaps, not 10 journeys.
    pages = {state.template: fetch_state(app.test_client(), state, "kk", app).get_data(as_text=True) for state in templates}
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark" if dark_device else "light"}]})
    # 320 CSS pixels wide: the WCAG reflow width.
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 320, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    schemes = ["device"] if dark_device else COLOUR_SCHEMES
    failures = []
    try:
        browser.get(base_url + "/en/")
        for template, html in pages.items():
            browser.execute_script("document.open(); document.write(arguments[0]); document.close();", html)
            for scheme, size in itertools.product(schemes, SIZES):
                browser.execute_script(
                    "var root = document.documentElement; ['size', 'scheme', 'line', 'letter'].forEach(function (name) {"
                    " delete root.dataset[name]; });"
                    "Object.entries(arguments[0]).forEach(function (pair) { root.dataset[pair[0]] = pair[1]; });",
                    size.with_choices(scheme=scheme).html_attributes())
                label = f"{template} scheme={scheme} size={size.size}{' dark device' if dark_device else ''}"
                violations = auditor.audit(SCHEME_RULES)
                if violations:
                    failures.append(f"{label}:\n{auditor.describe(violations)}")
                overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 0:
                    failures.append(f"{label}: scrolls sideways by {overflow}px at 320px wide")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    print(f"\naxe audits so far: {auditor.audits}")
    assert not failures, "\n\n".join(failures)


def test_the_harness_catches_a_broken_page(base_url, browser, auditor):
    """So the audit can't pass by auditing nothing."""
    browser.get(base_url + "/en/")
    broken = ('<html><head><title>x</title></head><body><main><img src="data:,">'
              '<p>Grey text that passes AA but not AAA</p><input type="text"></main></body></html>')
    browser.execute_script("document.open(); document.write(arguments[0]); document.close();"
                           "var p = document.querySelector('p'); p.style.color = '#666'; p.style.background = '#fff';",
                           broken)
    found = {violation["id"] for violation in auditor.audit()}
    assert {"image-alt", "label", "html-has-lang", "color-contrast-enhanced"} <= found, found
