"""Public holidays of Mongolia and Kyrgyzstan: the `holidays` package plus manual overrides.

Governments announce some days off late (a bridge day, a moved holiday); the overrides file adds or removes
such days without waiting for a new `holidays` release. Its TOML form:

    [[add]]
    country = "KG"
    date = "2025-12-31"
    name = "Additional day off"

    [[remove]]
    country = "MN"
    date = "2025-11-21"
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from events.errors import N_, InvalidInput
from events.regions import BISHKEK_TZ, HOVD_TZ, ULAANBAATAR_TZ, find_region

COUNTRIES = ("MN", "KG")
_ZONE_COUNTRY = {ULAANBAATAR_TZ: "MN", HOVD_TZ: "MN", "Asia/Choibalsan": "MN", BISHKEK_TZ: "KG"}


class InvalidHolidayFile(InvalidInput):
    def __init__(self, path: str, why: str) -> None:
        super().__init__(template=N_("cannot read the holiday overrides {path}: {why}; see docs/campaigns.md for "
                                     "the form"), path=path, why=why)


@dataclass(frozen=True, order=True)
class Holiday:
    day: date
    country: str
    name: str


@dataclass(frozen=True)
class HolidayOverrides:
    added: tuple[Holiday, ...] = ()
    removed: frozenset[tuple[str, date]] = field(default_factory=frozenset)

    def merged(self, other: HolidayOverrides) -> HolidayOverrides:
        return HolidayOverrides(self.added + other.added, self.removed | other.removed)


def _entry(item: object, path: str, section: str) -> tuple[str, date, str]:
    if not isinstance(item, dict):
        raise InvalidHolidayFile(path, f"each [[{section}]] needs country and date")
    country = str(item.get("country", "")).upper()
    if country not in COUNTRIES:
        raise InvalidHolidayFile(path, f"country {item.get('country')!r} in [[{section}]]: use MN or KG")
    raw = item.get("date")
    try:
        day = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError as error:
        raise InvalidHolidayFile(path, f"date {raw!r} in [[{section}]]: use YYYY-MM-DD") from error
    return country, day, str(item.get("name") or "Public holiday (override)")


def parse_overrides(text: str, *, path: str = "<text>") -> HolidayOverrides:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidHolidayFile(path, str(error)) from error
    added = tuple(Holiday(d, c, n) for c, d, n in (_entry(i, path, "add") for i in data.get("add", [])))
    removed = frozenset((c, d) for c, d, _ in (_entry(i, path, "remove") for i in data.get("remove", [])))
    return HolidayOverrides(added, removed)


def load_overrides(paths: Iterable[Path]) -> HolidayOverrides:
    """The overrides of every existing file in `paths`, later files adding to earlier ones."""
    result = HolidayOverrides()
    for path in paths:
        if path.is_file():
            result = result.merged(parse_overrides(path.read_text(encoding="utf-8"), path=str(path)))
    return result


YearCalendar = Callable[[str, int], dict[date, str]]


def package_calendar(country: str, year: int) -> dict[date, str]:
    """One country's holidays of one year from the `holidays` package ("; " joins names of one day)."""
    import holidays

    return {day: str(names) for day, names in holidays.country_holidays(country, years=[year]).items()}


def public_holidays(
    first: date,
    last: date,
    overrides: HolidayOverrides,
    countries: Iterable[str] = COUNTRIES,
    *,
    calendar: YearCalendar = package_calendar,
) -> dict[date, list[Holiday]]:
    """Holidays from `first` to `last` (inclusive) by day, each day's list sorted by country."""
    wanted = tuple(countries)
    found: dict[date, list[Holiday]] = defaultdict(list)
    for country in wanted:
        for year in range(first.year, last.year + 1):
            for day, names in sorted(calendar(country, year).items()):
                if first <= day <= last and (country, day) not in overrides.removed:
                    for name in names.split("; "):
                        found[day].append(Holiday(day, country, name))
    for extra in overrides.added:
        if extra.country in wanted and first <= extra.day <= last:
            found[extra.day].append(extra)
    return {day: sorted(set(items)) for day, items in sorted(found.items())}


def country_of(region: str | None, timezone: str | None) -> str | None:
    """MN or KG for an event: its region's country, else its zone's; None elsewhere."""
    if region:
        return find_region(region).country
    return _ZONE_COUNTRY.get(timezone or "")
