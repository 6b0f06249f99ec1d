"""A series' occurrences in a window: its rule on the event's wall clock, plus RDATEs, minus EXDATEs and
the occurrences its overrides replace. Pure: no session, no clock.

Occurrences are keyed by their original start in UTC (the RECURRENCE-ID an override points at). A timed
occurrence keeps the series' length in exact time; a wall-clock time a daylight-saving change skips moves
forward by the gap, a repeated one takes its first occurrence (RFC 5545 section 3.3.5), as everywhere else.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, HOURLY, WEEKLY, rrule, rrulestr

from events.bounds import LAST_INSTANT
from events.recurrence.rules import RuleParts, compile_rule, local_start, read_dates, rule_until

# Far enough back that a window's edges never cut an occurrence in two, whatever the zone.
_WINDOW_SLACK = timedelta(days=2)
_UNITS = {"HOURLY": timedelta(hours=1), "DAILY": timedelta(days=1), "WEEKLY": timedelta(weeks=1)}
_FIXED_PERIODS = {HOURLY: _UNITS["HOURLY"], DAILY: _UNITS["DAILY"], WEEKLY: _UNITS["WEEKLY"]}  # by dateutil's codes
# A Monday, naive: rules repeat on the wall clock, so expansion works on naive local times.
_REFERENCE_MONDAY = datetime(2001, 1, 1)  # noqa: DTZ001
_WITHOUT_UNTIL = re.compile(r";?UNTIL=[^;]*", re.IGNORECASE)
# A bound on what one series may yield to one query: ten years of an hourly rule.
MAX_OCCURRENCES = 100_000


@dataclass(frozen=True, slots=True)
class Series:
    """What expansion needs of a stored series (an `event` row with `recurs` set)."""

    start_utc: datetime
    end_utc: datetime
    all_day: bool
    timezone: str
    rrule: str | None
    rdates: str | None = None
    exdates: str | None = None


@dataclass(frozen=True, slots=True)
class Occurrence:
    start_utc: datetime  # also its RECURRENCE-ID: where the rule put it
    end_utc: datetime


def _instant(local: datetime, tz: ZoneInfo) -> datetime:
    """A naive wall-clock time in `tz` as a UTC instant: with fold=0 (PEP 495) a time in a gap is read with
    the offset before it, so it moves forward by the gap, and a repeated time takes its first occurrence:
    what `events.timeparse.resolve_wall_time` does, without building its notes for every occurrence."""
    return local.replace(tzinfo=tz).astimezone(UTC)


def _fast_forward(rule: rrule, begin: datetime, lower: datetime) -> rrule:
    """The same rule started later: a rule with a fixed period (hourly, daily, weekly) and no COUNT gives
    the same occurrences from `lower` on if its DTSTART moves forward by whole periods; dateutil would
    otherwise walk every occurrence since the first (520 a series for ten weekly years)."""
    freq = rule._freq
    if rule._count is not None or freq not in _FIXED_PERIODS:
        return rule
    period = _FIXED_PERIODS[freq] * rule._interval
    steps = (lower - begin) // period - 1
    if steps <= 0:
        return rule
    return rule.replace(dtstart=begin + period * steps)


@dataclass(frozen=True, slots=True)
class _Tiling:
    """A rule whose occurrences repeat every `period` after DTSTART: `offsets` from each period's start."""

    period: timedelta
    offsets: tuple[timedelta, ...]


# Parts that keep a daily, weekly or hourly rule periodic; BYMONTH, BYMONTHDAY, BYYEARDAY and BYWEEKNO
# tie it to the calendar, and COUNT to its first occurrence.
_PERIODIC_PARTS = frozenset({"FREQ", "INTERVAL", "BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND", "BYSETPOS", "WKST",
                             "UNTIL"})


@lru_cache(maxsize=4096)
def _tiling(rule_text: str, weekday: int, clock: time) -> _Tiling | None:
    """The period and offsets of a periodic rule, for a DTSTART on `weekday` at `clock`, worked out once by
    dateutil on a reference DTSTART with the same weekday and time; None for other rules.

    Expanding 2,000 weekly series into a 30-day window by walking each rule costs about 0.3 ms a series;
    adding whole periods to offsets dateutil found costs a few microseconds (see bench/)."""
    parts = RuleParts.of(rule_text)
    names = {name for name, _ in parts.parts}
    freq = parts.get("FREQ")
    if not names <= _PERIODIC_PARTS or freq not in _UNITS:
        return None
    if freq == "HOURLY" and names & {"BYDAY", "BYHOUR"}:
        return None
    interval = int(parts.get("INTERVAL") or 1)
    period = _UNITS[freq] * interval
    if "BYDAY" in names and freq == "DAILY":
        period = timedelta(days=math.lcm(interval, 7))
    begin = datetime.combine(_REFERENCE_MONDAY + timedelta(days=weekday), clock)
    try:
        rule = rrulestr("RRULE:" + parts.without("UNTIL").text, dtstart=begin)
    except (ValueError, TypeError, OverflowError, KeyError, IndexError):
        return None
    assert isinstance(rule, rrule)
    # The second period: the first may lack occurrences the rule puts before DTSTART in its week.
    first, last = begin + period, begin + 2 * period
    offsets = []
    for local in rule.xafter(first, inc=True):
        if local >= last:
            break
        offsets.append(local - first)
    return _Tiling(period, tuple(offsets))


def _tiled(begin: datetime, tiling: _Tiling, until: datetime | None, lower: datetime,
           upper: datetime) -> Iterator[datetime]:
    if not tiling.offsets:
        return
    step = max((lower - begin) // tiling.period - 1, 0)
    start = begin + tiling.period * step
    high = upper if until is None else min(upper, until)
    while start <= high:
        for offset in tiling.offsets:
            local = start + offset
            if local > high:
                return
            if local > begin and local >= lower:
                yield local
        start += tiling.period


def _rule_starts(series: Series, tz: ZoneInfo, lower: datetime, upper: datetime) -> Iterator[datetime]:
    """Wall-clock starts of the rule in [lower, upper] (naive, in `tz`), DTSTART always among them."""
    begin = local_start(series.start_utc, tz)
    if series.all_day:
        begin = datetime.combine(begin.date(), time())
    if lower <= begin <= upper:
        yield begin  # RFC 5545: DTSTART is the first occurrence, whether or not the rule matches it
    if not series.rrule:
        return
    # Keyed on the rule without UNTIL (which `_tiling` ignores): series differing only in their end share it.
    tiling = _tiling(_WITHOUT_UNTIL.sub("", series.rrule), begin.weekday(), begin.time())
    if tiling is not None:
        has_until = "UNTIL=" in series.rrule
        until = rule_until(series.rrule, all_day=series.all_day, tz=tz) if has_until else None
        yield from _tiled(begin, tiling, until, lower, upper)
        return
    rule = compile_rule(series.rrule, start_utc=series.start_utc, all_day=series.all_day, tz=tz)
    if rule is None:  # checked on the way in; a rule dateutil cannot read yields its DTSTART only
        return
    rule = _fast_forward(rule, begin, lower)
    for count, local in enumerate(rule.xafter(max(lower, begin), inc=True)):
        if local > upper or count >= MAX_OCCURRENCES:
            return
        if local != begin:
            yield local


def occurrences(series: Series, start: datetime | None, end: datetime | None,
                replaced: Collection[datetime] = ()) -> list[Occurrence]:
    """The occurrences that overlap [start, end) (either bound open), oldest first, without the EXDATEs
    and the `replaced` starts (those of its overrides). An open-ended series needs an `end`."""
    from events.timeparse import zone

    tz = zone(series.timezone)
    length = series.end_utc - series.start_utc
    low_utc = (start or series.start_utc) - length - _WINDOW_SLACK
    high_utc = min(end or LAST_INSTANT, LAST_INSTANT - _WINDOW_SLACK) + _WINDOW_SLACK
    lower = max(low_utc, series.start_utc - _WINDOW_SLACK).astimezone(tz).replace(tzinfo=None)
    upper = high_utc.astimezone(tz).replace(tzinfo=None)
    starts = {_start_utc(local, series, tz) for local in _rule_starts(series, tz, lower, upper)}
    starts.update(as_instant(value, tz) for value in read_dates(series.rdates))
    starts.difference_update(as_instant(value, tz) for value in read_dates(series.exdates))
    starts.difference_update(replaced)
    found = []
    for first in sorted(starts):
        last = _end_utc(first, series, tz, length)
        if (start is None or last > start) and (end is None or first < end):
            found.append(Occurrence(first, last))
    return found


def _start_utc(local: datetime, series: Series, tz: ZoneInfo) -> datetime:
    if series.all_day:
        return _instant(datetime.combine(local.date(), time()), tz)
    return _instant(local, tz)


def as_instant(value: datetime | date, tz: ZoneInfo) -> datetime:
    """A stored RDATE/EXDATE as the start it names: dates are midnight in the series' zone."""
    if isinstance(value, datetime):
        return value
    return _instant(datetime.combine(value, time()), tz)


def _end_utc(start_utc: datetime, series: Series, tz: ZoneInfo, length: timedelta) -> datetime:
    if not series.all_day:
        return start_utc + length
    days = max(round(length.total_seconds() / 86400), 1)
    first = start_utc.astimezone(tz).date()
    return _instant(datetime.combine(first + timedelta(days=days), time()), tz)


def series_end(series: Series) -> datetime | None:
    """The end of the last occurrence, or None for an open-ended series (no COUNT, no UNTIL) or one too
    long to walk; window queries read NULL as "goes on"."""
    from events.timeparse import zone

    tz = zone(series.timezone)
    length = series.end_utc - series.start_utc
    last = series.end_utc
    rdates = [as_instant(v, tz) for v in read_dates(series.rdates)]
    if rdates:
        last = max(last, _end_utc(max(rdates), series, tz, length))
    if not series.rrule:
        return last
    rule = compile_rule(series.rrule, start_utc=series.start_utc, all_day=series.all_day, tz=tz)
    if rule is None:
        return last
    if rule._count is None and rule._until is None:
        return None
    if rule._until is not None and rule._until < local_start(series.start_utc, tz):
        return last
    final = None
    for count, local in enumerate(rule):
        if count > MAX_OCCURRENCES:
            return None
        final = local
    if final is not None:
        first = _start_utc(final, series, tz)
        last = max(last, _end_utc(first, series, tz, length))
    return last


__all__ = ["Occurrence", "Series", "as_instant", "occurrences", "rule_until", "series_end"]
