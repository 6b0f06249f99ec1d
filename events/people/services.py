"""Participants of an event: invite, answer, mark attendance, remove. Session keyword-only; the caller owns
the transaction, so a failing step leaves nothing half-written.

Every change of an event's participants marks the event changed (`updated_at`), as a change of its
reminder rules does: its figures and the ATTENDEE lines of private feeds follow it, and so do the cached
VEVENTs (their version is the event's `updated_at`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from enum import StrEnum
from typing import TypeVar

from sqlmodel import Session, col, select

from events.bounds import check_text
from events.drafts import language_of
from events.errors import N_, ContradictoryValues, Field, UnknownChoice
from events.models import Event
from events.notify.contacts import checked_email, checked_name, find_contact, group_name
from events.notify.errors import ContactNotFound
from events.notify.models import Contact, ContactGroup
from events.people.errors import EmptyGroup, ParticipantNotFound
from events.people.models import Participant, ParticipantRole, RsvpStatus, Sex

E = TypeVar("E", bound=StrEnum)


def pick(enum: type[E], value: str, what: str) -> E:
    """`value` as one of `enum` ('Needs_Action' is needs-action), else `UnknownChoice`."""
    text = value.strip().lower().replace("_", "-")
    for member in enum:
        if member.value == text:
            return member
    raise UnknownChoice(what, value, tuple(m.value for m in enum))


def touch(event: Event, now: datetime, *, session: Session) -> None:
    """Mark the event changed: its participants (and so its figures and ATTENDEE lines) changed."""
    event.updated_at = max(now, event.updated_at)
    session.add(event)


@dataclass(frozen=True)
class NewPerson:
    """Someone not yet a contact, as typed (`Name <addr>`) or read from a registration sheet."""

    name: str
    email: str
    language: str | None = None
    organisation: str | None = None


def person_of(text: str) -> NewPerson | None:
    """`Name <addr@example.org>` as a new person; None for a plain reference (an id or an address)."""
    if "<" not in text:
        return None
    name, address = parseaddr(text)
    if not name.strip() or not address:
        return None
    return NewPerson(name=checked_name(name), email=checked_email(address))


def contact_for(person: NewPerson, *, session: Session, timezone: str, now: datetime,
                language: str | None = None) -> Contact:
    """The contact with the person's address, made when new: name and address, in the event's zone and
    the person's language (else `language`, the event's, else English)."""
    try:
        return find_contact(person.email, session=session)
    except ContactNotFound:
        pass
    contact = Contact(name=person.name, email=person.email, language=person.language or language or "en",
                      timezone=timezone, created_at=now)
    session.add(contact)
    session.flush()
    return contact


def invitees(refs: Sequence[str], event: Event, *, session: Session, now: datetime) -> list[Contact]:
    """The contacts `refs` name, in order without repeats: ids, addresses, `group:NAME` (its members) or
    `Name <addr>` (made a contact when new)."""
    found: dict[int, Contact] = {}
    for ref in refs:
        if ref.startswith("group:"):
            name = group_name(ref.split(":", 1)[1])
            members = session.exec(select(Contact).join(ContactGroup, col(ContactGroup.contact_id) == Contact.id)
                                   .where(col(ContactGroup.name) == name).order_by(col(Contact.name))).all()
            if not members:
                raise EmptyGroup(name)
            people = list(members)
        else:
            person = person_of(ref)
            people = [contact_for(person, session=session, timezone=event.timezone, now=now,
                                  language=event.language) if person
                      else find_contact(ref, session=session)]
        for contact in people:
            assert contact.id is not None
            found.setdefault(contact.id, contact)
    return list(found.values())


def participant_of(event: Event, contact: Contact, *, session: Session) -> Participant | None:
    return session.exec(select(Participant).where(col(Participant.event_id) == event.id,
                                                  col(Participant.contact_id) == contact.id)).first()


def invite(event: Event, contacts: Sequence[Contact], *, role: str = ParticipantRole.required, session: Session,
           now: datetime) -> list[Participant]:
    """Make `contacts` participants of `event` (status needs-action); those already in it stay as they are.

    Returns the participants added here: what the invitations are sent to."""
    chosen = pick(ParticipantRole, role, "role")
    added = []
    for contact in contacts:
        if participant_of(event, contact, session=session) is not None:
            continue
        assert event.id is not None and contact.id is not None
        row = Participant(event_id=event.id, contact_id=contact.id, role=chosen, status=RsvpStatus.needs_action,
                          created_at=now, updated_at=now)
        session.add(row)
        added.append(row)
    if added:
        session.flush()
        touch(event, now, session=session)
    return added


def find_participant(event: Event, ref: str, *, session: Session) -> tuple[Participant, Contact]:
    """The participant of `event` that the contact `ref` (id or address) is; `ParticipantNotFound` else."""
    try:
        contact = find_contact(ref, session=session)
    except ContactNotFound:
        raise ParticipantNotFound(event.id or 0, ref) from None
    row = participant_of(event, contact, session=session)
    if row is None:
        raise ParticipantNotFound(event.id or 0, ref)
    return row, contact


@dataclass(frozen=True)
class ParticipantChanges:
    """`participant set` as typed: fields left None stay as they are; an empty text clears one."""

    status: str | None = None
    role: str | None = None
    attended: bool | None = None
    absent: bool | None = None
    sex: str | None = None
    organisation: str | None = None
    language: str | None = None
    comment: str | None = None


def attendance(changes: ParticipantChanges) -> bool | None:
    """True for --attended, False for --absent, None when neither is given; both together are refused."""
    if changes.attended and changes.absent:
        raise ContradictoryValues(Field.ATTENDED, Field.ABSENT)
    if changes.attended:
        return True
    return False if changes.absent else None


def sex_of(text: str) -> str | None:
    """A sex as typed (woman, man, other); empty for unstated."""
    return pick(Sex, text, "sex").value if text.strip() else None


def apply_changes(row: Participant, changes: ParticipantChanges, *, now: datetime) -> None:
    came = attendance(changes)
    if changes.status is not None:
        row.status = pick(RsvpStatus, changes.status, "answer").value
    if changes.role is not None:
        row.role = pick(ParticipantRole, changes.role, "role").value
    if came is not None:
        row.attended = came
    if changes.sex is not None:
        row.sex = sex_of(changes.sex)
    if changes.organisation is not None:
        row.organisation = check_text(changes.organisation.strip(), N_("the organisation")) or None
    if changes.language is not None:
        row.language = language_of(changes.language) if changes.language.strip() else None
    if changes.comment is not None:
        row.comment = check_text(changes.comment.strip(), N_("the comment")) or None
    row.updated_at = now


def set_participant(event: Event, ref: str, changes: ParticipantChanges, *, session: Session,
                    now: datetime) -> tuple[Participant, Contact]:
    row, contact = find_participant(event, ref, session=session)
    apply_changes(row, changes, now=now)
    session.add(row)
    touch(event, now, session=session)
    session.flush()
    return row, contact


def remove_participant(event: Event, ref: str, *, session: Session, now: datetime) -> tuple[Participant, Contact]:
    """Take a contact off the event's list (the contact stays)."""
    row, contact = find_participant(event, ref, session=session)
    session.delete(row)
    touch(event, now, session=session)
    session.flush()
    return row, contact


def participants(event_id: int, *, session: Session) -> list[tuple[Participant, Contact | None]]:
    """The event's participants with their contacts (None once forgotten), chairs first, then by name."""
    rows = session.exec(select(Participant, Contact).outerjoin(Contact, col(Contact.id) == Participant.contact_id)
                        .where(col(Participant.event_id) == event_id)
                        .order_by(col(Participant.id))).all()
    order = {role.value: index for index, role in enumerate(ParticipantRole)}
    return sorted(((p, c) for p, c in rows),
                  key=lambda pc: (order.get(pc[0].role, 9), (pc[1].name.casefold() if pc[1] else "\uffff"),
                                  pc[0].id or 0))


def touch_events_of(contact_id: int, *, session: Session, now: datetime) -> None:
    """A contact's name or address changed: the events they take part in show it (ATTENDEE lines)."""
    ids = session.exec(select(Participant.event_id).where(col(Participant.contact_id) == contact_id)).all()
    for event in session.exec(select(Event).where(col(Event.id).in_(list(ids)))).all() if ids else ():
        touch(event, now, session=session)
