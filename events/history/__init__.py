"""The history of changes: who changed which record, when, with which command, from what to what.

Every writer records into one table through `record_change`, in the transaction of the change itself, so a
change that fails leaves no trace and one that commits always has its line. `snapshot` turns any stored
record into the JSON-ready values `record_change` compares.
"""

from __future__ import annotations

from events.history.models import ENTITIES, HistoryAction, HistoryEntry
from events.history.record import changes_of, record_adds, record_change, snapshot, snapshot_values

__all__ = ["ENTITIES", "HistoryAction", "HistoryEntry", "changes_of", "record_adds", "record_change", "snapshot",
           "snapshot_values"]
