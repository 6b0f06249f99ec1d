"""Reading and checking recurrence rules, RDATE and EXDATE lists, with `dateutil.rrule` as the grammar.

Rules are stored as the RRULE value of RFC 5545 (`FREQ=WEEKLY;BYDAY=MO;UNTIL=20270630T235959Z`), with an
UNTIL in UTC for timed series and a DATE for all-day ones, as section 3.3.10 requires. Date lists are
stored as comma-separated UTC instants (`20261201T020000Z`) or dates (`20261201`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from events.bounds import LAST_DAY, check_int
from events.errors import Field
from events.recurrence.errors import InvalidRecurrence

FREQUENCIES = ("daily", "weekly", "monthly", "yearly")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_COUNT = 10_000  # occurrences a COUNT may ask for; an open-ended rule has no limit
MAX_INTERVAL = 1_000
# Sub-daily rules are refused: no calendar client shows a meeting every few minutes well, and a feed of
# them would be enormous. Imported files with them are reported, not silently flattened.
_ALLOWED_FREQ = {"HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
_UTC_STAMP = "%Y%m%dT%H%M%SZ"
_DATE_STAMP = "%Y%m%d"


@dataclass(frozen=True)
class RuleParts:
    """A rule's text split into its parts (upper-case names, values as written)."""

    parts: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, text: str) -> RuleParts:
        body = text.strip()
        if body.upper().startswith("RRULE:"):
            body = body[6:]
        pairs = []
        for piece in body.split(";"):
            if not piece.strip():
                continue
            name, sep, value = piece.partition("=")
            if not sep or not value.strip():
                raise InvalidRecurrence(text, "each part is NAME=VALUE, e.g. FREQ=WEEKLY;BYDAY=MO,WE")
            pairs.append((name.strip().upper(), value.strip().upper()))
        return cls(tuple(pairs))

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.parts if key == name), None)

    def without(self, *names: str) -> RuleParts:
        return RuleParts(tuple((k, v) for k, v in self.parts if k not in names))

    def with_part(self, name: str, value: str) -> RuleParts:
        return RuleParts((*self.without(name).parts, (name, value)))

    @property
    def text(self) -> str:
        # FREQ first, as RFC 5545 examples and most clients write it.
        ordered = sorted(self.parts, key=lambda pair: pair[0] != "FREQ")
        return ";".join(f"{k}={v}" for k, v in ordered)


def stamp(value: datetime | date) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(_UTC_STAMP)
    return value.strftime(_DATE_STAMP)


def read_stamp(text: str) -> datetime | date:
    """A stored date-list entry: a UTC instant or a date."""
    if "T" in text:
        return datetime.fromisoformat(text)
    return date.fromisoformat(text)


def dates_text(values: Iterable[datetime | date]) -> str | None:
    """The stored form of an RDATE or EXDATE list: sorted, without repeats; None when empty."""
    stamps = sorted({stamp(v) for v in values})
    return ",".join(stamps) or None


def read_dates(text: str | None) -> tuple[datetime | date, ...]:
    return tuple(read_stamp(part) for part in text.split(",")) if text else ()


def _until_value(text: str, *, all_day: bool, tz: ZoneInfo) -> datetime | date:
    """UNTIL as typed in a rule: `20270630`, `20270630T100000` (local) or `...Z` (UTC)."""
    try:
        if "T" not in text:
            return date.fromisoformat(text)
        if text.endswith("Z"):
            return datetime.fromisoformat(text)
        return datetime.fromisoformat(text).replace(tzinfo=tz)
    except ValueError as error:
        raise InvalidRecurrence(f"UNTIL={text}", "UNTIL is a date (20270630) or a UTC time "
                                "(20270630T235959Z)") from error


def until_stamp(value: datetime | date, *, all_day: bool, tz: ZoneInfo) -> str:
    """UNTIL as RFC 5545 wants it beside our DTSTART: a DATE for all-day series, else UTC. A date ends a
    timed series at the end of that day in the event's zone (inclusive, as people mean it)."""
    if all_day:
        return stamp(value.astimezone(tz).date() if isinstance(value, datetime) else value)
    if not isinstance(value, datetime):
        day_end = datetime.combine(min(value, LAST_DAY), time(23, 59, 59), tzinfo=tz)
        return stamp(day_end)
    return stamp(value)


def checked_rule(text: str, *, start_utc: datetime, all_day: bool, timezone: str) -> str:
    """The rule in its stored form, or `InvalidRecurrence` saying what to fix."""
    from events.timeparse import zone

    tz = zone(timezone)
    parts = RuleParts.of(text)
    freq = parts.get("FREQ")
    if freq is None:
        raise InvalidRecurrence(text, "a rule needs FREQ, e.g. FREQ=WEEKLY;BYDAY=MO")
    if freq not in _ALLOWED_FREQ:
        raise InvalidRecurrence(text, "FREQ is one of HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY")
    if parts.get("COUNT") and parts.get("UNTIL"):
        raise InvalidRecurrence(text, "give COUNT or UNTIL, not both")
    count = parts.get("COUNT")
    if count is not None:
        check_int(_number(count, text), Field.COUNT, high=MAX_COUNT, low=1)
    interval = parts.get("INTERVAL")
    if interval is not None:
        check_int(_number(interval, text), Field.INTERVAL, high=MAX_INTERVAL, low=1)
    until = parts.get("UNTIL")
    if until is not None:
        value = _until_value(until, all_day=all_day, tz=tz)
        parts = parts.with_part("UNTIL", until_stamp(value, all_day=all_day, tz=tz))
    compiled = compile_rule(parts.text, start_utc=start_utc, all_day=all_day, tz=tz)
    if compiled is None:  # dateutil refused it
        raise InvalidRecurrence(text, "see RFC 5545 section 3.3.10, e.g. FREQ=MONTHLY;BYDAY=2TU")
    if until is not None and rule_until(parts.text, all_day=all_day, tz=tz) < local_start(start_utc, tz):
        raise InvalidRecurrence(text, "UNTIL is before the first occurrence: give a later {repeat_until}")
    return parts.text


def _number(value: str, text: str) -> int:
    if not value.isdigit():
        raise InvalidRecurrence(text, "COUNT and INTERVAL are whole numbers")
    return int(value)


def local_start(start_utc: datetime, tz: ZoneInfo) -> datetime:
    """The series' DTSTART as a naive wall-clock time: rules repeat on the wall clock (a 10:00 meeting
    stays at 10:00 across a daylight-saving change)."""
    return start_utc.astimezone(tz).replace(tzinfo=None)


def rule_until(text: str, *, all_day: bool, tz: ZoneInfo) -> datetime:
    """The rule's UNTIL as a naive wall-clock bound (inclusive), comparable with `local_start`."""
    value = RuleParts.of(text).get("UNTIL")
    assert value is not None
    until = _until_value(value, all_day=all_day, tz=tz)
    if isinstance(until, datetime):
        return until.astimezone(tz).replace(tzinfo=None)
    return datetime.combine(until, time(23, 59, 59))


def compile_rule(text: str, *, start_utc: datetime, all_day: bool, tz: ZoneInfo,
                 dtstart: datetime | None = None) -> rrule | None:
    """A `dateutil` rule over naive wall-clock times in the event's zone, or None if dateutil refuses it.

    dateutil wants UNTIL in the same form as DTSTART (naive here), so UNTIL is taken out of the text and
    handed over as a wall-clock bound."""
    parts = RuleParts.of(text)
    begin = dtstart or local_start(start_utc, tz)
    if all_day:
        begin = datetime.combine(begin.date(), time())
    try:
        rule = rrulestr("RRULE:" + parts.without("UNTIL").text, dtstart=begin)
        if parts.get("UNTIL") is not None:
            rule = rule.replace(until=rule_until(text, all_day=all_day, tz=tz))
    except (ValueError, TypeError, OverflowError, KeyError, IndexError):
        return None
    return rule if isinstance(rule, rrule) else None


def rule_from_options(repeat: str, *, interval: int | None = None, on: Sequence[str] = (),
                      until: datetime | date | None = None, count: int | None = None,
                      all_day: bool, timezone: str) -> str:
    """The RRULE text of `--repeat weekly --interval 2 --on MO,WE --until 2027-06-30 | --count 10`."""
    from events.timeparse import zone

    freq = repeat.strip().lower()
    if freq not in FREQUENCIES:
        raise InvalidRecurrence(repeat, "{repeat} is one of daily, weekly, monthly or yearly")
    parts = [("FREQ", freq.upper())]
    if interval is not None and interval != 1:
        parts.append(("INTERVAL", str(check_int(interval, Field.INTERVAL, high=MAX_INTERVAL, low=1))))
    days = [d.strip().upper()[:2] for item in on for d in item.split(",") if d.strip()]
    for day in days:
        if day not in WEEKDAYS:
            raise InvalidRecurrence(",".join(on), "{repeat_on} takes weekdays as MO,TU,WE,TH,FR,SA,SU")
    if days:
        parts.append(("BYDAY", ",".join(dict.fromkeys(days))))
    if count is not None and until is not None:
        raise InvalidRecurrence("UNTIL with COUNT", "give {repeat_until} or {repeat_count}, not both")
    if count is not None:
        parts.append(("COUNT", str(check_int(count, Field.COUNT, high=MAX_COUNT, low=1))))
    if until is not None:
        parts.append(("UNTIL", until_stamp(until, all_day=all_day, tz=zone(timezone))))
    return RuleParts(tuple(parts)).text


def shifted_dates(text: str | None, delta: timedelta) -> str | None:
    """A stored date list moved by `delta` (a series whose start moved keeps its exceptions aligned)."""
    moved = []
    for value in read_dates(text):
        moved.append(value + delta if isinstance(value, datetime)
                     else value + timedelta(days=round(delta.total_seconds() / 86400)))
    return dates_text(moved)
