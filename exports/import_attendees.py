"""ATTENDEE lists of imported events, kept as participants when they are simple: a `mailto:` address that
reads as one, with its CN, ROLE and PARTSTAT. Anything else (a URL, a group address that is not mail, a
broken address) is left out quietly: the event itself imports either way.

New addresses become contacts (the CN as name, else the address) in the event's zone and language; people
already on the event's list take the file's role and answer, as a newer SEQUENCE wins for the event too.
Nobody is taken off a list by an import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from events.errors import CalendarAppError
from events.models import Event
from events.notify.contacts import checked_email, checked_name
from events.people.models import ParticipantRole, RsvpStatus
from events.people.services import NewPerson, contact_for, invite, participant_of

ROLE_FROM = {"CHAIR": ParticipantRole.chair, "REQ-PARTICIPANT": ParticipantRole.required,
             "OPT-PARTICIPANT": ParticipantRole.optional, "NON-PARTICIPANT": ParticipantRole.observer}
PARTSTAT_FROM = {s.value.upper(): s for s in RsvpStatus}
MAX_ATTENDEES = 2_000  # per event: a list longer than this is not "simple"


@dataclass(frozen=True)
class ImportedAttendee:
    email: str
    name: str
    role: str
    status: str


def _values(vevent: Any) -> list[Any]:
    try:
        value = vevent.get("ATTENDEE")
    except (AttributeError, TypeError):
        return []
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def attendees_of(vevent: Any) -> list[ImportedAttendee]:
    """The simple ATTENDEE lines of a parsed VEVENT, each address once (the first wins)."""
    found: dict[str, ImportedAttendee] = {}
    for value in _values(vevent)[:MAX_ATTENDEES]:
        text = str(value).strip()
        if not text.lower().startswith("mailto:"):
            continue
        params = getattr(value, "params", {})
        try:
            email = checked_email(text[len("mailto:"):])
            name = checked_name(str(params.get("CN") or "")) or email
        except CalendarAppError:
            continue
        role = ROLE_FROM.get(str(params.get("ROLE", "REQ-PARTICIPANT")).upper(), ParticipantRole.required)
        status = PARTSTAT_FROM.get(str(params.get("PARTSTAT", "NEEDS-ACTION")).upper(), RsvpStatus.needs_action)
        found.setdefault(email.casefold(), ImportedAttendee(email, name[:300], role.value, status.value))
    return list(found.values())


def store_attendees(event: Event, attendees: Sequence[ImportedAttendee], *, session: Session,
                    now: datetime) -> None:
    """Make the event's participants follow the file's list (added or updated, none removed)."""
    for attendee in attendees:
        contact = contact_for(NewPerson(name=attendee.name, email=attendee.email), session=session,
                              timezone=event.timezone, now=now, language=event.language)
        row = participant_of(event, contact, session=session) or invite(event, [contact], session=session,
                                                                        now=now)[0]
        row.role, row.status, row.updated_at = attendee.role, attendee.status, now
        session.add(row)
    session.flush()
