"""Reading the history back: one record's changes, or everyone's since a moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from events.history.models import HistoryEntry


def entries_for(entity: str, entity_id: int, *, session: Session) -> list[HistoryEntry]:
    """The changes of one record, oldest first."""
    query = (select(HistoryEntry).where(col(HistoryEntry.entity) == entity, col(HistoryEntry.entity_id) == entity_id)
             .order_by(col(HistoryEntry.id)))
    return list(session.exec(query))


def last_entry(entity: str, entity_id: int, *, session: Session) -> HistoryEntry | None:
    query = (select(HistoryEntry).where(col(HistoryEntry.entity) == entity, col(HistoryEntry.entity_id) == entity_id)
             .order_by(col(HistoryEntry.id).desc()).limit(1))
    return session.exec(query).first()


@dataclass(frozen=True, kw_only=True)
class HistoryQuery:
    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    entity: str | None = None
    limit: int | None = None


def search(query: HistoryQuery, *, session: Session) -> list[HistoryEntry]:
    """Changes matching every filter given, oldest first."""
    statement = select(HistoryEntry)
    if query.since is not None:
        statement = statement.where(col(HistoryEntry.at) >= query.since)
    if query.until is not None:
        statement = statement.where(col(HistoryEntry.at) < query.until)
    if query.actor is not None:
        statement = statement.where(col(HistoryEntry.actor) == query.actor)
    if query.entity is not None:
        statement = statement.where(col(HistoryEntry.entity) == query.entity)
    statement = statement.order_by(col(HistoryEntry.id))
    if query.limit is not None:
        statement = statement.limit(query.limit)
    return list(session.exec(statement))
