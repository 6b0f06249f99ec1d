"""The rows an import writes, a batch at a time: events with one upsert statement, then their partner links.

The writer (exports.upsert) decides which events are added or updated; this module writes them with Core
statements, one executemany per batch, instead of one ORM object per event (building them cost a third of
an import). An update sets the columns the file gives and leaves the others (a campaign edition, `yearly`)
as they are.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import delete, insert, select
from sqlmodel import Session

from events.models import Event, EventPartner, Organisation, Programme, search_text_of
from events.names import ids_by_name
from exports.importer import Incoming
from exports.models import ImportedText

EVENT = Event.__table__  # type: ignore[attr-defined]
TEXT = ImportedText.__table__  # type: ignore[attr-defined]
KEPT = ("id", "uid", "created_at")  # never changed by an update


@dataclass(frozen=True)
class Stored:
    """What the writer needs of a stored event to decide: its id, SEQUENCE and place in a series."""

    id: int
    sequence: int
    series_id: int | None
    recurrence_utc: datetime | None


def stored_events(uids: Sequence[str], *, session: Session) -> dict[str, Stored]:
    rows = session.execute(select(EVENT.c.uid, EVENT.c.id, EVENT.c.sequence, EVENT.c.series_id,
                                  EVENT.c.recurrence_utc).where(EVENT.c.uid.in_(list(uids))))
    return {uid: Stored(id_, sequence, series_id, recurrence) for uid, id_, sequence, series_id, recurrence in rows}


@cache
def _defaults() -> dict[str, Any]:
    """The values a new event takes for the columns an import does not give (as the model's defaults)."""
    found = {}
    for column in EVENT.columns:
        field = Event.model_fields.get(column.name)
        if column.name in KEPT or field is None:
            continue
        default = field.get_default(call_default_factory=True)
        if default is not PydanticUndefined:
            found[column.name] = default
    return found


def columns_of(item: Incoming) -> dict[str, Any]:
    return {**item.values, "start_utc": item.span.start_utc, "end_utc": item.span.end_utc,
            "all_day": item.span.all_day, "timezone": item.span.timezone, "sequence": item.sequence,
            "search_text": search_text_of(item.values)}


def _dialect_insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    module = importlib.import_module(f"sqlalchemy.dialects.{'postgresql' if dialect == 'postgresql' else 'sqlite'}")
    return module.insert(table)


def _upsert(session: Session, rows: list[dict[str, Any]], changed: Sequence[str]) -> None:
    statement = _dialect_insert(session, EVENT)
    statement = statement.on_conflict_do_update(index_elements=[EVENT.c.uid],
                                                set_={name: statement.excluded[name] for name in changed})
    session.execute(statement, rows)


def write_events(items: Sequence[Incoming], *, session: Session, now: datetime) -> dict[str, int]:
    """Insert or update the events of `items` (by UID); returns their ids by UID."""
    if not items:
        return {}
    programmes = ids_by_name(Programme, {item.programme for item in items if item.programme}, session=session)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for item in items:
        columns = columns_of(item)
        columns["programme_id"] = programmes.get(item.programme.strip()) if item.programme else None
        columns["updated_at"] = now
        row = {**_defaults(), **columns, "uid": item.uid, "created_at": now}
        groups.setdefault(tuple(columns), []).append(row)
    for changed, rows in groups.items():
        _upsert(session, rows, changed)
    uids = [item.uid for item in items]
    return dict(session.execute(select(EVENT.c.uid, EVENT.c.id).where(EVENT.c.uid.in_(uids))).all())


def write_partners(items: Sequence[tuple[Incoming, int, bool]], *, session: Session) -> None:
    """Make the partner links of the written events (item, id, new) those of the file."""
    links = EventPartner.__table__  # type: ignore[attr-defined]
    updated = [event_id for _, event_id, new in items if not new]
    if updated:
        session.execute(delete(links).where(links.c.event_id.in_(updated)))
    organisations = ids_by_name(Organisation, {p for item, _, _ in items for p in item.partners}, session=session)
    rows = [{"event_id": event_id, "organisation_id": organisations[name]}
            for item, event_id, _ in items for name in dict.fromkeys(p.strip() for p in item.partners if p.strip())]
    if rows:
        session.execute(insert(links), rows)


@dataclass(frozen=True)
class Known:
    """A stored event imported from the same text, that the same text leaves unchanged."""

    uid: str
    note: str


def imported_texts(digests: Sequence[str], *, session: Session) -> dict[str, Known]:
    """The events imported from these texts (by digest) that importing them again leaves as they are: the
    rule of exports.upsert for a plain event (a SEQUENCE no higher than the stored one, not in a series)."""
    # The rule is checked here, not in SQL: with it there, SQLite walked every event without a series.
    rows = session.execute(
        select(TEXT.c.digest, EVENT.c.uid, TEXT.c.note, TEXT.c.sequence, EVENT.c.sequence, EVENT.c.series_id,
               EVENT.c.recurrence_utc).join(EVENT, EVENT.c.id == TEXT.c.event_id)
        .where(TEXT.c.digest.in_(list(digests))))
    return {digest: Known(uid, note) for digest, uid, note, read, stored, series_id, recurrence in rows
            if stored >= read and series_id is None and recurrence is None}


def keep_texts(items: Sequence[tuple[Incoming, int]], *, session: Session) -> None:
    """Remember the text each of these events (item, id) was imported from (see `imported_texts`)."""
    if not items:
        return
    statement = _dialect_insert(session, TEXT)
    statement = statement.on_conflict_do_update(
        index_elements=[TEXT.c.event_id], set_={name: statement.excluded[name] for name in ("digest", "sequence",
                                                                                             "note")})
    session.execute(statement, [{"event_id": event_id, "digest": item.digest, "sequence": item.sequence,
                                 "note": item.note} for item, event_id in items])
