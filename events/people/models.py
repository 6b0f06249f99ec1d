"""The participant record: one contact taking part in one event.

Contract (the invitations, RSVP pages and reminders build on it):
- A `Participant` row ties one `Contact` to one `Event`, at most once (`uq_participant_once`). Deleting
  the event deletes its participants; forgetting the contact (`contact forget`) keeps the row with
  `contact_id` NULL and the personal fields (`organisation`, `comment`) erased, so counts stay.
- `role` and `status` take the values of `ParticipantRole` and `RsvpStatus` (stored as their text);
  `ical_role` / `ical_partstat` give the RFC 5545 ROLE and PARTSTAT of each.
- `attended` is None until attendance is taken, then True (came) or False (absent).
- `sex` is None when not given (unstated), else a `Sex`; `language` overrides the contact's language
  for messages to this participant when set (a registration sheet may say which one they read).
- Times are aware UTC; `updated_at` changes with every change of status, role or attendance.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

import events.notify.models  # noqa: F401 - registers contact, which participants point at
from events.models import UTCDateTime


class ParticipantRole(StrEnum):
    chair = "chair"
    required = "required"
    optional = "optional"
    observer = "observer"


class RsvpStatus(StrEnum):
    needs_action = "needs-action"
    accepted = "accepted"
    tentative = "tentative"
    declined = "declined"
    delegated = "delegated"


class Sex(StrEnum):
    woman = "woman"
    man = "man"
    other = "other"


ICAL_ROLE = {
    ParticipantRole.chair: "CHAIR",
    ParticipantRole.required: "REQ-PARTICIPANT",
    ParticipantRole.optional: "OPT-PARTICIPANT",
    ParticipantRole.observer: "NON-PARTICIPANT",
}


def ical_role(role: str) -> str:
    return ICAL_ROLE.get(ParticipantRole(role), "REQ-PARTICIPANT")


def ical_partstat(status: str) -> str:
    return RsvpStatus(status).value.upper()


class Participant(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("event_id", "contact_id", name="uq_participant_once"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False,
                                           index=True))
    # NULL once the person was forgotten: the row then only counts (sex, attendance).
    contact_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    )
    role: str = Field(default=ParticipantRole.required, max_length=20)
    status: str = Field(default=RsvpStatus.needs_action, max_length=20)
    attended: bool | None = Field(default=None, sa_column=Column(Boolean, nullable=True))
    sex: str | None = Field(default=None, max_length=10)
    organisation: str | None = Field(default=None, sa_column=Column(Text))
    language: str | None = Field(default=None, max_length=8)
    comment: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
