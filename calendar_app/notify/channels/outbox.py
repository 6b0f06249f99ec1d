"""The local outbox: a Maildir folder, the embedded default for e-mail."""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from calendar_app.notify.channels.base import ChannelFailure, Finisher, HandOver, Outgoing, Result, always, quietly
from calendar_app.notify.channels.mail import EmailChannel

_HOST = socket.gethostname().replace("/", "_").replace(":", "_")


class OutboxChannel(EmailChannel):
    """Writes each mail into a Maildir folder: written in tmp/, then renamed into new/, so a reader never sees
    half a message; fsynced before it counts as sent. Writes run on several threads: creating and syncing a file
    costs about a millisecond of waiting on the disk, which threads overlap. (mailbox.Maildir.add is not
    thread-safe, its unique names rely on a shared counter, so the few lines of delivery are written here.)"""

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

    def _unique(self) -> str:
        return f"{time.time_ns()}.P{os.getpid()}Q{uuid.uuid4().hex}.{_HOST}"

    def _write(self, mail: bytes) -> Path:
        """Write the message in tmp/ and move it into new/ (readers never see half of it); not yet synced."""
        try:
            self._ensure()
            unique = self._unique()
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

    def hand_over(self, messages: Sequence[Outgoing], *, keep_going: Callable[[], bool] = always) -> HandOver:
        """Write the messages now (on the pool's threads, into the page cache: fast), `workers` at a time while
        `keep_going()` holds; the finisher fsyncs them, so an outcome is recorded as sent only once its message
        is on disk."""
        try:
            self._ensure()
        except OSError as error:
            failures: list[Result] = [ChannelFailure(f"outbox {self.path}: {error}")] * len(messages)
            return HandOver(len(messages), lambda: failures)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="outbox")
        pool = self._pool
        written: list[Path | ChannelFailure] = []
        for first in range(0, len(messages), self.workers):
            if not keep_going():
                break
            chunk = messages[first:first + self.workers]
            written += pool.map(lambda message: quietly(self._write, message.body), chunk)

        def finish() -> list[Result]:
            paths = [w for w in written if isinstance(w, Path)]
            synced = dict(zip(paths, pool.map(lambda p: quietly(self._sync, p), paths), strict=True))
            try:
                self._sync(self.path / "new")
            except ChannelFailure as failure:
                return [w if isinstance(w, ChannelFailure) else failure for w in written]
            return [w if isinstance(w, ChannelFailure) else synced[w] for w in written]

        return HandOver(len(written), finish)

    def stage(self, message: Outgoing) -> Path | None:
        """Write and fsync the message in tmp/ (which Maildir readers ignore); `hand_over_staged` delivers it
        with a rename into new/, so at the due moment only the renames remain."""
        try:
            self._ensure()
            path = self.path / "tmp" / self._unique()
            with open(path, "xb") as file:
                file.write(message.body)
                file.flush()
                os.fsync(file.fileno())
            return path
        except OSError:
            return None  # not staged: the bytes are written at the due time instead

    def hand_over_staged(self, staged: Sequence[Path]) -> Finisher:
        results: list[Result] = []
        for path in staged:
            try:
                os.rename(path, self.path / "new" / path.name)
                results.append(None)
            except OSError as error:
                results.append(ChannelFailure(f"outbox {self.path}: {error.strerror or error}"))

        def finish() -> list[Result]:
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
