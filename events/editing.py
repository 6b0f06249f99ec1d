"""Applying `EventChanges` to a stored event: which columns change and how the span moves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from events.bounds import shifted_day
from events.drafts import (
    BUILT_IN_KINDS,
    EventChanges,
    Span,
    all_day_span,
    check_participants,
    check_texts,
    choice,
    kind_of,
    language_of,
    span_from_text,
    timed_span,
    timed_span_for,
    zone_name_for,
)
from events.errors import AllDayWithTime, ContradictoryValues, Field, MissingValue
from events.models import Event, EventStatus, Visibility
from events.recurrence.errors import InvalidRecurrence
from events.recurrence.rules import shifted_dates
from events.recurrence.scopes import moved_weekday
from events.recurrence.store import edited_series
from events.regions import find_region
from events.timeparse import parse_datetime, parse_duration, parse_when, zone

# Changes to these make calendar clients update what attendees see (RFC 5546 section 2.1.4, plus the
# title and place, which attendees act on), so they bump SEQUENCE.
SIGNIFICANT = frozenset({"title", "start_utc", "end_utc", "all_day", "timezone", "location", "status", "rrule",
                         "rdates", "exdates"})


def current_span(event: Event) -> Span:
    return Span(event.start_utc, event.end_utc, event.all_day, event.timezone)


def _local(instant: datetime, zone_name: str) -> datetime:
    return instant.astimezone(zone(zone_name))


def _rezoned(span: Span, zone_name: str) -> Span:
    """The same wall-clock times (or dates) read in another zone, as calendar apps do on a zone change; a
    time the new zone skips or repeats is read as `timed_span` reads it."""
    if zone_name == span.timezone:
        return span
    tz = zone(zone_name)
    start = _local(span.start_utc, span.timezone).replace(tzinfo=tz)
    end = _local(span.end_utc, span.timezone).replace(tzinfo=tz)
    if span.all_day:
        return all_day_span(start.date(), end.date() - timedelta(days=1), zone_name)
    return timed_span(start, end, zone_name)


def _day(text: str, field: Field, *, tz: ZoneInfo, now: datetime) -> date:
    """A date for an all-day event: a time of day is refused, not dropped."""
    value = parse_when(text, tz=tz, now=now, what=field)
    if isinstance(value, datetime):
        raise AllDayWithTime(field, text)
    return value


def _moved_span(span: Span, changes: EventChanges, *, now: datetime) -> Span:
    all_day = span.all_day if changes.all_day is None else changes.all_day
    tz = zone(span.timezone)
    if changes.end is not None and changes.duration is not None:
        raise ContradictoryValues(Field.END, Field.DURATION)
    if changes.start is not None and (changes.end is not None or changes.duration is not None):
        return span_from_text(changes.start, changes.end, changes.duration, all_day=all_day,
                              zone_name=span.timezone, now=now)
    if changes.start is not None:  # a move keeps the duration
        length = span.end_utc - span.start_utc
        if all_day:
            first = _day(changes.start, Field.START, tz=tz, now=now)
            days = max(round(length.total_seconds() / 86400), 1)
            return all_day_span(first, shifted_day(first, days - 1, Field.START), span.timezone)
        start = parse_datetime(changes.start, tz=tz, now=now, what=Field.START)
        return timed_span_for(start, length, span.timezone)
    start_local = _local(span.start_utc, span.timezone)
    if all_day != span.all_day and not all_day:
        raise MissingValue("a start time", "turning an all-day event into a timed one needs a {start} with a time")
    if changes.end is not None:
        if all_day:
            return all_day_span(start_local.date(), _day(changes.end, Field.END, tz=tz, now=now), span.timezone)
        return timed_span(span.start_utc, parse_datetime(changes.end, tz=tz, now=now, what=Field.END),
                          span.timezone)
    if changes.duration is not None:
        length = parse_duration(changes.duration)
        if all_day:
            days = max(length.days, 1)
            first = start_local.date()
            return all_day_span(first, shifted_day(first, days - 1, Field.DURATION), span.timezone)
        return timed_span_for(start_local, length, span.timezone)
    if all_day and not span.all_day:
        last_local = _local(span.end_utc, span.timezone)
        return all_day_span(start_local.date(), last_local.date(), span.timezone)
    return span


def _series_changes(event: Event, changes: EventChanges, span: Span, *, now: datetime) -> dict[str, Any]:
    """The series columns after the change: a moved start takes its EXDATEs and RDATEs along (and a weekly
    rule on that one weekday moves to the new weekday), then the rule options apply."""
    if event.series_id is not None:
        raise InvalidRecurrence(event.uid, "one changed occurrence cannot repeat: edit its series instead")
    delta = span.start_utc - event.start_utc
    rule = moved_weekday(event.rrule, event.start_utc, span.start_utc, zone(span.timezone))
    current = {"rrule": rule, "rdates": shifted_dates(event.rdates, delta),
               "exdates": shifted_dates(event.exdates, delta)}
    return edited_series(current, changes.repeat, start_utc=span.start_utc, end_utc=span.end_utc,
                         all_day=span.all_day, timezone=span.timezone, now=now)


def changed_span(event: Event, changes: EventChanges, *, now: datetime) -> Span:
    span = current_span(event)
    if changes.tz is not None or changes.region is not None:
        zone_name = zone_name_for(changes.tz, changes.region, event.timezone)
        span = _rezoned(span, zone_name)
    return _moved_span(span, changes, now=now)


def changed_values(event: Event, changes: EventChanges, *, now: datetime,
                   kinds: Sequence[str] = BUILT_IN_KINDS) -> dict[str, Any]:
    """Column values that differ from the stored event; raises a typed error on bad input."""
    return changes_with_notes(event, changes, now=now, kinds=kinds)[0]


def changes_with_notes(event: Event, changes: EventChanges, *, now: datetime,
                       kinds: Sequence[str] = BUILT_IN_KINDS) -> tuple[dict[str, Any], tuple[str, ...]]:
    """`changed_values`, and the notes on how its new times were read (a daylight-saving gap or repeat)."""
    check_texts(changes)
    wanted: dict[str, Any] = {}
    for name in ("title", "location", "description", "url", "organizer"):
        value = getattr(changes, name)
        if value is not None:
            wanted[name] = value.strip() or None
    if "title" in wanted and wanted["title"] is None:
        raise MissingValue("the title", "an event cannot have an empty title")
    if changes.kind is not None:
        wanted["kind"] = kind_of(changes.kind, kinds)
    if changes.status is not None:
        wanted["status"] = choice(EventStatus, changes.status, "status").value
    if changes.visibility is not None:
        wanted["visibility"] = choice(Visibility, changes.visibility, "visibility").value
    if changes.language is not None:
        wanted["language"] = language_of(changes.language)
    if changes.region is not None:
        wanted["region"] = find_region(changes.region).slug
    counts = {
        "participants_expected": changes.participants,
        "participants_actual": changes.participants_actual,
        "participants_women": changes.women,
        "participants_men": changes.men,
    }
    wanted.update({k: v for k, v in counts.items() if v is not None})
    merged = {k: wanted.get(k, getattr(event, k)) for k in counts}
    check_participants(*merged.values())
    span = changed_span(event, changes, now=now)
    wanted.update(start_utc=span.start_utc, end_utc=span.end_utc, all_day=span.all_day, timezone=span.timezone)
    if event.recurs or (changes.repeat is not None and changes.repeat.given):
        wanted.update(_series_changes(event, changes, span, now=now))
    return {k: v for k, v in wanted.items() if getattr(event, k) != v}, span.notes
