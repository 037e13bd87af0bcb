"""Deleting what is past its keep-by date. `flask purge` runs this; a deployment schedules it daily."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from models import Appointment, Attempt, AuditEntry, Draft, HomeVisit, Notice, ReferenceLock, StatusEvent, Submission, VisitSession
from services.attempts import WINDOW


@dataclass(frozen=True)
class RetentionPeriods:
    """Days each kind of record is kept (settings.py reads them from the environment)."""

    submissions: int
    appointments: int
    home_visits: int
    notices: int
    audit_log: int


def _delete_cases(db, model, kind: str, before: datetime) -> int:
    """A case goes together with its status history."""
    ids = list(db.scalars(select(model.id).where(model.created_at < before)))
    if ids:
        db.execute(delete(StatusEvent).where(StatusEvent.case_kind == kind, StatusEvent.case_id.in_(ids)))
        db.execute(delete(model).where(model.id.in_(ids)))
    return len(ids)


def purge(db, now: datetime, periods: RetentionPeriods, session_idle: timedelta) -> dict[str, int]:
    def days_ago(days: int) -> datetime:
        return now - timedelta(days=days)

    return {
        "drafts": db.execute(delete(Draft).where(Draft.expires_at < now)).rowcount,
        "submissions": _delete_cases(db, Submission, "application", days_ago(periods.submissions)),
        "appointments": _delete_cases(db, Appointment, "appointment", days_ago(periods.appointments)),
        "home visits": _delete_cases(db, HomeVisit, "home_visit", days_ago(periods.home_visits)),
        "notices": db.execute(delete(Notice).where(Notice.created_at < days_ago(periods.notices))).rowcount,
        "audit entries": db.execute(delete(AuditEntry).where(AuditEntry.created_at < days_ago(periods.audit_log))).rowcount,
        "attempts": db.execute(delete(Attempt).where(Attempt.created_at < now - WINDOW)).rowcount,
        "locks": db.execute(delete(ReferenceLock).where(ReferenceLock.locked_until < now)).rowcount,
        "visits": db.execute(delete(VisitSession).where(VisitSession.last_seen_at < now - session_idle)).rowcount,
    }


def periods_from(config) -> RetentionPeriods:
    return RetentionPeriods(submissions=config["SUBMISSION_DAYS"], appointments=config["APPOINTMENT_DAYS"],
                            home_visits=config["HOME_VISIT_DAYS"], notices=config["NOTICE_DAYS"],
                            audit_log=config["AUDIT_LOG_DAYS"])
