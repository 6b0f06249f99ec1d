"""Delivery channels: the local outbox (a Maildir, the embedded default), SMTP, and chat/webhook targets
through Apprise. Each raises `ChannelFailure` when a message did not go out; `permanent` says a retry
cannot help (a recipient the server refuses for good).
"""

from __future__ import annotations

import mailbox
import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from events.notify_errors import ChannelConfigError


class ChannelFailure(Exception):
    """A message did not go out; `permanent` when trying again cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class EmailChannel(Protocol):
    name: str

    def send(self, mail: bytes, address: str, sender: str) -> None:
        """Send one finished message (`mail`: its bytes, CRLF line ends) to `address`."""

    def close(self) -> None: ...


class OutboxChannel:
    """Writes each mail into a Maildir folder (atomic: written in tmp/, renamed into new/)."""

    name = "outbox"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._box: mailbox.Maildir | None = None

    def send(self, mail: bytes, address: str, sender: str) -> None:
        try:
            if self._box is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._box = mailbox.Maildir(self.path, create=True)
            self._box.add(mail)
        except OSError as error:
            raise ChannelFailure(f"outbox {self.path}: {error.strerror or error}") from error

    def close(self) -> None:
        self._box = None


@dataclass(frozen=True)
class SMTPConfig:
    host: str
    port: int
    ssl: bool
    starttls: bool
    user: str | None
    password: str | None
    timeout: float

    @property
    def where(self) -> str:
        return f"{'smtps' if self.ssl else 'smtp'}://{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SMTPConfig:
    """`smtp://[user:password@]host:port`, `smtps://...` for SSL, `?starttls=1`, `?timeout=10`."""
    try:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        port = parts.port
    except ValueError as error:
        raise ChannelConfigError("CALENDAR_APP_SMTP_URL", str(error)) from error
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ChannelConfigError(
            "CALENDAR_APP_SMTP_URL", "use smtp://[user:password@]host:port, smtps://... or add ?starttls=1"
        )
    try:
        timeout = float(query.get("timeout", ["10"])[0])
    except ValueError as error:
        raise ChannelConfigError("CALENDAR_APP_SMTP_URL", "timeout must be a number of seconds") from error
    return SMTPConfig(
        host=parts.hostname, port=port or (465 if parts.scheme == "smtps" else 25), ssl=parts.scheme == "smtps",
        starttls=query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes"),
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None, timeout=timeout,
    )


class SMTPChannel:
    """Sends over one connection kept open for a whole batch, reconnecting after a failure."""

    name = "smtp"

    def __init__(self, config: SMTPConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        smtp: smtplib.SMTP
        if c.ssl:
            smtp = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
            if c.starttls:
                smtp.starttls(context=ssl.create_default_context())
        if c.user:
            smtp.login(c.user, c.password or "")
        return smtp

    def send(self, mail: bytes, address: str, sender: str) -> None:
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.sendmail(sender, [address], mail)
        except smtplib.SMTPRecipientsRefused as error:
            code = next(iter(error.recipients.values()))[0] if error.recipients else 0
            raise ChannelFailure(f"{self.config.where} refused {address}: {error.recipients}",
                                 permanent=500 <= code < 600) from error
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise ChannelFailure(f"{self.config.where}: {type(error).__name__}: {error}") from error

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


class BrokenChannel:
    """Stands in for a channel whose configuration is unusable: every send fails with the reason, so the
    dispatcher still starts, reports the channel as failing and keeps the other channels working."""

    name = "broken"

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def send(self, mail: bytes, address: str, sender: str) -> None:
        raise ChannelFailure(self.reason)

    def close(self) -> None:
        pass


def email_channel(smtp_url: str | None, outbox: Path) -> EmailChannel:
    """SMTP when a URL is configured, else the local outbox; a broken URL gives a `BrokenChannel`."""
    if not smtp_url:
        return OutboxChannel(outbox)
    try:
        return SMTPChannel(parse_smtp_url(smtp_url))
    except ChannelConfigError as error:
        return BrokenChannel(str(error))


class AppriseChannel:
    """Chat and webhook targets (Telegram, Slack, Matrix, JSON webhooks...) through Apprise URLs."""

    name = "chat"

    def send_text(self, url: str, title: str, body: str) -> None:
        import apprise

        notifier = apprise.Apprise()
        if not notifier.add(url):
            raise ChannelFailure(f"Apprise does not understand the chat address {url!r}", permanent=True)
        if not notifier.notify(body=body, title=title):
            raise ChannelFailure(f"the chat service behind {url.split('://')[0]}:// did not accept the message")
