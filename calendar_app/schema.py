"""Creating and upgrading the schema with Alembic.

Every command checks the stored revision with one cheap query; Alembic itself is imported only when the
database is new or behind, which keeps it off the start-up path of everyday commands.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from calendar_app.db import storage_error, writer
from events.errors import N_, StorageError

# The newest revision in migrations/versions; tests/test_migrations.py checks that they agree.
HEAD = "0015"
MIGRATIONS = Path(__file__).with_name("migrations")


class MigrationFailed(StorageError):
    def __init__(self, detail: str) -> None:
        super().__init__(template=N_("the schema upgrade was rolled back, nothing changed: {cause}; report this as "
                                     "a bug"), cause=detail)


def current_revision(connection: Connection) -> str | None:
    if not connection.dialect.has_table(connection, "alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config(connection: Connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision`, creating it if it is empty."""
    from alembic import command

    sqlite = engine.dialect.name == "sqlite"
    try:
        with writer(engine).connect() as connection:
            if sqlite:
                # Batch migrations rebuild a table by copy, drop and rename; with foreign keys on, the drop
                # would cascade to the rows that point at it (partner links...). SQLite ignores this pragma
                # inside a transaction, so it is set before the migration's transaction begins.
                _raw_pragma(connection, "foreign_keys = OFF")
            try:
                with connection.begin():
                    command.upgrade(_alembic_config(connection), revision)
                    if sqlite:
                        _check_foreign_keys(connection)
            finally:
                if sqlite:
                    _raw_pragma(connection, "foreign_keys = ON")
    except DBAPIError as error:
        raise storage_error(error, engine.url.render_as_string(hide_password=True)) from error


def _raw_pragma(connection: Connection, pragma: str) -> None:
    # Straight to the driver: through SQLAlchemy the statement would begin a transaction first.
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None
    dbapi_connection.execute(f"PRAGMA {pragma}")


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise MigrationFailed(f"{len(broken)} rows would lose their references, first {tuple(broken[0])}")


def ensure_schema(engine: Engine) -> None:
    """Upgrade the database if it is not at `HEAD`; a no-op costing one query otherwise."""
    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
    except DBAPIError as error:
        raise storage_error(error, engine.url.render_as_string(hide_password=True)) from error
    if revision != HEAD:
        upgrade(engine)


def script_head() -> str:
    from alembic.script import ScriptDirectory

    config = _alembic_config(None)  # type: ignore[arg-type]
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head
