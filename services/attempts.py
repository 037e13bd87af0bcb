"""Failed tries at a code, counted in the database so a limit holds across app servers and restarts.

Keys are opaque: a code's keyed hash, or a hash of the client address; never what was typed.
"""

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from models import Attempt

WINDOW = timedelta(hours=1)


def failures(db, key: str, now: datetime) -> int:
    return db.scalar(select(func.count()).select_from(Attempt).where(Attempt.key == key, Attempt.created_at > now - WINDOW))


def too_many(db, keys: list[str], limit: int, now: datetime) -> bool:
    return any(failures(db, key, now) >= limit for key in keys)


def record_failure(db, keys: list[str], now: datetime) -> None:
    db.add_all(Attempt(key=key, created_at=now) for key in keys)
    db.execute(delete(Attempt).where(Attempt.created_at < now - WINDOW))
