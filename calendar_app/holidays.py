"""Public holidays for warnings and programmes: the shipped and the user's override files, and the computed
days kept in the user's cache folder, one small JSON file per country and year.

Importing the `holidays` package loads every country it knows (about 150 ms), which would double the cost
of `event add` for its holiday warning; the computed days of a year are cached instead. The file name
carries the package's install stamp, so a newer `holidays` release computes them afresh.
"""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from importlib.util import find_spec
from pathlib import Path

from calendar_app.config import Settings
from events import public_holidays as public_holidays_module
from events.errors import N_, Notice
from events.public_holidays import (
    HolidayOverrides,
    YearCalendar,
    country_of,
    load_overrides,
    package_calendar,
    public_holidays,
)
from events.views import EventView

SHIPPED_HOLIDAYS = Path(public_holidays_module.__file__).with_name("data") / "holidays.toml"
MAX_WARNED_DAYS = 31  # a long event warns about the holidays of its first month only


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


def holiday_calendar() -> YearCalendar:
    from platformdirs import user_cache_path

    return cached_calendar(user_cache_path("calendar-app", appauthor=False))


def holiday_overrides(settings: Settings) -> HolidayOverrides:
    """The overrides shipped with the code, then the user's file (the `holidays` setting)."""
    return load_overrides([SHIPPED_HOLIDAYS, settings.holidays])


def holiday_warnings(view: EventView, overrides: HolidayOverrides) -> tuple[Notice, ...]:
    """One line per public holiday the event falls on, in the country of its region (or zone)."""
    country = country_of(view.region, view.timezone)
    if country is None:
        return ()
    last = min(view.last_day, view.first_day + timedelta(days=MAX_WARNED_DAYS - 1))
    found = public_holidays(view.first_day, last, overrides, countries=(country,), calendar=holiday_calendar())
    return tuple(
        Notice(N_("{day} is a public holiday in {country} ({name}): check that people can attend"),
               day=day.isoformat(), country=h.country, name=h.name)
        for day, items in found.items() for h in items
    )
