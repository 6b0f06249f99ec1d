"""The channel contract: how one delivery becomes a message and how messages are handed over.

A channel renders a `Letter` (what to say, to whom) into an `Outgoing` message, then hands messages over
in order. `hand_over` checks `keep_going()` before each message and stops at the first False: the
dispatcher passes "my lease is still fresh", so nothing goes out under a claim that may have lapsed.
A channel raises nothing for a message that did not go out; it reports a `ChannelFailure` in its place.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from calendar_app.notify.addressee import Person, Rsvp
from events.notify.organizer import Organizer
from events.views import EventView


class ChannelFailure(Exception):
    """A message did not go out; `permanent` when trying again cannot help; `unreachable` when the server did
    not answer at all, so the rest of the group is not tried (each try would wait for the timeout again)."""

    def __init__(self, message: str, *, permanent: bool = False, unreachable: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.unreachable = unreachable


Result = ChannelFailure | None
Finisher = Callable[[], list[Result]]


def always() -> bool:
    return True


@dataclass(frozen=True)
class Letter:
    """One delivery's message before a channel renders it. `now` is the moment the text is written for
    ("starts in 2 hours"); `delivery_id` gives the e-mail its Message-ID, so a resend is recognisable."""

    delivery_id: int
    purpose: str
    view: EventView
    person: Person
    address: str
    sender: str
    now: datetime
    task: str | None = None
    task_due: datetime | None = None
    organizer: Organizer | None = None  # who invites: None where no organiser address is known
    rsvp: Rsvp | None = None  # an invitation to a participant: their role and answer links


@dataclass(frozen=True)
class Outgoing:
    """A rendered message: `body` is what the channel transmits (an e-mail's bytes with CRLF line ends, a
    chat message's text in UTF-8); `subject` is its title."""

    address: str
    sender: str
    subject: str
    body: bytes


@dataclass(frozen=True)
class HandOver:
    """What `hand_over` did at once: `tried` messages (a prefix of those given) left or are leaving;
    `finish()` waits until they are durable and returns one result each. The rest were not tried."""

    tried: int
    finish: Finisher


class Channel(ABC):
    """A way to reach people. One instance serves one dispatcher (it may keep a connection open)."""

    name: ClassVar[str]

    @abstractmethod
    def render(self, letter: Letter) -> Outgoing:
        """The message for `letter`, ready to hand over (pure: no I/O)."""

    @abstractmethod
    def hand_over(self, messages: Sequence[Outgoing], *, keep_going: Callable[[], bool] = always) -> HandOver:
        """Start sending `messages` in order while `keep_going()` holds (checked before each one)."""

    def stage(self, message: Outgoing) -> Path | None:
        """Store a message durably ahead of its time, undelivered; None if the channel cannot."""
        return None

    def hand_over_staged(self, staged: Sequence[Path]) -> Finisher:
        """Deliver staged messages now (quick: no rendering, no network); one result each."""
        failures: list[Result] = [ChannelFailure(f"the {self.name} channel cannot stage messages")] * len(staged)
        return lambda: failures

    def discard(self, staged: Path) -> None:
        """Drop a staged message that will not be delivered."""
        return None

    def close(self) -> None:
        """Release connections and threads; the channel may be used again afterwards."""
        return None


class OneAtATime(Channel):
    """For channels that send one message at a time and return once it was accepted: the batch operation in
    terms of `send`."""

    @abstractmethod
    def send(self, message: Outgoing) -> None:
        """Send one message; `ChannelFailure` when it did not go out."""

    def hand_over(self, messages: Sequence[Outgoing], *, keep_going: Callable[[], bool] = always) -> HandOver:
        """Once the server is unreachable the remaining messages are not tried: they are retried with the next
        pass instead, so a hung server costs one timeout a group, not one a message."""
        results: list[Result] = []
        for message in messages:
            if not keep_going():
                break
            failure: Result = quietly(self.send, message)
            results.append(failure)
            if failure is not None and failure.unreachable:
                untried = ChannelFailure(f"not tried, the server was unreachable: {failure}", unreachable=True)
                results += [untried] * (len(messages) - len(results))
                break
        return HandOver(len(results), lambda: results)


class BrokenChannel(OneAtATime):
    """Stands in for a channel whose configuration is unusable: every send fails with the reason, so the
    dispatcher still starts, reports the channel as failing and keeps the other channels working."""

    name = "broken"

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def render(self, letter: Letter) -> Outgoing:
        return Outgoing(letter.address, letter.sender, "", b"")

    def send(self, message: Outgoing) -> None:
        raise ChannelFailure(self.reason)


def quietly(action: Callable[[Any], Any], value: Any) -> Any:
    """The action's result, or the `ChannelFailure` it raised."""
    try:
        return action(value)
    except ChannelFailure as failure:
        return failure
