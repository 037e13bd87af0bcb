"""Page states of views/staff.py, for the audits (see tests/page_registry.py).

Console pages need a signed-in helper and some cases to show. `prepare` makes both: an administrator
account and one example case of each kind, with fixed high ids (so the record pages' URLs are known
before the database is), created once per database and reused.
"""

from datetime import datetime, time, timedelta

EXCLUDED = {
    "staff.sign_out": "a POST that ends the visit and redirects to staff.sign_in, which is audited (signed-out state)",
    "staff.unlock_record": "a POST that redirects to staff.record, which is audited",
    "staff.mark_sent": "a POST that redirects to staff.outbox, which is audited",
}

USERNAME = "example-admin"
PASSWORD = "an example password for the audits"
LOCKED_USERNAME = "example-locked"
EXAMPLE_HELP_POINT = "example-point"
EXAMPLE_IDS = {"application": 900001, "appointment": 900002, "home_visit": 900003}


def _ensure_examples(app) -> None:
    from models import Appointment, HomeVisit, Submission
    from services import cases, staff
    from services.codes import hash_code
    from web.sessions import utcnow

    now = utcnow()
    tomorrow = datetime.combine(now.date() + timedelta(days=1), time(10, 0))
    # The audit never checks status with these, so any hash will do.
    secret = hash_code("R7TX4KQ9", b"example")
    with app.extensions["komek_db"]() as db, db.begin():
        if staff.find_account(db, USERNAME) is None:
            staff.create_account(db, staff.password_hasher(app.config), USERNAME, PASSWORD, now, is_admin=True)
        if db.get(Submission, EXAMPLE_IDS["application"]) is None:
            submission = Submission(id=EXAMPLE_IDS["application"], reference=cases.codes.new_reference(),
                                    secret_code_hash=secret, submit_token="t" * 43, application="id-card",
                                    answers={"for_whom": "self", "applicant_name": "Айгүл Серікқызы Нұрланова",
                                             "reason": "lost", "circumstances": "<b>Базарда</b> жоғалттым."},
                                    language="kk", status="received", created_at=now)
            db.add(submission)
            cases.record_status(db, submission, "received", now)
        if db.get(Appointment, EXAMPLE_IDS["appointment"]) is None:
            db.add(Appointment(id=EXAMPLE_IDS["appointment"], reference=cases.codes.new_reference(), secret_code_hash=secret,
                               help_point=EXAMPLE_HELP_POINT, starts_at=tomorrow, place=1, capacity=2, active=True,
                               person_key="p" * 64, name="Иван Петров", phone="+77011234567", phone_owner="self",
                               language="ru", status="received", created_at=now, updated_at=now))
        if db.get(HomeVisit, EXAMPLE_IDS["home_visit"]) is None:
            db.add(HomeVisit(id=EXAMPLE_IDS["home_visit"], reference=cases.codes.new_reference(), secret_code_hash=secret,
                             for_whom="other", reason="age", name="Сәуле Ахметова", address="Алматы, Абай даңғылы 1, 5-пәтер",
                             about="", preferred_days=["mon", "thu"], preferred_times=["morning"], phone="+77011234568",
                             consent_to_call=True, help_point=EXAMPLE_HELP_POINT, language="en", status="received",
                             created_at=now, updated_at=now))


def _csrf(client, path):
    from tests.conftest import csrf_token_from

    return csrf_token_from(client.get(path).get_data(as_text=True))


def _signed_in(then=None):
    def prepare(client, lang):
        app = client.application
        _ensure_examples(app)
        path = f"/{lang}/staff/sign-in"
        response = client.post(path, data={"csrf_token": _csrf(client, path), "username": USERNAME, "password": PASSWORD})
        assert response.status_code == 303, "the audit's example account could not sign in"
        if then:
            then(client, lang)
    return prepare


def _fresh_client_failures(client, lang):
    """Failed sign-ins are counted per client (all test clients are 127.0.0.1): start each error state
    from zero, so auditing it many times never turns it into the "locked" state."""
    from services import staff
    from web.security import code_key

    app = client.application
    with app.test_request_context(), app.extensions["komek_db"]() as db, db.begin():
        staff.clear_sign_in_failures(db, "127.0.0.1", code_key())


def _locked_username(client, lang):
    from services import staff
    from web.security import code_key
    from web.sessions import utcnow

    _fresh_client_failures(client, lang)
    app = client.application
    with app.test_request_context(), app.extensions["komek_db"]() as db, db.begin():
        staff.record_sign_in_failures(db, LOCKED_USERNAME, staff.MAX_FAILURES_PER_USERNAME, utcnow(), code_key())


def _idle_too_long(client, lang):
    """Make the signed-in visit look idle for longer than STAFF_IDLE_MINUTES, then open a console page."""
    import hashlib

    from sqlalchemy import select

    from models import VisitSession
    from web.sessions import utcnow

    app = client.application
    token = client.get_cookie("komek_session").value
    with app.extensions["komek_db"]() as db, db.begin():
        row = db.scalar(select(VisitSession).where(VisitSession.token_hash == hashlib.sha256(token.encode()).hexdigest()))
        old = utcnow() - timedelta(minutes=app.config["STAFF_IDLE_MINUTES"] + 1)
        row.data = {**row.data, "staff_seen_at": old.isoformat()}
    client.get(f"/{lang}/staff/")


def _signed_out(client, lang):
    client.post(f"/{lang}/staff/sign-out", data={"csrf_token": _csrf(client, f"/{lang}/staff/")})


def _with_a_notice(client, lang):
    """A status change, so the outbox has a notice to show."""
    from tests.conftest import csrf_token_from

    record = f"/{lang}/staff/records/appointment/{EXAMPLE_IDS['appointment']}"
    page = client.get(record).get_data(as_text=True)
    new = "in_progress" if 'value="ready" checked' in page else "ready"
    client.post(record, data={"csrf_token": csrf_token_from(page), "status": new, "note": "Called, confirmed."})


def staff_states():
    from tests.page_registry import PageState

    def record(kind):
        return {"kind": kind, "case_id": EXAMPLE_IDS[kind]}

    signed_in = _signed_in()
    return [
        PageState("staff: sign in", "staff.sign_in", template="staff-sign-in"),
        PageState("staff: sign in, nothing typed", "staff.sign_in", post={"username": "", "password": ""},
                  prepare=_fresh_client_failures, template="staff-sign-in-error"),
        PageState("staff: sign in, wrong password", "staff.sign_in", post={"username": "nobody", "password": "wrong"},
                  prepare=_fresh_client_failures),
        PageState("staff: sign in, too many tries", "staff.sign_in", post={"username": LOCKED_USERNAME, "password": "x"},
                  prepare=_locked_username),
        PageState("staff: signed out after idling", "staff.sign_in", prepare=_signed_in(_idle_too_long)),
        PageState("staff: signed out", "staff.sign_in", prepare=_signed_in(_signed_out)),
        PageState("staff: overview", "staff.dashboard", prepare=signed_in, template="staff-dashboard"),
        PageState("staff: appointments", "staff.appointments", prepare=signed_in, template="staff-appointments"),
        PageState("staff: appointments at one help point", "staff.appointments", query={"help_point": EXAMPLE_HELP_POINT},
                  prepare=signed_in),
        PageState("staff: home visits", "staff.home_visits", prepare=signed_in, template="staff-home-visits"),
        PageState("staff: applications", "staff.applications", prepare=signed_in, template="staff-applications"),
        PageState("staff: application record", "staff.record", record("application"), prepare=signed_in,
                  template="staff-record"),
        PageState("staff: appointment record", "staff.record", record("appointment"), prepare=signed_in),
        PageState("staff: home visit record", "staff.record", record("home_visit"), prepare=signed_in),
        PageState("staff: record, status change with errors", "staff.record", record("home_visit"),
                  post={"note": "x" * 501}, prepare=signed_in, template="staff-record-error"),
        PageState("staff: record not found", "staff.record", {"kind": "application", "case_id": 999_999_999}, status=404,
                  prepare=signed_in),
        PageState("staff: unlock a reference", "staff.unlock", prepare=signed_in, template="staff-unlock"),
        PageState("staff: unlock, not a reference", "staff.unlock", post={"reference": "hello"}, prepare=signed_in,
                  template="staff-unlock-error"),
        PageState("staff: outbox", "staff.outbox", prepare=_signed_in(_with_a_notice), template="staff-outbox"),
    ]
