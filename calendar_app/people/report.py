"""`report participants`: the events of a period with their figures (from attendance lists where kept)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from calendar_app.app import App
from calendar_app.services import parse_window
from events import queries
from events.drafts import choice
from events.people.models import Participant
from events.people.report import GroupBy, ParticipantsReport, build_report
from events.timeparse import zone

_DATE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")


def _people(event_ids: list[int], *, app: App) -> int:
    """Different people marked attended at these events (forgotten ones are no longer told apart)."""
    table = Participant.__table__  # type: ignore[attr-defined]
    with app.read() as session:
        known: set[int] = set()
        for offset in range(0, len(event_ids), 500):
            known.update(session.execute(
                select(func.distinct(table.c.contact_id)).where(
                    table.c.attended.is_(True), table.c.contact_id.is_not(None),
                    table.c.event_id.in_(event_ids[offset:offset + 500]))).scalars())
        return len(known)


def participants_report(start: str | None, end: str | None, by: str | None, *, app: App,
                        now: datetime) -> ParticipantsReport:
    """The report of the events overlapping `start`..`end` (a date alone as `end` is the last day, inclusive)."""
    if end is not None and _DATE.match(end):
        end = (date.fromisoformat(end.strip()) + timedelta(days=1)).isoformat()
    first, after = parse_window(start, end, default_tz=app.settings.default_tz, now=now)
    grouping = choice(GroupBy, by, "grouping") if by else None
    with app.read() as session:
        views = queries.list_events(queries.EventQuery(start=first, end=after), session=session)
    tz = zone(app.settings.default_tz)
    last = (after.astimezone(tz) - timedelta(microseconds=1)).date() if after else None
    live = [v.id for v in views if v.status != "cancelled"]
    return build_report(views, by=grouping, start=first.astimezone(tz).date() if first else None, end=last,
                        people=_people(live, app=app))
