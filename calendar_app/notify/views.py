"""Tasks and times as the task and campaign commands show them (JSON-ready dicts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events.campaigns.models import Campaign, CampaignEdition
from events.models import Event
from events.notify.models import Task, TaskStatus
from events.timeparse import zone


def iso(value: datetime | None, tz: str = "UTC") -> str | None:
    return value.astimezone(zone(tz)).isoformat() if value else None

def task_json(task: Task, event: Event | None, now: datetime, *, edition: CampaignEdition | None = None,
              campaign: Campaign | None = None, tz: str = "UTC") -> dict[str, Any]:
    """A task of an event, or of a campaign edition (readiness workflow: `event` is the edition's name)."""
    slug, year = (campaign.slug, edition.year) if event is None and edition and campaign else (None, None)
    return {"id": task.id, "event_id": task.event_id,
            "event": event.title if event else f"{slug} {year}" if slug else None, "campaign": slug, "year": year,
            "step": task.step, "title": task.title,
            "due": iso(task.due_utc, event.timezone if event else tz), "assignee": task.assignee,
            "status": task.status, "overdue": task.status == TaskStatus.open and task.due_utc < now,
            "done_at": iso(task.done_at)}
