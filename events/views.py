"""Read-only views of stored events, and their stable JSON form (PRODUCT.md section 2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from events.timeparse import zone


@dataclass(slots=True)
class EventView:
    """An event as people and scripts see it; times are aware and in the event's zone.

    Read-only by convention: not frozen, as a frozen dataclass's __init__ costs ~20 ms per 4,000 events.
    """

    id: int
    uid: str
    title: str
    kind: str
    start: datetime
    end: datetime  # exclusive
    all_day: bool
    timezone: str
    status: str
    visibility: str
    region: str | None
    location: str | None
    description: str | None
    url: str | None
    organizer: str | None
    programme: str | None
    language: str | None
    partners: tuple[str, ...]
    participants_expected: int | None
    participants_actual: int | None
    participants_women: int | None
    participants_men: int | None
    cancel_reason: str | None
    sequence: int
    created_at: datetime
    updated_at: datetime
    campaign: str | None = None  # the campaign's slug (issue 5)
    campaign_year: int | None = None  # the year of its edition
    yearly: bool = False  # part of the yearly programme that `campaign roll` copies
    # Recurrence (issue 11): a series has a rule and/or RDATEs; an occurrence of it, as listed in a window,
    # and an override both have `series_id` (the series) and `recurrence_id` (the original start).
    rrule: str | None = None
    rdates: str | None = None  # stored form (events.recurrence.rules.read_dates reads it)
    exdates: str | None = None
    series_id: int | None = None
    recurrence_id: datetime | None = None
    series_end: datetime | None = None  # the end of a series' last occurrence; None while it goes on
    # Where the actual/women/men figures come from: "typed" numbers, or the "list" of participants marked
    # attended (issue 12, events.people.figures).
    participants_source: str = "typed"

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        """The last day the event touches, inclusive (for all-day events: the day before the end)."""
        return (self.end - timedelta(microseconds=1)).date()


def view_from_row(row: Mapping[str, Any], partners: list[str]) -> EventView:
    tz = zone(row["timezone"])
    return EventView(
        id=row["id"],
        uid=row["uid"],
        title=row["title"],
        kind=row["kind"],
        start=row["start_utc"].astimezone(tz),
        end=row["end_utc"].astimezone(tz),
        all_day=row["all_day"],
        timezone=row["timezone"],
        status=row["status"],
        visibility=row["visibility"],
        region=row["region"],
        location=row["location"],
        description=row["description"],
        url=row["url"],
        organizer=row["organizer"],
        programme=row["programme"],
        language=row["language"],
        partners=tuple(partners),
        participants_expected=row["participants_expected"],
        participants_actual=row["participants_actual"],
        participants_women=row["participants_women"],
        participants_men=row["participants_men"],
        cancel_reason=row["cancel_reason"],
        sequence=row["sequence"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        campaign=row.get("campaign_slug"),
        campaign_year=row.get("campaign_year"),
        yearly=bool(row.get("yearly", False)),
        rrule=row.get("rrule"),
        rdates=row.get("rdates"),
        exdates=row.get("exdates"),
        series_id=row.get("series_id"),
        recurrence_id=_local_or_none(row.get("recurrence_utc"), tz),
        series_end=_local_or_none(row.get("series_end_utc"), tz),
    )


def _local_or_none(value: datetime | None, tz: tzinfo) -> datetime | None:
    return value.astimezone(tz) if value is not None else None


def _date_list(text: str | None, tz: tzinfo) -> list[datetime | date]:
    from events.recurrence.rules import read_dates

    return [v.astimezone(tz) if isinstance(v, datetime) else v for v in read_dates(text)]


def event_json(view: EventView) -> dict[str, Any]:
    """The stable JSON object of an event: keys are kept, new ones may be added.

    Times stay `datetime`/`date` objects: the JSON encoder writes them as ISO 8601 with their offset.
    """
    return {
        "id": view.id,
        "uid": view.uid,
        "title": view.title,
        "kind": view.kind,
        "start": view.start,
        "end": view.end,
        "all_day": view.all_day,
        "first_day": view.first_day,
        "last_day": view.last_day,
        "timezone": view.timezone,
        "status": view.status,
        "visibility": view.visibility,
        "region": view.region,
        "location": view.location,
        "description": view.description,
        "url": view.url,
        "organizer": view.organizer,
        "programme": view.programme,
        "language": view.language,
        "campaign": (
            {"slug": view.campaign, "year": view.campaign_year, "yearly": view.yearly} if view.campaign else None
        ),
        "partners": list(view.partners),
        "participants": {
            "expected": view.participants_expected,
            "actual": view.participants_actual,
            "women": view.participants_women,
            "men": view.participants_men,
        },
        "participants_source": view.participants_source,
        "cancel_reason": view.cancel_reason,
        "sequence": view.sequence,
        "created_at": view.created_at,
        "updated_at": view.updated_at,
        "rrule": view.rrule,
        "rdate": _date_list(view.rdates, zone(view.timezone)) if view.rdates else [],
        "exdate": _date_list(view.exdates, zone(view.timezone)) if view.exdates else [],
        "series_id": view.series_id,
        "recurrence_id": view.recurrence_id,
    }
