"""What the reminder, contact, workflow and task commands call: one transaction each, returning data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from calendar_app.app import App
from calendar_app.history.tracking import record_row, row_state
from calendar_app.notify.outcomes import HELD_WHEN_POSTPONED
from calendar_app.notify.views import iso as _iso
from calendar_app.notify.views import task_json
from events import queries
from events.bounds import as_id
from events.campaigns.models import Campaign, CampaignEdition
from events.drafts import choice
from events.errors import Field, InvalidTimeRange
from events.models import Event
from events.notify import contacts
from events.notify.contacts import ContactDraft
from events.notify.errors import TaskNotFound
from events.notify.models import Contact, Delivery, DeliveryStatus, Task, TaskStatus, message_id, touch_task
from events.notify.planning import is_stale
from events.notify.reminders import HELD_NOTE, sync_event
from events.notify.workflows import KindDefaults, workflow_of
from events.notify.zones import ZoneFrom
from events.services import find_event
from events.timeparse import parse_datetime, zone
from exports.todo import feed_tasks as feed_tasks  # the query lives in exports (feeds need it too)

CONTACT = "contact"


def contact_json(contact: Contact, *, session: Session) -> dict[str, Any]:
    return {"id": contact.id, "name": contact.name, "email": contact.email, "chat": contact.chat_url,
            "language": contact.language, "timezone": contact.timezone,
            "organisation": contacts.organisation_name(contact, session=session),
            "groups": contacts.groups_of(contact, session=session), "region": contact.region}


def add_contact(draft: ContactDraft, *, app: App, now: datetime) -> dict[str, Any]:
    with app.write() as session:
        contact, chosen = contacts.add_contact_zoned(
            draft, session=session, default_tz=app.settings.default_tz, now=now,
            chat_schemes=app.settings.chat_schemes, default_from=ZoneFrom(app.settings.default_tz_from))
        record_row(CONTACT, contact.id, None, contact, app=app, session=session, command="contact add", now=now)
        return {**contact_json(contact, session=session), "timezone_from": chosen.source.value}


def list_contacts(*, app: App) -> list[dict[str, Any]]:
    with app.read() as session:
        return [contact_json(c, session=session) for c in contacts.list_contacts(session=session)]


def _resync_contact_events(contact_id: int, *, app: App, session: Session, now: datetime) -> None:
    """A contact's address or organisation changed: re-plan the events it hears about."""
    event_ids = session.execute(select(col(Delivery.event_id)).where(
        col(Delivery.contact_id) == contact_id,
        col(Delivery.status).in_((DeliveryStatus.pending, DeliveryStatus.held))).distinct()).scalars()
    defaults = app.kind_defaults()
    for event_id in list(event_ids):
        event = session.get(Event, event_id)
        if event is not None:
            sync_event(event, defaults, session=session, now=now, grace=app.settings.reminder_grace,
                       horizon=app.settings.reminder_horizon)


def edit_contact(ref: str, draft: ContactDraft, *, app: App, now: datetime) -> dict[str, Any]:
    with app.write() as session:
        before = row_state(contacts.find_contact(ref, session=session))
        contact = contacts.edit_contact(ref, draft, session=session, chat_schemes=app.settings.chat_schemes)
        assert contact.id is not None
        record_row(CONTACT, contact.id, before, contact, app=app, session=session, command="contact edit", now=now)
        _resync_contact_events(contact.id, app=app, session=session, now=now)
        from events.people.services import touch_events_of

        touch_events_of(contact.id, session=session, now=now)  # their ATTENDEE lines show the change
        return contact_json(contact, session=session)


def remove_contact(ref: str, *, app: App, now: datetime) -> dict[str, Any]:
    with app.write() as session:
        contact = contacts.find_contact(ref, session=session)
        shown = contact_json(contact, session=session)
        before = row_state(contact)
        contacts.remove_contact(ref, session=session, now=now)
        record_row(CONTACT, contact.id, before, None, app=app, session=session, command="contact remove", now=now)
        return shown


# ---- deliveries -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LogWindow:
    """`reminder log` filters: statuses (any of), deliveries due in [since, until), and the order."""

    statuses: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    newest_first: bool = False


def delivery_rows(session: Session, *, statuses: tuple[str, ...] = (), event_ref: str | None = None,
                  ready_before: datetime | None = None,
                  window: LogWindow | None = None) -> list[tuple[Delivery, Contact | None, Event]]:
    """Deliveries with their contact and event, soonest due first (newest first when `window` says so)."""
    window = window or LogWindow(statuses=statuses)
    order = (col(Delivery.due_utc).desc(), col(Delivery.id).desc()) if window.newest_first else (
        col(Delivery.due_utc), col(Delivery.id))
    query = (select(Delivery, Contact, Event).outerjoin(Contact, col(Contact.id) == Delivery.contact_id)
             .join(Event, col(Event.id) == Delivery.event_id).order_by(*order))
    if window.statuses:
        query = query.where(col(Delivery.status).in_(window.statuses))
    if event_ref is not None:
        query = query.where(col(Delivery.event_id) == find_event(event_ref, session=session).id)
    if ready_before is not None:
        query = query.where(col(Delivery.ready_utc) <= ready_before)
    if window.since is not None:
        query = query.where(col(Delivery.due_utc) >= window.since)
    if window.until is not None:
        query = query.where(col(Delivery.due_utc) < window.until)
    return [tuple(row) for row in session.execute(query).all()]


_delivery_rows = delivery_rows


def delivery_json(d: Delivery, contact: Contact | None, event: Event, *, mail_domain: str) -> dict[str, Any]:
    tz = contact.timezone if contact else "UTC"
    return {
        "id": d.id, "event_id": d.event_id, "event_uid": event.uid, "event": event.title, "purpose": d.purpose,
        "rule": d.rule_key, "contact_id": d.contact_id, "to": d.address, "name": contact.name if contact else None,
        "language": contact.language if contact else None, "channel": d.channel, "status": d.status,
        "due": _iso(d.due_utc, tz), "next_try": _iso(d.ready_utc, tz) if d.status == "pending" else None,
        "sent_at": _iso(d.sent_at, tz), "attempts": d.attempts, "error": d.last_error,
        "message_id": message_id(d.id or 0, mail_domain),
    }


STATUSES = tuple(s.value for s in DeliveryStatus)
PENDING = ("pending", "claimed", "held")  # still to go out (held: for a postponed event)


def list_deliveries(statuses: list[str] | None, event_ref: str | None, *, app: App) -> list[dict[str, Any]]:
    """`reminder list`: by default what is still to go out (pending, claimed, and held for a postponed event)."""
    wanted = (tuple(choice(DeliveryStatus, s, "status").value for s in statuses) if statuses
              else PENDING)
    with app.read() as session:
        rows = _delivery_rows(session, statuses=wanted, event_ref=event_ref)
        return [delivery_json(*row, mail_domain=app.settings.mail_domain) for row in rows]


def delivery_log(event_ref: str | None, *, app: App, now: datetime, statuses: list[str] | None = None,
                 since: str | None = None, until: str | None = None,
                 newest_first: bool = True) -> list[dict[str, Any]]:
    """`reminder log`: every delivery, whatever became of it, newest first unless told otherwise; only
    `statuses` when given, and only those due from `since` (inclusive) to `until` (exclusive)."""
    tz = zone(app.settings.default_tz)
    first = parse_datetime(since, tz=tz, now=now, what=Field.SINCE) if since else None
    last = parse_datetime(until, tz=tz, now=now, what=Field.LOG_UNTIL) if until else None
    if first is not None and last is not None and last <= first:
        raise InvalidTimeRange(first.isoformat(sep=" "), last.isoformat(sep=" "), "give a later {log_until}")
    window = LogWindow(statuses=tuple(choice(DeliveryStatus, s, "status").value for s in statuses or ()),
                       since=first, until=last, newest_first=newest_first)
    with app.read() as session:
        rows = delivery_rows(session, event_ref=event_ref, window=window)
        return [delivery_json(*row, mail_domain=app.settings.mail_domain) for row in rows]


def preview(at: str, *, app: App, now: datetime) -> list[dict[str, Any]]:
    """What a dispatcher running at `at` would do with what is due by then: send it (to whom, in which
    language, with which subject), or hold it because its event is postponed (`outcome` and `why`; the
    subject of a held one says so first)."""
    from calendar_app.notify.addressee import Person
    from calendar_app.notify.messages import render

    moment = parse_datetime(at, tz=zone(app.settings.default_tz), now=now, what=Field.AT)
    grace = app.settings.reminder_grace
    result = []
    with app.read() as session:
        for d, contact, event in _delivery_rows(session, statuses=("pending", "held"), ready_before=moment):
            view = queries.view_event(d.event_id, session=session)
            held = d.status == DeliveryStatus.held or (d.purpose in HELD_WHEN_POSTPONED and view.status == "postponed")
            if contact is None or (not held and is_stale(due=d.due_utc, event_start=event.start_utc,
                                                         before_start=d.due_utc <= event.start_utc, now=moment,
                                                         grace=grace)):
                continue
            task = session.get(Task, d.task_id) if d.task_id else None
            person = Person(contact.name, contact.language, contact.timezone)
            message = render(d.purpose, view, person, now=moment,
                             task=app.step_title(task.title, contact.language) if task else None,
                             task_due=task.due_utc if task else None)
            shown = delivery_json(d, contact, event, mail_domain=app.settings.mail_domain)
            subject = f"[held: event postponed] {message.subject}" if held else message.subject
            result.append({**shown, "subject": subject, "body": message.text, "outcome": "held" if held else "send",
                           "why": HELD_NOTE if held else None})
    return result


# ---- workflows and tasks ----------------------------------------------------------------------------------

def workflow_json(defaults: KindDefaults) -> dict[str, Any]:
    return {"kind": defaults.kind, "reminders": [r.key for r in defaults.reminders],
            "steps": [{"key": s.key, "title": s.title, "at": s.at.key, "assignee": s.assignee, "notify": s.notify}
                      for s in defaults.steps]}


def list_workflows(*, app: App) -> list[dict[str, Any]]:
    """The kinds' workflows, then the campaign readiness templates (`campaign:SLUG`)."""
    from calendar_app.campaigns.readiness import list_readiness

    return [workflow_json(d) for d in app.kind_defaults().values()] + list_readiness(app=app)


def show_workflow(kind: str, *, app: App) -> dict[str, Any]:
    if kind.strip().lower().partition(":")[0] == "campaign":
        from calendar_app.campaigns.readiness import show_readiness

        return show_readiness(kind.strip(), app=app)
    return workflow_json(workflow_of(kind.strip().lower().replace("-", "_"),
                                     app.kind_defaults()))



def list_tasks(*, overdue: bool, mine: str | None, include_done: bool, app: App,
               now: datetime) -> list[dict[str, Any]]:
    """`task list`: the tasks of events and of campaign editions, soonest first."""
    query = (select(Task, Event, CampaignEdition, Campaign)
             .outerjoin(Event, col(Event.id) == Task.event_id)
             .outerjoin(CampaignEdition, col(CampaignEdition.id) == Task.campaign_edition_id)
             .outerjoin(Campaign, col(Campaign.id) == CampaignEdition.campaign_id)
             .order_by(col(Task.due_utc), col(Task.id)))
    if not include_done:
        query = query.where(col(Task.status) == TaskStatus.open)
    if overdue:
        query = query.where(col(Task.status) == TaskStatus.open, col(Task.due_utc) < now)
    if mine:
        query = query.where(col(Task.assignee).ilike(mine.strip()))
    with app.read() as session:
        return [task_json(task, event, now, edition=edition, campaign=campaign, tz=app.settings.default_tz)
                for task, event, edition, campaign in session.execute(query).all()]


def task_done(ref: str, *, app: App, now: datetime) -> dict[str, Any]:
    with app.write() as session:
        number = as_id(ref)  # a number beyond the id range is no id: not found
        task = session.get(Task, number) if number is not None else None
        if task is None:
            raise TaskNotFound(ref)
        if task.status == TaskStatus.open:
            task.status, task.done_at = TaskStatus.done, now
            touch_task(task, now)
            session.add(task)
            for d in session.exec(select(Delivery).where(  # type: ignore[call-overload]
                    col(Delivery.task_id) == task.id,
                    col(Delivery.status).in_((DeliveryStatus.pending, DeliveryStatus.held)))).scalars():
                d.status, d.last_error, d.updated_at = DeliveryStatus.cancelled, "task done", now
                session.add(d)
        event = session.get(Event, task.event_id) if task.event_id is not None else None
        edition = session.get(CampaignEdition, task.campaign_edition_id) if task.campaign_edition_id else None
        campaign = session.get(Campaign, edition.campaign_id) if edition is not None else None
        return task_json(task, event, now, edition=edition, campaign=campaign, tz=app.settings.default_tz)


def check_workflows(*, app: App) -> None:
    """Raise the workflow file's error now rather than at the first event (used by `scheduler run`)."""
    app.kind_defaults()
