"""E-mail over SMTP: one connection kept open for a whole batch, reconnecting after a failure."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from calendar_app.notify.channels.base import ChannelFailure, OneAtATime, Outgoing
from calendar_app.notify.channels.mail import EmailChannel
from events.errors import N_, Words
from events.notify.errors import ChannelConfigError


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
            "CALENDAR_APP_SMTP_URL", Words(N_("use smtp://[user:password@]host:port, smtps://... or add ?starttls=1"))
        )
    try:
        timeout = float(query.get("timeout", ["10"])[0])
    except ValueError as error:
        raise ChannelConfigError("CALENDAR_APP_SMTP_URL", Words(N_("timeout must be a number of seconds"))) from error
    return SMTPConfig(
        host=parts.hostname, port=port or (465 if parts.scheme == "smtps" else 25), ssl=parts.scheme == "smtps",
        starttls=query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes"),
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None, timeout=timeout,
    )


class SMTPChannel(EmailChannel, OneAtATime):
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

    def send(self, message: Outgoing) -> None:
        address = message.address
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.sendmail(message.sender, [address], message.body)
        except smtplib.SMTPRecipientsRefused as error:
            code = next(iter(error.recipients.values()))[0] if error.recipients else 0
            raise ChannelFailure(f"{self.config.where} refused {address}: {error.recipients}",
                                 permanent=500 <= code < 600) from error
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            unreachable = isinstance(error, OSError | smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError)
            raise ChannelFailure(f"{self.config.where}: {type(error).__name__}: {error}",
                                 unreachable=unreachable) from error

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None
