"""Campaign roll plans the copies' reminders and tasks in bulk (issue 14): what it plans is what
`sync_event` plans for each copy one by one, and each copy has its own history line. Both backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy import select as core_select
from sqlmodel import col, select

from calendar_app import services
from calendar_app.app import App
from calendar_app.campaigns import services as campaign_services
from calendar_app.config import Settings
from calendar_app.db import write_session
from calendar_app.history.services import history
from events.campaigns.links import CampaignLink
from events.drafts import NewEventDraft
from events.models import Event
from events.notify import contacts
from events.notify.contacts import ContactDraft
from events.notify.models import Delivery, EventRecipient, EventRecipientGroup, EventReminderPlan, Task
from events.notify.reminders import sync_event
from tests.conftest import NOW

WORKFLOWS = """
[kinds.consultation]
reminders = ["start-1d", "start-2h"]
steps = [
    { key = "invitations", title = "Send the invitations", at = "start-14d", notify = true },
    { key = "press", title = "Brief the press", at = "start-2d", assignee = "press@example.mn", notify = true },
    { key = "minutes", title = "Share the minutes", at = "end+3d", notify = true },
]

[kinds.training]
reminders = ["start-3d"]
steps = [{ key = "report", title = "Report participant figures", at = "end+7d" }]

[kinds.launch]
reminders = []
steps = []
"""


@pytest.fixture
def coord(store_url: str, tmp_path: Path) -> Iterator[App]:
    path = tmp_path / "workflows.toml"
    path.write_text(WORKFLOWS, encoding="utf-8")
    app = App.open(Settings(db_url=store_url, default_tz="Asia/Ulaanbaatar", workflows=str(path)))
    yield app
    app.close()


def _programme(app: App) -> None:
    campaign_services.add_campaign(None, name=None, window=None, color=None, preset="16-days", app=app)
    campaign_services.add_edition("16-days", 2025, ["Bench"], app=app, now=NOW)
    people = [ContactDraft(name="Partner Person", email="unfpa@example.mn", organisation="UNFPA"),
              ContactDraft(name="Group Member", email="member@example.mn", chat="json://127.0.0.1:9/",
                           groups=["gbv-network"]),
              ContactDraft(name="Named", email="named@example.mn"),
              ContactDraft(name="Organiser", email="org@example.mn"),
              ContactDraft(name="Press", email="press@example.mn")]
    with write_session(app.store.engine) as session:
        for draft in people:
            contacts.add_contact(draft, session=session, default_tz="Asia/Ulaanbaatar", now=NOW,
                                 chat_schemes=app.settings.chat_schemes)
    link = CampaignLink(campaign="16-days", yearly=True)
    drafts = [
        NewEventDraft(title="Зөвшилцөх уулзалт", kind="consultation", start="2025-11-24 10:00", duration="2h",
                      region="ulaanbaatar", organizer="ORG@example.mn", partners=["UNFPA"],
                      notify=["named@example.mn", "group:gbv-network"], remind=["start-3d"]),
        NewEventDraft(title="Сургалт", kind="training", start="2025-12-08", end="2025-12-10", all_day=True,
                      region="khovd", notify=["named@example.mn"], default_reminders=False, remind=["end+1d"]),
        NewEventDraft(title="Нээлт", kind="launch", start="2025-11-25 15:00", duration="1h", region="bishkek",
                      partners=["UNFPA", "UN Women"], organizer="Organiser"),
        NewEventDraft(title="Уулзалт", kind="consultation", start="2025-12-10 09:00", duration="3h",
                      region="khovd", organizer="nobody@example.mn", notify=["group:gbv-network"]),
    ]
    for event in drafts:
        services.add_event(event, link, app=app, now=NOW)


def _planned(app: App, ids: tuple[int, ...]) -> dict[str, list[tuple[Any, ...]]]:
    """The copies' deliveries and tasks, without their own ids (a delivery names its task by step)."""
    task_table, delivery_table = Task.__table__, Delivery.__table__  # type: ignore[attr-defined]
    with app.read() as session:
        tasks = session.execute(core_select(task_table).where(task_table.c.event_id.in_(ids))
                                .order_by(task_table.c.event_id, task_table.c.step)).mappings().all()
        step = {t["id"]: t["step"] for t in tasks}
        deliveries = session.execute(core_select(delivery_table).where(delivery_table.c.event_id.in_(ids))
                                     ).mappings().all()
    return {
        "tasks": [tuple(v for k, v in t.items() if k != "id") for t in tasks],
        "deliveries": sorted(tuple(str(v) for k, v in {**d, "task_id": step.get(d["task_id"])}.items() if k != "id")
                             for d in deliveries),
    }


def _plan_one_by_one(app: App, ids: tuple[int, ...], now: datetime) -> None:
    with app.write() as session:
        session.execute(delete(Delivery).where(col(Delivery.event_id).in_(ids)))
        session.execute(delete(Task).where(col(Task.event_id).in_(ids)))
        for event_id in ids:
            event = session.get(Event, event_id)
            assert event is not None
            sync_event(event, app.kind_defaults(), session=session, now=now, grace=app.settings.reminder_grace,
                       horizon=app.settings.reminder_horizon)


def _plans(app: App, ids: list[int]) -> list[tuple[Any, ...]]:
    with app.read() as session:
        return [(
            sorted(session.exec(select(EventRecipient.contact_id).where(col(EventRecipient.event_id) == i))),
            sorted(session.exec(select(EventRecipientGroup.name).where(col(EventRecipientGroup.event_id) == i))),
            [(p.use_defaults, p.rules) for p in session.exec(
                select(EventReminderPlan).where(col(EventReminderPlan.event_id) == i))],
        ) for i in ids]


@pytest.mark.parametrize("now", [NOW, datetime(2026, 3, 1, tzinfo=NOW.tzinfo)], ids=["days-before", "months-before"])
def test_roll_plans_each_copy_as_sync_event_would(coord: App, now: datetime) -> None:
    _programme(coord)
    with coord.read() as session:
        sources = [i for i in session.exec(select(Event.id).order_by(col(Event.start_utc), col(Event.id)))
                   if i is not None]
    outcome = campaign_services.roll("16-days", 2026, [], app=coord, now=now)
    copies = tuple(e.id for e in outcome.copied)
    assert len(copies) == 4
    assert _plans(coord, list(copies)) == _plans(coord, sources)
    bulk = _planned(coord, copies)
    assert bulk["tasks"] and bulk["deliveries"]
    assert {d[2] for d in bulk["deliveries"]} >= {"reminder", "task"}  # (event_id, contact_id, purpose, ...)
    _plan_one_by_one(coord, copies, now)
    assert _planned(coord, copies) == bulk


def test_roll_records_each_copy_as_event_add_records_it(coord: App) -> None:
    _programme(coord)
    outcome = campaign_services.roll("16-days", 2026, [], app=coord, now=NOW)
    rolled = {c.entity_id: c for c in history(None, None, None, None, app=coord, now=NOW)
              if c.command == "campaign roll" and c.entity == "event"}
    assert list(rolled) == [e.id for e in outcome.copied]
    from calendar_app.history.tracking import event_state

    with coord.read() as session:
        for event_id, entry in rolled.items():
            state = event_state(event_id, session=session)
            assert state is not None
            assert entry.action == "add"
            assert entry.changes == {k: [None, v] for k, v in state.items() if v is not None}
