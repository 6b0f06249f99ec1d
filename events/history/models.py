"""The history table: one row per change of one record."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from events.models import UTCDateTime

# What the history speaks of; participants (and later records) add their own name here.
ENTITIES = ("event", "feed", "contact", "campaign", "edition", "participant")


class HistoryAction(StrEnum):
    add = "add"
    edit = "edit"
    cancel = "cancel"
    delete = "delete"
    undo = "undo"


class HistoryEntry(SQLModel, table=True):
    """One change: `changes` is a JSON object `{field: [from, to]}`; an added record has every `from` null,
    a deleted one every `to` null (so the deleted values are kept, and an undo can restore them)."""

    __tablename__ = "history"
    __table_args__ = (
        Index("ix_history_entity", "entity", "entity_id", "id"),
        Index("ix_history_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    actor: str = Field(max_length=120)
    command: str = Field(max_length=60)
    entity: str = Field(max_length=20)
    entity_id: int
    action: str = Field(max_length=20)
    changes: str = Field(sa_column=Column(Text, nullable=False))
    # For an undo: the entry it reverted.
    undoes: int | None = None

    def fields(self) -> dict[str, list[Any]]:
        """`changes` read back: each field's `[from, to]`."""
        value: dict[str, list[Any]] = json.loads(self.changes)
        return value
