"""Delivery channels, looked up by the name a delivery carries (`email`, `chat`).

A new channel is one module with a `Channel` subclass, plus its entry where the registry is built
(`default_channels`). The dispatcher never asks which channel it holds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from calendar_app.notify.channels.apprise import AppriseChannel
from calendar_app.notify.channels.base import (
    BrokenChannel,
    Channel,
    ChannelFailure,
    Finisher,
    HandOver,
    Letter,
    OneAtATime,
    Outgoing,
)
from calendar_app.notify.channels.mail import EmailChannel
from calendar_app.notify.channels.outbox import OutboxChannel
from calendar_app.notify.channels.smtp import SMTPChannel, SMTPConfig, parse_smtp_url
from events.notify.errors import ChannelConfigError

__all__ = [
    "AppriseChannel", "BrokenChannel", "Channel", "ChannelFailure", "Channels", "EmailChannel", "Finisher",
    "HandOver", "Letter", "OneAtATime", "OutboxChannel", "Outgoing", "SMTPChannel", "SMTPConfig",
    "default_channels", "email_channel", "parse_smtp_url",
]


class Channels(Mapping[str, Channel]):
    """The registry: delivery channel name -> the channel that sends it."""

    def __init__(self, channels: Mapping[str, Channel]) -> None:
        self._channels = dict(channels)

    def __getitem__(self, name: str) -> Channel:
        return self._channels[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._channels)

    def __len__(self) -> int:
        return len(self._channels)

    def close(self) -> None:
        for channel in self._channels.values():
            channel.close()


def email_channel(smtp_url: str | None, outbox: Path) -> Channel:
    """SMTP when a URL is configured, else the local outbox; a broken URL gives a `BrokenChannel`."""
    if not smtp_url:
        return OutboxChannel(outbox)
    try:
        return SMTPChannel(parse_smtp_url(smtp_url))
    except ChannelConfigError as error:
        return BrokenChannel(str(error))


def default_channels(*, email: Channel, chat: Channel | None = None) -> Channels:
    """The registry of the channel names deliveries use: `email` (SMTP or the outbox) and `chat` (Apprise)."""
    return Channels({"email": email, "chat": chat or AppriseChannel()})
