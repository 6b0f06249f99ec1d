"""Finding the events that meet a window with index ranges that do not grow with the store (issue 14).

`end > window start AND start < window end` alone lets the database read every event that starts before
the window's end: half a million rows of a million-event store for a window in its middle. So a window also
asks for one of two index ranges: events that start at most `LONG` before it (ix_event_window), or long
events (the partial index ix_event_long, which holds only them). Every event that meets the window is in
one of the two: one that starts earlier than `LONG` before the window and still ends inside it lasts more
than `LONG`.

"Long" is spelt once per backend, the same in the index (migration 0014) and in queries: the planners use
a partial index only when the query repeats its condition. On SQLite, instants are text and
`datetime(start, '+31 days')` drops the fraction of a second, so its "long" holds every event of at least
`LONG` (and a few a fraction shorter): a superset, which the window conditions then narrow.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import NullType

LONG_DAYS = 31
LONG = timedelta(days=LONG_DAYS)
# The partial index's condition, per backend (migration 0014 and events.models.Event).
SQLITE_LONG = f"end_utc > datetime(start_utc, '+{LONG_DAYS} days')"
POSTGRESQL_LONG = f"(end_utc - start_utc) > interval '{LONG_DAYS} days'"


class _IsLong(ColumnElement[bool]):
    """True for an event that lasts more than `LONG` (on SQLite: at least, see the module), in the spelling
    of the partial index. Typed as no type: a Boolean would be rendered `... = 1` on SQLite, which the
    planner would not match with the index."""

    inherit_cache = True
    type = NullType()  # type: ignore[assignment]
    _traverse_internals = [("start", InternalTraversal.dp_clauseelement),  # noqa: RUF012 - SQLAlchemy's form
                           ("end", InternalTraversal.dp_clauseelement)]

    def __init__(self, start: ColumnElement[Any], end: ColumnElement[Any]) -> None:
        self.start = start
        self.end = end


@compiles(_IsLong, "sqlite")
def _on_sqlite(element: _IsLong, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = compiler.process(element.start, **kw), compiler.process(element.end, **kw)
    return f"{end} > datetime({start}, '+{LONG_DAYS} days')"


@compiles(_IsLong)
def _on_postgresql(element: _IsLong, compiler: SQLCompiler, **kw: Any) -> str:
    # The difference, not `start + interval`: adding days to a timestamptz depends on the session's zone,
    # so PostgreSQL refuses it in an index; a difference of two instants is immutable.
    start, end = compiler.process(element.start, **kw), compiler.process(element.end, **kw)
    return f"({end} - {start}) > interval '{LONG_DAYS} days'"


def is_long(start: ColumnElement[Any], end: ColumnElement[Any]) -> ColumnElement[bool]:
    """True for an event that lasts more than `LONG` (on SQLite: at least, see the module)."""
    return _IsLong(start, end)


def meets_window(start: ColumnElement[Any], end: ColumnElement[Any], window_start: datetime | None,
                 window_end: datetime | None) -> list[ColumnElement[bool]]:
    """Conditions for rows whose [start, end) meets the window (either bound may be open)."""
    conditions: list[ColumnElement[bool]] = []
    if window_start is not None:
        conditions.append(end > window_start)
    if window_end is not None:
        conditions.append(start < window_end)
    if window_start is not None and window_start - datetime.min.replace(tzinfo=window_start.tzinfo) > LONG:
        recent = [start >= window_start - LONG, *([start < window_end] if window_end is not None else [])]
        conditions.append(or_(and_(*recent), and_(is_long(start, end), end > window_start)))
    return conditions
