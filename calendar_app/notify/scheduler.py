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
from typing import Any

from calendar_app.app import App
from calendar_app.clock import utc_now
from calendar_app.notify.channels import BrokenChannel
from calendar_app.notify.dispatcher import Dispatcher
from calendar_app.notify.outcomes import DispatchConfig, PassReport
from calendar_app.notify.store import SQLDeliveryStore

log = logging.getLogger("calendar_app.notify.scheduler")


@dataclass(frozen=True)
class SchedulerOptions:
    poll: timedelta = timedelta(seconds=5)
    config: DispatchConfig = field(default_factory=DispatchConfig)


def build_dispatcher(app: App, config: DispatchConfig | None = None) -> Dispatcher:
    """A dispatcher on the application's store and channels (e-mail over SMTP or into the outbox, chat
    through Apprise); `config` defaults to the application's grace for late messages."""
    channels = app.channels()
    email = channels["email"]
    if isinstance(email, BrokenChannel):
        log.error("e-mail channel failing: %s", email.reason)
    config = config or DispatchConfig(grace=app.settings.reminder_grace)
    return Dispatcher(SQLDeliveryStore(app.store.engine), channels=channels, mail_from=app.settings.mail_from,
                      config=config, public_url=app.settings.public_url)


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


def start_in_background(app: App, options: SchedulerOptions | None = None) -> DispatcherService:
    """For `serve`: the dispatcher beside the feed server, in background threads. Call `shutdown()` on exit."""
    options = options or SchedulerOptions(config=DispatchConfig(grace=app.settings.reminder_grace))
    service = DispatcherService(build_dispatcher(app, options.config), options)
    service.start()
    return service
