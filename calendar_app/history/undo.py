"""`event undo N`: revert the last recorded change of an event, as a new change with its own history line.

- a change of fields: the fields get their earlier values, as `event edit` would set them (SEQUENCE grows
  when attendees see the difference, pending reminders and tasks follow the restored times, feeds show it);
- `event cancel`: the event gets its earlier status back, and its reminders are planned again;
- `event add`: the event is cancelled, not deleted: it stays in feeds as cancelled and those already
  reminded are told (undo again to bring it back);
- `event delete`: the event comes back under its id and uid with every value the history kept, and its
  kind's reminders and tasks are planned again (the contacts it notified are not kept, see docs/history.md);
- the change that made an override of a series (one occurrence moved or cancelled): the override goes and
  the occurrence follows its rule again;
- an undo: undone in turn (a redo).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from calendar_app.history.tracking import EVENT, event_state, record_event
from calendar_app.services import EventOutcome, plan_event
from events import queries, services
from events.bounds import as_id
from events.editing import SIGNIFICANT
from events.errors import EventNotFound
from events.history import HistoryAction, HistoryEntry
from events.history.queries import last_entry
from events.history.undo import NothingToUndo, UndoKind, earlier_values, restorable, undo_kind
from events.models import Event, search_text_of

if TYPE_CHECKING:
    from calendar_app.app import App


def _event_id(ref: str, *, session: Session) -> int:
    """The event's id; a deleted event is named by its id, which the history still knows."""
    try:
        event_id = services.find_event(ref, session=session).id
    except EventNotFound:
        number = as_id(ref.strip())
        if number is None or last_entry(EVENT, number, session=session) is None:
            raise
        return number
    assert event_id is not None
    return event_id


def _set_partners(event_id: int, names: list[str] | None, *, session: Session) -> None:
    services._set_partners(event_id, names or [], session=session)


def _revert(event: Event, values: dict[str, Any], *, session: Session, now: datetime) -> None:
    columns = restorable(values)
    for name, value in columns.items():
        setattr(event, name, value)
    if SIGNIFICANT & columns.keys():
        event.sequence += 1
    event.search_text = search_text_of(event.model_dump())
    event.updated_at = now
    session.add(event)
    session.flush()
    if "partners" in values:
        assert event.id is not None
        _set_partners(event.id, values["partners"], session=session)


def _restore(event_id: int, values: dict[str, Any], *, session: Session, now: datetime) -> Event:
    event = Event(**restorable(values), id=event_id, uid=values["uid"], sequence=(values.get("sequence") or 0) + 1,
                  created_at=values.get("created_at") or now, updated_at=now)
    event.search_text = search_text_of(event.model_dump())
    session.add(event)
    session.flush()
    _set_partners(event_id, values.get("partners"), session=session)
    return event


def _undo(entry: HistoryEntry, event_id: int, *, app: App, session: Session, now: datetime) -> Event | None:
    kind = undo_kind(entry)
    event = session.get(Event, event_id)
    if kind is UndoKind.delete:
        services.delete_event(event_id, session=session)
        return None
    if kind is UndoKind.restore:
        event = _restore(event_id, earlier_values(entry), session=session, now=now)
    elif event is None:  # changed, then deleted outside the history: nothing to put the values on
        raise NothingToUndo(event_id)
    elif kind is UndoKind.cancel:
        event = services.cancel_event(event_id, None, session=session, now=now)
    else:
        _revert(event, earlier_values(entry), session=session, now=now)
    plan_event(event, app=app, session=session, now=now)
    return event


def undo_event(ref: str, *, app: App, now: datetime, command: str = "event undo") -> EventOutcome:
    """Revert the last recorded change of the event `ref`; its view afterwards (as it was, when the undo
    deleted it) and what the undo changed."""
    with app.write() as session:
        event_id = _event_id(ref, session=session)
        entry = last_entry(EVENT, event_id, session=session)
        if entry is None:
            raise NothingToUndo(ref)
        before = event_state(event_id, session=session)
        shown = queries.view_event(event_id, session=session) if before is not None else None
        event = _undo(entry, event_id, app=app, session=session, now=now)
        done = record_event(event_id, before, app=app, session=session, command=command, now=now,
                            action=HistoryAction.undo, undoes=entry.id)
        if event is not None:
            shown = queries.view_event(event_id, session=session)
        assert shown is not None
        return EventOutcome(shown, (), done.fields() if done is not None else {})
