"""Agenda views: events grouped by the days they touch, each day read in the event's own zone, or in one
zone for everyone (`in_zone`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

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


def in_zone(events: Iterable[EventView], tz: ZoneInfo) -> list[EventView]:
    """The events with their times read in `tz` (a reader in Ulaanbaatar sees a Khovd meeting at +08).
    All-day events keep their dates: a day is a day wherever it is read. `timezone` stays the event's own."""
    return [event if event.all_day else replace(event, start=event.start.astimezone(tz), end=event.end.astimezone(tz))
            for event in events]
