"""Contacts: the people reminders and tasks go to. Session keyword-only; the caller owns the transaction."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from events.bounds import as_id, check_text
from events.drafts import language_of
from events.errors import InvalidInput, MissingValue
from events.models import Organisation
from events.notify.errors import (
    ChatSchemeNotAllowed,
    ContactNotFound,
    DuplicateContact,
    InvalidEmail,
    NotAChatUrl,
)
from events.notify.models import Contact, ContactGroup, Delivery, DeliveryStatus
from events.notify.zones import Whereabouts, ZoneChoice, ZoneFrom, choose_zone, usual_region
from events.regions import find_region
from events.services import organisation_ids
from events.timeparse import checked_zone_name

# Deliberately loose: one @, no spaces, a dot in the domain. The SMTP server has the last word.
_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;.]+$")


def checked_email(text: str) -> str:
    email = check_text(text.strip(), "the e-mail address")
    if not _EMAIL.match(email):
        raise InvalidEmail(text)
    return email


_CHAT_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://\S+$")


def checked_chat(text: str, allowed: Sequence[str]) -> str | None:
    """A chat address (an Apprise URL) whose scheme is one of `allowed` (the deployment's `chat_schemes`);
    None for an empty one (no chat address). The scheme is compared case-insensitively, as URLs have it."""
    url = check_text(text.strip(), "the chat address")
    if not url:
        return None
    found = _CHAT_SCHEME.match(url)
    if found is None:
        raise NotAChatUrl(tuple(allowed))
    scheme = found.group(1).lower()
    if scheme not in {a.lower() for a in allowed}:
        raise ChatSchemeNotAllowed(scheme, tuple(allowed))
    return url


def checked_name(text: str) -> str:
    return check_text(text.strip(), "the name")


@dataclass
class ContactDraft:
    """A contact as typed; in `edit`, fields left `None` stay as they are."""

    name: str | None = None
    email: str | None = None
    chat: str | None = None
    language: str | None = None
    tz: str | None = None
    organisation: str | None = None
    groups: list[str] | None = None  # replaces the contact's groups
    region: str | None = None  # where the person is; the zone follows it when no tz is given


def group_name(text: str) -> str:
    name = text.strip().lower()
    if not name or len(name) > 80 or not re.fullmatch(r"[\w.-]+", name):
        raise InvalidInput(f"cannot use the group name {text!r}: use letters, digits, '-', '_' or '.', "
                           "e.g. gbv-network")
    return name


def set_groups(contact: Contact, names: list[str], *, session: Session) -> None:
    assert contact.id is not None
    for old in session.exec(select(ContactGroup).where(col(ContactGroup.contact_id) == contact.id)).all():
        session.delete(old)
    session.flush()
    for name in dict.fromkeys(group_name(n) for n in names):
        session.add(ContactGroup(contact_id=contact.id, name=name))
    session.flush()


def groups_of(contact: Contact, *, session: Session) -> list[str]:
    rows = session.exec(select(ContactGroup.name).where(col(ContactGroup.contact_id) == contact.id)).all()
    return sorted(rows)


def find_contact(ref: str | int, *, session: Session) -> Contact:
    """The contact with this id or e-mail (case-insensitive); `ContactNotFound` otherwise."""
    text = str(ref).strip()
    number = as_id(text)  # a number beyond the id range is no id: not found
    contact = session.get(Contact, number) if number is not None else None
    if contact is None and "@" in text:
        contact = session.exec(select(Contact).where(col(Contact.email).ilike(text))).first()
    if contact is None:
        raise ContactNotFound(ref)
    return contact


def _unique_email(email: str, *, session: Session, other_than: int | None = None) -> str:
    clash = session.exec(select(Contact).where(col(Contact.email).ilike(email))).first()
    if clash is not None and clash.id != other_than:
        raise DuplicateContact(email)
    return email


def add_contact(draft: ContactDraft, *, session: Session, default_tz: str, now: datetime,
                chat_schemes: Sequence[str], default_from: ZoneFrom = ZoneFrom.CONFIGURED) -> Contact:
    """A new contact; a chat address only with one of `chat_schemes` (the deployment's setting)."""
    return add_contact_zoned(draft, session=session, default_tz=default_tz, now=now, chat_schemes=chat_schemes,
                             default_from=default_from)[0]


def add_contact_zoned(draft: ContactDraft, *, session: Session, default_tz: str, now: datetime,
                      chat_schemes: Sequence[str], default_from: ZoneFrom = ZoneFrom.CONFIGURED,
                      ) -> tuple[Contact, ZoneChoice]:
    """`add_contact`, and how the contact's zone was chosen (`events.notify.zones`): `default_from` says
    whether `default_tz` was configured or is only the machine's."""
    name = checked_name(draft.name or "")
    if not name:
        raise MissingValue("the name", "give the contact a name, e.g. 'Оюунчимэг Б.'")
    email = _unique_email(checked_email(draft.email), session=session) if draft.email else None
    language = language_of(draft.language or "en")
    region = find_region(draft.region).slug if draft.region is not None else None
    organisation_id = organisation_ids([draft.organisation], session=session)[0] if draft.organisation else None
    where = Whereabouts(region=region, organisation=(draft.organisation or "").strip() or None,
                        organisation_region=usual_region(organisation_id, session=session) if organisation_id
                        else None, language=language if draft.language else None)
    choice = choose_zone(draft.tz, where, default_tz=default_tz, default_from=default_from)
    contact = Contact(name=name, email=email, chat_url=checked_chat(draft.chat or "", chat_schemes),
                      language=language, timezone=choice.zone, region=region, organisation_id=organisation_id,
                      created_at=now)
    if contact.email is None and contact.chat_url is None:
        raise MissingValue("an address", "give an {email} address or a {chat} URL so reminders can reach the contact")
    session.add(contact)
    session.flush()
    if draft.groups:
        set_groups(contact, draft.groups, session=session)
    return contact, choice


def edit_contact(ref: str, draft: ContactDraft, *, session: Session, chat_schemes: Sequence[str]) -> Contact:
    """Change what the draft gives; a new chat address only with one of `chat_schemes`, an empty one removes it."""
    contact = find_contact(ref, session=session)
    if draft.name is not None and draft.name.strip():
        contact.name = checked_name(draft.name)
    if draft.email is not None:
        contact.email = _unique_email(checked_email(draft.email), session=session, other_than=contact.id)
    if draft.chat is not None:
        contact.chat_url = checked_chat(draft.chat, chat_schemes)
    if draft.language is not None:
        contact.language = language_of(draft.language)
    if draft.region is not None:  # a move: the zone follows the region unless one is given too
        region = find_region(draft.region)
        contact.region, contact.timezone = region.slug, region.timezone
    if draft.tz is not None:
        contact.timezone = checked_zone_name(draft.tz) or contact.timezone
    if draft.organisation is not None:
        contact.organisation_id = (
            organisation_ids([draft.organisation], session=session)[0] if draft.organisation.strip() else None
        )
    session.add(contact)
    session.flush()
    if draft.groups is not None:
        set_groups(contact, [g for g in draft.groups if g.strip()], session=session)
    return contact


def remove_contact(ref: str, *, session: Session, now: datetime) -> Contact:
    """Remove a contact; its pending deliveries are cancelled, the log of sent ones stays."""
    contact = find_contact(ref, session=session)
    pending = session.exec(select(Delivery).where(
        col(Delivery.contact_id) == contact.id,
        col(Delivery.status).in_([DeliveryStatus.pending, DeliveryStatus.claimed, DeliveryStatus.held]),
    )).all()
    for delivery in pending:
        delivery.status = DeliveryStatus.cancelled
        delivery.last_error = "contact removed"
        delivery.updated_at = now
        session.add(delivery)
    session.flush()
    session.delete(contact)
    session.flush()
    return contact


def list_contacts(*, session: Session) -> list[Contact]:
    return list(session.exec(select(Contact).order_by(col(Contact.name), col(Contact.id))).all())


def organisation_name(contact: Contact, *, session: Session) -> str | None:
    if contact.organisation_id is None:
        return None
    org = session.get(Organisation, contact.organisation_id)
    return org.name if org else None
