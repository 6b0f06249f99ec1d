"""Events to RFC 5545 bytes (PRODUCT.md section 3), built with the `icalendar` library.

A calendar is rendered as a header, one VTIMEZONE per zone a timed event uses, one chunk of bytes per
VEVENT, and a footer. Each VEVENT chunk depends only on its event and the detail level, so callers may
cache chunks (see `exports.cache`) and a feed costs a concatenation, not a render.

The same data gives the same bytes: no clock is read here. `DTSTAMP` is the event's last change
(`updated_at`) unless the caller hands in a fixed `stamp` (golden tests do).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from icalendar import Alarm, Calendar, Component, Event, Timezone, vCalAddress, vText

from events.notify.organizer import organizer_from_text
from events.notify.planning import ReminderRule
from events.views import EventView

if TYPE_CHECKING:
    from exports.attendees import Attendee

PRODID = "-//calendar-app//calendar-app 0.1//EN"  # of every calendar we write: feeds, exports, invitations
X_PREFIX = "X-CALENDAR-APP-"


class Detail(StrEnum):
    full = "full"
    busy = "busy"


CLASS_OF_VISIBILITY = {"public": "PUBLIC", "internal": "PRIVATE", "confidential": "CONFIDENTIAL"}
STATUS_OF = {
    "tentative": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "held": "CONFIRMED",
    "postponed": "TENTATIVE",
    "cancelled": "CANCELLED",
}
# The word that marks a cancelled (or postponed) event's title, in the event's language.
CANCELLED_MARK = {"mn": "ЦУЦЛАГДСАН", "ru": "ОТМЕНЕНО", "ky": "ЖОККО ЧЫГАРЫЛДЫ", "en": "CANCELLED"}
POSTPONED_MARK = {"mn": "ХОЙШЛУУЛСАН", "ru": "ПЕРЕНЕСЕНО", "ky": "КИЙИНКИГЕ КАЛТЫРЫЛДЫ", "en": "POSTPONED"}
BUSY_TITLE = "Busy"
NO_ALARMS = frozenset({"cancelled", "postponed"})  # statuses whose VEVENT carries no VALARM


def status_mark(view: EventView) -> str | None:
    """`CANCELLED` / `POSTPONED` in the event's language, or None for other statuses."""
    marks = {"cancelled": CANCELLED_MARK, "postponed": POSTPONED_MARK}.get(view.status)
    return None if marks is None else marks.get(view.language or "en", marks["en"])


def marked_title(view: EventView) -> str:
    """The title as clients show it: `[CANCELLED] …` / `[POSTPONED] …` in the event's language."""
    mark = status_mark(view)
    return view.title if mark is None else f"[{mark}] {view.title}"


def cal_address(email: str, name: str | None = None) -> vCalAddress:
    """`mailto:<email>` with its CN: the one form of ORGANIZER and ATTENDEE values, in feeds and invitations."""
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = name
    return address


def event_dates(view: EventView) -> tuple[date, date]:
    """DTSTART and DTEND of an all-day event, in feeds and invitations alike: the first day and the day after
    the last (RFC 5545 3.6.1: DTEND is exclusive; the stored end is that day's midnight)."""
    return view.start.date(), view.end.date()


def variant_key(detail: Detail, alarms: Sequence[int] = (), plan: str | None = None, attendees: bool = False) -> str:
    """How a stored chunk was rendered: the detail level, the alarm offsets (minutes before start),
    for alarms from the reminder plans a tag of the kind defaults in force (see exports.alarm_plan), and
    whether it carries ATTENDEE lines (see exports.attendees)."""
    return (detail.value + (";a=" + ",".join(str(m) for m in alarms) if alarms else "")
            + (f";p={plan}" if plan is not None else "") + (";att" if attendees else ""))


def alarm_rules(alarms: Sequence[int], rules: Iterable[ReminderRule] = ()) -> list[ReminderRule]:
    """The feed's fixed alarms (minutes before the start) and an event's reminder rules as one list without
    repeats: start-relative first, then end-relative, each earliest first (a stable order: stable bytes)."""
    every = {ReminderRule("start", timedelta(minutes=-m)) for m in alarms} | set(rules)
    return sorted(every, key=lambda r: (r.anchor != "start", r.offset))


def _add_alarms(event: Event, rules: Sequence[ReminderRule], text: str) -> None:
    for rule in rules:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", text)
        # RFC 5545 3.8.6.3: a duration is relative to DTSTART unless RELATED=END says DTEND.
        if rule.anchor == "end":
            alarm.add("trigger", rule.offset, parameters={"RELATED": "END"})
        else:
            alarm.add("trigger", rule.offset)
        event.add_component(alarm)


def build_event(
    view: EventView, *, detail: Detail = Detail.full, stamp: datetime | None = None, alarms: Sequence[int] = (),
    rules: Sequence[ReminderRule] = (), attendees: Sequence[Attendee] = (),
) -> Event:
    """The VEVENT of one event. Busy-only events carry times, status and class only. `alarms` (minutes
    before the start, the feed's own) and `rules` (the event's reminder plan, full detail only: a busy-only
    feed must not hint at what the event is) add DISPLAY VALARMs, never to a cancelled or postponed event (a
    postponed one has no date to be reminded of: its reminders are held too). `attendees` (full detail
    only; the caller decides who may see them, see exports.attendees) add ATTENDEE lines."""
    event = Event()
    if view.status not in NO_ALARMS:
        busy = detail is Detail.busy
        _add_alarms(event, alarm_rules(alarms, () if busy else rules), BUSY_TITLE if busy else view.title)
    event.add("uid", view.uid)
    event.add("dtstamp", stamp or view.updated_at)
    if view.all_day:
        first, after_last = event_dates(view)
        event.add("dtstart", first)
        event.add("dtend", after_last)
    else:
        event.add("dtstart", view.start)
        event.add("dtend", view.end)
    event.add("sequence", view.sequence)
    event.add("last-modified", view.updated_at)
    event.add("created", view.created_at)
    event.add("status", STATUS_OF.get(view.status, "CONFIRMED"))
    event.add("class", CLASS_OF_VISIBILITY.get(view.visibility, "PRIVATE"))
    event.add("transp", "TRANSPARENT" if view.status == "cancelled" else "OPAQUE")
    if detail is Detail.busy:
        event.add("summary", BUSY_TITLE)
        return event
    language = {"LANGUAGE": view.language} if view.language else {}
    event.add("summary", marked_title(view), parameters=language)
    description = view.description or ""
    if view.status == "cancelled" and view.cancel_reason:
        description = f"[{status_mark(view)}: {view.cancel_reason}]\n\n{description}".rstrip()
    if description:
        event.add("description", description, parameters=language)
    if view.location:
        event.add("location", view.location, parameters=language)
    if view.url:
        event.add("url", view.url)
    event.add("categories", [view.kind])
    # A feed is rendered (and cached) from the event alone, so it names the organiser the text gives an
    # address for; the invitations resolve the text against the contacts (exports.invite).
    organizer = organizer_from_text(view.organizer)
    if organizer is not None:
        event.add("organizer", cal_address(organizer.address, organizer.name))
    for attendee in attendees if view.visibility != "confidential" else ():  # never, whoever asks
        address = cal_address(attendee.email, attendee.name)
        address.params["ROLE"] = attendee.role
        address.params["PARTSTAT"] = attendee.partstat
        event.add("attendee", address)
    # Our own fields, so an export imports back into calendar-app without loss.
    extras = {
        "KIND": view.kind,
        "STATUS": view.status,
        "VISIBILITY": view.visibility,
        "TITLE": view.title,
        "REGION": view.region,
        "PROGRAMME": view.programme,
        "ORGANIZER": view.organizer,
        "LANGUAGE": view.language,
        "CANCEL-REASON": view.cancel_reason,
        "DESCRIPTION": view.description if view.status == "cancelled" and view.cancel_reason else None,
    }
    for name, value in extras.items():
        if value:
            event.add(X_PREFIX + name, vText(value))  # X- names default to raw values: make them TEXT
    for partner in view.partners:
        event.add(X_PREFIX + "PARTNER", vText(partner))
    return event


FOLD_AT = 74  # octets of content per physical line, as icalendar folds (the leading space makes 75)


def fold(line: bytes) -> bytes:
    """Fold one UTF-8 content line exactly as icalendar's folding does, in a few slices instead of a
    Python step per character: icalendar spends 40% of a VEVENT's time folding (measured in bench/).

    Never cuts inside a UTF-8 character, and like icalendar keeps a `\\` or `^` escape with what
    follows it.
    """
    if len(line) <= FOLD_AT:
        return line
    pieces = []
    start = 0
    while len(line) - start > FOLD_AT:
        end = start + FOLD_AT
        while 0x80 <= line[end] < 0xC0:  # step back to the first byte of a character
            end -= 1
        if line[end - 1] in b"\\^" and end - 1 > start:
            end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)


def component_bytes(component: Component) -> bytes:
    """A component's content lines (built by icalendar) as folded CRLF bytes."""
    return b"".join(fold(str(line).encode("utf-8")) + b"\r\n" for line in component.content_lines() if line)


def render_event(
    view: EventView, *, detail: Detail = Detail.full, stamp: datetime | None = None, alarms: Sequence[int] = (),
    rules: Sequence[ReminderRule] = (), attendees: Sequence[Attendee] = (),
) -> bytes:
    """One VEVENT as folded CRLF bytes, `BEGIN:VEVENT` to `END:VEVENT\\r\\n`."""
    return component_bytes(build_event(view, detail=detail, stamp=stamp, alarms=alarms, rules=rules,
                                       attendees=attendees))


@cache
def timezone_bytes(tzid: str, years: tuple[int, int] = (1970, 2037)) -> bytes:
    """The VTIMEZONE of an IANA zone from the tz database, covering the years the events start in
    (and one after): icalendar's cost grows with the span, and a feed needs only its own years."""
    # icalendar overflows on a range that reaches the last day of year 9999: stop at the start of that year
    last_year = min(max(years[1] + 2, max(1970, years[0] - 1) + 1), 9999)
    first = date(min(max(1970, years[0] - 1), last_year - 1), 1, 1)
    last = date(last_year, 1, 1)
    return bytes(Timezone.from_tzid(tzid, first_date=first, last_date=last).to_ical())


@dataclass(frozen=True)
class CalendarHead:
    """What a calendar says about itself."""

    name: str
    description: str | None = None
    color: str | None = None
    refresh: timedelta = timedelta(hours=1)


def _duration_text(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    return f"PT{hours}H{rest // 60}M" if rest else f"PT{hours}H"


def calendar_head(head: CalendarHead, zones: Iterable[str], years: tuple[int, int] = (1970, 2037)) -> bytes:
    """`BEGIN:VCALENDAR`, the calendar properties and the VTIMEZONEs, sorted by TZID."""
    # Calendar.new writes NAME and X-WR-CALNAME (and the descriptions) itself; the UID derives from the
    # name so the same feed keeps the same bytes.
    calendar = Calendar.new(prodid=PRODID, method="PUBLISH", name=head.name, description=head.description,
                            color=head.color, refresh_interval=head.refresh,
                            uid=uuid.uuid5(uuid.NAMESPACE_URL, f"calendar-app:{head.name}"))
    calendar.add("x-published-ttl", _duration_text(head.refresh), encode=False)
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # RFC 7986 requires the parameter
    text = bytes(calendar.to_ical())
    opening = text[: text.rindex(b"END:VCALENDAR")]
    return opening + b"".join(timezone_bytes(z, years) for z in sorted(set(zones)))


CALENDAR_END = b"END:VCALENDAR\r\n"


def zones_of(events: Iterable[EventView]) -> set[str]:
    """The zones whose TZID the VEVENTs of `events` name (all-day events use dates and name none)."""
    return {e.timezone for e in events if not e.all_day}


def years_of(events: Iterable[EventView]) -> tuple[int, int]:
    """First and last UTC year a timed event starts in (what `exports.selection.plan` computes too)."""
    years = [e.start.astimezone(UTC).year for e in events if not e.all_day]
    return (min(years), max(years)) if years else (1970, 1970)


def feed_order(view: EventView) -> tuple[datetime, str]:
    return (view.start, view.uid)


def iter_calendar(
    head: CalendarHead, zones: Iterable[str], chunks: Iterable[bytes], years: tuple[int, int] = (1970, 2037)
) -> Iterator[bytes]:
    """The calendar as pieces of bytes: head, every chunk in the given order, footer."""
    yield calendar_head(head, zones, years)
    yield from chunks
    yield CALENDAR_END


def render_calendar(
    events: Iterable[EventView],
    *,
    name: str,
    stamp: datetime | None = None,
    detail: Detail = Detail.full,
    description: str | None = None,
    color: str | None = None,
) -> bytes:
    """A whole calendar of `events` (sorted by start, then uid) as bytes; pure and deterministic."""
    ordered = sorted(events, key=feed_order)
    chunks = (render_event(e, detail=detail, stamp=stamp) for e in ordered)
    head = CalendarHead(name=name, description=description, color=color)
    return b"".join(iter_calendar(head, zones_of(ordered), chunks, years_of(ordered)))
