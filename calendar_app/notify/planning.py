"""The hook that keeps an event's deliveries and tasks in step after each change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

if TYPE_CHECKING:
    from calendar_app.app import App

from events.models import Event
from events.notify.new_events import copy_plans, plan_new_events
from events.notify.reminders import set_event_plan, sync_event


def plan_notifications(
    event: Event, notify: Sequence[str] | None, remind: Sequence[str] | None, use_defaults: bool | None, *,
    app: App, session: Session, now: datetime,
) -> None:
    """Store the event's recipients and rules (when given) and bring its deliveries and tasks in line."""
    if set_event_plan(event, notify=notify or None, remind=remind or None, use_defaults=use_defaults,
                      session=session):
        # The rules show in feeds made with --alarms-from-reminders: a new updated_at re-renders the event.
        event.updated_at = now
        session.add(event)
        session.flush()
    sync_event(event, app.kind_defaults(), session=session, now=now, grace=app.settings.reminder_grace,
               horizon=app.settings.reminder_horizon)


def plan_copies(copies: Mapping[int, int], *, app: App, session: Session, now: datetime) -> None:
    """Campaign roll-over: each copy takes its source's recipients and rules, then gets its own deliveries
    and workflow tasks, all copies together (events.notify.new_events)."""
    copy_plans(copies, session=session)
    plan_new_events(list(copies.values()), app.kind_defaults(), session=session, now=now,
                    grace=app.settings.reminder_grace)
