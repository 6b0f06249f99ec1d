"""Deliveries and tasks for many events just added at once (a campaign roll-over copies thousands).

Each event gets what `reminders.sync_event` would give it, read and written with a few statements per chunk
of events instead of a dozen per event. Only for new single events that are neither cancelled nor postponed
and have no deliveries or tasks yet: nothing is re-timed, cancelled, held or told, every wanted delivery
and task is new. tests/test_issue_roll_in_bulk.py holds the result to `sync_event`'s.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import RowMapping, Table, insert, or_, select
from sqlmodel import Session, col

from events.models import Event, EventPartner
from events.notify.contacts import find_contact
from events.notify.errors import ContactNotFound, UnknownAssignee
from events.notify.models import (
    Contact,
    ContactGroup,
    Delivery,
    EventRecipient,
    EventRecipientGroup,
    EventReminderPlan,
    Purpose,
    Task,
    TaskStatus,
)
from events.notify.planning import (
    DEFAULT_GRACE,
    PlannedDelivery,
    plan_reminders,
    plan_tasks,
    reconcile,
    task_due,
)
from events.notify.reminders import channels_of, new_delivery_row, plan_rules
from events.notify.workflows import ORGANIZER, KindDefaults, defaults_for
from events.timeparse import zone

CHUNK = 500  # ids per IN list, under every backend's bound-parameter limit


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for offset in range(0, len(ids), CHUNK):
        yield ids[offset : offset + CHUNK]


def _spanning(column: Any, ids: Sequence[int]) -> Any:
    """At least the rows of `ids`, for the caller to keep those: the range from the lowest to the highest
    when the ids are close together (events added together), two bound parameters instead of a list that
    costs more to bind than to run; else the list itself."""
    low, high = min(ids), max(ids)
    return column.between(low, high) if high - low < 4 * len(ids) else column.in_(ids)


def copy_plans(copies: Mapping[int, int], *, session: Session) -> None:
    """Give each copy (the value) the recipients, groups and own reminder rules of its source (the key)."""
    for model, columns in ((EventRecipient, ("contact_id",)), (EventRecipientGroup, ("name",)),
                           (EventReminderPlan, ("use_defaults", "rules"))):
        table = _table(model)
        rows: list[dict[str, Any]] = []
        for sources in _chunks(list(copies)):
            found = session.execute(select(table.c.event_id, *(table.c[c] for c in columns))
                                    .where(_spanning(table.c.event_id, sources)))
            rows += [{"event_id": copies[source], **dict(zip(columns, values, strict=True))}
                     for source, *values in found if source in copies]
        if rows:
            session.execute(insert(table), rows)


def plan_new_events(event_ids: Sequence[int], workflows: dict[str, KindDefaults], *, session: Session,
                    now: datetime, grace: timedelta = DEFAULT_GRACE) -> None:
    """Insert the deliveries and workflow tasks of the new events `event_ids` (see the module's terms)."""
    session.flush()
    owners: dict[str, Contact | None] = {}
    for chunk in _chunks(event_ids):
        events = _table(Event)
        wanted_ids = set(chunk)
        rows = {row["id"]: row for row in session.execute(
            select(events.c.id, events.c.kind, events.c.organizer, events.c.start_utc, events.c.end_utc,
                   events.c.timezone).where(_spanning(events.c.id, chunk))).mappings() if row["id"] in wanted_ids}
        plans = {p.event_id: p for p in session.scalars(
            select(EventReminderPlan).where(_spanning(col(EventReminderPlan.event_id), chunk)))
            if p.event_id in wanted_ids}
        # Events with neither rules nor steps (many campaign days) plan nothing: their recipients are not read.
        work = {}
        for event_id in chunk:
            defaults = defaults_for(rows[event_id]["kind"], workflows)
            rules = plan_rules(plans.get(event_id), defaults)
            if rules or defaults.steps:
                work[event_id] = (defaults, rules)
        people = _recipients([rows[i] for i in work], session=session) if work else {}
        tasks: list[dict[str, Any]] = []
        wanted: dict[int, list[PlannedDelivery]] = {}
        for event_id, (defaults, rules) in work.items():
            row, contacts = rows[event_id], people.get(event_id, [])
            recipients = [r for c in contacts for r in channels_of(c)]
            wanted[event_id] = plan_reminders(start=row["start_utc"], end=row["end_utc"], recipients=recipients,
                                              rules=rules, now=now, grace=grace)
            wanted[event_id] += _plan_tasks(row, defaults, contacts, tasks, owners, session=session, now=now)
        _insert(tasks, wanted, chunk, session=session, now=now)


def _insert(tasks: list[dict[str, Any]], wanted: Mapping[int, list[PlannedDelivery]], chunk: Sequence[int], *,
            session: Session, now: datetime) -> None:
    task_ids: dict[tuple[int, str], int] = {}
    if tasks:
        session.execute(insert(Task), tasks)
        table = _table(Task)
        task_ids = {(e, step): i for i, e, step in session.execute(
            select(table.c.id, table.c.event_id, table.c.step).where(table.c.event_id.in_(chunk)))}
    deliveries = [
        new_delivery_row(p, event_id, now, task_ids.get((event_id, p.rule_key[5:])) if p.purpose == Purpose.task
                         else None)
        for event_id, planned in wanted.items() for p in reconcile(planned, {}, set()).insert
    ]
    if deliveries:
        session.execute(insert(Delivery), deliveries)


def _recipients(rows: Sequence[RowMapping], *, session: Session) -> dict[int, list[Contact]]:
    """Each event's contacts as `reminders.recipient_contacts` finds them, ordered by id."""
    ids = [row["id"] for row in rows]
    recipient, groups, members = _table(EventRecipient), _table(EventRecipientGroup), _table(ContactGroup)
    links, contact = _table(EventPartner), _table(Contact)
    pairs: set[tuple[int, int]] = set()
    for query in (
        select(recipient.c.event_id, recipient.c.contact_id).where(recipient.c.event_id.in_(ids)),
        select(groups.c.event_id, members.c.contact_id).join(members, members.c.name == groups.c.name)
        .where(groups.c.event_id.in_(ids)),
        select(links.c.event_id, contact.c.id).join(contact, contact.c.organisation_id == links.c.organisation_id)
        .where(links.c.event_id.in_(ids)),
    ):
        pairs.update((e, c) for e, c in session.execute(query))
    named: dict[str, list[int]] = {}
    for row in rows:
        organizer = row["organizer"]
        if organizer and organizer not in named:
            name = organizer.strip()
            named[organizer] = list(session.scalars(select(contact.c.id).where(
                or_(contact.c.email.ilike(name), contact.c.name == name))))
        pairs.update((row["id"], c) for c in named.get(organizer or "", []))
    pairs.update(_participants(ids, session=session))
    wanted = sorted({c for _, c in pairs})
    found = {c.id: c for chunk in _chunks(wanted) for c in session.scalars(
        select(Contact).where(col(Contact.id).in_(chunk)))}
    by_event: dict[int, list[Contact]] = {}
    for event_id, contact_id in sorted(pairs):
        by_event.setdefault(event_id, []).append(found[contact_id])
    return by_event


def _participants(ids: Sequence[int], *, session: Session) -> set[tuple[int, int]]:
    """Participants who have not declined are reminded too (issue 12)."""
    from events.people.models import Participant, RsvpStatus

    table = _table(Participant)
    rows = session.execute(select(table.c.event_id, table.c.contact_id, table.c.status)
                           .where(table.c.event_id.in_(ids), table.c.contact_id.is_not(None))).all()
    return {(e, c) for e, c, status in rows if status != RsvpStatus.declined.value}


def _plan_tasks(row: RowMapping, defaults: KindDefaults, contacts: list[Contact],
                tasks: list[dict[str, Any]], owners: dict[str, Contact | None], *, session: Session,
                now: datetime) -> list[PlannedDelivery]:
    """Append the event's new tasks to `tasks` (as `reminders._sync_tasks` makes them); return the task
    notifications wanted."""
    organizer = row["organizer"]
    organiser = next((c for c in contacts if organizer and organizer.strip().lower() in
                      {(c.email or "").lower(), c.name.lower()}), None)
    steps = {s.key: s for s in defaults.steps}
    wanted: list[PlannedDelivery] = []
    start, tz = row["start_utc"], zone(row["timezone"])
    for item in plan_tasks([(s.key, s.title, s.at, s.notify) for s in defaults.steps], start=start,
                           end=row["end_utc"]):
        due = task_due(item.due_utc, start=start, tz=tz, created=now)
        if due is None:
            continue
        step = steps[item.step]
        owner = organiser if step.assignee == ORGANIZER else _assignee(step.assignee, step.key, row["kind"],
                                                                       owners, session=session)
        tasks.append({"event_id": row["id"], "campaign_edition_id": None, "step": item.step, "title": item.title,
                      "due_utc": due, "assignee": (owner.email or str(owner.id)) if owner else organizer,
                      "status": TaskStatus.open.value, "done_at": None, "created_at": now, "sequence": 0,
                      "updated_at": now})
        if item.notify and owner is not None and due > now:
            notice = max(item.due_utc, now)
            wanted.extend(PlannedDelivery(r.contact_id, r.channel, r.address, Purpose.task, f"task:{item.step}",
                                          start, notice) for r in channels_of(owner))
    return wanted


def _assignee(ref: str, step: str, kind: str, owners: dict[str, Contact | None], *, session: Session) -> Contact:
    if ref not in owners:
        try:
            owners[ref] = find_contact(ref, session=session)
        except ContactNotFound:
            owners[ref] = None
    owner = owners[ref]
    if owner is None:
        raise UnknownAssignee(ref, step, kind)
    return owner
