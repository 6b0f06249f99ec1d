"""Invitations by the reminder machinery (issue 12), through a real SMTP sink, on both databases: one
REQUEST per new participant in their language and zone with three RSVP links, ATTENDEE with RSVP/PARTSTAT/
ROLE, ORGANIZER the real organiser; updates carry the higher SEQUENCE; cancelling sends CANCEL; removing a
participant sends them a CANCEL; the .ics is read by icalendar, vobject and `ical`."""

from __future__ import annotations

import hashlib

import vobject
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar
from sqlmodel import select

from calendar_app import services
from calendar_app.app import App
from calendar_app.people import services as people
from events.drafts import EventChanges
from events.people.rsvp_models import RsvpToken
from tests.rsvp_helpers import (
    NOW,
    ORGANIZER,
    PUBLIC,
    START,
    ics_of,
    invited_event,
    later,
    links_of,
    purposes,
    send_due,
    text_of,
)
from tests.smtp_sink import smtp_sink


def test_invite_sends_one_request_per_participant_in_their_language(app: App) -> None:
    event_id, emails = invited_event(app)
    assert [p for p, _, _ in purposes(app, event_id, "pending")] == ["invitation"] * 4
    people.invite(str(event_id), emails, app=app, now=NOW)  # already invited: nothing more planned
    assert len(purposes(app, event_id)) == 4
    with smtp_sink() as (sink, port):
        report = send_due(app, port, later(0.1))
        again = send_due(app, port, later(0.2))
    assert (report.sent, again.sent) == (4, 0)
    by_language = {str(m["Content-Language"]): m for m in sink.mails}
    assert set(by_language) == {"mn", "ky", "ru", "en"}
    ky = by_language["ky"]
    assert str(ky["Subject"]) == "Чакыруу: Тегерек стол"
    text = text_of(ky)
    assert "Ооба, келем" in text and "Балким" in text and "Жок, келе албайм" in text
    assert "10:00" in text and "декабрь" in text and "Asia/Bishkek" in text  # in the contact's zone
    links = links_of(ky)
    assert len(links) == 3 and all(url.startswith(PUBLIC + "/rsvp/") for url, _ in links)
    assert len({token for _, token in links}) == 3 and all(len(token) >= 22 for _, token in links)
    with app.read() as session:
        stored = {t.token_hash: t.answer for t in session.exec(select(RsvpToken)).all()}
    assert len(stored) == 12
    for (_, token), answer in zip(links, ("accepted", "tentative", "declined"), strict=True):
        assert stored[hashlib.sha256(token.encode()).hexdigest()] == answer
        assert token not in repr(stored)  # only the hash is stored
    raw, method = ics_of(ky)
    assert method == "REQUEST"
    vevent = Calendar.from_ical(raw).walk("VEVENT")[0]
    attendee = vevent["ATTENDEE"]
    assert str(attendee).lower() == "mailto:guest1@example.org"
    assert (attendee.params["RSVP"], attendee.params["PARTSTAT"], attendee.params["ROLE"]) == (
        "TRUE", "NEEDS-ACTION", "REQ-PARTICIPANT")
    assert str(vevent["ORGANIZER"]).lower() == f"mailto:{ORGANIZER}"
    assert vevent.decoded("DTSTART") == START and int(str(vevent["SEQUENCE"])) == 0
    card = vobject.readOne(raw.decode())
    assert card.method.value == "REQUEST" and card.vevent.attendee.params["PARTSTAT"] == ["NEEDS-ACTION"]
    stream = IcsCalendarStream.calendar_from_ics(raw.decode())
    assert stream.events[0].attendees[0].uri.lower() == "mailto:guest1@example.org"


def test_role_of_participant_shows_in_attendee(app: App) -> None:
    event_id, _ = invited_event(app, count=1)
    people.invite(str(event_id), ["Бакыт Асанов <bakyt@example.kg>"], role="chair", app=app, now=NOW)
    with smtp_sink() as (sink, port):
        send_due(app, port, later(0.1))
    chair = next(m for m in sink.mails if "bakyt" in str(m["To"]))
    vevent = Calendar.from_ical(ics_of(chair)[0]).walk("VEVENT")[0]
    assert vevent["ATTENDEE"].params["ROLE"] == "CHAIR"


def test_change_bumping_sequence_sends_update_with_that_sequence(app: App) -> None:
    event_id, _ = invited_event(app, count=2)
    with smtp_sink() as (sink, port):
        send_due(app, port, later(0.1))
        services.edit_event(str(event_id), EventChanges(start="2026-12-17 10:00"), app=app, now=later(1))
        services.edit_event(str(event_id), EventChanges(location="Бишкек, Ак-Өргөө"), app=app, now=later(1.5))
        report = send_due(app, port, later(2))
    assert report.sent == 2
    updates = sink.mails[2:]
    assert {str(m["Subject"]).split(":")[0] for m in updates} == {"Урилгад өөрчлөлт орлоо",
                                                                 "Чакырууга өзгөртүү киргизилди"}
    vevent = Calendar.from_ical(ics_of(updates[0])[0]).walk("VEVENT")[0]
    # Both changes bumped the SEQUENCE before the dispatcher ran: one update each, with the latest.
    assert int(str(vevent["SEQUENCE"])) == 2 and ics_of(updates[0])[1] == "REQUEST"
    assert vevent.decoded("DTSTART").isoformat() == "2026-12-17T10:00:00+08:00"  # the event's zone
    assert [r for p, _, r in purposes(app, event_id, "sent") if p == "invitation_update"] == ["seq:2", "seq:2"]
    assert [r for p, _, r in purposes(app, event_id, "cancelled") if p == "invitation_update"] == ["seq:1", "seq:1"]


def test_cancelling_sends_cancel_and_removing_tells_the_removed(app: App) -> None:
    event_id, emails = invited_event(app, count=3)
    with smtp_sink() as (sink, port):
        send_due(app, port, later(0.1))
        people.remove_participant(str(event_id), emails[0], app=app, now=later(1))
        send_due(app, port, later(1.1))
        removed = sink.mails[3:]
        services.cancel_event(str(event_id), "бюджет жок", app=app, now=later(2))
        send_due(app, port, later(2.1))
        cancelled = sink.mails[4:]
    assert [str(m["To"]).split("<")[-1].rstrip(">") for m in removed] == [emails[0]]
    raw, method = ics_of(removed[0])
    assert method == "CANCEL" and "Урилгыг цуцаллаа" in str(removed[0]["Subject"])
    assert str(Calendar.from_ical(raw).walk("VEVENT")[0]["ATTENDEE"]).lower() == f"mailto:{emails[0]}"
    assert sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in cancelled) == sorted(emails[1:])
    assert {ics_of(m)[1] for m in cancelled} == {"CANCEL"}
    assert all(int(str(Calendar.from_ical(ics_of(m)[0]).walk("VEVENT")[0]["SEQUENCE"])) == 1 for m in cancelled)


def test_removed_participant_tokens_are_revoked(app: App) -> None:
    event_id, emails = invited_event(app, count=2)
    with smtp_sink() as (_, port):
        send_due(app, port, later(0.1))
    with app.read() as session:
        assert len(session.exec(select(RsvpToken)).all()) == 6
    people.remove_participant(str(event_id), emails[0], app=app, now=later(1))
    with app.read() as session:
        assert len(session.exec(select(RsvpToken)).all()) == 3


def test_invitations_rendered_ahead_carry_working_links_minted_once(app: App) -> None:
    from datetime import timedelta

    from events.people.invitations import INVITATION_LEAD
    from events.people.rsvp import open_link
    from tests.rsvp_helpers import dispatcher

    event_id, _ = invited_event(app, count=2)
    with smtp_sink() as (sink, port):
        sending = dispatcher(app, port)
        assert sending.prepare(NOW) == 2  # due INVITATION_LEAD after the invite: rendered ahead
        assert sending.run_pass(lambda: NOW + INVITATION_LEAD + timedelta(seconds=1)).sent == 2
    with app.read() as session:
        assert len(session.exec(select(RsvpToken)).all()) == 6  # three links each, minted once
        for mail in sink.mails:
            for _, token in links_of(mail):
                link = open_link(token, session=session, now=NOW)
                assert link is not None and link.event.id == event_id
