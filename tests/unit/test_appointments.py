"""Appointments: capacity held by the database under concurrent load, one booking per person, cancel and change;
and the help points file: its checks, open days and times in the help point's time zone."""

import datetime
import threading
from collections import Counter

import pytest
from sqlalchemy import select

from models import Appointment, Notice, StatusEvent, make_engine, make_session_factory
from services import appointments
from services.appointments import BookingProblem
from services.help_points import HelpPoint, HelpPointsError, load_help_points
from settings import ROOT

KEY = b"k" * 32
NOW_UTC = datetime.datetime(2026, 3, 2, 4, 0)  # Monday 2 March 2026, 9:00 in Almaty (UTC+5)
NOW_LOCAL = datetime.datetime(2026, 3, 2, 9, 0)
ALL_DAY = (datetime.time(0, 0), datetime.time(23, 59))


def _point(capacity=5, slug="test-point"):
    return HelpPoint(slug=slug, name={"kk": "x", "ru": "x", "en": "x"}, address={"kk": "x", "ru": "x", "en": "x"},
                     opening_hours=(ALL_DAY,) * 7, closed_days=frozenset(), languages=("kk",), step_free=True,
                     slot_minutes=30, capacity=capacity)


@pytest.fixture
def factory(engine_url):
    # Every test here runs twice: on SQLite (development) and on PostgreSQL (production).
    engine = make_engine(engine_url)
    yield make_session_factory(engine)
    engine.dispose()


def _book(factory, point, starts_at, name="Айгүл Нұрланова", phone="+77011234567", now_local=NOW_LOCAL):
    with factory() as db, db.begin():
        appointment, secret = appointments.book(db, point, starts_at, name=name, phone=phone, phone_owner="self",
                                                language="kk", now_utc=NOW_UTC, now_local=now_local, key=KEY)
    return appointment, secret


def _active(factory, point, starts_at):
    with factory() as db:
        return list(db.scalars(select(Appointment).where(Appointment.help_point == point.slug,
                                                         Appointment.starts_at == starts_at,
                                                         Appointment.active.is_(True))))


def test_fifty_people_racing_for_five_places_get_exactly_five_bookings_every_round(factory):
    threads_per_round, rounds, capacity = 50, 20, 5
    point = _point(capacity)
    first = datetime.datetime(2026, 3, 3, 10, 0)
    results = Counter()
    errors = []
    barrier = threading.Barrier(threads_per_round)

    def racer(number):
        for round_number in range(rounds):
            starts_at = first + datetime.timedelta(minutes=30 * round_number)
            barrier.wait()
            try:
                # Each thread its own SQLAlchemy session and connection, like separate app servers.
                # A different person in every thread and round: only capacity decides who gets in.
                _book(factory, point, starts_at, name=f"Адам {number} {round_number}",
                      phone=f"+7701{number:03d}{round_number:04d}")
                results[(round_number, "booked")] += 1
            except BookingProblem as problem:
                results[(round_number, problem.code)] += 1
            except Exception as error:  # noqa: BLE001 - any other failure (e.g. "database is locked") fails the test
                errors.append(repr(error))

    workers = [threading.Thread(target=racer, args=(number,)) for number in range(threads_per_round)]
    started = datetime.datetime.now()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = (datetime.datetime.now() - started).total_seconds()

    assert not errors, errors[:5]
    booked = [results[(r, "booked")] for r in range(rounds)]
    full = [results[(r, "full")] for r in range(rounds)]
    print(f"\nrace on {factory.kw['bind'].dialect.name}: {threads_per_round} threads x {rounds} rounds, capacity {capacity}: bookings per round {booked}, "
          f"refused as full per round {full}, {threads_per_round * rounds} attempts in {seconds:.1f} s")
    assert booked == [capacity] * rounds
    assert full == [threads_per_round - capacity] * rounds
    for round_number in range(rounds):
        held = _active(factory, point, first + datetime.timedelta(minutes=30 * round_number))
        assert sorted(a.place for a in held) == list(range(1, capacity + 1))


def test_the_database_itself_refuses_a_place_beyond_capacity_or_a_place_taken_twice(factory):
    from sqlalchemy.exc import IntegrityError

    point = _point(1)
    starts_at = datetime.datetime(2026, 3, 3, 10, 0)
    _book(factory, point, starts_at)
    for place in (1, 2):
        with factory() as db, pytest.raises(IntegrityError), db.begin():
            db.add(Appointment(reference=f"KMK-TEST-000{place}", secret_code_hash="x", help_point=point.slug,
                               starts_at=starts_at, place=place, capacity=1, active=True, person_key=f"p{place}",
                               name="x", phone="+77011234567", phone_owner="self", language="kk", status="received",
                               created_at=NOW_UTC, updated_at=NOW_UTC))


def test_a_booking_has_a_reference_a_hashed_code_and_a_first_status_event(factory):
    appointment, secret = _book(factory, _point(), datetime.datetime(2026, 3, 3, 10, 0))
    assert appointment.reference.startswith("KMK-") and len(secret) == 9
    assert secret not in appointment.secret_code_hash and appointment.status == "received"
    with factory() as db:
        events = list(db.scalars(select(StatusEvent).where(StatusEvent.case_id == appointment.id,
                                                           StatusEvent.case_kind == "appointment")))
    assert [(e.from_status, e.to_status) for e in events] == [(None, "received")]


def test_one_person_holds_one_booking_per_help_point_however_they_type_their_name(factory):
    point, other_point = _point(), _point(slug="other-point")
    _book(factory, point, datetime.datetime(2026, 3, 3, 10, 0), name="Айгүл Нұрланова")
    with pytest.raises(BookingProblem) as problem:
        _book(factory, point, datetime.datetime(2026, 3, 4, 11, 0), name="  айгүл   НҰРЛАНОВА ")
    assert problem.value.code == "already_booked"
    # Another help point is fine, and so is a parent booked by the same volunteer with the same phone.
    _book(factory, other_point, datetime.datetime(2026, 3, 3, 10, 0), name="Айгүл Нұрланова")
    _book(factory, point, datetime.datetime(2026, 3, 3, 10, 0), name="Серік Нұрланов")


def test_a_full_time_says_full_and_someone_already_booked_says_so_even_when_full(factory):
    point = _point(1)
    starts_at = datetime.datetime(2026, 3, 3, 10, 0)
    _book(factory, point, starts_at, name="Бірінші Адам")
    with pytest.raises(BookingProblem) as full:
        _book(factory, point, starts_at, name="Екінші Адам")
    assert full.value.code == "full"
    with pytest.raises(BookingProblem) as again:
        _book(factory, point, starts_at, name="Бірінші Адам")
    assert again.value.code == "already_booked"


def test_cancelling_frees_the_place_and_queues_a_notice(factory):
    point = _point(1)
    starts_at = datetime.datetime(2026, 3, 3, 10, 0)
    first, _secret = _book(factory, point, starts_at, name="Бірінші Адам")
    with pytest.raises(BookingProblem):
        _book(factory, point, starts_at, name="Екінші Адам")
    with factory() as db, db.begin():
        appointment = db.get(Appointment, first.id)
        appointments.cancel(db, appointment, now_utc=NOW_UTC, now_local=NOW_LOCAL, notice_text="Cancelled.")
    second, _secret = _book(factory, point, starts_at, name="Екінші Адам")
    assert second.place == 1
    with factory() as db:
        cancelled = db.get(Appointment, first.id)
        assert cancelled.active is None and cancelled.status == "cancelled"
        assert db.scalar(select(Notice.text).where(Notice.case_id == first.id)) == "Cancelled."
    with factory() as db, pytest.raises(BookingProblem) as problem, db.begin():
        appointments.cancel(db, db.get(Appointment, first.id), now_utc=NOW_UTC, now_local=NOW_LOCAL, notice_text="again")
    assert problem.value.code == "cancelled"


def test_past_bookings_do_not_block_a_new_one_and_keep_their_status(factory):
    point = _point(1)
    old, _secret = _book(factory, point, datetime.datetime(2026, 3, 1, 10, 0))
    # The next day, the same person books again: the old booking no longer counts, and keeps its status.
    later = NOW_LOCAL + datetime.timedelta(days=1)
    new, _secret = _book(factory, point, datetime.datetime(2026, 3, 5, 10, 0), now_local=later)
    with factory() as db:
        old = db.get(Appointment, old.id)
    assert old.active is None and old.status == "received"
    assert new.active is True


def test_changing_the_time_moves_the_place_in_one_step_and_a_full_time_changes_nothing(factory):
    point = _point(1)
    ten, eleven, noon = (datetime.datetime(2026, 3, 3, hour, 0) for hour in (10, 11, 12))
    mine, _secret = _book(factory, point, ten, name="Бірінші Адам")
    _book(factory, point, noon, name="Екінші Адам")
    with factory() as db, db.begin():
        appointment = db.get(Appointment, mine.id)
        appointments.change(db, appointment, point, eleven, now_utc=NOW_UTC, now_local=NOW_LOCAL)
    assert [a.id for a in _active(factory, point, eleven)] == [mine.id] and not _active(factory, point, ten)
    # The old time is free again for someone else.
    _book(factory, point, ten, name="Үшінші Адам")
    with factory() as db, pytest.raises(BookingProblem) as problem, db.begin():
        appointments.change(db, db.get(Appointment, mine.id), point, noon, now_utc=NOW_UTC, now_local=NOW_LOCAL)
    assert problem.value.code == "full"
    with factory() as db:
        assert db.get(Appointment, mine.id).starts_at == eleven
    with factory() as db, pytest.raises(BookingProblem) as same, db.begin():
        appointments.change(db, db.get(Appointment, mine.id), point, eleven, now_utc=NOW_UTC, now_local=NOW_LOCAL)
    assert same.value.code == "same_time"


def test_a_booking_whose_time_has_passed_cannot_be_changed_or_cancelled(factory):
    point = _point()
    appointment, _secret = _book(factory, point, datetime.datetime(2026, 3, 2, 10, 0))
    after = datetime.datetime(2026, 3, 2, 10, 30)
    actions = (lambda db, found: appointments.cancel(db, found, now_utc=NOW_UTC, now_local=after, notice_text="x"),
               lambda db, found: appointments.change(db, found, point, datetime.datetime(2026, 3, 3, 10, 0),
                                                     now_utc=NOW_UTC, now_local=after))
    for action in actions:
        with factory() as db, pytest.raises(BookingProblem) as problem, db.begin():
            action(db, db.get(Appointment, appointment.id))
        assert problem.value.code == "past"


# --------------------------------------------------------------------------- the help points file

def test_the_shipped_file_is_example_data_in_almaty_time():
    points = load_help_points(ROOT / "content" / "help_points.yaml")
    assert points.example is True and str(points.time_zone) == "Asia/Almaty"
    assert 2 <= len(points.points) <= 3
    for point in points.points.values():
        assert "not real" in point.name["en"] and "шын емес" in point.name["kk"] and "не настоящ" in point.name["ru"]


def test_open_days_skip_closed_weekdays_and_holidays_and_times_are_local():
    points = load_help_points(ROOT / "content" / "help_points.yaml")
    library = points.get("example-library-1")
    # 20 March 2026 is a Friday; 21-23 March are Nauryz holidays in the file, 22 March is a Sunday.
    now_utc = datetime.datetime(2026, 3, 20, 12, 50)  # 17:50 in Almaty: the last time (17:30) has begun
    days = points.open_days(library, now_utc)
    assert days[0] == datetime.date(2026, 3, 24)
    assert len(days) <= 14 and all(day.weekday() != 6 for day in days)
    assert datetime.date(2026, 3, 21) not in days
    assert points.local_now(now_utc) == datetime.datetime(2026, 3, 20, 17, 50)
    saturday = library.slots(datetime.date(2026, 3, 28))
    assert saturday[0].time() == datetime.time(10, 0) and saturday[-1].time() == datetime.time(13, 30)
    morning = datetime.datetime(2026, 3, 24, 4, 40)  # 9:40 in Almaty
    assert library.future_slots(datetime.date(2026, 3, 24), points.local_now(morning))[0].time() == datetime.time(10, 0)
    assert points.slot_problem(library, datetime.datetime(2026, 3, 24, 9, 30), morning) == "past"
    assert points.slot_problem(library, datetime.datetime(2026, 3, 24, 9, 45), morning) == "not_a_slot"
    assert points.slot_problem(library, datetime.datetime(2026, 3, 23, 10, 0), morning) == "closed"
    assert points.slot_problem(library, datetime.datetime(2026, 4, 14, 10, 0), morning) == "too_far"
    assert points.slot_problem(library, datetime.datetime(2026, 3, 24, 10, 0), morning) is None


@pytest.mark.parametrize("change, message", [
    (lambda text: text.replace("example: true", "example: maybe"), "example: must be true or false"),
    (lambda text: text.replace('"Asia/Almaty"', '"Asia/Nowhere"'), "time_zone"),
    (lambda text: text.replace('mon: ["09:00", "18:00"]', 'mon: ["18:00", "09:00"]', 1), "must close after it opens"),
    (lambda text: text.replace('mon: ["09:00", "18:00"]', 'mon: ["9am", "18:00"]', 1), 'must be a time such as "09:00"'),
    (lambda text: text.replace("capacity: 2", "capacity: 0"), "capacity: must be a whole number"),
    (lambda text: text.replace("languages: [kk, ru]", "languages: [de]"), "languages"),
    (lambda text: text.replace('"2026-01-02"', '"2026-13-02"'), "closed_days[2]"),
    (lambda text: text.replace("slug: example-community-centre-2", "slug: example-library-1"), "is used twice"),
    (lambda text: text.replace("    step_free: true\n", ""), "is missing step_free"),
    (lambda text: text + "  - [", "is not valid YAML"),
])
def test_a_bad_help_points_file_stops_with_a_message_saying_where(tmp_path, change, message):
    bad = tmp_path / "help_points.yaml"
    bad.write_text(change((ROOT / "content" / "help_points.yaml").read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(HelpPointsError) as error:
        load_help_points(bad)
    assert message in str(error.value) and str(bad) in str(error.value)
