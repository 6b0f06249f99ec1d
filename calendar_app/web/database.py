"""Whether the server can use its database now, and finding it again without a restart.

A database that cannot be used (PostgreSQL down, its schema dropped, a SQLite file moved away or replaced
by something else) makes every route answer 503 with `Retry-After` (see `answers.UNAVAILABLE`); every
database failure already leaves `calendar_app.db` as a `StorageError`, which the routes turn into that 503.
Two things need the web's own care on SQLite, where the "database" is a path:
- the server never creates a database file: its connections open the file only if it exists (a missing
  file would otherwise become a new empty database on the first query, then fail with "no such table");
- pooled connections hold the file they opened, so a file moved away would still be read, and a new file
  at the path would never be seen: `StoreWatch.check` notices the path changed (it looks at the path's
  device and inode, a `stat` per query) and drops the pooled connections, which then open the path anew.
PostgreSQL needs none of this: its pool pings a connection before use, and a dropped and re-created schema
is found by name on the next query.
"""

from __future__ import annotations

import os
import threading
from typing import Any
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.engine import Engine

from events.errors import N_, StorageError


class DatabaseGone(StorageError):
    """The SQLite file the server reads is not at its path any more."""

    def __init__(self, path: str) -> None:
        super().__init__(template=N_("the database file {path} is missing: put it back or restore it from a backup"),
                         path=path)


def _sqlite_path(engine: Engine) -> str | None:
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    path = url.database
    if url.query.get("uri") == "true":  # sqlite:///file:/path?mode=ro&uri=true
        path = path.removeprefix("file:").split("?", 1)[0]
        if not path or path.startswith(":memory:") or "mode=memory" in str(url):
            return None
    return os.path.abspath(path)


def _identity(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


class StoreWatch:
    """Call `check()` before each piece of database work: it raises `DatabaseGone` while a SQLite file is
    missing and resets the connection pool when the file at the path is another one. A no-op on PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.path = _sqlite_path(engine)
        self._lock = threading.Lock()
        self.identity = _identity(self.path) if self.path is not None else None
        if self.path is not None and engine.url.query.get("uri") != "true":
            event.listen(engine, "do_connect", self._open_existing)

    def _open_existing(self, _dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
        if cparams.get("uri") or self.path is None:
            return  # already a URI (another watch on this engine, or the URL's own mode)
        cargs[0] = f"file:{quote(self.path)}?mode=rw"
        cparams["uri"] = True

    def check(self) -> None:
        if self.path is None:
            return
        identity = _identity(self.path)
        with self._lock:
            if identity != self.identity:
                # Dropped at once, also when the file just vanished: the old connections close (and SQLite
                # tidies the old file's journal) before a new file can appear at the path.
                self.identity = identity
                self.engine.dispose()
        if identity is None:
            raise DatabaseGone(self.path)
