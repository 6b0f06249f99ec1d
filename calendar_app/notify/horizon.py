"""Extending the rolling horizon of repeating events' reminders (events.notify.series).

Each series has its deliveries planned up to `SeriesPlan.planned_until`; once that comes within
`reminder_horizon - REFRESH` of now, the series is planned again up to `now + reminder_horizon`. The work
is idempotent: a series is locked (PostgreSQL `FOR UPDATE`, SQLite's single writer) and its plan read again
before it is re-planned, so two dispatchers, or two runs, plan each occurrence's deliveries once, and the
unique key of a delivery holds either way. Series are handled `CHUNK` at a time, each chunk in its own
transaction on one Core connection: memory stays flat however many series there are. A series never
planned before gets its first plan from `events.notify.unplanned` (Core statements, no ORM objects) when
nothing else needs reconciling; only the others open an ORM session, on the chunk's connection.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, or_, select
from sqlmodel import Session

from calendar_app.db import write_connection
from events.models import Event, EventStatus
from events.notify.models import SeriesPlan
from events.notify.reminders import sync_event
from events.notify.unplanned import plan_unplanned, unplanned_series

if TYPE_CHECKING:
    from calendar_app.app import App

log = logging.getLogger("calendar_app.notify.horizon")
REFRESH = timedelta(days=1)  # a series is re-planned at most about once a day
CHUNK = 20
PLANNING_CACHE_KB = 256
E = Event.__table__  # type: ignore[attr-defined]
S = SeriesPlan.__table__  # type: ignore[attr-defined]


def _due(now: datetime, horizon: timedelta) -> tuple[Any, ...]:
    """Series still going whose plan ends before `now + horizon - REFRESH` (or that have none)."""
    return (E.c.recurs.is_(True), E.c.series_id.is_(None), E.c.status != EventStatus.cancelled.value,
            or_(E.c.series_end_utc.is_(None), E.c.series_end_utc > now),
            or_(S.c.planned_until.is_(None), S.c.planned_until < now + horizon - REFRESH))


def series_due(*, connection: Connection, now: datetime, horizon: timedelta, after: int = 0,
               limit: int = CHUNK) -> list[int]:
    statement = (select(E.c.id).outerjoin(S, S.c.event_id == E.c.id)
                 .where(*_due(now, horizon), E.c.id > after).order_by(E.c.id).limit(limit))
    return list(connection.execute(statement).scalars())


def extend_horizons(*, app: App, now: datetime) -> int:
    """Plan the occurrences that came within the horizon of every series due for it; how many series."""
    horizon, engine = app.settings.reminder_horizon, app.store.engine
    after, count = 0, 0
    while True:
        with engine.connect() as connection:
            ids = series_due(connection=connection, now=now, horizon=horizon, after=after)
        if not ids:
            return count
        count += _extend(ids, app=app, now=now)
        _release(app)
        after = ids[-1]


def _release(app: App) -> None:
    """SQLite keeps up to 2 MB of pages per connection: planning thousands of series would fill it with
    pages no pass reads again. Hand them back after each chunk (PostgreSQL caches in the server). The
    chunk's garbage goes too: left to the collector's own pace, it reaches the oldest generation, which
    is swept only once it has grown by a quarter (issue 11)."""
    engine = app.store.engine
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA shrink_memory")
            connection.exec_driver_sql("PRAGMA cache_size = -2000")  # SQLite's default, for the passes
    gc.collect()


def _extend(ids: Sequence[int], *, app: App, now: datetime) -> int:
    horizon, grace = app.settings.reminder_horizon, app.settings.reminder_grace
    workflows = app.kind_defaults()
    with write_connection(app.store.engine) as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA cache_size = -{PLANNING_CACHE_KB}")  # restored by _release
        # Lock the chunk's series in id order, then ask again: another dispatcher may have done them meanwhile.
        connection.execute(select(E.c.id).where(E.c.id.in_(ids)).order_by(E.c.id).with_for_update())
        due = series_due(connection=connection, now=now, horizon=horizon, after=min(ids) - 1, limit=len(ids))
        still = [i for i in due if i <= max(ids)]
        first = plan_unplanned(unplanned_series(still, connection=connection), workflows, connection=connection,
                               now=now, grace=grace, horizon=horizon)
        rest = [i for i in still if i not in first]
        if rest:
            with Session(bind=connection, expire_on_commit=False) as session:  # joins the chunk's transaction
                for event_id in rest:
                    event = session.get(Event, event_id)
                    assert event is not None
                    sync_event(event, workflows, session=session, now=now, grace=grace, horizon=horizon)
                session.flush()
    log.info("reminder horizon extended for %d series", len(still))
    return len(still)
