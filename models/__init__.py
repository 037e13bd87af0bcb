"""Database setup: one engine per app, one SQLAlchemy session per request.

Alembic owns the schema (migrations/); nothing here creates tables.
"""

from sqlalchemy import create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    pass


def make_engine(url: str):
    # hide_parameters: an error message must never carry what a person typed into the logs.
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):
            # WAL lets readers work during a write; foreign keys are off in SQLite unless asked for.
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def make_session_factory(engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


# Imported here so every table is on Base.metadata for Alembic.
from models.application import Attempt, Draft, Submission  # noqa: E402
from models.help import Appointment, HomeVisit  # noqa: E402
from models.staff import AuditEntry, Notice, ReferenceLock, StaffAccount, StatusEvent  # noqa: E402
from models.visit import VisitSession  # noqa: E402

__all__ = ["Appointment", "Attempt", "AuditEntry", "Base", "Draft", "HomeVisit", "Notice", "ReferenceLock",
           "StaffAccount", "StatusEvent", "Submission", "VisitSession", "make_engine", "make_session_factory"]
