"""What the event commands call: one function per command, each one transaction that says whether it reads
or writes, returning data, never printing.

Adding and editing an event has one path, used by the CLI, the tests and the benchmarks alike: store the
event, link it to its campaign edition, plan its reminders and workflow tasks, all in one transaction;
then look up the public holidays it falls on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from calendar_app.app import App
from calendar_app.history.tracking import family_states, record_event, record_family
from calendar_app.kinds import checked_kinds, kinds_for
from events import queries, services
from events.agenda import AgendaDay, agenda_days, in_zone
from events.bounds import check_optional_text, shifted, shifted_day
from events.campaigns.links import CampaignLink, apply_link
from events.clashes import check_clashes
from events.drafts import EventChanges, NewEventDraft
from events.errors import N_, Field, InvalidTimeRange
from events.history import HistoryAction, HistoryEntry
from events.models import Event
from events.recurrence.scopes import WHOLE, Scope
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
    """A stored event as shown, the warnings about it (public holidays on its dates, clashes), and what the
    change changed (`{field: [from, to]}` as the history records it)."""

    view: EventView
    warnings: tuple[str, ...] = ()
    changes: dict[str, list[Any]] = field(default_factory=dict)


NO_LINK = CampaignLink()
# The fields whose change can make an edited event clash with another.
CLASH_FIELDS = frozenset({"title", "start_utc", "end_utc", "status", "region", "organizer", "partners"})


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
    check_optional_text(filters.text, N_("the search text"))
    start, end = parse_window(filters.start, filters.end, days=filters.days, default_tz=app.settings.default_tz,
                              now=now)
    lists = {**queries.filter_lists(filters), "kinds": checked_kinds(filters.kinds, app=app)}
    return queries.EventQuery(start=start, end=end, text=filters.text, limit=filters.limit, ids=filters.ids,
                              **lists)


def _plan(event: Event, notify: Sequence[str] | None, remind: Sequence[str] | None, use_defaults: bool | None, *,
          app: App, session: Session, now: datetime) -> None:
    from calendar_app.notify.planning import plan_notifications  # reminder models: ~100 ms, writes only

    plan_notifications(event, notify, remind, use_defaults, app=app, session=session, now=now)


def plan_event(event: Event, *, app: App, session: Session, now: datetime) -> None:
    """Bring the event's pending reminders and tasks in line with it as stored (recipients and rules kept)."""
    _plan(event, None, None, None, app=app, session=session, now=now)


def _may_clash(entry: HistoryEntry | None) -> bool:
    return entry is not None and not CLASH_FIELDS.isdisjoint(entry.fields())


def _holiday_warnings(view: EventView, app: App) -> tuple[str, ...]:
    from calendar_app.holidays import holiday_overrides, holiday_warnings

    return holiday_warnings(view, holiday_overrides(app.settings))


def add_event(draft: NewEventDraft, link: CampaignLink = NO_LINK, *, app: App, now: datetime,
              strict: bool = False, command: str = "event add") -> EventOutcome:
    """`event add`: the event, its campaign link, its reminders and tasks, its line in the history; warnings
    for public holidays and clashes (with `strict`, a clash refuses the event)."""
    with app.write() as session:
        event, notes = services.create_event_noted(draft, session=session, default_tz=app.settings.default_tz,
                                                   now=now, kinds=kinds_for([draft.kind], app=app))
        _plan(event, draft.notify, draft.remind, None if draft.default_reminders else False, app=app,
              session=session, now=now)
        apply_link(event, link, session=session)
        assert event.id is not None
        clashes = check_clashes(event, session=session, strict=strict)
        record_event(event.id, None, app=app, session=session, command=command, now=now)
        view = queries.view_event(event.id, session=session)
    return EventOutcome(view, notes + clashes + _holiday_warnings(view, app))


def _replan_series(ref: str, changed: Event, *, app: App, session: Session, now: datetime) -> None:
    """A scoped change touched more than `changed`: the series it came from (ended early, or with an
    occurrence replaced) re-plans its reminders too."""
    original = services.find_event(ref, session=session)
    series_id = original.series_id if original.series_id is not None else original.id
    for row_id in {series_id, changed.series_id} - {changed.id, None}:
        row = session.get(Event, row_id)
        if row is not None:
            _plan(row, None, None, None, app=app, session=session, now=now)


def edit_in(ref: str, changes: EventChanges, link: CampaignLink = NO_LINK, *, app: App, session: Session,
            now: datetime, strict: bool = False, command: str = "event edit", scope: Scope = WHOLE,
            rsvp_by: str | None = None) -> EventOutcome:
    """`edit_event` inside the caller's transaction (a bulk edit makes many in one). `rsvp_by`: the answer
    deadline of its participants ('' for none)."""
    before = family_states(services.find_event(ref, session=session), session=session)
    event, notes = services.edit_event_noted(ref, changes, session=session, now=now,
                                             kinds=kinds_for([changes.kind], app=app), scope=scope)
    if rsvp_by is not None:
        from calendar_app.people.services import set_deadline

        set_deadline(event, rsvp_by, app=app, session=session, now=now)
    _plan(event, changes.notify, changes.remind, changes.default_reminders, app=app, session=session, now=now)
    if scope.text is not None:
        _replan_series(ref, event, app=app, session=session, now=now)
    apply_link(event, link, session=session)
    assert event.id is not None
    entry = record_family(before, event.id, app=app, session=session, command=command, now=now)
    clashes = check_clashes(event, session=session, strict=strict) if _may_clash(entry) else ()
    view = queries.view_event(event.id, session=session)
    return EventOutcome(view, notes + clashes, entry.fields() if entry is not None else {})


def edit_event(ref: str, changes: EventChanges, link: CampaignLink = NO_LINK, *, app: App, now: datetime,
               scope: Scope = WHOLE, strict: bool = False, command: str = "event edit",
               rsvp_by: str | None = None) -> EventOutcome:
    """`event edit`: a linked event that moves must stay in its window unless `--allow-outside`; pending
    reminders and tasks follow the change, and the history records it. `scope`: one occurrence, this and
    following, or all. A change that makes the event clash warns (with `strict`, refuses)."""
    with app.write() as session:
        outcome = edit_in(ref, changes, link, app=app, session=session, now=now, strict=strict, command=command,
                          scope=scope, rsvp_by=rsvp_by)
    moved = changes.start is not None or changes.end is not None or changes.duration is not None
    return replace(outcome, warnings=outcome.warnings + (_holiday_warnings(outcome.view, app) if moved else ()))


def list_events(filters: EventFilter, *, app: App, now: datetime) -> list[EventView]:
    query = event_query(filters, app=app, now=now)
    with app.read() as session:
        return queries.list_events(query, session=session)


def show_event(ref: str, *, app: App) -> EventView:
    with app.read() as session:
        event = services.find_event(ref, session=session)
        assert event.id is not None
        return queries.view_event(event.id, session=session)


@dataclass(frozen=True)
class SeriesOutline:
    """A series for people: its rule in words and its next occurrences (changed ones as changed)."""

    words: str
    upcoming: tuple[EventView, ...]


def series_outline(view: EventView, *, app: App, now: datetime, count: int = 5,
                   language: str | None = None) -> SeriesOutline | None:
    """`event show` of a series, its rule in words in `language` (default: the configured one); None for an
    event that does not repeat."""
    from events.recurrence.describe import describe_rule
    from events.recurrence.rules import rule_until

    if not (view.rrule or view.rdates):
        return None
    language = language or app.settings.lang
    until = None
    if view.rrule and "UNTIL=" in view.rrule:
        until = rule_until(view.rrule, all_day=view.all_day, tz=zone(view.timezone))
    words = describe_rule(view.rrule, language=language, until=until) if view.rrule else ""
    horizon = shifted(now, timedelta(days=3660), Field.DAYS)
    with app.read() as session:
        overrides = [row_id for row_id, in session.execute(
            select(Event.__table__.c.id).where(Event.__table__.c.series_id == view.id))]  # type: ignore[attr-defined]
        query = queries.EventQuery(ids=(view.id, *overrides), start=now, end=horizon, limit=count)
        upcoming = tuple(queries.list_events(query, session=session))
    return SeriesOutline(words, upcoming)


def cancel_in(ref: str, reason: str | None, *, app: App, session: Session, now: datetime,
              command: str = "event cancel", scope: Scope = WHOLE) -> EventOutcome:
    """`cancel_event` inside the caller's transaction (a bulk cancel makes many in one)."""
    before = family_states(services.find_event(ref, session=session), session=session)
    event = services.cancel_event(ref, reason, session=session, now=now, scope=scope)
    assert event.id is not None
    _plan(event, None, None, None, app=app, session=session, now=now)
    if scope.text is not None:
        _replan_series(ref, event, app=app, session=session, now=now)
    entry = record_family(before, event.id, app=app, session=session, command=command, now=now,
                          action=HistoryAction.cancel)
    view = queries.view_event(event.id, session=session)
    return EventOutcome(view, (), entry.fields() if entry is not None else {})


def cancel_event(ref: str, reason: str | None, *, app: App, now: datetime, scope: Scope = WHOLE) -> EventView:
    """`event cancel`: the event, one occurrence (a cancelled override), or this and following (the
    series ends before it); reminders follow, and the history records it."""
    with app.write() as session:
        return cancel_in(ref, reason, app=app, session=session, now=now, scope=scope).view


def delete_event(ref: str, *, app: App, now: datetime | None = None, scope: Scope = WHOLE) -> EventView:
    """`event delete`: for good; with a scope, one occurrence becomes an EXDATE, or the series ends before
    the occurrence. Returns the removed event, or the series as it is now. The history keeps every value
    of a deleted event, so `event undo` can bring it back."""
    when = now or app.now()
    with app.write() as session:
        before = family_states(services.find_event(ref, session=session), session=session)
        if scope.text is not None:
            series = services.delete_event(ref, session=session, now=when, scope=scope)
            _plan(series, None, None, None, app=app, session=session, now=when)
            assert series.id is not None
            record_family(before, series.id, app=app, session=session, command="event delete", now=when)
            return queries.view_event(series.id, session=session)
        event = services.find_event(ref, session=session)
        assert event.id is not None
        view = queries.view_event(event.id, session=session)
        services.delete_event(event.id, session=session)
        record_family(before, view.id, app=app, session=session, command="event delete", now=when)
        return view


def agenda_days_of(days: int, start: str | None, *, app: App, now: datetime,
                   tz: str | None = None) -> tuple[date, date]:
    """The first and last day an agenda of `days` days from `start` (default today) covers, read in `tz`
    (default: the user's zone)."""
    days_tz = zone(tz or app.settings.default_tz)
    first = parse_datetime(start, tz=days_tz, now=now, what=Field.FROM) if start else now
    first_day = first.astimezone(days_tz).date()
    return first_day, shifted_day(first_day, max(days, 1) - 1, Field.DAYS)


def agenda(days: int, filters: EventFilter, *, app: App, now: datetime, tz: str | None = None) -> list[AgendaDay]:
    """The next `days` days from `filters.start` (default today), grouped by day; each event at its own
    local time, or with `tz` every event (and the days) in that zone. `filters.text` and `campaigns` apply."""
    days_tz = zone(tz or app.settings.default_tz)
    first_day, last_day = agenda_days_of(days, filters.start, app=app, now=now, tz=tz)
    # Widen the query by a day each side: each event's own zone decides which days it touches.
    window = replace(filters, start=None, end=None, days=None)
    query = replace(event_query(window, app=app, now=now),
                    start=datetime.combine(shifted_day(first_day, -1, Field.FROM), time(), tzinfo=days_tz),
                    end=datetime.combine(shifted_day(last_day, 2, Field.DAYS), time(), tzinfo=days_tz))
    with app.read() as session:
        events = queries.list_events(query, session=session)
    return agenda_days(in_zone(events, zone(tz)) if tz else events, first_day, last_day)
