"""Forgetting a person in the history: a forgotten contact's name and addresses leave every history row."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from events.history.models import HistoryEntry

FORGOTTEN = "(forgotten)"


def _scrubbed(value: Any, texts: list[str], names: list[str]) -> Any:
    if isinstance(value, str) and (any(t in value.casefold() for t in texts) or value.strip().casefold() in names):
        return FORGOTTEN
    if isinstance(value, list):
        return [_scrubbed(v, texts, names) for v in value]
    if isinstance(value, dict):
        return {k: _scrubbed(v, texts, names) for k, v in value.items()}
    return value


def forget_in_history(texts: Iterable[str], *, session: Session, names: Iterable[str] = (), entity: str | None = None,
                      entity_id: int | None = None) -> int:
    """Replace every recorded value holding one of `texts` (addresses, any case), or equal to one of `names`,
    with "(forgotten)", and every value of the record `entity` `entity_id`; returns how many rows changed."""
    wanted = [t.casefold() for t in texts if t and t.strip()]
    exact = [n.strip().casefold() for n in names if n and n.strip()]
    conditions = [func.lower(col(HistoryEntry.changes)).contains(t) for t in [*wanted, *exact]]
    if entity is not None and entity_id is not None:
        conditions.append((col(HistoryEntry.entity) == entity) & (col(HistoryEntry.entity_id) == entity_id))
    if not conditions:
        return 0
    changed = 0
    for entry in session.exec(select(HistoryEntry).where(or_(*conditions))).all():
        values = entry.fields()
        if entry.entity == entity and entry.entity_id == entity_id:
            values = {k: [None if v is None else FORGOTTEN for v in pair] for k, pair in values.items()}
        values = _scrubbed(values, wanted, exact)
        text = json.dumps(values, ensure_ascii=False, sort_keys=True)
        if text != entry.changes:
            entry.changes = text
            session.add(entry)
            changed += 1
    session.flush()
    return changed


def forget_fields(entity: str, entity_ids: Iterable[int], names: Iterable[str], *, session: Session) -> int:
    """Replace the recorded values of the fields `names` of the records `entity` `entity_ids` (e.g. what a
    forgotten participant gave: organisation, comment) with "(forgotten)"; returns how many rows changed."""
    ids = sorted(set(entity_ids))
    fields = set(names)
    if not ids or not fields:
        return 0
    changed = 0
    query = select(HistoryEntry).where(col(HistoryEntry.entity) == entity, col(HistoryEntry.entity_id).in_(ids))
    for entry in session.exec(query).all():
        values = {k: [None if v is None else FORGOTTEN for v in pair] if k in fields else pair
                  for k, pair in entry.fields().items()}
        text = json.dumps(values, ensure_ascii=False, sort_keys=True)
        if text != entry.changes:
            entry.changes = text
            session.add(entry)
            changed += 1
    session.flush()
    return changed


def ids_holding(entity: str, name: str, value: Any, *, session: Session) -> set[int]:
    """The ids of the records `entity` whose recorded field `name` ever held `value` (e.g. the participant
    rows of one contact, removed ones included)."""
    query = select(HistoryEntry).where(col(HistoryEntry.entity) == entity,
                                       func.lower(col(HistoryEntry.changes)).contains(f'"{name}"'))
    return {e.entity_id for e in session.exec(query).all() if value in e.fields().get(name, [])}
