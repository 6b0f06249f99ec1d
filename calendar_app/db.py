"""Engines and transactions. No module-level engine: callers open one from their settings.

SQLite runs in WAL mode with a busy timeout and foreign keys on, so a CLI command and a running server
share the file. Every database failure leaves as a `StorageError` that says what to do; the transaction
is rolled back, so nothing is half-written.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlmodel import Session

import events.tables  # noqa: F401 - every table registered before the first flush
from events.errors import N_, StorageError

BUSY_TIMEOUT_MS = 10_000
SQLITE_BEGIN = "sqlite_begin"


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    # WAL is a property of the file; setting it fails harmlessly on a read-only database.
    with suppress(sqlite3.OperationalError):
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # The sqlite3 module would start transactions only before DML, leaving DDL (migrations) outside
    # them; we begin them ourselves. Writers take the write lock up front (BEGIN IMMEDIATE): a deferred
    # transaction that reads, then writes after another process wrote, fails at once instead of waiting.
    mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def create_db_engine(url: str) -> Engine:
    """An engine for `url` (not yet connected); `StorageError` if the URL itself is unusable."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000,
                                                         "isolation_level": None})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        return create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise StorageError(
            template=N_("cannot use the database URL {address!r} ({cause}): give a file path or a URL like "
                        "sqlite:///calendar.db or postgresql+psycopg://user@host/dbname via --db or CALENDAR_APP_DB"),
            address=safe_url(url), cause=str(error),
        ) from error


def storage_error(error: DBAPIError, url: str) -> StorageError:
    """A `StorageError` that names the cause of a driver failure and the fix."""
    detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    lowered = detail.lower()
    where = safe_url(url)
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        hint = N_("the database is read-only: make the file and its folder writable or use another --db")
    elif "disk is full" in lowered or "no space" in lowered or "disk full" in lowered:
        hint = N_("the disk is full: free some space and run the command again (nothing was written)")
    elif "unable to open" in lowered:
        hint = N_("check that the file's folder exists and is writable, or pass another path via --db or "
                  "CALENDAR_APP_DB")
    elif "connection" in lowered or "could not" in lowered or "password" in lowered:
        hint = N_("check that the server runs and the URL in --db or CALENDAR_APP_DB is right")
    elif "locked" in lowered or "busy" in lowered:
        hint = N_("another process holds the database: try again in a moment")
    else:
        hint = N_("nothing was changed; check the database and try again")
    # the driver's own words (`detail`) stay as the driver wrote them
    return StorageError(template=(N_("database {where}: {cause}: "), hint), where=where, cause=detail)


def writer(engine: Engine) -> Engine:
    """The engine for transactions that write: on SQLite they take the write lock when they begin."""
    return engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """One transaction that reads: it never takes SQLite's write lock."""
    with _transaction(engine) as session:
        yield session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One transaction that writes: on SQLite it takes the write lock when it begins (BEGIN IMMEDIATE),
    waiting up to the busy timeout for another writer instead of failing with "database is locked"."""
    with _transaction(writer(engine)) as session:
        yield session


@contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """As `write_session`, on a Core connection: for work in bulk that wants no ORM session (nor the
    reference cycles a session leaves for the collector)."""
    try:
        with writer(engine).begin() as connection:
            yield connection
    except DBAPIError as error:
        raise storage_error(error, str(engine.url)) from error


@contextmanager
def _transaction(engine: Engine) -> Iterator[Session]:
    """Committed when the block ends, rolled back on any error (a driver error becomes a StorageError)."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except DBAPIError as error:
        session.rollback()
        raise storage_error(error, str(engine.url)) from error
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        raise storage_error(error, engine.url.render_as_string(hide_password=True)) from error
