"""A campaign edition day by day: each day's events by region, its public holidays, empty days flagged.

Pure: built from event views, the window and the holidays the caller looked up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from events.campaigns.windows import Window
from events.models import EventStatus
from events.public_holidays import Holiday
from events.views import EventView, event_json


@dataclass(frozen=True)
class EditionInfo:
    """An edition as people and scripts see it."""

    slug: str
    name: str
    year: int
    window: Window
    color: str | None = None
    theme: str | None = None
    themes: Mapping[str, str] = field(default_factory=dict)
    sequence: int = 0
    updated_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "campaign": self.slug, "name": self.name, "year": self.year, "color": self.color,
            "theme": self.theme, "themes": dict(self.themes),
            "window": {"first_day": self.window.first.isoformat(), "last_day": self.window.last.isoformat(),
                       "end_exclusive": self.window.end_exclusive.isoformat(),
                       "lead_in_day": self.window.lead_in.isoformat(), "days": self.window.length},
        }


@dataclass(frozen=True)
class ProgrammeDay:
    day: date
    lead_in: bool
    holidays: tuple[Holiday, ...]
    by_region: tuple[tuple[str | None, tuple[EventView, ...]], ...]

    @property
    def events(self) -> list[EventView]:
        return [e for _, events in self.by_region for e in events]

    @property
    def empty(self) -> bool:
        """A window day with nothing planned (the lead-in day is never flagged)."""
        return not self.lead_in and not self.by_region


@dataclass(frozen=True)
class ProgrammeView:
    edition: EditionInfo
    days: tuple[ProgrammeDay, ...]
    outside: tuple[EventView, ...]  # linked with --allow-outside, on no day of the window
    cancelled: int

    @property
    def empty_days(self) -> list[date]:
        return [d.day for d in self.days if d.empty]


def active(events: Iterable[EventView]) -> list[EventView]:
    return [e for e in events if e.status != EventStatus.cancelled]


def build_programme(
    edition: EditionInfo, events: Sequence[EventView], holidays: Mapping[date, Sequence[Holiday]]
) -> ProgrammeView:
    """Every day from the lead-in day to the last day; a multi-day event shows on each day it touches."""
    live = active(events)
    days = edition.window.days(lead_in=True)
    per_day: dict[date, dict[str | None, list[EventView]]] = {d: defaultdict(list) for d in days}
    placed: set[int] = set()
    for event in live:
        for day in days:
            if event.first_day <= day <= event.last_day:
                per_day[day][event.region].append(event)
                placed.add(event.id)
    result = []
    for day in days:
        regions = per_day[day]
        ordered = sorted(regions, key=lambda r: (r is None, r or ""))
        by_region = tuple(
            (r, tuple(sorted(regions[r], key=lambda e: (not e.all_day, e.start, e.id)))) for r in ordered
        )
        result.append(ProgrammeDay(day, edition.window.is_lead_in(day), tuple(holidays.get(day, ())), by_region))
    outside = tuple(e for e in live if e.id not in placed)
    return ProgrammeView(edition, tuple(result), outside, len(events) - len(live))


def programme_json(programme: ProgrammeView) -> dict[str, Any]:
    return {
        **programme.edition.as_json(),
        "days": [
            {
                "date": d.day.isoformat(),
                "weekday": d.day.strftime("%A"),
                "lead_in": d.lead_in,
                "empty": d.empty,
                "holidays": [{"country": h.country, "name": h.name} for h in d.holidays],
                "event_count": len(d.events),
                "regions": [{"region": r, "events": [event_json(e) for e in evs]} for r, evs in d.by_region],
            }
            for d in programme.days
        ],
        "empty_days": [d.isoformat() for d in programme.empty_days],
        "outside_window": [event_json(e) for e in programme.outside],
        "cancelled": programme.cancelled,
    }
