"""The first plan of series never planned yet (written in bulk, or stored before the rolling horizon came),
with Core statements keyed by ids and no ORM objects: a dispatcher starting over thousands of them stays
within the memory of its plain start (issue 11).

It writes what `events.notify.reminders.sync_event` writes for such a series, no more: its occurrences'
reminders up to the horizon and its `SeriesPlan`. A series with anything else to reconcile (deliveries or
overrides already, a postponement to hold them for, workflow steps that make tasks) is left to `sync_event`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, column, exists, insert, select, table

from events.models import Event, EventStatus
from events.notify import series
from events.notify.models import Delivery, EventReminderPlan, SeriesPlan
from events.notify.recipients import recipients_of
from events.notify.reminders import new_delivery_row, rules_from
from events.notify.workflows import KindDefaults, defaults_for
from events.recurrence.expand import Series

E = Event.__table__  # type: ignore[attr-defined]
D = Delivery.__table__  # type: ignore[attr-defined]
P = EventReminderPlan.__table__  # type: ignore[attr-defined]
S = SeriesPlan.__table__  # type: ignore[attr-defined]
# Only the column the query names: an alias of the table itself would copy its forty columns on first use.
OVERRIDE = table("event", column("series_id")).alias("override")
SeriesRow = Row[*tuple[Any, ...]]


def unplanned_series(ids: Sequence[int], *, connection: Connection) -> list[SeriesRow]:
    """Of the series `ids`, those never planned, with no delivery and no override yet, and not postponed:
    their rows with their reminder plan's columns, by id."""
    query = (select(E.c.id, E.c.kind, E.c.organizer, E.c.start_utc, E.c.end_utc, E.c.all_day, E.c.timezone,
                    E.c.rrule, E.c.rdates, E.c.exdates, P.c.use_defaults, P.c.rules)
             .outerjoin(P, P.c.event_id == E.c.id)
             .where(E.c.id.in_(ids), E.c.status != EventStatus.postponed.value,
                    ~exists().where(S.c.event_id == E.c.id), ~exists().where(D.c.event_id == E.c.id),
                    ~exists().where(OVERRIDE.c.series_id == E.c.id))
             .order_by(E.c.id))
    return list(connection.execute(query).all())


def plan_unplanned(rows: Sequence[SeriesRow], workflows: dict[str, KindDefaults], *, connection: Connection,
                   now: datetime, grace: timedelta, horizon: timedelta) -> set[int]:
    """Plan the series of `rows` (from `unplanned_series`) whose kind has no workflow steps; their ids."""
    planned: set[int] = set()
    for row in rows:
        defaults = defaults_for(row.kind, workflows)
        if defaults.steps:
            continue
        rules = rules_from(row.use_defaults, row.rules, defaults)
        rule = Series(row.start_utc, row.end_utc, row.all_day, row.timezone, row.rrule, row.rdates, row.exdates)
        window = series.planning_window(rule, rules, now=now, grace=grace, horizon=horizon)
        recipients = recipients_of(row.id, row.organizer, connection=connection)
        wanted = series.plan_occurrences(series.planned_occurrences(rule, window, set()), recipients=recipients,
                                         rules=rules, now=now, grace=grace)
        if wanted:  # one series at a time: a chunk's rows would weigh more than the start's other work
            connection.execute(insert(D), [new_delivery_row(p, row.id, now) for p in wanted])
        connection.execute(insert(S).values(event_id=row.id, planned_until=window.upper))
        planned.add(row.id)
    return planned
