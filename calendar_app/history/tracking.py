"""Recording the change a service makes, in its own transaction: take the state before, make the change,
then `record_*` compares it with the state after and writes one history row (none when nothing changed)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, SQLModel, col, select

from events.history import HistoryAction, HistoryEntry, record_change, snapshot
from events.models import Event, EventPartner, Organisation

if TYPE_CHECKING:
    from calendar_app.app import App

EVENT = "event"


def partner_names(event_id: int, *, session: Session) -> list[str]:
    query = (select(Organisation.name).join(EventPartner, col(EventPartner.organisation_id) == col(Organisation.id))
             .where(col(EventPartner.event_id) == event_id).order_by(col(Organisation.name)))
    return list(session.exec(query))


def event_state(event_id: int | None, *, session: Session) -> dict[str, Any] | None:
    """The event's values as the history keeps them (its columns and partners), None once it is gone."""
    if event_id is None:
        return None
    event = session.get(Event, event_id)
    if event is None:
        return None
    return snapshot(event, partners=partner_names(event_id, session=session))


def record_event(event_id: int, before: dict[str, Any] | None, *, app: App, session: Session, command: str,
                 now: datetime, action: HistoryAction | None = None, undoes: int | None = None) -> HistoryEntry | None:
    """One history row for the change of event `event_id` since `before` (its `event_state` then)."""
    after = event_state(event_id, session=session)
    return record_change(session, EVENT, event_id, before, after, actor=app.settings.actor, command=command,
                         now=now, action=action, undoes=undoes)


def row_state(row: SQLModel | None) -> dict[str, Any] | None:
    return snapshot(row) if row is not None else None


def record_row(entity: str, row_id: int | None, before: dict[str, Any] | None, row: SQLModel | None, *, app: App,
               session: Session, command: str, now: datetime) -> HistoryEntry | None:
    """One history row for a feed, contact, campaign or edition: `before` its `row_state` before the change,
    `row` the record after it (None once deleted)."""
    if row_id is None:
        return None
    return record_change(session, entity, row_id, before, row_state(row), actor=app.settings.actor,
                         command=command, now=now)
