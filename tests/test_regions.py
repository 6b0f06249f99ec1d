"""The built-in regions: every aimag and oblast, the right zone, names in any script and case."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from events.errors import UnknownRegion
from events.regions import REGIONS, find_region


def test_counts_match_the_administrative_divisions() -> None:
    levels = [(r.country, r.level) for r in REGIONS]
    assert levels.count(("MN", "aimag")) == 21
    assert levels.count(("MN", "district")) == 9
    assert levels.count(("KG", "oblast")) == 7
    assert {r.slug for r in REGIONS if r.level in ("capital", "city")} == {"ulaanbaatar", "bishkek", "osh-city"}


def test_only_the_three_western_aimags_keep_hovd_time() -> None:
    hovd = {r.slug for r in REGIONS if r.timezone == "Asia/Hovd"}
    assert hovd == {"bayan-olgii", "khovd", "uvs"}
    assert all(ZoneInfo(r.timezone) for r in REGIONS)


@pytest.mark.parametrize(("name", "slug"), [
    ("ulaanbaatar", "ulaanbaatar"), ("Улаанбаатар", "ulaanbaatar"), ("UB", "ulaanbaatar"),
    ("ХОВД аймаг", "khovd"), ("hovd", "khovd"), ("Баян-Өлгий", "bayan-olgii"), ("Bayan Ulgii", "bayan-olgii"),
    ("Сүхбаатар", "sukhbaatar"), ("Сүхбаатар дүүрэг", "sukhbaatar-district"), ("south gobi", "umnugovi"),
    ("Бишкек", "bishkek"), ("Ош", "osh-city"), ("Ош облусу", "osh-oblast"), ("Иссык-Куль", "issyk-kul"),
    ("Ысык-Көл облусу", "issyk-kul"), ("Chui", "chuy"), ("Жалал-Абад", "jalal-abad"),
])
def test_names_aliases_and_case(name: str, slug: str) -> None:
    assert find_region(name).slug == slug


def test_migration_rows_match_the_built_in_list() -> None:
    from calendar_app.migrations.versions import __name__ as package

    module = __import__(f"{package}.0001_initial", fromlist=["REGION_ROWS"])
    rows = {row[0]: row for row in module.REGION_ROWS}
    assert rows == {r.slug: (r.slug, r.name_en, r.name_local, r.country, r.level, r.timezone) for r in REGIONS}


def test_unknown_region() -> None:
    with pytest.raises(UnknownRegion):
        find_region("Gotham")
