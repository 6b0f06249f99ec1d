"""Reading the date, time and duration forms people type (PRODUCT.md section 2), and wall-clock arithmetic
that survives daylight-saving changes.

Pure functions: the caller hands in `now` (aware) and the zone the text is meant in. Every date, instant and
duration read here is checked against `events.bounds`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from events.bounds import (
    FIRST_INSTANT,
    LAST_INSTANT,
    MAX_DURATION,
    OutOfRange,
    What,
    check_day,
    check_duration,
    check_instant,
    shifted,
)
from events.errors import N_, EmptyValue, Field, InvalidDate, InvalidDuration, Notice, UnknownTimeZone, Words
from events.localdates import read_local

_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
_DURATION = re.compile(r"(\d+)\s*([wdhm])")
# A date and time in ISO form, as scripts and bulk loads give them: read_local and the relative forms never
# read one (they take a date alone or several words), so it goes straight to the ISO parser.
_ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt][0-9:.,]+(?:[Zz]|[+-][0-9:]+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RELATIVE = re.compile(r"^([+-])\s*(\d+)\s*([wdhm])(?:\s+(\d{1,2}:\d{2}))?$")


@cache
def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; `UnknownTimeZone` if the tz database has no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:  # OSError: a NUL or a path too long
        raise UnknownTimeZone(name) from error


def checked_zone_name(name: str | None, field: Field = Field.TZ) -> str | None:
    """A zone option as given: None when not given; an empty one is refused, not read as "not given"."""
    if name is None:
        return None
    if not name.strip():
        raise EmptyValue(field)
    return zone(name.strip()).key


def parse_duration(text: str, what: What = Field.DURATION) -> timedelta:
    """`90m`, `2h`, `1h30m`, `1d`, `1w` (units may repeat and combine); positive and at most
    `bounds.MAX_DURATION`."""
    compact = text.strip().lower()
    if not compact or _DURATION.sub("", compact).strip():
        raise InvalidDuration(text)
    try:
        total = sum((int(n) * _UNITS[unit] for n, unit in _DURATION.findall(compact)), timedelta())
    except OverflowError:
        raise OutOfRange(what, text.strip(), "1m", f"{MAX_DURATION.days}d") from None
    except ValueError:  # digits beyond what int() reads
        raise InvalidDuration(text) from None
    if total <= timedelta():
        raise InvalidDuration(text)
    return check_duration(total, what)


@dataclass(frozen=True)
class WallTime:
    """A wall-clock time as it is kept: `instant` exists in its zone (aware); `note` says, in plain words,
    how it was read when the clocks made it ambiguous, else None."""

    instant: datetime
    note: str | None = None


def resolve_wall_time(local: datetime, what: str = N_("the time")) -> WallTime:
    """`local` (aware, a wall-clock time in an IANA zone) as the instant it means, by RFC 5545 3.3.5: a time
    in a daylight-saving gap moves forward by the gap (it is read with the offset before the gap); a time
    that happens twice takes its first occurrence. Times with a fixed offset are kept as they are.
    Import, `event add` and `event edit` all read local times through this one function."""
    tz = local.tzinfo
    if not isinstance(tz, ZoneInfo):
        return WallTime(local)
    first = local.replace(fold=0)
    instant = first.astimezone(UTC).astimezone(tz)
    wall = first.replace(tzinfo=None)
    shown = wall.isoformat(sep=" ", timespec="minutes")
    if instant.replace(tzinfo=None) != wall:
        gap = instant.replace(tzinfo=None) - wall
        return WallTime(instant, Notice(N_("{what} {time} does not exist in {zone} (the clocks move forward by "
                                           "{gap}): it is {clock}"), what=Words(what), time=shown, zone=tz.key,
                                        gap=_compact(gap), clock=_clock(instant)))
    if first.utcoffset() != first.replace(fold=1).utcoffset():
        return WallTime(instant, Notice(N_("{what} {time} happens twice in {zone} (the clocks move back): it is "
                                           "the first one, {clock}"), what=Words(what), time=shown, zone=tz.key,
                                        clock=_clock(instant)))
    return WallTime(instant)


def add_duration(start: datetime, length: timedelta, what: What = Field.END) -> WallTime:
    """`start + length` as RFC 5545 adds a DURATION: whole days on the wall clock (a day is a calendar day
    across a daylight-saving change), hours and minutes in exact time; so the result is always after a
    `start` when `length` is positive. Checked against `events.bounds`."""
    days = timedelta(days=length.days)
    day_moved = resolve_wall_time(shifted(start, days, what), N_("the end")) if days else WallTime(start)
    end = shifted(day_moved.instant.astimezone(UTC), length - days, what).astimezone(start.tzinfo)
    return WallTime(end, day_moved.note)


def _clock(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M} {value.tzname()} (UTC{value:%z})"


def _compact(delta: timedelta) -> Notice:
    hours, minutes = divmod(int(delta.total_seconds() // 60), 60)
    if hours and minutes:
        return Notice(N_("{hours} h {minutes} min"), hours=hours, minutes=minutes)
    return Notice(N_("{hours} h"), hours=hours) if hours else Notice(N_("{minutes} min"), minutes=minutes)


def _clock_time(text: str, original: str) -> time:
    try:
        return time.fromisoformat(text.zfill(5))
    except ValueError as error:
        raise InvalidDate(original) from error


def parse_when(text: str, *, tz: tzinfo, now: datetime, what: What = N_("the date")) -> datetime | date:
    """A date (for date-only input) or an aware datetime, within `events.bounds`.

    Accepts ISO forms (`2025-11-26`, `2025-11-26 10:00`, `2025-11-26T10:00+08:00`), `now`, offsets from now
    (`+3d`, `-2h`, `+1w 09:00`) and the local forms of `events.localdates`: day-first numeric dates
    (`24.12.2026 10:00`), day words and weekdays in en/ru/mn/ky (`tomorrow 10:00`, `завтра`, `next monday`,
    `ирэх Даваа`). A time without an offset is read in `tz`; relative days count from today in `tz`.
    """
    try:
        value = _when(text, tz=tz, now=now)
    except (OverflowError, ValueError) as error:
        if isinstance(error, InvalidDate):
            raise
        raise OutOfRange(what, text.strip(), FIRST_INSTANT.date(), LAST_INSTANT.date()) from None
    if isinstance(value, datetime):
        return check_instant(value, what)
    return check_day(value, what)


def _when(text: str, *, tz: tzinfo, now: datetime) -> datetime | date:
    raw = text.strip()
    if _ISO_DATE_TIME.fullmatch(raw):
        return _parse_iso(raw, tz)
    lowered = raw.lower()
    local_now = now.astimezone(tz)
    if lowered == "now":
        return now
    local = read_local(raw, today=local_now.date())
    if local is not None:
        day, at = local
        return day if at is None else datetime.combine(day, at, tzinfo=tz)
    relative = _RELATIVE.match(lowered)
    if relative:
        sign, amount, unit, clock = relative.groups()
        offset = int(amount) * _UNITS[unit] * (1 if sign == "+" else -1)
        if clock is None:
            return (local_now + offset) if unit in "hm" else (local_now + offset).date()
        return datetime.combine((local_now + offset).date(), _clock_time(clock, text), tzinfo=tz)
    return _parse_iso(raw, tz)


def _parse_iso(raw: str, tz: tzinfo) -> datetime | date:
    if _ISO_DATE.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError as error:
            raise InvalidDate(raw) from error
    try:
        parsed = datetime.fromisoformat(raw.replace(" ", "T", 1))
    except ValueError as error:
        raise InvalidDate(raw) from error
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=tz)
    return parsed


def parse_datetime(text: str, *, tz: tzinfo, now: datetime, what: What = N_("the date")) -> datetime:
    """Like `parse_when`, but a bare date means its midnight in `tz`."""
    value = parse_when(text, tz=tz, now=now, what=what)
    if isinstance(value, datetime):
        return value
    return check_instant(datetime.combine(value, time(), tzinfo=tz), what)


def parse_date(text: str, *, tz: tzinfo, now: datetime, what: What = N_("the date")) -> date:
    """Like `parse_when`, but only the calendar date counts (`2025-11-26 10:00` is 26 November)."""
    value = parse_when(text, tz=tz, now=now, what=what)
    return value.astimezone(tz).date() if isinstance(value, datetime) else value
