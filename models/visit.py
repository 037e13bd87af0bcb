"""A visit: the server-side half of the session cookie."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from models import Base


class VisitSession(Base):
    __tablename__ = "visit_sessions"

    # SHA-256 of the cookie's random token: a copy of the database can't be replayed as cookies.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # Naive UTC throughout: SQLite keeps no time zone.
    created_at: Mapped[datetime] = mapped_column(DateTime())
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(), index=True)
