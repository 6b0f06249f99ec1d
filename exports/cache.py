"""Rendered VEVENTs kept in the database, so a feed is a concatenation of stored chunks.

A chunk is valid while its event keeps the same `sequence` and `updated_at` (every change sets
`updated_at`) and the renderer keeps its `RENDER_VERSION`. Because chunks live in the database, they
outlive a server restart and are shared by every process that serves or exports the same store.
Chunks are kept per variant (`exports.render.variant_key`): detail level, fixed alarms and, for alarms from
reminder plans, a tag of the kind defaults in force (see `exports.alarm_plan`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from events import queries
from events.notify.planning import ReminderRule
from events.notify.workflows import KindDefaults
from events.views import EventView
from exports.attendees import Attendee
from exports.models import RenderedEvent
from exports.render import CalendarHead, Detail, iter_calendar, render_event, variant_key
from exports.selection import BATCH, Plan, iter_views


def _plan_tag(detail: Detail, reminder_defaults: Mapping[str, KindDefaults] | None) -> str | None:
    """The variant tag of alarms from reminder plans; None when they do not apply (busy detail shows none)."""
    if reminder_defaults is None or detail is Detail.busy:
        return None
    from exports.alarm_plan import defaults_tag

    return defaults_tag(reminder_defaults)


def _render_batch(
    views: Sequence[EventView], *, detail: Detail, session: Session, alarms: Sequence[int],
    reminder_defaults: Mapping[str, KindDefaults] | None, stamp: datetime | None = None, attendees: bool = False,
) -> list[tuple[EventView, bytes]]:
    rules: Mapping[int, Sequence[ReminderRule]] = {}
    people: Mapping[int, Sequence[Attendee]] = {}
    if attendees and detail is Detail.full:
        from exports.attendees import attendees_by_event

        people = attendees_by_event(views, session=session)
    if _plan_tag(detail, reminder_defaults) is not None:
        from exports.alarm_plan import rules_by_event

        assert reminder_defaults is not None
        rules = rules_by_event(views, reminder_defaults, session=session)
    return [(v, render_event(v, detail=detail, stamp=stamp, alarms=alarms, rules=rules.get(v.id, ()),
                             attendees=people.get(v.id, ())))
            for v in views]


ChunkRows = list[dict[str, object]]
"""Rendered chunks to keep: one `RenderedEvent` row each, for `store_chunks`."""


def cached_chunks(
    ids: Sequence[int], versions: Sequence[str], *, detail: Detail, session: Session, alarms: Sequence[int] = (),
    reminder_defaults: Mapping[str, KindDefaults] | None = None, attendees: bool = False,
) -> tuple[list[bytes], ChunkRows]:
    """The VEVENT bytes of `ids` in their order, and the rows of the ones rendered here (missing or stale) for
    the caller to keep: reading never writes, so a GET's read transaction stays a read.

    `reminder_defaults` (the kind defaults in force) adds each event's reminder plan as VALARMs; `attendees`
    adds the events' participants as ATTENDEE lines (full detail only, see exports.attendees)."""
    table = RenderedEvent.__table__  # type: ignore[attr-defined]
    attendees = attendees and detail is Detail.full
    variant = variant_key(detail, alarms, _plan_tag(detail, reminder_defaults), attendees)
    wanted = dict(zip(ids, versions, strict=True))
    found: dict[int, bytes] = {}
    rows = session.execute(
        select(table.c.event_id, table.c.version, table.c.body).where(
            and_(table.c.detail == variant, table.c.event_id.in_(list(ids)))
        )
    )
    for event_id, version, body in rows:
        if wanted.get(event_id) == version:
            found[event_id] = bytes(body)
    missing = [i for i in ids if i not in found]
    fresh: ChunkRows = []
    if missing:
        views = queries.list_events(queries.EventQuery(ids=missing), session=session)
        for view, body in _render_batch(views, detail=detail, session=session, alarms=alarms,
                                        reminder_defaults=reminder_defaults, attendees=attendees):
            found[view.id] = body
            # The plan's version, even if the event changed since: the next plan then sees a newer one.
            fresh.append({"event_id": view.id, "detail": variant, "version": wanted[view.id], "body": body})
    return [found[i] for i in ids if i in found], fresh


def store_chunks(rows: ChunkRows, *, session: Session) -> None:
    """Insert or replace chunks in the caller's (write) transaction; two servers rendering the same event at
    once must not collide."""
    if not rows:
        return
    table = RenderedEvent.__table__  # type: ignore[attr-defined]
    name = session.get_bind().dialect.name
    if name in ("postgresql", "sqlite"):
        dialect_insert = postgresql_insert if name == "postgresql" else sqlite_insert
        stmt = dialect_insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.event_id, table.c.detail],
            set_={"version": stmt.excluded.version, "body": stmt.excluded.body},
        )
        session.execute(stmt, rows)
        return
    ids = [row["event_id"] for row in rows]
    session.execute(delete(table).where(and_(table.c.detail == rows[0]["detail"], table.c.event_id.in_(ids))))
    session.execute(insert(table), rows)


def iter_feed(
    plan: Plan, head: CalendarHead, *, detail: Detail, session: Session, stamp: datetime | None = None,
    alarms: Sequence[int] = (), reminder_defaults: Mapping[str, KindDefaults] | None = None,
    tasks: bool = False, store: Callable[[ChunkRows], None] | None = None, attendees: bool = False,
) -> Iterator[bytes]:
    """The calendar of `plan` as pieces of bytes, a batch of events at a time (memory stays flat).

    Chunks rendered because none was stored go to `store` a batch at a time (None: they are not kept). The
    caller owns that write: this module never writes inside `session`, which is only read.

    The campaign editions of the plan come first (full detail only), then the events in plan order, then
    with `tasks` (full detail only: a busy feed never shows task texts) the VTODOs of those events' tasks.
    With a fixed `stamp` nothing is cached (the bytes then differ from the stored chunks).
    """

    def chunks() -> Iterable[bytes]:
        if plan.editions and detail is Detail.full:
            # Campaign editions first; a busy feed shows busy times only, and an edition makes no one busy.
            from exports.campaign_feed import render_edition

            yield from (render_edition(e, stamp=stamp) for e in plan.editions)
        if stamp is not None:
            for views in iter_views(plan.ids, session=session):
                yield from (body for _, body in _render_batch(views, detail=detail, session=session, alarms=alarms,
                                                              reminder_defaults=reminder_defaults, stamp=stamp,
                                                              attendees=attendees))
        else:
            for offset in range(0, len(plan.ids), BATCH):
                found, fresh = cached_chunks(plan.ids[offset : offset + BATCH],
                                             plan.versions[offset : offset + BATCH], detail=detail,
                                             session=session, alarms=alarms, reminder_defaults=reminder_defaults,
                                             attendees=attendees)
                if fresh and store is not None:
                    store(fresh)
                yield from found
        if tasks and detail is Detail.full:
            from exports.todo import todo_chunks

            yield from todo_chunks(plan.ids, session=session, stamp=stamp, batch=BATCH)

    return iter_calendar(head, plan.zones, chunks(), plan.years)
