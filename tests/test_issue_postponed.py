"""Issue 10, part 4: postponed events hold their reminders and tell those reminded; tentative ones say so.

A real dispatcher with the Maildir outbox on both databases: postpone -> nothing more is sent, those already
reminded get a postponement notice in their language (Mongolian, Kyrgyz); confirmed again with a new date ->
the held reminders come back at the new time. A delivery claimed just before the event was postponed is not
sent. Feeds carry no VALARM for a postponed event; a tentative one keeps its alarms and says TENTATIVE.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from sqlmodel import select

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.config import Settings
from calendar_app.db import create_db_engine, read_session
from calendar_app.notify import services as notify_services
from calendar_app.notify.channels import OutboxChannel, default_channels
from calendar_app.notify.dispatcher import Dispatcher
from calendar_app.notify.store import SQLDeliveryStore
from events.drafts import EventChanges, NewEventDraft
from events.notify.models import Delivery
from events.notify.reminders import HELD_NOTE
from exports.feeds import FeedSpec
from tests.reminder_helpers import add_contacts, add_event, make_dispatcher, outbox_mails
from tests.server_helpers import feed_bytes

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
START = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Ulaanbaatar
DAY_BEFORE = START - timedelta(days=1)
NEW_START = START + timedelta(days=14)
ORGANIZER = "coord@ngo.mn"


def at(moment: datetime) -> Any:
    return lambda: moment


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


def _log(app: App, event_id: int) -> list[tuple[str, str, str, datetime, str | None]]:
    with read_session(app.store.engine) as session:
        rows = session.exec(select(Delivery).where(Delivery.event_id == event_id)
                            .order_by(Delivery.id)).all()  # type: ignore[arg-type]
        return [(d.purpose, d.rule_key, d.status, d.due_utc, d.last_error) for d in rows]


def _edit(app: App, event_id: int, now: datetime, **changes: Any) -> None:
    services.edit_event(str(event_id), EventChanges(**changes), app=app, now=now)


def _ics(mail: EmailMessage) -> Calendar:
    for part in mail.walk():
        if part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return Calendar.from_ical(payload)
    raise AssertionError("no .ics attached")


def _by_language(mails: list[EmailMessage]) -> dict[str, EmailMessage]:
    return {str(m["Content-Language"]): m for m in mails}


def test_postponed_holds_tells_the_reminded_and_comes_back_re_timed(app: App, outbox: Path) -> None:
    emails = add_contacts(app, 2, now=NOW)  # Person 0 reads Mongolian, Person 1 Kyrgyz
    event_id = add_event(app, now=NOW, start=START, kind="consultation", notify=emails, organizer=ORGANIZER)
    dispatcher = make_dispatcher(app.settings.db_url, OutboxChannel(outbox))
    assert dispatcher.run_pass(at(DAY_BEFORE)).sent == 2  # the day-before reminders

    _edit(app, event_id, DAY_BEFORE + timedelta(hours=1), status="postponed")
    log = _log(app, event_id)
    assert [(p, r, s) for p, r, s, _, _ in log if r == "start-2h"] == [("reminder", "start-2h", "held")] * 2
    assert {e for _, r, _, _, e in log if r == "start-2h"} == {HELD_NOTE}
    assert [s for p, _, s, _, _ in log if p == "postponement"] == ["pending", "pending"]

    report = dispatcher.run_pass(at(DAY_BEFORE + timedelta(hours=1)))
    assert (report.sent, report.held) == (2, 0)
    notices = _by_language([m for m in outbox_mails(outbox)
                            if str(m["Subject"]).startswith(("Хойшлуулсан", "Кийинкиге калтырылды"))])
    assert str(notices["mn"]["Subject"]).startswith("Хойшлуулсан: ")
    assert str(notices["ky"]["Subject"]).startswith("Кийинкиге калтырылды: ")
    assert "хойшлууллаа" in notices["mn"].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "кийинкиге калтырылды" in notices["ky"].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    for mail in notices.values():  # the calendar entry they hold is updated, never confirmed
        vevent = _ics(mail).walk("VEVENT")[0]
        assert str(vevent["STATUS"]) == "TENTATIVE"
    assert len(outbox_mails(outbox)) == 4

    # The 2-hours-before moment passes: nothing goes out, nothing is marked too late.
    assert dispatcher.run_pass(at(START - timedelta(hours=2))).sent == 0
    assert dispatcher.run_pass(at(START + timedelta(hours=1))).sent == 0
    assert len(outbox_mails(outbox)) == 4
    preview = notify_services.preview((START - timedelta(hours=2)).isoformat(), app=app, now=DAY_BEFORE)
    assert [(row["outcome"], row["why"], row["status"]) for row in preview] == [("held", HELD_NOTE, "held")] * 2
    assert all(row["subject"].startswith("[held: event postponed]") for row in preview)
    listed = notify_services.list_deliveries(None, str(event_id), app=app)
    assert sorted(row["status"] for row in listed) == ["held", "held"]

    # Confirmed again with a new date: the held reminders come back at the new time, the day-before ones
    # are planned again for the new date (they were sent for the old one).
    _edit(app, event_id, START + timedelta(days=1), status="confirmed", start=NEW_START.isoformat(),
          duration="2h")
    waiting = [(r, s, d) for p, r, s, d, _ in _log(app, event_id) if p == "reminder" and s == "pending"]
    assert sorted(waiting) == sorted([("start-1d", "pending", NEW_START - timedelta(days=1))] * 2
                                     + [("start-2h", "pending", NEW_START - timedelta(hours=2))] * 2)
    assert dispatcher.run_pass(at(NEW_START - timedelta(days=1))).sent == 2
    assert dispatcher.run_pass(at(NEW_START - timedelta(hours=2))).sent == 2
    mails = outbox_mails(outbox)
    assert len(mails) == 8
    events = [_ics(mail).walk("VEVENT")[0] for mail in mails]
    moved = [e for e in events if e.decoded("DTSTART").astimezone(UTC) == NEW_START]
    assert len(moved) == 4
    assert {str(e["STATUS"]) for e in moved} == {"CONFIRMED"}


def test_nobody_reminded_yet_is_told_nothing_and_a_notice_not_sent_is_dropped(app: App, outbox: Path) -> None:
    emails = add_contacts(app, 1, now=NOW)
    event_id = add_event(app, now=NOW, start=START, kind="consultation", notify=emails)
    _edit(app, event_id, NOW, status="postponed")
    assert [(p, s) for p, _, s, _, _ in _log(app, event_id)] == [("reminder", "held")] * 2
    dispatcher = make_dispatcher(app.settings.db_url, OutboxChannel(outbox))
    assert dispatcher.run_pass(at(DAY_BEFORE)).sent == 0
    # Reminded, postponed, confirmed again before the notice went out: the notice is dropped.
    _edit(app, event_id, NOW, status="confirmed")
    assert dispatcher.run_pass(at(DAY_BEFORE)).sent == 1
    _edit(app, event_id, DAY_BEFORE + timedelta(minutes=5), status="postponed")
    _edit(app, event_id, DAY_BEFORE + timedelta(minutes=6), status="confirmed")
    assert [(p, s, e) for p, _, s, _, e in _log(app, event_id) if p == "postponement"] == [
        ("postponement", "cancelled", "event no longer postponed")]
    assert dispatcher.run_pass(at(DAY_BEFORE + timedelta(minutes=7))).sent == 0
    # Postponed again: the same person is told this time (the notice comes back, the same row).
    _edit(app, event_id, DAY_BEFORE + timedelta(minutes=8), status="postponed")
    assert dispatcher.run_pass(at(DAY_BEFORE + timedelta(minutes=8))).sent == 1
    subjects = [str(m["Subject"]) for m in outbox_mails(outbox)]
    assert sum(s.startswith("Хойшлуулсан: ") for s in subjects) == 1


def test_cancelling_a_postponed_event_cancels_what_it_held(app: App, outbox: Path) -> None:
    emails = add_contacts(app, 1, now=NOW)
    event_id = add_event(app, now=NOW, start=START, kind="consultation", notify=emails)
    _edit(app, event_id, NOW, status="postponed")
    services.cancel_event(str(event_id), "no venue", app=app, now=NOW)
    assert {s for _, _, s, _, _ in _log(app, event_id)} == {"cancelled"}


def test_tentative_reminders_say_so(app: App, outbox: Path) -> None:
    emails = add_contacts(app, 2, now=NOW)
    event_id = add_event(app, now=NOW, start=START, kind="consultation", notify=emails, organizer=ORGANIZER)
    _edit(app, event_id, NOW, status="tentative")
    dispatcher = make_dispatcher(app.settings.db_url, OutboxChannel(outbox))
    assert dispatcher.run_pass(at(DAY_BEFORE)).sent == 2
    mails = _by_language(outbox_mails(outbox))
    assert str(mails["mn"]["Subject"]).startswith("Сануулга (урьдчилсан): ")
    assert str(mails["ky"]["Subject"]).startswith("Эскертме (алдын ала): ")
    assert "урьдчилсан төлөвлөгөөтэй" in mails["mn"].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "алдын ала пландалган" in mails["ky"].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    for mail in mails.values():
        calendar = _ics(mail)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "TENTATIVE"


class _PostponingStore(SQLDeliveryStore):
    """The real store; right after its first claim the event is postponed by another connection, as if a
    coordinator ran `event edit N --status postponed` at that moment."""

    def __init__(self, url: str, postpone: Any) -> None:
        super().__init__(create_db_engine(url))
        self.postpone = postpone

    def claim(self, now: datetime, token: str, *, limit: int, lease: timedelta) -> list[int]:
        ids = super().claim(now, token, limit=limit, lease=lease)
        if ids and self.postpone is not None:
            self.postpone()
            self.postpone = None
        return ids


def test_claimed_then_postponed_is_not_sent(app: App, outbox: Path) -> None:
    emails = add_contacts(app, 2, now=NOW)
    event_id = add_event(app, now=NOW, start=START, kind="consultation", notify=emails)
    other = App.open(Settings(db_url=app.settings.db_url, default_tz="Asia/Ulaanbaatar"))
    try:
        store = _PostponingStore(app.settings.db_url,
                                 lambda: _edit(other, event_id, DAY_BEFORE, status="postponed"))
        dispatcher = Dispatcher(store, channels=default_channels(email=OutboxChannel(outbox)),
                                mail_from="calendar@ngo.mn")
        report = dispatcher.run_pass(at(DAY_BEFORE))
    finally:
        other.close()
    assert (report.sent, report.held, report.errors) == (0, 2, [])
    assert outbox_mails(outbox) == []
    assert [s for _, r, s, _, _ in _log(app, event_id) if r == "start-1d"] == ["held", "held"]
    # Confirmed again on the same date: they come back and go out.
    _edit(app, event_id, DAY_BEFORE + timedelta(minutes=1), status="confirmed")
    assert dispatcher.run_pass(at(DAY_BEFORE + timedelta(minutes=2))).sent == 2


def _feed_event(app: App, status: str) -> int:
    draft = NewEventDraft(title=f"Зөвлөлдөх уулзалт ({status})", start="2026-12-03 10:00", duration="2h",
                          region="ulaanbaatar", kind="consultation", visibility="public")
    event_id = services.add_event(draft, app=app, now=NOW).view.id
    _edit(app, event_id, NOW, status=status)
    return event_id


def test_feed_alarms_follow_the_status(app: App) -> None:
    for status in ("postponed", "tentative", "confirmed"):
        _feed_event(app, status)
    feed_service.add_feed(FeedSpec("plan", alarms_from_reminders=True, alarms=["30m"]), app=app, now=NOW)
    calendar = Calendar.from_ical(feed_bytes(app, "plan"))
    shown = {str(e["X-CALENDAR-APP-STATUS"]): e for e in calendar.walk("VEVENT")}
    assert str(shown["postponed"]["STATUS"]) == "TENTATIVE"
    assert shown["postponed"].walk("VALARM") == []
    assert str(shown["tentative"]["STATUS"]) == "TENTATIVE"
    assert len(shown["tentative"].walk("VALARM")) == 3  # start-1d, start-2h and the feed's 30m
    assert len(shown["confirmed"].walk("VALARM")) == 3
