"""Keeping an event's deliveries and tasks in step with the event: who is told, by which rules, and when.

`sync_event` is called after every change to an event (add, edit, move, cancel). It turns the event, its
recipients, its rules and its kind's workflow into wanted deliveries and tasks (pure planning in
`events.notify.planning`) and applies the difference: pending deliveries follow a moved event, those no longer
wanted are cancelled, sent ones stay in the log, and on cancellation those already reminded are told.

A postponed event holds its reminders and task notifications (status `held`: never claimed, never marked
stale) and tells those already reminded that it is postponed; once it is confirmed again (usually with a new
date) the held deliveries come back as pending, re-timed like any moved event's, and a postponement notice
not yet sent is dropped. Its tasks stay open.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, or_
from sqlmodel import Session, col, select

from events.models import Event, EventStatus
from events.notify import series
from events.notify.contacts import find_contact, group_name
from events.notify.errors import ContactNotFound, UnknownAssignee
from events.notify.models import (
    INVITATIONS,
    Contact,
    Delivery,
    DeliveryStatus,
    EventRecipient,
    EventRecipientGroup,
    EventReminderPlan,
    Purpose,
    Task,
    TaskStatus,
    touch_task,
)
from events.notify.planning import (
    DEFAULT_GRACE,
    DEFAULT_HORIZON,
    PlannedDelivery,
    ReminderRule,
    Retiming,
    check_rules,
    parse_rule,
    plan_reminders,
    plan_tasks,
    reconcile,
    task_due,
)
from events.notify.recipients import channels_of, recipient_contacts
from events.notify.workflows import ORGANIZER, KindDefaults, Step, defaults_for
from events.timeparse import zone

OPEN = (DeliveryStatus.pending, DeliveryStatus.claimed)
WAITING = (DeliveryStatus.pending, DeliveryStatus.held)  # not yet claimed: they follow the event
NOTICES = (Purpose.cancellation, Purpose.postponement)  # told once about the event, never re-planned
OWN_PLAN = (*NOTICES, *INVITATIONS)  # planned elsewhere: the reminder reconciliation leaves them alone
HELD_NOTE = "event postponed: held until it is confirmed again"


def set_event_plan(
    event: Event, *, notify: Sequence[str] | None, remind: Sequence[str] | None, use_defaults: bool | None,
    session: Session,
) -> bool:
    """Store who is told (`notify`: contact ids or e-mails, replacing the list) and the event's own rules.

    True when the event's reminder rules (its own or whether it follows its kind's) changed: they are part
    of the event as feeds with `--alarms-from-reminders` show it, so the caller marks the event changed."""
    assert event.id is not None
    if notify is not None:
        groups = list(dict.fromkeys(group_name(ref.split(":", 1)[1]) for ref in notify if ref.startswith("group:")))
        ids = list(dict.fromkeys(find_contact(ref, session=session).id for ref in notify
                                 if not ref.startswith("group:")))
        for old in session.exec(select(EventRecipient).where(col(EventRecipient.event_id) == event.id)).all():
            session.delete(old)
        for old_group in session.exec(select(EventRecipientGroup).where(
                col(EventRecipientGroup.event_id) == event.id)).all():
            session.delete(old_group)
        session.flush()
        for contact_id in ids:
            assert contact_id is not None
            session.add(EventRecipient(event_id=event.id, contact_id=contact_id))
        for name in groups:
            session.add(EventRecipientGroup(event_id=event.id, name=name))
    if remind is None and use_defaults is None:
        return False
    plan = session.get(EventReminderPlan, event.id) or EventReminderPlan(event_id=event.id, use_defaults=True,
                                                                         rules="")
    before = (bool(plan.use_defaults), plan.rules)
    if remind is not None:
        rules = [parse_rule(text) for text in remind]
        check_rules(rules, event.start_utc, event.end_utc)
        plan.rules = " ".join(dict.fromkeys(rule.key for rule in rules))
    if use_defaults is not None:
        plan.use_defaults = use_defaults
    session.add(plan)
    session.flush()
    return (bool(plan.use_defaults), plan.rules) != before


def rules_of(event: Event, defaults: KindDefaults, *, session: Session) -> list[ReminderRule]:
    return plan_rules(session.get(EventReminderPlan, event.id), defaults)


def plan_rules(plan: EventReminderPlan | None, defaults: KindDefaults) -> list[ReminderRule]:
    """An event's reminder rules: its kind's (unless the event opted out) and then its own."""
    return rules_from(plan.use_defaults if plan else None, plan.rules if plan else None, defaults)


def rules_from(use_defaults: bool | None, own: str | None, defaults: KindDefaults) -> list[ReminderRule]:
    """`plan_rules` of a plan read as its two columns (None for both when the event has no plan row)."""
    rules = list(defaults.reminders) if use_defaults is None or use_defaults else []
    rules.extend(parse_rule(key) for key in (own or "").split())
    return rules


def _as_planned(d: Delivery) -> PlannedDelivery:
    return PlannedDelivery(d.contact_id or 0, d.channel, d.address, d.purpose, d.rule_key, d.event_start_utc,
                           d.due_utc)


def new_delivery_row(p: PlannedDelivery, event_id: int, now: datetime, task_id: int | None = None) -> dict[str, Any]:
    """A new delivery's row, inserted with the others in one statement (a series plans hundreds at once)."""
    return {"event_id": event_id, "contact_id": p.contact_id, "purpose": p.purpose, "rule_key": p.rule_key,
            "channel": p.channel, "address": p.address, "event_start_utc": p.event_start_utc, "due_utc": p.due_utc,
            "ready_utc": p.due_utc, "task_id": task_id, "status": DeliveryStatus.pending, "attempts": 0,
            "created_at": now, "updated_at": now}


def _step_owner(step: Step, event: Event, organiser: Contact | None, *, session: Session) -> Contact | None:
    """Who a new task of this step belongs to: the organiser's contact, or the contact the step names."""
    if step.assignee == ORGANIZER:
        return organiser
    try:
        return find_contact(step.assignee, session=session)
    except ContactNotFound as missing:
        if event.status == EventStatus.cancelled:
            return None  # a cancellation must go through even if the workflows file went out of date
        raise UnknownAssignee(step.assignee, step.key, event.kind) from missing


def _task_owner(task: Task, event: Event, organiser: Contact | None, *, session: Session) -> Contact | None:
    """The contact an existing task is assigned to, if it is (still) one; the organiser's contact for a task
    assigned to the organiser by name."""
    if not task.assignee or task.assignee == event.organizer:
        return organiser
    try:
        return find_contact(task.assignee, session=session)
    except ContactNotFound:
        return None


def _sync_tasks(event: Event, defaults: KindDefaults, contacts: list[Contact], *, session: Session,
                now: datetime) -> tuple[list[PlannedDelivery], dict[str, int]]:
    """Create or re-time the workflow's tasks; return the task notifications wanted and task ids by step."""
    assert event.id is not None
    tasks = {t.step: t for t in session.exec(select(Task).where(col(Task.event_id) == event.id)).all()}
    organiser = next((c for c in contacts if event.organizer and event.organizer.strip().lower() in
                      {(c.email or "").lower(), c.name.lower()}), None)
    steps = {s.key: s for s in defaults.steps}
    wanted: list[PlannedDelivery] = []
    planned = plan_tasks([(s.key, s.title, s.at, s.notify) for s in defaults.steps],
                         start=event.start_utc, end=event.end_utc)
    tz = zone(event.timezone)
    for item in planned:
        task = tasks.get(item.step)
        if task is None:
            due = task_due(item.due_utc, start=event.start_utc, tz=tz, created=now)
            if due is None:  # past work of an event under way or over: not created (task_due says why)
                continue
            owner = _step_owner(steps[item.step], event, organiser, session=session)
            task = Task(event_id=event.id, step=item.step, title=item.title, due_utc=due,
                        assignee=(owner.email or str(owner.id)) if owner else event.organizer, created_at=now,
                        updated_at=now)
            session.add(task)
            tasks[item.step] = task
        else:
            owner = _task_owner(task, event, organiser, session=session)
            due = task_due(item.due_utc, start=event.start_utc, tz=tz, created=task.created_at) or item.due_utc
            if task.status == TaskStatus.open and task.due_utc != due:
                task.due_utc = due
                touch_task(task, now)
                session.add(task)
        if event.status == EventStatus.cancelled and task.status == TaskStatus.open:
            task.status = TaskStatus.cancelled
            touch_task(task, now)
        if item.notify and owner is not None and task.status == TaskStatus.open and due > now:
            notice = max(item.due_utc, task.created_at)  # a step already past when the task came: told at once
            wanted.extend(PlannedDelivery(r.contact_id, r.channel, r.address, Purpose.task, f"task:{item.step}",
                                          event.start_utc, notice) for r in channels_of(owner))
    session.flush()
    return wanted, {step: t.id for step, t in tasks.items() if t.id is not None}


def sync_event(event: Event, workflows: dict[str, KindDefaults], *, session: Session, now: datetime,
               grace: timedelta = DEFAULT_GRACE, horizon: timedelta = DEFAULT_HORIZON) -> None:
    """Bring the event's deliveries and tasks in line with the event as it is now. A series plans its
    occurrences starting before `now + horizon` (events.notify.series) and brings its overrides in line too."""
    assert event.id is not None
    if event.recurs and event.series_id is None:
        rules = rules_of(event, defaults_for(event.kind, workflows), session=session)
        since = series.planning_window(event, rules, now=now, grace=grace, horizon=horizon).lower
        # Overrides of occurrences long past have nothing left to send: only the recent and future ones.
        for override in session.exec(select(Event).where(
                col(Event.series_id) == event.id,
                or_(col(Event.start_utc) >= since, col(Event.recurrence_utc) >= since)).order_by(col(Event.id))).all():
            _sync_one(override, workflows, session=session, now=now, grace=grace, horizon=horizon)
    _sync_one(event, workflows, session=session, now=now, grace=grace, horizon=horizon)


def _sync_one(event: Event, workflows: dict[str, KindDefaults], *, session: Session, now: datetime,
              grace: timedelta, horizon: timedelta) -> None:
    assert event.id is not None
    # An override is told to, and reminded by, its series' recipients and rules; it has no tasks of its own.
    source = session.get(Event, event.series_id) if event.series_id else event
    source = source or event
    defaults = defaults_for(source.kind, workflows)
    contacts = recipient_contacts(source, session=session)
    recipients = [r for c in contacts for r in channels_of(c)]
    rules = rules_of(source, defaults, session=session)
    cancelled = event.status == EventStatus.cancelled
    is_series = event.recurs and event.series_id is None
    window = series.planning_window(event, rules, now=now, grace=grace, horizon=horizon) if is_series else None
    replaced = series.replaced_starts(event.id, session=session) if is_series else set()
    wanted: list[PlannedDelivery] = []
    if not cancelled and window is not None:
        wanted = series.plan_occurrences(series.planned_occurrences(event, window, replaced),
                                         recipients=recipients, rules=rules, now=now, grace=grace)
    elif not cancelled:
        wanted = plan_reminders(start=event.start_utc, end=event.end_utc, recipients=recipients, rules=rules,
                                now=now, grace=grace)
    task_ids: dict[str, int] = {}
    if event.series_id is None:
        task_wanted, task_ids = _sync_tasks(event, defaults, contacts, session=session, now=now)
        if not cancelled:
            wanted.extend(task_wanted)
    existing = list(session.exec(select(Delivery).where(col(Delivery.event_id) == event.id)).all())
    theirs: list[Delivery] = []  # the series' deliveries of the occurrence an override replaces
    if event.series_id is not None and event.recurrence_utc is not None:
        theirs = series.occurrence_rows(event, session=session)
        series.adopt(event, theirs, existing, now=now, session=session)
        existing += [d for d in theirs if d.event_id == event.id]
        theirs = [d for d in theirs if d.event_id != event.id]

    def in_window(d: Delivery) -> bool:  # a series' deliveries before the window are the dispatcher's to skip
        return window is None or d.purpose == Purpose.task or d.event_start_utc >= window.lower

    pending = {d.id: _as_planned(d) for d in existing
               if d.status in WAITING and d.purpose not in OWN_PLAN and d.id and in_window(d)}
    # Done (or being sent right now): never planned again for the same start. Cancelled ones may come back.
    done = (DeliveryStatus.sent, DeliveryStatus.failed, DeliveryStatus.skipped, DeliveryStatus.claimed)
    finished = {(*_as_planned(d).slot, d.event_start_utc) for d in existing + theirs if d.status in done}
    revivable = {(*_as_planned(d).slot, d.event_start_utc): d for d in existing
                 if d.status == DeliveryStatus.cancelled and d.purpose not in OWN_PLAN}
    change = reconcile(wanted, pending, finished, by_start=is_series)
    _apply(change, {d.id: d for d in existing}, revivable, task_ids, event, cancelled=cancelled, now=now,
           session=session)
    _hold_or_release(event, postponed=event.status == EventStatus.postponed, now=now, session=session)
    if is_series:
        assert window is not None
        series.record_horizon(event, window.upper, session=session)
        series.tell_cancelled_occurrences(event, existing, replaced=replaced, now=now, session=session)
    elif cancelled:
        _tell_reminded(event, existing + theirs, Purpose.cancellation, now=now, session=session)
    if event.status == EventStatus.postponed:
        _tell_reminded(event, existing, Purpose.postponement, now=now, session=session)
    session.flush()
    from events.people.invitations import sync_invitations

    sync_invitations(event, session=session, now=now)
    session.flush()


def _apply(change: Retiming, rows: dict[int | None, Delivery], revivable: dict[Any, Delivery],
           task_ids: dict[str, int], event: Event, *, cancelled: bool, now: datetime, session: Session) -> None:
    """Write what `reconcile` decided: re-time, cancel, revive or insert."""
    assert event.id is not None
    for delivery_id, new in change.retime.items():
        row = rows[delivery_id]
        row.event_start_utc, row.due_utc, row.ready_utc, row.address = (
            new.event_start_utc, new.due_utc, new.due_utc, new.address)
        row.updated_at = now
        session.add(row)
    for delivery_id in change.cancel:
        row = rows[delivery_id]
        row.status, row.updated_at = DeliveryStatus.cancelled, now
        row.last_error = "event cancelled" if cancelled else "no longer planned (event or plan changed)"
        session.add(row)
    session.flush()
    added: list[dict[str, Any]] = []
    for planned in change.insert:
        task_id = task_ids.get(planned.rule_key[5:]) if planned.purpose == Purpose.task else None
        old = revivable.get((*planned.slot, planned.event_start_utc))
        if old is not None:  # wanted again (event un-cancelled, defaults back on): same key, so the same row
            old.status, old.due_utc, old.ready_utc, old.address = (
                DeliveryStatus.pending, planned.due_utc, planned.due_utc, planned.address)
            old.attempts, old.last_error, old.lease_until, old.claimed_by, old.updated_at = 0, None, None, None, now
            session.add(old)
            continue
        added.append(new_delivery_row(planned, event.id, now, task_id))
    session.flush()
    if added:
        session.execute(insert(Delivery), added)


def _hold_or_release(event: Event, *, postponed: bool, now: datetime, session: Session) -> None:
    """A postponed event's waiting reminders and task notifications are held; anyone else's are pending.
    A postponement notice not yet sent is dropped once the event is no longer postponed."""
    waiting = session.exec(select(Delivery).where(col(Delivery.event_id) == event.id,
                                                  col(Delivery.status).in_(WAITING))).all()
    for row in waiting:
        if row.purpose == Purpose.postponement:
            if not postponed and row.status == DeliveryStatus.pending:
                row.status, row.last_error, row.updated_at = DeliveryStatus.cancelled, "event no longer postponed", now
                session.add(row)
            continue
        if row.purpose in (Purpose.cancellation, Purpose.invitation_cancel):
            continue
        if postponed and row.status == DeliveryStatus.pending:
            row.status, row.last_error, row.lease_until, row.updated_at = DeliveryStatus.held, HELD_NOTE, None, now
            session.add(row)
        elif not postponed and row.status == DeliveryStatus.held:
            row.status, row.last_error, row.updated_at = DeliveryStatus.pending, None, now
            session.add(row)


def _tell_reminded(event: Event, existing: Sequence[Delivery], purpose: Purpose, *, now: datetime,
                   session: Session) -> None:
    """One notice (`cancellation` or `postponement`) to each recipient and channel already sent a reminder
    for this event. A cancellation is told once; a postponement once per start time (an event confirmed
    again with a new date and postponed once more is told again)."""
    assert event.id is not None
    start = event.start_utc

    def key(d: Delivery) -> tuple[object, ...]:
        return (d.contact_id, d.channel) if purpose == Purpose.cancellation else (d.contact_id, d.channel,
                                                                                 d.event_start_utc)

    notices = {key(d): d for d in existing if d.purpose == purpose}
    reminded = {(d.contact_id, d.channel): d for d in existing
                if d.purpose == Purpose.reminder and d.status == DeliveryStatus.sent and d.contact_id}
    rule_key = "cancel" if purpose == Purpose.cancellation else "postpone"
    for (contact_id, channel), sent in sorted(reminded.items(), key=lambda kv: kv[1].id or 0):
        wanted = (contact_id, channel) if purpose == Purpose.cancellation else (contact_id, channel, start)
        old = notices.get(wanted)
        if old is not None and (old.status != DeliveryStatus.cancelled or purpose == Purpose.cancellation):
            continue
        if old is not None:  # dropped earlier (confirmed again before it went out): the same key, the same row
            old.status, old.due_utc, old.ready_utc, old.address = DeliveryStatus.pending, now, now, sent.address
            old.attempts, old.last_error, old.lease_until, old.claimed_by, old.updated_at = 0, None, None, None, now
            session.add(old)
            continue
        session.add(Delivery(
            event_id=event.id, contact_id=sent.contact_id, purpose=purpose, rule_key=rule_key,
            channel=sent.channel, address=sent.address, event_start_utc=start, due_utc=now,
            ready_utc=now, created_at=now, updated_at=now,
        ))
