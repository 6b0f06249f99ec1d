"""The dispatcher: claims due deliveries through its store, sends them through its channels and records the
outcomes. Exactly once rests on the store's claim protocol (see `calendar_app.notify.store.base`):

- One token per pass. Every message goes out only while the token's lease is fresh: before each message
  the channel asks `Lease.fresh()`; once `renew_after` of the lease has passed the group stops, the lease is
  renewed and only the deliveries the token still holds are sent. A message therefore starts with at least
  `(1 - renew_after) * lease` ahead of it, and no other dispatcher can claim it meanwhile.
- Crash mid-send: the lease runs out and another pass claims the delivery again; at most the groups not yet
  recorded are resent, each with its `Message-ID` (derived from the delivery) so a receiver can drop it.
- Failures are retried with exponential back-off, then recorded as `failed`; late ones are sent if still
  useful, else `skipped` (see `calendar_app.notify.outcomes`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path

from calendar_app.config import DEFAULT_BASE_URL
from calendar_app.notify.addressee import Person, Rsvp
from calendar_app.notify.channels import Channel, Channels, Finisher, Letter, Outgoing
from calendar_app.notify.outcomes import (
    DispatchConfig,
    Outcome,
    PassReport,
    Verdict,
    after_failure,
    verdict_before_sending,
)
from calendar_app.notify.prepared import PREPARE_AHEAD, PREPARE_MAX, Prepared, PreparedMessages, fingerprint
from calendar_app.notify.store import DeliveryStore, Loaded
from calendar_app.notify.store.sql import WITH_LINKS
from events.notify.models import Contact, Delivery

log = logging.getLogger("calendar_app.notify.dispatcher")
Clock = Callable[[], datetime]
Row = tuple[Delivery, Contact | None]
Handed = tuple[list[Delivery], Finisher]
Staged = dict[str, list[tuple[Delivery, Path]]]  # by channel name
Fresh = dict[str, list[tuple[Delivery, Outgoing]]]
# Groups sent but not yet recorded at a time: a crash resends at most this many groups.
UNRECORDED_GROUPS = 4
# Deliveries loaded at a time: the next chunk loads while the current one goes out.
LOAD_CHUNK = 100


class Lease:
    """The lease of one pass's claim token, kept fresh: renewed once `renew_after` of it has passed."""

    def __init__(self, store: DeliveryStore, token: str, config: DispatchConfig, clock: Clock) -> None:
        self.store, self.token, self.clock = store, token, clock
        self.length = config.lease
        self.fresh_for = config.lease * config.renew_after
        self.renew_due: datetime | None = None

    def granted(self, now: datetime) -> None:
        """A claim at `now` leased more deliveries; those claimed earlier run out first."""
        if self.renew_due is None:
            self.renew_due = now + self.fresh_for

    def fresh(self) -> bool:
        return self.renew_due is not None and self.clock() < self.renew_due

    def keep(self) -> set[int] | None:
        """Renew if due: the ids the token still holds, or None when the lease is still fresh."""
        if self.fresh():
            return None
        now = self.clock()
        held = self.store.renew(self.token, now, self.length)
        self.renew_due = now + self.fresh_for
        return held


def _shipped_title(title: str, language: str) -> str:
    from calendar_app.workflows import step_titles

    return step_titles(None).get(title, language)


class Dispatcher:
    """One dispatcher; several may run against the same database. Its collaborators are handed over: the
    store, the channel registry (delivery channel name -> `Channel`), the sender address and the config."""

    def __init__(self, store: DeliveryStore, *, channels: Mapping[str, Channel], mail_from: str,
                 config: DispatchConfig | None = None, worker: str | None = None,
                 step_title: Callable[[str, str], str] | None = None, public_url: str = DEFAULT_BASE_URL) -> None:
        self.store = store
        # A task's title in its assignee's language (App.step_title); the shipped translations by default.
        self.step_title = step_title or _shipped_title
        self.public_url = public_url.rstrip("/")  # where the RSVP links of invitations point
        self.channels = channels if isinstance(channels, Channels) else Channels(channels)
        self.mail_from = mail_from
        self.config = config or DispatchConfig()
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self._lock = threading.Lock()
        self.prepared = PreparedMessages(self.channels)

    def next_due(self) -> datetime | None:
        return self.store.next_due()

    # ---- one pass -------------------------------------------------------------------------------------

    def run_pass(self, clock: Clock) -> PassReport:
        """Send everything due at `clock()`, batch after batch, until nothing due is left."""
        report = PassReport()
        with self._lock:
            lease = Lease(self.store, f"{self.worker}:{uuid.uuid4().hex[:8]}", self.config, clock)
            recorder = ThreadPoolExecutor(1, thread_name_prefix="record")
            groups: list[Future[PassReport]] = []
            try:
                now = clock()
                report.skipped += self.store.mark_stale(now, self.config.grace)
                while ids := self.store.claim(now, lease.token, limit=self.config.batch, lease=self.config.lease):
                    lease.granted(now)
                    self._send_batch(ids, lease, recorder, groups)
                    now = clock()
                for group in groups:
                    report.add(group.result())
            finally:
                recorder.shutdown(wait=True)
                self.channels.close()
        return report

    def _send_batch(self, ids: list[int], lease: Lease, recorder: ThreadPoolExecutor,
                    groups: list[Future[PassReport]]) -> None:
        """Send the claimed deliveries chunk by chunk: the first chunk is loaded at once, each next one on a
        thread while the current one goes out (sending mostly waits on the network), so the first message
        leaves after one chunk's load, not the whole batch's."""
        chunks = [ids[i:i + LOAD_CHUNK] for i in range(0, len(ids), LOAD_CHUNK)]
        loader = ThreadPoolExecutor(1, thread_name_prefix="load")
        try:
            upcoming: Future[Loaded] | None = None
            held: set[int] | None = None  # what the token still held at the last renewal in this batch
            loaded = self._load(chunks[0])
            for index in range(len(chunks)):
                if index:
                    assert upcoming is not None
                    loaded = upcoming.result()
                upcoming = loader.submit(self._load, chunks[index + 1]) if index + 1 < len(chunks) else None
                went_on, held = self._send_loaded(loaded, lease, recorder, groups, held)
                if not went_on:
                    return
        finally:
            loader.shutdown(wait=True)

    def _load(self, ids: list[int]) -> Loaded:
        return self.store.load(ids, rendered=[i for i in ids if i in self.prepared])

    def _send_loaded(self, loaded: Loaded, lease: Lease, recorder: ThreadPoolExecutor,
                     groups: list[Future[PassReport]], held: set[int] | None) -> tuple[bool, set[int] | None]:
        """Send loaded deliveries in groups of `record_every`. A group's outcomes are recorded on
        `recorder` while the next group goes out; at most `UNRECORDED_GROUPS` wait at a time. A group stops
        where the lease stops being fresh; the rest go out after renewing, if the token still holds them.
        `held`: what the token held at the batch's last renewal (None: not renewed yet), kept up to date and
        returned. False when the lease cannot be kept fresh (the rest of the batch is left to lapse)."""
        queue: deque[Row] = deque(row for row in loaded.rows if held is None or row[0].id in held)
        stalled = 0
        renderer = _Renderer(self, loaded)
        try:
            while queue:
                if len(groups) >= UNRECORDED_GROUPS:
                    groups[-UNRECORDED_GROUPS].result()  # bounds what a crash would resend
                renewed = lease.keep()
                if renewed is not None:
                    held = renewed
                    queue = deque(row for row in queue if row[0].id in held)
                group = [queue.popleft() for _ in range(min(self.config.record_every, len(queue)))]
                now = lease.clock()
                renderer.wait()
                settled, staged, fresh = self._plan(group, loaded, now, renderer)
                renderer.ahead(list(islice(queue, self.config.record_every)), now)
                handed, untried = self._hand_over(staged, fresh, lease, renderer)
                queue.extendleft(reversed([row for row in group if row[0].id in untried]))
                if group:
                    groups.append(recorder.submit(self._finish_group, settled, handed, lease))
                stalled = stalled + 1 if group and len(untried) == len(group) else 0
                if stalled >= 2:  # renewing takes longer than the lease stays fresh: leave the rest to lapse
                    log.warning("lease %s cannot be kept fresh; %d deliveries wait for a later pass", lease.token,
                                len(queue))
                    return False, held
        finally:
            renderer.close()
        return True, held

    def _plan(self, group: list[Row], loaded: Loaded, now: datetime,
              renderer: _Renderer) -> tuple[list[Outcome], Staged, Fresh]:
        """Outcomes settled without sending, staged copies to deliver and messages to send, by channel."""
        settled: list[Outcome] = []
        staged: Staged = {}
        fresh: Fresh = {}
        for delivery, contact in group:
            assert delivery.id is not None
            view, task = loaded.view(delivery), loaded.tasks.get(delivery.task_id or 0)
            outcome = verdict_before_sending(delivery, contact, view, task, now=now, grace=self.config.grace,
                                             gone=delivery.id in loaded.gone)
            channel = self.channels.get(delivery.channel)
            if outcome is None and channel is None:
                outcome = Outcome(delivery.id, Verdict.failed, now, f"no channel named {delivery.channel!r}")
            if outcome is not None or contact is None or channel is None:
                settled.append(outcome or Outcome(delivery.id, Verdict.cancelled, now, "contact removed"))
                renderer.take(delivery.id)
                continue
            prepared = self.prepared.take(delivery, contact, view, loaded.organizers.get(delivery.event_id), now)
            if prepared is not None and prepared.staged is not None:
                staged.setdefault(delivery.channel, []).append((delivery, prepared.staged))
                continue
            message = (prepared.message if prepared else renderer.take(delivery.id)
                       or channel.render(self.letter(delivery, contact, loaded, now)))
            fresh.setdefault(delivery.channel, []).append((delivery, message))
        return settled, staged, fresh

    def _hand_over(self, staged: Staged, fresh: Fresh, lease: Lease,
                   renderer: _Renderer) -> tuple[list[Handed], set[int | None]]:
        """What was handed to each channel, and the ids not tried (their messages kept for the next group)."""
        handed: list[Handed] = []
        for name, paths in staged.items():  # renames: microseconds each, under the lease checked before
            handed.append(([d for d, _ in paths], self.channels[name].hand_over_staged([p for _, p in paths])))
        untried: set[int | None] = set()
        for name, items in fresh.items():
            result = self.channels[name].hand_over([m for _, m in items], keep_going=lease.fresh)
            handed.append(([d for d, _ in items[:result.tried]], result.finish))
            for delivery, message in items[result.tried:]:
                untried.add(delivery.id)
                renderer.keep(delivery.id, message)
        return handed, untried

    def _finish_group(self, settled: list[Outcome], handed: list[Handed], lease: Lease) -> PassReport:
        outcomes = list(settled)
        for deliveries, finish in handed:
            results = finish()
            done = lease.clock()
            outcomes += [after_failure(delivery, failure, now=done, config=self.config)
                         for delivery, failure in zip(deliveries, results, strict=True)]
        self.store.record(outcomes, lease.token)
        return PassReport.of(outcomes)

    def letter(self, delivery: Delivery, contact: Contact, loaded: Loaded, now: datetime) -> Letter:
        assert delivery.id is not None
        view, task = loaded.view(delivery), loaded.tasks.get(delivery.task_id or 0)
        invitee = loaded.invitees.get(delivery.id)
        if invitee is None and delivery.purpose in WITH_LINKS:  # rendered ahead, but outdated: new links
            loaded.invitees.update(self.store.invitees([delivery]))
            invitee = loaded.invitees.get(delivery.id)
        rsvp = None if invitee is None else Rsvp(
            invitee.role, tuple((answer, f"{self.public_url}/rsvp/{token}")
                                for answer, token in invitee.tokens.items()),
            invitee.rsvp_by)
        language = (invitee.language if invitee else None) or contact.language
        return Letter(delivery.id, delivery.purpose, view, Person(contact.name, language, contact.timezone),
                      delivery.address, self.mail_from, now,
                      self.step_title(task.title, language) if task else None,
                      task.due_utc if task else None, loaded.organizers.get(delivery.event_id), rsvp)

    # ---- ahead of time --------------------------------------------------------------------------------

    def prepare(self, now: datetime, horizon: timedelta = PREPARE_AHEAD) -> int:
        """Render the messages falling due within `horizon` now (and stage them where the channel can)."""
        ids = self.store.upcoming(now, now + horizon, limit=PREPARE_MAX)
        self.prepared.expire(now)
        todo = [i for i in ids if i not in self.prepared]
        if not todo:
            return 0
        loaded = self.store.load(todo)
        count = 0
        for delivery, contact in loaded.rows:
            channel = self.channels.get(delivery.channel)
            if contact is None or delivery.id is None or channel is None:
                continue
            shown = fingerprint(delivery, contact, loaded.view(delivery),
                                loaded.organizers.get(delivery.event_id))
            message = channel.render(self.letter(delivery, contact, loaded, delivery.due_utc))
            self.prepared.put(delivery.id, Prepared(shown, delivery.due_utc,
                                                    delivery.channel, message, channel.stage(message)))
            count += 1
        return count

    def discard_prepared(self) -> None:
        """On shutdown: delete the staged copies."""
        self.prepared.discard_all()


class _Renderer:
    """Renders the next group's messages on a thread while the current group goes out: sending mostly waits
    on the network, rendering is Python, so the two overlap. Messages a group did not try are kept."""

    def __init__(self, dispatcher: Dispatcher, loaded: Loaded) -> None:
        self.dispatcher, self.loaded = dispatcher, loaded
        self.done: dict[int, Outgoing] = {}
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="render")
        self._future: Future[None] | None = None

    def ahead(self, rows: list[Row], now: datetime) -> None:
        self.wait()
        self._future = self._pool.submit(self._render, rows, now)

    def wait(self) -> None:
        if self._future is not None:
            self._future.result()
            self._future = None

    def take(self, delivery_id: int | None) -> Outgoing | None:
        return self.done.pop(delivery_id or 0, None)

    def keep(self, delivery_id: int | None, message: Outgoing) -> None:
        self.done[delivery_id or 0] = message

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def _render(self, rows: list[Row], now: datetime) -> None:
        d, loaded = self.dispatcher, self.loaded
        for delivery, contact in rows:
            channel = d.channels.get(delivery.channel)
            if contact is None or channel is None or delivery.id is None:
                continue
            if delivery.id in self.done or delivery.id in d.prepared:
                continue
            view, task = loaded.view(delivery), loaded.tasks.get(delivery.task_id or 0)
            if verdict_before_sending(delivery, contact, view, task, now=now, grace=d.config.grace,
                                      gone=delivery.id in loaded.gone) is None:
                self.done[delivery.id] = channel.render(d.letter(delivery, contact, loaded, now))
