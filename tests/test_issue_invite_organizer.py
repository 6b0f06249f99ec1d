"""The invitation's ORGANIZER is the organiser, and its VEVENT is the feed's.

The bug: a reminder's .ics said `ORGANIZER;CN=oyunchimeg@example.mn:mailto:calendar-app@localhost` with
`METHOD:REQUEST` (a name that is an address, an address that is the robot's), so clients offered
Accept/Decline and replied to nobody; and it was built apart from the feeds (all-day DTEND, VTIMEZONE span
and PRODID differed). Every attachment here comes from a real composed e-mail on a real store (SQLite and
PostgreSQL) and is read by icalendar, vobject and ical.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path
from typing import Any

import pytest

from calendar_app import services as app_services
from calendar_app.app import App
from calendar_app.db import read_session, write_session
from calendar_app.notify.channels import OutboxChannel
from calendar_app.notify.messages import Person, compose_email
from events import services
from events.drafts import NewEventDraft
from events.notify import contacts
from events.notify.contacts import ContactDraft
from events.notify.organizer import Organizer, organizer_of
from events.views import EventView
from exports.render import PRODID, render_calendar
from tests.conftest import NOW
from tests.reminder_helpers import add_contacts, add_event, make_dispatcher

ROBOT = "calendar-app@localhost"
START = "2026-12-03T10:00"  # in the event's zone
PERSON = Person("Айгүл Т.", "ky", "Asia/Bishkek")


@dataclass(frozen=True)
class Read:
    """What one parser found in an invitation."""

    method: str
    prodid: str
    organizer: tuple[str, str | None, str | None]  # address, CN, SENT-BY
    attendees: list[tuple[str, bool | None]]  # address, RSVP asked
    status: str
    start: date | datetime | None
    end: date | datetime | None
    zones: set[str]


def _lower(uri: str) -> str:
    return uri.removeprefix("MAILTO:").removeprefix("mailto:").lower()


def _rsvp(value: object) -> bool | None:
    return None if value is None else str(value).upper() == "TRUE"


def read_icalendar(data: bytes) -> Read:
    from icalendar import Calendar

    calendar = Calendar.from_ical(data)
    event = calendar.events[0]
    organizer = event["ORGANIZER"]
    attendees = event.get("ATTENDEE", [])
    attendees = attendees if isinstance(attendees, list) else [attendees]
    return Read(str(calendar["METHOD"]), str(calendar["PRODID"]),
                (_lower(str(organizer)), organizer.params.get("CN"), organizer.params.get("SENT-BY")),
                [(_lower(str(a)), _rsvp(a.params.get("RSVP"))) for a in attendees], str(event["STATUS"]),
                event.start, event.end, {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")})


def read_vobject(data: bytes) -> Read:
    import vobject

    calendar = vobject.readOne(data.decode("utf-8"))
    event = calendar.vevent
    organizer = event.organizer

    def param(line: Any, name: str) -> str | None:
        values = line.params.get(name)
        return values[0] if values else None

    return Read(calendar.method.value, calendar.prodid.value,
                (_lower(organizer.value), param(organizer, "CN"), param(organizer, "SENT-BY")),
                [(_lower(a.value), _rsvp(param(a, "RSVP"))) for a in event.contents.get("attendee", [])],
                event.status.value, event.dtstart.value, event.dtend.value,
                {z.tzid.value for z in calendar.contents.get("vtimezone", [])})


def read_ical(data: bytes) -> Read:
    from ical.calendar_stream import IcsCalendarStream

    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    event = calendar.events[0]
    organizer = event.organizer
    assert organizer is not None
    return Read(str(calendar.method), calendar.prodid,
                (_lower(organizer.uri), organizer.common_name, organizer.sent_by),
                [(_lower(a.uri), a.rsvp) for a in event.attendees],
                str(event.status.value) if event.status else "", event.dtstart, event.dtend,
                {z.tz_id for z in calendar.timezones})


READERS: list[Callable[[bytes], Read]] = [read_icalendar, read_vobject, read_ical]


def _store(app: App) -> Any:
    return app.store.engine


def _contact(app: App, name: str, email: str | None, chat: str | None = None) -> None:
    with write_session(_store(app)) as session:
        contacts.add_contact(ContactDraft(name=name, email=email, chat=chat, language="mn"), session=session,
                             default_tz="Asia/Ulaanbaatar", now=NOW, chat_schemes=("json",))


def _event(app: App, *, organizer: str | None, tz: str = "Asia/Ulaanbaatar", start: str = START,
           all_day: bool = False, end: str | None = None) -> EventView:
    draft = NewEventDraft(title="Хуулийн төслийн хэлэлцүүлэг", start=start, end=end, all_day=all_day, tz=tz,
                          kind="consultation", location="Төрийн ордон", organizer=organizer, language="mn",
                          duration=None if all_day or end else "2h")
    with write_session(_store(app)) as session:
        event = services.create_event(draft, session=session, default_tz="Asia/Ulaanbaatar", now=NOW)
        event_id = event.id
    return app_services.show_event(str(event_id), app=app)


def _organizer(app: App, view: EventView) -> Organizer | None:
    with read_session(_store(app)) as session:
        return organizer_of(view.organizer, session=session)


def _mail(view: EventView, organizer: Organizer | None, *, purpose: str = "reminder",
          mail_from: str = ROBOT) -> EmailMessage:
    mail = compose_email(purpose, view, PERSON, address="aigul@example.kg", delivery_id=7, mail_from=mail_from,
                         now=NOW, organizer=organizer)
    # Through the bytes that go on the wire, as a receiver parses them.
    parsed = message_from_bytes(mail.as_bytes(policy=SMTP_POLICY), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _attachment(mail: EmailMessage) -> tuple[bytes, str]:
    part = next(p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar")
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    return data, str(part.get_param("method"))


# ---- the resolver, on both backends ---------------------------------------------------------------------


def test_organizer_of_resolves_names_and_addresses_through_the_contacts(app: App) -> None:
    _contact(app, "Оюунчимэг Б.", "Oyunchimeg@example.mn")
    _contact(app, "Бат", "bat1@example.mn")
    _contact(app, "бат", "bat2@example.mn")  # two contacts of one name: we do not guess
    _contact(app, "Чат Хүн", None, chat="json://127.0.0.1:9/")  # a contact without an address
    with read_session(_store(app)) as session:
        def of(text: str | None) -> Organizer | None:
            return organizer_of(text, session=session)

        assert of("oyunchimeg@example.mn") == Organizer("Оюунчимэг Б.", "oyunchimeg@example.mn")
        assert of("  оюунчимэг б. ") == Organizer("Оюунчимэг Б.", "Oyunchimeg@example.mn")  # any case
        assert of("Жендэрийн хороо <oyunchimeg@example.mn>") == Organizer("Жендэрийн хороо",
                                                                           "oyunchimeg@example.mn")
        assert of("stranger@example.org") == Organizer(None, "stranger@example.org")
        for nobody in (None, "", "   ", "Жендэрийн үндэсний хороо", "Бат", "Чат Хүн", "@twitter"):
            assert of(nobody) is None, nobody


# ---- the invitation, read by three parsers --------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_issue_organizer_was_the_robot_named_after_the_organiser(app: App,
                                                                 reader: Callable[[bytes], Read]) -> None:
    """The organizer typed as an address: ORGANIZER is that contact, SENT-BY the robot, RSVP asked."""
    _contact(app, "Оюунчимэг Б.", "oyunchimeg@example.mn")
    view = _event(app, organizer="oyunchimeg@example.mn")
    data, mime_method = _attachment(_mail(view, _organizer(app, view)))
    read = reader(data)
    assert (read.method, mime_method) == ("REQUEST", "REQUEST")
    assert read.organizer == ("oyunchimeg@example.mn", "Оюунчимэг Б.", f"mailto:{ROBOT}")
    assert read.attendees == [("aigul@example.kg", True)]
    assert read.status == "CONFIRMED"
    assert b"CN=oyunchimeg@example.mn" not in data and f":mailto:{ROBOT}".encode() not in data


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_a_bare_name_matching_a_contact_is_resolved(app: App, reader: Callable[[bytes], Read]) -> None:
    _contact(app, "Жендэрийн үндэсний хороо", "gender@example.mn")
    view = _event(app, organizer="Жендэрийн үндэсний хороо")
    read = reader(_attachment(_mail(view, _organizer(app, view)))[0])
    assert read.method == "REQUEST"
    assert read.organizer == ("gender@example.mn", "Жендэрийн үндэсний хороо", f"mailto:{ROBOT}")


def test_no_sent_by_when_the_organiser_sends_it_themselves(app: App) -> None:
    view = _event(app, organizer="Оюунчимэг Б. <oyunchimeg@example.mn>")
    data = _attachment(_mail(view, _organizer(app, view), mail_from="Oyunchimeg@example.mn"))[0]
    assert read_icalendar(data).organizer == ("oyunchimeg@example.mn", "Оюунчимэг Б.", None)


@pytest.mark.parametrize("organizer", [None, "Жендэрийн үндэсний хороо"])
@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_without_an_organiser_address_the_mail_publishes_and_asks_no_rsvp(
    app: App, reader: Callable[[bytes], Read], organizer: str | None
) -> None:
    """RFC 5546 3.2.1: PUBLISH has an ORGANIZER (the publisher: our sender) and no ATTENDEE."""
    view = _event(app, organizer=organizer)
    assert _organizer(app, view) is None
    data, mime_method = _attachment(_mail(view, None))
    read = reader(data)
    assert (read.method, mime_method) == ("PUBLISH", "PUBLISH")
    assert read.organizer == (ROBOT, None, None)
    assert read.attendees == []
    assert b"RSVP" not in data and b"ATTENDEE" not in data


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_a_cancellation_is_a_cancel_only_with_an_organiser(app: App,
                                                           reader: Callable[[bytes], Read]) -> None:
    _contact(app, "Оюунчимэг Б.", "oyunchimeg@example.mn")
    with_organiser = _event(app, organizer="oyunchimeg@example.mn")
    without = _event(app, organizer="Жендэрийн үндэсний хороо")
    for view in (with_organiser, without):
        app_services.cancel_event(str(view.id), "Яам товыг хойшлуулсан", app=app,
                                  now=NOW + timedelta(hours=1))
    cancelled = [app_services.show_event(str(v.id), app=app) for v in (with_organiser, without)]
    cancel = reader(_attachment(_mail(cancelled[0], _organizer(app, cancelled[0]), purpose="cancellation"))[0])
    assert (cancel.method, cancel.status) == ("CANCEL", "CANCELLED")
    assert cancel.organizer[:2] == ("oyunchimeg@example.mn", "Оюунчимэг Б.")
    assert cancel.attendees == [("aigul@example.kg", None)]  # told, not asked to answer
    published = reader(_attachment(_mail(cancelled[1], _organizer(app, cancelled[1]),
                                         purpose="cancellation"))[0])
    assert (published.method, published.status, published.attendees) == ("PUBLISH", "CANCELLED", [])


# ---- the same VEVENT as the feed ------------------------------------------------------------------------


def _in_feed(view: EventView, reader: Callable[[bytes], Read]) -> tuple[Any, Any, str]:
    """DTSTART, DTEND and PRODID of `view` in a feed, read by the matching parser."""
    data = render_calendar([view], name="feed", stamp=NOW)
    if reader is read_icalendar:
        from icalendar import Calendar

        calendar = Calendar.from_ical(data)
        return calendar.events[0].start, calendar.events[0].end, str(calendar["PRODID"])
    if reader is read_vobject:
        import vobject

        parsed = vobject.readOne(data.decode("utf-8"))
        return parsed.vevent.dtstart.value, parsed.vevent.dtend.value, parsed.prodid.value
    from ical.calendar_stream import IcsCalendarStream

    stream = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return stream.events[0].dtstart, stream.events[0].dtend, stream.prodid


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_an_all_day_event_has_the_same_dates_and_prodid_in_feed_and_mail(
    app: App, reader: Callable[[bytes], Read]
) -> None:
    view = _event(app, organizer=None, tz="Asia/Bishkek", start="2026-11-25", end="2026-12-10", all_day=True)
    read = reader(_attachment(_mail(view, None))[0])
    assert (read.start, read.end) == (date(2026, 11, 25), date(2026, 12, 11))  # DTEND exclusive
    assert _in_feed(view, reader) == (read.start, read.end, read.prodid)
    assert read.prodid == PRODID and read.zones == set()  # dates name no zone


@pytest.mark.parametrize("zone_name, utc_hour", [("Asia/Hovd", 3), ("Asia/Ulaanbaatar", 2)])
@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_timed_events_carry_their_vtimezone(app: App, reader: Callable[[bytes], Read], zone_name: str,
                                            utc_hour: int) -> None:
    """Hovd is UTC+7, Ulaanbaatar UTC+8: the same wall-clock 10:00 is a different instant."""
    view = _event(app, organizer=None, tz=zone_name)
    data = _attachment(_mail(view, None))[0]
    read = reader(data)
    assert read.zones == {zone_name}
    assert f"DTSTART;TZID={zone_name}:20261203T100000".encode() in data
    assert isinstance(read.start, datetime) and read.start.astimezone(UTC) == datetime(2026, 12, 3, utc_hour,
                                                                                        tzinfo=UTC)
    assert _in_feed(view, reader)[:2] == (read.start, read.end)
    # One VTIMEZONE function: the invitation's block is the feed's, byte for byte.
    feed = render_calendar([view], name="feed", stamp=NOW)
    block = data[data.index(b"BEGIN:VTIMEZONE"):data.rindex(b"END:VTIMEZONE")]
    assert block in feed


# ---- through the real dispatcher ------------------------------------------------------------------------


def test_the_dispatcher_mails_a_request_from_the_organiser_it_resolves(app: App, tmp_path: Path) -> None:
    """End to end: the dispatcher resolves the organiser once per event when it loads a batch, so the
    reminders it sends invite replies to the organiser, not to the robot."""
    _contact(app, "Оюунчимэг Б.", "oyunchimeg@example.mn")
    guests = add_contacts(app, 2, now=NOW)
    start = NOW + timedelta(days=2)
    add_event(app, now=NOW, start=start, notify=guests, remind=["1d"], defaults=False,
              organizer="Оюунчимэг Б.")
    outbox = tmp_path / "outbox"
    report = make_dispatcher(app.settings.db_url, OutboxChannel(outbox), mail_from=ROBOT).run_pass(
        lambda: start - timedelta(days=1))
    assert report.sent == 3  # the two guests and the organiser herself
    mails = [message_from_bytes(path.read_bytes(), policy=policy.default) for path in (outbox / "new").iterdir()]
    to_guests = [mail for mail in mails if mail["To"].addresses[0].addr_spec in guests]
    assert len(to_guests) == 2
    for mail in to_guests:
        assert isinstance(mail, EmailMessage)
        data, mime_method = _attachment(mail)
        for reader in READERS:
            read = reader(data)
            assert (read.method, mime_method) == ("REQUEST", "REQUEST")
            assert read.organizer == ("oyunchimeg@example.mn", "Оюунчимэг Б.", f"mailto:{ROBOT}")
            assert read.attendees == [(mail["To"].addresses[0].addr_spec, True)]
