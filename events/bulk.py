"""Adding many events in one transaction: the path of `demo load`, benchmarks and imports.

Rows go in with one executemany per table instead of one ORM object per event, so 100,000 events load
in seconds. Events whose uid is already stored are left as they are.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import BindParameter, Table, bindparam, insert, select
from sqlmodel import Session

from events.drafts import NewEventDraft, Span, resolve_new
from events.models import Event, EventPartner, Organisation, Programme, search_text_of
from events.names import ids_by_name
from events.services import new_uid

BATCH = 5_000
# A list of uids bound as one parameter: SQLAlchemy does not build an element per uid, which cost more than
# the query.
_UIDS: BindParameter[Any] = bindparam("uids", expanding=True)


@dataclass(frozen=True)
class BulkResult:
    added: int
    unchanged: int


def _existing_uids(uids: list[str], *, session: Session) -> set[str]:
    table = Event.__table__  # type: ignore[attr-defined]
    found: set[str] = set()
    for offset in range(0, len(uids), 1000):
        chunk = uids[offset : offset + 1000]
        found.update(session.execute(select(table.c.uid).where(table.c.uid.in_(_UIDS)), {"uids": chunk}).scalars())
    return found


def insert_events(
    drafts: Iterable[NewEventDraft], *, session: Session, default_tz: str, now: datetime
) -> BulkResult:
    """Check every draft first (any bad one raises before a row is written), then insert the new ones."""
    with _no_cycle_collection():
        return _insert_events(drafts, session=session, default_tz=default_tz, now=now)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cycle collector paused: the checked drafts (every one is kept until all are checked) made it walk
    the growing pile again and again, a tenth of a bulk insert; reference counting still frees the rest."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _insert_events(
    drafts: Iterable[NewEventDraft], *, session: Session, default_tz: str, now: datetime
) -> BulkResult:
    checked = []
    for draft in drafts:
        values, span = resolve_new(draft, default_tz=default_tz, now=now)
        checked.append((draft, values, span, draft.uid or new_uid()))
    existing = _existing_uids([uid for *_, uid in checked], session=session)
    fresh = [item for item in checked if item[3] not in existing]
    orgs = ids_by_name(Organisation, {p.strip() for d, *_ in fresh for p in d.partners if p.strip()},
                        session=session)
    programmes = ids_by_name(Programme, {d.programme.strip() for d, *_ in fresh if d.programme},
                              session=session)
    table = Event.__table__  # type: ignore[attr-defined]
    for offset in range(0, len(fresh), BATCH):
        batch = fresh[offset : offset + BATCH]
        rows = [_row(values, draft, span, uid, programmes) for draft, values, span, uid in batch]
        _insert_rows(session, table, rows, same={"sequence": 0, "cancel_reason": None, "created_at": now,
                                                 "updated_at": now})
        ids = dict(session.execute(select(table.c.uid, table.c.id).where(table.c.uid.in_(_UIDS)),
                                   {"uids": [uid for *_, uid in batch]}).all())
        links = [
            {"event_id": ids[uid], "organisation_id": orgs[name]}
            for draft, _, _, uid in batch
            for name in dict.fromkeys(p.strip() for p in draft.partners if p.strip())
        ]
        if links:
            _insert_rows(session, EventPartner.__table__, links)  # type: ignore[attr-defined]
    return BulkResult(added=len(fresh), unchanged=len(checked) - len(fresh))


def _row(values: dict[str, Any], draft: NewEventDraft, span: Span, uid: str, programmes: dict[str, int],
         ) -> dict[str, Any]:
    """The event row of a checked draft: its `values`, completed in place (a copy of each cost as much)."""
    values.update(uid=uid, start_utc=span.start_utc, end_utc=span.end_utc, all_day=span.all_day,
                  timezone=span.timezone, search_text=search_text_of(values),
                  programme_id=programmes.get(draft.programme.strip()) if draft.programme else None)
    return values


def _insert_rows(session: Session, table: Table, rows: list[dict[str, Any]], *,
                 same: dict[str, Any] | None = None) -> None:
    """INSERT `rows` (dicts with the same keys), each with the values of `same`, by the driver's own
    executemany. SQLAlchemy's executemany handles each row's parameters in Python, at a cost near the
    insert itself; here the statement is compiled once, a value of `same` converted once, and only the
    columns whose type converts a value (our UTC datetimes) are converted row by row."""
    connection = session.connection()
    dialect = connection.dialect
    same = same or {}
    keys = [*rows[0], *same]
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    converters = {key: convert for key in keys
                  if (convert := table.c[key].type.dialect_impl(dialect).bind_processor(dialect)) is not None}
    constants = {key: converters.pop(key)(value) if key in converters else value for key, value in same.items()}
    for row in rows:
        for key, convert in converters.items():
            row[key] = convert(row[key])
        row.update(constants)
    order = compiled.positiontup
    if order and len(order) > 1:
        params: list[Any] = list(map(itemgetter(*order), rows))
    else:
        params = [(row[order[0]],) for row in rows] if order else rows
    connection.exec_driver_sql(compiled.string, params)
