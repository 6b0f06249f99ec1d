"""Who is told about an event, and on which channels: named contacts, members of named groups, contacts of
the partner organisations, the organiser if a contact, and participants who did not decline."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    column,
    exists,
    or_,
    union_all,
)
from sqlalchemy import table as sql_table
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from events.models import Event, EventPartner
from events.notify.models import Contact, ContactGroup, EventRecipient, EventRecipientGroup
from events.notify.planning import Recipient

EVENT_ID = bindparam("recipients_event_id", type_=Integer)
ORGANIZER = bindparam("recipients_organizer", type_=String)


def _recipients_where(with_organizer: bool) -> ColumnElement[bool]:
    """The condition on contacts that picks the recipients of the event `EVENT_ID` (organised by
    `ORGANIZER` when `with_organizer`).

    One list of ids (a UNION ALL) and a correlated NOT EXISTS: SQLite builds one temporary table for it,
    where an IN per source and a NOT IN built one each and a sorter (about 0.6 MB at every query)."""
    from events.people.models import Participant, RsvpStatus

    contact, named, partner = _table(Contact), _table(EventRecipient), _table(EventPartner)
    member, group, participant = _table(ContactGroup), _table(EventRecipientGroup), _table(Participant)
    # Only the columns it names: an alias of the table would copy every column on first use.
    partner_contact = sql_table("contact", column("id"), column("organisation_id")).alias("partner_contact")
    declined = RsvpStatus.declined.value
    listed = union_all(
        select(named.c.contact_id).where(named.c.event_id == EVENT_ID),
        select(partner_contact.c.id).join_from(partner, partner_contact,
                                               partner_contact.c.organisation_id == partner.c.organisation_id)
        .where(partner.c.event_id == EVENT_ID),
        select(member.c.contact_id).join_from(group, member, member.c.name == group.c.name)
        .where(group.c.event_id == EVENT_ID),
        # Participants are reminded too, unless they declined (issue 12: reminders follow answers); a declined
        # participant is not reminded even when a group or partner would name them.
        select(participant.c.contact_id).where(participant.c.event_id == EVENT_ID, participant.c.status != declined))
    conditions: list[ColumnElement[bool]] = [contact.c.id.in_(listed)]
    if with_organizer:
        conditions += [contact.c.email.ilike(ORGANIZER), contact.c.name == ORGANIZER]
    refused = exists().where(participant.c.event_id == EVENT_ID, participant.c.contact_id == contact.c.id,
                             participant.c.status == declined)
    return and_(or_(*conditions), ~refused)


# Built once per process: a statement built per event made new aliases and column copies each time, whose
# reference cycles and event listeners outlived the query (about 14 KB per series planned, issue 11).
@cache
def _contacts_query(with_organizer: bool) -> SelectOfScalar[Contact]:
    return select(Contact).where(_recipients_where(with_organizer)).order_by(col(Contact.id))


@cache
def _channels_query(with_organizer: bool) -> Select[int | None, str | None, str | None]:
    contact = _table(Contact)  # table columns: no ORM entity, so executing it configures no mappers
    return (select(contact.c.id, contact.c.email, contact.c.chat_url)
            .where(_recipients_where(with_organizer)).order_by(contact.c.id))


def _params(event_id: int, organizer: str | None) -> dict[str, Any]:
    name = (organizer or "").strip()
    return {EVENT_ID.key: event_id, ORGANIZER.key: name} if organizer else {EVENT_ID.key: event_id}


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined]


def recipient_contacts(event: Event, *, session: Session) -> list[Contact]:
    assert event.id is not None
    return list(session.scalars(_contacts_query(bool(event.organizer)), _params(event.id, event.organizer)))


def recipients_of(event_id: int, organizer: str | None, *, connection: Connection) -> list[Recipient]:
    """The recipients' channels, read as plain rows (no contact objects)."""
    rows = connection.execute(_channels_query(bool(organizer)), _params(event_id, organizer))
    return [r for contact_id, email, chat_url in rows for r in channels(contact_id, email, chat_url)]


def channels(contact_id: int | None, email: str | None, chat_url: str | None) -> Iterable[Recipient]:
    assert contact_id is not None
    if email:
        yield Recipient(contact_id, "email", email)
    if chat_url:
        yield Recipient(contact_id, "chat", chat_url)


def channels_of(contact: Contact) -> list[Recipient]:
    return list(channels(contact.id, contact.email, contact.chat_url))
