"""The application object: settings, store and clock, wired once per process.

The CLI, `serve` and `scheduler run` each build one `App` at start and hand it to the services they call
(as APScheduler 4 hands its data store and event broker over at start). Services take what they need from
it, keyword-only; none re-reads settings or opens its own engine.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from calendar_app.clock import Clock, utc_now
from calendar_app.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from calendar_app.notify.channels import Channels
    from events.notify.workflows import KindDefaults


class Store:
    """One database. Every transaction says what it does: `read()` or `write()`.

    On SQLite a write transaction begins with `BEGIN IMMEDIATE`: it takes the write lock up front, waiting
    up to the busy timeout for another writer, instead of failing with "database is locked" when it reads,
    then writes after another process committed. Reads never take the write lock."""

    def __init__(self, url: str) -> None:
        from calendar_app.db import create_db_engine

        self.url = url
        self.engine: Engine = create_db_engine(url)

    @classmethod
    def open(cls, url: str) -> Store:
        """The store at `url`, its schema created or upgraded as needed (one cheap query when current)."""
        from calendar_app.schema import ensure_schema

        store = cls(url)
        ensure_schema(store.engine)
        return store

    def read(self) -> AbstractContextManager[Session]:
        from calendar_app.db import read_session

        return read_session(self.engine)

    def write(self) -> AbstractContextManager[Session]:
        from calendar_app.db import write_session

        return write_session(self.engine)

    def close(self) -> None:
        self.engine.dispose()


@dataclass
class App:
    """Settings, store, clock and delivery channels of one process; `App.open(settings)` wires them."""

    settings: Settings
    store: Store
    clock: Clock = utc_now
    _channels: Channels | None = field(default=None, repr=False, compare=False)

    @classmethod
    def open(cls, settings: Settings, *, clock: Clock = utc_now) -> App:
        return cls(settings, Store.open(settings.db_url), clock)

    def now(self) -> datetime:
        return self.clock()

    def read(self) -> AbstractContextManager[Session]:
        return self.store.read()

    def write(self) -> AbstractContextManager[Session]:
        return self.store.write()

    def kind_defaults(self) -> dict[str, KindDefaults]:
        """The kinds' reminder rules and workflow steps in force: the workflows file, re-read when it
        changes (so a running dispatcher or server sees edits)."""
        from calendar_app.workflows import workflows

        return workflows(self.settings.workflows)

    def step_title(self, title: str, language: str) -> str:
        """A workflow step's title in `language` (a task's assignee's): the translations shipped beside the
        workflows file and beside the user's own copy, re-read when they change; else as written."""
        from calendar_app.workflows import step_titles

        return step_titles(self.settings.workflows).get(title, language)

    def channels(self) -> Channels:
        """The delivery channels by name (e-mail over SMTP or into the outbox, chat through Apprise), built on
        first use and kept: an SMTP channel holds its connection across a batch."""
        if self._channels is None:
            from calendar_app.notify.channels import default_channels, email_channel

            self._channels = default_channels(email=email_channel(self.settings.smtp_url, self.settings.outbox))
        return self._channels

    def close(self) -> None:
        if self._channels is not None:
            self._channels.close()
        self.store.close()
