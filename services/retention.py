"""Deleting what is past its keep-by date. `flask purge` runs this; a deployment schedules it daily."""

from datetime import datetime, timedelta

from sqlalchemy import delete

from models import Attempt, Draft, Submission, VisitSession
from services.attempts import WINDOW


def purge(db, now: datetime, submission_days: int, session_idle: timedelta) -> dict[str, int]:
    deleted = {
        "drafts": db.execute(delete(Draft).where(Draft.expires_at < now)).rowcount,
        "submissions": db.execute(delete(Submission).where(Submission.created_at < now - timedelta(days=submission_days))).rowcount,
        "attempts": db.execute(delete(Attempt).where(Attempt.created_at < now - WINDOW)).rowcount,
        "visits": db.execute(delete(VisitSession).where(VisitSession.last_seen_at < now - session_idle)).rowcount,
    }
    return deleted
