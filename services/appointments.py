"""Appointments at the organisation's help points: book, change and cancel, with capacity held by the database.

No count in Python decides whether a place is free. A booking tries to insert place 1, 2, … capacity
for its time; the unique constraint (help_point, starts_at, place, active) lets only one insert win each
place, and the check constraint refuses a place beyond capacity. So two app servers booking the last
place at the same moment can't both win. Each try runs in a SAVEPOINT, so a lost place is rolled back
alone and the next place is tried in the same transaction.

On SQLite the first statement of a booking is a write (the clean-up of past bookings, or a touch of the
row being changed): that takes the write lock at once, with the driver's busy timeout, so concurrent
bookings queue rather than fail with "database is locked" when a reader upgrades to a writer.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections import Counter

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from models import Appointment
from services import cases
from services.help_points import HelpPoint

PHONE_OWNERS = ("self", "relative", "helper")
# Statuses in which a booking may still be changed or cancelled by the person.
OPEN_STATUSES = ("received", "in_progress")


class BookingProblem(Exception):
    """Why a booking or a change did not happen: full, already_booked, same_time, cancelled, closed_booking, past."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def person_key(name: str, phone: str, key: bytes) -> str:
    """Keyed hash of the normalised name and phone: the same person, however they typed their name."""
    if not key:
        raise ValueError("person_key needs a secret key")
    person = f"{' '.join(name.split()).casefold()}\n{phone}".encode()
    return hmac.new(key, b"komek person\n" + person, hashlib.sha256).hexdigest()


def taken_places(db, point: HelpPoint, day: datetime.date) -> Counter:
    """How many active bookings each start time on `day` has. For showing "full" only, never for deciding."""
    start = datetime.datetime.combine(day, datetime.time())
    rows = db.execute(select(Appointment.starts_at, func.count()).where(
        Appointment.help_point == point.slug, Appointment.active.is_(True),
        Appointment.starts_at >= start, Appointment.starts_at < start + datetime.timedelta(days=1),
    ).group_by(Appointment.starts_at))
    return Counter({starts_at: count for starts_at, count in rows})


def active_booking(db, point_slug: str, key: str) -> Appointment | None:
    return db.scalar(select(Appointment).where(Appointment.help_point == point_slug, Appointment.person_key == key,
                                               Appointment.active.is_(True)))


def release_past_bookings(db, point_slug: str, key: str, now_local: datetime.datetime) -> None:
    """A booking whose time has passed no longer holds the person's one place: only future ones count.
    Its status stays as the helpers left it."""
    db.execute(update(Appointment).where(
        Appointment.help_point == point_slug, Appointment.person_key == key, Appointment.active.is_(True),
        Appointment.starts_at <= now_local,
    ).values(active=None))


def book(db, point: HelpPoint, starts_at: datetime.datetime, *, name: str, phone: str, phone_owner: str,
         language: str, now_utc: datetime.datetime, now_local: datetime.datetime, key: bytes) -> tuple[Appointment, str]:
    """Book one place at `starts_at`; returns the appointment and its secret code (shown once, stored hashed).

    Raises BookingProblem("already_booked") when this person already holds a future booking here, and
    BookingProblem("full") when every place is taken. The caller commits (or rolls back) the transaction.
    """
    if phone_owner not in PHONE_OWNERS:
        raise ValueError(f"unknown phone owner {phone_owner!r}")
    who = person_key(name, phone, key)
    release_past_bookings(db, point.slug, who, now_local)
    if active_booking(db, point.slug, who) is not None:
        raise BookingProblem("already_booked")
    for place in range(1, point.capacity + 1):
        reference, secret, secret_hash = cases.new_codes(key)
        appointment = Appointment(reference=reference, secret_code_hash=secret_hash, help_point=point.slug,
                                  starts_at=starts_at, place=place, capacity=point.capacity, active=True,
                                  person_key=who, name=name, phone=phone, phone_owner=phone_owner,
                                  language=language, status="received", created_at=now_utc, updated_at=now_utc)
        try:
            with db.begin_nested():
                db.add(appointment)
        except IntegrityError:
            continue
        cases.record_status(db, appointment, "received", now_utc)
        return appointment, secret
    # Every place refused the insert. Someone with the same name and phone may have booked here in the
    # meantime (another tab): that is a different message from "full".
    if active_booking(db, point.slug, who) is not None:
        raise BookingProblem("already_booked")
    raise BookingProblem("full")


def check_open(appointment: Appointment, now_local: datetime.datetime) -> None:
    """Only a booking that still holds its place, and whose time is ahead, can be changed or cancelled."""
    if appointment.status == "cancelled":
        raise BookingProblem("cancelled")
    if appointment.active is not True or appointment.status not in OPEN_STATUSES:
        raise BookingProblem("closed_booking")
    if appointment.starts_at <= now_local:
        raise BookingProblem("past")


def change(db, appointment: Appointment, point: HelpPoint, starts_at: datetime.datetime, *,
           now_utc: datetime.datetime, now_local: datetime.datetime) -> None:
    """Move a booking to another time at the same point: the new place is taken and the old one freed by one
    UPDATE, in one transaction. The reference and secret code stay the same. Raises BookingProblem."""
    check_open(appointment, now_local)
    if starts_at == appointment.starts_at:
        raise BookingProblem("same_time")
    this = Appointment.id == appointment.id
    db.execute(update(Appointment).where(this).values(updated_at=now_utc))
    for place in range(1, point.capacity + 1):
        try:
            with db.begin_nested():
                db.execute(update(Appointment).where(this).values(starts_at=starts_at, place=place,
                                                                  capacity=point.capacity))
        except IntegrityError:
            continue
        db.refresh(appointment)
        return
    raise BookingProblem("full")


def cancel(db, appointment: Appointment, *, now_utc: datetime.datetime, now_local: datetime.datetime,
           notice_text: str) -> None:
    """Free the place (active becomes NULL, so it no longer counts) and keep the step in the history."""
    check_open(appointment, now_local)
    appointment.active = None
    appointment.updated_at = now_utc
    cases.record_status(db, appointment, "cancelled", now_utc, notice_text=notice_text)
