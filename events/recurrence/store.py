"""A series' stored columns from what a coordinator typed: `--repeat`/`--rrule`, `--rdate`, `--exdate`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from events.errors import Field
from events.recurrence.errors import InvalidRecurrence
from events.recurrence.expand import Series, series_end
from events.recurrence.rules import checked_rule, dates_text, rule_from_options


@dataclass
class Repeat:
    """How an event repeats, as typed; `None`/empty means not given. `rrule` (the full RFC 5545 grammar)
    and `freq` (`--repeat daily|weekly|monthly|yearly` with its options) exclude each other."""

    freq: str | None = None
    interval: int | None = None
    on: list[str] = field(default_factory=list)
    until: str | None = None
    count: int | None = None
    rrule: str | None = None
    rdates: list[str] = field(default_factory=list)
    exdates: list[str] = field(default_factory=list)

    @property
    def given(self) -> bool:
        return bool(self.freq or self.rrule or self.rdates or self.exdates or self.on or self.until
                    or self.count is not None or self.interval is not None)


NO_SERIES: dict[str, Any] = {"rrule": None, "rdates": None, "exdates": None, "recurs": False,
                             "series_end_utc": None}


def _day_or_instant(text: str, field_: Field, *, all_day: bool, timezone: str, now: datetime) -> datetime | date:
    from events.timeparse import parse_when, zone

    value = parse_when(text, tz=zone(timezone), now=now, what=field_)
    if all_day:
        return value.astimezone(zone(timezone)).date() if isinstance(value, datetime) else value
    if not isinstance(value, datetime):
        raise InvalidRecurrence(text, "a timed series takes dates with a time for {rdate} and {exdate}, "
                                "e.g. '2027-01-11 10:00'")
    return value


def rule_text(repeat: Repeat, *, all_day: bool, timezone: str, now: datetime) -> str | None:
    if repeat.rrule and (repeat.freq or repeat.on or repeat.interval is not None):
        raise InvalidRecurrence(repeat.rrule, "give {rrule} alone, or {repeat} with {repeat_interval} and {repeat_on}")
    if repeat.rrule:
        return repeat.rrule
    if repeat.freq is None:
        if repeat.on or repeat.interval is not None or repeat.until or repeat.count is not None:
            raise InvalidRecurrence(repeat.freq or "", "add {repeat} weekly (or daily, monthly, yearly) to say "
                                    "how the event repeats")
        return None
    until = (_day_or_instant(repeat.until, Field.UNTIL, all_day=True, timezone=timezone, now=now)
             if repeat.until else None)
    return rule_from_options(repeat.freq, interval=repeat.interval, on=repeat.on, until=until,
                             count=repeat.count, all_day=all_day, timezone=timezone)


def series_values(repeat: Repeat | None, *, start_utc: datetime, end_utc: datetime, all_day: bool,
                  timezone: str, now: datetime) -> dict[str, Any]:
    """The series columns of an event starting at `start_utc`: all empty when it does not repeat."""
    if repeat is None or not repeat.given:
        return dict(NO_SERIES)
    text = rule_text(repeat, all_day=all_day, timezone=timezone, now=now)
    if repeat.rrule and (repeat.until or repeat.count is not None):
        raise InvalidRecurrence(repeat.rrule, "put UNTIL or COUNT inside {rrule}")
    rule = checked_rule(text, start_utc=start_utc, all_day=all_day, timezone=timezone) if text else None
    kw = {"all_day": all_day, "timezone": timezone, "now": now}
    rdates = dates_text(_day_or_instant(t, Field.RDATE, **kw) for t in repeat.rdates)  # type: ignore[arg-type]
    exdates = dates_text(_day_or_instant(t, Field.EXDATE, **kw) for t in repeat.exdates)  # type: ignore[arg-type]
    return with_series_end({"rrule": rule, "rdates": rdates, "exdates": exdates},
                           start_utc=start_utc, end_utc=end_utc, all_day=all_day, timezone=timezone)


def with_series_end(values: dict[str, Any], *, start_utc: datetime, end_utc: datetime, all_day: bool,
                    timezone: str) -> dict[str, Any]:
    """`values` (rrule, rdates, exdates) with `recurs` and `series_end_utc` worked out from them."""
    recurs = bool(values.get("rrule") or values.get("rdates"))
    series = Series(start_utc, end_utc, all_day, timezone, values.get("rrule"), values.get("rdates"),
                    values.get("exdates"))
    return {**values, "recurs": recurs, "series_end_utc": series_end(series) if recurs else None}


def edited_series(current: dict[str, Any], repeat: Repeat | None, *, start_utc: datetime, end_utc: datetime,
                  all_day: bool, timezone: str, now: datetime) -> dict[str, Any]:
    """The series columns after an edit of the whole series. `current` holds the stored rrule, rdates and
    exdates. A new `--repeat`/`--rrule` replaces the rule; `--until` or `--count` alone change when the
    current rule ends; `--rdate` and `--exdate` add to the lists."""
    from events.recurrence.rules import RuleParts, read_dates, until_stamp
    from events.timeparse import zone

    rule = current.get("rrule")
    kw: dict[str, Any] = {"all_day": all_day, "timezone": timezone, "now": now}
    if repeat is not None and (repeat.freq or repeat.rrule):
        rule = rule_text(repeat, **kw)
    elif repeat is not None and (repeat.until or repeat.count is not None):
        if not rule:
            raise InvalidRecurrence(repeat.until or str(repeat.count), "the event does not repeat: add "
                                    "{repeat} weekly (or daily, monthly, yearly) first")
        if repeat.until and repeat.count is not None:
            raise InvalidRecurrence("UNTIL with COUNT", "give {repeat_until} or {repeat_count}, not both")
        parts = RuleParts.of(rule).without("UNTIL", "COUNT")
        if repeat.until:
            day = _day_or_instant(repeat.until, Field.UNTIL, all_day=True, timezone=timezone, now=now)
            parts = parts.with_part("UNTIL", until_stamp(day, all_day=all_day, tz=zone(timezone)))
        else:
            parts = parts.with_part("COUNT", str(repeat.count))
        rule = parts.text
    elif repeat is not None and (repeat.on or repeat.interval is not None):
        raise InvalidRecurrence(",".join(repeat.on), "give {repeat} again with {repeat_interval} and {repeat_on}")
    if rule:
        rule = checked_rule(rule, start_utc=start_utc, all_day=all_day, timezone=timezone)
    added_r = [_day_or_instant(t, Field.RDATE, **kw) for t in (repeat.rdates if repeat else [])]
    added_x = [_day_or_instant(t, Field.EXDATE, **kw) for t in (repeat.exdates if repeat else [])]
    values = {"rrule": rule, "rdates": dates_text([*read_dates(current.get("rdates")), *added_r]),
              "exdates": dates_text([*read_dates(current.get("exdates")), *added_x])}
    return with_series_end(values, start_utc=start_utc, end_utc=end_utc, all_day=all_day, timezone=timezone)
