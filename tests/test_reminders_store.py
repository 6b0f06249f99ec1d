"""Contacts, recipients, kind defaults, moves and cancellations in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from calendar_app import services
from calendar_app.app import App
from calendar_app.db import write_session
from calendar_app.notify import services as notify_services
from events.drafts import EventChanges, NewEventDraft
from events.errors import InvalidInput, UnknownChoice, UnknownTimeZone
from events.notify.contacts import ContactDraft
from events.notify.errors import ContactNotFound, InvalidEmail, InvalidOffset, ReminderAfterEvent, TaskNotFound
from events.notify.models import Delivery
from tests.conftest import NOW
from tests.reminder_helpers import add_contacts, add_event

START = NOW + timedelta(days=10)


def _deliveries(app: App) -> list[Delivery]:
    with write_session(app.store.engine) as session:
        return list(session.exec(select(Delivery).order_by(Delivery.id)).all())  # type: ignore[arg-type]


def test_consultation_gets_kind_defaults_per_recipient_and_its_workflow_tasks(app: App) -> None:
    emails = add_contacts(app, 2, now=NOW)
    add_event(app, now=NOW, start=START, kind="consultation", notify=emails, organizer=emails[0])
    rows = _deliveries(app)
    reminders = [d for d in rows if d.purpose == "reminder"]
    assert sorted((d.address, d.rule_key) for d in reminders) == sorted(
        (e, r) for e in emails for r in ("start-1d", "start-2h"))
    assert {d.due_utc for d in reminders} == {START - timedelta(days=1), START - timedelta(hours=2)}
    tasks = notify_services.list_tasks(overdue=False, mine=emails[0], include_done=False, app=app, now=NOW)
    assert [t["step"] for t in tasks] == ["invitations", "concept-note", "confirm-attendance", "logistics", "minutes"]
    # invitations are due 14 days before a consultation 10 days away: due today at 23:59 in the event's zone
    # (issue 13), not overdue, and the organiser is told at once
    assert tasks[0]["due"] == "2026-11-23T23:59:00+08:00"
    overdue = notify_services.list_tasks(overdue=True, mine=None, include_done=False, app=app, now=NOW)
    assert overdue == []
    task_mails = [d for d in rows if d.purpose == "task"]
    assert {d.rule_key for d in task_mails} == {"task:invitations", "task:concept-note",
                                                "task:confirm-attendance", "task:minutes"}
    assert {d.due_utc for d in task_mails if d.rule_key == "task:invitations"} == {NOW}


def test_own_rules_and_no_defaults(app: App) -> None:
    emails = add_contacts(app, 1, now=NOW)
    add_event(app, now=NOW, start=START, kind="consultation", notify=emails, remind=["30m"], defaults=False)
    assert [d.rule_key for d in _deliveries(app) if d.purpose == "reminder"] == ["start-30m"]


def test_moving_an_event_retimes_pending_deliveries_and_keeps_sent_ones(app: App) -> None:
    emails = add_contacts(app, 1, now=NOW)
    event_id = add_event(app, now=NOW, start=START, kind="consultation", notify=emails)
    with write_session(app.store.engine) as session:
        first = session.exec(select(Delivery).where(Delivery.rule_key == "start-1d")).one()
        first.status, first.sent_at = "sent", NOW
        session.add(first)
    later = START + timedelta(days=3)
    services.edit_event(str(event_id), EventChanges(start=later.isoformat()), app=app, now=NOW)
    rows = _deliveries(app)
    sent = [d for d in rows if d.status == "sent"]
    assert [(d.rule_key, d.event_start_utc) for d in sent] == [("start-1d", START)]
    pending = {d.rule_key: d.due_utc for d in rows if d.status == "pending" and d.purpose == "reminder"}
    assert pending == {"start-1d": later - timedelta(days=1), "start-2h": later - timedelta(hours=2)}
    # editing the title alone changes no delivery
    before = [(d.id, d.due_utc, d.status) for d in _deliveries(app)]
    services.edit_event(str(event_id), EventChanges(title="Зөвшилцөх уулзалт (2)"), app=app, now=NOW)
    assert [(d.id, d.due_utc, d.status) for d in _deliveries(app)] == before


def test_moving_into_the_near_future_drops_reminders_whose_moment_passed(app: App) -> None:
    emails = add_contacts(app, 1, now=NOW)
    event_id = add_event(app, now=NOW, start=START, kind="consultation", notify=emails)
    soon = NOW + timedelta(hours=1)
    services.edit_event(str(event_id), EventChanges(start=soon.isoformat()), app=app, now=NOW)
    reminders = {d.rule_key: (d.status, d.due_utc) for d in _deliveries(app) if d.purpose == "reminder"}
    # The 1-day reminder would be 23 h late: dropped. The 2-hour one is 1 h late but the meeting is still ahead,
    # so it goes out now ("starts in 1 hour") rather than never.
    assert reminders == {"start-1d": ("cancelled", START - timedelta(days=1)),
                         "start-2h": ("pending", soon - timedelta(hours=2))}


def test_cancelling_cancels_pending_and_tells_those_already_reminded(app: App) -> None:
    emails = add_contacts(app, 2, now=NOW)
    event_id = add_event(app, now=NOW, start=START, kind="round_table", notify=emails)
    with write_session(app.store.engine) as session:
        sent = session.exec(select(Delivery).where(Delivery.rule_key == "start-3d",
                                                   Delivery.address == emails[0])).one()
        sent.status = "sent"
        session.add(sent)
    services.cancel_event(str(event_id), "Яам товыг хойшлуулсан", app=app, now=NOW)
    rows = _deliveries(app)
    assert {d.status for d in rows if d.purpose in ("reminder", "task") and d.id != sent.id} == {"cancelled"}
    notices = [d for d in rows if d.purpose == "cancellation"]
    assert [(d.address, d.status, d.due_utc) for d in notices] == [(emails[0], "pending", NOW)]
    # cancelling again tells nobody twice
    services.cancel_event(str(event_id), None, app=app, now=NOW)
    assert len([d for d in _deliveries(app) if d.purpose == "cancellation"]) == 1
    tasks = notify_services.list_tasks(overdue=False, mine=None, include_done=True, app=app, now=NOW)
    assert {t["status"] for t in tasks} == {"cancelled"}


@pytest.mark.parametrize(("notify", "remind", "error"), [
    (["nobody@example.org"], [], ContactNotFound),
    (["99"], [], ContactNotFound),
    ([], ["soon"], InvalidOffset),
    ([], ["end-1h"], ReminderAfterEvent),
])
def test_bad_event_input_changes_nothing(sqlite_app: App, notify, remind, error) -> None:
    add_contacts(sqlite_app, 1, now=NOW)
    draft = NewEventDraft(title="Дугуй ширээ", start=START.isoformat(), duration="3h", kind="consultation",
                          notify=notify, remind=remind)
    with pytest.raises(error):
        services.add_event(draft, app=sqlite_app, now=NOW)
    assert services.list_events(services.EventFilter(), app=sqlite_app, now=NOW) == []
    assert _deliveries(sqlite_app) == []


def test_contact_checks(sqlite_app: App) -> None:
    s = sqlite_app
    row = notify_services.add_contact(ContactDraft(name="Айгүл Осмонова", email="aigul@example.kg", language="ky",
                                                   tz="Asia/Bishkek"), app=s, now=NOW)
    assert row["language"] == "ky" and row["timezone"] == "Asia/Bishkek"
    for draft, error in [
        (ContactDraft(name="X", email="not-an-address", language="en"), InvalidEmail),
        (ContactDraft(name="X", email="x@example.org", language="de"), UnknownChoice),
        (ContactDraft(name="X", email="x@example.org", language="en", tz="Mars/Olympus"), UnknownTimeZone),
        (ContactDraft(name="X", email="AIGUL@example.kg", language="en"), InvalidInput),
        (ContactDraft(name="X", language="en"), InvalidInput),
    ]:
        with pytest.raises(error):
            notify_services.add_contact(draft, app=s, now=NOW)
    assert len(notify_services.list_contacts(app=s)) == 1
    with pytest.raises(ContactNotFound):
        notify_services.edit_contact("nobody@example.org", ContactDraft(language="ru"), app=s, now=NOW)
    edited = notify_services.edit_contact("aigul@example.kg", ContactDraft(language="ru"), app=s, now=NOW)
    assert edited["language"] == "ru"


def test_partner_contacts_and_the_organiser_are_told(sqlite_app: App) -> None:
    s = sqlite_app
    notify_services.add_contact(ContactDraft(name="Ministry desk", email="desk@mlsp.gov.mn", language="mn",
                                             organisation="Ministry of Labour and Social Protection"),
                                app=s, now=NOW)
    notify_services.add_contact(ContactDraft(name="Coordinator", email="coord@ngo.mn", language="en"),
                                app=s, now=NOW)
    draft = NewEventDraft(title="Гарын үсэг зурах ёслол", start=START.isoformat(), kind="signing",
                          partners=["Ministry of Labour and Social Protection"], organizer="coord@ngo.mn")
    services.add_event(draft, app=s, now=NOW)
    assert sorted(d.address for d in _deliveries(s) if d.purpose == "reminder") == ["coord@ngo.mn", "desk@mlsp.gov.mn"]


def test_removing_a_contact_cancels_its_pending_deliveries(sqlite_app: App) -> None:
    emails = add_contacts(sqlite_app, 1, now=NOW)
    add_event(sqlite_app, now=NOW, start=START, kind="signing", notify=emails)
    notify_services.remove_contact(emails[0], app=sqlite_app, now=NOW)
    assert {d.status for d in _deliveries(sqlite_app)} == {"cancelled"}


def test_task_done(sqlite_app: App) -> None:
    emails = add_contacts(sqlite_app, 1, now=NOW)
    add_event(sqlite_app, now=NOW, start=START, kind="consultation", notify=emails, organizer=emails[0])
    tasks = notify_services.list_tasks(overdue=False, mine=None, include_done=False, app=sqlite_app, now=NOW)
    note = next(t for t in tasks if t["step"] == "concept-note")
    done = notify_services.task_done(str(note["id"]), app=sqlite_app, now=NOW)
    assert done["status"] == "done"
    statuses = {d.rule_key: d.status for d in _deliveries(sqlite_app) if d.purpose == "task"}
    assert statuses["task:concept-note"] == "cancelled"
    with pytest.raises(TaskNotFound):
        notify_services.task_done("999", app=sqlite_app, now=NOW)


def test_issue_reminders_come_back_when_wanted_again(app: App) -> None:
    """Cancelled deliveries share the unique key of their replacements: reviving must not collide."""
    emails = add_contacts(app, 1, now=NOW)
    event_id = add_event(app, now=NOW, start=START, kind="signing", notify=emails)
    services.edit_event(str(event_id), EventChanges(default_reminders=False), app=app, now=NOW)
    assert {d.status for d in _deliveries(app) if d.purpose == "reminder"} == {"cancelled"}
    services.edit_event(str(event_id), EventChanges(default_reminders=True), app=app, now=NOW)
    assert [(d.rule_key, d.status) for d in _deliveries(app) if d.purpose == "reminder"] == [
        ("start-1d", "pending")]
    services.cancel_event(str(event_id), None, app=app, now=NOW)
    services.edit_event(str(event_id), EventChanges(status="confirmed"), app=app, now=NOW)
    rows = [d for d in _deliveries(app) if d.purpose == "reminder"]
    assert [(d.rule_key, d.status, d.due_utc) for d in rows] == [("start-1d", "pending", START - timedelta(days=1))]


def test_a_group_is_told_with_its_members_at_planning_time(sqlite_app: App) -> None:
    s = sqlite_app
    for name, email in (("Болормаа", "bolor@ngo.mn"), ("Gulnara", "gulnara@ngo.kg")):
        notify_services.add_contact(ContactDraft(name=name, email=email, language="mn", groups=["gbv-network"]),
                                    app=s, now=NOW)
    draft = NewEventDraft(title="Хүчирхийллийн эсрэг 16 хоног", start=START.isoformat(), kind="round_table",
                          notify=["group:gbv-network"])
    view = services.add_event(draft, app=s, now=NOW).view
    assert sorted({d.address for d in _deliveries(s)}) == ["bolor@ngo.mn", "gulnara@ngo.kg"]
    notify_services.add_contact(ContactDraft(name="New", email="new@ngo.mn", language="ru", groups=["GBV-network"]),
                                app=s, now=NOW)
    services.edit_event(str(view.id), EventChanges(location="Улаанбаатар"), app=s, now=NOW)
    assert "new@ngo.mn" in {d.address for d in _deliveries(s)}
    with pytest.raises(InvalidInput, match="group name"):
        notify_services.add_contact(ContactDraft(name="X", email="x@ngo.mn", groups=["no spaces please"]),
                                    app=s, now=NOW)
