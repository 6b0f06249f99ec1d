"""Readiness workflows of campaign editions: the glue between `campaign edition add` / `campaign roll` and
`events.campaigns.readiness` (templates in the workflow file, tasks in the task table)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from calendar_app.app import App
from calendar_app.notify.views import task_json
from events.campaigns import readiness
from events.campaigns.models import Campaign, CampaignEdition
from events.campaigns.programme import EditionInfo
from events.campaigns.readiness import ReadinessTemplate
from events.notify.models import Contact
from events.notify.workflows import workflow_text


def readiness_template(slug: str, *, app: App) -> ReadinessTemplate:
    """The campaign's template from the workflow file in force (CALENDAR_APP_WORKFLOWS or the shipped one);
    a broken file raises `WorkflowFileError` (exit 2) before anything is written."""
    text, where = workflow_text(app.settings.workflows)
    return readiness.template_for(slug, readiness.parse_readiness(text, where))


def _coordinator(ref: str | None, template: ReadinessTemplate, source: CampaignEdition | None, where: str, *,
                 session: Session) -> Contact | None:
    """--coordinator, else the template's, else whoever coordinated the edition rolled from, else none."""
    given = ref or template.coordinator
    if given:
        return readiness.resolve_contact(given, where, session=session)
    if source is not None:
        earlier = next((t.assignee for t in readiness.edition_tasks(source, session=session) if t.assignee), None)
        if earlier:
            try:
                return readiness.resolve_contact(earlier, where, session=session)
            except readiness.UnknownCoordinator:
                return None  # removed since: the new edition's tasks start unassigned
    return None


def plan_edition(
    edition: CampaignEdition, info: EditionInfo, template: ReadinessTemplate, coordinator: str | None, *,
    tz: str, session: Session, now: datetime, source: CampaignEdition | None = None,
) -> None:
    """Create the edition's readiness tasks (in the caller's transaction), due in the campaign's zone
    (`readiness.campaign_zone`; `tz` is the configured one, the last resort)."""
    contact = _coordinator(coordinator, template, source, f"{info.slug} {info.year}", session=session)
    zone_name = readiness.campaign_zone(edition, contact, default_tz=tz, session=session)
    readiness.create_edition_tasks(edition, info, template, contact, tz=zone_name, session=session, now=now)


def edition_task_rows(campaign: Campaign, edition: CampaignEdition, *, tz: str, session: Session,
                      now: datetime) -> list[dict[str, Any]]:
    return [task_json(t, None, now, edition=edition, campaign=campaign, tz=tz)
            for t in readiness.edition_tasks(edition, session=session)]


def readiness_json(template: ReadinessTemplate) -> dict[str, Any]:
    """A campaign template in the shape of `workflow show`: kind `campaign:SLUG`, no reminders."""
    return {"kind": f"campaign:{template.slug}", "reminders": [], "coordinator": template.coordinator,
            "steps": [{"key": s.key, "title": s.title, "at": s.at.key, "assignee": s.assignee, "notify": False}
                      for s in template.steps or ()]}


def list_readiness(*, app: App) -> list[dict[str, Any]]:
    """The `[campaign.*]` sections of the workflow file in force, each merged with the default."""
    text, where = workflow_text(app.settings.workflows)
    templates = readiness.parse_readiness(text, where)
    return [readiness_json(readiness.template_for(slug, templates)) for slug in templates]


def show_readiness(ref: str, *, app: App) -> dict[str, Any]:
    """`workflow show campaign:16-days` (or `campaign` for the default): the template an edition would get."""
    slug = ref.partition(":")[2].strip() or readiness.DEFAULT
    return readiness_json(readiness_template(slug, app=app))
