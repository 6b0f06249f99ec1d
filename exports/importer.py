"""One VEVENT of an .ics file (from other calendars, or our own exports) into checked event values.

Parsing is done by `icalendar`, one component at a time (exports.icsstream cuts the file, and
exports.components decides what each component is); this module reads a parsed VEVENT strictly: broken
properties, a missing DTSTART or SUMMARY, an end not after its start, and anything outside the ranges of
`events.bounds` (instants, lengths, SEQUENCE, text and its control characters) are rejected with a reason a
person understands. Our own X-CALENDAR-APP- fields are read so an export imports back without loss.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import vText

from events.bounds import (
    MAX_LINE,
    MAX_NAME,
    MAX_SEQUENCE,
    MAX_TEXT,
    MAX_TITLE,
    MAX_UID,
    OutOfRange,
    check_day,
    check_duration,
    check_instant,
    check_int,
    check_text,
)
from events.drafts import (
    BUILT_IN_KINDS,
    DEFAULT_TIMED_LENGTH,
    Span,
    all_day_span,
    choice,
    kind_name,
    kind_of,
    timed_span,
)
from events.errors import N_, Notice, Words, joined
from events.models import EventKind, EventStatus, Visibility
from events.recurrence.store import NO_SERIES
from events.regions import find_region
from events.timeparse import resolve_wall_time, zone
from exports.errors import BadCalendarFile, UndefinedZone
from exports.import_attendees import ImportedAttendee, attendees_of
from exports.recurring import series_columns
from exports.render import X_PREFIX
from exports.zones import zone_name_of

STATUS_FROM = {"TENTATIVE": "tentative", "CONFIRMED": "confirmed", "CANCELLED": "cancelled"}
VISIBILITY_FROM = {"PUBLIC": "public", "PRIVATE": "internal", "CONFIDENTIAL": "confidential"}
Props = dict[str, Any]  # a VEVENT's properties by name (upper case), read once from the component
# Properties whose value we use: one the parser could not read rejects the event (others are ignored).
# SEQUENCE is read from its text by `_sequence`, to say which range it breaks.
USED = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "STATUS", "CLASS", "SUMMARY",
        "DESCRIPTION", "LOCATION", "URL", "ORGANIZER", "CATEGORIES", "UID")


@dataclass
class Incoming:
    """One event read from a file: checked column values, its span, partners, programme and sequence;
    `component` says what it came from (a VEVENT, a series, an override) and `note` what was adjusted on
    the way (a start in a DST gap). An override names its series by the file's UID (`series_uid`) and the
    occurrence it replaces (`recurrence_utc`); the writer finds the series in the file or the store."""

    uid: str
    line: int
    sequence: int
    values: dict[str, Any]
    span: Span
    partners: list[str] = field(default_factory=list)
    programme: str | None = None
    component: str = "VEVENT"
    note: str = ""
    attendees: list[ImportedAttendee] = field(default_factory=list)  # kept as participants (exports.import_attendees)
    series_uid: str | None = None
    recurrence_utc: datetime | None = None
    digest: str | None = None  # of a plain VEVENT's text (exports.components.Unread), kept when it is stored

    @property
    def recurs(self) -> bool:
        return bool(self.values.get("recurs"))


@dataclass(frozen=True)
class Entry:
    """What became of one component (or one occurrence of a series): its status, UID, line and why."""

    status: str  # added, updated, unchanged, skipped, rejected
    uid: str | None
    line: int
    reason: str = ""
    component: str = "VEVENT"

    @property
    def where(self) -> str:
        if not self.uid:
            return Notice(N_("line {line}"), line=self.line)
        plain = self.uid == self.uid.strip() and self.uid.isprintable()
        uid = self.uid if plain else repr(self.uid)  # 'ws@t ' shows its space
        return Notice(N_("line {line} (UID {uid})"), line=self.line, uid=uid)


def check_parsed(vevent: Any) -> None:
    """Reject a component whose lines or used properties the parser could not read, or that repeats a
    property an event has once."""
    for name, problem in getattr(vevent, "errors", []):
        if name is None:
            raise BadCalendarFile(template=N_("a line cannot be read as a property ({problem})"),
                                  problem=_short(problem))
        if name.upper() in USED:
            raise BadCalendarFile(template=N_("{prop} cannot be read ({problem})"), prop=name.upper(),
                                  problem=_short(problem))
    for name in ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "SEQUENCE", "UID", "SUMMARY", "RRULE"):
        if isinstance(vevent.get(name), list):
            raise BadCalendarFile(template=N_("{prop} appears {count} times: an event has one"), prop=name,
                                  count=len(vevent[name]))


def _short(text: object) -> str:
    return str(text).splitlines()[0][:160] if str(text) else Words(N_("no details"))


def uid_of(vevent: Any) -> str:
    """The event's UID exactly as written (no spaces dropped: 'a@x' and 'a@x ' are two events)."""
    uid = str(vevent.get("UID", ""))
    if not uid.strip():
        raise BadCalendarFile(template=N_("no UID: every event needs a UID to be imported without duplicates"))
    return check_text(uid, "UID", limit=MAX_UID)


def read_event(vevent: Any, uid: str, line: int, *, default_kind: str | None, default_tz: str,
               kinds: Sequence[str] = BUILT_IN_KINDS, component: str = "VEVENT") -> Incoming:
    """The checked event of a parsed VEVENT (or occurrence) stored under `uid`; raises a typed error."""
    check_text(uid, "UID", limit=MAX_UID)
    # Its properties read once: a lookup in the component's case-insensitive mapping costs ten in a dict.
    props: Props = dict(vevent.items())
    region = _x(props, "REGION")
    slug = find_region(region).slug if region else None
    span, note = _span(props, find_region(slug).timezone if slug else default_tz)
    values = _values(props, slug, default_kind, kinds)
    if props.get("RECURRENCE-ID") is None:
        series, left = series_columns(props, span)
        values.update(series, series_id=None, recurrence_utc=None)
        note = joined([note, left])
    else:
        values.update(NO_SERIES)  # an override is one occurrence; the series it belongs to is set on writing
    partners = [check_text(_unescaped(p).strip(), N_("a partner's name"), limit=MAX_NAME)
                for p in _list(props.get(X_PREFIX + "PARTNER")) if str(p).strip()]
    programme = _x(props, "PROGRAMME")
    return Incoming(uid=uid, line=line, sequence=_sequence(props), values=values, span=span, partners=partners,
                    programme=check_text(programme, N_("the programme"), limit=MAX_NAME) if programme else None,
                    component=component, note=note, attendees=attendees_of(props))


def _sequence(props: Props) -> int:
    raw = str(props.get("SEQUENCE", 0) or 0).strip()
    if not re.fullmatch(r"[+-]?\d{1,30}", raw):
        raise BadCalendarFile(template=N_("SEQUENCE {value!r} is not a whole number"), value=raw[:40])
    return check_int(int(raw), "SEQUENCE", MAX_SEQUENCE)


def _values(props: Props, slug: str | None, default_kind: str | None, kinds: Sequence[str]) -> dict[str, Any]:
    categories = props.get("CATEGORIES")
    category_names: list[str] = []
    for item in _list(categories):
        category_names.extend(str(c).strip().lower() for c in getattr(item, "cats", [item]))
    kind = _x(props, "KIND") or next((c for c in category_names if kind_name(c) in kinds), None)
    status = _x(props, "STATUS") or STATUS_FROM.get((_text(props, "STATUS") or "").upper(), "confirmed")
    visibility = _x(props, "VISIBILITY") or VISIBILITY_FROM.get((_text(props, "CLASS") or "").upper(), "internal")
    summary = props.get("SUMMARY")
    language = _x(props, "LANGUAGE") or (summary.params.get("LANGUAGE") if summary is not None else None)
    title = _x(props, "TITLE") or _text(props, "SUMMARY")
    if not title:
        raise BadCalendarFile(template=N_("no SUMMARY: the event has no title"))
    language = language.split("-")[0].lower() if language else None
    reason = _x(props, "CANCEL-REASON")
    return {
        "title": check_text(title, "SUMMARY", limit=MAX_TITLE),
        "kind": kind_of(kind or default_kind or EventKind.meeting, kinds),
        "region": slug,
        "location": _checked(_text(props, "LOCATION"), "LOCATION"),
        "description": _checked(_x(props, "DESCRIPTION") if reason else _text(props, "DESCRIPTION"),
                                "DESCRIPTION", lines=True),
        "url": _checked(_text(props, "URL"), "URL"),
        "organizer": _checked(_organizer(props), "ORGANIZER"),
        "language": language if language in ("mn", "ky", "ru", "en") else None,
        "status": choice(EventStatus, status, "status").value,
        "visibility": choice(Visibility, visibility, "visibility").value,
        "cancel_reason": _checked(reason, N_("the cancel reason"), lines=True),
        "participants_expected": None, "participants_actual": None, "participants_women": None,
        "participants_men": None,
    }


def _checked(text: str | None, what: str, *, lines: bool = False) -> str | None:
    if text is None:
        return None
    return check_text(text, what, limit=MAX_TEXT if lines else MAX_LINE, lines=lines)


def _organizer(props: Props) -> str | None:
    organizer = _x(props, "ORGANIZER")
    if organizer is None and props.get("ORGANIZER") is not None:
        address = _list(props["ORGANIZER"])[0]
        email = str(address).removeprefix("mailto:").removeprefix("MAILTO:")
        organizer = " ".join(p for p in (getattr(address, "params", {}).get("CN"), email) if p) or None
    return organizer


def _text(props: Props, name: str) -> str | None:
    values = _list(props.get(name))
    text = str(values[0]).strip() if values else ""
    return text or None


_ESCAPED = re.compile(r"\\([\\,;nN])")


def _unescaped(value: Any) -> str:
    """X- properties come back from the parser still escaped (their type is unknown to it); icalendar's
    own unescape helper is deprecated, so the four TEXT escapes of RFC 5545 3.3.11 are undone here."""
    if isinstance(value, vText):
        return str(value)
    return _ESCAPED.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), str(value))


def _x(props: Props, name: str) -> str | None:
    values = _list(props.get(X_PREFIX + name))
    text = _unescaped(values[0]).strip() if values else ""
    return text or None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _moment(props: Props, name: str) -> date | datetime | timedelta | None:
    prop = props.get(name)
    if prop is None:
        return None
    value = getattr(prop, "dt", None)
    if not isinstance(value, date | timedelta):
        raise BadCalendarFile(template=N_("{prop} is not a date, a date-time or a duration"), prop=name)
    return value


def _span(props: Props, zone_name: str) -> tuple[Span, str]:
    start = _moment(props, "DTSTART")
    if start is None:
        raise BadCalendarFile(template=N_("no DTSTART: an event needs a start"))
    end, duration = _moment(props, "DTEND"), _moment(props, "DURATION")
    if isinstance(end, timedelta) or (duration is not None and not isinstance(duration, timedelta)):
        raise BadCalendarFile(template=N_("DTEND must be a date or date-time and DURATION a duration"))
    if duration is not None:
        check_duration(duration, "DURATION")
    if isinstance(start, timedelta):
        raise BadCalendarFile(template=N_("DTSTART is not a date or a date-time"))
    if not isinstance(start, datetime):
        return _all_day(start, end, duration, zone_name), ""
    if end is not None and not isinstance(end, datetime):
        raise BadCalendarFile(template=N_("DTEND {dtend} is a date but DTSTART a date-time: give both the same form"),
                              dtend=end.isoformat())
    return _timed(props, start, end, duration, zone_name)


def _all_day(start: date, end: date | None, duration: timedelta | None, zone_name: str) -> Span:
    check_day(start, "DTSTART")
    if end is not None:
        if isinstance(end, datetime):
            raise BadCalendarFile(template=N_("DTEND {dtend} is a date-time but DTSTART a date: give both the same "
                                              "form"), dtend=end.isoformat())
        if end <= start:
            raise BadCalendarFile(template=N_("DTEND {dtend} is not after DTSTART {dtstart}: an all-day event ends "
                                              "(exclusive) at least a day after it starts"),
                                  dtend=end.isoformat(), dtstart=start.isoformat())
        check_duration(end - start, N_("the event's length"))
        last = check_day(end, "DTEND") - timedelta(days=1)
    else:
        days = max(duration.days, 1) if duration is not None else 1
        last = check_day(_plus(start, timedelta(days=days), N_("the end")), N_("the end")) - timedelta(days=1)
    return all_day_span(start, last, zone_name)


def _timed(props: Props, start: datetime, end: datetime | None, duration: timedelta | None,
           zone_name: str) -> tuple[Span, str]:
    start, zone_name = _zone_of(props, start, zone_name)
    first, note = wall_clock(start, "DTSTART")
    if end is not None:
        if end.tzinfo is None:
            end = end.replace(tzinfo=start.tzinfo)
        last, _ = wall_clock(end, "DTEND")
        if last <= first and end.replace(tzinfo=None) > start.replace(tzinfo=None):
            # keep the length as written
            last = _plus(first, end.replace(tzinfo=None) - start.replace(tzinfo=None), "DTEND")
    else:
        last = _plus(first, duration if duration is not None else DEFAULT_TIMED_LENGTH, N_("the end"))
    if last <= first:
        raise BadCalendarFile(template=N_("DTEND {dtend} is not after DTSTART {dtstart}: an event ends after it "
                                          "starts"), dtend=_shown(last), dtstart=_shown(first))
    check_duration(last - first, N_("the event's length"))
    return timed_span(check_instant(first, "DTSTART"), check_instant(last, "DTEND"), zone_name), note


def _shown(value: datetime) -> str:
    return value.isoformat(sep=" ")


def _zone_of(props: Props, value: datetime, fallback: str) -> tuple[datetime, str]:
    tzid = props["DTSTART"].params.get("TZID")
    if value.tzinfo is None:
        if tzid:  # exports.components refuses undefined TZIDs first; this is the guard behind it
            raise UndefinedZone(tzid)
        return value.replace(tzinfo=zone(fallback)), fallback  # floating time: read in the default zone
    if isinstance(value.tzinfo, ZoneInfo):
        return value, value.tzinfo.key
    # Outlook's Windows names ("Central Asia Standard Time") and a file's own VTIMEZONEs ("Our office"):
    # the tz database zone they mean, so a series repeats on the right wall clock (exports.zones).
    iana = zone_name_of(value, tzid, fallback=fallback)
    if iana is not None:
        return value.astimezone(zone(iana)), iana
    return value, fallback


# DST: same rule as events.timeparse (merge)
def wall_clock(value: datetime, what: str) -> tuple[datetime, str]:
    """`value` as the UTC instant it means, by the one rule of `events.timeparse.resolve_wall_time` (a time
    in a DST gap moves forward by the gap, a repeated time takes its first occurrence), with its note."""
    try:
        resolved = resolve_wall_time(value, what)
        instant = resolved.instant.astimezone(UTC)
    except (OverflowError, ValueError) as error:
        raise OutOfRange(what, value.replace(tzinfo=None).isoformat(), "0001-01-02", "9999-12-30") from error
    check_instant(instant, what)
    return instant, resolved.note or ""


def _plus(value: Any, delta: timedelta, what: str) -> Any:
    """`value + delta`, or out of range where that passes the year 9999."""
    try:
        return value + delta
    except OverflowError as error:
        raise OutOfRange(what, f"{value.isoformat()} + {delta}", "0001-01-02", "9999-12-30") from error
