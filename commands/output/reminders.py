"""Tables of the reminder commands, and the `scheduler run` front end (logging, options, reports)."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta
from types import ModuleType

from calendar_app.app import App
from commands.output.tables import TableSpec
from events.errors import InvalidDuration
from events.timeparse import parse_duration

CONTACT_TABLE = TableSpec(("id", "name", "email", "chat", "language", "timezone", "organisation", "groups"),
                          wrap=("name", "organisation", "groups"),
                          drop=("chat", "groups", "organisation", "timezone"), wrap_min=16)


def zone_note(row: dict[str, object]) -> str:
    """How an added contact's zone was chosen, in words (`events.notify.zones`)."""
    from events.notify.zones import ZoneChoice, ZoneFrom

    source = ZoneFrom(str(row["timezone_from"]))
    detail = {ZoneFrom.REGION: row.get("region"), ZoneFrom.ORGANISATION: row.get("organisation"),
              ZoneFrom.LANGUAGE: row.get("language")}.get(source)
    return ZoneChoice(str(row["timezone"]), source, str(detail) if detail else None).words


DELIVERY_TABLE = TableSpec(("id", "due", "status", "purpose", "rule", "to", "language", "channel", "event",
                            "attempts", "error"),
                           wrap=("event", "error"),
                           drop=("error", "attempts", "channel", "language", "purpose", "rule"), wrap_min=20)
PREVIEW_TABLE = TableSpec(("id", "due", "outcome", "to", "language", "channel", "subject"), wrap=("subject",),
                          drop=("channel", "language"))
LOG_TABLE = TableSpec(("id", "due", "sent_at", "status", "to", "channel", "purpose", "attempts", "error"),
                      wrap=("error",), drop=("attempts", "channel", "purpose", "due"), wrap_min=20)
WORKFLOW_TABLE = TableSpec(("kind", "reminders", "steps"), wrap=("reminders", "steps"))
STEP_TABLE = TableSpec(("key", "at", "title", "assignee", "notify"), wrap=("title",), drop=("notify", "assignee"))
TASK_TABLE = TableSpec(("id", "due", "title", "event", "assignee", "status", "overdue"), wrap=("title", "event"),
                       drop=("assignee", "status"), wrap_min=16)


def seconds(text: str) -> timedelta:
    """`5`, `5s`, `90s`, `2m`, `1h`: plain numbers and `s` mean seconds."""
    raw = text.strip().lower()
    number = raw[:-1] if raw.endswith("s") else raw
    try:
        value = float(number)
    except ValueError:
        return parse_duration(raw)
    if value <= 0:
        raise InvalidDuration(text)
    return timedelta(seconds=value)


def run_scheduler(scheduler: ModuleType, *, app: App, once: bool, poll: str, lease: str, batch: int,
                  max_attempts: int, backoff: str) -> None:
    from calendar_app.clock import utc_now
    from calendar_app.notify.outcomes import DispatchConfig, PassReport

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")
    # APScheduler logs every wake-up at INFO and a wake-up skipped while a pass runs as a warning: both normal.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    notify = app.settings
    config = DispatchConfig(batch=batch, lease=seconds(lease), max_attempts=max_attempts, backoff=seconds(backoff),
                            grace=notify.reminder_grace)
    dispatcher = scheduler.build_dispatcher(app, config)

    def show(report: PassReport) -> None:
        print(f"sent {report.sent}, retried {report.retried}, failed {report.failed}, skipped {report.skipped}, "
              f"cancelled {report.cancelled}, held {report.held}", flush=True)
        for error in report.errors[:20]:
            print(f"  {error}", file=sys.stderr, flush=True)

    if once:
        show(dispatcher.run_pass(utc_now))
        return
    where = notify.smtp_url.split("@")[-1] if notify.smtp_url else f"outbox {notify.outbox}"
    print(f"dispatcher {dispatcher.worker} running (e-mail via {where}); Ctrl-C stops it", flush=True)
    service = scheduler.DispatcherService(dispatcher, scheduler.SchedulerOptions(poll=seconds(poll), config=config),
                                          on_report=show)
    service.run_forever()
    print("dispatcher stopped", flush=True)
