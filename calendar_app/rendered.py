"""Keeping rendered feed chunks (see `exports.cache`) in their own short write transaction.

A feed is read and rendered in a read transaction; the chunks rendered there are stored afterwards by
`ChunkKeeper` in a separate transaction that takes the write lock when it begins (`BEGIN IMMEDIATE` on
SQLite, waiting up to the busy timeout). A deferred SQLite transaction that read and then wrote after
another process committed failed at once with "database is locked", which made a feed GET answer 500
right after an `event edit`. On a read-only database the chunks are not kept (feeds are rendered each
time) and one log line says so.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from sqlalchemy.engine import Engine

from calendar_app.db import write_session
from events.errors import StorageError
from exports.cache import ChunkRows, store_chunks

log = logging.getLogger("calendar_app.rendered")

PG_READ_ONLY_TRANSACTION = "25006"  # SQLSTATE read_only_sql_transaction (also a hot standby)


def is_read_only(error: BaseException | None) -> bool:
    """Whether a driver error says the database cannot be written at all (not busy, not full)."""
    orig = getattr(error, "orig", error)
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF == sqlite3.SQLITE_READONLY
    return getattr(orig, "sqlstate", None) == PG_READ_ONLY_TRANSACTION


class ChunkKeeper:
    """A `store` for `exports.cache.iter_feed`: stores rows in one short write transaction per call."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.reported = False  # a refused write is logged once; later builds still try (a standby may be promoted)
        self._lock = threading.Lock()

    def __call__(self, rows: ChunkRows) -> None:
        if not rows:
            return
        try:
            with write_session(self.engine) as session:
                store_chunks(rows, session=session)
        except StorageError as error:
            if not is_read_only(error.__cause__):
                raise
            with self._lock:
                if not self.reported:
                    self.reported = True
                    log.warning("%s: rendered feed chunks are not kept, feeds are rendered on each build", error)
