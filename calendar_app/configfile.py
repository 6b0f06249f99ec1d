"""Where the configuration file is: cheap to import (the language of `--help` may come from the file, read
before any heavy module), shared by `calendar_app.config` and `calendar_app.i18n`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

CONFIG_ENV = "CALENDAR_APP_CONFIG"


def config_path(environ: Mapping[str, str]) -> Path:
    given = environ.get(CONFIG_ENV)
    if given:
        return Path(given).expanduser()
    from platformdirs import user_config_path

    return user_config_path("calendar-app", appauthor=False) / "config.toml"


def peek(environ: Mapping[str, str], key: str) -> Any:
    """One key of the configuration file, or None when the file or the key is missing or unreadable (the
    full load, `calendar_app.config.load_settings`, reports a bad file)."""
    path = config_path(environ)
    if not path.is_file():  # most machines have none: no TOML parser to import
        return None
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get(key)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
