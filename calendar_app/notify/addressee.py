"""Who a message is for, as a letter carries it: plain records, so that the dispatcher and the channel
contract load without the rendering (`calendar_app.notify.messages`: Babel, e-mail, iCalendar)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Person:
    name: str
    language: str
    timezone: str


@dataclass(frozen=True)
class Rsvp:
    """What an invitation to a participant adds: their role, the three answer links ((answer, url), in the
    order accepted, tentative, declined) and the answer deadline."""

    role: str
    links: tuple[tuple[str, str], ...] = ()
    rsvp_by: datetime | None = None
