"""The dispatcher: claims due deliveries atomically, sends them and records the outcome.

Exactly once rests on the database, not on the scheduler that wakes us:
- claim: one `UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING id` on PostgreSQL; the
  same statement inside `BEGIN IMMEDIATE` on SQLite, where only one writer at a time can run it. A claim
  sets a lease and a token; only the holder of the token may record the outcome.
- crash mid-send: the lease runs out and another pass claims the delivery again. The e-mail keeps its
  `Message-ID` (derived from the delivery), so a receiver can recognise the rare resend.
- failures: retried with exponential back-off, then recorded as `failed` with the last error.
- late: sent if still useful (within the grace, and never a before-start reminder once the event began),
  else marked `skipped`.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from calendar_app.db import create_db_engine, writer
from calendar_app.notify.channels import AppriseChannel, ChannelFailure, EmailChannel, Finisher
from calendar_app.notify.messages import Person, compose_email, render
from events import queries
from events.notify.models import Contact, Delivery, DeliveryStatus, Purpose, Task, TaskStatus
from events.notify.planning import DEFAULT_GRACE, is_stale
from events.views import EventView

D = Delivery.__table__  # type: ignore[attr-defined]
PREPARE_AHEAD = timedelta(seconds=90)
PREPARED_VALID = timedelta(seconds=60)
PREPARE_MAX = 20_000
UNRECORDED_GROUPS = 4


@dataclass(frozen=True)
class DispatchConfig:
    batch: int = 200
    lease: timedelta = timedelta(minutes=2)
    max_attempts: int = 5
    backoff: timedelta = timedelta(seconds=30)
    backoff_max: timedelta = timedelta(hours=1)
    grace: timedelta = DEFAULT_GRACE
    # Outcomes are written in groups this size: fewer commits; a crash resends at most this many.
    record_every: int = 50


@dataclass
class PassReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    skipped: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: PassReport) -> None:
        for name in ("sent", "failed", "retried", "skipped", "cancelled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


def dispatcher_engine(url: str) -> Engine:
    """An engine whose transactions on SQLite start with BEGIN IMMEDIATE (take the write lock first)."""
    return writer(create_db_engine(url))


def _fingerprint(delivery: Delivery, contact: Contact, view: EventView) -> tuple[Any, ...]:
    """Everything a prepared message shows: if any of it changed, the message is rendered again."""
    return (delivery.address, delivery.purpose, delivery.due_utc, delivery.task_id, contact.name, contact.language,
            contact.timezone, view.sequence, view.updated_at, view.status)


def backoff_delay(attempts: int, config: DispatchConfig) -> timedelta:
    return min(config.backoff * (2 ** max(attempts - 1, 0)), config.backoff_max)


class Dispatcher:
    """One dispatcher process; several may run against the same database."""

    def __init__(self, engine: Engine, *, email: EmailChannel, mail_from: str, config: DispatchConfig | None = None,
                 chat: AppriseChannel | None = None, worker: str | None = None) -> None:
        self.engine = engine
        self.email = email
        self.chat = chat or AppriseChannel()
        self.mail_from = mail_from
        self.config = config or DispatchConfig()
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self._lock = threading.Lock()
        # delivery id -> (fingerprint, rendered bytes, staged copy in the channel or None)
        self._prepared: dict[int, tuple[tuple[Any, ...], bytes, Path | None]] = {}

    # ---- claiming -------------------------------------------------------------------------------------

    def mark_stale(self, now: datetime) -> int:
        """Pending deliveries too late to be useful become `skipped` (never 'starts in 2 hours' after)."""
        began = and_(D.c.due_utc <= D.c.event_start_utc, D.c.event_start_utc <= now)
        stale = or_(began, D.c.due_utc < now - self.config.grace)
        waiting = or_(and_(D.c.status == DeliveryStatus.pending, D.c.ready_utc <= now),
                      and_(D.c.status == DeliveryStatus.claimed, D.c.lease_until < now))
        with self.engine.begin() as conn:
            result = conn.execute(update(D).where(waiting, stale).values(
                status=DeliveryStatus.skipped, updated_at=now, lease_until=None,
                last_error="too late: the event began or the grace ran out while the dispatcher was away"))
        return result.rowcount or 0

    def claim(self, now: datetime, token: str) -> list[int]:
        """Atomically take up to `batch` due deliveries (and those whose lease ran out)."""
        due = or_(and_(D.c.status == DeliveryStatus.pending, D.c.ready_utc <= now),
                  and_(D.c.status == DeliveryStatus.claimed, D.c.lease_until < now))
        chosen = (select(D.c.id).where(due).order_by(D.c.ready_utc, D.c.id).limit(self.config.batch)
                  .with_for_update(skip_locked=True))
        statement = (update(D).where(D.c.id.in_(chosen.scalar_subquery()))
                     .values(status=DeliveryStatus.claimed, claimed_by=token, lease_until=now + self.config.lease,
                             attempts=D.c.attempts + 1, updated_at=now)
                     .returning(D.c.id))
        with self.engine.begin() as conn:
            return sorted(conn.execute(statement).scalars().all())

    def renew(self, token: str, now: datetime) -> set[int]:
        """Extend the lease on what `token` still holds and return those ids. A delivery missing from them was
        taken over by another dispatcher after our lease ran out: it sends it, we must not."""
        statement = (update(D).where(D.c.claimed_by == token, D.c.status == DeliveryStatus.claimed)
                     .values(lease_until=now + self.config.lease).returning(D.c.id))
        with self.engine.begin() as conn:
            return set(conn.execute(statement).scalars().all())

    def next_due(self) -> datetime | None:
        """The earliest moment a pending delivery becomes due or a lease runs out."""
        with Session(self.engine) as session:
            ready = session.execute(select(func.min(D.c.ready_utc)).where(D.c.status == DeliveryStatus.pending))
            lease = session.execute(select(func.min(D.c.lease_until)).where(D.c.status == DeliveryStatus.claimed))
            values = [v for v in (ready.scalar(), lease.scalar()) if v is not None]
        return min(values) if values else None

    # ---- one pass -------------------------------------------------------------------------------------

    def run_pass(self, clock: Callable[[], datetime]) -> PassReport:
        """Send everything due at `clock()`, batch after batch, until nothing due is left."""
        report = PassReport()
        with self._lock:
            recorder = ThreadPoolExecutor(1, thread_name_prefix="record")
            groups: list[Future[PassReport]] = []
            try:
                now = clock()
                report.skipped += self.mark_stale(now)
                while True:
                    token = f"{self.worker}:{uuid.uuid4().hex[:8]}"
                    ids = self.claim(now, token)
                    if not ids:
                        break
                    self._send_batch(ids, token, now, clock, recorder, groups)
                    now = clock()
                for group in groups:
                    report.add(group.result())
            finally:
                recorder.shutdown(wait=True)
                self.email.close()
        return report

    def _load(self, ids: list[int]) -> tuple[list[Any], dict[int, EventView], dict[int, Task]]:
        with Session(self.engine) as session:
            rows = session.execute(select(Delivery, Contact).outerjoin(Contact, col(Contact.id) == Delivery.contact_id)
                                   .where(col(Delivery.id).in_(ids)).order_by(col(Delivery.id))).all()
            events: dict[int, EventView] = {}
            tasks: dict[int, Task] = {}
            for delivery, _ in rows:
                if delivery.event_id not in events:
                    events[delivery.event_id] = queries.view_event(delivery.event_id, session=session)
                if delivery.task_id and delivery.task_id not in tasks:
                    task = session.get(Task, delivery.task_id)
                    if task is not None:
                        tasks[delivery.task_id] = task
        return list(rows), events, tasks

    def prepare(self, now: datetime, horizon: timedelta = PREPARE_AHEAD) -> int:
        """Render the e-mails falling due within `horizon` now, so that at their due moment only the claim and
        the write remain (rendering with Babel and icalendar costs milliseconds a message). A prepared message
        is used only if nothing it shows changed and it goes out within `PREPARED_VALID` of its due time."""
        with Session(self.engine) as session:
            ids = session.execute(select(D.c.id).where(
                D.c.status == DeliveryStatus.pending, D.c.channel == "email", D.c.ready_utc > now,
                D.c.ready_utc <= now + horizon).order_by(D.c.ready_utc).limit(PREPARE_MAX)).scalars().all()
        self._expire_prepared(now)
        todo = [i for i in ids if i not in self._prepared]
        if not todo:
            return 0
        rows, events, tasks = self._load(todo)
        for delivery, contact in rows:
            if contact is None or delivery.id is None:
                continue
            view = events[delivery.event_id]
            task = tasks.get(delivery.task_id or 0)
            body = self._email_bytes(delivery, contact, view, task, delivery.due_utc)
            self._prepared[delivery.id] = (_fingerprint(delivery, contact, view), body, self.email.stage(body))
        return len(todo)

    def _expire_prepared(self, now: datetime) -> None:
        """Forget prepared messages no pass of ours used (another dispatcher sent them, or they were moved)."""
        # A snapshot: a pass on another thread may pop entries meanwhile (single dict operations are atomic).
        stale = [i for i, (fingerprint, _, _) in list(self._prepared.items())
                 if now - fingerprint[2] > PREPARED_VALID]  # fingerprint[2]: the due time it was rendered for
        for delivery_id in stale:
            entry = self._prepared.pop(delivery_id, None)
            if entry is not None and entry[2] is not None:
                self.email.discard(entry[2])

    def discard_prepared(self) -> None:
        """On shutdown: delete the staged copies (Maildir readers would otherwise only drop them after 36 h)."""
        for delivery_id in list(self._prepared):
            entry = self._prepared.pop(delivery_id, None)
            if entry is not None and entry[2] is not None:
                self.email.discard(entry[2])

    def _email_bytes(self, delivery: Delivery, contact: Contact, view: EventView, task: Task | None,
                     now: datetime) -> bytes:
        assert delivery.id is not None
        person = Person(contact.name, contact.language, contact.timezone)
        mail = compose_email(delivery.purpose, view, person, address=delivery.address, delivery_id=delivery.id,
                             mail_from=self.mail_from, now=now, task=task.title if task else None,
                             task_due=task.due_utc if task else None)
        return mail.as_bytes(policy=SMTP_POLICY)

    def _send_batch(self, ids: list[int], token: str, claimed_at: datetime, clock: Callable[[], datetime],
                    recorder: ThreadPoolExecutor, groups: list[Future[PassReport]]) -> None:
        """Send the claimed deliveries in groups of `record_every`. Each group's messages are handed over at
        once; waiting until they are durable and recording the outcomes runs on `recorder` while the next
        group goes out, so the slow part (fsync, commit) stays off the path of the messages. At most a few groups
        are unrecorded at a time: a crash resends at most `UNRECORDED_GROUPS * record_every` messages.

        Past half the lease (a slow server), the lease is renewed before the next group, and only the
        deliveries still held go out."""
        rows, events, tasks = self._load(ids)
        size = self.config.record_every
        renew_at = claimed_at + self.config.lease / 2
        for first in range(0, len(rows), size):
            if len(groups) >= UNRECORDED_GROUPS:
                groups[-UNRECORDED_GROUPS].result()  # bounds what a crash would resend
            group = rows[first:first + size]
            if (moment := clock()) >= renew_at:
                held = self.renew(token, moment)
                renew_at = moment + self.config.lease / 2
                group = [row for row in group if row[0].id in held]
            ready, mails, finish = self._send_group(group, events, tasks, clock)
            groups.append(recorder.submit(self._finish_group, ready, mails, finish, token, clock))

    def _finish_group(self, ready: list[dict[str, Any]], mails: list[Delivery], finish: Finisher, token: str,
                      clock: Callable[[], datetime]) -> PassReport:
        results = finish()
        done = clock()
        outcomes = ready + [self._outcome(delivery, done, DeliveryStatus.sent, None, failure)
                            for delivery, failure in zip(mails, results, strict=True)]
        report = PassReport()
        for outcome in outcomes:
            kind = outcome.pop("_report")
            setattr(report, kind, getattr(report, kind) + 1)
            if outcome.get("last_error") and kind != "cancelled":
                report.errors.append(f"delivery {outcome['id']}: {outcome['last_error']}")
        self._record(outcomes, token)
        return report

    def _send_group(self, rows: list[Any], events: dict[int, EventView], tasks: dict[int, Task],
                    clock: Callable[[], datetime]) -> tuple[list[dict[str, Any]], list[Delivery], Finisher]:
        outcomes: list[dict[str, Any]] = []
        mails: list[tuple[Delivery, tuple[bytes, str, str]]] = []
        staged: list[tuple[Delivery, Path]] = []
        now = clock()
        for delivery, contact in rows:
            view, task = events[delivery.event_id], tasks.get(delivery.task_id or 0)
            why_not = self._why_not(delivery, contact, view, task, now)
            if why_not:
                status, reason = why_not
                outcomes.append(self._outcome(delivery, now, status, reason))
            elif delivery.channel == "chat":
                outcomes.append(self._chat(delivery, contact, view, task, now))
            else:
                prepared = self._prepared.pop(delivery.id or 0, None)
                usable = (prepared is not None and prepared[0] == _fingerprint(delivery, contact, view)
                          and abs(now - delivery.due_utc) <= PREPARED_VALID)
                if prepared is not None and usable and prepared[2] is not None:
                    staged.append((delivery, prepared[2]))
                    continue
                if prepared is not None and prepared[2] is not None:
                    self.email.discard(prepared[2])
                mail = prepared[1] if prepared is not None and usable else self._email_bytes(
                    delivery, contact, view, task, now)
                mails.append((delivery, (mail, delivery.address, self.mail_from)))
        finish_staged = self.email.hand_over_staged([path for _, path in staged]) if staged else (lambda: [])
        finish_mails = self.email.hand_over([item for _, item in mails]) if mails else (lambda: [])
        order = [delivery for delivery, _ in staged] + [delivery for delivery, _ in mails]
        return outcomes, order, lambda: finish_staged() + finish_mails()

    def _chat(self, delivery: Delivery, contact: Contact, view: EventView, task: Task | None,
              now: datetime) -> dict[str, Any]:
        person = Person(contact.name, contact.language, contact.timezone)
        message = render(delivery.purpose, view, person, now=now, task=task.title if task else None,
                         task_due=task.due_utc if task else None)
        try:
            self.chat.send_text(delivery.address, message.subject, message.text)
        except ChannelFailure as failure:
            return self._outcome(delivery, now, DeliveryStatus.sent, None, failure)
        return self._outcome(delivery, now, DeliveryStatus.sent, None)

    def _outcome(self, delivery: Delivery, now: datetime, status: DeliveryStatus, reason: str | None,
                 failure: ChannelFailure | None = None) -> dict[str, Any]:
        base: dict[str, Any] = {"id": delivery.id, "updated_at": now, "lease_until": None}
        if failure is not None:
            if failure.permanent or delivery.attempts >= self.config.max_attempts:
                return {**base, "status": DeliveryStatus.failed, "last_error": str(failure), "_report": "failed"}
            return {**base, "status": DeliveryStatus.pending, "last_error": str(failure), "_report": "retried",
                    "ready_utc": now + backoff_delay(delivery.attempts, self.config)}
        if status == DeliveryStatus.sent:
            return {**base, "status": status, "sent_at": now, "last_error": None, "_report": "sent"}
        return {**base, "status": status, "last_error": reason, "_report": status.value}

    def _why_not(self, delivery: Delivery, contact: Contact | None, view: EventView, task: Task | None,
                 now: datetime) -> tuple[DeliveryStatus, str] | None:
        """Checked again at send time: the event may have changed since the delivery was claimed."""
        if contact is None:
            return DeliveryStatus.cancelled, "contact removed"
        if delivery.purpose != Purpose.cancellation and view.status == "cancelled":
            return DeliveryStatus.cancelled, "event cancelled"
        if delivery.purpose == Purpose.reminder and view.start != delivery.event_start_utc:
            return DeliveryStatus.cancelled, "event moved: a delivery for the new time replaces this one"
        if delivery.purpose == Purpose.task and (task is None or task.status != TaskStatus.open):
            return DeliveryStatus.cancelled, "task done or removed"
        if is_stale(due=delivery.due_utc, event_start=view.start, before_start=delivery.due_utc <= view.start,
                    now=now, grace=self.config.grace):
            return DeliveryStatus.skipped, "too late: the event began or the grace ran out"
        return None

    def _record(self, outcomes: list[dict[str, Any]], token: str) -> None:
        """Write outcomes; only the holder of the claim token may (a lost lease means another took over).

        Outcomes of the same shape go in one executemany: one statement per shape, not one per delivery."""
        if not outcomes:
            return
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for outcome in outcomes:
            columns = tuple(sorted(k for k in outcome if k != "id"))
            params = {f"v_{k}": outcome[k] for k in columns}
            shapes.setdefault(columns, []).append({**params, "b_id": outcome["id"], "b_token": token})
        with self.engine.begin() as conn:
            for columns, rows in shapes.items():
                statement = (update(D).where(D.c.id == bindparam("b_id"), D.c.claimed_by == bindparam("b_token"),
                                             D.c.status == DeliveryStatus.claimed)
                             .values({c: bindparam(f"v_{c}") for c in columns}))
                conn.execute(statement, rows)
