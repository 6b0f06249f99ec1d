"""Date, time and duration forms, in zones with and without daylight saving time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from events.errors import InvalidDate, InvalidDuration, UnknownTimeZone
from events.timeparse import parse_date, parse_datetime, parse_duration, parse_when, zone

NOW = datetime(2026, 11, 23, 20, 30, tzinfo=UTC)  # already 24 November in Ulaanbaatar (UTC+8)
UB = zone("Asia/Ulaanbaatar")


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-11-26", date(2025, 11, 26)),
    ("2025-11-26 10:00", datetime(2025, 11, 26, 10, 0, tzinfo=UB)),
    ("2025-11-26T10:00+06:00", datetime(2025, 11, 26, 4, 0, tzinfo=UTC)),
    ("today", date(2026, 11, 24)),
    ("tomorrow 10:00", datetime(2026, 11, 25, 10, 0, tzinfo=UB)),
    ("yesterday", date(2026, 11, 23)),
    ("+3d", date(2026, 11, 27)),
    ("+1w 9:30", datetime(2026, 12, 1, 9, 30, tzinfo=UB)),
    ("-2h", NOW - timedelta(hours=2)),
    ("now", NOW),
])
def test_forms_people_type(text: str, expected: object) -> None:
    assert parse_when(text, tz=UB, now=NOW) == expected


def test_relative_days_count_in_the_given_zone() -> None:
    bishkek = zone("Asia/Bishkek")  # 02:30 on the 24th there too, but UTC is still on the 23rd
    assert parse_date("today", tz=bishkek, now=NOW) == date(2026, 11, 24)
    assert parse_date("today", tz=zone("UTC"), now=NOW) == date(2026, 11, 23)


def test_dst_zone_keeps_wall_clock_across_the_change() -> None:
    zurich = zone("Europe/Zurich")  # donors meet in Bern; DST ends 25 October 2026
    before = parse_datetime("2026-10-24 10:00", tz=zurich, now=NOW)
    after = parse_datetime("2026-10-26 10:00", tz=zurich, now=NOW)
    assert before.utcoffset() == timedelta(hours=2) and after.utcoffset() == timedelta(hours=1)
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(days=2, hours=1)


def test_mongolia_has_no_dst() -> None:
    summer = parse_datetime("2026-07-01 10:00", tz=UB, now=NOW)
    winter = parse_datetime("2026-01-01 10:00", tz=UB, now=NOW)
    assert summer.utcoffset() == winter.utcoffset() == timedelta(hours=8)
    assert parse_datetime("2026-07-01 10:00", tz=zone("Asia/Hovd"), now=NOW).utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(("text", "minutes"), [("90m", 90), ("2h", 120), ("1h30m", 90), ("1d", 1440),
                                               ("1w", 10080), ("2h 15m", 135)])
def test_durations(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "2x", "h", "-2h", "0m", "two hours"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(InvalidDuration):
        parse_duration(text)


@pytest.mark.parametrize("text", ["2025-02-30", "30.02.2025", "tomorrow 25:00", "soon", "2025-11-26 10:00 +3"])
def test_bad_dates(text: str) -> None:
    with pytest.raises(InvalidDate):
        parse_when(text, tz=UB, now=NOW)


def test_unknown_zone() -> None:
    with pytest.raises(UnknownTimeZone):
        zone("Mongolia/Khovd")
