"""Reading the date, time and duration forms people type (PRODUCT.md section 2).

Pure functions: the caller hands in `now` (aware) and the zone the text is meant in.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from events.errors import InvalidDate, InvalidDuration, UnknownTimeZone

_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
_DURATION = re.compile(r"(\d+)\s*([wdhm])")
_RELATIVE = re.compile(r"^([+-])\s*(\d+)\s*([wdhm])(?:\s+(\d{1,2}:\d{2}))?$")
_NAMED_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}


@cache
def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; `UnknownTimeZone` if the tz database has no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UnknownTimeZone(name) from error


def parse_duration(text: str) -> timedelta:
    """`90m`, `2h`, `1h30m`, `1d`, `1w` (units may repeat and combine); positive only."""
    compact = text.strip().lower()
    if not compact or _DURATION.sub("", compact).strip():
        raise InvalidDuration(text)
    total = sum((int(n) * _UNITS[unit] for n, unit in _DURATION.findall(compact)), timedelta())
    if total <= timedelta():
        raise InvalidDuration(text)
    return total


def _clock_time(text: str, original: str) -> time:
    try:
        return time.fromisoformat(text.zfill(5))
    except ValueError as error:
        raise InvalidDate(original) from error


def parse_when(text: str, *, tz: tzinfo, now: datetime) -> datetime | date:
    """A date (for date-only input) or an aware datetime.

    Accepts ISO forms (`2025-11-26`, `2025-11-26 10:00`, `2025-11-26T10:00+08:00`), `now`, `today`,
    `tomorrow 10:00`, `yesterday`, and offsets from now (`+3d`, `-2h`, `+1w 09:00`). A time without an
    offset is read in `tz`; relative days count in `tz` too.
    """
    raw = text.strip()
    lowered = raw.lower()
    local_now = now.astimezone(tz)
    if lowered == "now":
        return now
    words = lowered.split()
    if words and words[0] in _NAMED_DAYS and len(words) <= 2:
        day = local_now.date() + timedelta(days=_NAMED_DAYS[words[0]])
        if len(words) == 1:
            return day
        return datetime.combine(day, _clock_time(words[1], text), tzinfo=tz)
    relative = _RELATIVE.match(lowered)
    if relative:
        sign, amount, unit, clock = relative.groups()
        offset = int(amount) * _UNITS[unit] * (1 if sign == "+" else -1)
        if clock is None:
            return (local_now + offset) if unit in "hm" else (local_now + offset).date()
        return datetime.combine((local_now + offset).date(), _clock_time(clock, text), tzinfo=tz)
    return _parse_iso(raw, tz)


def _parse_iso(raw: str, tz: tzinfo) -> datetime | date:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
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


def parse_datetime(text: str, *, tz: tzinfo, now: datetime) -> datetime:
    """Like `parse_when`, but a bare date means its midnight in `tz`."""
    value = parse_when(text, tz=tz, now=now)
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), tzinfo=tz)


def parse_date(text: str, *, tz: tzinfo, now: datetime) -> date:
    """Like `parse_when`, but only the calendar date counts (`2025-11-26 10:00` is 26 November)."""
    value = parse_when(text, tz=tz, now=now)
    return value.astimezone(tz).date() if isinstance(value, datetime) else value
