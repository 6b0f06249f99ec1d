"""RSVP links and answers (issue 12): tokens minted for an invitation, looked up from a link, answers taken.

A token is `secrets.token_urlsafe(24)` (192 random bits); only its SHA-256 is stored. A link works while its
participant is on the list (removing them or deleting the event deletes the tokens) and until the event
ends. Session keyword-only; the caller owns the transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from events.bounds import check_text
from events.errors import N_
from events.models import Event
from events.notify.models import Contact
from events.people.models import Participant, RsvpStatus
from events.people.rsvp_models import RsvpDeadline, RsvpToken
from events.people.services import touch

TOKEN_BYTES = 24
# The three answers a link offers, in the order the mail shows them.
LINK_ANSWERS = (RsvpStatus.accepted, RsvpStatus.tentative, RsvpStatus.declined)
MAX_COMMENT = 2000


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def mint_tokens(participant_id: int, *, session: Session, now: datetime) -> dict[str, str]:
    """Three new tokens for the participant, one per answer: {answer: token}. Only their hashes are kept."""
    return mint_many([participant_id], session=session, now=now)[participant_id]


def mint_many(participant_ids: list[int], *, session: Session, now: datetime) -> dict[int, dict[str, str]]:
    """Three new tokens for each participant, written in one statement: {participant id: {answer: token}}."""
    from sqlalchemy import insert

    minted: dict[int, dict[str, str]] = {}
    rows = []
    for participant_id in participant_ids:
        mine = minted.setdefault(participant_id, {})
        for answer in LINK_ANSWERS:
            token = secrets.token_urlsafe(TOKEN_BYTES)
            rows.append({"token_hash": token_hash(token), "participant_id": participant_id, "answer": answer.value,
                         "created_at": now})
            mine[answer.value] = token
    if rows:
        session.execute(insert(RsvpToken), rows)
    return minted


@dataclass(frozen=True)
class Link:
    """What a valid link opens: the participant, their contact, the event and the answer the link suggests."""

    token: RsvpToken
    participant: Participant
    contact: Contact
    event: Event


def open_link(token: str, *, session: Session, now: datetime) -> Link | None:
    """The link of `token`, or None if it is unknown, revoked (participant removed, event deleted), of a
    forgotten person, or its event has ended. The caller answers None with the plain 404."""
    if not token or len(token) > 100:
        return None
    row = session.exec(select(RsvpToken, Participant, Contact, Event)
                       .join(Participant, col(Participant.id) == RsvpToken.participant_id)
                       .join(Contact, col(Contact.id) == Participant.contact_id)
                       .join(Event, col(Event.id) == Participant.event_id)
                       .where(col(RsvpToken.token_hash) == token_hash(token))).first()
    if row is None:
        return None
    found, participant, contact, event = row
    if now >= event.end_utc:
        return None
    return Link(found, participant, contact, event)


def record_answer(link: Link, answer: str, comment: str | None, *, session: Session, now: datetime) -> Participant:
    """The participant's answer (accepted, tentative, declined) and optional comment, as the page posts it."""
    status = RsvpStatus(answer)
    participant = link.participant
    participant.status = status.value
    if comment is not None:
        participant.comment = check_text(comment.strip(), N_("the comment"), limit=MAX_COMMENT, lines=True) or None
    participant.updated_at = now
    session.add(participant)
    touch(link.event, now, session=session)
    session.flush()
    return participant


def deadline_of(event_id: int, *, session: Session) -> datetime | None:
    row = session.get(RsvpDeadline, event_id)
    return row.rsvp_by_utc if row is not None else None


def set_deadline(event: Event, rsvp_by: datetime | None, *, session: Session) -> None:
    """Ask for answers by `rsvp_by` (None: no deadline)."""
    assert event.id is not None
    row = session.get(RsvpDeadline, event.id)
    if rsvp_by is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(RsvpDeadline(event_id=event.id, rsvp_by_utc=rsvp_by))
    else:
        row.rsvp_by_utc = rsvp_by
        session.add(row)
    session.flush()


def tokens_of(participant_ids: list[int], *, session: Session) -> int:
    """How many tokens the participants have (for tests and reports)."""
    if not participant_ids:
        return 0
    return len(session.exec(select(RsvpToken.id).where(col(RsvpToken.participant_id).in_(participant_ids))).all())
