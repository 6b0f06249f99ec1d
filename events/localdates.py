"""Dates as they are typed in Mongolia and Kyrgyzstan: day-first numbers (`24.12.2026`, `24/12/2026 10:00`),
year-first ones (`2026.12.24`, `2026/12/24`), weekday names and "next/this WEEKDAY" in English, Russian,
Mongolian and Kyrgyz (`next monday 10:00`, `в следующий понедельник`, `ирэх Даваа`, `кийинки дүйшөмбү`), and
the day words (`today`, `завтра`, `маргааш`, `эртең`).

Why a table and not a parser library: `dateparser` (the well-kept candidate) was tried on these forms. It
reads the bare weekday names of all four languages, but not one of "следующий понедельник", "ирэх Даваа",
"дараагийн даваа" or "кийинки дүйшөмбү"; it silently turns the month-first `12/24/2026` into 24 December
where we want a refusal; and its import plus first call cost about 0.4 s of CLI start-up. The forms people
need here fit in a few small tables, read exactly; the weekday names are CLDR's (a test checks them against
Babel's copy of CLDR, which the project already ships).

Meaning of the weekday forms (weeks start on Monday, as in Mongolia, Kyrgyzstan and Russia):
- `WEEKDAY` and `this WEEKDAY`: that day of the week, today or the first one after today;
- `next WEEKDAY`: that day of next week (on a Wednesday, `next friday` is in 9 days, `friday` in 2).
Pure functions: the caller hands in today's date in the user's zone.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from events.errors import DayFirstDate, InvalidDate

# Regexes use [0-9], not \d: \d also matches Arabic-Indic and full-width digits, which are no dates here.
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_DAY_FIRST = re.compile(r"([0-9]{1,2})([./-])([0-9]{1,2})\2([0-9]{4})")
_YEAR_FIRST = re.compile(r"([0-9]{4})([./])([0-9]{1,2})\2([0-9]{1,2})")
_SHORT_YEAR = re.compile(r"[0-9]{1,2}([./-])[0-9]{1,2}\1[0-9]{2}")

_MONDAY, _TUESDAY, _WEDNESDAY, _THURSDAY, _FRIDAY, _SATURDAY, _SUNDAY = range(7)
WEEKDAY_NAMES: dict[str, int] = {
    # English, full and short
    "monday": _MONDAY, "mon": _MONDAY, "tuesday": _TUESDAY, "tue": _TUESDAY, "tues": _TUESDAY,
    "wednesday": _WEDNESDAY, "wed": _WEDNESDAY, "thursday": _THURSDAY, "thu": _THURSDAY, "thur": _THURSDAY,
    "thurs": _THURSDAY, "friday": _FRIDAY, "fri": _FRIDAY, "saturday": _SATURDAY, "sat": _SATURDAY,
    "sunday": _SUNDAY, "sun": _SUNDAY,
    # Russian: nominative, the accusative of "в среду", short forms
    "понедельник": _MONDAY, "пн": _MONDAY, "вторник": _TUESDAY, "вт": _TUESDAY, "среда": _WEDNESDAY,
    "среду": _WEDNESDAY, "ср": _WEDNESDAY, "четверг": _THURSDAY, "чт": _THURSDAY, "пятница": _FRIDAY,
    "пятницу": _FRIDAY, "пт": _FRIDAY, "суббота": _SATURDAY, "субботу": _SATURDAY, "сб": _SATURDAY,
    "воскресенье": _SUNDAY, "вс": _SUNDAY,
    # Mongolian (usually followed by "гараг", read below)
    "даваа": _MONDAY, "мягмар": _TUESDAY, "лхагва": _WEDNESDAY, "пүрэв": _THURSDAY, "баасан": _FRIDAY,
    "бямба": _SATURDAY, "ням": _SUNDAY,
    # Kyrgyz: nominative, the common spelling "дүйшөнбү", the locative ("дүйшөмбүдө": on Monday)
    "дүйшөмбү": _MONDAY, "дүйшөнбү": _MONDAY, "дүйшөмбүдө": _MONDAY, "шейшемби": _TUESDAY,
    "шейшембиде": _TUESDAY, "шаршемби": _WEDNESDAY, "шаршембиде": _WEDNESDAY, "бейшемби": _THURSDAY,
    "бейшембиде": _THURSDAY, "жума": _FRIDAY, "жумада": _FRIDAY, "ишемби": _SATURDAY, "ишембиде": _SATURDAY,
    "жекшемби": _SUNDAY, "жекшембиде": _SUNDAY,
}
_NEXT = frozenset({
    "next", "следующий", "следующая", "следующую", "следующее", "ирэх", "дараагийн", "кийинки", "келерки",
    "келээрки",
})
_THIS = frozenset({"this", "этот", "эта", "эту", "это", "энэ", "ушул", "ушбу", "бул"})
DAY_WORDS: dict[str, int] = {
    "today": 0, "tomorrow": 1, "yesterday": -1,
    "сегодня": 0, "завтра": 1, "вчера": -1, "послезавтра": 2, "позавчера": -2,
    "өнөөдөр": 0, "маргааш": 1, "өчигдөр": -1, "нөгөөдөр": 2, "уржигдар": -2,
    "бүгүн": 0, "эртең": 1, "кечээ": -1, "бүрсүгүнү": 2,
}
_ON = frozenset({"on", "в", "во"})  # "on monday", "в понедельник", "во вторник"
_AT = frozenset({"at", "в"})  # "monday at 10:00", "в понедельник в 10:00"
_DAY_NOUNS = frozenset({"гараг", "гарагт", "гарагийн", "күнү"})  # "Даваа гараг", "дүйшөмбү күнү"


def read_local(text: str, *, today: date) -> tuple[date, time | None] | None:
    """The day (and the clock time, if one is given) that `text` names in one of the forms above; None when
    `text` is in none of them (the caller tries ISO next); `InvalidDate` when it is one of them but no real
    date (`31.02.2026`, `12/24/2026`, `24.12.26`)."""
    words = text.strip().lower().split()
    if not words:
        return None
    clock = None
    if len(words) > 1 and _TIME.fullmatch(words[-1]):
        clock = _clock(words.pop(), text)
        if len(words) > 1 and words[-1] in _AT:
            words.pop()
    day = _numeric(words[0], text) if len(words) == 1 else None
    if day is None:
        day = _named(words, today)
    return None if day is None else (day, clock)


def _clock(word: str, text: str) -> time:
    try:
        return time.fromisoformat(word.zfill(5))
    except ValueError as error:
        raise InvalidDate(text) from error


def _numeric(word: str, text: str) -> date | None:
    if match := _DAY_FIRST.fullmatch(word):
        day, _, month, year = match.groups()
        if int(month) > 12 >= int(day) > 0:
            raise DayFirstDate(text.strip(), f"{int(month):02d}.{int(day):02d}.{year}",
                               f"{year}-{int(day):02d}-{int(month):02d}")
        return _date(int(year), int(month), int(day), text)
    if match := _YEAR_FIRST.fullmatch(word):
        year, _, month, day = match.groups()
        return _date(int(year), int(month), int(day), text)
    if _SHORT_YEAR.fullmatch(word):
        raise InvalidDate(text.strip())  # "24.12.26": which century? The message shows the 4-digit forms.
    return None


def _date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as error:
        raise InvalidDate(text.strip()) from error


def _named(words: list[str], today: date) -> date | None:
    if len(words) == 1 and words[0] in DAY_WORDS:
        return today + timedelta(days=DAY_WORDS[words[0]])
    if len(words) > 1 and words[0] in _ON:
        words = words[1:]
    if len(words) > 1 and words[-1] in _DAY_NOUNS:
        words = words[:-1]
    if len(words) == 1 and words[0] in WEEKDAY_NAMES:
        return coming(WEEKDAY_NAMES[words[0]], today)
    if len(words) == 2 and words[1] in WEEKDAY_NAMES:
        if words[0] in _THIS:
            return coming(WEEKDAY_NAMES[words[1]], today)
        if words[0] in _NEXT:
            return next_week(WEEKDAY_NAMES[words[1]], today)
    return None


def coming(weekday: int, today: date) -> date:
    """`weekday` (0 is Monday) today or the first one after today."""
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def next_week(weekday: int, today: date) -> date:
    """`weekday` (0 is Monday) of the week after this one."""
    return today + timedelta(days=7 - today.weekday() + weekday)
