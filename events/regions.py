"""The built-in regions of Mongolia and Kyrgyzstan, each with its IANA time zone.

Mongolia has two zones: Bayan-Ölgii, Khovd and Uvs keep Asia/Hovd (UTC+7); every other aimag,
Ulaanbaatar and its districts keep Asia/Ulaanbaatar (UTC+8), as the tz database's zone1970.tab says.
Kyrgyzstan has one zone, Asia/Bishkek (UTC+6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from events.errors import N_, UnknownRegion

ULAANBAATAR_TZ = "Asia/Ulaanbaatar"
HOVD_TZ = "Asia/Hovd"
BISHKEK_TZ = "Asia/Bishkek"


@dataclass(frozen=True, slots=True)
class RegionInfo:
    slug: str
    name_en: str
    name_local: str
    country: str  # ISO 3166-1 alpha-2: MN or KG
    level: str  # capital, district, aimag, city, oblast
    timezone: str
    aliases: tuple[str, ...] = ()


def _mn(slug: str, en: str, local: str, level: str, *aliases: str, tz: str = ULAANBAATAR_TZ) -> RegionInfo:
    return RegionInfo(slug, en, local, "MN", level, tz, aliases)


def _kg(slug: str, en: str, local: str, level: str, *aliases: str) -> RegionInfo:
    return RegionInfo(slug, en, local, "KG", level, BISHKEK_TZ, aliases)


REGIONS: tuple[RegionInfo, ...] = (
    _mn("ulaanbaatar", "Ulaanbaatar", "Улаанбаатар", "capital", "ulan bator", "ulan-bator", "ub", "Улан-Батор"),
    _mn("baganuur", "Baganuur", "Багануур", "district"),
    _mn("bagakhangai", "Bagakhangai", "Багахангай", "district", "bagahangai"),
    _mn("bayangol", "Bayangol", "Баянгол", "district"),
    _mn("bayanzurkh", "Bayanzürkh", "Баянзүрх", "district", "bayanzurh", "bayanzurkh district"),
    _mn("chingeltei", "Chingeltei", "Чингэлтэй", "district", "chingeltey"),
    _mn("khan-uul", "Khan-Uul", "Хан-Уул", "district", "han-uul", "khan uul"),
    _mn("nalaikh", "Nalaikh", "Налайх", "district", "nalaih"),
    _mn("songinokhairkhan", "Songinokhairkhan", "Сонгинохайрхан", "district", "songinohairhan"),
    _mn("sukhbaatar-district", "Sükhbaatar district", "Сүхбаатар дүүрэг", "district", "suhbaatar district"),
    _mn("arkhangai", "Arkhangai", "Архангай", "aimag", "arhangai", "arkhangay"),
    _mn("bayan-olgii", "Bayan-Ölgii", "Баян-Өлгий", "aimag", "bayan-ulgii", "bayan-olgiy", "bayan-ölgii",
        "bayan-ulgiy", tz=HOVD_TZ),
    _mn("bayankhongor", "Bayankhongor", "Баянхонгор", "aimag", "bayanhongor"),
    _mn("bulgan", "Bulgan", "Булган", "aimag"),
    _mn("darkhan-uul", "Darkhan-Uul", "Дархан-Уул", "aimag", "darhan-uul", "darkhan", "Дархан"),
    _mn("dornod", "Dornod", "Дорнод", "aimag", "choibalsan"),
    _mn("dornogovi", "Dornogovi", "Дорноговь", "aimag", "dornogobi", "east gobi", "east govi"),
    _mn("dundgovi", "Dundgovi", "Дундговь", "aimag", "dundgobi", "middle gobi", "middle govi"),
    _mn("govi-altai", "Govi-Altai", "Говь-Алтай", "aimag", "gobi-altai", "gobi-altay", "govi-altay"),
    _mn("govisumber", "Govisümber", "Говьсүмбэр", "aimag", "gobisumber", "govisumber", "gobi-sumber"),
    _mn("khentii", "Khentii", "Хэнтий", "aimag", "hentii", "khentiy"),
    _mn("khovd", "Khovd", "Ховд", "aimag", "hovd", "kobdo", tz=HOVD_TZ),
    _mn("khuvsgul", "Khövsgöl", "Хөвсгөл", "aimag", "khovsgol", "hovsgol", "huvsgul", "khuvsgul", "khövsgöl"),
    _mn("umnugovi", "Ömnögovi", "Өмнөговь", "aimag", "omnogovi", "umnugobi", "omnogobi", "south gobi",
        "south govi", "ömnögovi"),
    _mn("orkhon", "Orkhon", "Орхон", "aimag", "orhon", "erdenet"),
    _mn("uvurkhangai", "Övörkhangai", "Өвөрхангай", "aimag", "ovorkhangai", "uvurhangai", "övörkhangai"),
    _mn("selenge", "Selenge", "Сэлэнгэ", "aimag", "selenga"),
    _mn("sukhbaatar", "Sükhbaatar", "Сүхбаатар", "aimag", "suhbaatar", "sükhbaatar", "sukhbaatar aimag"),
    _mn("tuv", "Töv", "Төв", "aimag", "tov", "töv", "central"),
    _mn("uvs", "Uvs", "Увс", "aimag", "ubsa", tz=HOVD_TZ),
    _mn("zavkhan", "Zavkhan", "Завхан", "aimag", "zavhan", "dzavhan"),
    _kg("bishkek", "Bishkek", "Бишкек", "capital", "frunze", "Бишкек шаары"),
    _kg("osh-city", "Osh city", "Ош шаары", "city", "osh", "Ош", "город Ош"),
    _kg("batken", "Batken oblast", "Баткен облусу", "oblast", "batken", "Баткенская область"),
    _kg("chuy", "Chüy oblast", "Чүй облусу", "oblast", "chui", "chüy", "Чуйская область", "Чуй"),
    _kg("jalal-abad", "Jalal-Abad oblast", "Жалал-Абад облусу", "oblast", "jalalabad", "djalal-abad",
        "dzhalal-abad", "Джалал-Абадская область", "Жалал-Абад"),
    _kg("naryn", "Naryn oblast", "Нарын облусу", "oblast", "Нарынская область", "Нарын"),
    _kg("osh-oblast", "Osh oblast", "Ош облусу", "oblast", "Ошская область"),
    _kg("talas", "Talas oblast", "Талас облусу", "oblast", "Таласская область", "Талас"),
    _kg("issyk-kul", "Issyk-Kul oblast", "Ысык-Көл облусу", "oblast", "issyk kul", "ysyk-kol", "ysyk-köl",
        "issykkul", "Иссык-Кульская область", "Ысык-Көл", "Иссык-Куль"),
)

# Words people add after a region's name ("Ховд аймаг", "Chüy oblast"), dropped before matching.
_SUFFIXES = ("aimag", "aimak", "province", "oblast", "oblysy", "region", "city", "аймаг", "облусу",
             "область", "облысы", "шаары", "хот", "город")


def _normal(name: str) -> str:
    text = re.sub(r"[\s_]+", " ", name.casefold().strip()).replace(" - ", "-")
    for suffix in _SUFFIXES:
        if text.endswith(" " + suffix):
            text = text[: -len(suffix) - 1]
    return text.replace(" ", "-")


@cache
def _index() -> dict[str, RegionInfo]:
    index: dict[str, RegionInfo] = {}
    for region in REGIONS:
        for name in (region.slug, region.name_en, region.name_local, *region.aliases):
            index.setdefault(_normal(name), region)
    # A full name ("Сүхбаатар дүүрэг", "osh city") must win over its shortened form.
    for region in REGIONS:
        for name in (region.slug, region.name_en, region.name_local, *region.aliases):
            index[re.sub(r"[\s_]+", "-", name.casefold().strip())] = region
    return index


@cache
def find_region(name: str) -> RegionInfo:
    """The region named by slug, Cyrillic name or alias, in any case; `UnknownRegion` otherwise."""
    index = _index()
    key = re.sub(r"[\s_]+", "-", name.casefold().strip())
    region = index.get(key) or index.get(_normal(name))
    if region is None:
        raise UnknownRegion(name)
    return region


def regions_of(country: str | None = None) -> list[RegionInfo]:
    if country is None:
        return list(REGIONS)
    code = country.upper()
    if code not in {"MN", "KG"}:
        from events.errors import UnknownChoice

        raise UnknownChoice(N_("country"), country, ("MN", "KG"))
    return [r for r in REGIONS if r.country == code]
