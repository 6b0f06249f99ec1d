"""Public holidays of MN and KG with manual overrides."""

from __future__ import annotations

from datetime import date

import pytest

from events.public_holidays import InvalidHolidayFile, country_of, parse_overrides, public_holidays


def test_package_holidays_of_both_countries() -> None:
    found = public_holidays(date(2025, 11, 24), date(2025, 12, 10), parse_overrides(""))
    assert [(h.country, h.name) for h in found[date(2025, 11, 26)]] == [("MN", "Republic Day")]
    womens_day = public_holidays(date(2025, 3, 8), date(2025, 3, 8), parse_overrides(""))[date(2025, 3, 8)]
    assert {h.country for h in womens_day} == {"MN", "KG"}


def test_overrides_add_and_remove_days() -> None:
    overrides = parse_overrides(
        '[[add]]\ncountry = "kg"\ndate = 2025-12-01\nname = "Кошумча дем алыш күн"\n'
        '[[remove]]\ncountry = "MN"\ndate = "2025-11-26"\n'
    )
    found = public_holidays(date(2025, 11, 24), date(2025, 12, 10), overrides)
    assert date(2025, 11, 26) not in found
    assert [(h.country, h.name) for h in found[date(2025, 12, 1)]] == [("KG", "Кошумча дем алыш күн")]
    assert public_holidays(date(2025, 12, 1), date(2025, 12, 1), overrides, countries=("MN",)) == {}


@pytest.mark.parametrize("text", ['[[add]]\ncountry = "KZ"\ndate = "2025-12-01"\n',
                                  '[[add]]\ncountry = "KG"\ndate = "2025-02-30"\n', "[[add]\n"])
def test_bad_override_file_says_which_file_and_what(text: str) -> None:
    with pytest.raises(InvalidHolidayFile) as caught:
        parse_overrides(text, path="/etc/holidays.toml")
    assert "/etc/holidays.toml" in str(caught.value) and caught.value.exit_code == 2


def test_country_of_region_or_zone() -> None:
    assert country_of("osh-oblast", None) == "KG"
    assert country_of(None, "Asia/Hovd") == "MN"
    assert country_of(None, "Europe/Berlin") is None
