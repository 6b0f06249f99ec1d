"""Records of the feeds area: the feeds people subscribe to and the cache of rendered VEVENTs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Integer, LargeBinary, String, Text, false
from sqlmodel import Field, SQLModel

from events.models import UTCDateTime

DEFAULT_CANCELLED_DAYS = 30
# In `Feed.alarms`: show each event's reminder plan as VALARMs (see exports.alarm_plan).
PLAN_TOKEN = "plan"


class Feed(SQLModel, table=True):
    """A named selection of events published as iCalendar (PRODUCT.md section 3)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    # JSON object of filter lists: kinds, regions, partners, programmes, statuses, visibilities.
    filters: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    private: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    detail: str = Field(default="full", max_length=10)
    # A private feed's secret tokens are FeedToken rows (issue 13: several per feed, each revocable).
    cancelled_days: int = DEFAULT_CANCELLED_DAYS
    color: str | None = Field(default=None, max_length=40)
    # VALARM offsets in minutes before the start, comma-separated; empty: no alarms (the default). The
    # reserved token "plan" (first when present, e.g. "plan" or "plan,1440") adds each event's reminder
    # plan as VALARMs (`feed add --alarms-from-reminders`, see exports.alarm_plan); no migration needed.
    alarms: str = Field(default="", sa_column=Column(String(200), nullable=False, server_default=""))
    description: str | None = Field(default=None, sa_column=Column(Text))
    # Private feeds only: carry the workflow tasks of the feed's events as VTODOs (exports.todo).
    tasks: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    # Private full-detail feeds only: carry each event's participants as ATTENDEE lines (never for
    # confidential events; see exports.attendees).
    attendees: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class FeedToken(SQLModel, table=True):
    """One secret token of a private feed: only its sha256 is kept, with a short prefix to tell tokens apart,
    a label ("Bishkek office") and when it was made and revoked. A revoked token answers 404, as an unknown one."""

    __tablename__ = "feed_token"

    id: int | None = Field(default=None, primary_key=True)
    feed_id: int = Field(sa_column=Column(Integer, ForeignKey("feed.id", ondelete="CASCADE"), nullable=False,
                                          index=True))
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    # The first characters of the token (36 of its 256 bits), shown by `feed token list`; None for a token
    # made before tokens were listed (migration 0008), whose characters were never kept.
    prefix: str | None = Field(default=None, sa_column=Column(String(8)))
    label: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class RenderedEvent(SQLModel, table=True):
    """One event's VEVENT bytes at one detail level; `version` says which state of the event they show."""

    __tablename__ = "rendered_event"

    event_id: int = Field(
        sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    )
    # The detail level, plus the alarm offsets when the feed has any (see exports.render.variant_key).
    detail: str = Field(sa_column=Column(String(220), primary_key=True))
    version: str = Field(sa_column=Column(String(80), nullable=False))
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ImportedText(SQLModel, table=True):
    """The digest of the VEVENT text (and the import's options) an event was last imported from, its SEQUENCE
    and what that import noted: importing the same text again is `unchanged` without parsing it
    (exports.upsert). Only plain events have one; a series and its overrides are always read."""

    __tablename__ = "imported_text"

    event_id: int = Field(
        sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    )
    digest: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    sequence: int = Field(sa_column=Column(Integer, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
