"""Shared fixtures: a real SQLite file per test, and a real PostgreSQL schema per test.

`store_url` runs a test once per backend. PostgreSQL is used when it answers on 127.0.0.1:5432; under
CI=true it must answer, so those tests fail rather than skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from calendar_app.app import App
from calendar_app.config import Settings

PG_BASE = os.environ.get("CALENDAR_APP_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)

# Hypothesis (tests/test_issue_fuzz.py): few examples in `make test`, derandomized under CI=true so CI runs
# are repeatable, and no shrinking (a failing CLI example can take minutes to shrink: `make fuzz` shrinks);
# `make fuzz` runs the long profile. No example database: a failure prints its blob instead.
settings.register_profile("default", max_examples=60, deadline=None, database=None, print_blob=True,
                          derandomize=os.environ.get("CI", "").lower() == "true",
                          phases=[Phase.explicit, Phase.reuse, Phase.generate],
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=2000, deadline=None, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def _pg_answers() -> str | None:
    """None when PostgreSQL answers, else why not."""
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(PG_BASE, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as error:
        return f"{type(error).__name__}: {error}".splitlines()[0]


@pytest.fixture(autouse=True)
def _private_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the tests out of the user's own data and cache folders (default database, holiday cache), and
    speak English whatever the machine's locale (tests/test_i18n.py chooses other languages)."""
    home = tmp_path_factory.getbasetemp() / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("CALENDAR_APP_LANG", "en")


@pytest.fixture(scope="session")
def postgres_base() -> str:
    problem = _pg_answers()
    if problem is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL must answer in CI at {PG_BASE}: {problem}")
        pytest.skip(f"PostgreSQL not available at {PG_BASE}: {problem}")
    return PG_BASE


@pytest.fixture
def pg_url(postgres_base: str) -> Iterator[str]:
    """A fresh schema of the `test` database, dropped afterwards."""
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield f"{postgres_base}?options=-csearch_path%3D{schema}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'calendar.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def app(store_url: str) -> Iterator[App]:
    """The application on a fresh store of each backend, wired as the CLI wires it."""
    app = App.open(Settings(db_url=store_url, default_tz="Asia/Ulaanbaatar"))
    yield app
    app.close()


@pytest.fixture
def sqlite_app(sqlite_url: str) -> Iterator[App]:
    app = App.open(Settings(db_url=sqlite_url, default_tz="Asia/Ulaanbaatar"))
    yield app
    app.close()
