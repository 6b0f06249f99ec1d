"""`calendar-app scheduler run`: APScheduler 3.x as the clock that wakes the dispatcher.

The database is the truth: APScheduler holds no jobs of ours beyond two wake-ups, an interval poll (so
changes made from the CLI take effect within seconds) and a date job at the next due moment (so a
reminder goes out on time, not at the next poll). Both run the same dispatcher pass under one lock.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from calendar_app.clock import utc_now
from calendar_app.db import create_db_engine
from calendar_app.notify.channels import BrokenChannel, default_channels, email_channel
from calendar_app.notify.dispatcher import Dispatcher
from calendar_app.notify.outcomes import DispatchConfig, PassReport
from calendar_app.notify.store import SQLDeliveryStore
from calendar_app.schema import ensure_schema

log = logging.getLogger("calendar_app.notify.scheduler")


@dataclass(frozen=True)
class SchedulerOptions:
    poll: timedelta = timedelta(seconds=5)
    config: DispatchConfig = field(default_factory=DispatchConfig)


def build_dispatcher(database: Engine | str, *, smtp_url: str | None, outbox: Path, mail_from: str,
                     config: DispatchConfig | None = None) -> Dispatcher:
    """A dispatcher on `database` (an engine, or a URL to open one for), e-mail over SMTP when `smtp_url` is
    given else into `outbox`, and chat through Apprise. The schema is created or upgraded first."""
    engine = create_db_engine(database) if isinstance(database, str) else database
    ensure_schema(engine)
    channel = email_channel(smtp_url, outbox)
    if isinstance(channel, BrokenChannel):
        log.error("e-mail channel failing: %s", channel.reason)
    return Dispatcher(SQLDeliveryStore(engine), channels=default_channels(email=channel), mail_from=mail_from,
                      config=config)


class DispatcherService:
    """The dispatcher woken by a BackgroundScheduler; `stop()` may be called from a signal handler."""

    def __init__(self, dispatcher: Dispatcher, options: SchedulerOptions,
                 on_report: Callable[[PassReport], None] | None = None) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        self.dispatcher = dispatcher
        self.options = options
        self.on_report = on_report
        self.scheduler = BackgroundScheduler(timezone=UTC, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        self.stopped = threading.Event()

    def wake(self) -> None:
        try:
            report = self.dispatcher.run_pass(utc_now)
        except Exception:  # a database hiccup must not stop the clock; the next wake-up retries
            log.exception("dispatcher pass failed")
            return
        if self.on_report and (report.sent or report.failed or report.retried or report.skipped):
            self.on_report(report)
        self._plan_next()  # before preparing, which may take seconds: the next wake-up must not wait for it
        try:
            self.dispatcher.prepare(utc_now())
        except Exception:  # preparing is an optimisation: the pass renders whatever was not prepared
            log.exception("preparing messages failed")

    def _plan_next(self) -> None:
        from apscheduler.triggers.date import DateTrigger

        due = self.dispatcher.next_due()
        if due is None or self.stopped.is_set():
            return
        at = max(due, utc_now())
        self.scheduler.add_job(self.wake, DateTrigger(at, timezone=UTC), id="next-due", replace_existing=True)

    def start(self) -> None:
        from apscheduler.triggers.interval import IntervalTrigger

        self.scheduler.add_job(self.wake, IntervalTrigger(seconds=self.options.poll.total_seconds(), timezone=UTC),
                               id="poll", next_run_time=utc_now())
        self.scheduler.start()

    def stop(self, *_: Any) -> None:
        self.stopped.set()

    def shutdown(self) -> None:
        """Stop waking up; wait for the pass in progress."""
        self.stopped.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.dispatcher.discard_prepared()

    def run_forever(self) -> None:
        """Start, then block until SIGINT or SIGTERM; finish the pass in progress and return."""
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.start()
            while not self.stopped.wait(0.5):
                pass
        finally:
            self.shutdown()
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def start_in_background(database: Engine | str, *, smtp_url: str | None, outbox: Path, mail_from: str,
                        options: SchedulerOptions | None = None) -> DispatcherService:
    """For `serve`: the dispatcher beside the feed server, in background threads. Call `shutdown()` on exit.
    The grace for late messages is `options.config.grace`."""
    options = options or SchedulerOptions()
    dispatcher = build_dispatcher(database, smtp_url=smtp_url, outbox=outbox, mail_from=mail_from,
                                  config=options.config)
    service = DispatcherService(dispatcher, options)
    service.start()
    return service
