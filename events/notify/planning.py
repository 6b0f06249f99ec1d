"""Reminder and workflow planning as pure functions: given an event, its recipients, rules and `now`,
return what should be delivered and when. No session, no clock, no channel.

A rule is an offset from the event's start or end (`start-1d`, `start-2h`, `end+3d`). Before-start
reminders must never announce a meeting that already began: `plan_reminders` leaves out those whose
moment has passed, and `is_stale` tells the dispatcher the same at send time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo

from events.bounds import check_offset, shifted
from events.errors import Field, InvalidDuration
from events.notify.errors import InvalidOffset, ReminderAfterEvent
from events.timeparse import parse_duration, resolve_wall_time

_RULE = re.compile(r"^(?:(start|end)\s*)?([+-])?\s*(\S+)$")
DEFAULT_GRACE = timedelta(hours=6)


@dataclass(frozen=True, order=True)
class ReminderRule:
    """`offset` is signed: negative means before the anchor (`start` or `end`)."""

    anchor: str
    offset: timedelta

    @property
    def key(self) -> str:
        sign = "-" if self.offset < timedelta() else "+"
        return f"{self.anchor}{sign}{_compact(abs(self.offset))}"

    @property
    def before_start(self) -> bool:
        return self.anchor == "start" and self.offset < timedelta()

    def due(self, start: datetime, end: datetime) -> datetime:
        """When it is due; `bounds.OutOfRange` if that falls outside the instants the store holds."""
        return shifted(start if self.anchor == "start" else end, self.offset, Field.REMIND)


def _compact(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    parts = []
    for unit, size in (("d", 24 * 60), ("h", 60), ("m", 1)):
        if minutes >= size:
            parts.append(f"{minutes // size}{unit}")
            minutes %= size
    return "".join(parts) or "0m"


def parse_rule(text: str) -> ReminderRule:
    """`1d` and `2h` mean before the start; `start-1d`, `start+30m`, `end+3d`, `end-1h` say it in full."""
    match = _RULE.match(text.strip().lower().replace(" ", ""))
    if not match:
        raise InvalidOffset(text)
    anchor, sign, amount = match.groups()
    try:
        length = check_offset(parse_duration(amount, Field.REMIND), Field.REMIND)
    except InvalidDuration as error:
        raise InvalidOffset(text) from error
    if sign is None:
        if anchor == "end":
            raise InvalidOffset(text, "say end-1h or end+3d")
        sign = "-"
    return ReminderRule(anchor or "start", length if sign == "+" else -length)


def check_rules(rules: Iterable[ReminderRule], start: datetime, end: datetime) -> None:
    """`ReminderAfterEvent` for a before-rule (negative offset) that lands at or after the start."""
    for rule in rules:
        due = rule.due(start, end)
        if rule.offset < timedelta() and due >= start:
            raise ReminderAfterEvent(rule.key, due.isoformat(sep=" "), start.isoformat(sep=" "))


@dataclass(frozen=True)
class Recipient:
    contact_id: int
    channel: str  # "email" or "chat"
    address: str


@dataclass(frozen=True)
class PlannedDelivery:
    contact_id: int
    channel: str
    address: str
    purpose: str
    rule_key: str
    event_start_utc: datetime
    due_utc: datetime
    task_step: str | None = None

    @property
    def slot(self) -> tuple[int, str, str, str]:
        """What a pending delivery keeps across moves: who, how, why and which rule (not when)."""
        return (self.contact_id, self.channel, self.purpose, self.rule_key)


def is_stale(*, due: datetime, event_start: datetime, before_start: bool, now: datetime,
             grace: timedelta = DEFAULT_GRACE) -> bool:
    """True when sending now would mislead: a before-start reminder once the event began, or anything
    later than `grace` after its due time."""
    if before_start and now >= event_start:
        return True
    return now - due > grace


def plan_reminders(
    *, start: datetime, end: datetime, recipients: Sequence[Recipient], rules: Sequence[ReminderRule],
    now: datetime, grace: timedelta = DEFAULT_GRACE,
) -> list[PlannedDelivery]:
    """One delivery per recipient and rule, leaving out those already too late to send."""
    planned: list[PlannedDelivery] = []
    for rule in sorted(set(rules)):
        due = rule.due(start, end)
        if is_stale(due=due, event_start=start, before_start=due <= start, now=now, grace=grace):
            continue
        planned.extend(
            PlannedDelivery(r.contact_id, r.channel, r.address, "reminder", rule.key, start, due) for r in recipients
        )
    return planned


@dataclass(frozen=True)
class PlannedTask:
    step: str
    title: str
    due_utc: datetime
    notify: bool


def plan_tasks(steps: Iterable[tuple[str, str, ReminderRule, bool]], *, start: datetime,
               end: datetime) -> list[PlannedTask]:
    """The tasks of a workflow: each step's due time from the event's start or end."""
    return [PlannedTask(key, title, rule.due(start, end), notify) for key, title, rule, notify in steps]


def task_due(planned: datetime, *, start: datetime, tz: tzinfo, created: datetime) -> datetime | None:
    """When a workflow task created at `created` falls due, so that no one starts with overdue work:
    - a step still ahead: when planned;
    - a step already past for an event not yet begun (a consultation entered 12 days ahead with an
      "invitations 14 days before" step): due today, at 23:59 of that day in the event's zone (`tz`), or at
      the start if that comes first; a coordinator sees it as due today, not as two days overdue;
    - a step already past for an event that has begun or is over (entered for the record): None, the task
      is not created; steps still ahead of such an event (share the minutes in 3 days) are.
    Existing tasks pass their own `created_at`, so their due time stays where it was put."""
    if planned >= created:
        return planned
    if start <= created:
        return None
    next_midnight = datetime.combine(created.astimezone(tz).date() + timedelta(days=1), time(), tzinfo=tz)
    end_of_today = resolve_wall_time(next_midnight).instant.astimezone(UTC) - timedelta(minutes=1)  # 23:59
    return min(end_of_today, start)


@dataclass(frozen=True)
class Retiming:
    """What to do with the pending deliveries of an event after it changed."""

    insert: list[PlannedDelivery]
    retime: dict[int, PlannedDelivery]  # delivery id -> its new times
    cancel: list[int]


def reconcile(
    wanted: Sequence[PlannedDelivery],
    pending: dict[int, PlannedDelivery],
    finished: set[tuple[int, str, str, str, datetime]],
) -> Retiming:
    """Match what is wanted against what is pending (by slot) and already done (by slot and start).

    Pending deliveries follow the event (re-timed), those no longer wanted are cancelled, and nothing that
    was already sent for the same start time is planned again.
    """
    by_slot = {p.slot: delivery_id for delivery_id, p in pending.items()}
    insert: list[PlannedDelivery] = []
    retime: dict[int, PlannedDelivery] = {}
    keep: set[int] = set()
    for want in wanted:
        done = (*want.slot, want.event_start_utc) in finished
        delivery_id = by_slot.get(want.slot)
        if delivery_id is None:
            if not done:
                insert.append(want)
            continue
        if done:
            continue  # the pending one would repeat a sent one: cancel it below
        keep.add(delivery_id)
        old = pending[delivery_id]
        if (old.due_utc, old.event_start_utc, old.address) != (want.due_utc, want.event_start_utc, want.address):
            retime[delivery_id] = want
    cancel = sorted(set(pending) - keep)
    return Retiming(insert, retime, cancel)
