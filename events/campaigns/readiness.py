"""Readiness workflows of campaign editions (issue 5, point 5): tasks counted from the window.

Templates are data, in the same file as the kind workflows (`events/data/workflows.toml`, or the user's copy
named by CALENDAR_APP_WORKFLOWS): `[campaign.default]` for every campaign, `[campaign.<slug>]` to replace the
steps or the coordinator of one campaign. Step offsets use the reminder rule syntax of `events.notify.planning`:
`start-30d` counts from local midnight of the window's first day, `end+14d` from its exclusive end (local
midnight after the last day), in the campaign's zone (`campaign_zone`, `events.campaigns.hooks.edition_anchors`).

Parsing and planning are pure; `create_edition_tasks` writes the tasks of one edition in the caller's session.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from events.campaigns.hooks import edition_anchors
from events.campaigns.models import CampaignEdition
from events.campaigns.programme import EditionInfo
from events.errors import N_, InvalidInput, Words
from events.models import Event
from events.notify.contacts import find_contact
from events.notify.errors import ContactNotFound, InvalidOffset, WorkflowFileError
from events.notify.models import Contact, Task, TaskStatus
from events.notify.planning import PlannedTask, ReminderRule, parse_rule, plan_tasks, task_due
from events.timeparse import zone

DEFAULT = "default"
COORDINATOR = "coordinator"


class UnknownCoordinator(InvalidInput):
    def __init__(self, ref: str, where: str) -> None:
        super().__init__(
            template=N_("no contact with id or e-mail {ref!r} to coordinate {where}: {list_contacts}, or "
                         "{add_contact}"),
            ref=ref, where=where,
        )


@dataclass(frozen=True)
class ReadinessStep:
    key: str
    title: str
    at: ReminderRule
    assignee: str = COORDINATOR  # the edition's coordinator, or a contact's e-mail or id


@dataclass(frozen=True)
class ReadinessTemplate:
    slug: str  # "default" or a campaign's slug
    steps: tuple[ReadinessStep, ...] | None  # None in a [campaign.<slug>] section without steps: the default's
    coordinator: str | None = None  # a contact's e-mail or id


def _steps(raw: object, name: str, where: str) -> tuple[ReadinessStep, ...]:
    if not isinstance(raw, list):
        raise WorkflowFileError(where, f"[campaign.{name}] steps must be a list of {{ key, title, at }}")
    steps = []
    for item in raw:
        try:
            rule = parse_rule(str(item["at"]))
        except InvalidOffset as error:
            raise WorkflowFileError(where, f"[campaign.{name}] step {item.get('key')!r}: {error}") from error
        steps.append(ReadinessStep(str(item["key"]), str(item["title"]), rule,
                                   str(item.get("assignee", COORDINATOR))))
    if len({s.key for s in steps}) != len(steps):
        raise WorkflowFileError(where, f"[campaign.{name}] repeats a step key")
    return tuple(steps)


def parse_readiness(text: str, where: str = "workflows.toml") -> dict[str, ReadinessTemplate]:
    """The `[campaign.*]` templates of a workflow file; `WorkflowFileError` names the first problem."""
    try:
        sections = tomllib.loads(text).get("campaign", {})
        if not isinstance(sections, dict):
            raise WorkflowFileError(where, Words(N_("[campaign] must hold tables such as [campaign.default]")))
        result: dict[str, ReadinessTemplate] = {}
        for name, spec in sections.items():
            if not isinstance(spec, dict):
                raise WorkflowFileError(where, f"campaign.{name} must be a table such as [campaign.{name}]")
            steps = _steps(spec["steps"], name, where) if "steps" in spec else None
            coordinator = spec.get("coordinator")
            result[name] = ReadinessTemplate(name, steps, str(coordinator) if coordinator else None)
        return result
    except tomllib.TOMLDecodeError as error:
        raise WorkflowFileError(where, f"not valid TOML ({error})") from error
    except (KeyError, TypeError, AttributeError) as error:
        raise WorkflowFileError(where, f"missing or misshapen campaign entry {error}") from error


def template_for(slug: str, templates: Mapping[str, ReadinessTemplate]) -> ReadinessTemplate:
    """The campaign's own section over the default one: its steps if it gives any, its coordinator if set."""
    default = templates.get(DEFAULT, ReadinessTemplate(DEFAULT, ()))
    own = templates.get(slug, ReadinessTemplate(slug, None))
    steps = own.steps if own.steps is not None else default.steps
    return ReadinessTemplate(slug, steps or (), own.coordinator or default.coordinator)


def plan_readiness(template: ReadinessTemplate, info: EditionInfo, tz: str) -> list[PlannedTask]:
    """Each step's due time: `start±N` from the window's first day, `end±N` from its exclusive end."""
    anchors = edition_anchors(info, tz)
    steps = [(s.key, s.title, s.at, False) for s in template.steps or ()]
    return plan_tasks(steps, start=anchors["window_start"], end=anchors["window_end"])


def resolve_contact(ref: str, where: str, *, session: Session) -> Contact:
    """The contact with this id or e-mail; `UnknownCoordinator` (exit 2) otherwise."""
    try:
        return find_contact(ref, session=session)
    except ContactNotFound as missing:
        raise UnknownCoordinator(ref, where) from missing


def _assignee(contact: Contact) -> str:
    return contact.email or str(contact.id)


def campaign_zone(edition: CampaignEdition, coordinator: Contact | None, *, default_tz: str,
                  session: Session) -> str:
    """The zone an edition's readiness tasks fall due in (issue 13: not UTC midnight): its coordinator's,
    who does the work; else the zone most of the campaign's events are held in; else `default_tz`."""
    if coordinator is not None:
        return coordinator.timezone
    editions = select(CampaignEdition.id).where(col(CampaignEdition.campaign_id) == edition.campaign_id)
    # Counted by the database (a campaign's years hold thousands of events); a tie goes to the zone of the
    # latest event.
    count = func.count()
    most = session.exec(select(Event.timezone).where(col(Event.campaign_edition_id).in_(editions))
                        .group_by(col(Event.timezone)).order_by(count.desc(), func.max(Event.start_utc).desc())
                        .limit(1)).first()
    return most if most is not None else default_tz


def create_edition_tasks(
    edition: CampaignEdition, info: EditionInfo, template: ReadinessTemplate, coordinator: Contact | None, *,
    tz: str, session: Session, now: datetime,
) -> list[Task]:
    """The edition's readiness tasks, assigned to the coordinator (or a step's own contact), or none at all
    when every step is already past (an earlier year entered for the record). As for events
    (`events.notify.planning.task_due`), a step already past falls due today if the window has not begun,
    and is left out once it has."""
    assert edition.id is not None
    planned = plan_readiness(template, info, tz)
    if not planned or all(p.due_utc < now for p in planned):
        return []
    window_start = edition_anchors(info, tz)["window_start"]
    dues = {p.step: task_due(p.due_utc, start=window_start, tz=zone(tz), created=now) for p in planned}
    where = f"{info.slug} {info.year}"
    owners = {s.key: (coordinator if s.assignee == COORDINATOR else resolve_contact(s.assignee, where,
                                                                                   session=session))
              for s in template.steps or ()}
    existing = {t.step for t in session.exec(select(Task).where(col(Task.campaign_edition_id) == edition.id))}
    tasks = []
    for item in planned:
        due = dues[item.step]
        if item.step in existing or due is None:
            continue
        owner = owners[item.step]
        task = Task(campaign_edition_id=edition.id, step=item.step, title=item.title, due_utc=due,
                    assignee=_assignee(owner) if owner else None, status=TaskStatus.open, created_at=now)
        session.add(task)
        tasks.append(task)
    session.flush()
    return tasks


def edition_tasks(edition: CampaignEdition, *, session: Session) -> list[Task]:
    return list(session.exec(select(Task).where(col(Task.campaign_edition_id) == edition.id)
                             .order_by(col(Task.due_utc), col(Task.id))))
