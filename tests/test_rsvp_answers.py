"""Reminders follow answers (issue 12), and answers by e-mail (`rsvp import`), on both databases: declined
participants get no reminders; tentative and needs-action ones a nudge before `--rsvp-by`, in their
language; an answer after the nudge was planned cancels it. A reply .eml / .ics records PARTSTAT; a bad
file is one line on stderr and records nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from icalendar import Calendar, Event, vCalAddress

from calendar_app.app import App
from calendar_app.people import services as people
from events.people.services import ParticipantChanges
from tests.cli_helpers import row_counts, run
from tests.rsvp_helpers import NOW, START, deliveries, invited_event, later, links_of, purposes, send_due, text_of
from tests.smtp_sink import smtp_sink


def test_declined_get_no_reminders_the_others_do(app: App) -> None:
    event_id, emails = invited_event(app, remind=["1d"])
    reminded = {a for p, a, _ in purposes(app, event_id, "pending") if p == "reminder"}
    assert reminded == set(emails)
    people.set_participant(str(event_id), emails[2], ParticipantChanges(status="declined"), app=app, now=later(1))
    reminded = {a for p, a, _ in purposes(app, event_id, "pending") if p == "reminder"}
    assert reminded == set(emails) - {emails[2]}
    with smtp_sink() as (sink, port):
        send_due(app, port, later(0.1))
        send_due(app, port, START - timedelta(days=1))
    got = [str(m["To"]) for m in sink.mails if "Reminder" in str(m["Subject"]) or "Эскертме" in str(m["Subject"])
           or "Сануулга" in str(m["Subject"]) or "Напоминание" in str(m["Subject"])]
    assert len(got) == 3 and not any(emails[2] in to for to in got)


def test_nudge_before_deadline_and_an_answer_cancels_it(app: App) -> None:
    event_id, emails = invited_event(app)
    assert run(app.settings.db_url, "event", "edit", str(event_id), "--rsvp-by", "2026-12-10").code == 0
    nudges = {a: d for d in deliveries(app, event_id) for a in [d.address] if d.purpose == "rsvp_nudge"}
    assert set(nudges) == set(emails)
    # The deadline is 23:59 on 10 December in the event's zone (Asia/Ulaanbaatar); the nudge 2 days before.
    assert {d.due_utc.isoformat() for d in nudges.values()} == {"2026-12-08T15:59:00+00:00"}
    people.set_participant(str(event_id), emails[0], ParticipantChanges(status="accepted"), app=app, now=later(1))
    people.set_participant(str(event_id), emails[1], ParticipantChanges(status="tentative"), app=app, now=later(1))
    after = {d.address: d.status for d in deliveries(app, event_id) if d.purpose == "rsvp_nudge"}
    assert after == {emails[0]: "cancelled", emails[1]: "pending", emails[2]: "pending", emails[3]: "pending"}
    with smtp_sink() as (sink, port):
        send_due(app, port, later(0.1))
        report = send_due(app, port, datetime(2026, 12, 8, 16, 1, tzinfo=UTC))
    assert report.sent == 3
    nudged = {str(m["Content-Language"]): m for m in sink.mails[4:]}
    assert set(nudged) == {"ky", "ru", "en"}
    assert str(nudged["ky"]["Subject"]) == "Сураныч, жооп бериңиз: Тегерек стол"
    assert "Биз сиздин жообуңузду азырынча ала элекпиз" in text_of(nudged["ky"]) and len(links_of(nudged["ky"])) == 3
    assert str(nudged["ru"]["Subject"]).startswith("Пожалуйста, ответьте")


def test_invite_with_rsvp_by_and_bad_deadline(app: App) -> None:
    event_id, _ = invited_event(app, count=1)
    before = row_counts(app.settings.db_url)
    late = run(app.settings.db_url, "event", "invite", str(event_id), "x@example.org", "--rsvp-by", "2027-01-01")
    assert late.code == 2 and "--rsvp-by" not in late.stdout and late.stderr.count("\n") == 1
    assert "after the event starts" in late.stderr and row_counts(app.settings.db_url) == before
    ok = run(app.settings.db_url, "event", "invite", str(event_id), "Нурлан <nurlan@example.kg>", "--rsvp-by",
             "2026-12-12 18:00")
    assert ok.code == 0
    assert [a for p, a, _ in purposes(app, event_id) if p == "rsvp_nudge"] == ["guest0@example.org",
                                                                              "nurlan@example.kg"]


def _reply(uid: str, address: str, partstat: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Thunderbird//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REPLY")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", NOW)
    attendee = vCalAddress(f"mailto:{address}")
    attendee.params["PARTSTAT"] = partstat
    event.add("attendee", attendee)
    event.add("comment", "Кечигип калышым мүмкүн")
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def _uid(app: App, event_id: int) -> str:
    return str(run(app.settings.db_url, "event", "show", str(event_id), "--json").json()["uid"])


def test_rsvp_import_eml_and_ics(app: App, tmp_path: Path) -> None:
    event_id, emails = invited_event(app)
    uid = _uid(app, event_id)
    mail = EmailMessage()
    mail["Subject"] = "Accepted: Тегерек стол"
    mail["From"] = emails[1]
    mail.set_content("Кабыл алынды")
    mail.add_attachment(_reply(uid, emails[1].upper(), "ACCEPTED"), maintype="text", subtype="calendar",
                        params={"method": "REPLY"})
    (tmp_path / "reply.eml").write_bytes(bytes(mail))
    (tmp_path / "reply.ics").write_bytes(_reply(uid, emails[2], "DECLINED"))
    assert run(app.settings.db_url, "rsvp", "import", str(tmp_path / "reply.eml")).code == 0
    assert run(app.settings.db_url, "rsvp", "import", str(tmp_path / "reply.ics")).code == 0
    listed = {p["email"]: p for p in run(app.settings.db_url, "participant", "list", str(event_id), "--json").json()}
    assert (listed[emails[1]]["status"], listed[emails[2]]["status"]) == ("accepted", "declined")
    assert listed[emails[1]]["comment"] == "Кечигип калышым мүмкүн"
    assert emails[2] not in {a for p, a, _ in purposes(app, event_id, "pending") if p == "reminder"}
    recorded = [c for c in run(app.settings.db_url, "history", "--entity", "participant", "--json").json()
                if c["command"] == "rsvp import"]
    assert [(c["entity_id"], c["changes"]["status"]["to"]) for c in recorded] == [
        (listed[emails[1]]["id"], "accepted"), (listed[emails[2]]["id"], "declined")]


def test_rsvp_import_bad_files_change_nothing(app: App, tmp_path: Path) -> None:
    event_id, emails = invited_event(app, count=2)
    uid = _uid(app, event_id)
    cases = {
        "request.ics": _reply(uid, emails[0], "ACCEPTED").replace(b"METHOD:REPLY", b"METHOD:REQUEST"),
        "garbage.ics": b"BEGIN:VCALENDAR\r\nthis is not\r\n",
        "plain.eml": b"Subject: hi\r\n\r\nno calendar here\r\n",
        "stranger.ics": _reply(uid, "stranger@example.org", "ACCEPTED"),
        "unknown.ics": _reply("no-such-uid@example.org", emails[0], "ACCEPTED"),
        "partstat.ics": _reply(uid, emails[0], "MAYBE-LATER"),
        "binary.ics": b"BEGIN:VCALENDAR\r\n\xff\xfe\r\n",
    }
    before = row_counts(app.settings.db_url)
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        outcome = run(app.settings.db_url, "rsvp", "import", str(tmp_path / name))
        assert outcome.code in (1, 2), (name, outcome.stderr)
        assert outcome.stderr.count("\n") == 1 and "Traceback" not in outcome.stderr, (name, outcome.stderr)
        assert row_counts(app.settings.db_url) == before, name
    missing = run(app.settings.db_url, "rsvp", "import", str(tmp_path / "nope.eml"))
    assert missing.code == 2 and missing.stderr.count("\n") == 1
    listed = run(app.settings.db_url, "participant", "list", str(event_id), "--json").json()
    assert {p["status"] for p in listed} == {"needs-action"}
    recorded = run(app.settings.db_url, "history", "--entity", "participant", "--json").json()
    assert [c["command"] for c in recorded if c["command"] != "event invite"] == []
