"""Regression: on PostgreSQL the dispatcher deadlocked in `renew` and sent duplicates with no crash at all
(1,050 mails for 1,000 deliveries, an SMTP server taking 20 ms a message, a 10 s lease, with one dispatcher
and with two). The cause: `renew` (main thread) and `record` (the recorder thread) of the same dispatcher
locked the same rows in different orders; PostgreSQL aborted one of them. When the victim was `record`, a
group already sent stayed `claimed`, its lease lapsed and the next claim sent it again. And the lease was
renewed only between groups, so a group slower than half the lease could be taken over mid-send.

Now every lock is taken in id order (renew, record) or skipped (claim, mark_stale), and no message starts
unless the lease is fresh (renewed once a quarter of it has passed). Both backends, one and two dispatchers,
each a real dispatcher on its own engine; a real SMTP server on loopback."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from calendar_app.app import App
from calendar_app.clock import utc_now
from calendar_app.db import read_session
from calendar_app.notify.channels import Outgoing, SMTPChannel, parse_smtp_url
from calendar_app.notify.dispatcher import Dispatcher
from calendar_app.notify.outcomes import PassReport
from events.notify.models import Delivery
from tests.reminder_helpers import add_event_with_recipients, make_dispatcher, message_id_counts
from tests.smtp_sink import smtp_sink

COUNT = 1000
LEASE = timedelta(seconds=10)


def _log(app: App) -> dict[tuple[str, int], int]:
    """(status, attempts) -> how many deliveries."""
    with read_session(app.store.engine) as session:
        rows = session.execute(select(col(Delivery.status), col(Delivery.attempts), func.count())
                               .group_by(col(Delivery.status), col(Delivery.attempts))).all()
        return {(status, attempts): n for status, attempts, n in rows}


def _run_together(dispatchers: list[Dispatcher], clock: Callable[[], datetime]) -> list[PassReport]:
    """One pass of each dispatcher, each on its own thread, started together."""
    reports: list[PassReport | None] = [None] * len(dispatchers)
    errors: list[BaseException] = []
    start = threading.Barrier(len(dispatchers))

    def run(i: int) -> None:
        try:
            start.wait()
            reports[i] = dispatchers[i].run_pass(clock)
        except BaseException as error:  # a deadlock or any other failure fails the test below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(dispatchers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return [r for r in reports if r is not None]


@pytest.mark.parametrize(("dispatchers", "batch"), [(1, 500), (2, 250)], ids=["one", "two"])
def test_issue_1000_deliveries_through_a_20ms_server_arrive_exactly_once(
        app: App, dispatchers: int, batch: int, caplog: pytest.LogCaptureFixture) -> None:
    now = utc_now()
    add_event_with_recipients(app, COUNT, now=now, start=now + timedelta(hours=1), remind="1h")
    caplog.set_level(logging.WARNING, logger="calendar_app")
    with smtp_sink(delay=0.02) as (sink, port):
        # A batch takes 5-10 s of sending alone: past the point where the 10 s lease must be renewed.
        workers = [make_dispatcher(app.settings.db_url, SMTPChannel(parse_smtp_url(f"smtp://127.0.0.1:{port}")),
                                   lease=LEASE, batch=batch) for _ in range(dispatchers)]
        reports = _run_together(workers, utc_now)
        for _ in range(5):
            # A loaded machine may stop a pass early to keep its lease (the pass cannot renew it in time):
            # what it held is sent by a later pass once that lease ran out, never twice. Later passes run
            # on a clock past every lease left behind, so the test does not wait for wall time.
            if set(_log(app)) <= {("sent", attempts) for attempts in range(1, 10)}:
                break
            reports += _run_together(workers, lambda: utc_now() + LEASE + timedelta(seconds=1))
        raws = list(sink.raw)
    counts = message_id_counts(raws)
    log = _log(app)
    assert len(raws) == COUNT, "messages received"
    assert len(counts) == COUNT and max(counts.values()) == 1, "distinct Message-IDs"
    assert sum(r.sent for r in reports) == COUNT
    assert all(r.errors == [] for r in reports)
    assert sum(n for (status, _), n in log.items() if status == "sent") == COUNT, log
    problems = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or "eadlock" in r.getMessage()]
    assert problems == [], "no deadlock, no failed record"
    print(f"\nduplicates {app.store.engine.dialect.name}, {dispatchers} dispatcher(s): {COUNT} deliveries, "
          f"{len(raws)} mails, {len(counts)} distinct Message-IDs, sent {[r.sent for r in reports]}, "
          f"{len(problems)} deadlocks or errors logged, {len(reports)} passes")


class _SlowSMTP(SMTPChannel):
    """A real SMTP channel whose every message takes `step` on the injected clock (longer than the fraction of
    the lease after which it is renewed); after each message, another dispatcher makes a pass meanwhile."""

    def __init__(self, url: str, clock: list[datetime], step: timedelta, meanwhile: Callable[[], None]) -> None:
        super().__init__(parse_smtp_url(url))
        self.clock, self.step, self.meanwhile = clock, step, meanwhile

    def send(self, message: Outgoing) -> None:
        super().send(message)
        self.clock[0] += self.step
        self.meanwhile()


def test_issue_a_slow_but_answering_server_never_lets_a_second_dispatcher_resend(app: App) -> None:
    now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    total = 6
    add_event_with_recipients(app, total, now=now, start=now + timedelta(hours=1), remind="1h")
    clock = [now]
    lease = timedelta(minutes=2)
    with smtp_sink() as (sink, port):
        url = f"smtp://127.0.0.1:{port}"
        other = make_dispatcher(app.settings.db_url, SMTPChannel(parse_smtp_url(url)), lease=lease)
        polls: list[PassReport] = []
        # 50 s a message: past a quarter of the lease each time, and the whole group (6 x 50 s) outlasts the
        # lease 2.5 times over; the other dispatcher polls after every message.
        slow = _SlowSMTP(url, clock, timedelta(seconds=50), lambda: polls.append(other.run_pass(lambda: clock[0])))
        first = make_dispatcher(app.settings.db_url, slow, lease=lease, record_every=50)
        report = first.run_pass(lambda: clock[0])
        polls.append(other.run_pass(lambda: clock[0] + lease))  # and once more after the last lease ran out
        raws = list(sink.raw)
    assert report.sent == total and [p.sent for p in polls] == [0] * (total + 1)
    counts = message_id_counts(raws)
    assert len(raws) == total and len(counts) == total
    assert _log(app) == {("sent", 1): total}
