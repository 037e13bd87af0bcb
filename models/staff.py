"""The helpers' side: accounts, what they did (audit log), status history, notices and locks."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models import Base


class StaffAccount(Base):
    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Slugs of the help points this helper works at; an administrator sees all.
    help_points: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime())


class AuditEntry(Base):
    """Who did what, when: sign-ins, every record opened, every status change, every unlock."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    case_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(), index=True)


class StatusEvent(Base):
    """One step in a case's history, shown to the person on the status page with its date."""

    __tablename__ = "status_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_kind: Mapped[str] = mapped_column(String(16))  # application, appointment, home_visit
    case_id: Mapped[int] = mapped_column(Integer)
    from_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    to_status: Mapped[str] = mapped_column(String(32))
    # For the helpers only; never shown on the status page.
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime())

    __table_args__ = (Index("ix_status_events_case", "case_kind", "case_id"),)


class Notice(Base):
    """A message to the person about their case, waiting in the outbox for its delivery backend."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_kind: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)
    backend: Mapped[str] = mapped_column(String(16), default="outbox")
    created_at: Mapped[datetime] = mapped_column(DateTime(), index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)


class ReferenceLock(Base):
    """A reference locked after too many wrong tries on the status page; a helper can unlock it."""

    __tablename__ = "reference_locks"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    locked_until: Mapped[datetime] = mapped_column(DateTime())
