"""Crash safety: `kill -9` of gunicorn (master and workers) in the middle of applications loses nothing
that a person was told was saved, and leaves the database intact.

gunicorn runs as in production (gunicorn.conf.py: a master, and here one worker with 2 threads, so a
restart costs one app load on this test's time budget) on a loopback port,
with a migrated temporary SQLite database and a fixed SECRET_KEY (so visits and form tokens stay valid
across restarts). Each round starts it, drives applications over HTTP (start, answer, confirm) like a
browser with a cookie jar, and kills the whole process group after a random delay, often in the middle
of a request. The person then carries on where they were, as they would after reloading the page.

Acknowledged writes: an answer whose POST got its 303, a confirmation whose done page showed a
reference. After the rounds every one of them must be in the database, and `PRAGMA integrity_check`
must say "ok".
"""

import hashlib
import http.client
import http.cookies
import json
import os
import pathlib
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

import pytest

from settings import ROOT
from tests.support import migrate

ROUNDS = 20
SEED = 20260325
START_TIMEOUT = 15.0
REQUEST_TIMEOUT = 5.0
GUNICORN = pathlib.Path(sys.executable).with_name("gunicorn")


# --------------------------------------------------------------------------- a browser and a server

class Browser:
    """Just enough of a browser: cookies (set and deleted), form posts, no automatic redirects."""

    def __init__(self):
        self.cookies: dict[str, str] = {}
        self.port = None

    def request(self, method: str, path: str, data: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
            body = None
            if data is not None:
                body = urlencode(data)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8")
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = http.cookies.SimpleCookie(header)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.headers, text
        finally:
            connection.close()

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data):
        return self.request("POST", path, data)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes in a process group, from /proc."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(entry.name))
    return found


class Gunicorn:
    """gunicorn as `make run` starts it, in a process group of its own, so a kill reaches every worker."""

    def __init__(self, env: dict, log_path: pathlib.Path):
        self.env = env
        self.log_path = log_path
        self.process = None
        self.port = None
        self.groups: list[int] = []

    def start(self) -> None:
        self.port = free_port()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}",
                 # No shared control socket in the home directory: each test server stays on its own.
                 "--no-control-socket", "app:create_app()"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.groups.append(self.process.pid)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.log_path.read_text()[-3000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection.request("GET", "/static/build/manifest.json")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.03)
        raise AssertionError(f"gunicorn did not answer within {START_TIMEOUT}s:\n{self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        """kill -9 the master and its workers at once (the whole process group)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)

    def wait_gone(self) -> None:
        deadline = time.monotonic() + 10
        while self.process and _group_members(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop_all(self) -> None:
        """Teardown: nothing of any start may survive the test, whatever happened."""
        for pgid in self.groups:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


# --------------------------------------------------------------------------- one person applying

def _token(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def _session_hash(browser: Browser) -> str | None:
    token = browser.cookies.get("komek_session")
    return hashlib.sha256(token.encode()).hexdigest() if token else None


_LETTERS = "абвгдежзиклмнопрстуфхәғқңөұүі"


def _unique_name(number: int) -> str:
    word = ""
    while True:
        number, digit = divmod(number, len(_LETTERS))
        word += _LETTERS[digit]
        if not number:
            break
    return f"Айгүл Сынақ{word}"


class Application:
    """One person preparing an id-card application; `step` does one page (GET + POST) at a time and can
    be repeated after a crash, like a person reloading the page."""

    START = "/en/apply/id-card"

    def __init__(self, number: int):
        self.number = number
        self.browser = Browser()
        self.state = "begin"
        self.location = None
        name = _unique_name(number)
        self.form = {
            "for_whom": {"for_whom": "self"},
            "reason": {"reason": "lost"},
            "applicant_name": {"applicant_name": name},
            "applicant_birth_date": {"applicant_birth_date-day": "27", "applicant_birth_date-month": "3",
                                     "applicant_birth_date-year": "1958"},
            "applicant_iin": {"applicant_iin": "580327400003"},
            "circumstances": {"circumstances": f"Базарда жоғалттым, {number}-нұсқа."},
        }
        # What the database holds for each answer.
        self.stored = {"for_whom": "self", "reason": "lost", "applicant_name": name,
                       "applicant_birth_date": "1958-03-27", "applicant_iin": "580327400003",
                       "circumstances": f"Базарда жоғалттым, {number}-нұсқа."}
        self.reference = None

    def _go(self, location: str) -> None:
        if location.endswith("/check"):
            self.state = "confirm"
        elif location.rstrip("/").endswith(self.START):
            self.state = "begin"
        else:
            self.state, self.location = "question", location

    def step(self, acknowledged: list) -> None:
        b = self.browser
        if self.state == "begin":
            status, headers, html = b.get(self.START)
            assert status == 200, status
            status, headers, _ = b.post(self.START, {"csrf_token": _token(html)})
            assert status == 303, status
            self._go(headers["Location"])
        elif self.state == "question":
            status, headers, html = b.get(self.location)
            if status in (302, 303):
                self._go(headers["Location"])
                return
            assert status == 200, (self.location, status)
            question = self.location.rsplit("/", 1)[1].replace("-", "_")
            status, headers, html = b.post(self.location, {"csrf_token": _token(html), **self.form[question]})
            assert status == 303, (self.location, status, html[:500])
            acknowledged.append({"kind": "answer", "application": self.number, "session": _session_hash(b),
                                 "question": question, "value": self.stored[question]})
            self._go(headers["Location"])
        elif self.state == "confirm":
            status, headers, html = b.get(f"{self.START}/check")
            if status in (302, 303):
                # No draft in this visit any more: the confirmation went through before the crash, or
                # the draft is gone; the done page tells which.
                self.state = "done"
                return
            assert status == 200, status
            status, headers, _ = b.post(f"{self.START}/check", {"csrf_token": _token(html)})
            assert status == 303 and headers["Location"].endswith("/done"), (status, headers.get("Location"))
            self.state = "done"
        elif self.state == "done":
            status, headers, html = b.get(f"{self.START}/done")
            if status == 404:
                self.state = "begin"
                return
            assert status == 200, status
            self.reference = re.search(r'class="big code">([^<]+)<', html).group(1)
            acknowledged.append({"kind": "reference", "application": self.number, "session": _session_hash(b),
                                 "reference": self.reference, "name": self.stored["applicant_name"]})
            self.state = "finished"


# --------------------------------------------------------------------------- the test

@pytest.fixture
def server(tmp_path):
    database = tmp_path / "crash.sqlite3"
    url = f"sqlite:///{database}"
    migrate(url)
    env = {**os.environ, "DATABASE_URL": url, "KOMEK_ENV": "development", "SECRET_KEY": "crash-test-secret-key",
           "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1"}
    env.pop("FORWARDED_ALLOW_IPS", None)
    gunicorn = Gunicorn(env, tmp_path / "gunicorn.log")
    gunicorn.database = database
    try:
        yield gunicorn
    finally:
        gunicorn.stop_all()
        survivors = [pid for pgid in gunicorn.groups for pid in _group_members(pgid)]
        assert not survivors, f"gunicorn processes left running: {survivors}"


def _missing(database: pathlib.Path, acknowledged: list) -> list:
    db = sqlite3.connect(database)
    try:
        sessions = {row[0]: json.loads(row[1]) for row in db.execute("SELECT token_hash, data FROM visit_sessions")}
        drafts = {row[0]: json.loads(row[1]) for row in db.execute("SELECT id, answers FROM drafts")}
        submissions = {row[0]: (row[1], json.loads(row[2])) for row in db.execute("SELECT id, reference, answers FROM submissions")}
        by_reference = {reference: answers for reference, answers in submissions.values()}
        missing = []
        for write in acknowledged:
            if write["kind"] == "reference":
                answers = by_reference.get(write["reference"])
                if answers is None or answers.get("applicant_name") != write["name"]:
                    missing.append(write)
                continue
            # The visit says which draft (or, once confirmed, which submission) holds this person's answers.
            visit = sessions.get(write["session"]) or {}
            draft = drafts.get((visit.get("drafts") or {}).get("id-card"))
            receipt = (visit.get("receipts") or {}).get("id-card")
            submitted = submissions.get(receipt["submission"])[1] if receipt and receipt["submission"] in submissions else None
            # A later visit of the same person (a crash before the cookie arrived) may hold it too: by name.
            holders = [answers for answers in [draft, submitted] if answers]
            holders += [answers for answers in [*drafts.values(), *by_reference.values()]
                        if answers.get("applicant_name") == write["value"] and write["question"] == "applicant_name"]
            if not any(answers.get(write["question"]) == write["value"] for answers in holders):
                missing.append(write)
        return missing
    finally:
        db.close()


def test_kill_9_during_applications_loses_no_acknowledged_write(server):
    rng = random.Random(SEED)
    acknowledged: list[dict] = []
    started = time.monotonic()
    applications = [Application(0)]
    kills_mid_request = 0
    round_times = []
    for round_number in range(ROUNDS):
        round_started = time.monotonic()
        server.start()
        killed = threading.Event()
        delay = rng.uniform(0.15, 1.2)

        def kill(killed=killed):
            killed.set()
            server.kill()

        timer = threading.Timer(delay, kill)
        timer.start()
        try:
            while True:
                current = applications[-1]
                current.browser.port = server.port
                try:
                    current.step(acknowledged)
                except (OSError, http.client.HTTPException) as error:
                    assert killed.is_set() or not timer.is_alive() and killed.wait(2), \
                        f"a request failed before the kill: {error!r}"
                    kills_mid_request += isinstance(error, (ConnectionResetError, http.client.RemoteDisconnected))
                    break
                if current.state == "finished":
                    applications.append(Application(len(applications)))
        finally:
            timer.join()
            server.wait_gone()
        round_times.append(time.monotonic() - round_started)

    elapsed = time.monotonic() - started
    answers = sum(1 for write in acknowledged if write["kind"] == "answer")
    references = sum(1 for write in acknowledged if write["kind"] == "reference")
    missing = _missing(server.database, acknowledged)
    with sqlite3.connect(server.database) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchall()
    figures = (f"{ROUNDS} rounds in {elapsed:.1f}s (longest {max(round_times):.1f}s), {len(applications)} applications "
               f"begun, {answers} acknowledged answers + {references} acknowledged references, "
               f"{kills_mid_request} kills cut a request off, lost: {len(missing)}")
    print(figures)
    assert integrity == [("ok",)], integrity
    assert not missing, f"{figures}\nlost: {missing[:5]}"
    # The rounds did real work, of both kinds, so "nothing lost" means something.
    assert answers >= ROUNDS and references >= 3, figures
