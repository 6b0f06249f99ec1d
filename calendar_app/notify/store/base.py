"""The delivery store contract: every database operation the dispatcher needs, and nothing else.

The claim protocol:
- `claim` takes due deliveries (pending and ready, or claimed with a lapsed lease) atomically, setting a
  token and a lease; two stores sharing a database never return the same delivery to two claims whose
  leases overlap.
- `renew` extends the lease of what the token still holds and returns those ids; a delivery missing from
  them was taken over after its lease lapsed: its new holder sends it, the old one must not.
- `record` writes outcomes, only where the token still holds the claim.
Every operation that locks rows locks them in id order (or skips locked rows), so two dispatchers, or a
dispatcher's own threads, can never deadlock each other.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from calendar_app.notify.outcomes import Outcome
from events.notify.models import Contact, Delivery, Task
from events.notify.organizer import Organizer
from events.views import EventView


@dataclass(frozen=True)
class Invitee:
    """What an invitation (or update, or nudge) to a participant shows beyond the event: their role, the
    language they read (the participant's, else the contact's), the RSVP tokens minted for this message
    ({answer: token}) and the answer deadline."""

    role: str
    language: str | None
    tokens: dict[str, str]
    rsvp_by: datetime | None


@dataclass(frozen=True)
class Loaded:
    """Deliveries in id order with their contact (None once removed), and the events and tasks they name.
    A repeating event's delivery is about one occurrence: `occurrences` holds that occurrence as a single
    event (by event id and start), and `gone` the deliveries whose occurrence the series no longer has."""

    rows: list[tuple[Delivery, Contact | None]]
    events: dict[int, EventView]
    tasks: dict[int, Task]
    organizers: dict[int, Organizer | None] = field(default_factory=dict)  # by event id: who invites
    occurrences: dict[tuple[int, datetime], EventView] = field(default_factory=dict)
    gone: set[int] = field(default_factory=set)
    invitees: dict[int, Invitee] = field(default_factory=dict)  # by delivery id: invitations to participants

    def view(self, delivery: Delivery) -> EventView:
        """What the delivery's message shows: its occurrence, or the event."""
        found = self.occurrences.get((delivery.event_id, delivery.event_start_utc))
        return found if found is not None else self.events[delivery.event_id]


class DeliveryStore(ABC):
    """Where deliveries live. Reads take no write lock; writes are short transactions."""

    @abstractmethod
    def mark_stale(self, now: datetime, grace: timedelta) -> int:
        """Waiting deliveries too late to be useful become `skipped`; how many."""

    @abstractmethod
    def claim(self, now: datetime, token: str, *, limit: int, lease: timedelta) -> list[int]:
        """Take up to `limit` due deliveries, earliest first, for `token` until `now + lease`; their ids."""

    @abstractmethod
    def renew(self, token: str, now: datetime, lease: timedelta) -> set[int]:
        """Extend to `now + lease` the lease of every delivery `token` still holds; their ids."""

    @abstractmethod
    def record(self, outcomes: Sequence[Outcome], token: str) -> int:
        """Write the outcomes of deliveries `token` still holds, releasing them; how many were written."""

    @abstractmethod
    def next_due(self) -> datetime | None:
        """The earliest moment a pending delivery becomes ready or a lease runs out."""

    @abstractmethod
    def upcoming(self, after: datetime, until: datetime, *, limit: int) -> list[int]:
        """Pending deliveries becoming ready in (`after`, `until`], earliest first (to render ahead)."""

    @abstractmethod
    def load(self, ids: Sequence[int], *, rendered: Collection[int] = ()) -> Loaded:
        """The deliveries `ids` with what their messages show; invitations get fresh RSVP tokens, except
        those in `rendered` (their messages were rendered ahead, with tokens of their own)."""

    def invitees(self, deliveries: Sequence[Delivery]) -> dict[int, Invitee]:
        """Fresh RSVP tokens (and role, language, deadline) for these invitations, by delivery id."""
        return {}
