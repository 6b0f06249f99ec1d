"""Undoing one recorded change of an event: what the change was, and the values to put back.

Pure functions over a `HistoryEntry`; the service around them (calendar_app/history/undo.py) does the
database work and re-plans reminders.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from events.errors import N_, CalendarAppError
from events.history.models import HistoryAction, HistoryEntry
from events.models import Event, UTCDateTime

# Values an undo never puts back: the id and uid never change, SEQUENCE only grows (calendar clients
# ignore a lower one), and the creation time stays what it was.
NEVER_RESTORED = frozenset({"id", "uid", "sequence", "created_at"})
# Not columns of the event: restored by the service.
LINKS = frozenset({"partners"})


class UndoKind(StrEnum):
    """What undoing the entry does to the event."""

    cancel = "cancel"  # the entry added the event: cancelling keeps it in feeds and tells those reminded
    delete = "delete"  # the entry brought a deleted event back, or added an override: it goes again
    restore = "restore"  # the entry deleted the event: it comes back with every recorded value
    revert = "revert"  # the entry changed fields: they get their earlier values


class NothingToUndo(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, ref: str | int) -> None:
        super().__init__(template=N_("event {ref!r} has no recorded change to undo: {list_events} for the events"),
                         ref=ref)


def undo_kind(entry: HistoryEntry) -> UndoKind:
    changes = entry.fields()
    uid = changes.get("uid")
    if uid is not None and uid[0] is None:  # the event did not exist before this entry
        override = changes.get("series_id", [None, None])[1] is not None
        # An override (one occurrence moved or cancelled) goes: the occurrence follows its rule again. An
        # event someone added is cancelled instead, so feeds and those reminded hear of it.
        return UndoKind.cancel if entry.action == HistoryAction.add and not override else UndoKind.delete
    if uid is not None and uid[1] is None:
        return UndoKind.restore
    return UndoKind.revert


def _column_value(name: str, value: Any) -> Any:
    column = Event.__table__.columns.get(name)  # type: ignore[attr-defined]
    if value is not None and column is not None and isinstance(column.type, UTCDateTime):
        return datetime.fromisoformat(value)
    return value


def earlier_values(entry: HistoryEntry) -> dict[str, Any]:
    """The event's values before the entry's change, as Python values for its columns (and `partners`)."""
    return {name: _column_value(name, pair[0]) for name, pair in entry.fields().items()}


def restorable(values: dict[str, Any]) -> dict[str, Any]:
    """The column values an undo sets on the event."""
    columns = set(Event.__table__.columns.keys())  # type: ignore[attr-defined]
    return {k: v for k, v in values.items() if k in columns and k not in NEVER_RESTORED}
