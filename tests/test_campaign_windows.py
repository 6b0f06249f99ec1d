"""Window arithmetic: year end, leap years, exclusive end, lead-in day, bad month-days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from events.campaigns.errors import InvalidWindow
from events.campaigns.windows import LEAD_IN_DAYS, MonthDay, parse_month_day, parse_window, same_day_in


def test_sixteen_days_window_has_sixteen_days_and_an_exclusive_end() -> None:
    window = parse_window("11-25..12-10").of_year(2025)
    assert (window.first, window.last) == (date(2025, 11, 25), date(2025, 12, 10))
    assert window.length == 16
    assert window.end_exclusive == date(2025, 12, 11)  # iCal DTEND of an all-day span
    assert window.lead_in == date(2025, 11, 24) and LEAD_IN_DAYS == 1
    assert len(window.days(lead_in=True)) == 17


def test_window_crossing_the_year_end_belongs_to_the_year_it_starts_in() -> None:
    shape = parse_window("12-20..01-10")
    assert shape.crosses_year_end
    window = shape.of_year(2025)
    assert (window.first, window.last) == (date(2025, 12, 20), date(2026, 1, 10))
    assert window.end_exclusive == date(2026, 1, 11)
    assert window.length == 22
    assert shape.editions_touching(date(2026, 1, 5)) == [2025]
    assert shape.editions_touching(date(2025, 12, 19)) == [2025]  # the lead-in day
    assert shape.editions_touching(date(2026, 1, 11)) == []


def test_end_of_december_exclusive_end_is_next_january_first() -> None:
    window = parse_window("12-25..12-31").of_year(2027)
    assert window.end_exclusive == date(2028, 1, 1)


@pytest.mark.parametrize(("year", "expected"), [(2024, date(2024, 2, 29)), (2025, date(2025, 2, 28)),
                                                 (2100, date(2100, 2, 28)), (2000, date(2000, 2, 29))])
def test_leap_day_falls_back_to_february_28_in_common_years(year: int, expected: date) -> None:
    window = parse_window("02-29").of_year(year)
    assert window.first == window.last == expected
    assert window.end_exclusive == expected + timedelta(days=1)


def test_window_ending_on_leap_day_ends_on_february_28_in_common_years() -> None:
    window = parse_window("02-20..02-29").of_year(2025)
    assert window.last == date(2025, 2, 28) and window.end_exclusive == date(2025, 3, 1)
    assert parse_window("02-20..02-29").of_year(2028).end_exclusive == date(2028, 3, 1)


def test_lead_in_day_is_inside_but_two_days_before_is_not() -> None:
    window = parse_window("11-25..12-10").of_year(2025)
    assert window.holds(date(2025, 11, 24), date(2025, 11, 24))
    assert window.is_lead_in(date(2025, 11, 24)) and not window.is_lead_in(date(2025, 11, 25))
    assert not window.holds(date(2025, 11, 23), date(2025, 11, 23))
    assert not window.holds(date(2025, 11, 24), date(2025, 11, 24), lead_in=False)
    assert not window.holds(date(2025, 12, 9), date(2025, 12, 11))  # runs past the last day


def test_same_day_next_year() -> None:
    assert same_day_in(date(2025, 11, 24), 1) == date(2026, 11, 24)
    assert same_day_in(date(2024, 2, 29), 1) == date(2025, 2, 28)


@pytest.mark.parametrize("text", ["02-30", "13-01", "00-10", "04-31", "11-25..12-32", "11/25/2025", "",
                                  "11-25..12-10..12-11", "nov-25"])
def test_days_that_do_not_exist_are_refused_with_the_form_to_use(text: str) -> None:
    with pytest.raises(InvalidWindow) as caught:
        parse_window(text)
    assert "MM-DD" in str(caught.value) and caught.value.exit_code == 2


def test_month_day_orders_and_prints() -> None:
    assert parse_month_day("4-30") == MonthDay(4, 30)
    assert str(MonthDay(4, 30)) == "04-30"
    assert str(parse_window("11-25..12-10")) == "11-25..12-10"
    assert str(parse_window("11-25–12-10")) == "11-25..12-10"


def test_feed_entry_of_an_edition_spans_the_window_with_an_exclusive_end() -> None:
    from events.campaigns.hooks import edition_anchors, edition_entry
    from events.campaigns.programme import EditionInfo

    info = EditionInfo("16-days", "16 Days of Activism", 2025, parse_window("11-25..12-10").of_year(2025),
                       color="#F26B21", theme="UNiTE", themes={"ky": "Биригели!"})
    entry = edition_entry(info)
    assert (entry.first_day, entry.end_exclusive) == (date(2025, 11, 25), date(2025, 12, 11))
    assert entry.uid == "campaign-16-days-2025@calendar-app"
    assert "Кыргызча: Биригели!" in entry.description and entry.color_name == "chocolate"
    anchors = edition_anchors(info, "Asia/Bishkek")
    assert anchors["lead_in"].isoformat() == "2025-11-24T00:00:00+06:00"
    assert anchors["window_end"].date() == date(2025, 12, 11)


def test_themes_default_and_translations() -> None:
    from events.campaigns.errors import InvalidTheme
    from events.campaigns.services import parse_themes

    assert parse_themes(["Биригели!", "ru:Объединимся!", "mn: Нэгдэцгээе"]) == (
        "Биригели!", {"ru": "Объединимся!", "mn": "Нэгдэцгээе"})
    assert parse_themes(["Time: now"]) == ("Time: now", {})  # a colon later in the text is no prefix
    for bad in (["fr:Unissons"], ["ru:a", "ru:b"], ["one", "two"], ["ky:  "]):
        with pytest.raises(InvalidTheme):
            parse_themes(bad)


def test_programme_of_a_window_across_the_year_end_shows_both_years_holidays() -> None:
    from events.campaigns.programme import EditionInfo, build_programme
    from events.public_holidays import parse_overrides, public_holidays

    window = parse_window("12-20..01-10").of_year(2025)
    info = EditionInfo("winter", "Winter", 2025, window)
    programme = build_programme(info, [], public_holidays(window.lead_in, window.last, parse_overrides("")))
    assert programme.days[0].day == date(2025, 12, 19) and programme.days[-1].day == date(2026, 1, 10)
    new_year = next(d for d in programme.days if d.day == date(2026, 1, 1))
    assert {h.country for h in new_year.holidays} == {"MN", "KG"}
    assert len(programme.empty_days) == window.length == 22  # every window day, not the lead-in day
