"""Records of answering without an account (issue 12): RSVP link tokens and an event's answer deadline.

Contract:
- An `RsvpToken` is one link of one invitation: bound to one participant (so to one event) and carrying the
  answer the link preselects. Only the SHA-256 of the token is stored; the token itself exists only in the
  mail. Removing the participant or deleting the event deletes its tokens (`ON DELETE CASCADE`): revoked.
  A token also stops working once its event has ended (checked against the event as it is at the time).
- An `RsvpDeadline` is the date answers are asked for by (`--rsvp-by`): tentative and needs-action
  participants get one gentle nudge before it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

import events.people.models  # noqa: F401 - registers participant, which tokens point at
from events.models import UTCDateTime


class RsvpToken(SQLModel, table=True):
    __tablename__ = "rsvp_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    participant_id: int = Field(
        sa_column=Column(Integer, ForeignKey("participant.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    answer: str = Field(max_length=20)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class RsvpDeadline(SQLModel, table=True):
    __tablename__ = "rsvp_deadline"

    event_id: int = Field(sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True))
    rsvp_by_utc: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
