"""Settings: one typed schema, read from options first, then the environment, then defaults."""

from __future__ import annotations

import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from events.timeparse import zone

DB_ENV = "CALENDAR_APP_DB"
TZ_ENV = "CALENDAR_APP_TZ"
FALLBACK_TZ = "Asia/Ulaanbaatar"


@dataclass(frozen=True)
class Settings:
    db_url: str
    default_tz: str


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("calendar-app", appauthor=False) / "calendar.db"


def database_url(value: str | None) -> str:
    """An SQLAlchemy URL from `--db`, `CALENDAR_APP_DB`, or the SQLite file in the user's data folder.

    A plain path (no `://`) means a SQLite file.
    """
    raw = value or os.environ.get(DB_ENV) or ""
    if "://" in raw:
        return raw
    if raw:
        return f"sqlite:///{Path(raw).expanduser().resolve()}"
    path = default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def machine_zone() -> str:
    """The machine's IANA zone, read from TZ or /etc/localtime; the fallback where neither names one."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with suppress(OSError, IndexError):
        candidates.append(str(Path("/etc/localtime").resolve()).split("zoneinfo/", 1)[1])
    for name in candidates:
        if name and "/" in name:
            return name
    return FALLBACK_TZ


def load_settings(db: str | None = None, tz: str | None = None) -> Settings:
    default_tz = tz or os.environ.get(TZ_ENV) or machine_zone()
    return Settings(db_url=database_url(db), default_tz=zone(default_tz).key)
