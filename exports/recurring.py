"""What a VEVENT of an imported file says about repeating: its series columns, or the occurrence it overrides.

A series (RRULE and/or RDATE) is stored as one row (events.recurrence): the rule checked and normalised by
`events.recurrence.rules.checked_rule` (open-ended rules too; sub-daily or malformed ones are refused for
this component alone), RDATE and EXDATE in any form a file writes them (TZID, UTC, floating, VALUE=DATE,
and for RDATE a PERIOD, whose start is taken) as the stored UTC instants or dates, and `recurs` and
`series_end_utc` by `events.recurrence.store.with_series_end`. An override (RECURRENCE-ID) is keyed by the
original start of the occurrence it replaces, as a UTC instant, and stored under the UID
`<series UID>/<that instant>` (as the scopes of `event edit --occurrence` name them), so the stored UID
stays unique while the file's UID names its series.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from events.bounds import check_day, check_instant
from events.drafts import Span
from events.errors import N_, Notice
from events.recurrence.expand import Series, occurrences
from events.recurrence.rules import checked_rule, dates_text, stamp
from events.recurrence.store import NO_SERIES, with_series_end
from events.timeparse import zone
from exports.errors import BadCalendarFile

MAX_DATES = 10_000  # RDATEs or EXDATEs of one series, as many as a COUNT may ask for


def series_columns(vevent: Any, span: Span) -> tuple[dict[str, Any], str]:
    """The series columns of a VEVENT (all empty when it does not repeat) and a note for the report ("no
    occurrence left" when its EXDATEs exclude every occurrence)."""
    rule = vevent.get("RRULE")
    # DTSTART is always the first occurrence; an RDATE repeating it (some writers add one, since parsers
    # such as `ical` drop the DTSTART of an RDATE-only event otherwise) says nothing more, and keeping it
    # would make import -> export -> import drift.
    first = span.start_utc.astimezone(zone(span.timezone)).date() if span.all_day else span.start_utc
    rdates = [value for value in _dates(vevent, "RDATE", span) if value != first]
    if rule is None and not rdates:
        return dict(NO_SERIES), ""
    text = rule.to_ical().decode() if rule is not None else None
    checked = checked_rule(text, start_utc=span.start_utc, all_day=span.all_day,
                           timezone=span.timezone) if text else None
    values = with_series_end({"rrule": checked, "rdates": dates_text(rdates),
                              "exdates": dates_text(_dates(vevent, "EXDATE", span))},
                             start_utc=span.start_utc, end_utc=span.end_utc, all_day=span.all_day,
                             timezone=span.timezone)
    left = N_("no occurrence left: every occurrence is excluded (EXDATE); the series is kept")
    return values, (Notice(left) if _nothing_left(values, span) else "")


def _nothing_left(values: dict[str, Any], span: Span) -> bool:
    if values["series_end_utc"] is None or not values["exdates"]:
        return False  # an open-ended rule always has occurrences left
    series = Series(span.start_utc, span.end_utc, span.all_day, span.timezone, values["rrule"],
                    values["rdates"], values["exdates"])
    return not occurrences(series, None, None)


def recurrence_utc(vevent: Any, span: Span) -> datetime:
    """The original start an override (RECURRENCE-ID) replaces, as its series' occurrences are keyed."""
    value = vevent["RECURRENCE-ID"].dt
    if not isinstance(value, date):
        raise BadCalendarFile(template=N_("RECURRENCE-ID is not a date or a date-time"))
    return _instant(value, span, "RECURRENCE-ID")


def override_uid(series_uid: str, original: datetime) -> str:
    return f"{series_uid}/{stamp(original)}"


def this_and_future(vevent: Any) -> bool:
    return str(vevent["RECURRENCE-ID"].params.get("RANGE", "")).upper() == "THISANDFUTURE"


def _dates(vevent: Any, name: str, span: Span) -> list[datetime | date]:
    found: list[datetime | date] = []
    for value in _values(vevent.get(name), name):
        if len(found) >= MAX_DATES:
            raise BadCalendarFile(template=N_("more than {count} {prop} dates: is the series written right?"),
                                  count=MAX_DATES, prop=name)
        if span.all_day:
            found.append(_day(value, span, name))
        else:
            found.append(_instant(value, span, name))
    return found


def _values(prop: Any, name: str) -> Iterator[date]:
    for item in prop if isinstance(prop, list) else [prop] if prop is not None else []:
        for entry in getattr(item, "dts", []):
            value = entry.dt
            if isinstance(value, tuple):  # a PERIOD (RFC 5545 3.3.9): its start is the occurrence
                value = value[0]
            if not isinstance(value, date):
                raise BadCalendarFile(template=N_("{prop} is not a list of dates, date-times or periods"), prop=name)
            yield value


def _instant(value: date, span: Span, what: str) -> datetime:
    """A date-time as a UTC instant: floating times are in the series' zone; a date in a timed series
    means its occurrence that day (the series' start time)."""
    tz = zone(span.timezone)
    if not isinstance(value, datetime):
        local = span.start_utc.astimezone(tz).time() if not span.all_day else time()
        value = datetime.combine(check_day(value, what), local)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)  # fold 0: a time in a gap moves forward, as in expansion
    try:
        return check_instant(value.astimezone(UTC), what)
    except OverflowError as error:
        raise _beyond_years(what) from error


def _day(value: date, span: Span, what: str) -> date:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            try:
                value = value.astimezone(zone(span.timezone))
            except OverflowError as error:
                raise _beyond_years(what) from error
        value = value.date()
    return check_day(value, what)


def _beyond_years(what: str) -> BadCalendarFile:
    return BadCalendarFile(template=N_("{prop} is before the year 1 or after the year 9999"), prop=what)


def is_occurrence(columns: dict[str, Any], span: Span, original: datetime) -> str:
    """Why `original` is not an occurrence of the series (`columns`, starting at `span`), or ''."""
    series = Series(span.start_utc, span.end_utc, span.all_day, span.timezone, columns["rrule"],
                    columns["rdates"], None)
    probe = original + timedelta(seconds=1)
    if not any(o.start_utc == original for o in occurrences(series, original, probe)):
        return Notice(N_("is not an occurrence of its series (outside its rule)"))
    excluded = Series(span.start_utc, span.end_utc, span.all_day, span.timezone, columns["rrule"],
                      columns["rdates"], columns["exdates"])
    if not any(o.start_utc == original for o in occurrences(excluded, original, probe)):
        return Notice(N_("is an occurrence its series excludes (EXDATE)"))
    return ""
