"""Messages rendered ahead of their due time (Babel and icalendar cost milliseconds a message), so that at
the due moment only the claim and the hand-over remain. A prepared message is used only if nothing it shows
changed and it goes out within `PREPARED_VALID` of its due time; a staged copy nobody used is deleted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from calendar_app.notify.channels.base import Channel, Outgoing
from events.notify.models import Contact, Delivery
from events.notify.organizer import Organizer
from events.views import EventView

PREPARE_AHEAD = timedelta(seconds=90)
PREPARED_VALID = timedelta(seconds=60)
PREPARE_MAX = 20_000


def fingerprint(delivery: Delivery, contact: Contact, view: EventView,
                organizer: Organizer | None) -> tuple[Any, ...]:
    """Everything a prepared message shows: if any of it changed, the message is rendered again."""
    return (delivery.address, delivery.purpose, delivery.due_utc, delivery.task_id, delivery.channel, contact.name,
            contact.language, contact.timezone, view.sequence, view.updated_at, view.status, organizer)


@dataclass(frozen=True)
class Prepared:
    fingerprint: tuple[Any, ...]
    due: datetime
    channel: str
    message: Outgoing
    staged: Path | None


class PreparedMessages:
    """Prepared messages by delivery id. Single dict operations only: a pass on one thread may take entries
    while another thread prepares."""

    def __init__(self, channels: Mapping[str, Channel]) -> None:
        self.channels = channels
        self._by_id: dict[int, Prepared] = {}

    def __contains__(self, delivery_id: int) -> bool:
        return delivery_id in self._by_id

    def put(self, delivery_id: int, prepared: Prepared) -> None:
        self._by_id[delivery_id] = prepared

    def messages(self) -> list[Outgoing]:
        return [p.message for p in list(self._by_id.values())]

    def take(self, delivery: Delivery, contact: Contact, view: EventView, organizer: Organizer | None,
             now: datetime) -> Prepared | None:
        """The prepared message of `delivery` if still right at `now`; an outdated one is dropped."""
        prepared = self._by_id.pop(delivery.id or 0, None)
        if prepared is None:
            return None
        still_right = prepared.fingerprint == fingerprint(delivery, contact, view, organizer)
        if still_right and abs(now - prepared.due) <= PREPARED_VALID:
            return prepared
        self._drop(prepared)
        return None

    def expire(self, now: datetime) -> None:
        """Forget prepared messages no pass of ours used (another dispatcher sent them, or they were moved)."""
        for delivery_id, prepared in list(self._by_id.items()):
            if now - prepared.due > PREPARED_VALID and self._by_id.pop(delivery_id, None) is not None:
                self._drop(prepared)

    def discard_all(self) -> None:
        """On shutdown: delete the staged copies (Maildir readers would otherwise only drop them after 36 h)."""
        for delivery_id in list(self._by_id):
            prepared = self._by_id.pop(delivery_id, None)
            if prepared is not None:
                self._drop(prepared)

    def _drop(self, prepared: Prepared) -> None:
        if prepared.staged is not None:
            self.channels[prepared.channel].discard(prepared.staged)
