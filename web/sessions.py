"""Server-side sessions: the cookie holds only a random token; everything else stays in the database.

Flask's default session is a signed cookie that can't be revoked, so "Finish and clear" could never
really end it. Here ending a visit deletes its row, and a replayed old cookie finds nothing.
"""

import hashlib
import random
import re
import secrets
from datetime import datetime, timedelta, UTC

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete, update
from werkzeug.datastructures import CallbackDict

from models import VisitSession

COOKIE_NAME = "komek_session"
_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
# Writing last_seen on every request would make every page view a database write.
_TOUCH_EVERY = timedelta(seconds=60)
# Expired rows are swept now and then by new visits; `flask purge` (later) does it on a schedule too.
_SWEEP_CHANCE = 0.01


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, token=None, last_seen=None, timed_out=False):
        def on_update(_self):
            _self.modified = True

        super().__init__(initial, on_update)
        self.token = token
        self.last_seen = last_seen
        self.new = token is None
        self.modified = False
        # True when this request brought a cookie for a visit that had been idle too long.
        self.timed_out = timed_out

    def end(self) -> None:
        """Forget this visit: the row is deleted when the response is saved, and the cookie with it."""
        self.clear()
        self.modified = True


class ServerSessionInterface(SessionInterface):
    def __init__(self, session_factory, idle_minutes: int, library_idle_minutes: int):
        self.session_factory = session_factory
        self.idle = timedelta(minutes=idle_minutes)
        self.library_idle = timedelta(minutes=library_idle_minutes)

    def idle_limit(self, data: dict) -> timedelta:
        return self.library_idle if data.get("library_mode") else self.idle

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(COOKIE_NAME, "")
        if not _TOKEN_PATTERN.match(token):
            return ServerSession()
        with self.session_factory() as db:
            row = db.get(VisitSession, _hash(token))
            if row is None:
                return ServerSession()
            if utcnow() - row.last_seen_at > self.idle_limit(row.data or {}):
                db.delete(row)
                db.commit()
                return ServerSession(timed_out=True)
            return ServerSession(dict(row.data or {}), token=token, last_seen=row.last_seen_at)

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        cookie = {
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "secure": self.get_cookie_secure(app),
            "httponly": True,
            "samesite": "Lax",
        }
        now = utcnow()
        with self.session_factory() as db:
            if not session:
                if session.token:
                    db.execute(delete(VisitSession).where(VisitSession.token_hash == _hash(session.token)))
                    db.commit()
                    response.delete_cookie(COOKIE_NAME, **cookie)
                return
            if session.new:
                session.token = secrets.token_urlsafe(32)
                db.add(VisitSession(token_hash=_hash(session.token), data=dict(session), created_at=now, last_seen_at=now))
                if random.random() < _SWEEP_CHANCE:
                    self.sweep(db, now)
                db.commit()
                # No Expires: the browser drops the cookie when it closes, which suits shared computers.
                response.set_cookie(COOKIE_NAME, session.token, **cookie)
                response.vary.add("Cookie")
                return
            changes = {}
            if session.modified:
                changes["data"] = dict(session)
            if session.modified or now - session.last_seen >= _TOUCH_EVERY:
                changes["last_seen_at"] = now
            if changes:
                db.execute(update(VisitSession).where(VisitSession.token_hash == _hash(session.token)).values(**changes))
                db.commit()
        response.vary.add("Cookie")

    def sweep(self, db, now: datetime) -> None:
        db.execute(delete(VisitSession).where(VisitSession.last_seen_at < now - max(self.idle, self.library_idle)))
