import itertools
import re
import uuid
from datetime import datetime, time, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from models import Appointment, Attempt, AuditEntry, HomeVisit, Notice, ReferenceLock, StatusEvent
from services import cases, staff
from tests.conftest import csrf_token_from
from tests.page_registry_staff import staff_states
from tests.state_client import fetch_state
from tests.support import make_test_app
from web.sessions import utcnow

PASSWORD = "correct horse battery"
_addresses = itertools.count(1)
# Each example appointment at its own time, so places never collide.
_minutes = itertools.count()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    # Its own database, so sign-in failures counted here never meet other tests'; cheap Argon2 costs.
    return make_test_app(tmp_path_factory.mktemp("staff") / "komek.sqlite3",
                         ARGON2_TIME_COST=1, ARGON2_MEMORY_COST=8, ARGON2_PARALLELISM=1)


@pytest.fixture
def client(app):
    # Each test is its own client address: failures are also counted per client.
    client = app.test_client()
    number = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = f"10.9.{number // 250}.{number % 250}"
    return client


def _db(app):
    return app.extensions["komek_db"]()


def _key(app):
    from web.security import code_key

    with app.test_request_context():
        return code_key()


def _account(app, **options):
    with _db(app) as db, db.begin():
        account = staff.create_account(db, staff.password_hasher(app.config), f"helper-{uuid.uuid4().hex[:8]}", PASSWORD,
                                       utcnow(), **options)
    return account


def _soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _post(client, path, data, token_from=None):
    token = csrf_token_from(client.get(token_from or path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def _sign_in(client, username, password=PASSWORD, lang="en"):
    return _post(client, f"/{lang}/staff/sign-in", {"username": username, "password": password})


def _summary(response):
    return _soup(response).find(class_="error-summary").get_text(" ", strip=True)


def _appointment(app, help_point, **fields):
    now = utcnow()
    reference, secret, secret_hash = cases.new_codes(_key(app))
    with _db(app) as db, db.begin():
        appointment = Appointment(reference=reference, secret_code_hash=secret_hash, help_point=help_point,
                                  starts_at=datetime.combine(now.date() + timedelta(days=1), time(8, 0))
                                  + timedelta(minutes=next(_minutes)), place=1,
                                  capacity=1, active=True, person_key=uuid.uuid4().hex, name="Иван Петров",
                                  phone="+77011234567", phone_owner="self", language="ru", status="received",
                                  created_at=now, updated_at=now, **fields)
        db.add(appointment)
    return appointment, secret


def _home_visit(app, help_point, **fields):
    now = utcnow()
    reference, _secret, secret_hash = cases.new_codes(_key(app))
    with _db(app) as db, db.begin():
        visit = HomeVisit(**{"reference": reference, "secret_code_hash": secret_hash, "for_whom": "self", "reason": "age",
                             "name": "Сәуле Ахметова", "address": "Алматы", "phone": "+77011234568", "consent_to_call": True,
                             "help_point": help_point, "language": "kk", "status": "received", "created_at": now,
                             "updated_at": now, **fields})
        db.add(visit)
    return visit


def test_sign_in_starts_a_new_visit_and_sign_out_ends_it(app, client):
    account = _account(app)
    client.get("/en/staff/sign-in")
    before = client.get_cookie("komek_session").value
    response = _sign_in(client, account.username.upper())
    assert response.status_code == 303 and response.headers["Location"] == "/en/staff/"
    after = client.get_cookie("komek_session").value
    assert after != before, "the token from before signing in is never the signed-in one"
    assert client.get("/en/staff/").status_code == 200
    with _db(app) as db:
        assert db.scalar(select(AuditEntry).where(AuditEntry.staff_id == account.id, AuditEntry.action == "sign_in"))

    replayed = app.test_client()
    replayed.set_cookie("komek_session", before)
    assert replayed.get("/en/staff/").status_code == 303

    response = _post(client, "/en/staff/sign-out", {}, token_from="/en/staff/")
    assert response.status_code == 303 and response.headers["Location"] == "/en/staff/sign-in"
    assert "You have signed out." in client.get("/en/staff/sign-in").get_data(as_text=True)
    assert client.get("/en/staff/").status_code == 303
    stolen = app.test_client()
    stolen.set_cookie("komek_session", after)
    assert stolen.get("/en/staff/").headers["Location"] == "/en/staff/sign-in"


def test_every_console_page_needs_a_sign_in(app, client):
    for path in ["/en/staff/", "/en/staff/appointments", "/en/staff/home-visits", "/en/staff/applications",
                 "/en/staff/outbox", "/en/staff/unlock", "/en/staff/records/application/1"]:
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == "/en/staff/sign-in", path
        assert response.headers["Cache-Control"] == "no-store"


def test_wrong_password_and_unknown_username_look_the_same(app, client):
    account = _account(app)
    wrong_password = _sign_in(client, account.username, "not the password")
    unknown_user = _sign_in(client, "nobody-at-all", PASSWORD)
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert _summary(wrong_password) == _summary(unknown_user) == (
        "There is a problem The username or password is not right. Check both and try again.")
    assert _soup(wrong_password).title.get_text().startswith("Error:")
    assert PASSWORD not in unknown_user.get_data(as_text=True), "the password is never sent back"


def test_five_failures_lock_a_username_even_for_the_right_password(app, client):
    account = _account(app)
    for _try in range(5):
        _sign_in(client, account.username, "wrong")
    from_elsewhere = app.test_client()
    from_elsewhere.environ_base["REMOTE_ADDR"] = "10.99.0.1"
    response = _sign_in(from_elsewhere, account.username)
    assert response.status_code == 200 and "Too many tries" in _summary(response)
    assert from_elsewhere.get("/en/staff/").status_code == 303


def test_a_disabled_account_cannot_sign_in_and_is_signed_out_at_once(app, client):
    account = _account(app)
    assert _sign_in(client, account.username).status_code == 303
    with _db(app) as db, db.begin():
        staff.disable_account(db, account.username)
    response = client.get("/en/staff/appointments")
    assert response.headers["Location"] == "/en/staff/sign-in"
    assert "You were signed out" in client.get("/en/staff/sign-in").get_data(as_text=True)
    again = _sign_in(app.test_client(), account.username)
    assert "The username or password is not right" in _summary(again)


def test_the_console_signs_out_after_staff_idle_minutes(app, client, monkeypatch):
    account = _account(app)
    _sign_in(client, account.username)
    assert client.get("/en/staff/").status_code == 200
    later = utcnow() + timedelta(minutes=app.config["STAFF_IDLE_MINUTES"] + 1)
    monkeypatch.setattr("views.staff.utcnow", lambda: later)
    response = client.get("/en/staff/")
    assert response.status_code == 303 and response.headers["Location"] == "/en/staff/sign-in"
    page = client.get("/en/staff/sign-in").get_data(as_text=True)
    assert "You were signed out after 15 minutes without activity" in page
    assert client.get("/en/staff/").status_code == 303


def test_a_helper_sees_only_their_help_points(app, client):
    point = f"north-{uuid.uuid4().hex[:6]}"
    mine, _secret = _appointment(app, point)
    theirs, _secret = _appointment(app, "somewhere-else")
    their_visit = _home_visit(app, "somewhere-else")
    account = _account(app, help_points=[point])
    _sign_in(client, account.username)
    listing = client.get("/en/staff/appointments").get_data(as_text=True)
    assert mine.reference in client.get(f"/en/staff/records/appointment/{mine.id}").get_data(as_text=True)
    assert f"/records/appointment/{mine.id}" in listing and f"/records/appointment/{theirs.id}" not in listing
    assert client.get(f"/en/staff/records/appointment/{theirs.id}").status_code == 404
    assert client.get(f"/en/staff/records/home_visit/{their_visit.id}").status_code == 404
    assert f"/records/home_visit/{their_visit.id}" not in client.get("/en/staff/home-visits").get_data(as_text=True)
    assert _post(client, f"/en/staff/records/appointment/{theirs.id}/unlock", {},
                 token_from="/en/staff/").status_code == 404
    admin = app.test_client()
    admin.environ_base["REMOTE_ADDR"] = "10.98.0.1"
    _sign_in(admin, _account(app, is_admin=True).username)
    assert f"/records/appointment/{theirs.id}" in admin.get("/en/staff/appointments").get_data(as_text=True)


def test_appointments_are_tables_with_captions_and_header_cells(app, client):
    point = f"south-{uuid.uuid4().hex[:6]}"
    _appointment(app, point)
    _sign_in(client, _account(app, help_points=[point]).username)
    table = _soup(client.get("/en/staff/appointments")).find("table")
    assert table.caption.get_text(strip=True) == f"Appointments at {point}"
    assert [th["scope"] for th in table.find_all("th")] == ["col", "col", "col", "row"]
    assert table.find_all("td")[1].get_text(strip=True) == "Received", "status is text"


def test_every_helper_sees_applications(app, client):
    _sign_in(client, _account(app).username)
    response = client.get("/en/staff/applications")
    assert response.status_code == 200
    assert "every helper sees all of them" in response.get_data(as_text=True)


def test_opening_a_record_is_audited(app, client):
    appointment, _secret = _appointment(app, "audit-point")
    account = _account(app, help_points=["audit-point"])
    _sign_in(client, account.username)
    client.get(f"/en/staff/records/appointment/{appointment.id}")
    with _db(app) as db:
        entries = db.scalars(select(AuditEntry).where(AuditEntry.staff_id == account.id, AuditEntry.action == "view")).all()
    assert [(e.case_kind, e.case_id) for e in entries] == [("appointment", appointment.id)]


def test_a_home_visit_record_reads_in_words_not_codes(app, client):
    visit = _home_visit(app, "words-point", for_whom="other", reason="disability", about="id-card",
                        preferred_days=["mon", "thu"], preferred_times=["afternoon"])
    _sign_in(client, _account(app, help_points=["words-point"]).username)
    soup = _soup(client.get(f"/en/staff/records/home_visit/{visit.id}"))
    rows = {row.dt.get_text(strip=True): row.dd.get_text(strip=True) for row in soup.select(".answer-row")}
    assert rows["Who needs the visit?"] == "Someone else needs it"
    assert rows["Why can the person not travel?"] == "Because of a disability"
    assert rows["What do you need help with?"] == "Replace your ID card"
    assert rows["Preferred days"] == "Monday, Thursday" and rows["Preferred times"] == "Afternoon"


def test_a_status_change_keeps_history_queues_a_notice_in_their_language_and_is_audited(app, client, monkeypatch):
    from flask_babel import get_locale

    import views.staff

    written_in = []
    original = views.staff._notice_text

    def spy(*args):
        written_in.append(str(get_locale()))
        return original(*args)

    monkeypatch.setattr(views.staff, "_notice_text", spy)
    appointment, secret = _appointment(app, "status-point")
    account = _account(app, help_points=["status-point"])
    _sign_in(client, account.username)
    path = f"/en/staff/records/appointment/{appointment.id}"
    response = _post(client, path, {"status": "ready", "note": "Called her daughter."})
    assert response.status_code == 303 and response.headers["Location"] == path
    with _db(app) as db:
        event = db.scalar(select(StatusEvent).where(StatusEvent.case_kind == "appointment", StatusEvent.case_id == appointment.id))
        notice = db.scalar(select(Notice).where(Notice.case_kind == "appointment", Notice.case_id == appointment.id))
        entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "status_change", AuditEntry.case_id == appointment.id))
        assert db.get(Appointment, appointment.id).status == "ready"
    assert (event.from_status, event.to_status, event.staff_id, event.note) == (None, "ready", account.id, "Called her daughter.")
    assert notice.language == "ru" and appointment.reference in notice.text
    assert written_in == ["ru"], "written in the person's language (Russian), not the helper's page language"
    assert secret not in notice.text and secret.replace("-", "") not in notice.text.replace("-", "")
    assert entry.staff_id == account.id and entry.detail == {"from": "received", "to": "ready"}
    page = _soup(client.get(path))
    assert "A notice for the person is waiting in the outbox" in page.get_text()
    assert "Called her daughter." in page.find("table").get_text()


@pytest.mark.parametrize("data, message", [
    ({}, "Choose the new status"),
    ({"status": "received"}, "This is already the status. Choose a different one."),
    ({"status": "lost"}, "Choose the new status"),
    ({"status": "done", "note": "x" * 501}, "Write up to 500 characters. Now there are 501."),
])
def test_a_bad_status_change_says_what_is_wrong_and_changes_nothing(app, client, data, message):
    appointment, _secret = _appointment(app, "error-point")
    _sign_in(client, _account(app, help_points=["error-point"]).username)
    response = _post(client, f"/en/staff/records/appointment/{appointment.id}", data)
    assert response.status_code == 200 and message in _summary(response)
    assert _soup(response).title.get_text().startswith("Error:")
    with _db(app) as db:
        assert db.get(Appointment, appointment.id).status == "received"


def _lock(app, reference):
    key = cases.reference_key(reference, _key(app))
    with _db(app) as db, db.begin():
        db.add(ReferenceLock(key=key, locked_until=utcnow() + timedelta(hours=1)))
        db.add_all([Attempt(key=key, created_at=utcnow()) for _ in range(3)])
    return key


def _lock_rows(app, key):
    with _db(app) as db:
        return (db.scalars(select(ReferenceLock).where(ReferenceLock.key == key)).all(),
                db.scalars(select(Attempt).where(Attempt.key == key)).all())


def test_unlock_by_the_reference_the_person_reads_out(app, client):
    appointment, _secret = _appointment(app, "unlock-point")
    key = _lock(app, appointment.reference)
    account = _account(app)
    _sign_in(client, account.username)
    typed = appointment.reference.lower().replace("-", " ")
    response = _post(client, "/en/staff/unlock", {"reference": typed})
    assert response.status_code == 303 and response.headers["Location"] == "/en/staff/unlock"
    assert _lock_rows(app, key) == ([], [])
    assert f"Status checks for {appointment.reference} are unlocked" in client.get("/en/staff/unlock").get_data(as_text=True)
    with _db(app) as db:
        entry = db.scalar(select(AuditEntry).where(AuditEntry.staff_id == account.id, AuditEntry.action == "unlock"))
    assert (entry.case_kind, entry.case_id) == ("appointment", appointment.id)
    error = _post(client, "/en/staff/unlock", {"reference": "hello"})
    assert error.status_code == 200 and "Enter a reference like KMK-7Q4M-9XPD" in _summary(error)


def test_unlock_from_the_record_page(app, client):
    appointment, _secret = _appointment(app, "unlock-point-2")
    key = _lock(app, appointment.reference)
    _sign_in(client, _account(app, help_points=["unlock-point-2"]).username)
    record = f"/en/staff/records/appointment/{appointment.id}"
    assert "Locked: there were too many wrong tries" in client.get(record).get_data(as_text=True)
    response = _post(client, f"{record}/unlock", {}, token_from=record)
    assert response.headers["Location"] == record
    assert _lock_rows(app, key) == ([], [])
    assert "Not locked" in client.get(record).get_data(as_text=True)


def test_the_outbox_lists_waiting_notices_in_their_language_and_marks_them_sent(app, client):
    appointment, _secret = _appointment(app, "outbox-point")
    _sign_in(client, _account(app, help_points=["outbox-point"]).username)
    _post(client, f"/en/staff/records/appointment/{appointment.id}", {"status": "in_progress"})
    page = _soup(client.get("/en/staff/outbox"))
    text = page.find("dd", lang="ru")
    assert text and appointment.reference in text.get_text()
    form = page.find("form", action=re.compile(r"/en/staff/outbox/\d+/sent"))
    response = _post(client, form["action"], {}, token_from="/en/staff/outbox")
    assert response.status_code == 303 and response.headers["Location"] == "/en/staff/outbox"
    assert appointment.reference not in client.get("/en/staff/outbox").get_data(as_text=True)
    with _db(app) as db:
        notice = db.scalar(select(Notice).where(Notice.case_id == appointment.id, Notice.case_kind == "appointment"))
    assert notice.delivered_at is not None
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.97.0.1"
    _sign_in(other, _account(app, help_points=["elsewhere"]).username)
    assert _post(other, form["action"], {}, token_from="/en/staff/outbox").status_code == 404


@pytest.mark.parametrize("state", staff_states(), ids=lambda state: state.name)
def test_every_console_page_is_no_store_and_has_nothing_personal_in_its_urls(app, state):
    for lang in ("kk", "ru", "en"):
        response = fetch_state(app.test_client(), state, lang, app)
        assert response.status_code == state.status, (state.name, lang)
        assert response.headers["Cache-Control"] == "no-store", (state.name, lang)
        soup = _soup(response)
        urls = [tag.get("href") or tag.get("action") for tag in soup.find_all(["a", "form"])]
        for url in filter(None, urls):
            assert not re.search(r"KMK|\+7|%2B7|Иван|Сәуле|Айгүл|%D0|%D3", url, re.IGNORECASE), (state.name, url)


def test_every_post_needs_the_form_token(app, client):
    appointment, _secret = _appointment(app, "csrf-point")
    account = _account(app, help_points=["csrf-point"])
    _sign_in(client, account.username)
    record = f"/en/staff/records/appointment/{appointment.id}"
    _post(client, record, {"status": "ready"})
    with _db(app) as db:
        notice_id = db.scalar(select(Notice.id).where(Notice.case_id == appointment.id, Notice.case_kind == "appointment"))
    for path, data in [("/en/staff/sign-in", {"username": account.username, "password": PASSWORD}),
                       (record, {"status": "done"}), (f"{record}/unlock", {}),
                       ("/en/staff/unlock", {"reference": appointment.reference}),
                       (f"/en/staff/outbox/{notice_id}/sent", {}), ("/en/staff/sign-out", {})]:
        assert client.post(path, data=data).status_code == 400, path
    with _db(app) as db:
        assert db.get(Appointment, appointment.id).status == "ready"
        assert db.get(Notice, notice_id).delivered_at is None
    assert client.get("/en/staff/").status_code == 200, "still signed in: the sign-out without a token did nothing"
