"""Drafts (answers being typed) and submissions (answers confirmed, with a reference)."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models import Base


class Draft(Base):
    """Every answer is saved here as its page is submitted, so a crash or a closed tab loses nothing."""

    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, never shown to anyone
    application: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    # HMAC of the return code; unique so a code opens exactly one draft.
    return_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # One-time token carried by the confirm form: a second click or a retry finds the same submission.
    submit_token: Mapped[str] = mapped_column(String(43))
    created_at: Mapped[datetime] = mapped_column(DateTime())
    updated_at: Mapped[datetime] = mapped_column(DateTime())
    expires_at: Mapped[datetime] = mapped_column(DateTime(), index=True)


class Submission(Base):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    secret_code_hash: Mapped[str] = mapped_column(String(64))
    submit_token: Mapped[str] = mapped_column(String(43), unique=True)
    application: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict] = mapped_column(JSON)
    # The language the person used, for the printout and for later notices.
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(32), default="received")
    created_at: Mapped[datetime] = mapped_column(DateTime(), index=True)


class Attempt(Base):
    """A failed try at a code, counted per key (a code's hash, or a client) in the database,
    so the limit holds across several app servers and restarts."""

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime())

    __table_args__ = (Index("ix_attempts_key_created_at", "key", "created_at"),)
