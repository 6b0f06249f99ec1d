"""Attendees appear only in private full-detail feeds that ask for them, never for a confidential event,
never in public or busy feeds or in reports; the feeds read back by icalendar and vobject."""

from __future__ import annotations

from pathlib import Path

import pytest
import vobject
from icalendar import Calendar

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.notify import services as notify_services
from calendar_app.people import services as people
from calendar_app.people.report import participants_report
from events.drafts import EventChanges
from events.notify.contacts import ContactDraft
from events.people.report import report_json
from events.people.services import ParticipantChanges
from exports.errors import AttendeesNeedFullDetail, AttendeesNeedPrivate
from exports.feeds import FeedSpec
from exports.participants_report_render import report_csv, report_html
from tests.cli_helpers import run
from tests.conftest import NOW
from tests.people_fixture import DECLINED, MEN, WOMEN, build_round_table, email_of
from tests.server_helpers import feed_bytes


def _feeds(app: App) -> None:
    feed_service.add_feed(FeedSpec("public"), app=app, now=NOW)
    feed_service.add_feed(FeedSpec("busy", private=True, detail="busy"), app=app, now=NOW)
    feed_service.add_feed(FeedSpec("staff", private=True), app=app, now=NOW)
    feed_service.add_feed(FeedSpec("organisers", private=True, attendees=True,
                                   visibilities=["public", "internal", "confidential"]), app=app, now=NOW)


def _attendees(data: bytes) -> dict[str, list[tuple[str, str, str, str]]]:
    """ATTENDEE lines by event UID, read by icalendar: (address, CN, ROLE, PARTSTAT)."""
    found = {}
    for event in Calendar.from_ical(data).walk("VEVENT"):
        lines = event.get("attendee", [])
        lines = lines if isinstance(lines, list) else [lines]
        found[str(event["uid"])] = [(str(a), a.params.get("CN"), a.params.get("ROLE"), a.params.get("PARTSTAT"))
                                    for a in lines]
    return found


def test_only_the_attendee_feed_names_people(app: App, tmp_path: Path) -> None:
    ids = build_round_table(app, tmp_path)
    _feeds(app)
    uid = services.show_event(str(ids["round_table"]), app=app).uid
    for name in ("public", "busy", "staff"):
        data = feed_bytes(app, name)
        assert b"ATTENDEE" not in data and b"example.kg" not in data.replace(b"project@example.kg", b""), name
        assert WOMEN[0].encode() not in data
        assert all(not lines for lines in _attendees(data).values()), name
        read = vobject.readOne(data.decode("utf-8"))
        assert uid in {e.uid.value for e in read.vevent_list}, name  # the event is there, its people are not
        assert all("attendee" not in e.contents for e in read.vevent_list), name
    data = feed_bytes(app, "organisers")
    lines = _attendees(data)[uid]
    assert len(lines) == 20
    by_address = {address: (cn, role, partstat) for address, cn, role, partstat in lines}
    assert by_address[f"mailto:{email_of(0, 'w')}"] == (WOMEN[0], "REQ-PARTICIPANT", "ACCEPTED")
    assert by_address[f"mailto:{email_of(4, 'm')}"] == (MEN[4], "REQ-PARTICIPANT", "ACCEPTED")
    assert by_address[f"mailto:{DECLINED}"][2] == "DECLINED"
    assert by_address["mailto:anara@example.kg"][2] == "NEEDS-ACTION"
    assert b"SEX" not in data.upper().replace(b"SEXUAL", b"")  # nothing but name, role and answer
    parsed = vobject.readOne(data.decode("utf-8"))
    event = next(e for e in parsed.vevent_list if e.uid.value == uid)
    attendees = {a.value: (a.params["CN"][0], a.params["PARTSTAT"][0]) for a in event.attendee_list}
    assert attendees[f"mailto:{email_of(11, 'w')}"] == (WOMEN[11], "ACCEPTED")
    assert len(attendees) == 20


def test_a_confidential_event_keeps_its_participants_out_of_every_feed(app: App, tmp_path: Path) -> None:
    ids = build_round_table(app, tmp_path)
    _feeds(app)
    services.edit_event(str(ids["round_table"]), EventChanges(visibility="confidential"), app=app, now=NOW)
    uid = services.show_event(str(ids["round_table"]), app=app).uid
    data = feed_bytes(app, "organisers")
    assert _attendees(data)[uid] == []  # the event is there (the feed asks for confidential ones), its people not
    assert b"ATTENDEE" not in data and WOMEN[0].encode() not in data


def test_the_attendee_feed_follows_answers_and_renames(app: App, tmp_path: Path) -> None:
    ids = build_round_table(app, tmp_path)
    _feeds(app)
    uid = services.show_event(str(ids["round_table"]), app=app).uid
    before = feed_bytes(app, "organisers")  # rendered and cached
    people.set_participant(str(ids["round_table"]), "anara@example.kg", ParticipantChanges(status="tentative"),
                           app=app, now=NOW.replace(minute=5))
    after = feed_bytes(app, "organisers", now=NOW.replace(minute=6))
    assert after != before
    assert dict((a, p) for a, _, _, p in _attendees(after)[uid])["mailto:anara@example.kg"] == "TENTATIVE"
    notify_services.edit_contact("anara@example.kg", ContactDraft(name="Анара Ш."), app=app,
                                 now=NOW.replace(minute=7))
    renamed = feed_bytes(app, "organisers", now=NOW.replace(minute=8))
    assert dict((a, cn) for a, cn, _, _ in _attendees(renamed)[uid])["mailto:anara@example.kg"] == "Анара Ш."


def test_only_private_full_feeds_may_ask_for_attendees(app: App) -> None:
    with pytest.raises(AttendeesNeedPrivate):
        feed_service.add_feed(FeedSpec("open", attendees=True), app=app, now=NOW)
    with pytest.raises(AttendeesNeedFullDetail):
        feed_service.add_feed(FeedSpec("busy", private=True, detail="busy", attendees=True), app=app, now=NOW)
    assert feed_service.list_feeds(app=app) == []
    info = feed_service.add_feed(FeedSpec("organisers", private=True, attendees=True), app=app, now=NOW)
    assert info.as_json()["attendees"] is True


def test_cli_feed_add_attendees(sqlite_url: str) -> None:
    refused = run(sqlite_url, "feed", "add", "open", "--attendees")
    assert refused.code == 2 and "--attendees needs --private" in refused.stderr
    assert refused.stderr.count("\n") == 1
    made = run(sqlite_url, "feed", "add", "organisers", "--private", "--attendees", "--json")
    assert made.code == 0 and made.json()["attendees"] is True


def test_reports_carry_figures_not_people(sqlite_app: App, tmp_path: Path) -> None:
    build_round_table(sqlite_app, tmp_path)
    report = participants_report("2019-12-01", "2019-12-31", "partner", app=sqlite_app, now=NOW)
    for text in (str(report_json(report)), report_csv(report), report_html(report)):
        assert "example.kg" not in text
        assert not any(name in text for name in WOMEN + MEN)


def test_event_json_shows_no_people(sqlite_app: App, tmp_path: Path) -> None:
    ids = build_round_table(sqlite_app, tmp_path)
    out = run(sqlite_app.settings.db_url, "event", "show", str(ids["round_table"]), "--json")
    shown = out.json()
    # `notify` is the coordinator's own list of who gets reminders (issue 13); participants' details stay out
    # of everything else the event JSON carries.
    shown.pop("notify", None)
    assert shown["participants_source"] == "list" and "example.kg" not in str(shown).replace(
        "project@example.kg", "")


