"""Running the real Typer app in-process and reading what it printed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from cli import app
from events.models import Event, EventPartner, Organisation, Programme


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    stdout_bytes: bytes

    def json(self) -> Any:
        return json.loads(self.stdout)


def run(db: str, *args: str, tz: str = "Asia/Ulaanbaatar") -> Outcome:
    """The CLI run on `db`; `tz=""` leaves out `--tz` (the environment or the config file decide)."""
    result = CliRunner().invoke(app, ["--db", db, *(["--tz", tz] if tz else []), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr, result.stdout_bytes)


def row_counts(db_url: str) -> dict[str, int]:
    """Rows per table: the database is unchanged after an error when these are."""
    engine = create_engine(db_url)
    with engine.connect() as connection:
        counts = {
            model.__name__: connection.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Event, EventPartner, Organisation, Programme)
        }
    engine.dispose()
    return counts
