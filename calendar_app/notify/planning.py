"""Settings of reminders and workflows (from the environment or the configuration file, see
calendar_app.config), and the hook that keeps an event's deliveries and tasks in step after each change.

| variable | meaning | default |
| --- | --- | --- |
| CALENDAR_APP_SMTP_URL | smtp://[user:password@]host:port, smtps://..., ?starttls=1 | none: the outbox |
| CALENDAR_APP_OUTBOX | Maildir folder the outbox channel writes to | `outbox` in the data folder |
| CALENDAR_APP_MAIL_FROM | sender address | calendar-app@localhost |
| CALENDAR_APP_WORKFLOWS | TOML file of kind defaults | the shipped events/data/workflows.toml |
| CALENDAR_APP_REMINDER_GRACE | how late a reminder may still go out (duration) | 6h |
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session

from calendar_app.config import setting
from events.models import Event
from events.notify.planning import DEFAULT_GRACE
from events.notify.reminders import copy_plan, set_event_plan, sync_event
from events.notify.workflows import KindDefaults, load_workflows
from events.timeparse import parse_duration


@dataclass(frozen=True)
class NotifySettings:
    smtp_url: str | None
    outbox: Path
    mail_from: str
    workflows: str | None
    grace: timedelta


def default_outbox() -> Path:
    from platformdirs import user_data_path

    return user_data_path("calendar-app", appauthor=False) / "outbox"


def load_notify_settings() -> NotifySettings:
    grace = setting("reminder_grace")
    outbox = setting("outbox")
    return NotifySettings(
        smtp_url=setting("smtp_url"),
        outbox=Path(outbox).expanduser() if outbox else default_outbox(),
        mail_from=setting("mail_from") or "calendar-app@localhost",
        workflows=setting("workflows"),
        grace=parse_duration(grace) if grace else DEFAULT_GRACE,
    )


@lru_cache(maxsize=8)
def _workflows_cached(path: str | None, mtime: float) -> dict[str, KindDefaults]:
    return load_workflows(path)


def workflows(path: str | None = None) -> dict[str, KindDefaults]:
    """The kind defaults in force; re-read when the file changes (so a running dispatcher sees edits)."""
    path = path if path is not None else setting("workflows")
    mtime = 0.0
    if path:
        try:
            mtime = Path(path).expanduser().stat().st_mtime
        except OSError:
            mtime = -1.0
    return _workflows_cached(path, mtime)


def plan_notifications(
    event: Event, notify: Sequence[str] | None, remind: Sequence[str] | None, use_defaults: bool | None, *,
    session: Session, now: datetime,
) -> None:
    """Store the event's recipients and rules (when given) and bring its deliveries and tasks in line."""
    settings = load_notify_settings()
    if set_event_plan(event, notify=notify or None, remind=remind or None, use_defaults=use_defaults,
                      session=session):
        # The rules show in feeds made with --alarms-from-reminders: a new updated_at re-renders the event.
        event.updated_at = now
        session.add(event)
        session.flush()
    sync_event(event, workflows(settings.workflows), session=session, now=now, grace=settings.grace)


def plan_copies(copies: Mapping[int, int], *, session: Session, now: datetime) -> None:
    """Campaign roll-over: each copy takes its source's recipients and rules, then gets its own deliveries
    and workflow tasks."""
    settings = load_notify_settings()
    kinds = workflows(settings.workflows)
    for source_id, copy_id in copies.items():
        copy_plan(source_id, copy_id, session=session)
        copy = session.get(Event, copy_id)
        assert copy is not None
        sync_event(copy, kinds, session=session, now=now, grace=settings.grace)
