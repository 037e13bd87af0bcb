from datetime import datetime, timedelta

from sqlalchemy import func, select

from models import Draft, Submission
from services.retention import RetentionPeriods, purge


def test_purge_deletes_only_what_is_past_its_period(app):
    now = datetime(2026, 11, 25, 12, 0)
    with app.extensions["komek_db"]() as db, db.begin():
        db.add_all([
            Draft(id="old", application="id-card", answers={}, submit_token="t1", created_at=now, updated_at=now,
                  expires_at=now - timedelta(seconds=1)),
            Draft(id="new", application="id-card", answers={}, submit_token="t2", created_at=now, updated_at=now,
                  expires_at=now + timedelta(days=1)),
            Submission(reference="KMK-OLD0-0000", secret_code_hash="x", submit_token="s1", application="id-card", answers={},
                       language="kk", status="received", created_at=now - timedelta(days=181)),
            Submission(reference="KMK-NEW0-0000", secret_code_hash="x", submit_token="s2", application="id-card", answers={},
                       language="kk", status="received", created_at=now - timedelta(days=179)),
        ])
    with app.extensions["komek_db"]() as db, db.begin():
        deleted = purge(db, now, RetentionPeriods(submissions=180, appointments=90, home_visits=180, notices=90, audit_log=365),
                        session_idle=timedelta(minutes=30))
    assert deleted["drafts"] >= 1 and deleted["submissions"] >= 1
    with app.extensions["komek_db"]() as db:
        assert db.get(Draft, "new") and not db.get(Draft, "old")
        references = set(db.scalars(select(Submission.reference)))
        assert "KMK-NEW0-0000" in references and "KMK-OLD0-0000" not in references


def test_appointments_and_home_visits_go_with_their_history(app):
    from models import HomeVisit, StatusEvent

    now = datetime(2026, 11, 25, 12, 0)
    old = now - timedelta(days=200)
    with app.extensions["komek_db"]() as db, db.begin():
        visit = HomeVisit(reference="KMK-HV22-2222", secret_code_hash="x", for_whom="self", reason="age", name="A",
                          address="B", about="", preferred_days=[], preferred_times=[], phone="+77011234567",
                          consent_to_call=True, language="ru", status="received", created_at=old, updated_at=old)
        db.add(visit)
        db.flush()
        db.add(StatusEvent(case_kind="home_visit", case_id=visit.id, to_status="received", created_at=old))
        visit_id = visit.id
    with app.extensions["komek_db"]() as db, db.begin():
        deleted = purge(db, now, RetentionPeriods(submissions=180, appointments=90, home_visits=180, notices=90, audit_log=365),
                        session_idle=timedelta(minutes=30))
    assert deleted["home visits"] >= 1
    with app.extensions["komek_db"]() as db:
        assert db.get(HomeVisit, visit_id) is None
        assert not list(db.scalars(select(StatusEvent).where(StatusEvent.case_kind == "home_visit", StatusEvent.case_id == visit_id)))
