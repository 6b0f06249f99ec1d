"""The dispatcher driven by an injected clock: on time, once, late but useful, skipped, leases, retries."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from icalendar import Calendar
from sqlmodel import select

from calendar_app import services
from calendar_app.app import App
from calendar_app.db import write_session
from calendar_app.notify import dispatcher as dispatcher_module
from calendar_app.notify.channels import HandOver, OutboxChannel, Outgoing, SMTPChannel, email_channel, parse_smtp_url
from calendar_app.notify.dispatcher import Dispatcher
from calendar_app.notify.prepared import PREPARED_VALID
from calendar_app.notify.services import add_contact
from events.drafts import EventChanges
from events.notify.contacts import ContactDraft
from events.notify.models import Delivery
from tests.reminder_helpers import (
    add_contacts,
    add_event,
    make_dispatcher,
    message_id_counts,
    outbox_mails,
    outbox_raw,
)
from tests.smtp_sink import free_port, silent_server

START = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Ulaanbaatar
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
DAY_BEFORE = START - timedelta(days=1)


def at(moment: datetime):
    return lambda: moment


def _dispatcher(app: App, channel: Any, **config: Any) -> Dispatcher:
    return make_dispatcher(app.settings.db_url, channel, **config)


def _log(app: App) -> dict[str, tuple[str, int, str | None]]:
    with write_session(app.store.engine) as session:
        rows = session.exec(select(Delivery).order_by(Delivery.id)).all()  # type: ignore[arg-type]
        return {f"{d.address} {d.rule_key}": (d.status, d.attempts, d.last_error) for d in rows}


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


def test_sent_on_time_and_once(app: App, outbox: Path) -> None:
    emails = add_contacts(app, 2, now=NOW)
    add_event(app, now=NOW, start=START, kind="consultation", notify=emails)
    dispatcher = _dispatcher(app, OutboxChannel(outbox))
    assert dispatcher.next_due() == DAY_BEFORE
    assert dispatcher.run_pass(at(DAY_BEFORE - timedelta(seconds=1))).sent == 0
    assert dispatcher.run_pass(at(DAY_BEFORE)).sent == 2
    assert dispatcher.run_pass(at(DAY_BEFORE + timedelta(minutes=1))).sent == 0
    mails = outbox_mails(outbox)
    assert sorted(m["To"].addresses[0].addr_spec for m in mails) == sorted(emails)
    assert dispatcher.next_due() == START - timedelta(hours=2)
    assert dispatcher.run_pass(at(START - timedelta(hours=2))).sent == 2
    assert len(outbox_mails(outbox)) == 4
    assert {s for s, _, _ in _log(app).values() if s} == {"sent"}


def test_downtime_sends_late_if_useful_and_skips_what_would_mislead(app: App, outbox: Path) -> None:
    emails = add_contacts(app, 1, now=NOW)
    add_event(app, now=NOW, start=START, kind="consultation", notify=emails)
    dispatcher = _dispatcher(app, OutboxChannel(outbox))
    # Down from before the 1-day reminder until one hour before the start.
    report = dispatcher.run_pass(at(START - timedelta(hours=1)))
    assert (report.sent, report.skipped) == (1, 1)
    log = _log(app)
    assert log[f"{emails[0]} start-1d"][0] == "skipped"
    assert log[f"{emails[0]} start-2h"][0] == "sent"
    body = outbox_mails(outbox)[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "1 цагийн дараа" in body  # "in 1 hour", computed when sent, not when planned


def test_nothing_announces_a_meeting_that_began(app: App, outbox: Path) -> None:
    emails = add_contacts(app, 2, now=NOW)
    add_event(app, now=NOW, start=START, kind="round_table", notify=emails)
    report = _dispatcher(app, OutboxChannel(outbox)).run_pass(at(START + timedelta(minutes=5)))
    assert (report.sent, report.skipped) == (0, 4)
    assert outbox_mails(outbox) == []


def test_a_crash_mid_send_is_retried_after_the_lease(app: App, outbox: Path) -> None:
    emails = add_contacts(app, 3, now=NOW)
    add_event(app, now=NOW, start=START, kind="signing", notify=emails)
    dead = _dispatcher(app, OutboxChannel(outbox), lease=timedelta(minutes=2))
    claimed = dead.store.claim(DAY_BEFORE, "crashed-worker", limit=10, lease=timedelta(minutes=2))
    assert len(claimed) == 3  # claimed, then the process died
    alive = _dispatcher(app, OutboxChannel(outbox), lease=timedelta(minutes=2))
    assert alive.run_pass(at(DAY_BEFORE + timedelta(minutes=1))).sent == 0  # lease still held
    assert alive.next_due() == DAY_BEFORE + timedelta(minutes=2)
    assert alive.run_pass(at(DAY_BEFORE + timedelta(minutes=3))).sent == 3
    assert {v[:2] for v in _log(app).values()} == {("sent", 2)}
    assert len(outbox_mails(outbox)) == 3


def test_a_refusing_server_leads_to_retries_with_backoff_then_a_recorded_failure(app: App) -> None:
    emails = add_contacts(app, 1, now=NOW)
    add_event(app, now=NOW, start=START, kind="signing", notify=emails)
    channel = SMTPChannel(parse_smtp_url(f"smtp://127.0.0.1:{free_port()}?timeout=1"))
    dispatcher = _dispatcher(app, channel, max_attempts=3, backoff=timedelta(seconds=30))
    key = f"{emails[0]} start-1d"
    assert dispatcher.run_pass(at(DAY_BEFORE)).retried == 1
    status, attempts, error = _log(app)[key]
    assert (status, attempts) == ("pending", 1) and "refused" in (error or "").lower()
    assert dispatcher.run_pass(at(DAY_BEFORE + timedelta(seconds=29))).retried == 0  # backing off
    assert dispatcher.run_pass(at(DAY_BEFORE + timedelta(seconds=30))).retried == 1
    assert dispatcher.run_pass(at(DAY_BEFORE + timedelta(seconds=89))).retried == 0  # 60 s the second time
    assert dispatcher.run_pass(at(DAY_BEFORE + timedelta(seconds=90))).failed == 1
    assert _log(app)[key][:2] == ("failed", 3)


def test_a_hanging_server_times_out_once_a_group_and_all_are_retried(sqlite_app: App) -> None:
    emails = add_contacts(sqlite_app, 4, now=NOW)
    add_event(sqlite_app, now=NOW, start=START, kind="signing", notify=emails)
    with silent_server() as (port, connections):
        channel = SMTPChannel(parse_smtp_url(f"smtp://127.0.0.1:{port}?timeout=0.3"))
        report = _dispatcher(sqlite_app, channel).run_pass(at(DAY_BEFORE))
        tried = len(connections)
    assert report.retried == 4
    assert tried == 1  # the other three wait for the next pass instead of each waiting for the timeout
    log = _log(sqlite_app)
    assert {status for status, _, _ in log.values()} == {"pending"}
    assert all("timed out" in (error or "") for _, _, error in log.values())


class _SlowOutbox(OutboxChannel):
    """A real outbox whose every hand-over takes `step` on the injected clock, as a slow server would; on the
    given hand-over another dispatcher runs a pass meanwhile."""

    def __init__(self, path: Path, clock: list[datetime], step: timedelta, meanwhile: dict[int, Any]) -> None:
        super().__init__(path)
        self.clock, self.step, self.meanwhile, self.calls = clock, step, meanwhile, 0

    def hand_over(self, messages: Sequence[Outgoing], *, keep_going: Callable[[], bool] = lambda: True) -> HandOver:
        handed = super().hand_over(messages, keep_going=keep_going)
        self.calls += 1
        self.clock[0] += self.step
        if self.calls in self.meanwhile:
            self.meanwhile[self.calls]()
        return handed


def test_a_slow_batch_renews_its_lease_so_no_other_dispatcher_sends_twice(sqlite_app: App,
                                                                          outbox: Path) -> None:
    emails = add_contacts(sqlite_app, 4, now=NOW)
    add_event(sqlite_app, now=NOW, start=START, kind="signing", notify=emails)
    clock = [DAY_BEFORE]
    other = _dispatcher(sqlite_app, OutboxChannel(outbox), lease=timedelta(minutes=2))
    other_reports: list[Any] = []
    # One message a group, 50 s each: the third group starts 150 s after the claim, past the 2-minute lease.
    slow = _SlowOutbox(outbox, clock, timedelta(seconds=50),
                       {3: lambda: other_reports.append(other.run_pass(lambda: clock[0]))})
    first = _dispatcher(sqlite_app, slow, lease=timedelta(minutes=2), record_every=1)
    report = first.run_pass(lambda: clock[0])
    assert (report.sent, other_reports[0].sent) == (4, 0)
    counts = message_id_counts(outbox_raw(outbox))
    assert len(counts) == 4 and set(counts.values()) == {1}
    assert {v[:2] for v in _log(sqlite_app).values()} == {("sent", 1)}


@pytest.mark.parametrize("chunk", [1, 3])
def test_a_slow_batch_loaded_in_chunks_sends_each_once(sqlite_app: App, outbox: Path, chunk: int,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch is loaded a chunk at a time (the next while the current goes out): renewals made in one
    chunk hold for the next, and another dispatcher running meanwhile sends none of them."""
    monkeypatch.setattr(dispatcher_module, "LOAD_CHUNK", chunk)
    emails = add_contacts(sqlite_app, 5, now=NOW)
    add_event(sqlite_app, now=NOW, start=START, kind="signing", notify=emails)
    clock = [DAY_BEFORE]
    other = _dispatcher(sqlite_app, OutboxChannel(outbox), lease=timedelta(minutes=2))
    other_reports: list[Any] = []
    slow = _SlowOutbox(outbox, clock, timedelta(seconds=50),
                       {4: lambda: other_reports.append(other.run_pass(lambda: clock[0]))})
    first = _dispatcher(sqlite_app, slow, lease=timedelta(minutes=2), record_every=1)
    report = first.run_pass(lambda: clock[0])
    assert (report.sent, other_reports[0].sent) == (5, 0)
    counts = message_id_counts(outbox_raw(outbox))
    assert len(counts) == 5 and set(counts.values()) == {1}
    assert {v[:2] for v in _log(sqlite_app).values()} == {("sent", 1)}


def test_renewal_keeps_only_what_the_token_still_holds(sqlite_app: App, outbox: Path) -> None:
    emails = add_contacts(sqlite_app, 2, now=NOW)
    add_event(sqlite_app, now=NOW, start=START, kind="signing", notify=emails)
    dispatcher = _dispatcher(sqlite_app, OutboxChannel(outbox), lease=timedelta(minutes=2), batch=1)
    store, lease = dispatcher.store, timedelta(minutes=2)
    mine = store.claim(DAY_BEFORE, "slow-worker", limit=1, lease=lease)
    later = DAY_BEFORE + timedelta(minutes=3)
    taken = store.claim(later, "other-worker", limit=1, lease=lease)  # the lease ran out: taken over
    assert taken == mine
    assert store.renew("slow-worker", later, lease) == set()
    assert store.renew("other-worker", later, lease) == set(taken)


class _Webhook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        _Webhook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[int]:
    _Webhook.received = []
    server = HTTPServer(("127.0.0.1", 0), _Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_a_broken_smtp_configuration_fails_email_and_keeps_chat_working(sqlite_app: App,
                                                                      webhook: int) -> None:
    s = sqlite_app
    add_contact(ContactDraft(name="Mail", email="mail@example.org", language="en"), app=s, now=NOW)
    add_contact(ContactDraft(name="Чат", chat=f"json://127.0.0.1:{webhook}/", language="ru"), app=s, now=NOW)
    add_event(s, now=NOW, start=START, kind="signing", notify=["1", "2"])
    channel = email_channel("smtp//no-scheme", Path("unused"))
    report = _dispatcher(s, channel).run_pass(at(DAY_BEFORE))
    assert (report.sent, report.retried) == (1, 1)
    assert "CALENDAR_APP_SMTP_URL" in report.errors[0]
    assert [r["title"] for r in _Webhook.received] == ["Напоминание: Зөвшилцөх уулзалт"]
    assert "Начало через 1 день" in _Webhook.received[0]["message"]


def test_cancellation_notice_of_an_event_without_organiser_is_a_cancelled_publish(sqlite_app: App,
                                                                                 outbox: Path) -> None:
    """No organiser to send a CANCEL (RFC 5546 3.2.5): the published copy is updated to STATUS:CANCELLED."""
    s = sqlite_app
    emails = add_contacts(s, 2, now=NOW)
    event_id = add_event(s, now=NOW, start=START, kind="signing", notify=emails)
    dispatcher = _dispatcher(s, OutboxChannel(outbox))
    assert dispatcher.run_pass(at(DAY_BEFORE)).sent == 2
    services.cancel_event(str(event_id), "Яам товыг хойшлуулсан", app=s, now=DAY_BEFORE + timedelta(hours=1))
    assert dispatcher.run_pass(at(DAY_BEFORE + timedelta(hours=1))).sent == 2
    notices = [m for m in outbox_mails(outbox) if "Цуцлагдсан" in m["Subject"] or "Жокко" in m["Subject"]]
    assert len(notices) == 2
    ics = next(p for p in notices[0].iter_attachments() if p.get_content_type() == "text/calendar")
    calendar = Calendar.from_ical(ics.get_content())
    assert str(calendar["METHOD"]) == "PUBLISH" and ics.get_param("method") == "PUBLISH"
    vevent = calendar.walk("VEVENT")[0]
    assert str(vevent["STATUS"]) == "CANCELLED" and vevent.decoded("SEQUENCE") >= 1
    assert "ATTENDEE" not in vevent


def test_prepared_messages_are_used_unless_the_event_changed(sqlite_app: App, outbox: Path) -> None:
    s = sqlite_app
    emails = add_contacts(s, 2, now=NOW)
    event_id = add_event(s, now=NOW, start=START, kind="signing", notify=emails)
    dispatcher = _dispatcher(s, OutboxChannel(outbox))
    assert dispatcher.prepare(DAY_BEFORE - timedelta(seconds=30)) == 2
    assert dispatcher.prepare(DAY_BEFORE - timedelta(seconds=20)) == 0  # already prepared
    # Staged in the Maildir's tmp/, which readers ignore; delivered by a rename at the due time.
    assert len(list((outbox / "tmp").iterdir())) == 2 and outbox_mails(outbox) == []
    assert dispatcher.run_pass(at(DAY_BEFORE + timedelta(seconds=2))).sent == 2
    assert list((outbox / "tmp").iterdir()) == []
    assert {str(m["Date"]) for m in outbox_mails(outbox)} == {"Wed, 02 Dec 2026 02:00:00 +0000"}  # as prepared
    # Prepared, then the event is renamed before it falls due: the message is rendered again.
    services.edit_event(str(event_id), EventChanges(start=(START + timedelta(days=2)).isoformat(), title="Renamed"),
                        app=s, now=NOW)
    later = DAY_BEFORE + timedelta(days=2)
    assert dispatcher.prepare(later - timedelta(seconds=30)) == 2
    services.edit_event(str(event_id), EventChanges(title="Гэрээ байгуулах ёслол"), app=s, now=NOW)
    assert dispatcher.run_pass(at(later)).sent == 2
    subjects = sorted(str(m["Subject"]) for m in outbox_mails(outbox))
    assert subjects.count("Сануулга: Гэрээ байгуулах ёслол") == 1 and not any("Renamed" in x for x in subjects)
    assert list((outbox / "tmp").iterdir()) == []  # the outdated staged copies were dropped


def test_staged_messages_another_dispatcher_sent_are_dropped(sqlite_app: App, outbox: Path) -> None:
    s = sqlite_app
    emails = add_contacts(s, 3, now=NOW)
    add_event(s, now=NOW, start=START, kind="signing", notify=emails)
    ours = _dispatcher(s, OutboxChannel(outbox))
    assert ours.prepare(DAY_BEFORE - timedelta(seconds=30)) == 3
    other = _dispatcher(s, OutboxChannel(outbox))
    assert other.run_pass(at(DAY_BEFORE)).sent == 3  # the other dispatcher got there first
    assert ours.run_pass(at(DAY_BEFORE + timedelta(seconds=1))).sent == 0
    ours.prepare(DAY_BEFORE + PREPARED_VALID + timedelta(seconds=1))
    assert list((outbox / "tmp").iterdir()) == []
    assert len(message_id_counts(outbox_raw(outbox))) == 3
