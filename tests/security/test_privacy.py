"""Privacy: no personal value ever reaches a URL, a redirect, a log line or a cookie.

Every journey runs with known personal data (names in Cyrillic, dates of birth, IINs, phones, an address,
and the references, secret codes and return codes the site hands out), first through the Flask test
client with every log record captured at DEBUG, then, for a booking and an application, through gunicorn
with the production access-log format. Each URL requested, each Location header and each log line is
scanned for every value in several spellings: zero occurrences allowed.

(The Flask test client writes no request log of its own; what werkzeug's request log would hold, the
request line, is exactly the recorded URL, which is scanned.)
"""

import contextlib
import importlib.util
import itertools
import logging
import os
import pathlib
import re
import signal
from urllib.parse import unquote_plus

import pytest
from flask.testing import FlaskClient

from journeys import APPLICATIONS
from tests.conftest import csrf_token_from
from tests.journey_support import example_answers, walk
from tests import page_registry_help as help_registry
from tests import page_registry_staff as staff_registry

ALLOWED_COOKIES = {"komek_session", "komek_reading"}
_addresses = itertools.count(1)


def _address() -> str:
    n = next(_addresses)
    return f"10.{150 + n // 65000 % 40}.{n // 255 % 255}.{n % 255 + 1}"


# --------------------------------------------------------------------------- the personal data

PERSON = {"name": "Гүлжан Әбдірахманқызы", "phone": "+7 705 987 65 43", "phone_owner": "self"}
HOME_VISIT = {"for_whom": "self", "reason": "disability", "name": "Бибігүл Жақыпбекова",
              "address": "Қарағанды, Бұқар жырау даңғылы 49, 17-пәтер", "about": "age-pension", "days": ["mon"],
              "times": ["afternoon"], "phone": "8 (747) 314-15-92", "consent": "y"}
STAFF_NOTE = "Бибігүлге хабарластым, құжаттары дайын."


def _phone_spellings(phone: str) -> set[str]:
    digits = re.sub(r"\D", "", phone)
    national = digits[-10:]
    a, b, c, d = national[:3], national[3:6], national[6:8], national[8:]
    return {national, "7" + national, "+7" + national, "8" + national, f"+7 {a} {b} {c} {d}", f"8 ({a}) {b}-{c}-{d}",
            f"{a} {b} {c} {d}", f"{b}-{c}-{d}", f"{b} {c} {d}", f"+7%20{a}", f"+7+{a}+{b}", b + c + d}


def _date_spellings(iso: str) -> set[str]:
    year, month, day = iso.split("-")
    return {year, iso, f"{day}.{month}.{year}", f"{int(day)}.{int(month)}.{year}", f"{day}/{month}/{year}",
            f"{year}{month}{day}", f"{day}{month}{year}", f"{year}/{month}/{day}"}


def _name_spellings(name: str) -> set[str]:
    return {name, *(part for part in re.split(r"[\s,.]+", name) if len(part) >= 4)}


def personal_values() -> set[str]:
    values = set()
    for slug in APPLICATIONS:
        for for_other in (False, True):
            for fields in example_answers(slug, for_other).values():
                for name, value in fields.items():
                    if name.endswith("_name") or name == "home_address" or name == "circumstances":
                        values |= _name_spellings(value)
                    elif name.endswith("_iin") and value:
                        values |= {value, value.replace(" ", ""), value.replace(" ", "")[:6] + " " + value.replace(" ", "")[6:]}
                    elif name.endswith("_phone"):
                        values |= _phone_spellings(value)
    for iso in ("1958-03-27", "2023-05-02"):
        values |= _date_spellings(iso)
    for who in (PERSON, HOME_VISIT):
        values |= _name_spellings(who["name"]) | _phone_spellings(who["phone"])
    values |= _name_spellings(HOME_VISIT["address"]) | _name_spellings(STAFF_NOTE)
    values |= {staff_registry.PASSWORD, "580327", "230502"}
    # Words too common to be personal on their own.
    return {value for value in values if value.lower() not in {"базарда", "қараша", "айында", "кейін</b>", "жоғалттым"}}


def code_spellings(code: str) -> set[str]:
    bare = code.replace("-", "")
    return {code, bare, code.lower(), bare.lower(), "-".join(code.split("-")[1:]) if code.startswith("KMK-") else bare}


def occurrences(text: str, values: set[str]) -> list[str]:
    """Each value found in `text`, also after URL-decoding; digits only where no other digit touches them."""
    found = []
    for form in {text, unquote_plus(text)}:
        lowered = form.lower()
        for value in values:
            if value.isdigit():
                if re.search(rf"(?<!\d){value}(?!\d)", form):
                    found.append(value)
            elif value.lower() in lowered:
                found.append(value)
    return sorted(set(found))


# --------------------------------------------------------------------------- recording

class Recorder:
    def __init__(self):
        self.urls: list[str] = []
        self.locations: list[str] = []
        self.cookies: list[tuple[str, str]] = []
        self.statuses: list[tuple[str, int]] = []
        self.codes: set[str] = set()


def recording_client(app, recorder: Recorder):
    class RecordingClient(FlaskClient):
        def open(self, *args, **kwargs):
            response = super().open(*args, **kwargs)
            for each in [*getattr(response, "history", ()), response]:
                url = each.request.url
                if url not in recorder.urls[-1:]:
                    recorder.urls.append(url)
                    recorder.statuses.append((url, each.status_code))
                if "Location" in each.headers:
                    recorder.locations.append(each.headers["Location"])
                for header in each.headers.getlist("Set-Cookie"):
                    name, _, rest = header.partition("=")
                    recorder.cookies.append((name, rest.split(";", 1)[0]))
                if each.mimetype == "text/html":
                    recorder.codes |= set(re.findall(r'class="big code">([^<]+)<', each.get_data(as_text=True)))
            return response

    return RecordingClient(app, app.response_class, use_cookies=True)


class CaptureAll(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record):
        self.lines.append(self.format(record))


@contextlib.contextmanager
def every_log_record_at_debug():
    """Every logger at DEBUG into one handler (caplog is off under `-p no:logging`), even loggers that do
    not propagate. SQLAlchemy keeps its own level: its INFO/DEBUG is the `echo` switch, which prints SQL
    and result rows by design, and the app never turns it on (the gunicorn run below checks that with
    LOG_LEVEL=DEBUG)."""
    handler = CaptureAll()
    root = logging.getLogger()
    saved = [(root, root.level)]
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    extra = []
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if not isinstance(logger, logging.Logger) or name.startswith("sqlalchemy"):
            continue
        saved.append((logger, logger.level))
        logger.setLevel(logging.DEBUG)
        if not logger.propagate:
            logger.addHandler(handler)
            extra.append(logger)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for logger in extra:
            logger.removeHandler(handler)
        for logger, level in saved:
            logger.setLevel(level)


# --------------------------------------------------------------------------- the journeys

def _post(client, path, data, token_from=None):
    token = csrf_token_from(client.get(token_from or path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data}, environ_base={"REMOTE_ADDR": _address()})


def _codes_on(client, path) -> list[str]:
    return re.findall(r'class="big code">([^<]+)<', client.get(path).get_data(as_text=True))


def apply_for_everything(new_client, langs) -> list[tuple[str, str]]:
    """Each application, for oneself and for someone else: answer, check, save, confirm, print."""
    found = []
    for (slug, for_other), lang in zip([(s, o) for s in APPLICATIONS for o in (False, True)], langs):
        client = new_client()
        check = walk(client, slug, lang, for_other=for_other)
        assert client.get(check).status_code == 200
        assert _codes_on(client, f"/{lang}/apply/{slug}/save"), "a return code is shown"
        confirmed = _post(client, check, {})
        assert confirmed.status_code == 303, confirmed.status_code
        for page in ("done", "answers", "keep-this"):
            assert client.get(f"/{lang}/apply/{slug}/{page}").status_code == 200, page
        reference, secret = _codes_on(client, f"/{lang}/apply/{slug}/keep-this")[:2]
        found.append((reference, secret))
        if for_other and slug in ("id-card",):
            made = _post(client, f"/{lang}/guides/{slug}/pack",
                         {"language": "kk", "include_reference": "y", "helper_phone": PERSON["phone"]})
            assert made.status_code == 200 and reference in made.get_data(as_text=True)
    return found


def save_and_resume(new_client, lang):
    answers = example_answers("kindergarten-queue", for_other=True)
    # The save page asks the date of birth when it is not answered yet.
    first = new_client()
    walk(first, "kindergarten-queue", lang, for_other=True, stop_before="applicant_name")
    saved = _post(first, f"/{lang}/apply/kindergarten-queue/save",
                  {"birth_date-day": "27", "birth_date-month": "3", "birth_date-year": "1958"})
    assert saved.status_code == 303
    code = _codes_on(first, f"/{lang}/apply/kindergarten-queue/save")[0]
    # A wrong date of birth with the right code, then the right one, on another computer.
    other = new_client()
    wrong = _post(other, f"/{lang}/apply/resume", {"code": code, "birth_date-day": "28", "birth_date-month": "3",
                                                   "birth_date-year": "1958"})
    assert wrong.status_code == 200
    resumed = _post(other, f"/{lang}/apply/resume", {"code": code.lower().replace("-", " "), "birth_date-day": "27",
                                                     "birth_date-month": "3", "birth_date-year": "1958"})
    assert resumed.status_code == 303, resumed.get_data(as_text=True)[:500]
    location = resumed.headers["Location"]
    while not location.endswith("/check"):
        question = location.rsplit("/", 1)[1].replace("-", "_")
        answered = _post(other, location, answers[question])
        assert answered.status_code == 303, location
        location = answered.headers["Location"]
    assert _post(other, location, {}).status_code == 303
    # Visit ended, then an answer arrives: kept until the draft is reopened (views/apply.py).
    third = new_client()
    stopped = walk(third, "id-card", lang, stop_before="circumstances")
    code = _codes_on(third, f"/{lang}/apply/id-card/save")[0]
    token = csrf_token_from(third.get(stopped).get_data(as_text=True))
    _post(third, f"/{lang}/finish", {"codes_seen": "y"}, token_from=f"/{lang}/")
    late = third.post(stopped, data={"csrf_token": token, **example_answers("id-card")["circumstances"]})
    assert late.status_code == 400
    # The expired page shows the question again, with what was typed: sending it keeps the answer.
    fresh = third.post(stopped, data={"csrf_token": csrf_token_from(late.get_data(as_text=True)),
                                      **example_answers("id-card")["circumstances"]})
    assert fresh.status_code == 303 and fresh.headers["Location"].endswith("/apply/resume")
    assert _post(third, f"/{lang}/apply/resume", {"code": code, "birth_date-day": "27", "birth_date-month": "3",
                                                  "birth_date-year": "1958"}).status_code == 303


def book_change_cancel(new_client, lang) -> tuple[str, str]:
    client = new_client()
    path, time = help_registry.free_time(client, lang)
    booked = _post(client, path, {"time": time, **PERSON})
    assert booked.status_code == 303, booked.get_data(as_text=True)[:1000]
    reference, secret = _codes_on(client, booked.headers["Location"])[:2]
    # Booking again with the same person is refused (their name and phone come back in the form only).
    again = _post(client, path, {"time": time, **PERSON})
    assert again.status_code == 200
    later = new_client()
    assert _post(later, f"/{lang}/help/find", {"reference": reference, "secret_code": "2222-3333"}).status_code == 200
    assert _post(later, f"/{lang}/help/find", {"reference": reference.lower(), "secret_code": secret}).status_code == 303
    assert later.get(f"/{lang}/help/booking").status_code == 200
    assert later.get(f"/{lang}/help/booking/change").status_code == 200
    day = help_registry.a_later_day()
    page = later.get(f"/{lang}/help/booking/change/{day}").get_data(as_text=True)
    times = [t for t in re.findall(r'name="time" value="([^"]+)">', page) if t != time]
    changed = _post(later, f"/{lang}/help/booking/change/{day}", {"time": times[-1]})
    assert changed.status_code == 303, changed.get_data(as_text=True)[:1000]
    assert _post(later, f"/{lang}/help/booking/cancel", {}).status_code == 303
    assert later.get(f"/{lang}/help/booking").status_code == 200
    return reference, secret


def ask_for_a_home_visit(new_client, lang) -> tuple[str, str]:
    client = new_client()
    sent = _post(client, f"/{lang}/help/home-visit", HOME_VISIT)
    assert sent.status_code == 303, sent.get_data(as_text=True)[:1000]
    return tuple(_codes_on(client, sent.headers["Location"])[:2])


def check_statuses(new_client, lang, cases):
    client = new_client()
    for reference, secret in cases:
        found = _post(client, f"/{lang}/status/", {"reference": reference, "secret_code": secret})
        assert found.status_code == 303, (reference, found.status_code)
        assert client.get(found.headers["Location"]).status_code == 200
    reference, secret = cases[0]
    assert _post(client, f"/{lang}/status/", {"reference": reference, "secret_code": secret[::-1]}).status_code == 200


def work_in_the_console(app, new_client, lang, reference):
    from sqlalchemy import select

    from models import Submission

    staff_registry._ensure_examples(app)
    with app.extensions["komek_db"]() as db:
        case_id = db.scalar(select(Submission.id).where(Submission.reference == reference))
    client = new_client()
    wrong = _post(client, f"/{lang}/staff/sign-in", {"username": staff_registry.USERNAME, "password": "Айгүл1958"})
    assert wrong.status_code == 200
    signed_in = _post(client, f"/{lang}/staff/sign-in",
                      {"username": staff_registry.USERNAME, "password": staff_registry.PASSWORD})
    assert signed_in.status_code == 303
    for page in ("", "appointments", "home-visits", "applications", "outbox", "unlock"):
        assert client.get(f"/{lang}/staff/{page}").status_code == 200, page
    record = f"/{lang}/staff/records/application/{case_id}"
    assert client.get(record).status_code == 200
    assert _post(client, record, {"status": "in_progress", "note": STAFF_NOTE}).status_code == 303
    assert _post(client, f"{record}/unlock", {}, token_from=record).status_code == 303
    assert _post(client, f"/{lang}/staff/unlock", {"reference": reference}).status_code == 303
    outbox = client.get(f"/{lang}/staff/outbox").get_data(as_text=True)
    for sent in re.findall(rf'action="(/{lang}/staff/outbox/\d+/sent)"', outbox)[:2]:
        assert _post(client, sent, {}, token_from=f"/{lang}/staff/outbox").status_code == 303
    assert _post(client, f"/{lang}/staff/sign-out", {}, token_from=f"/{lang}/staff/").status_code == 303


def reading_settings_and_finish(new_client, lang):
    client = new_client()
    assert _post(client, f"/{lang}/settings", {"size": "150", "scheme": "cream", "line": "wide", "letter": "normal",
                                               "next": f"/{lang}/help"}).status_code == 303
    assert _post(client, f"/{lang}/finish", {"forget_settings": "y"}, token_from=f"/{lang}/").status_code == 303


# --------------------------------------------------------------------------- the test client run

def test_no_personal_value_in_any_url_redirect_log_line_or_cookie(app):
    recorder = Recorder()

    def new_client():
        return recording_client(app, recorder)

    langs = ["kk", "ru", "en"] * 3
    with every_log_record_at_debug() as log:
        applications = apply_for_everything(new_client, langs)
        save_and_resume(new_client, "ru")
        booking = book_change_cancel(new_client, "kk")
        home_visit = ask_for_a_home_visit(new_client, "en")
        check_statuses(new_client, "ru", [applications[0], booking, home_visit])
        work_in_the_console(app, new_client, "en", applications[1][0])
        reading_settings_and_finish(new_client, "kk")
        logging.getLogger("komek.privacy-test").debug("capture check: %s", "every logger at DEBUG is captured")

    assert any("capture check" in line for line in log.lines), "the log capture does not work"
    assert any("flask_wtf.csrf" in line and "CSRF" in line for line in log.lines), "the app's own log records were not captured"
    assert len(recorder.urls) > 150 and len(recorder.locations) > 50, (len(recorder.urls), len(recorder.locations))
    assert not [status for status in recorder.statuses if status[1] >= 500], "a journey met a server error"

    values = personal_values()
    codes = set()
    for code in recorder.codes | {c for pair in [*applications, booking, home_visit] for c in pair}:
        codes |= code_spellings(code)
    assert len(recorder.codes) >= 20, "references, secret codes and return codes were shown"
    everything = values | codes
    leaks = []
    for kind, texts in (("URL", recorder.urls), ("Location", recorder.locations), ("log", log.lines)):
        for text in texts:
            found = occurrences(text, everything)
            if found:
                leaks.append((kind, text[:300], found))
    assert not leaks, f"{len(leaks)} leaks, for example: {leaks[:5]}"

    names = {name for name, _value in recorder.cookies}
    assert names <= ALLOWED_COOKIES, names
    assert "komek_reading" in names and "komek_session" in names
    for name, value in recorder.cookies:
        if name == "komek_session":
            assert re.fullmatch(r"[A-Za-z0-9_-]{43}|", value), value
        else:
            assert re.fullmatch(r"((size|scheme|line|letter)=[a-z0-9]+&?)*", value), value
        assert not occurrences(value, everything), (name, value)


def test_the_scan_finds_what_it_looks_for():
    """The control: the same scanner does find each kind of value in a URL and in a log line."""
    values = personal_values()
    for text in ["/kk/search?q=%D0%90%D0%B9%D0%B3%D2%AF%D0%BB", "GET /x?phone=8+(701)+123-45-67",
                 "saved 27.03.1958", "iin=580327400003", "dob 1958-03-27", "Абай даңғылы 1",
                 "name=Гүлжан+Әбдірахманқызы"]:
        assert occurrences(text, values), text
    assert occurrences("ref kmk7q4m9xpd", code_spellings("KMK-7Q4M-9XPD"))
    assert not occurrences("GET /static/build/site.0c4be82c9edc.css 200 21958", values)


def test_debug_logging_does_not_turn_on_sql_echo(tmp_path):
    """LOG_LEVEL=DEBUG (the app's own switch) must not make SQLAlchemy log statements or result rows."""
    from tests.support import make_test_app

    make_test_app(tmp_path / "debug.sqlite3", LOG_LEVEL="DEBUG")
    engine_log = logging.getLogger("sqlalchemy.engine.Engine")
    assert not engine_log.isEnabledFor(logging.INFO)


# --------------------------------------------------------------------------- the same through gunicorn's access log

def _crash_helpers():
    spec = importlib.util.spec_from_file_location("komek_security_servers", pathlib.Path(__file__).with_name("test_crash.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def gunicorn_server(tmp_path):
    from tests.support import migrate

    helpers = _crash_helpers()
    url = f"sqlite:///{tmp_path / 'privacy.sqlite3'}"
    migrate(url)
    env = {**os.environ, "DATABASE_URL": url, "KOMEK_ENV": "development", "SECRET_KEY": "privacy-test-secret",
           "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2", "LOG_LEVEL": "DEBUG", "PYTHONUNBUFFERED": "1"}
    server = helpers.Gunicorn(env, tmp_path / "gunicorn.log")
    server.helpers = helpers
    try:
        yield server
    finally:
        server.stop_all()


def test_gunicorn_output_holds_no_personal_value(gunicorn_server):
    helpers = gunicorn_server.helpers
    gunicorn_server.start()
    browser = helpers.Browser()
    browser.port = gunicorn_server.port
    seen_cookies = set()
    shown = set()

    def request(method, path, data=None):
        status, headers, html = browser.request(method, path, data)
        for header in headers.get_all("Set-Cookie") or []:
            seen_cookies.add(header.split("=", 1)[0])
        shown.update(re.findall(r'class="big code">([^<]+)<', html))
        return status, headers, html

    def post(path, data, token_from=None):
        _status, _headers, html = request("GET", token_from or path)
        return request("POST", path, {"csrf_token": helpers._token(html), **data})

    # An application for someone else, start to finish, with the printouts.
    answers = example_answers("id-card", for_other=True)
    status, headers, _ = post("/ru/apply/id-card", {})
    location = headers["Location"]
    while not location.endswith("/check"):
        status, headers, html = post(location, answers[location.rsplit("/", 1)[1].replace("-", "_")])
        assert status == 303, (location, status)
        location = headers["Location"]
    request("GET", "/ru/apply/id-card/save")
    assert post(location, {})[0] == 303
    for page in ("done", "answers", "keep-this"):
        assert request("GET", f"/ru/apply/id-card/{page}")[0] == 200
    # A booking, and a status check with the application's reference.
    _status, _headers, html = request("GET", f"/kk/help/book/{help_registry.LIBRARY}")
    day_path = re.findall(rf'href="(/kk/help/book/{help_registry.LIBRARY}/\d{{4}}-\d\d-\d\d)"', html)[0]
    _status, _headers, html = request("GET", day_path)
    time = re.findall(r'name="time" value="([^"]+)">', html)[0]
    status, headers, _ = post(day_path, {"time": time, **PERSON})
    assert status == 303
    assert request("GET", headers["Location"])[0] == 200
    _status, _headers, slip = request("GET", "/ru/apply/id-card/keep-this")
    reference, secret = re.findall(r'class="big code">([^<]+)<', slip)[:2]
    assert post("/en/status/", {"reference": reference, "secret_code": secret})[0] == 303
    # Someone types their own name into the search box: the query is in the URL, never in the log.
    assert request("GET", "/en/search?q=" + "%D0%90%D0%B9%D0%B3%D2%AF%D0%BB+%D0%9D%D2%B1%D1%80%D0%BB%D0%B0%D0%BD%D0%BE%D0%B2%D0%B0")[0] == 200
    # A graceful stop, so every line is written out.
    os.killpg(gunicorn_server.process.pid, signal.SIGTERM)
    gunicorn_server.process.wait(timeout=30)

    output = gunicorn_server.log_path.read_text(encoding="utf-8", errors="replace")
    assert '"POST /ru/apply/id-card/applicant-name"' in output and '"GET /en/search"' in output, output[-2000:]
    codes = set()
    for code in shown:
        codes |= code_spellings(code)
    assert len(shown) >= 5
    everything = personal_values() | codes
    access = re.compile(r'^(?P<who>\S+) "(?P<request>[A-Z]+ [^"]*)" (?P<status>\d{3}) (?P<bytes>\d+|-) (?P<ms>\d+)ms$')
    leaks = []
    for line in output.splitlines():
        match = access.match(line)
        # The status, size and duration of an access-log line are numbers by construction: a size of
        # 1958 bytes is not a year of birth. Everything else on the line is scanned.
        text = f"{match['who']} {match['request']}" if match else line
        found = occurrences(text, everything)
        if found:
            leaks.append((line[:300], found))
    assert not leaks, f"{len(leaks)} lines with personal data, for example: {leaks[:5]}"
    assert seen_cookies <= ALLOWED_COOKIES, seen_cookies
