"""What the CLI calls: one function per command, each one transaction, returning data, never printing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from calendar_app.config import Settings
from calendar_app.db import create_db_engine, session_scope
from calendar_app.kinds import checked_kinds, kinds_for
from calendar_app.schema import ensure_schema
from events import queries, services
from events.agenda import AgendaDay, agenda_days
from events.drafts import EventChanges, NewEventDraft
from events.errors import InvalidTimeRange
from events.models import Event
from events.timeparse import parse_datetime, parse_duration, zone
from events.views import EventView


def open_store(settings: Settings) -> Engine:
    """An engine on the configured database, its schema created or upgraded as needed."""
    engine = create_db_engine(settings.db_url)
    ensure_schema(engine)
    return engine


@dataclass(frozen=True, kw_only=True)
class EventFilter(queries.ListFilters):
    """`event list` filters as typed: the list filters, and a window whose bounds take the date forms of
    PRODUCT.md."""

    start: str | None = None
    end: str | None = None
    days: str | None = None
    text: str | None = None
    limit: int | None = None
    ids: Sequence[int] = field(default_factory=tuple)


def parse_window(
    start: str | None, end: str | None, *, settings: Settings, now: datetime, days: str | None = None
) -> tuple[datetime | None, datetime | None]:
    """`--from`, `--to` (and `--days`) as instants; dates and times without an offset are read in the
    user's zone. An end not after the start is refused."""
    tz = zone(settings.default_tz)
    first = parse_datetime(start, tz=tz, now=now) if start else None
    last = parse_datetime(end, tz=tz, now=now) if end else None
    if days is not None:
        first = first or now
        last = first + parse_duration(days if days[-1:].isalpha() else days + "d")
    if first is not None and last is not None and last <= first:
        raise InvalidTimeRange(first.isoformat(sep=" "), last.isoformat(sep=" "),
                               "give a later --to, or a positive --days")
    return first, last


def event_query(filters: EventFilter, *, settings: Settings, now: datetime) -> queries.EventQuery:
    start, end = parse_window(filters.start, filters.end, days=filters.days, settings=settings, now=now)
    lists = {**queries.filter_lists(filters), "kinds": checked_kinds(filters.kinds)}
    return queries.EventQuery(start=start, end=end, text=filters.text, limit=filters.limit, ids=filters.ids,
                              **lists)


def create_planned_event(draft: NewEventDraft, *, session: Session, settings: Settings, now: datetime) -> Event:
    """Store a new event and plan its reminders and workflow tasks, in the caller's transaction."""
    from calendar_app.notify.planning import plan_notifications  # reminder models: ~100 ms, writes only

    event = services.create_event(draft, session=session, default_tz=settings.default_tz, now=now,
                                  kinds=kinds_for([draft.kind]))
    plan_notifications(event, draft.notify, draft.remind, None if draft.default_reminders else False,
                       session=session, now=now)
    return event


def edit_planned_event(ref: str, changes: EventChanges, *, session: Session, now: datetime) -> Event:
    """Change an event and bring its pending reminders and tasks in line, in the caller's transaction."""
    from calendar_app.notify.planning import plan_notifications

    event = services.edit_event(ref, changes, session=session, now=now, kinds=kinds_for([changes.kind]))
    plan_notifications(event, changes.notify, changes.remind, changes.default_reminders, session=session, now=now)
    return event


def add_event(draft: NewEventDraft, *, settings: Settings, now: datetime) -> EventView:
    engine = open_store(settings)
    with session_scope(engine, write=True) as session:
        event = create_planned_event(draft, session=session, settings=settings, now=now)
        assert event.id is not None
        return queries.view_event(event.id, session=session)


def list_events(filters: EventFilter, *, settings: Settings, now: datetime) -> list[EventView]:
    query = event_query(filters, settings=settings, now=now)
    engine = open_store(settings)
    with session_scope(engine) as session:
        return queries.list_events(query, session=session)


def show_event(ref: str, *, settings: Settings) -> EventView:
    engine = open_store(settings)
    with session_scope(engine) as session:
        event = services.find_event(ref, session=session)
        assert event.id is not None
        return queries.view_event(event.id, session=session)


def edit_event(ref: str, changes: EventChanges, *, settings: Settings, now: datetime) -> EventView:
    engine = open_store(settings)
    with session_scope(engine, write=True) as session:
        event = edit_planned_event(ref, changes, session=session, now=now)
        assert event.id is not None
        return queries.view_event(event.id, session=session)


def cancel_event(ref: str, reason: str | None, *, settings: Settings, now: datetime) -> EventView:
    from calendar_app.notify.planning import plan_notifications

    engine = open_store(settings)
    with session_scope(engine, write=True) as session:
        event = services.cancel_event(ref, reason, session=session, now=now)
        assert event.id is not None
        plan_notifications(event, None, None, None, session=session, now=now)
        return queries.view_event(event.id, session=session)


def delete_event(ref: str, *, settings: Settings) -> EventView:
    engine = open_store(settings)
    with session_scope(engine, write=True) as session:
        event = services.find_event(ref, session=session)
        assert event.id is not None
        view = queries.view_event(event.id, session=session)
        services.delete_event(event.id, session=session)
        return view


def agenda(
    days: int, filters: EventFilter, *, settings: Settings, now: datetime
) -> list[AgendaDay]:
    """The next `days` days from `filters.start` (default today), grouped by day."""
    tz = zone(settings.default_tz)
    first = parse_datetime(filters.start, tz=tz, now=now) if filters.start else now
    first_day = first.astimezone(tz).date()
    last_day = first_day + timedelta(days=max(days, 1) - 1)
    # Widen the query by a day each side: each event's own zone decides which days it touches.
    window = replace(filters, start=None, end=None, days=None)
    query = replace(event_query(window, settings=settings, now=now),
                    start=datetime.combine(first_day - timedelta(days=1), time(), tzinfo=tz),
                    end=datetime.combine(last_day + timedelta(days=2), time(), tzinfo=tz))
    engine = open_store(settings)
    with session_scope(engine) as session:
        events = queries.list_events(query, session=session)
    return agenda_days(events, first_day, last_day)
