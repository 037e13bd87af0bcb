"""The organisation's own help: appointments at its help points and home-visit requests.

Both are "cases" a person follows with a reference and a secret code, like a submitted application.
"""

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models import Base


class Appointment(Base):
    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    secret_code_hash: Mapped[str] = mapped_column(String(64))
    help_point: Mapped[str] = mapped_column(String(64))
    # The help point's local wall-clock time (its time zone is in content/help_points.yaml).
    starts_at: Mapped[datetime] = mapped_column(DateTime())
    # Which of the slot's places this booking holds, 1..capacity. With the unique constraint below the
    # database itself refuses a booking beyond capacity, whatever the app servers do at the same moment.
    place: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    # True while the booking holds its place; NULL once cancelled or over, so it no longer counts in the
    # unique constraints (NULLs never collide in SQL).
    active: Mapped[bool | None] = mapped_column(Boolean, nullable=True, default=True)
    # Keyed hash of the normalised name and phone: one active booking per person per help point.
    person_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(16))
    # Whose phone it is: the person's own, a relative's or a helper's.
    phone_owner: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(32), default="received")
    created_at: Mapped[datetime] = mapped_column(DateTime())
    updated_at: Mapped[datetime] = mapped_column(DateTime())

    __table_args__ = (
        UniqueConstraint("help_point", "starts_at", "place", "active", name="uq_appointment_place"),
        UniqueConstraint("help_point", "person_key", "active", name="uq_appointment_person"),
        CheckConstraint("place >= 1 AND place <= capacity", name="ck_appointment_place_within_capacity"),
    )


class HomeVisit(Base):
    __tablename__ = "home_visits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    secret_code_hash: Mapped[str] = mapped_column(String(64))
    for_whom: Mapped[str] = mapped_column(String(8))  # self / other
    # Why the person can't travel: age, illness, disability, other. Nothing more than that is asked.
    reason: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(Text)
    # What it is about: a guide slug, or "" when the person did not say.
    about: Mapped[str] = mapped_column(String(64), default="")
    preferred_days: Mapped[list] = mapped_column(JSON, default=list)
    preferred_times: Mapped[list] = mapped_column(JSON, default=list)
    phone: Mapped[str] = mapped_column(String(16))
    consent_to_call: Mapped[bool] = mapped_column(Boolean)
    help_point: Mapped[str | None] = mapped_column(String(64), nullable=True)
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(32), default="received")
    created_at: Mapped[datetime] = mapped_column(DateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime())
