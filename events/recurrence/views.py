"""Series as the occurrences people see: one `EventView` per occurrence in a window."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import datetime

from events.recurrence.expand import Series, occurrences
from events.views import EventView


def series_of(view: EventView) -> Series:
    return Series(view.start, view.end, view.all_day, view.timezone, view.rrule, view.rdates, view.exdates)


def expanded(series: Sequence[EventView], start: datetime | None, end: datetime | None,
             replaced: Mapping[int, set[datetime]]) -> list[EventView]:
    """The occurrences of each series in [start, end), as copies of the series' view with their own start,
    end and `recurrence_id`, and `series_id` pointing at the series."""
    found: list[EventView] = []
    for master in series:
        tz = master.start.tzinfo
        for occurrence in occurrences(series_of(master), start, end, replaced.get(master.id, ())):
            view = copy.copy(master)
            view.start = occurrence.start_utc.astimezone(tz)
            view.end = occurrence.end_utc.astimezone(tz)
            view.recurrence_id = view.start
            view.series_id = master.id
            found.append(view)
    return found
