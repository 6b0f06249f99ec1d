"""ATTENDEE lines of private full-detail feeds made with `feed add NAME --private --attendees`.

The privacy rule of issue 12 lives here and in `exports.feeds.add_feed`: only a private, full-detail feed
may ask for attendees; a confidential event never shows its participants, whatever the feed; a forgotten
person (no contact) and a contact without an e-mail address have no line. Each line carries the name (CN),
the role (ROLE) and the answer (PARTSTAT); nothing else of the person (no sex, no organisation).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from events.models import Visibility
from events.notify.models import Contact
from events.people.models import Participant, ical_partstat, ical_role
from events.views import EventView

VARIANT_TAG = ";att"  # in `exports.render.variant_key`: chunks with ATTENDEE lines are kept apart


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str
    role: str  # RFC 5545 ROLE
    partstat: str  # RFC 5545 PARTSTAT


def attendees_by_event(views: Sequence[EventView], *, session: Session) -> dict[int, list[Attendee]]:
    """The attendees of each event of the batch that may show them, in one query, sorted by address so the
    same list gives the same bytes."""
    ids = [v.id for v in views if v.visibility != Visibility.confidential]
    if not ids:
        return {}
    people = Participant.__table__  # type: ignore[attr-defined]
    contacts = Contact.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        select(people.c.event_id, contacts.c.email, contacts.c.name, people.c.role, people.c.status)
        .join(contacts, contacts.c.id == people.c.contact_id)
        .where(people.c.event_id.in_(ids), contacts.c.email.is_not(None))
        .order_by(people.c.event_id, contacts.c.email))
    found: dict[int, list[Attendee]] = defaultdict(list)
    for event_id, email, name, role, status in rows:
        found[event_id].append(Attendee(email, name, ical_role(role), ical_partstat(status)))
    return found
