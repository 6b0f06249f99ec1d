"""Helpers of the reminder tests: a store with contacts and events, and reading a Maildir outbox."""

from __future__ import annotations

import mailbox
import re
from collections import Counter
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from calendar_app.app import App
from calendar_app.db import create_db_engine, read_session, write_session
from calendar_app.notify.channels import Channel, default_channels
from calendar_app.notify.dispatcher import Dispatcher
from calendar_app.notify.outcomes import DispatchConfig
from calendar_app.notify.planning import plan_notifications
from calendar_app.notify.store import SQLDeliveryStore
from events import services
from events.drafts import NewEventDraft
from events.models import Event
from events.notify import contacts
from events.notify.contacts import ContactDraft
from events.notify.models import Contact, EventRecipient

LANGS = ("mn", "ky", "ru", "en")
ZONES = {"mn": "Asia/Ulaanbaatar", "ky": "Asia/Bishkek", "ru": "Europe/Moscow", "en": "Asia/Hovd"}


def add_contacts(app: App, count: int, *, now: datetime, prefix: str = "p") -> list[str]:
    emails = []
    with write_session(app.store.engine) as session:
        for i in range(count):
            lang = LANGS[i % 4]
            email = f"{prefix}{i}@example.org"
            contacts.add_contact(ContactDraft(name=f"Person {i}", email=email, language=lang, tz=ZONES[lang]),
                                 session=session, default_tz=app.settings.default_tz, now=now,
                                 chat_schemes=app.settings.chat_schemes)
            emails.append(email)
    return emails


def add_event(app: App, *, now: datetime, start: datetime, kind: str = "meeting", notify: list[str],
              remind: list[str] | None = None, duration: str = "2h", title: str = "Зөвшилцөх уулзалт",
              defaults: bool = True, organizer: str | None = None) -> int:
    draft = NewEventDraft(title=title, start=start.isoformat(), duration=duration, kind=kind, tz="Asia/Ulaanbaatar",
                          location="Төрийн ордон, Улаанбаатар", organizer=organizer)
    with app.write() as session:
        event = services.create_event(draft, session=session, default_tz=app.settings.default_tz, now=now)
        plan_notifications(event, notify, remind or [], None if defaults else False, app=app,
                           session=session, now=now)
        assert event.id is not None
        return event.id


def get_event(app: App, event_id: int) -> Event:
    with read_session(app.store.engine) as session:
        event = session.get(Event, event_id)
        assert event is not None
        return event


def outbox_mails(path: Path) -> list[EmailMessage]:
    if not path.exists():
        return []
    box = mailbox.Maildir(path, create=False)
    return [message_from_bytes(box.get_bytes(key), policy=policy.default) for key in box.iterkeys()]


def outbox_raw(path: Path) -> list[bytes]:
    if not path.exists():
        return []
    return [p.read_bytes() for p in (path / "new").iterdir()]


_MESSAGE_ID = re.compile(rb"^Message-ID: *(\S+)\r?$", re.MULTILINE | re.IGNORECASE)
_TO = re.compile(rb"^To: *.*<(\S+)>\r?$", re.MULTILINE)


def message_id_counts(raws: list[bytes]) -> Counter[str]:
    """How often each Message-ID arrived, read from the raw bytes (parsing 500 mails fully is slow)."""
    return Counter(m.group(1).decode() for raw in raws if (m := _MESSAGE_ID.search(raw)))


def recipients(raws: list[bytes]) -> set[str]:
    return {m.group(1).decode() for raw in raws if (m := _TO.search(raw))}


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def make_dispatcher(db_url: str, email: Channel, *, mail_from: str = "calendar@ngo.mn", **config: Any) -> Dispatcher:
    """A real dispatcher on its own engine for `db_url`, e-mail through `email`, chat through Apprise."""
    store = SQLDeliveryStore(create_db_engine(db_url))
    return Dispatcher(store, channels=default_channels(email=email), mail_from=mail_from,
                      config=DispatchConfig(**config))


def add_event_with_recipients(app: App, count: int, *, now: datetime, start: datetime,
                              remind: str) -> int:
    """One event and `count` contacts told about it, written with bulk inserts (adding 1,000 contacts one by
    one takes long), then planned as usual: `count` deliveries due at `start - remind`."""
    with app.write() as session:
        draft = NewEventDraft(title="16 хоногийн аян", start=start.isoformat(), duration="2h", kind="meeting",
                              tz="Asia/Ulaanbaatar")
        event = services.create_event(draft, session=session, default_tz=app.settings.default_tz, now=now)
        assert event.id is not None
        session.execute(insert(Contact), [
            {"name": f"Person {i}", "email": f"p{i}@example.org", "language": LANGS[i % 4],
             "timezone": ZONES[LANGS[i % 4]], "created_at": now} for i in range(count)])
        ids = session.execute(select(Contact.__table__.c.id)).scalars().all()  # type: ignore[attr-defined]
        session.execute(insert(EventRecipient), [{"event_id": event.id, "contact_id": i} for i in ids])
        plan_notifications(event, None, [remind], None, app=app, session=session, now=now)
        return event.id
