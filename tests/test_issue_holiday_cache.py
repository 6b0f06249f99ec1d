"""Holidays computed once per country and year, then read from the cache folder (event add stays fast)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from calendar_app.holidays import cached_calendar
from events.public_holidays import package_calendar, parse_overrides, public_holidays


def test_cache_gives_the_package_days_and_is_reused(tmp_path: Path) -> None:
    calendar = cached_calendar(tmp_path)
    first = calendar("MN", 2025)
    assert first == package_calendar("MN", 2025)
    (cached,) = tmp_path.glob("holidays-MN-2025-*.json")
    cached.write_text('{"2025-11-26": "Written by the test"}', encoding="utf-8")
    assert cached_calendar(tmp_path)("MN", 2025) == {date(2025, 11, 26): "Written by the test"}


def test_broken_cache_file_is_recomputed(tmp_path: Path) -> None:
    cached_calendar(tmp_path)("KG", 2025)
    (cached,) = tmp_path.glob("holidays-KG-2025-*.json")
    cached.write_text("{not json", encoding="utf-8")
    assert cached_calendar(tmp_path)("KG", 2025) == package_calendar("KG", 2025)


def test_public_holidays_through_the_cache_match_the_package(tmp_path: Path) -> None:
    overrides = parse_overrides("")
    direct = public_holidays(date(2025, 11, 20), date(2026, 1, 5), overrides)
    assert public_holidays(date(2025, 11, 20), date(2026, 1, 5), overrides, calendar=cached_calendar(tmp_path)) \
        == direct
    assert date(2026, 1, 1) in direct
