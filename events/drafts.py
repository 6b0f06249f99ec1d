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

from events.bounds import (
    MAX_LINE,
    MAX_TEXT,
    MAX_TITLE,
    What,
    check_count,
    check_day,
    check_optional_text,
    check_text,
    plain_one_line,
    shifted_day,
)
from events.errors import (
    N_,
    AllDayWithTime,
    ContradictoryValues,
    Field,
    InvalidTimeRange,
    MissingValue,
    NegativeParticipants,
    ParticipantSplitAboveTotal,
    UnknownChoice,
)
from events.models import LANGUAGES, EventKind, EventStatus, Visibility
from events.recurrence.store import Repeat, series_values
from events.regions import find_region
from events.timeparse import (
    add_duration,
    checked_zone_name,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_when,
    resolve_wall_time,
    zone,
)

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
    repeat: Repeat | None = None  # a recurring series (issue 11)


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
    repeat: Repeat | None = None  # a new rule, a new end of the rule, added RDATEs/EXDATEs (issue 11)


@dataclass(frozen=True)
class Span:
    """When an event happens: aware UTC instants, the end exclusive, and its zone; `notes` say how a
    wall-clock time the clocks made ambiguous was read (a daylight-saving gap or repeat)."""

    start_utc: datetime
    end_utc: datetime
    all_day: bool
    timezone: str
    notes: tuple[str, ...] = ()


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
        raise UnknownChoice(N_("kind"), value, tuple(kinds))
    return name


def language_of(value: str) -> str:
    code = value.strip().lower()
    if code not in LANGUAGES:
        raise UnknownChoice(N_("language"), value, LANGUAGES)
    return code


def zone_name_for(tz: str | None, region: str | None, default_tz: str) -> str:
    """The event's zone: `--tz` first (an empty one is refused), then the region's zone, then the default."""
    given = checked_zone_name(tz)
    if given is not None:
        return given
    if region:
        return find_region(region).timezone
    return zone(default_tz).key


def _midnight(day: date, zone_name: str) -> datetime:
    """The first moment of `day` in the zone (not always 00:00: a daylight-saving change may skip it)."""
    return resolve_wall_time(datetime.combine(day, time(), tzinfo=zone(zone_name))).instant


def all_day_span(first: date, last: date, zone_name: str) -> Span:
    if last < first:
        raise InvalidTimeRange(first.isoformat(), last.isoformat())
    check_day(first, Field.START)
    start = _midnight(first, zone_name)
    end = _midnight(shifted_day(last, 1, Field.END), zone_name)
    return Span(start, end, True, zone_name)


def timed_span(start: datetime, end: datetime, zone_name: str, notes: Sequence[str | None] = ()) -> Span:
    """A timed span; `start` and `end` are read as wall-clock times when they carry the event's zone."""
    first, last = resolve_wall_time(start, N_("the start")), resolve_wall_time(end, N_("the end"))
    if last.instant <= first.instant:
        raise InvalidTimeRange(first.instant.isoformat(sep=" "), last.instant.isoformat(sep=" "))
    found = (*notes, first.note, last.note)
    return Span(first.instant, last.instant, False, zone_name,
                tuple(dict.fromkeys(n for n in found if n)) if any(found) else ())


def timed_span_for(start: datetime, length: timedelta, zone_name: str) -> Span:
    """A timed span of `length` from `start`: days on the wall clock, hours in exact time (RFC 5545), so
    a start moved forward out of a daylight-saving gap keeps its length and the end stays after it."""
    first = resolve_wall_time(start, N_("the start"))
    end = add_duration(first.instant, length)
    return timed_span(first.instant, end.instant, zone_name, (first.note, end.note))


def _all_day_dates(text: str, value: datetime | date, field: Field) -> date:
    if isinstance(value, datetime):
        raise AllDayWithTime(field, text)
    return value


def span_from_text(
    start: str, end: str | None, duration: str | None, *, all_day: bool, zone_name: str, now: datetime
) -> Span:
    """The span of `start` plus an inclusive `end` date/instant or a `duration` (not both).

    A start given as a date alone makes an all-day event, as in khal; `all_day` with a time is refused.
    """
    if end is not None and duration is not None:
        raise ContradictoryValues(Field.END, Field.DURATION)
    tz = zone(zone_name)
    first = parse_when(start, tz=tz, now=now, what=Field.START)
    if all_day or not isinstance(first, datetime):
        first_day = _all_day_dates(start, first, Field.START) if all_day else first
        assert isinstance(first_day, date)
        if end is not None:
            last = parse_when(end, tz=tz, now=now, what=Field.END)
            last_day = _all_day_dates(end, last, Field.END) if all_day else parse_date(end, tz=tz, now=now)
            return all_day_span(first_day, last_day, zone_name)
        days = parse_duration(duration).days if duration else 1
        return all_day_span(first_day, shifted_day(first_day, max(days, 1) - 1, Field.DURATION), zone_name)
    if end is not None:
        return timed_span(first, parse_datetime(end, tz=tz, now=now, what=Field.END), zone_name)
    return timed_span_for(first, parse_duration(duration) if duration else DEFAULT_TIMED_LENGTH, zone_name)


def check_participants(expected: int | None, actual: int | None, women: int | None, men: int | None) -> None:
    counts = ((Field.PARTICIPANTS, expected), (Field.ACTUAL, actual), (Field.WOMEN, women), (Field.MEN, men))
    for name, value in counts:
        if value is not None and value < 0:
            raise NegativeParticipants(name, value)
        check_count(value, name)
    total = actual if actual is not None else expected
    split = (women or 0) + (men or 0)
    if total is not None and split > total:
        raise ParticipantSplitAboveTotal(split, total)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


# The free texts of an event: the field named in errors, the longest it may be, whether it may have lines.
TEXTS: dict[str, tuple[What, int, bool]] = {
    "title": ("the title", MAX_TITLE, False),
    "location": (Field.LOCATION, MAX_LINE, False),
    "description": (Field.DESCRIPTION, MAX_TEXT, True),
    "url": (Field.URL, MAX_LINE, False),
    "organizer": (Field.ORGANIZER, MAX_LINE, False),
    "programme": (Field.PROGRAMME, MAX_TITLE, False),
    "uid": ("the uid", MAX_TITLE, False),
}


_LISTS: tuple[tuple[str, What], ...] = (("partners", Field.PARTNER), ("notify", Field.NOTIFY),
                                        ("remind", Field.REMIND))
_CHOICES: tuple[tuple[str, What], ...] = (("kind", N_("the kind")), ("region", N_("the region")),
                                          ("language", N_("the language")), ("status", N_("the status")),
                                          ("visibility", N_("the visibility")))
# The one-line texts with their limits, for the quick pass of `check_texts`.
_ONE_LINE = tuple((name, limit) for name, (_, limit, lines) in TEXTS.items() if not lines) + tuple(
    (name, MAX_TITLE) for name, _ in _CHOICES)


def check_texts(values: Any) -> None:
    """Every free text of a draft or of changes (an object with those attributes; None: not given) is UTF-8,
    free of control characters and within its length; partners, people to remind and reminder rules too."""
    if not _quick_texts(values):
        _check_each_text(values)


def _quick_texts(values: Any) -> bool:
    """True when every text is known good in one pass (the usual case); False leaves it to `_check_each_text`
    to find the first bad one and say what is wrong with it."""
    texts = []
    try:
        for name, limit in _ONE_LINE:
            text = getattr(values, name, None)
            if text is not None:
                if len(text) > limit:
                    return False
                texts.append(text)
        for name, _ in _LISTS:
            for item in getattr(values, name, None) or ():
                if len(item) > MAX_TITLE:
                    return False
                texts.append(item)
        if not plain_one_line(texts):
            return False
    except TypeError:
        return False
    for name, (what, limit, lines) in TEXTS.items():
        if lines:
            check_optional_text(getattr(values, name, None), what, limit=limit, lines=lines)
    return True


def _check_each_text(values: Any) -> None:
    for name, (what, limit, lines) in TEXTS.items():
        check_optional_text(getattr(values, name, None), what, limit=limit, lines=lines)
    for name, what in _LISTS:
        for item in getattr(values, name, None) or ():
            check_text(item, what, limit=MAX_TITLE)
    for name, what in _CHOICES:
        check_optional_text(getattr(values, name, None), what, limit=MAX_TITLE)


def resolve_new(draft: NewEventDraft, *, default_tz: str, now: datetime,
                kinds: Sequence[str] = BUILT_IN_KINDS) -> tuple[dict[str, Any], Span]:
    """Checked column values and span of a new event; raises a typed error on bad input."""
    check_texts(draft)
    title = draft.title.strip()
    if not title:
        raise MissingValue(N_("the title"),
                           N_("give the event a title, e.g. 'Round table on gender-sensitive services'"))
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
    values.update(series_values(draft.repeat, start_utc=span.start_utc, end_utc=span.end_utc,
                                all_day=span.all_day, timezone=span.timezone, now=now))
    return values, span
