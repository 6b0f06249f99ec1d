"""The event as the `.ics` of an e-mail (iMIP, RFC 6047): the feed's own VEVENT plus what iTIP needs.

The VEVENT, the VTIMEZONE and the PRODID are those of the feeds (`exports.render`): an event reads the same
in a subscribed feed and in a reminder. What the method adds (RFC 5546):

- `REQUEST` (3.2.2) and `CANCEL` (3.2.5) only when the event has a real organiser, an `Organizer` with an
  address: `ORGANIZER;CN=<name>;SENT-BY="mailto:<sender>":mailto:<address>` (SENT-BY when our sender is not
  the organiser), the recipient as ATTENDEE, RSVP asked in a REQUEST: a reply reaches the organiser.
- `PUBLISH` (3.2.1) otherwise: an informational copy the reader may add to a calendar. 3.2.1 requires an
  ORGANIZER and forbids ATTENDEEs, and the organiser of a published object is whoever publishes it: here our
  sender, under its own display name, never a name borrowed from the event. No ATTENDEE, so no RSVP.
- a cancellation follows its invitation: CANCEL with a real organiser; without one a `PUBLISH` with
  `STATUS:CANCELLED` and the higher SEQUENCE, since 3.2.5 makes a CANCEL the organiser's message to the
  attendees, and a published copy has neither. 3.2.1 allows STATUS CANCELLED in a PUBLISH.

Pure: the caller hands in `stamp` (DTSTAMP, when the message was made), so the same input gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from enum import StrEnum

from icalendar import Calendar, Event, vCalAddress, vText

from events.notify.organizer import Organizer
from events.timeparse import zone
from events.views import EventView
from exports.render import (
    CALENDAR_END,
    PRODID,
    STATUS_OF,
    build_event,
    cal_address,
    component_bytes,
    timezone_bytes,
    years_of,
    zones_of,
)


class Method(StrEnum):
    """The iTIP methods an e-mail of ours carries."""

    publish = "PUBLISH"
    request = "REQUEST"
    cancel = "CANCEL"


def invite_method(*, cancelled: bool, organizer: Organizer | None) -> Method:
    """REQUEST / CANCEL with an organiser to answer to; PUBLISH (a cancelled one too) without."""
    if organizer is None:
        return Method.publish
    return Method.cancel if cancelled else Method.request


def _sender(mail_from: str) -> vCalAddress:
    """The sender (the configured From) as the organiser of what it publishes, under its own display name."""
    name, email = parseaddr(mail_from)
    return cal_address(email or mail_from, name or None)


def _organizer(organizer: Organizer, mail_from: str) -> vCalAddress:
    address = cal_address(organizer.address, organizer.name)
    sender = parseaddr(mail_from)[1] or mail_from
    if sender.lower() != organizer.address.lower():
        address.params["SENT-BY"] = f"mailto:{sender}"  # RFC 5545 3.2.18: we send on the organiser's behalf
    return address


def _attendee(email: str, name: str | None, method: Method, role: str | None) -> vCalAddress:
    address = cal_address(email, name)
    address.params["ROLE"] = role or "REQ-PARTICIPANT"
    if method is Method.request:
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "TRUE"
    return address


def _status(view: EventView, method: Method, cancelled: bool) -> str:
    """RFC 5546: CANCEL says CANCELLED; a REQUEST only TENTATIVE or CONFIRMED; a PUBLISH any of the three."""
    if method is Method.cancel or (method is Method.publish and cancelled):
        return "CANCELLED"
    status = STATUS_OF.get(view.status, "CONFIRMED")
    return "CONFIRMED" if method is Method.request and status == "CANCELLED" else status


def invite_event(
    view: EventView, *, cancelled: bool, organizer: Organizer | None, mail_from: str, attendee: str,
    attendee_name: str | None, stamp: datetime, role: str | None = None,
) -> Event:
    """The feed's VEVENT of `view` (full detail, no alarms), addressed as its method wants."""
    method = invite_method(cancelled=cancelled, organizer=organizer)
    item = build_event(view, stamp=stamp)
    if view.recurrence_id is not None and "RECURRENCE-ID" not in item:
        # One occurrence of a series (RFC 5545 3.8.4.4): the series' UID and the start it was given.
        local = view.recurrence_id.astimezone(zone(view.timezone))
        item.add("recurrence-id", local.date() if view.all_day else view.recurrence_id)
    item.pop("ORGANIZER", None)
    item["STATUS"] = vText(_status(view, method, cancelled))
    if organizer is None:
        item.add("organizer", _sender(mail_from))
    else:
        item.add("organizer", _organizer(organizer, mail_from))
        item.add("attendee", _attendee(attendee, attendee_name, method, role))
    return item


def _head(method: Method) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method.value)
    text = bytes(calendar.to_ical())
    return text[: text.rindex(b"END:VCALENDAR")]


@dataclass(frozen=True)
class Invitation:
    """The `.ics` of one e-mail and its method (the MIME part's `method=` parameter must repeat it)."""

    method: Method
    data: bytes


def build_invite(
    view: EventView, *, cancelled: bool, organizer: Organizer | None, mail_from: str, attendee: str,
    attendee_name: str | None, stamp: datetime, role: str | None = None,
) -> Invitation:
    """The calendar for the e-mail to `attendee` from `mail_from` (our sender) about `view`: a head with
    METHOD, the VTIMEZONE of a timed event's zone over the event's years (as in the feeds), the VEVENT.

    `cancelled`: the message tells of a cancellation. `organizer`: the event's resolved organiser
    (`events.notify.organizer.organizer_of`), None when it has no address: then PUBLISH. `role`: the
    attendee's RFC 5545 ROLE (a participant's; REQ-PARTICIPANT when not given)."""
    method = invite_method(cancelled=cancelled, organizer=organizer)
    item = invite_event(view, cancelled=cancelled, organizer=organizer, mail_from=mail_from, attendee=attendee,
                        attendee_name=attendee_name, stamp=stamp, role=role)
    zones = b"".join(timezone_bytes(z, years_of([view])) for z in sorted(zones_of([view])))
    return Invitation(method, _head(method) + zones + component_bytes(item) + CALENDAR_END)
