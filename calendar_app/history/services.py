"""What `event history` and `history` call: the recorded changes, as data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from calendar_app.history.tracking import EVENT
from events.bounds import check_optional_text
from events.errors import N_, Field, UnknownChoice
from events.history import ENTITIES, HistoryEntry
from events.history.queries import HistoryQuery, entries_for, search
from events.timeparse import parse_datetime, zone

if TYPE_CHECKING:
    from calendar_app.app import App


@dataclass(frozen=True)
class Change:
    """One history line as shown: times aware (UTC), `changes` as `{field: [from, to]}`."""

    id: int
    at: datetime
    actor: str
    command: str
    entity: str
    entity_id: int
    action: str
    changes: dict[str, list[Any]]
    undoes: int | None


def _change(entry: HistoryEntry) -> Change:
    assert entry.id is not None
    return Change(entry.id, entry.at, entry.actor, entry.command, entry.entity, entry.entity_id, entry.action,
                  entry.fields(), entry.undoes)


def change_json(change: Change) -> dict[str, Any]:
    return {"id": change.id, "at": change.at.isoformat(), "actor": change.actor, "command": change.command,
            "entity": change.entity, "entity_id": change.entity_id, "action": change.action,
            "changes": {name: {"from": pair[0], "to": pair[1]} for name, pair in change.changes.items()},
            "undoes": change.undoes}


def event_history(ref: str, *, app: App) -> list[Change]:
    """The changes of one event, oldest first; a deleted event is named by its id."""
    from calendar_app.history.undo import _event_id

    with app.read() as session:
        return [_change(e) for e in entries_for(EVENT, _event_id(ref, session=session), session=session)]


def history(since: str | None, until: str | None, actor: str | None, entity: str | None, *, app: App,
            now: datetime, limit: int | None = None) -> list[Change]:
    """Every change since/until a moment (dates in the user's zone), by one person, of one kind of record."""
    tz = zone(app.settings.default_tz)
    first = parse_datetime(since, tz=tz, now=now, what=Field.FROM) if since else None
    last = parse_datetime(until, tz=tz, now=now, what=Field.TO) if until else None
    check_optional_text(actor, N_("the user name"))
    if entity is not None and entity not in ENTITIES:
        raise UnknownChoice(N_("kind of record"), entity, ENTITIES)
    query = HistoryQuery(since=first, until=last, actor=actor.strip() if actor else None, entity=entity, limit=limit)
    with app.read() as session:
        return [_change(e) for e in search(query, session=session)]
