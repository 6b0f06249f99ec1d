"""Public holidays kept in the user's cache folder, one small JSON file per country and year.

Importing the `holidays` package loads every country it knows (about 150 ms), which would double the cost
of `event add` for its holiday warning; the computed days of a year are cached instead. The file name
carries the package's install stamp, so a newer `holidays` release computes them afresh.
"""

from __future__ import annotations

import json
import os
from datetime import date
from importlib.util import find_spec
from pathlib import Path

from events.public_holidays import YearCalendar, package_calendar


def _package_stamp() -> str:
    spec = find_spec("holidays")
    origin = spec.origin if spec else None
    return str(os.stat(origin).st_mtime_ns) if origin else "none"


def cached_calendar(folder: Path) -> YearCalendar:
    """A `YearCalendar` that reads from, and fills, the JSON files in `folder`."""
    stamp = _package_stamp()

    def calendar(country: str, year: int) -> dict[date, str]:
        path = folder / f"holidays-{country}-{year}-{stamp}.json"
        try:
            return {date.fromisoformat(k): v for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
        except (OSError, ValueError):
            pass
        days = package_calendar(country, year)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps({d.isoformat(): n for d, n in days.items()}, ensure_ascii=False),
                               encoding="utf-8")
            partial.replace(path)  # atomic: a reader never sees half a file
        except OSError:
            pass  # a cache that cannot be written only costs time
        return days

    return calendar
