"""Rendered VEVENTs kept in the database, so a feed is a concatenation of stored chunks.

A chunk is valid while its event keeps the same `sequence` and `updated_at` (every change sets
`updated_at`) and the renderer keeps its `RENDER_VERSION`. Because chunks live in the database, they
outlive a server restart and are shared by every process that serves or exports the same store.
Chunks are kept per variant (`exports.render.variant_key`): detail level, fixed alarms and, for alarms from
reminder plans, a tag of the kind defaults in force (see `exports.alarm_plan`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
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
from exports.render import CALENDAR_END, CalendarHead, Detail, calendar_head, is_override, render_event, variant_key
from exports.selection import BATCH, Plan, iter_views, series_refs


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
    refs = series_refs((v.series_id for v in views if v.series_id is not None and is_override(v)),
                       session=session)
    return [(v, render_event(v, detail=detail, stamp=stamp, alarms=alarms, rules=rules.get(v.id, ()),
                             attendees=people.get(v.id, ()),
                             series=refs.get(v.series_id) if v.series_id is not None else None))
            for v in views]


ChunkRows = list[dict[str, object]]
"""Rendered chunks to keep: one `RenderedEvent` row each, for `store_chunks`."""

PieceKey = tuple[int, str] | None
"""What a piece of a feed shows: (event id, version) for a VEVENT chunk, None for the rest."""


def chunk_variant(detail: Detail, alarms: Sequence[int] = (),
                  reminder_defaults: Mapping[str, KindDefaults] | None = None, attendees: bool = False) -> str:
    """The variant key under which the chunks of a feed with these options are rendered and stored."""
    return variant_key(detail, alarms, _plan_tag(detail, reminder_defaults), attendees and detail is Detail.full)


@dataclass(frozen=True)
class ChunkMemo:
    """VEVENT chunks of one variant held in memory, by event id with the version each shows: a server
    rebuilding a feed after one event changed takes the others from here instead of the database. The
    chunks are spans of the body they were joined into (`over`), so holding them costs no copy; spans and
    versions are plain ints and strings, which the garbage collector need not walk (10,000 tuples of views
    made each rebuild cost 150 ms of collections in a server process)."""

    variant: str
    body: bytes
    versions: Mapping[int, str]
    spans: Mapping[int, int]  # offset << 32 | length

    @classmethod
    def over(cls, variant: str, body: bytes, parts: Iterable[tuple[PieceKey, bytes | memoryview]]) -> ChunkMemo:
        """The chunks of `parts`, the keyed pieces that `body` joins in order."""
        versions: dict[int, str] = {}
        spans: dict[int, int] = {}
        offset = 0
        for key, piece in parts:
            length = len(piece)
            if key is not None:
                versions[key[0]] = key[1]
                spans[key[0]] = offset << 32 | length
            offset += length
        return cls(variant, body, versions, spans)

    def chunk(self, event_id: int, version: str) -> memoryview | None:
        """The chunk of `event_id` if it is held at `version`."""
        if self.versions.get(event_id) != version:
            return None
        span = self.spans[event_id]
        return memoryview(self.body)[span >> 32 : (span >> 32) + (span & 0xFFFFFFFF)]


def cached_chunks(
    ids: Sequence[int], versions: Sequence[str], *, detail: Detail, session: Session, alarms: Sequence[int] = (),
    reminder_defaults: Mapping[str, KindDefaults] | None = None, attendees: bool = False,
    memo: ChunkMemo | None = None,
) -> tuple[list[tuple[int, bytes | memoryview]], ChunkRows]:
    """The VEVENT bytes of `ids` in their order (each with its id; an event gone since the plan has none),
    and the rows of the ones rendered here (missing or stale) for
    the caller to keep: reading never writes, so a GET's read transaction stays a read.

    `reminder_defaults` (the kind defaults in force) adds each event's reminder plan as VALARMs; `attendees`
    adds the events' participants as ATTENDEE lines (full detail only, see exports.attendees). Chunks of
    `memo` (of the same variant and version) are taken from there, not read."""
    table = RenderedEvent.__table__  # type: ignore[attr-defined]
    attendees = attendees and detail is Detail.full
    variant = chunk_variant(detail, alarms, reminder_defaults, attendees)
    wanted = dict(zip(ids, versions, strict=True))
    found: dict[int, bytes | memoryview] = {}
    if memo is not None and memo.variant == variant:
        for event_id, version in wanted.items():
            held = memo.chunk(event_id, version)
            if held is not None:
                found[event_id] = held
    unread = [i for i in ids if i not in found]
    if unread:
        rows = session.execute(
            select(table.c.event_id, table.c.version, table.c.body).where(
                and_(table.c.detail == variant, table.c.event_id.in_(unread))
            )
        )
        for event_id, version, body in rows:
            if wanted.get(event_id) == version:
                found[event_id] = bytes(body)
    missing = [i for i in unread if i not in found]
    fresh: ChunkRows = []
    if missing:
        views = queries.list_events(queries.EventQuery(ids=missing), session=session)
        for view, body in _render_batch(views, detail=detail, session=session, alarms=alarms,
                                        reminder_defaults=reminder_defaults, attendees=attendees):
            found[view.id] = body
            # The plan's version, even if the event changed since: the next plan then sees a newer one.
            fresh.append({"event_id": view.id, "detail": variant, "version": wanted[view.id], "body": body})
    return [(i, found[i]) for i in ids if i in found], fresh


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
) -> Iterator[bytes | memoryview]:
    """The calendar of `plan` as pieces of bytes, a batch of events at a time (memory stays flat).

    Chunks rendered because none was stored go to `store` a batch at a time (None: they are not kept). The
    caller owns that write: this module never writes inside `session`, which is only read.

    The campaign editions of the plan come first (full detail only), then the events in plan order, then
    with `tasks` (full detail only: a busy feed never shows task texts) the VTODOs of those events' tasks.
    With a fixed `stamp` nothing is cached (the bytes then differ from the stored chunks).
    """
    return (piece for _, piece in iter_feed_parts(plan, head, detail=detail, session=session, stamp=stamp,
                                                  alarms=alarms, reminder_defaults=reminder_defaults, tasks=tasks,
                                                  store=store, attendees=attendees))


def iter_feed_parts(
    plan: Plan, head: CalendarHead, *, detail: Detail, session: Session, stamp: datetime | None = None,
    alarms: Sequence[int] = (), reminder_defaults: Mapping[str, KindDefaults] | None = None,
    tasks: bool = False, store: Callable[[ChunkRows], None] | None = None, attendees: bool = False,
    memo: ChunkMemo | None = None,
) -> Iterator[tuple[PieceKey, bytes | memoryview]]:
    """`iter_feed`'s pieces, each with what it shows (see `PieceKey`); VEVENT chunks held in `memo` are
    taken from there (see `ChunkMemo`)."""
    yield None, calendar_head(head, plan.zones, plan.years)
    if plan.editions and detail is Detail.full:
        # Campaign editions first; a busy feed shows busy times only, and an edition makes no one busy.
        from exports.campaign_feed import render_edition

        yield from ((None, render_edition(e, stamp=stamp)) for e in plan.editions)
    if stamp is not None:
        for views in iter_views(plan.ids, session=session):
            yield from ((None, body) for _, body in _render_batch(views, detail=detail, session=session,
                                                                  alarms=alarms, reminder_defaults=reminder_defaults,
                                                                  stamp=stamp, attendees=attendees))
    else:
        for offset in range(0, len(plan.ids), BATCH):
            ids, versions = plan.ids[offset : offset + BATCH], plan.versions[offset : offset + BATCH]
            found, fresh = cached_chunks(ids, versions, detail=detail, session=session, alarms=alarms,
                                         reminder_defaults=reminder_defaults, attendees=attendees, memo=memo)
            if fresh and store is not None:
                store(fresh)
            shown = dict(zip(ids, versions, strict=True))
            yield from (((i, shown[i]), body) for i, body in found)
    if tasks and detail is Detail.full:
        from exports.todo import todo_chunks

        yield from ((None, todo) for todo in todo_chunks(plan.ids, session=session, stamp=stamp, batch=BATCH))
    yield None, CALENDAR_END
