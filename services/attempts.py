"""Failed tries at a code, counted in the database so a limit holds across app servers and restarts.

Keys are opaque: a code's keyed hash, or a hash of the client address; never what was typed.
"""

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from models import Attempt
from services.codes import hash_code

WINDOW = timedelta(hours=1)


def failures(db, key: str, now: datetime) -> int:
    return db.scalar(select(func.count()).select_from(Attempt).where(Attempt.key == key, Attempt.created_at > now - WINDOW))


def client_key(check: str, address: str | None, key: bytes) -> str:
    """The key counting one client address's failures at one kind of check (resume, status...)."""
    return f"{check}-client:{hash_code(address or 'unknown', key)[:32]}"


def over_limit(db, limits: dict[str, int], now: datetime) -> bool:
    """True when any key has reached its limit of failures within the window."""
    return any(failures(db, key, now) >= limit for key, limit in limits.items())


def record_failure(db, keys: list[str], now: datetime) -> None:
    db.add_all(Attempt(key=key, created_at=now) for key in keys)
    db.execute(delete(Attempt).where(Attempt.created_at < now - WINDOW))
