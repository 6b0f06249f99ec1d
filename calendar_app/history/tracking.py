"""Recording the change a service makes, in its own transaction: take the state before, make the change,
then `record_*` compares it with the state after and writes one history row (none when nothing changed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, SQLModel, col, select

from events.history import HistoryAction, HistoryEntry, record_adds, record_change, snapshot, snapshot_values
from events.history.record import NOT_RECORDED
from events.models import Event, EventPartner, Organisation

if TYPE_CHECKING:
    from calendar_app.app import App

EVENT = "event"
PARTICIPANT = "participant"
# Who the history names for an answer given on the RSVP page: the link's holder, not a logged-in user.
RSVP_ACTOR = "RSVP link"
# A participant's row as the history keeps it: who (event, contact ids) and what they gave; never an address.
PARTICIPANT_SKIPPED = NOT_RECORDED | {"created_at"}


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


def record_added_events(added: Sequence[tuple[Mapping[str, Any], Sequence[str]]], *, app: App, session: Session,
                        command: str, now: datetime) -> None:
    """`record_event(id, None, ...)` for each of many events just added (a campaign roll), in one statement:
    `added` holds each event's stored row (every column of the event table) and its partners' names (as
    `partner_names` orders them), e.g. from `queries.stored_and_listed`."""
    table = Event.__table__  # type: ignore[attr-defined]
    states = [(row["id"], snapshot_values(table, row, partners=list(partners))) for row, partners in added]
    record_adds(session, EVENT, states, actor=app.settings.actor, command=command, now=now)


def family_states(event: Event, *, session: Session) -> dict[int, dict[str, Any]]:
    """The states of the event and, for a series or one of its overrides, of every row of that series: a
    change to one occurrence or to this-and-following may write several rows."""
    series_id = event.series_id if event.series_id is not None else event.id
    ids = list(session.exec(select(Event.id).where(
        (col(Event.id) == series_id) | (col(Event.series_id) == series_id))))
    states = {i: event_state(i, session=session) for i in ids if i is not None}
    return {i: state for i, state in states.items() if state is not None}


def record_family(before: dict[int, dict[str, Any]], event_id: int, *, app: App, session: Session, command: str,
                  now: datetime, action: HistoryAction | None = None) -> HistoryEntry | None:
    """One history row for each row of `before` (from `family_states`) or `event_id` that changed; returns
    the row of `event_id`. `action` names the change of `event_id`; the other rows take add/edit/delete."""
    mine = None
    for row_id in dict.fromkeys([*before, event_id]):
        entry = record_event(row_id, before.get(row_id), app=app, session=session, command=command, now=now,
                             action=action if row_id == event_id else None)
        if row_id == event_id:
            mine = entry
    return mine


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


def participant_state(row: SQLModel | None) -> dict[str, Any] | None:
    """A participant's values as the history keeps them: event and contact ids, role, status, attended, sex,
    organisation, language and comment (the contact's name and address stay in the contact's own history)."""
    return snapshot(row, skip=PARTICIPANT_SKIPPED) if row is not None else None


def record_participant(row_id: int | None, before: dict[str, Any] | None, row: SQLModel | None, *, app: App,
                       session: Session, command: str, now: datetime) -> HistoryEntry | None:
    """One history row for the change of a participant: `before` its `participant_state` before the change,
    `row` the participant after it (None once removed)."""
    if row_id is None:
        return None
    return record_change(session, PARTICIPANT, row_id, before, participant_state(row), actor=app.settings.actor,
                         command=command, now=now)
