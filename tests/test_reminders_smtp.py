"""Mails through a real SMTP server on loopback (aiosmtpd): headers, language, local times, the .ics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from calendar_app.app import App
from calendar_app.notify.channels import SMTPChannel, parse_smtp_url
from calendar_app.services import show_event
from tests.reminder_helpers import add_contacts, add_event, make_dispatcher
from tests.smtp_sink import smtp_sink

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
START = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 Ulaanbaatar, 08:00 Bishkek, 05:00 Moscow, 09:00 Hovd

EXPECTED = {  # language: (subject prefix, local start time, a word of the date in that language)
    "mn": ("Сануулга: ", "10:00", "арван хоёрдугаар сарын"),
    "ky": ("Эскертме: ", "08:00", "декабрь"),
    "ru": ("Напоминание: ", "05:00", "декабря"),
    "en": ("Reminder: ", "9:00", "December"),
}


def test_reminders_arrive_in_each_recipients_language_and_zone(sqlite_app: App) -> None:
    emails = add_contacts(sqlite_app, 4, now=NOW)  # mn, ky, ru, en in their zones
    event_id = add_event(sqlite_app, now=NOW, start=START, kind="consultation", notify=emails)
    event = show_event(str(event_id), app=sqlite_app)
    with smtp_sink() as (sink, port):
        channel = SMTPChannel(parse_smtp_url(f"smtp://127.0.0.1:{port}"))
        dispatcher = make_dispatcher(sqlite_app.settings.db_url, channel)
        report = dispatcher.run_pass(lambda: START - timedelta(days=1))
    assert report.sent == 4
    assert len(sink.mails) == 4
    by_language = {str(m["Content-Language"]): m for m in sink.mails}
    assert set(by_language) == set(EXPECTED)
    ids = set()
    for language, (prefix, clock, word) in EXPECTED.items():
        mail = by_language[language]
        assert str(mail["Subject"]) == prefix + "Зөвшилцөх уулзалт"  # the event's own title untouched
        assert mail["From"] == "calendar@ngo.mn"
        ids.add(str(mail["Message-ID"]))
        text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert clock in text and word in text, text
        assert "Төрийн ордон, Улаанбаатар" in text and "Төрийн ордон" in html
        invite = next(p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar")
        raw_ics = invite.get_payload(decode=True)
        assert isinstance(raw_ics, bytes)
        assert raw_ics.count(b"\n") == raw_ics.count(b"\r\n"), "RFC 5545 wants CRLF line ends"
        # The event names no organiser: an informational PUBLISH from the sender, no attendee asked to
        # reply (the invitation with an organiser: tests/test_issue_invite_organizer.py).
        assert invite.get_content_type() == "text/calendar" and invite.get_param("method") == "PUBLISH"
        calendar = Calendar.from_ical(invite.get_content())
        assert str(calendar["METHOD"]) == "PUBLISH"
        vevent = calendar.walk("VEVENT")[0]
        assert str(vevent["UID"]) == event.uid
        assert vevent.decoded("DTSTART") == START
        assert str(vevent["SUMMARY"]) == "Зөвшилцөх уулзалт"
        assert str(vevent["ORGANIZER"]) == "mailto:calendar@ngo.mn" and "ATTENDEE" not in vevent
        assert calendar.walk("VTIMEZONE"), "the event's zone travels with it"
    assert ids == {f"<delivery-{n}@ngo.mn>" for n in range(1, 5)}
    assert {rcpts[0] for _, rcpts in sink.envelopes} == set(emails)
