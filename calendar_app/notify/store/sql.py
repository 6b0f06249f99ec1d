"""The delivery store on SQLAlchemy, one implementation for PostgreSQL and SQLite.

PostgreSQL: rows are locked with `SELECT ... FOR UPDATE`; claims and stale-marking skip locked rows (they
never wait, so they cannot close a cycle), renew and record lock theirs in id order first, so every waiter
waits for a lower id than any it holds: no deadlock. SQLite has no row locks (SQLAlchemy leaves the
`FOR UPDATE` out): its writes run in `BEGIN IMMEDIATE` transactions (`calendar_app.db.writer`), one writer
at a time. Reads run on the plain engine, so on SQLite they never take the write lock.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col

from calendar_app.db import write_session as writer_session
from calendar_app.db import writer
from calendar_app.notify.outcomes import Outcome, Verdict
from calendar_app.notify.store.base import DeliveryStore, Invitee, Loaded
from events import queries
from events.notify.models import Contact, Delivery, DeliveryStatus, Purpose, Task
from events.notify.organizer import Organizer, organizer_of
from events.notify.series import is_series_view, moved_view, occurrence_view, replaced_starts
from events.views import EventView

log = logging.getLogger("calendar_app.notify.store")
WITH_LINKS = (Purpose.invitation, Purpose.invitation_update, Purpose.rsvp_nudge)  # messages with RSVP links
D = Delivery.__table__  # type: ignore[attr-defined]
RECORD_TRIES = 3
_STATUS = {Verdict.sent: DeliveryStatus.sent, Verdict.retried: DeliveryStatus.pending,
           Verdict.failed: DeliveryStatus.failed, Verdict.skipped: DeliveryStatus.skipped,
           Verdict.cancelled: DeliveryStatus.cancelled, Verdict.held: DeliveryStatus.held}
_RECORD = (update(D).where(D.c.id == bindparam("b_id"), D.c.claimed_by == bindparam("b_token"),
                           D.c.status == DeliveryStatus.claimed)
           .values(status=bindparam("v_status"), updated_at=bindparam("v_at", type_=D.c.updated_at.type),
                   lease_until=None, last_error=bindparam("v_error"),
                   sent_at=func.coalesce(bindparam("v_sent_at", type_=D.c.sent_at.type), D.c.sent_at),
                   ready_utc=func.coalesce(bindparam("v_ready", type_=D.c.ready_utc.type), D.c.ready_utc)))


def _due(now: datetime) -> Any:
    return or_(and_(D.c.status == DeliveryStatus.pending, D.c.ready_utc <= now),
               and_(D.c.status == DeliveryStatus.claimed, D.c.lease_until < now))


def _held(token: str) -> Any:
    return and_(D.c.claimed_by == token, D.c.status == DeliveryStatus.claimed)


def _lock_in_id_order(conn: Connection, where: Any) -> list[int]:
    """Lock the rows matching `where`, lowest id first, and return their ids."""
    return list(conn.execute(select(D.c.id).where(where).order_by(D.c.id).with_for_update()).scalars())


def _params(outcome: Outcome, token: str) -> dict[str, Any]:
    return {"b_id": outcome.delivery_id, "b_token": token, "v_status": _STATUS[outcome.verdict],
            "v_at": outcome.at, "v_error": outcome.error, "v_ready": outcome.retry_at,
            "v_sent_at": outcome.at if outcome.verdict == Verdict.sent else None}


def _occurrences(deliveries: Sequence[Delivery], events: dict[int, EventView], *,
                 session: Session) -> tuple[dict[tuple[int, datetime], EventView], set[int]]:
    """The occurrence each delivery of a series is about, as a single event; the ids of those whose occurrence
    is gone (excluded, replaced, past the series' end). A cancellation notice shows its occurrence cancelled;
    a task notification shows the series."""
    found: dict[tuple[int, datetime], EventView] = {}
    missing: set[tuple[int, datetime]] = set()
    gone: set[int] = set()
    replaced: dict[int, set[datetime]] = {}
    for delivery in deliveries:
        master = events[delivery.event_id]
        if not is_series_view(master) or delivery.purpose == Purpose.task:
            continue
        key = (delivery.event_id, delivery.event_start_utc)
        if key not in found:
            if delivery.event_id not in replaced:
                replaced[delivery.event_id] = replaced_starts(delivery.event_id, session=session)
            view = occurrence_view(master, delivery.event_start_utc, replaced[delivery.event_id])
            if view is None:
                view = moved_view(master, delivery.event_start_utc,
                                  delivery.event_start_utc + (master.end - master.start))
                view.status = "cancelled"
                missing.add(key)
            found[key] = view
        if key in missing and delivery.purpose != Purpose.cancellation and delivery.id is not None:
            gone.add(delivery.id)
    return found, gone


class SQLDeliveryStore(DeliveryStore):
    """Reads on `engine`; writes on `writer(engine)`. The engine is handed over, never opened here."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.writer = writer(engine)

    def mark_stale(self, now: datetime, grace: timedelta) -> int:
        began = and_(D.c.due_utc <= D.c.event_start_utc, D.c.event_start_utc <= now)
        stale = and_(_due(now), or_(began, D.c.due_utc < now - grace))
        chosen = select(D.c.id).where(stale).order_by(D.c.id).with_for_update(skip_locked=True)
        statement = (update(D).where(D.c.id.in_(chosen.scalar_subquery()), stale).values(
            status=DeliveryStatus.skipped, updated_at=now, lease_until=None,
            last_error="too late: the event began or the grace ran out while the dispatcher was away"))
        with self.writer.begin() as conn:
            return conn.execute(statement).rowcount or 0

    def claim(self, now: datetime, token: str, *, limit: int, lease: timedelta) -> list[int]:
        # SKIP LOCKED: a claim never waits for a row another transaction holds, it takes the next ones.
        chosen = (select(D.c.id).where(_due(now)).order_by(D.c.ready_utc, D.c.id).limit(limit)
                  .with_for_update(skip_locked=True))
        statement = (update(D).where(D.c.id.in_(chosen.scalar_subquery()))
                     .values(status=DeliveryStatus.claimed, claimed_by=token, lease_until=now + lease,
                             attempts=D.c.attempts + 1, updated_at=now)
                     .returning(D.c.id))
        with self.writer.begin() as conn:
            return sorted(conn.execute(statement).scalars().all())

    def renew(self, token: str, now: datetime, lease: timedelta) -> set[int]:
        with self.writer.begin() as conn:
            ids = _lock_in_id_order(conn, _held(token))
            if ids:
                conn.execute(update(D).where(D.c.id.in_(ids)).values(lease_until=now + lease))
        return set(ids)

    def record(self, outcomes: Sequence[Outcome], token: str) -> int:
        """One `executemany` for the group. Retried on a transient failure (a serialisation failure, a lock
        another program took in another order): outcomes not written would be sent again after the lease."""
        if not outcomes:
            return 0
        for attempt in range(1, RECORD_TRIES + 1):
            try:
                return self._record(outcomes, token)
            except OperationalError as error:
                if attempt == RECORD_TRIES:
                    raise
                log.warning("recording %d outcomes failed, trying again: %s", len(outcomes), error.orig)
        raise AssertionError("unreachable")

    def _record(self, outcomes: Sequence[Outcome], token: str) -> int:
        ids = sorted(o.delivery_id for o in outcomes)
        with self.writer.begin() as conn:
            held = set(_lock_in_id_order(conn, and_(D.c.id.in_(ids), _held(token))))
            rows = [_params(o, token) for o in sorted(outcomes, key=lambda o: o.delivery_id)
                    if o.delivery_id in held]
            if rows:
                conn.execute(_RECORD, rows)
        return len(rows)

    def next_due(self) -> datetime | None:
        with self.engine.connect() as conn:
            ready = conn.execute(select(func.min(D.c.ready_utc)).where(D.c.status == DeliveryStatus.pending))
            lease = conn.execute(select(func.min(D.c.lease_until)).where(D.c.status == DeliveryStatus.claimed))
            values = [v for v in (ready.scalar(), lease.scalar()) if v is not None]
        return min(values) if values else None

    def upcoming(self, after: datetime, until: datetime, *, limit: int) -> list[int]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(D.c.id).where(
                D.c.status == DeliveryStatus.pending, D.c.ready_utc > after, D.c.ready_utc <= until,
            ).order_by(D.c.ready_utc, D.c.id).limit(limit)).scalars())

    def load(self, ids: Sequence[int], *, rendered: Collection[int] = ()) -> Loaded:
        with Session(self.engine) as session:
            rows = session.execute(select(Delivery, Contact).outerjoin(Contact, col(Contact.id) == Delivery.contact_id)
                                   .where(col(Delivery.id).in_(ids)).order_by(col(Delivery.id))).all()
            events: dict[int, EventView] = {}
            tasks: dict[int, Task] = {}
            organizers: dict[int, Organizer | None] = {}
            for delivery, _ in rows:
                if delivery.event_id not in events:
                    view = queries.view_event(delivery.event_id, session=session)
                    events[delivery.event_id] = view
                    organizers[delivery.event_id] = organizer_of(view.organizer, session=session)
                if delivery.task_id and delivery.task_id not in tasks:
                    task = session.get(Task, delivery.task_id)
                    if task is not None:
                        tasks[delivery.task_id] = task
            occurrences, gone = _occurrences([d for d, _ in rows], events, session=session)
            session.expunge_all()
        invitees = self.invitees([d for d, c in rows if c is not None and d.purpose in WITH_LINKS
                                  and d.id not in rendered])
        return Loaded([(d, c) for d, c in rows], events, tasks, organizers, occurrences, gone, invitees)

    def invitees(self, deliveries: Sequence[Delivery]) -> dict[int, Invitee]:
        """Each invitation's participant, with three RSVP tokens minted for its message (one short write).
        A delivery whose contact is no longer on the list gets none (it is cancelled before sending)."""
        if not deliveries:
            return {}
        from calendar_app.clock import utc_now
        from events.people.models import Participant
        from events.people.rsvp import deadline_of, mint_many

        now = utc_now()  # a token's creation stamp only: its expiry follows the event
        found: dict[int, Invitee] = {}
        with writer_session(self.engine) as session:
            wanted = {(d.event_id, d.contact_id) for d in deliveries}
            rows = session.execute(select(Participant).where(
                col(Participant.event_id).in_(sorted({event_id for event_id, _ in wanted})),
                col(Participant.contact_id).in_(sorted({c for _, c in wanted if c is not None})))).scalars().all()
            by_pair = {(p.event_id, p.contact_id): p for p in rows if p.id is not None}
            chosen = {d.id: by_pair[(d.event_id, d.contact_id)] for d in deliveries
                      if d.id is not None and (d.event_id, d.contact_id) in by_pair}
            tokens = mint_many(list(dict.fromkeys(p.id for p in chosen.values() if p.id is not None)),
                               session=session, now=now)
            deadlines = {event_id: deadline_of(event_id, session=session) for event_id, _ in wanted}
            for delivery_id, participant in chosen.items():
                assert delivery_id is not None and participant.id is not None
                found[delivery_id] = Invitee(participant.role, participant.language, tokens[participant.id],
                                             deadlines[participant.event_id])
        return found
