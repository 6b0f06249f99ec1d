"""Recording a change: the values before and after, compared field by field."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Table, insert
from sqlmodel import Session, SQLModel

from events.history.models import HistoryAction, HistoryEntry

# Bookkeeping that changes with every write and tells a reader nothing.
NOT_RECORDED = frozenset({"id", "search_text", "updated_at"})
# Secrets (token hashes; chat URLs, which carry bot tokens): the history says that they changed, never what
# they are.
SECRETS = frozenset({"token_hash", "secret_hash", "password_hash", "chat_url"})
MAX_ACTOR = 120
_PLAIN = frozenset({str, int, bool, float})
MAX_COMMAND = 60


def json_value(value: Any) -> Any:
    """A stored value as JSON: times as ISO 8601 (UTC with its offset), enums as their value."""
    if value is None or type(value) in _PLAIN:  # most columns; exact types, so a StrEnum still goes below
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        # One spelling per instant: a value read back from the store and one just parsed must compare equal.
        return (value.astimezone(UTC) if value.tzinfo is not None else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):  # a copy: a later change in place must not change the snapshot
        return copy.deepcopy(value)
    return value


def snapshot(row: SQLModel, *, skip: Iterable[str] = NOT_RECORDED, **extra: Any) -> dict[str, Any]:
    """Every column of a stored record as JSON-ready values (plus `extra`, e.g. an event's partners); the
    columns come from the table, so columns added later are recorded without a change here."""
    table = type(row).__table__  # type: ignore[attr-defined]
    return snapshot_values(table, {c.name: getattr(row, c.name) for c in table.columns}, skip=skip, **extra)


def snapshot_values(table: Table, values: Mapping[Any, Any], *, skip: Iterable[str] = NOT_RECORDED,
                    **extra: Any) -> dict[str, Any]:
    """`snapshot` of a row read with Core (`values`: the row of `table` by column name)."""
    names, secrets = _recorded(table, frozenset(skip))
    state = {name: json_value(values[name]) for name in names}
    for name in secrets:  # a short digest shows that it changed, not what it is
        if values[name] is not None:
            state[name] = f"(secret {hashlib.sha256(str(values[name]).encode()).hexdigest()[:6]})"
    state.update({k: json_value(v) for k, v in extra.items()})
    return state


@functools.cache
def _recorded(table: Table, skip: frozenset[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The columns of `table` a snapshot keeps, and those of them that hold secrets."""
    names = tuple(c.name for c in table.columns if c.name not in skip)
    return names, tuple(n for n in names if n in SECRETS)


def changes_of(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, list[Any]]:
    """`{field: [from, to]}` for the fields that differ (for a record added or deleted: every field that has a
    value, so the history keeps all of a deleted record)."""
    old = dict(before or {})
    new = dict(after or {})
    names = list(dict.fromkeys([*old, *new]))
    return {name: [old.get(name), new.get(name)] for name in names if old.get(name) != new.get(name)}


def record_change(session: Session, entity: str, entity_id: int, before: Mapping[str, Any] | None,
                  after: Mapping[str, Any] | None, *, actor: str, command: str, now: datetime,
                  action: HistoryAction | None = None, undoes: int | None = None) -> HistoryEntry | None:
    """Add one history row for a change of `entity` `entity_id` from `before` to `after` (None: the record
    did not exist / no longer exists), in the caller's transaction. A change that changed nothing records
    nothing and returns None. `action` defaults to add, delete or edit by what `before`/`after` are."""
    changes = changes_of(before, after)
    if not changes:
        return None
    if action is None:
        action = HistoryAction.add if before is None else HistoryAction.delete if after is None else HistoryAction.edit
    entry = HistoryEntry(at=now, actor=actor[:MAX_ACTOR], command=command[:MAX_COMMAND], entity=entity,
                         entity_id=entity_id, action=action.value,
                         changes=json.dumps(changes, ensure_ascii=False, sort_keys=True), undoes=undoes)
    session.add(entry)
    session.flush()
    return entry


def record_adds(session: Session, entity: str, states: Iterable[tuple[int, Mapping[str, Any]]], *, actor: str,
                command: str, now: datetime) -> None:
    """`record_change` of many records just added (`states`: each id and its state), in one statement."""
    rows = [{"at": now, "actor": actor[:MAX_ACTOR], "command": command[:MAX_COMMAND], "entity": entity,
             "entity_id": entity_id, "action": HistoryAction.add.value, "undoes": None,
             "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True)}
            for entity_id, state in states
            # changes_of(None, state), without its general case
            if (changes := {name: [None, value] for name, value in state.items() if value is not None})]
    if rows:
        session.execute(insert(HistoryEntry.__table__), rows)  # type: ignore[attr-defined]
