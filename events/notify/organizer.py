"""Who organises an event, as iCalendar's ORGANIZER needs it: a name and an e-mail address.

An event's `organizer` is free text: an address (`gender@example.mn`), a name (`Жендэрийн үндэсний хороо`),
or both (`Жендэрийн үндэсний хороо gender@example.mn`, `Name <addr>`). A name alone may be a contact's.
Without an address there is no organiser anyone could reply to, and the resolvers say so with None.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from events.notify.contacts import checked_email
from events.notify.errors import InvalidEmail
from events.notify.models import Contact


@dataclass(frozen=True)
class Organizer:
    """An event's organiser: the name to show (None when only the address is known) and the address that
    receives replies (`ORGANIZER;CN=<name>:mailto:<address>`)."""

    name: str | None
    address: str


def split_organizer(text: str | None) -> tuple[str | None, str | None]:
    """The name and the e-mail address in an organiser text, either None when absent. Pure."""
    if not text or not text.strip():
        return None, None
    words = text.split()
    address = next((w.strip("<>,;") for w in words if _is_email(w.strip("<>,;"))), None)
    if address is None:
        return text.strip(), None
    name = " ".join(w for w in words if address not in w).strip()
    return name or None, address


def _is_email(word: str) -> bool:
    try:
        checked_email(word)
    except InvalidEmail:
        return False
    return True


def organizer_from_text(text: str | None) -> Organizer | None:
    """The organiser as the text alone says it (what a feed, rendered without the contacts, shows); None
    without an address in it. Pure."""
    name, address = split_organizer(text)
    return None if address is None else Organizer(name, address)


def organizer_of(text: str | None, *, session: Session) -> Organizer | None:
    """The organiser of an event whose `organizer` is `text`, resolved against the contacts.

    - an address: that address, named as the text names it, else as the contact with that address;
    - a bare name: the one contact of that name (case-insensitive) that has an e-mail address;
    - None when there is no text, or a name matches no contact (or several: we do not guess).
    Reads only; the caller owns the session. Resolve once per event, not once per recipient.
    """
    name, address = split_organizer(text)
    if address is not None:
        if name is None:
            contact = session.exec(select(Contact).where(func.lower(col(Contact.email)) == address.lower())).first()
            name = contact.name if contact is not None else None
        return Organizer(name, address)
    if name is None:
        return None
    # Compared in Python: SQLite's lower() folds ASCII only, and these names are mostly Cyrillic. The length
    # (in characters on both backends) keeps the rows read to a handful.
    same_length = session.exec(select(Contact).where(col(Contact.email).is_not(None),
                                                     func.length(col(Contact.name)) == len(name))).all()
    named = [c for c in same_length if c.name.lower() == name.lower()]
    if len(named) != 1 or named[0].email is None:
        return None
    return Organizer(named[0].name, named[0].email)
