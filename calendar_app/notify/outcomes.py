"""What became of a delivery, as typed records, and the pure rules that decide it.

`Outcome` knows nothing of storage: the delivery store turns it into column values. `PassReport` counts
outcomes. `verdict_before_sending` and `after_failure` are pure: given rows and `now`, they return a decision.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from calendar_app.notify.channels.base import ChannelFailure
from events.notify.models import Contact, Delivery, Purpose, Task, TaskStatus
from events.notify.planning import DEFAULT_GRACE, is_stale
from events.notify.reminders import HELD_NOTE
from events.views import EventView


@dataclass(frozen=True)
class DispatchConfig:
    batch: int = 200
    lease: timedelta = timedelta(minutes=2)
    max_attempts: int = 5
    backoff: timedelta = timedelta(seconds=30)
    backoff_max: timedelta = timedelta(hours=1)
    grace: timedelta = DEFAULT_GRACE
    # Outcomes are written in groups this size: fewer commits; a crash resends at most a few groups.
    record_every: int = 50
    # The lease is renewed once this fraction of it has passed, checked before every message: a message
    # starts with at least (1 - renew_after) of the lease ahead of it.
    renew_after: float = 0.25


class Verdict(StrEnum):
    sent = "sent"
    retried = "retried"
    failed = "failed"
    skipped = "skipped"
    cancelled = "cancelled"
    held = "held"  # the event was postponed after the claim: back to waiting, not sent


@dataclass(frozen=True)
class Outcome:
    """The end of one attempt at one delivery: at `at`, with the error or reason, and for a retry when the
    delivery may be claimed again."""

    delivery_id: int
    verdict: Verdict
    at: datetime
    error: str | None = None
    retry_at: datetime | None = None


@dataclass
class PassReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    skipped: int = 0
    cancelled: int = 0
    held: int = 0
    errors: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, outcomes: Iterable[Outcome]) -> PassReport:
        listed = list(outcomes)
        counts = Counter(o.verdict for o in listed)
        errors = [f"delivery {o.delivery_id}: {o.error}" for o in listed
                  if o.error and o.verdict not in (Verdict.cancelled, Verdict.held)]
        return cls(sent=counts[Verdict.sent], failed=counts[Verdict.failed], retried=counts[Verdict.retried],
                   skipped=counts[Verdict.skipped], cancelled=counts[Verdict.cancelled], held=counts[Verdict.held],
                   errors=errors)

    def add(self, other: PassReport) -> None:
        for name in ("sent", "failed", "retried", "skipped", "cancelled", "held"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


def backoff_delay(attempts: int, config: DispatchConfig) -> timedelta:
    return min(config.backoff * (2 ** max(attempts - 1, 0)), config.backoff_max)


def after_failure(delivery: Delivery, failure: ChannelFailure | None, *, now: datetime,
                  config: DispatchConfig) -> Outcome:
    """Sent, or retried with back-off, or failed for good (permanent, or out of attempts)."""
    assert delivery.id is not None
    if failure is None:
        return Outcome(delivery.id, Verdict.sent, now)
    if failure.permanent or delivery.attempts >= config.max_attempts:
        return Outcome(delivery.id, Verdict.failed, now, str(failure))
    return Outcome(delivery.id, Verdict.retried, now, str(failure),
                   retry_at=now + backoff_delay(delivery.attempts, config))


HELD_WHEN_POSTPONED = (Purpose.reminder, Purpose.task)


def verdict_before_sending(delivery: Delivery, contact: Contact | None, view: EventView, task: Task | None, *,
                           now: datetime, grace: timedelta, gone: bool = False) -> Outcome | None:
    """Checked again at send time, the event may have changed since the delivery was claimed: the outcome
    instead of sending, or None to send. A reminder or task notification of an event postponed meanwhile is
    `held` (it waits for the event to be confirmed again), a postponement notice of an event confirmed again
    meanwhile is cancelled. `gone`: the delivery's occurrence is no longer in its series (a repeating
    event's `view` is that occurrence, so the started and grace rules hold per occurrence)."""
    assert delivery.id is not None
    reason: tuple[Verdict, str] | None = None
    if contact is None:
        reason = Verdict.cancelled, "contact removed"
    elif gone:
        reason = Verdict.cancelled, "occurrence cancelled or moved: no longer in the series"
    elif delivery.purpose not in (Purpose.cancellation, Purpose.invitation_cancel) and view.status == "cancelled":
        reason = Verdict.cancelled, "event cancelled"
    elif delivery.purpose == Purpose.postponement and view.status != "postponed":
        reason = Verdict.cancelled, "event no longer postponed"
    elif delivery.purpose in HELD_WHEN_POSTPONED and view.status == "postponed":
        reason = Verdict.held, HELD_NOTE
    elif delivery.purpose == Purpose.reminder and view.start != delivery.event_start_utc:
        reason = Verdict.cancelled, "event moved: a delivery for the new time replaces this one"
    elif delivery.purpose == Purpose.task and (task is None or task.status != TaskStatus.open):
        reason = Verdict.cancelled, "task done or removed"
    elif is_stale(due=delivery.due_utc, event_start=view.start, before_start=delivery.due_utc <= view.start,
                  now=now, grace=grace):
        reason = Verdict.skipped, "too late: the event began or the grace ran out"
    return None if reason is None else Outcome(delivery.id, reason[0], now, reason[1])
