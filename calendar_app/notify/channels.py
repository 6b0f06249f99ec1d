"""Delivery channels: the local outbox (a Maildir, the embedded default), SMTP, and chat/webhook targets
through Apprise. Each raises `ChannelFailure` when a message did not go out; `permanent` says a retry
cannot help (a recipient the server refuses for good).
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from events.notify.errors import ChannelConfigError


class ChannelFailure(Exception):
    """A message did not go out; `permanent` when trying again cannot help; `unreachable` when the server did
    not answer at all, so the rest of the group is not tried (each try would wait for the timeout again)."""

    def __init__(self, message: str, *, permanent: bool = False, unreachable: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.unreachable = unreachable


Finisher = Callable[[], list["ChannelFailure | None"]]


class EmailChannel(Protocol):
    name: str

    def send(self, mail: bytes, address: str, sender: str) -> None:
        """Send one finished message (`mail`: its bytes, CRLF line ends) to `address`."""

    def send_many(self, items: list[tuple[bytes, str, str]]) -> list[ChannelFailure | None]:
        """Send several (mail, address, sender); one outcome each, None when it went out."""

    def hand_over(self, items: list[tuple[bytes, str, str]]) -> Finisher:
        """Start sending `items`; the function returned waits until each is durably handed over and returns
        the outcomes (as `send_many`). Lets a channel overlap the slow part with the caller's next work."""

    def stage(self, mail: bytes) -> Path | None:
        """Store a message durably ahead of its time, undelivered; None if the channel cannot."""

    def hand_over_staged(self, staged: list[Path]) -> Finisher:
        """Deliver staged messages now (outcomes as `send_many`)."""

    def discard(self, staged: Path) -> None:
        """Drop a staged message that will not be delivered."""

    def close(self) -> None: ...


class OneAtATime:
    """For channels that send one message at a time and cannot stage (the dispatcher then hands over the
    prepared bytes at the due time): the batch operations, in terms of the channel's `send`."""

    def send(self, mail: bytes, address: str, sender: str) -> None:
        raise NotImplementedError

    def send_many(self, items: list[tuple[bytes, str, str]]) -> list[ChannelFailure | None]:
        """One outcome per message. Once the server is unreachable the remaining messages are not tried: they
        are retried with the next pass instead, so a hung server costs one timeout a group, not one a
        message (which could outlast the dispatcher's lease)."""
        results: list[ChannelFailure | None] = []
        for item in items:
            failure: ChannelFailure | None = _quietly(lambda mail: self.send(*mail), item)
            results.append(failure)
            if failure is not None and failure.unreachable:
                untried = ChannelFailure(f"not tried, the server was unreachable: {failure}", unreachable=True)
                return results + [untried] * (len(items) - len(results))
        return results

    def hand_over(self, items: list[tuple[bytes, str, str]]) -> Finisher:
        results = self.send_many(items)  # each send returns once handed over: nothing left to wait for
        return lambda: results

    def stage(self, mail: bytes) -> Path | None:
        return None

    def hand_over_staged(self, staged: list[Path]) -> Finisher:
        failures: list[ChannelFailure | None] = [ChannelFailure("this channel cannot stage messages")] * len(staged)
        return lambda: failures

    def discard(self, staged: Path) -> None:
        pass


class OutboxChannel:
    """Writes each mail into a Maildir folder: written and fsynced in tmp/, then renamed into new/, so a reader
    never sees half a message. `send_many` writes on several threads: creating and syncing a file costs about
    a millisecond of waiting on the disk, which threads overlap. (mailbox.Maildir.add is not thread-safe, its
    unique names rely on a shared counter, so the few lines of delivery are written here.)"""

    name = "outbox"
    workers = 8

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ready = False
        self._pool: ThreadPoolExecutor | None = None

    def _ensure(self) -> None:
        if not self._ready:
            for folder in ("tmp", "new", "cur"):
                (self.path / folder).mkdir(parents=True, exist_ok=True)
            self._ready = True

    def send(self, mail: bytes, address: str, sender: str) -> None:
        self._sync(self._write(mail))

    def _write(self, mail: bytes) -> Path:
        """Write the message in tmp/ and move it into new/ (readers never see half of it); not yet synced."""
        try:
            self._ensure()
            unique = f"{time.time_ns()}.P{os.getpid()}Q{uuid.uuid4().hex}.{_HOST}"
            tmp = self.path / "tmp" / unique
            with open(tmp, "xb") as file:
                file.write(mail)
            final = self.path / "new" / unique
            os.rename(tmp, final)
            return final
        except OSError as error:
            raise ChannelFailure(f"outbox {self.path}: {error.strerror or error}") from error

    def _sync(self, path: Path) -> None:
        """Make a written message durable (fsync of the file; the folder is synced once per group)."""
        try:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as error:
            raise ChannelFailure(f"outbox {self.path}: {error.strerror or error}") from error

    def send_many(self, items: list[tuple[bytes, str, str]]) -> list[ChannelFailure | None]:
        return self.hand_over(items)()

    def hand_over(self, items: list[tuple[bytes, str, str]]) -> Finisher:
        """Write every message now (on the pool's threads, into the page cache: fast); the finisher fsyncs
        them, so an outcome is recorded as sent only once its message is on disk."""
        try:
            self._ensure()
        except OSError as error:
            failures: list[ChannelFailure | None] = [ChannelFailure(f"outbox {self.path}: {error}")] * len(items)
            return lambda: failures
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="outbox")
        pool = self._pool
        written = list(pool.map(lambda item: _quietly(self._write, item[0]), items))

        def finish() -> list[ChannelFailure | None]:
            paths = [w for w in written if isinstance(w, Path)]
            synced = dict(zip(paths, pool.map(lambda p: _quietly(self._sync, p), paths), strict=True))
            try:
                self._sync(self.path / "new")
            except ChannelFailure as failure:
                return [w if isinstance(w, ChannelFailure) else failure for w in written]
            return [w if isinstance(w, ChannelFailure) else synced[w] for w in written]

        return finish

    def stage(self, mail: bytes) -> Path | None:
        """Write and fsync the message in tmp/ (which Maildir readers ignore); `hand_over_staged` delivers it
        with a rename into new/, so at the due moment only the renames remain."""
        try:
            self._ensure()
            unique = f"{time.time_ns()}.P{os.getpid()}Q{uuid.uuid4().hex}.{_HOST}"
            path = self.path / "tmp" / unique
            with open(path, "xb") as file:
                file.write(mail)
                file.flush()
                os.fsync(file.fileno())
            return path
        except OSError:
            return None  # not staged: the bytes are written at the due time instead

    def hand_over_staged(self, staged: list[Path]) -> Finisher:
        results: list[ChannelFailure | None] = []
        for path in staged:
            try:
                os.rename(path, self.path / "new" / path.name)
                results.append(None)
            except OSError as error:
                results.append(ChannelFailure(f"outbox {self.path}: {error.strerror or error}"))

        def finish() -> list[ChannelFailure | None]:
            try:
                self._sync(self.path / "new")  # the renames are durable once the folder is
            except ChannelFailure as failure:
                return [r or failure for r in results]
            return results

        return finish

    def discard(self, staged: Path) -> None:
        staged.unlink(missing_ok=True)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


_HOST = socket.gethostname().replace("/", "_").replace(":", "_")


def _quietly(action: Callable[[Any], Any], value: Any) -> Any:
    """The action's result, or the `ChannelFailure` it raised."""
    try:
        return action(value)
    except ChannelFailure as failure:
        return failure


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


class SMTPChannel(OneAtATime):
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


class BrokenChannel(OneAtATime):
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
