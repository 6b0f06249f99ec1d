"""Importing .ics keeps the simple ATTENDEE lists of events as participants (issue 12)."""

from __future__ import annotations

from pathlib import Path

from calendar_app import feeds as feed_service
from calendar_app.app import App
from calendar_app.notify import services as notify_services
from calendar_app.people import services as people
from events.notify.contacts import ContactDraft
from tests.conftest import NOW

ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Nextcloud//EN\r
BEGIN:VEVENT\r
UID:consultation-2026@example.kg\r
SEQUENCE:{sequence}\r
DTSTAMP:20261120T030000Z\r
DTSTART:20261210T040000Z\r
DTEND:20261210T060000Z\r
SUMMARY;LANGUAGE=ky:Консультация\r
ORGANIZER;CN=Айгүл:mailto:aigul@example.kg\r
ATTENDEE;CN=Айгүл Токтосунова;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:aigul@example.kg\r
ATTENDEE;CN="Бакыт Асанов";PARTSTAT={partstat}:mailto:Bakyt@example.kg\r
ATTENDEE;ROLE=OPT-PARTICIPANT:MAILTO:nuria@example.kg\r
ATTENDEE;CN=Room 3:urn:uuid:5a1b3f0e-1111-2222-3333-444455556666\r
ATTENDEE;CN=Broken:mailto:not an address\r
END:VEVENT\r
END:VCALENDAR\r
"""


def _import(app: App, tmp_path: Path, *, sequence: int = 0, partstat: str = "TENTATIVE",
            dry_run: bool = False) -> object:
    path = tmp_path / f"in-{sequence}.ics"
    path.write_text(ICS.format(sequence=sequence, partstat=partstat), encoding="utf-8", newline="")
    return feed_service.import_file(str(path), kind=None, dry_run=dry_run, skip_bad=False, app=app, now=NOW)


def test_attendees_become_participants(app: App, tmp_path: Path) -> None:
    notify_services.add_contact(ContactDraft(name="Бакыт А.", email="bakyt@example.kg", language="ru"),
                                app=app, now=NOW)
    _import(app, tmp_path, dry_run=True)
    assert notify_services.list_contacts(app=app)[0]["email"] == "bakyt@example.kg"
    assert len(notify_services.list_contacts(app=app)) == 1  # a dry run makes no one
    report = _import(app, tmp_path)
    assert report.added == ["consultation-2026@example.kg"]  # type: ignore[attr-defined]
    rows = {p["email"]: p for p in people.list_participants("consultation-2026@example.kg", app=app)}
    assert sorted(rows) == ["aigul@example.kg", "bakyt@example.kg", "nuria@example.kg"]
    assert (rows["aigul@example.kg"]["role"], rows["aigul@example.kg"]["status"]) == ("chair", "accepted")
    assert rows["aigul@example.kg"]["name"] == "Айгүл Токтосунова"
    assert rows["bakyt@example.kg"]["name"] == "Бакыт А."  # the known contact, not a second one
    assert rows["bakyt@example.kg"]["status"] == "tentative"
    assert (rows["nuria@example.kg"]["role"], rows["nuria@example.kg"]["name"]) == ("optional", "nuria@example.kg")
    assert len(notify_services.list_contacts(app=app)) == 3
    # The same SEQUENCE again changes nothing; a newer one brings the new answer.
    _import(app, tmp_path, partstat="DECLINED")
    assert {p["email"]: p["status"] for p in people.list_participants("consultation-2026@example.kg", app=app)}[
        "bakyt@example.kg"] == "tentative"
    _import(app, tmp_path, sequence=1, partstat="DECLINED")
    rows = {p["email"]: p for p in people.list_participants("consultation-2026@example.kg", app=app)}
    assert rows["bakyt@example.kg"]["status"] == "declined" and len(rows) == 3
