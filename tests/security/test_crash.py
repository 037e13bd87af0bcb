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
import json
import os
import pathlib
import random
import re
import sqlite3
import threading
import time

import pytest

from tests.live_server import Browser, Gunicorn, group_members
from tests.support import migrate

ROUNDS = 20
SEED = 20260325


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
    gunicorn = Gunicorn(env, tmp_path / "gunicorn.log")
    gunicorn.database = database
    try:
        yield gunicorn
    finally:
        gunicorn.stop_all()
        survivors = [pid for pgid in gunicorn.groups for pid in group_members(pgid)]
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
