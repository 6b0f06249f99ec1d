"""Forgetting a person (`contact forget ADDRESS`, GDPR-style): their name, address and organisation leave
the store; the counts they were part of stay.

- The contact row goes (with its groups and the events it was told about).
- Their participant rows stay for the figures, keeping only event, role, answer, attendance and sex; the
  organisation, language and comment they gave are erased (from the history of those rows too, and the
  erasing is not recorded as a change) and `contact_id` becomes NULL.
- Deliveries to them keep their log line (status, times) with the address replaced; pending ones are
  cancelled.
- Tasks assigned to the address lose the assignee; an event whose organiser text names the address loses it.
- Every event they were part of is marked changed; the caller drops the cached VEVENTs of `events`
  (ATTENDEE lines, organiser) so no copy of them stays.

Session keyword-only; the caller owns the transaction (and, on SQLite, wipes the freed pages after it:
see calendar_app.people.forget).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from events.history.forget import forget_fields, forget_in_history, ids_holding
from events.models import Event, search_text_of
from events.notify.contacts import find_contact, remove_contact
from events.notify.models import Delivery, Task
from events.people.models import Participant

FORGOTTEN = "(forgotten)"
# What a participant row holds of the person, erased (and erased from the history) when they are forgotten.
PERSONAL = ("organisation", "language", "comment")


@dataclass
class Forgotten:
    contact_id: int
    participant_rows: int = 0
    deliveries: int = 0
    tasks: int = 0
    events: list[int] = field(default_factory=list)


def forget_contact(ref: str, *, session: Session, now: datetime) -> Forgotten:
    """Erase the person `ref` (id or address) and what points at them; `ContactNotFound` if unknown."""
    contact = find_contact(ref, session=session)
    assert contact.id is not None
    address = (contact.email or contact.chat_url or "").casefold()
    done = Forgotten(contact_id=contact.id)
    rows = session.exec(select(Participant).where(col(Participant.contact_id) == contact.id)).all()
    for row in rows:
        row.organisation = row.language = row.comment = None
        row.updated_at = now
        session.add(row)
    done.participant_rows = len(rows)
    # Not recorded as a change (its `from` would keep what is erased); what the history held of it goes too.
    recorded = ids_holding("participant", "contact_id", contact.id, session=session)  # removed rows too
    forget_fields("participant", recorded | {r.id for r in rows if r.id is not None}, PERSONAL, session=session)
    event_ids = {row.event_id for row in rows}
    addresses = [a.casefold() for a in (contact.email, contact.chat_url) if a]
    result = session.execute(
        update(Delivery).where(or_(col(Delivery.contact_id) == contact.id,
                                   func.lower(col(Delivery.address)).in_(addresses)))
        .values(address=FORGOTTEN))
    done.deliveries = int(getattr(result, "rowcount", 0) or 0)
    remove_contact(str(contact.id), session=session, now=now)  # cancels pending deliveries; contact_id -> NULL
    forget_in_history(addresses, names=[contact.name], session=session, entity="contact", entity_id=contact.id)
    if contact.email:
        result = session.execute(update(Task).where(func.lower(col(Task.assignee)) == contact.email.casefold())
                                 .values(assignee=None, updated_at=now))
        done.tasks = int(getattr(result, "rowcount", 0) or 0)
    if address:
        for event in session.exec(select(Event).where(col(Event.organizer).is_not(None))).all():
            if address in (event.organizer or "").casefold():
                event.organizer = None
                event.search_text = search_text_of(event.model_dump())
                event_ids.add(event.id or 0)
    for event in session.exec(select(Event).where(col(Event.id).in_(sorted(event_ids)))).all():
        event.updated_at = max(now, event.updated_at)
        session.add(event)
    session.flush()
    done.events = sorted(event_ids)
    return done
