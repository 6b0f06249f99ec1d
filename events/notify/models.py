"""SQLModel records of reminders and workflows: contacts, recipients, rules, deliveries and tasks.

They know nothing of sessions, channels or the dispatcher. A `Delivery` is the unit that is sent exactly
once: one message to one recipient over one channel for one event at one start time (its unique key).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

import events.campaigns.models  # noqa: F401 - registers campaign_edition, which tasks point at
from events.models import UTCDateTime


class DeliveryStatus(StrEnum):
    pending = "pending"
    claimed = "claimed"
    sent = "sent"
    failed = "failed"
    skipped = "skipped"
    cancelled = "cancelled"
    # Waiting for its event to be confirmed again (the event is postponed): never claimed, never stale;
    # back to pending, re-timed, when the event gets a date again (events.notify.reminders.sync_event).
    held = "held"


class Purpose(StrEnum):
    reminder = "reminder"
    cancellation = "cancellation"
    postponement = "postponement"  # tells those already reminded that the event is postponed
    task = "task"
    # Invitations of participants (issue 12): iMIP REQUEST, an update with a higher SEQUENCE, a CANCEL (the
    # event cancelled, or the participant taken off the list) and a nudge before the answer deadline.
    invitation = "invitation"
    invitation_update = "invitation_update"
    invitation_cancel = "invitation_cancel"
    rsvp_nudge = "rsvp_nudge"


INVITATIONS = (Purpose.invitation, Purpose.invitation_update, Purpose.invitation_cancel, Purpose.rsvp_nudge)


class Contact(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    email: str | None = Field(default=None, sa_column=Column(String(320), unique=True))
    chat_url: str | None = Field(default=None, sa_column=Column(Text))
    language: str = Field(default="en", max_length=8)
    timezone: str = Field(max_length=64)
    # Where the person is (a region slug): the zone defaults from it when none is given (issue 13).
    region: str | None = Field(default=None, foreign_key="region.slug", max_length=40)
    # Contacts of a partner organisation are told about that partner's events.
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class EventRecipient(SQLModel, table=True):
    __tablename__ = "event_recipient"

    event_id: int = Field(sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True))
    contact_id: int = Field(
        sa_column=Column(Integer, ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True, index=True)
    )


class ContactGroup(SQLModel, table=True):
    """A named group a contact belongs to ("gbv-network", "mlsp-focal-points"); events can notify a group."""

    __tablename__ = "contact_group"

    contact_id: int = Field(
        sa_column=Column(Integer, ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True)
    )
    name: str = Field(sa_column=Column(String(80), primary_key=True, index=True))


class EventRecipientGroup(SQLModel, table=True):
    """A group told about an event: its members at the time each delivery is planned."""

    __tablename__ = "event_recipient_group"

    event_id: int = Field(sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True))
    name: str = Field(sa_column=Column(String(80), primary_key=True))


class EventReminderPlan(SQLModel, table=True):
    """Per-event reminder rules; without a row the event follows its kind's defaults."""

    __tablename__ = "event_reminder_plan"

    event_id: int = Field(sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True))
    use_defaults: bool = True
    # Space-separated rule keys such as "start-1d end+3d" (see events.notify.planning.ReminderRule).
    rules: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class SeriesPlan(SQLModel, table=True):
    """How far ahead a series' deliveries are planned: occurrences starting before `planned_until` have
    theirs (events.notify.series). The scheduler extends it; an open-ended series never plans further."""

    __tablename__ = "series_plan"

    event_id: int = Field(sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True))
    planned_until: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))


class Delivery(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint(
            "event_id", "contact_id", "purpose", "rule_key", "channel", "event_start_utc", name="uq_delivery_once"
        ),
        Index("ix_delivery_ready", "status", "ready_utc"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False,
                                           index=True))
    contact_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    )
    purpose: str = Field(default=Purpose.reminder, max_length=20)
    rule_key: str = Field(max_length=60)
    channel: str = Field(default="email", max_length=20)
    address: str = Field(sa_column=Column(Text, nullable=False))
    event_start_utc: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    due_utc: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    # When it may next be claimed: the due time, or later after a failed attempt (back-off).
    ready_utc: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    status: str = Field(default=DeliveryStatus.pending, max_length=20)
    attempts: int = 0
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    claimed_by: str | None = Field(default=None, max_length=80)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    task_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("task.id", ondelete="CASCADE")))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class TaskStatus(StrEnum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class Task(SQLModel, table=True):
    """A workflow step to do: of an event (its kind's workflow) or of a campaign edition (its readiness
    workflow, `campaign_edition_id`); exactly one of the two is set."""

    __table_args__ = (
        UniqueConstraint("event_id", "step", name="uq_task_step"),
        Index("uq_task_edition_step", "campaign_edition_id", "step", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), index=True)
    )
    campaign_edition_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("campaign_edition.id", ondelete="CASCADE"), index=True),
    )
    step: str = Field(max_length=60)
    title: str = Field(sa_column=Column(Text, nullable=False))
    due_utc: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    assignee: str | None = Field(default=None, max_length=320, index=True)
    status: str = Field(default=TaskStatus.open, max_length=20)
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    # Bumped, with `updated_at`, whenever what a feed's VTODO shows of the task changes (due, status).
    sequence: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    updated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


def touch_task(task: Task, now: datetime) -> None:
    """Record a change of a task a feed shows (its VTODO's SEQUENCE and LAST-MODIFIED follow)."""
    task.sequence = (task.sequence or 0) + 1
    task.updated_at = now


def message_id(delivery_id: int, domain: str = "calendar-app") -> str:
    """The e-mail Message-ID of a delivery: the same on every attempt, so a receiver can drop a resend."""
    return f"<delivery-{delivery_id}@{domain}>"
