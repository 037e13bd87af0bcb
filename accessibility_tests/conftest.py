"""One headless Chromium (Debian's, never downloaded) against the app served on loopback."""

import json
import pathlib
import shutil
import tempfile
import threading

import pytest
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from werkzeug.serving import make_server

from tests.support import make_test_app

ROOT = pathlib.Path(__file__).resolve().parent.parent
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    return make_test_app(tmp_path_factory.mktemp("a11y") / "komek.sqlite3")


@pytest.fixture(scope="session")
def base_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _chromium(javascript: bool = True):
    """Debian's Chromium, headless, with a fresh profile and nothing that calls out to the network."""
    profile = tempfile.mkdtemp(prefix="komek-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,1000"):
        options.add_argument(flag)
    if not javascript:
        # Blink's own switch: the content-settings preference is ignored by headless Chromium.
        options.add_argument("--blink-settings=scriptEnabled=false")
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    return driver, profile


@pytest.fixture(scope="session")
def browser():
    driver, profile = _chromium()
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def browsers_without_javascript():
    """Two browsers with JavaScript off: the person's own computer, and a second one to resume on."""
    started = [_chromium(javascript=False) for _computer in range(2)]
    yield [driver for driver, _profile in started]
    for driver, profile in started:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class Auditor:
    """Runs axe-core (the npm copy, not the 2018 one bundled with axe-selenium-python) on the open page."""

    def __init__(self, driver):
        self.driver = driver
        self.axe = Axe(driver, script_url=str(AXE_SCRIPT))
        self.audits = 0
        Auditor.last = self

    def audit(self, only_rules: list[str] | None = None) -> list[dict]:
        """All rules of our tags plus color-contrast-enhanced, or only `only_rules`."""
        self.axe.inject()
        rules = only_rules or self.driver.execute_script(
            "return axe.getRules(arguments[0]).map(r => r.ruleId).concat(['color-contrast-enhanced'])", TAGS
        )
        result = self.axe.run(options=json.dumps({"runOnly": {"type": "rule", "values": rules}, "resultTypes": ["violations"]}))
        self.audits += 1
        return result["violations"]

    @staticmethod
    def describe(violations: list[dict]) -> str:
        return "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(n["html"][:160] for n in v["nodes"][:5])
            for v in violations
        )


@pytest.fixture(scope="session")
def auditor(browser):
    return Auditor(browser)


def pytest_terminal_summary(terminalreporter):
    auditor = getattr(Auditor, "last", None)
    if auditor:
        terminalreporter.write_line(f"axe audits run: {auditor.audits}")
