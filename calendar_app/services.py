"""What the event commands call: one function per command, each one transaction that says whether it reads
or writes, returning data, never printing.

Adding and editing an event has one path, used by the CLI, the tests and the benchmarks alike: store the
event, link it to its campaign edition, plan its reminders and workflow tasks, all in one transaction;
then look up the public holidays it falls on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time

from sqlmodel import Session

from calendar_app.app import App
from calendar_app.kinds import checked_kinds, kinds_for
from events import queries, services
from events.agenda import AgendaDay, agenda_days
from events.bounds import check_optional_text, shifted, shifted_day
from events.campaigns.links import CampaignLink, apply_link
from events.drafts import EventChanges, NewEventDraft
from events.errors import Field, InvalidTimeRange
from events.models import Event
from events.timeparse import parse_datetime, parse_duration, zone
from events.views import EventView


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


@dataclass(frozen=True)
class EventOutcome:
    """A stored event as shown, and the warnings about it (public holidays on its dates)."""

    view: EventView
    warnings: tuple[str, ...] = ()


NO_LINK = CampaignLink()


def parse_window(
    start: str | None, end: str | None, *, default_tz: str, now: datetime, days: str | None = None
) -> tuple[datetime | None, datetime | None]:
    """`--from`, `--to` (and `--days`) as instants; dates and times without an offset are read in the
    user's zone. An end not after the start is refused."""
    tz = zone(default_tz)
    first = parse_datetime(start, tz=tz, now=now, what=Field.FROM) if start else None
    last = parse_datetime(end, tz=tz, now=now, what=Field.TO) if end else None
    if days is not None:
        first = first or now
        last = shifted(first, parse_duration(days if days[-1:].isalpha() else days + "d", Field.DAYS), Field.DAYS)
    if first is not None and last is not None and last <= first:
        raise InvalidTimeRange(first.isoformat(sep=" "), last.isoformat(sep=" "),
                               "give a later {to}, or a positive {days}")
    return first, last


def event_query(filters: EventFilter, *, app: App, now: datetime) -> queries.EventQuery:
    check_optional_text(filters.text, "the search text")
    start, end = parse_window(filters.start, filters.end, days=filters.days, default_tz=app.settings.default_tz,
                              now=now)
    lists = {**queries.filter_lists(filters), "kinds": checked_kinds(filters.kinds, app=app)}
    return queries.EventQuery(start=start, end=end, text=filters.text, limit=filters.limit, ids=filters.ids,
                              **lists)


def _plan(event: Event, notify: Sequence[str] | None, remind: Sequence[str] | None, use_defaults: bool | None, *,
          app: App, session: Session, now: datetime) -> None:
    from calendar_app.notify.planning import plan_notifications  # reminder models: ~100 ms, writes only

    plan_notifications(event, notify, remind, use_defaults, app=app, session=session, now=now)


def _holiday_warnings(view: EventView, app: App) -> tuple[str, ...]:
    from calendar_app.holidays import holiday_overrides, holiday_warnings

    return holiday_warnings(view, holiday_overrides(app.settings))


def add_event(draft: NewEventDraft, link: CampaignLink = NO_LINK, *, app: App, now: datetime) -> EventOutcome:
    """`event add`: the event, its campaign link, its reminders and tasks; warnings for public holidays."""
    with app.write() as session:
        event, notes = services.create_event_noted(draft, session=session, default_tz=app.settings.default_tz,
                                                   now=now, kinds=kinds_for([draft.kind], app=app))
        _plan(event, draft.notify, draft.remind, None if draft.default_reminders else False, app=app,
              session=session, now=now)
        apply_link(event, link, session=session)
        assert event.id is not None
        view = queries.view_event(event.id, session=session)
    return EventOutcome(view, notes + _holiday_warnings(view, app))


def edit_event(ref: str, changes: EventChanges, link: CampaignLink = NO_LINK, *, app: App,
               now: datetime, rsvp_by: str | None = None) -> EventOutcome:
    """`event edit`: a linked event that moves must stay in its window unless `--allow-outside`; pending
    reminders and tasks follow the change. `rsvp_by`: the answer deadline of its participants ('' for none),
    in the same transaction."""
    with app.write() as session:
        event, notes = services.edit_event_noted(ref, changes, session=session, now=now,
                                                 kinds=kinds_for([changes.kind], app=app))
        if rsvp_by is not None:
            from calendar_app.people.services import set_deadline

            set_deadline(event, rsvp_by, app=app, session=session, now=now)
        _plan(event, changes.notify, changes.remind, changes.default_reminders, app=app, session=session, now=now)
        apply_link(event, link, session=session)
        assert event.id is not None
        view = queries.view_event(event.id, session=session)
    moved = changes.start is not None or changes.end is not None or changes.duration is not None
    return EventOutcome(view, notes + (_holiday_warnings(view, app) if moved else ()))


def list_events(filters: EventFilter, *, app: App, now: datetime) -> list[EventView]:
    query = event_query(filters, app=app, now=now)
    with app.read() as session:
        return queries.list_events(query, session=session)


def show_event(ref: str, *, app: App) -> EventView:
    with app.read() as session:
        event = services.find_event(ref, session=session)
        assert event.id is not None
        return queries.view_event(event.id, session=session)


def cancel_event(ref: str, reason: str | None, *, app: App, now: datetime) -> EventView:
    with app.write() as session:
        event = services.cancel_event(ref, reason, session=session, now=now)
        assert event.id is not None
        _plan(event, None, None, None, app=app, session=session, now=now)
        return queries.view_event(event.id, session=session)


def delete_event(ref: str, *, app: App) -> EventView:
    with app.write() as session:
        event = services.find_event(ref, session=session)
        assert event.id is not None
        view = queries.view_event(event.id, session=session)
        services.delete_event(event.id, session=session)
        return view


def agenda(days: int, filters: EventFilter, *, app: App, now: datetime) -> list[AgendaDay]:
    """The next `days` days from `filters.start` (default today), grouped by day."""
    tz = zone(app.settings.default_tz)
    first = parse_datetime(filters.start, tz=tz, now=now, what=Field.FROM) if filters.start else now
    first_day = first.astimezone(tz).date()
    last_day = shifted_day(first_day, max(days, 1) - 1, Field.DAYS)
    # Widen the query by a day each side: each event's own zone decides which days it touches.
    window = replace(filters, start=None, end=None, days=None)
    query = replace(event_query(window, app=app, now=now),
                    start=datetime.combine(shifted_day(first_day, -1, Field.FROM), time(), tzinfo=tz),
                    end=datetime.combine(shifted_day(last_day, 2, Field.DAYS), time(), tzinfo=tz))
    with app.read() as session:
        events = queries.list_events(query, session=session)
    return agenda_days(events, first_day, last_day)
