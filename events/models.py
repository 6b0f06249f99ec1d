"""SQLModel records of the store. They know nothing of sessions, engines or the CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import Field, SQLModel

from events.spans import POSTGRESQL_LONG, SQLITE_LONG


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; naive values are refused, reads come back aware in UTC.

    SQLite has no datetime type: values are kept as 'YYYY-MM-DD HH:MM:SS.ffffff' text in UTC (the format
    SQLAlchemy itself uses, so text order is time order), parsed with the C `fromisoformat` on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(32))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store: pass an aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None).isoformat(" ", "microseconds")
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return datetime.fromisoformat(value + "+00:00")  # one C call; .replace() would double the cost
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class EventKind(StrEnum):
    consultation = "consultation"
    signing = "signing"
    round_table = "round_table"
    launch = "launch"
    training = "training"
    campaign_day = "campaign_day"
    meeting = "meeting"
    other = "other"


class EventStatus(StrEnum):
    tentative = "tentative"
    confirmed = "confirmed"
    postponed = "postponed"
    cancelled = "cancelled"
    held = "held"


class Visibility(StrEnum):
    public = "public"
    internal = "internal"
    confidential = "confidential"


LANGUAGES = ("mn", "ky", "ru", "en")


class Region(SQLModel, table=True):
    slug: str = Field(primary_key=True, max_length=40)
    name_en: str = Field(max_length=80)
    name_local: str = Field(max_length=80)
    country: str = Field(max_length=2, index=True)
    level: str = Field(max_length=20)
    timezone: str = Field(max_length=64)


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300, unique=True)


class Programme(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300, unique=True)


class EventPartner(SQLModel, table=True):
    __tablename__ = "event_partner"

    event_id: int = Field(
        sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    )
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisation.id"), primary_key=True, index=True)
    )


class EventBase(SQLModel):
    """The fields a coordinator sets; shared by the table and the create/public shapes."""

    title: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(default=EventKind.meeting, max_length=40, index=True)
    all_day: bool = False
    start_utc: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    # Exclusive end: for all-day events the midnight after the last day, in the event's zone.
    end_utc: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    timezone: str = Field(max_length=64)
    region: str | None = Field(default=None, foreign_key="region.slug", max_length=40, index=True)
    location: str | None = Field(default=None, sa_column=Column(Text))
    description: str | None = Field(default=None, sa_column=Column(Text))
    url: str | None = Field(default=None, sa_column=Column(Text))
    organizer: str | None = Field(default=None, sa_column=Column(Text))
    programme_id: int | None = Field(default=None, foreign_key="programme.id", index=True)
    language: str | None = Field(default=None, max_length=8)
    participants_expected: int | None = None
    participants_actual: int | None = None
    participants_women: int | None = None
    participants_men: int | None = None
    status: str = Field(default=EventStatus.confirmed, max_length=20, index=True)
    visibility: str = Field(default=Visibility.internal, max_length=20)
    # The campaign edition the event belongs to (issue 5), and whether it is part of the yearly programme
    # that `campaign roll` copies to the next edition.
    campaign_edition_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("campaign_edition.id", name="fk_event_campaign_edition"),
                         nullable=True, index=True),
    )
    yearly: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    # A recurring series (issue 11, events/recurrence): its rule (an RFC 5545 RRULE value), RDATEs and
    # EXDATEs (comma-separated UTC instants or dates); start and end above are its first occurrence.
    rrule: str | None = Field(default=None, sa_column=Column(Text))
    rdates: str | None = Field(default=None, sa_column=Column(Text))
    exdates: str | None = Field(default=None, sa_column=Column(Text))


class Event(EventBase, table=True):
    # One index on (start, end), no single-column ones: for a window query SQLite then checks the end
    # bound inside the index and reads only matching rows (about 3x faster than the start index alone).
    __table_args__ = (
        Index("ix_event_window", "start_utc", "end_utc"),
        Index("ix_event_series_window", "recurs", "start_utc"),
        # Only the events longer than a month: a window finds them without reading the rest (events.spans).
        Index("ix_event_long", "end_utc", sqlite_where=text(SQLITE_LONG), postgresql_where=text(POSTGRESQL_LONG)),
    )

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(sa_column=Column(String(255), unique=True, nullable=False))
    sequence: int = 0
    cancel_reason: str | None = Field(default=None, sa_column=Column(Text))
    # Casefolded title, description, location and organizer: one LIKE serves Cyrillic on every backend.
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    # Set on a series (it has a rule or RDATEs); window queries look up series apart from single events.
    recurs: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    # The end of a series' last occurrence; NULL while it goes on (no COUNT or UNTIL).
    series_end_utc: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    # An override: the series it changes one occurrence of, and that occurrence's original start.
    series_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("event.id", name="fk_event_series", ondelete="CASCADE"), index=True),
    )
    recurrence_utc: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


def search_text_of(values: dict[str, Any]) -> str:
    parts = (values.get(name) for name in ("title", "description", "location", "organizer"))
    return "\n".join(p for p in parts if p).casefold()
