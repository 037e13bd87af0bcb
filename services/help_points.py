"""The organisation's help points (content/help_points.yaml): loaded and checked once, at start-up.

Times in the file are the help point's own wall-clock times, in the file's time zone. Every function
here takes "now" as an argument, so tests can fix the clock, and nothing reads the request.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LANGUAGES = ("kk", "ru", "en")
# How far ahead people can book.
BOOKING_DAYS = 14
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class HelpPointsError(Exception):
    """The help points file is wrong; the message says where and how to fix it."""

    def __init__(self, path: Path, where: str, rule: str):
        super().__init__(f"{path}: {where}: {rule}")


@dataclass(frozen=True)
class HelpPoint:
    slug: str
    name: Mapping[str, str]
    address: Mapping[str, str]
    # One entry per weekday, Monday first: (opens, closes), or None when closed all day.
    opening_hours: tuple[tuple[datetime.time, datetime.time] | None, ...]
    closed_days: frozenset[datetime.date]
    languages: tuple[str, ...]
    step_free: bool
    slot_minutes: int
    capacity: int

    def hours_on(self, day: datetime.date) -> tuple[datetime.time, datetime.time] | None:
        if day in self.closed_days:
            return None
        return self.opening_hours[day.weekday()]

    def slots(self, day: datetime.date) -> list[datetime.datetime]:
        """Every start time on `day`: each slot ends by closing time. Empty on a closed day."""
        hours = self.hours_on(day)
        if hours is None:
            return []
        start = datetime.datetime.combine(day, hours[0])
        close = datetime.datetime.combine(day, hours[1])
        step = datetime.timedelta(minutes=self.slot_minutes)
        found = []
        while start + step <= close:
            found.append(start)
            start += step
        return found

    def future_slots(self, day: datetime.date, now_local: datetime.datetime) -> list[datetime.datetime]:
        """The start times on `day` that have not begun yet."""
        return [start for start in self.slots(day) if start > now_local]


@dataclass(frozen=True)
class HelpPoints:
    example: bool
    time_zone: ZoneInfo
    points: Mapping[str, HelpPoint]

    def get(self, slug: str) -> HelpPoint | None:
        return self.points.get(slug) if isinstance(slug, str) else None

    def local_now(self, now_utc: datetime.datetime) -> datetime.datetime:
        """Naive UTC (as `web.sessions.utcnow` gives it) -> the help points' naive wall-clock time."""
        aware = now_utc.replace(tzinfo=datetime.UTC) if now_utc.tzinfo is None else now_utc
        return aware.astimezone(self.time_zone).replace(tzinfo=None)

    def open_days(self, point: HelpPoint, now_utc: datetime.datetime, days: int = BOOKING_DAYS) -> list[datetime.date]:
        """Days from today on, for `days` days, when the point is open and some time is still ahead."""
        now_local = self.local_now(now_utc)
        today = now_local.date()
        candidates = (today + datetime.timedelta(days=offset) for offset in range(days))
        return [day for day in candidates if point.future_slots(day, now_local)]

    def slot_problem(self, point: HelpPoint, starts_at: datetime.datetime, now_utc: datetime.datetime) -> str | None:
        """Why `starts_at` cannot be booked at `point`, or None: closed, not_a_slot, past or too_far."""
        now_local = self.local_now(now_utc)
        if point.hours_on(starts_at.date()) is None:
            return "closed"
        if starts_at not in point.slots(starts_at.date()):
            return "not_a_slot"
        if starts_at <= now_local:
            return "past"
        if starts_at.date() >= now_local.date() + datetime.timedelta(days=BOOKING_DAYS):
            return "too_far"
        return None


def load_help_points(path: Path) -> HelpPoints:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise HelpPointsError(path, "file", f"cannot be read ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise HelpPointsError(path, "file", f"is not valid YAML ({error})") from None
    reader = _Reader(path)
    raw = reader.mapping(raw, "file", {"example", "time_zone", "points"})
    if not isinstance(raw.get("example"), bool):
        raise reader.fail("example", "must be true or false (true while these are made-up places)")
    try:
        zone = ZoneInfo(str(raw.get("time_zone")))
    except (ZoneInfoNotFoundError, ValueError):
        raise reader.fail("time_zone", 'must be a time zone name such as "Asia/Almaty"') from None
    if not isinstance(raw.get("points"), list) or not raw["points"]:
        raise reader.fail("points", "must be a list with at least one help point")
    points = {}
    for index, item in enumerate(raw["points"], start=1):
        point = reader.point(item, f"points[{index}]")
        if point.slug in points:
            raise reader.fail(f"points[{index}].slug", f"{point.slug!r} is used twice")
        points[point.slug] = point
    return HelpPoints(example=raw["example"], time_zone=zone, points=MappingProxyType(points))


class _Reader:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, rule: str) -> HelpPointsError:
        return HelpPointsError(self.path, where, rule)

    def mapping(self, raw: Any, where: str, keys: set[str]) -> dict:
        if not isinstance(raw, dict):
            raise self.fail(where, "must be a mapping")
        missing, unknown = keys - raw.keys(), raw.keys() - keys
        if missing:
            raise self.fail(where, f"is missing {', '.join(sorted(missing))}")
        if unknown:
            raise self.fail(where, f"has unknown keys {', '.join(sorted(map(str, unknown)))}")
        return raw

    def text(self, raw: Any, where: str) -> Mapping[str, str]:
        raw = self.mapping(raw, where, set(LANGUAGES))
        for lang in LANGUAGES:
            if not isinstance(raw[lang], str) or not raw[lang].strip():
                raise self.fail(f"{where}.{lang}", "must be some text")
        return MappingProxyType({lang: raw[lang].strip() for lang in LANGUAGES})

    def time(self, raw: Any, where: str) -> datetime.time:
        if not isinstance(raw, str) or not _TIME.match(raw):
            raise self.fail(where, 'must be a time such as "09:00" (quoted, 24-hour)')
        return datetime.time.fromisoformat(raw)

    def hours(self, raw: Any, where: str):
        if raw is None:
            return None
        if not isinstance(raw, list) or len(raw) != 2:
            raise self.fail(where, 'must be ["opens", "closes"], for example ["09:00", "18:00"], or null')
        opens, closes = self.time(raw[0], f"{where}[1]"), self.time(raw[1], f"{where}[2]")
        if closes <= opens:
            raise self.fail(where, "must close after it opens")
        return opens, closes

    def positive(self, raw: Any, where: str, most: int) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= most:
            raise self.fail(where, f"must be a whole number from 1 to {most}")
        return raw

    def point(self, raw: Any, where: str) -> HelpPoint:
        raw = self.mapping(raw, where, {"slug", "name", "address", "opening_hours", "closed_days", "languages",
                                        "step_free", "slot_minutes", "capacity"})
        if not isinstance(raw["slug"], str) or not _SLUG.match(raw["slug"]):
            raise self.fail(f"{where}.slug", "must be lowercase letters, digits and hyphens")
        hours_raw = self.mapping(raw["opening_hours"], f"{where}.opening_hours", set(WEEKDAYS))
        hours = tuple(self.hours(hours_raw[day], f"{where}.opening_hours.{day}") for day in WEEKDAYS)
        if not any(hours):
            raise self.fail(f"{where}.opening_hours", "must have at least one open day")
        if not isinstance(raw["closed_days"], list):
            raise self.fail(f"{where}.closed_days", 'must be a list of dates such as "2026-01-01" (may be empty)')
        closed = set()
        for number, value in enumerate(raw["closed_days"], start=1):
            try:
                closed.add(value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)))
            except ValueError:
                raise self.fail(f"{where}.closed_days[{number}]", 'must be a date such as "2026-01-01"') from None
        languages = raw["languages"]
        if not isinstance(languages, list) or not languages or not set(languages) <= set(LANGUAGES):
            raise self.fail(f"{where}.languages", "must list one or more of kk, ru, en")
        if not isinstance(raw["step_free"], bool):
            raise self.fail(f"{where}.step_free", "must be true or false")
        slot_minutes = self.positive(raw["slot_minutes"], f"{where}.slot_minutes", 240)
        point = HelpPoint(
            slug=raw["slug"],
            name=self.text(raw["name"], f"{where}.name"),
            address=self.text(raw["address"], f"{where}.address"),
            opening_hours=hours,
            closed_days=frozenset(closed),
            languages=tuple(lang for lang in LANGUAGES if lang in languages),
            step_free=raw["step_free"],
            slot_minutes=slot_minutes,
            capacity=self.positive(raw["capacity"], f"{where}.capacity", 50),
        )
        if not any(point.slots(datetime.date(2024, 1, 1) + datetime.timedelta(days=n)) for n in range(7)):
            raise self.fail(f"{where}.slot_minutes", "is longer than every opening time, so nothing can be booked")
        return point
