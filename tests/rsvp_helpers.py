"""Helpers of the RSVP tests: an event with an organiser and four invitees (mn, ky, ru, en), a dispatcher
sending through a real SMTP sink, and the RSVP links read back from the mails."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlmodel import col, select

from calendar_app.app import App
from calendar_app.db import create_db_engine
from calendar_app.notify.channels import SMTPChannel, default_channels, parse_smtp_url
from calendar_app.notify.dispatcher import Dispatcher
from calendar_app.notify.outcomes import DispatchConfig, PassReport
from calendar_app.notify.store import SQLDeliveryStore
from calendar_app.people import services as people
from events.notify.models import Delivery
from tests.reminder_helpers import add_contacts, add_event

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
START = datetime(2026, 12, 16, 4, 0, tzinfo=UTC)  # 10:00 in Bishkek, 12:00 in Ulaanbaatar
ORGANIZER = "coordinator@ngo.kg"
PUBLIC = "https://rsvp.ngo.kg"
LINK = re.compile(r"(https?://[^\s<>\"]+/rsvp/([A-Za-z0-9_-]+))")


def invited_event(app: App, *, count: int = 4, remind: list[str] | None = None) -> tuple[int, list[str]]:
    """An event with an organiser (no reminder defaults) and `count` contacts invited (mn, ky, ru, en...)."""
    emails = add_contacts(app, count, now=NOW, prefix="guest")
    event_id = add_event(app, now=NOW, start=START, notify=[], remind=remind, defaults=False,
                         title="Тегерек стол", organizer=ORGANIZER)
    people.invite(str(event_id), emails, app=app, now=NOW)
    return event_id, emails


def dispatcher(app: App, port: int, *, public_url: str = PUBLIC) -> Dispatcher:
    channel = SMTPChannel(parse_smtp_url(f"smtp://127.0.0.1:{port}"))
    return Dispatcher(SQLDeliveryStore(create_db_engine(app.settings.db_url)),
                      channels=default_channels(email=channel), mail_from="calendar@ngo.kg",
                      config=DispatchConfig(), public_url=public_url)


def send_due(app: App, port: int, at: datetime, *, public_url: str = PUBLIC) -> PassReport:
    return dispatcher(app, port, public_url=public_url).run_pass(lambda: at)


def deliveries(app: App, event_id: int) -> list[Delivery]:
    with app.read() as session:
        return list(session.exec(select(Delivery).where(col(Delivery.event_id) == event_id)
                                 .order_by(col(Delivery.id))).all())


def purposes(app: App, event_id: int, status: str | None = None) -> list[tuple[str, str, str]]:
    """(purpose, address, rule) of the event's deliveries, optionally of one status."""
    return [(d.purpose, d.address, d.rule_key) for d in deliveries(app, event_id)
            if status is None or d.status == status]


def text_of(mail: EmailMessage) -> str:
    body = mail.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def ics_of(mail: EmailMessage) -> tuple[bytes, Any]:
    part = next(p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar")
    raw = part.get_payload(decode=True)
    assert isinstance(raw, bytes)
    return raw, part.get_param("method")


def links_of(mail: EmailMessage) -> list[tuple[str, str]]:
    """(url, token) of each RSVP link in the mail's text, in order."""
    return LINK.findall(text_of(mail))


def later(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)
