"""Agenda views: events grouped by the days they touch, each day read in the event's own zone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from events.views import EventView


@dataclass(frozen=True)
class AgendaDay:
    day: date
    events: tuple[EventView, ...]


def agenda_days(events: Iterable[EventView], first: date, last: date) -> list[AgendaDay]:
    """Days from `first` to `last` (inclusive) that have events; a multi-day event shows on each of its days."""
    by_day: dict[date, list[EventView]] = defaultdict(list)
    for event in events:
        day = max(event.first_day, first)
        while day <= min(event.last_day, last):
            by_day[day].append(event)
            day += timedelta(days=1)
    return [
        AgendaDay(day, tuple(sorted(by_day[day], key=lambda e: (not e.all_day, e.start, e.id))))
        for day in sorted(by_day)
    ]
