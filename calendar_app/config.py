"""Settings: one schema, read from command-line options first, then the environment, then the
configuration file, then defaults.

The configuration file is TOML with flat keys (`CALENDAR_APP_CONFIG`, else `config.toml` in the user's
configuration folder, `~/.config/calendar-app/` on Linux), for example:

    db = "postgresql+psycopg://calendar@db.example.org/calendar"
    timezone = "Asia/Bishkek"
    smtp_url = "smtp://calendar:secret@mail.example.org:587?starttls=1"
    mail_from = "calendar@ngo.kg"

Secrets such as the SMTP password belong there or in the environment, never on a command line.
"""

from __future__ import annotations

import os
import tomllib
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from events.errors import CalendarAppError
from events.timeparse import zone

CONFIG_ENV = "CALENDAR_APP_CONFIG"
DB_ENV = "CALENDAR_APP_DB"
TZ_ENV = "CALENDAR_APP_TZ"
FALLBACK_TZ = "Asia/Ulaanbaatar"

# Every setting: its environment variable and what it means (the file's key is the setting's name).
SCHEMA: dict[str, tuple[str, str]] = {
    "db": (DB_ENV, "database: a SQLite file path or an SQLAlchemy URL"),
    "timezone": (TZ_ENV, "your IANA zone for times typed without one"),
    "smtp_url": ("CALENDAR_APP_SMTP_URL", "smtp://[user:password@]host:port, smtps://..., ?starttls=1"),
    "outbox": ("CALENDAR_APP_OUTBOX", "Maildir folder for e-mail when no SMTP server is set"),
    "mail_from": ("CALENDAR_APP_MAIL_FROM", "sender address of reminders"),
    "workflows": ("CALENDAR_APP_WORKFLOWS", "TOML file of the kinds' reminder rules and workflow steps"),
    "reminder_grace": ("CALENDAR_APP_REMINDER_GRACE", "how late a missed reminder may still go out, e.g. 6h"),
    "base_url": ("CALENDAR_APP_BASE_URL", "public address of the feed server, for subscribe links"),
}


class InvalidConfigFile(CalendarAppError, ValueError):
    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"cannot use the configuration file {path}: {why}; fix it, or point {CONFIG_ENV} "
                         "at another file")


def config_path() -> Path:
    given = os.environ.get(CONFIG_ENV)
    if given:
        return Path(given).expanduser()
    from platformdirs import user_config_path

    return user_config_path("calendar-app", appauthor=False) / "config.toml"


@cache
def _file_values(path: Path, _mtime: float) -> dict[str, str]:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidConfigFile(path, f"cannot read it ({error})") from error
    except tomllib.TOMLDecodeError as error:
        raise InvalidConfigFile(path, f"not valid TOML: {error}") from error
    unknown = sorted(set(data) - set(SCHEMA))
    if unknown:
        raise InvalidConfigFile(path, f"unknown key {unknown[0]!r} (known: {', '.join(SCHEMA)})")
    for key, value in data.items():
        if not isinstance(value, str):
            raise InvalidConfigFile(path, f"{key} must be a quoted string")
    return data


def setting(name: str) -> str | None:
    """A setting from the environment, else the configuration file; None when neither gives it."""
    variable, _ = SCHEMA[name]
    if os.environ.get(variable):
        return os.environ[variable]
    path = config_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        if CONFIG_ENV in os.environ:
            raise InvalidConfigFile(path, "no such file") from None
        return None
    return _file_values(path, mtime).get(name) or None


@dataclass(frozen=True)
class Settings:
    db_url: str
    default_tz: str


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("calendar-app", appauthor=False) / "calendar.db"


def database_url(value: str | None) -> str:
    """An SQLAlchemy URL from `--db`, `CALENDAR_APP_DB`, the configuration file, or the SQLite file in the
    user's data folder.

    A plain path (no `://`) means a SQLite file.
    """
    raw = value or setting("db") or ""
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
    default_tz = tz or setting("timezone") or machine_zone()
    return Settings(db_url=database_url(db), default_tz=zone(default_tz).key)
