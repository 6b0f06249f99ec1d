"""From what a coordinator typed to checked event values.

`NewEventDraft` and `EventChanges` carry text as typed (dates, zones, names); `resolve_new` and
`resolve_changes` read it with the rules of PRODUCT.md and return typed values or raise a typed error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar

from events.errors import (
    Field,
    InvalidTimeRange,
    MissingValue,
    NegativeParticipants,
    ParticipantSplitAboveTotal,
    UnknownChoice,
)
from events.models import LANGUAGES, EventKind, EventStatus, Visibility
from events.regions import find_region
from events.timeparse import parse_date, parse_datetime, parse_duration, parse_when, zone

DEFAULT_TIMED_LENGTH = timedelta(hours=1)
Choice = TypeVar("Choice", bound=StrEnum)


@dataclass
class NewEventDraft:
    """An event to add, as typed; `None` means not given."""

    title: str
    start: str
    kind: str = EventKind.meeting
    end: str | None = None
    duration: str | None = None
    all_day: bool = False
    tz: str | None = None
    region: str | None = None
    location: str | None = None
    description: str | None = None
    url: str | None = None
    partners: list[str] = field(default_factory=list)
    programme: str | None = None
    organizer: str | None = None
    language: str | None = None
    participants: int | None = None
    participants_actual: int | None = None
    women: int | None = None
    men: int | None = None
    status: str = EventStatus.confirmed
    visibility: str = Visibility.internal
    uid: str | None = None
    # Reminders (docs/reminders.md): contacts told (ids or e-mails), own rules (1d, 2h, end+3d), kind defaults.
    notify: list[str] = field(default_factory=list)
    remind: list[str] = field(default_factory=list)
    default_reminders: bool = True


@dataclass
class EventChanges:
    """Changes to an event, as typed; fields left `None` stay as they are."""

    title: str | None = None
    kind: str | None = None
    start: str | None = None
    end: str | None = None
    duration: str | None = None
    all_day: bool | None = None
    tz: str | None = None
    region: str | None = None
    location: str | None = None
    description: str | None = None
    url: str | None = None
    partners: list[str] | None = None
    programme: str | None = None
    organizer: str | None = None
    language: str | None = None
    participants: int | None = None
    participants_actual: int | None = None
    women: int | None = None
    men: int | None = None
    status: str | None = None
    visibility: str | None = None
    notify: list[str] | None = None  # replaces the list of contacts told
    remind: list[str] | None = None  # replaces the event's own rules
    default_reminders: bool | None = None


@dataclass(frozen=True)
class Span:
    """When an event happens: aware UTC instants, the end exclusive, and its zone."""

    start_utc: datetime
    end_utc: datetime
    all_day: bool
    timezone: str


@cache
def choice(enum: type[Choice], value: str, what: str) -> Choice:
    try:
        return enum(value.strip().lower().replace("-", "_"))
    except ValueError as error:
        raise UnknownChoice(what, value, tuple(enum)) from error


BUILT_IN_KINDS: tuple[str, ...] = tuple(kind.value for kind in EventKind)


def kind_name(value: str) -> str:
    """The canonical spelling of a kind: 'Round-Table' is round_table."""
    return value.strip().lower().replace("-", "_")


def kind_of(value: str, kinds: Sequence[str] = BUILT_IN_KINDS) -> str:
    """The kind `value` names, if it is one of `kinds` (the built-in ones, and those an organisation added)."""
    name = kind_name(value)
    if name not in kinds:
        raise UnknownChoice("kind", value, tuple(kinds))
    return name


def language_of(value: str) -> str:
    code = value.strip().lower()
    if code not in LANGUAGES:
        raise UnknownChoice("language", value, LANGUAGES)
    return code


def zone_name_for(tz: str | None, region: str | None, default_tz: str) -> str:
    """The event's zone: `--tz` first, then the region's zone, then the configured default."""
    if tz:
        return zone(tz.strip()).key
    if region:
        return find_region(region).timezone
    return zone(default_tz).key


def _midnight(day: date, zone_name: str) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone(zone_name))


def all_day_span(first: date, last: date, zone_name: str) -> Span:
    if last < first:
        raise InvalidTimeRange(first.isoformat(), last.isoformat())
    start = _midnight(first, zone_name)
    end = _midnight(last + timedelta(days=1), zone_name)
    return Span(start, end, True, zone_name)


def timed_span(start: datetime, end: datetime, zone_name: str) -> Span:
    if end <= start:
        raise InvalidTimeRange(start.isoformat(sep=" "), end.isoformat(sep=" "))
    return Span(start, end, False, zone_name)


def span_from_text(
    start: str, end: str | None, duration: str | None, *, all_day: bool, zone_name: str, now: datetime
) -> Span:
    """The span of `start` plus an inclusive `end` date/instant or a `duration`.

    A start given as a date alone makes an all-day event, as in khal.
    """
    tz = zone(zone_name)
    first = parse_when(start, tz=tz, now=now)
    if all_day or not isinstance(first, datetime):
        first_day = first.astimezone(tz).date() if isinstance(first, datetime) else first
        if end is not None:
            return all_day_span(first_day, parse_date(end, tz=tz, now=now), zone_name)
        days = parse_duration(duration).days if duration else 1
        return all_day_span(first_day, first_day + timedelta(days=max(days, 1) - 1), zone_name)
    if end is not None:
        return timed_span(first, parse_datetime(end, tz=tz, now=now), zone_name)
    return timed_span(first, first + (parse_duration(duration) if duration else DEFAULT_TIMED_LENGTH), zone_name)


def check_participants(expected: int | None, actual: int | None, women: int | None, men: int | None) -> None:
    counts = ((Field.PARTICIPANTS, expected), (Field.ACTUAL, actual), (Field.WOMEN, women), (Field.MEN, men))
    for name, value in counts:
        if value is not None and value < 0:
            raise NegativeParticipants(name, value)
    total = actual if actual is not None else expected
    split = (women or 0) + (men or 0)
    if total is not None and split > total:
        raise ParticipantSplitAboveTotal(split, total)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


def resolve_new(draft: NewEventDraft, *, default_tz: str, now: datetime,
                kinds: Sequence[str] = BUILT_IN_KINDS) -> tuple[dict[str, Any], Span]:
    """Checked column values and span of a new event; raises a typed error on bad input."""
    title = draft.title.strip()
    if not title:
        raise MissingValue("the title", "give the event a title, e.g. 'Round table on gender-sensitive services'")
    zone_name = zone_name_for(draft.tz, draft.region, default_tz)
    span = span_from_text(
        draft.start, draft.end, draft.duration, all_day=draft.all_day, zone_name=zone_name, now=now
    )
    check_participants(draft.participants, draft.participants_actual, draft.women, draft.men)
    values = {
        "title": title,
        "kind": kind_of(draft.kind, kinds),
        "region": find_region(draft.region).slug if draft.region else None,
        "location": _clean(draft.location),
        "description": _clean(draft.description),
        "url": _clean(draft.url),
        "organizer": _clean(draft.organizer),
        "language": language_of(draft.language) if draft.language else None,
        "participants_expected": draft.participants,
        "participants_actual": draft.participants_actual,
        "participants_women": draft.women,
        "participants_men": draft.men,
        "status": choice(EventStatus, draft.status, "status").value,
        "visibility": choice(Visibility, draft.visibility, "visibility").value,
    }
    return values, span
