"""Bulk `event edit` and `event cancel`: several ids or a filter, one transaction, all or nothing.

The events are chosen first (`select_events`), so the CLI can ask for one confirmation; then every change
goes through the single-event path (`edit_in`, `cancel_in`: reminders, SEQUENCE, campaign windows,
history) inside one transaction. One bad event rolls back the whole batch. A dry run makes the changes in
that transaction, reports them, and rolls back: what it lists is exactly what would change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlmodel import Session

from calendar_app.app import App
from calendar_app.services import NO_LINK, EventFilter, EventOutcome, cancel_in, edit_in, event_query
from events import queries, services
from events.campaigns.links import CampaignLink
from events.drafts import EventChanges
from events.errors import N_, CalendarAppError, InvalidInput


@dataclass(frozen=True, kw_only=True)
class Selection:
    """Events named by id or uid, and/or filtered (`--where-*`); both given: the named ones that match."""

    refs: Sequence[str] = ()
    where: EventFilter = field(default_factory=EventFilter)
    filtered: bool = False  # a `--where-*` option was given

    @property
    def single(self) -> bool:
        """One event named and no filter: the plain single-event command."""
        return len(self.refs) == 1 and not self.filtered


class NoEventsChosen(InvalidInput):
    def __init__(self) -> None:
        super().__init__(template=N_("no event given: name events by id or uid, or choose them with filters"))


class BatchItemFailed(InvalidInput):
    """One event of a batch failed: the batch rolled back; the message is that event's error."""

    def __init__(self, event_id: int, error: CalendarAppError) -> None:
        super().__init__(template=(N_("event {batch_event}: "), *error.pieces, N_(" (nothing was changed)")),
                         fields=error.fields, batch_event=event_id, **error.values)
        self.exit_code = error.exit_code


class _DryRun(Exception):
    """Not an error: carries a dry run's outcomes out of its transaction, which rolls back as it passes."""

    def __init__(self, outcomes: list[EventOutcome]) -> None:
        super().__init__("dry run")
        self.outcomes = outcomes


def select_events(selection: Selection, *, app: App, now: datetime) -> list[int]:
    """The ids the selection names, in id order; an unknown id or uid is an error (exit 1)."""
    if not selection.refs and not selection.filtered:
        raise NoEventsChosen()
    with app.read() as session:
        named = [_id(ref, session=session) for ref in dict.fromkeys(selection.refs)]
        if not selection.filtered:
            return sorted(set(named))
        query = event_query(replace(selection.where, ids=tuple(named)), app=app, now=now)
        return sorted({view.id for view in queries.list_events(query, session=session)})


def _id(ref: str, *, session: Session) -> int:
    event_id = services.find_event(ref, session=session).id
    assert event_id is not None
    return event_id


def _batch(ids: Sequence[int], change: Callable[[str, Session], EventOutcome], *, app: App,
           dry_run: bool) -> list[EventOutcome]:
    try:
        with app.write() as session:
            outcomes = []
            for event_id in ids:
                try:
                    outcomes.append(change(str(event_id), session))
                except CalendarAppError as error:
                    raise BatchItemFailed(event_id, error) from error
            if dry_run:
                raise _DryRun(outcomes)
    except _DryRun as done:
        return done.outcomes
    return outcomes


def edit_events(ids: Sequence[int], changes: EventChanges, link: CampaignLink = NO_LINK, *, app: App,
                now: datetime, dry_run: bool = False, strict: bool = False) -> list[EventOutcome]:
    """`event edit` of every event in `ids`, in one transaction; with `dry_run`, nothing is kept."""
    return _batch(ids, lambda ref, session: edit_in(ref, changes, link, app=app, session=session, now=now,
                                                    strict=strict), app=app, dry_run=dry_run)


def cancel_events(ids: Sequence[int], reason: str | None, *, app: App, now: datetime,
                  dry_run: bool = False) -> list[EventOutcome]:
    """`event cancel` of every event in `ids`, in one transaction; with `dry_run`, nothing is kept."""
    return _batch(ids, lambda ref, session: cancel_in(ref, reason, app=app, session=session, now=now),
                  app=app, dry_run=dry_run)
