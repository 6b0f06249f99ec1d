"""Reading .ics files from other calendars (and our own exports) into checked event values.

Parsing is done by `icalendar`; this module adds what a strict import needs: line numbers for messages,
a size and encoding check, rejection of undefined TZIDs, of events without DTSTART and of endless
RRULEs, and our own X-CALENDAR-APP- fields so an export imports back without loss.

Recurring series with an end (COUNT or UNTIL) are expanded into single events with
`recurring-ical-events`; each occurrence gets the UID `<series uid>/<start of occurrence>`, so importing
the same file again updates rather than duplicates. Endless series are rejected.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, vText
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

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
from events.errors import CalendarAppError
from events.models import EventKind, EventStatus, Visibility
from events.regions import find_region
from events.timeparse import zone
from exports.campaign_feed import EDITION_MARK
from exports.errors import BadCalendarFile
from exports.render import X_PREFIX

MAX_BYTES = 32_000_000
MAX_OCCURRENCES = 1000
STATUS_FROM = {"TENTATIVE": "tentative", "CONFIRMED": "confirmed", "CANCELLED": "cancelled"}
VISIBILITY_FROM = {"PUBLIC": "public", "PRIVATE": "internal", "CONFIDENTIAL": "confidential"}


@dataclass
class Incoming:
    """One event read from a file: checked column values, its span, partners, programme and sequence."""

    uid: str
    line: int
    sequence: int
    values: dict[str, Any]
    span: Span
    partners: list[str] = field(default_factory=list)
    programme: str | None = None


@dataclass
class Parsed:
    events: list[Incoming]
    rejected: list[tuple[str, str]]  # (UID or "line N", reason)


def decode(data: bytes, *, max_bytes: int = MAX_BYTES, source: str = "the file") -> str:
    if len(data) > max_bytes:
        raise BadCalendarFile(
            f"{source} has {len(data) / 1e6:.1f} MB, over the import limit of {max_bytes / 1e6:.0f} MB: "
            "split it (e.g. export one year at a time) and import the parts"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BadCalendarFile(
            f"{source}, line {line}: not UTF-8 (byte 0x{data[error.start]:02x}): iCalendar files are UTF-8; "
            "re-save it as UTF-8 and import again"
        ) from error


def _vevent_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), start=1) if line.strip().upper() == "BEGIN:VEVENT"]


def parse_calendar(text: str, *, default_kind: str | None, default_tz: str, source: str = "the file",
                   kinds: Sequence[str] = BUILT_IN_KINDS) -> Parsed:
    """Every VEVENT of `text` as `Incoming` or as a rejection with its reason; raises if the file is unusable.
    An event's kind must be one of `kinds`."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or lines[0].strip().upper() != "BEGIN:VCALENDAR":
        raise BadCalendarFile(f"{source}, line 1: does not start with BEGIN:VCALENDAR: is it an .ics file?")
    if lines[-1].strip().upper() != "END:VCALENDAR":
        raise BadCalendarFile(f"{source}, line {len(text.splitlines())}: no END:VCALENDAR at the end: the "
                              "file is truncated; export it again")
    try:
        calendar = Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError) as error:
        raise BadCalendarFile(f"{source}: cannot be read as iCalendar ({str(error).splitlines()[0][:160]})") from error
    starts = _vevent_lines(text)
    defined = {str(tz.get("TZID")) for tz in calendar.walk("VTIMEZONE")}
    vevents = calendar.walk("VEVENT")
    counts = Counter(str(e.get("UID", "")) for e in vevents if e.get("RECURRENCE-ID") is None)
    parsed = Parsed(events=[], rejected=[])
    for index, vevent in enumerate(vevents):
        line = starts[index] if index < len(starts) else 0
        uid = str(vevent.get("UID", "")).strip()
        where = f"line {line}" + (f" (UID {uid})" if uid else "")
        if vevent.get("RECURRENCE-ID") is not None:
            continue  # an override of a series occurrence: applied when the series is expanded
        if vevent.get(EDITION_MARK) is not None:
            continue  # a campaign edition of a campaign feed: campaigns are kept by `campaign`, not events
        try:
            if not uid:
                raise BadCalendarFile("no UID: every event needs a UID to be imported without duplicates")
            if counts[uid] > 1:
                raise BadCalendarFile(f"the UID {uid} is used by {counts[uid]} events in this file; UIDs must be "
                                      "unique")
            if vevent.get("RRULE") is not None:
                parsed.events.extend(_expand(calendar, vevent, line, defined, default_kind, default_tz, kinds))
            else:
                parsed.events.append(_incoming(vevent, uid, line, defined, default_kind, default_tz, kinds))
        except CalendarAppError as error:
            parsed.rejected.append((where, str(error)))
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            parsed.rejected.append((where, f"cannot read this event: {str(error).splitlines()[0][:160]}"))
    return parsed


def _expand(calendar: Calendar, vevent: Any, line: int, defined: set[str], default_kind: str | None,
            default_tz: str, kinds: Sequence[str]) -> list[Incoming]:
    import recurring_ical_events

    rule = vevent["RRULE"]
    if not rule.get("COUNT") and not rule.get("UNTIL"):
        raise BadCalendarFile("RRULE without COUNT or UNTIL: a series without end cannot be imported; give it "
                              "an end date in the source calendar")
    series = Calendar()
    for component in calendar.walk("VTIMEZONE"):
        series.add_component(component)
    uid = str(vevent["UID"])
    for component in calendar.walk("VEVENT"):
        if str(component.get("UID", "")) == uid:
            series.add_component(component)
    occurrences = []
    for count, occurrence in enumerate(recurring_ical_events.of(series).all()):
        if count >= MAX_OCCURRENCES:
            raise BadCalendarFile(f"the series has more than {MAX_OCCURRENCES} occurrences: shorten it")
        start = occurrence.start
        key = start.strftime("%Y%m%dT%H%M%S") if isinstance(start, datetime) else start.strftime("%Y%m%d")
        occurrences.append(_incoming(occurrence, f"{uid}/{key}", line, defined, default_kind, default_tz,
                                     kinds))
    return occurrences


def _text(vevent: Any, name: str) -> str | None:
    value = vevent.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0]
    text = str(value).strip()
    return text or None


_ESCAPED = re.compile(r"\\([\\,;nN])")


def _unescaped(value: Any) -> str:
    """X- properties come back from the parser still escaped (their type is unknown to it); icalendar's
    own unescape helper is deprecated, so the four TEXT escapes of RFC 5545 3.3.11 are undone here."""
    if isinstance(value, vText):
        return str(value)
    return _ESCAPED.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), str(value))


def _x(vevent: Any, name: str) -> str | None:
    values = _list(vevent.get(X_PREFIX + name))
    text = _unescaped(values[0]).strip() if values else ""
    return text or None


def _zone_of(vevent: Any, value: datetime, defined: set[str], fallback: str) -> tuple[datetime, str]:
    tzid = vevent["DTSTART"].params.get("TZID")
    if value.tzinfo is None:
        if tzid:
            raise BadCalendarFile(f"TZID {tzid} is defined nowhere (no VTIMEZONE, not a tz database name): "
                                  "export the file again with its time zones")
        return value.replace(tzinfo=zone(fallback)), fallback  # floating time: read in the default zone
    if isinstance(value.tzinfo, ZoneInfo):
        return value, value.tzinfo.key
    if tzid in WINDOWS_TO_OLSON:  # Outlook names zones the Windows way ("Central Asia Standard Time")
        iana = WINDOWS_TO_OLSON[tzid]
        return value.astimezone(zone(iana)), iana
    if tzid and tzid not in defined:
        raise BadCalendarFile(f"TZID {tzid} has no VTIMEZONE in the file: export it again with its time zones")
    return value, fallback


def _span(vevent: Any, defined: set[str], zone_name: str) -> Span:
    if vevent.get("DTSTART") is None:
        raise BadCalendarFile("no DTSTART: an event needs a start")
    start = vevent["DTSTART"].dt
    end_prop = vevent.get("DTEND")
    duration = vevent.get("DURATION")
    if not isinstance(start, datetime):
        if end_prop is not None:
            last = end_prop.dt - timedelta(days=1)
        elif duration is not None:
            last = start + duration.dt - timedelta(days=1)
        else:
            last = start
        return all_day_span(start, max(last, start) if isinstance(last, date) else start, zone_name)
    start, zone_name = _zone_of(vevent, start, defined, zone_name)
    if end_prop is not None:
        end = end_prop.dt
        if isinstance(end, datetime) and end.tzinfo is None:
            end = end.replace(tzinfo=start.tzinfo)
    elif duration is not None:
        end = start + duration.dt
    else:
        end = start + DEFAULT_TIMED_LENGTH
    return timed_span(start, end, zone_name)


def _incoming(vevent: Any, uid: str, line: int, defined: set[str], default_kind: str | None,
              default_tz: str, kinds: Sequence[str]) -> Incoming:
    region = _x(vevent, "REGION")
    slug = find_region(region).slug if region else None
    span = _span(vevent, defined, find_region(slug).timezone if slug else default_tz)
    categories = vevent.get("CATEGORIES")
    category_names: list[str] = []
    for item in categories if isinstance(categories, list) else [categories] if categories else []:
        category_names.extend(str(c).strip().lower() for c in getattr(item, "cats", [item]))
    kind = _x(vevent, "KIND") or next((c for c in category_names if kind_name(c) in kinds), None)
    status = _x(vevent, "STATUS") or STATUS_FROM.get((_text(vevent, "STATUS") or "").upper(), "confirmed")
    visibility = _x(vevent, "VISIBILITY") or VISIBILITY_FROM.get((_text(vevent, "CLASS") or "").upper(), "internal")
    summary = vevent.get("SUMMARY")
    language = _x(vevent, "LANGUAGE") or (summary.params.get("LANGUAGE") if summary is not None else None)
    title = _x(vevent, "TITLE") or _text(vevent, "SUMMARY")
    if not title:
        raise BadCalendarFile("no SUMMARY: the event has no title")
    organizer = _x(vevent, "ORGANIZER")
    if organizer is None and vevent.get("ORGANIZER") is not None:
        address = vevent["ORGANIZER"]
        email = str(address).removeprefix("mailto:").removeprefix("MAILTO:")
        organizer = " ".join(p for p in (address.params.get("CN"), email) if p) or None
    values = {
        "title": title,
        "kind": kind_of(kind or default_kind or EventKind.meeting, kinds),
        "region": slug,
        "location": _text(vevent, "LOCATION"),
        "description": _x(vevent, "DESCRIPTION") if _x(vevent, "CANCEL-REASON") else _text(vevent, "DESCRIPTION"),
        "url": _text(vevent, "URL"),
        "organizer": organizer,
        "language": language.split("-")[0].lower() if language and language.split("-")[0].lower() in
        ("mn", "ky", "ru", "en") else None,
        "status": choice(EventStatus, status, "status").value,
        "visibility": choice(Visibility, visibility, "visibility").value,
        "cancel_reason": _x(vevent, "CANCEL-REASON"),
        "participants_expected": None, "participants_actual": None, "participants_women": None,
        "participants_men": None,
    }
    partners = [_unescaped(p).strip() for p in _list(vevent.get(X_PREFIX + "PARTNER")) if str(p).strip()]
    sequence = int(vevent.get("SEQUENCE", 0) or 0)
    return Incoming(uid=uid, line=line, sequence=sequence, values=values, span=span, partners=partners,
                    programme=_x(vevent, "PROGRAMME"))


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
