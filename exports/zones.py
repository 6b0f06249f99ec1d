"""The tz database zone of an imported date-time, whatever the file called its zone.

A series repeats on its zone's wall clock, so an imported series needs a zone the tz database knows, not
just the instant of its first occurrence. Three ways files name zones:
- a tz database name (Google, Thunderbird, our own exports): used as it is;
- a Windows name (Outlook: "Central Asia Standard Time"): icalendar's Windows -> Olson table
  (`icalendar.timezone.windows_to_olson`, from CLDR's windowsZones) maps it;
- a zone of the file's own (a VTIMEZONE with a made-up TZID, "Our office"): icalendar reads its rules into
  a tzinfo; we take the tz database zone with the same UTC offsets through the years around the event.
  No library offers that match for a zone that is not named, so it is done here: our regions' zones and
  the default zone are tried first, then every zone the tz database has (once per zone: cached).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from events.regions import BISHKEK_TZ, HOVD_TZ, ULAANBAATAR_TZ

_PREFERRED = (ULAANBAATAR_TZ, HOVD_TZ, BISHKEK_TZ)
_SAMPLES = 5 * 26  # every two weeks over five years: both sides of every daylight-saving change
_STEP = timedelta(days=14)


def windows_zone(tzid: str | None) -> str | None:
    """The tz database name of a Windows zone name, or None."""
    return WINDOWS_TO_OLSON.get(tzid) if tzid else None


def zone_name_of(value: datetime, tzid: str | None, *, fallback: str) -> str | None:
    """The tz database name for an aware `value` written with `tzid`: its own, the Windows mapping, or the
    zone keeping the same offsets around it; None if no zone matches (the caller says what it used)."""
    if isinstance(value.tzinfo, ZoneInfo):
        return value.tzinfo.key
    mapped = windows_zone(tzid)
    if mapped is not None:
        return mapped
    if value.tzinfo is None:
        return None
    if value.tzinfo is UTC or value.tzname() in ("UTC", "Z"):
        return "UTC"
    year = value.astimezone(UTC).year
    return _matching(value.tzinfo, tzid or "", min(max(year, 1902), 2100), fallback)


@lru_cache(maxsize=1024)  # icalendar hands out one tzinfo per TZID, so this is hit once per zone
def _matching(custom: tzinfo, tzid: str, year: int, fallback: str) -> str | None:
    first = datetime(year - 1, 1, 1, tzinfo=UTC)
    instants = [first + _STEP * n for n in range(_SAMPLES)]
    try:
        wanted = [i.astimezone(custom).utcoffset() for i in instants]
    except (ValueError, OverflowError, TypeError):
        return None
    for name in _candidates(fallback):
        key = ZoneInfo(name)
        if all(i.astimezone(key).utcoffset() == offset for i, offset in zip(instants, wanted, strict=True)):
            return name
    return None


def _candidates(fallback: str) -> list[str]:
    preferred = [fallback, *(z for z in _PREFERRED if z != fallback)]
    return preferred + [z for z in _all_zones() if z not in preferred]


@cache
def _all_zones() -> tuple[str, ...]:
    """Real places first (sorted), then the fixed-offset Etc/ zones; links such as `posix/` left out."""
    names = [z for z in available_timezones() if "/" in z and not z.startswith(("posix/", "right/"))]
    return tuple(sorted(names, key=lambda z: (z.startswith("Etc/"), z)))
