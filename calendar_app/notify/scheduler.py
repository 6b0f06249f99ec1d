"""`calendar-app scheduler run`: APScheduler 3.x as the clock that wakes the dispatcher.

The database is the truth: APScheduler holds no jobs of ours beyond two wake-ups, an interval poll (so
changes made from the CLI take effect within seconds) and a date job at the next due moment (so a
reminder goes out on time, not at the next poll). Both run the same dispatcher pass under one lock.
A third job, hourly and at start, extends the rolling horizon of repeating events' reminders
(`calendar_app.notify.horizon`).
"""

from __future__ import annotations

import gc
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from calendar_app.app import App
from calendar_app.clock import utc_now
from calendar_app.notify.channels import BrokenChannel
from calendar_app.notify.dispatcher import Dispatcher
from calendar_app.notify.outcomes import DispatchConfig, PassReport
from calendar_app.notify.store import SQLDeliveryStore

log = logging.getLogger("calendar_app.notify.scheduler")


Extend = Callable[[datetime], int]


@dataclass(frozen=True)
class SchedulerOptions:
    poll: timedelta = timedelta(seconds=5)
    config: DispatchConfig = field(default_factory=DispatchConfig)
    horizon_every: timedelta = timedelta(hours=1)


def horizon_extender(app: App) -> Extend:
    """What the horizon job runs: plan the occurrences that came within the horizon; how many series."""
    from calendar_app.notify.horizon import extend_horizons

    # Start-up is over: the modules and the application live as long as the process. Frozen, they are no
    # longer walked by the collections the horizon runs after each chunk (1 ms each instead of 80, issue 11).
    gc.freeze()
    return lambda now: extend_horizons(app=app, now=now)


def build_dispatcher(app: App, config: DispatchConfig | None = None) -> Dispatcher:
    """A dispatcher on the application's store and channels (e-mail over SMTP or into the outbox, chat
    through Apprise); `config` defaults to the application's grace for late messages."""
    channels = app.channels()
    email = channels["email"]
    if isinstance(email, BrokenChannel):
        log.error("e-mail channel failing: %s", email.reason)
    config = config or DispatchConfig(grace=app.settings.reminder_grace)
    return Dispatcher(SQLDeliveryStore(app.store.engine), channels=channels, mail_from=app.settings.mail_from,
                      config=config, step_title=app.step_title, public_url=app.settings.public_url)


class DispatcherService:
    """The dispatcher woken by a BackgroundScheduler; `stop()` may be called from a signal handler."""

    def __init__(self, dispatcher: Dispatcher, options: SchedulerOptions,
                 on_report: Callable[[PassReport], None] | None = None, extend: Extend | None = None) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        self.dispatcher = dispatcher
        self.extend = extend
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

    def extend_horizon(self) -> None:
        if self.extend is None:
            return
        try:
            self.extend(utc_now())
        except Exception:  # the next run retries; what is planned already goes out meanwhile
            log.exception("extending the reminder horizon failed")

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
        if self.extend is not None:
            every = self.options.horizon_every.total_seconds()
            self.scheduler.add_job(self.extend_horizon, IntervalTrigger(seconds=every, timezone=UTC), id="horizon",
                                   next_run_time=utc_now())
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
    service = DispatcherService(build_dispatcher(app, options.config), options, extend=horizon_extender(app))
    service.start()
    return service
