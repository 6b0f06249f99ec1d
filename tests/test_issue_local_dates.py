"""Issue 13, "Dates as typed here": day-first numeric dates, day words, weekday names and "next/this WEEKDAY"
in English, Russian, Mongolian and Kyrgyz, read against the injected `now` in the user's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from babel import Locale

from calendar_app import services
from calendar_app.app import App
from events.drafts import NewEventDraft
from events.errors import DayFirstDate, InvalidDate
from events.localdates import DAY_WORDS, WEEKDAY_NAMES
from events.timeparse import parse_datetime, parse_when, zone
from tests.cli_helpers import row_counts, run

# 20:30 UTC on Monday 23 November 2026 is already Tuesday the 24th in Ulaanbaatar (UTC+8) and Bishkek (UTC+6).
NOW = datetime(2026, 11, 23, 20, 30, tzinfo=UTC)
UB = zone("Asia/Ulaanbaatar")
TUE, WED, MON_NEXT, TUE_NEXT, FRI, FRI_NEXT = (date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 30),
                                               date(2026, 12, 1), date(2026, 11, 27), date(2026, 12, 4))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UB)


NUMERIC = [
    ("24.12.2026", date(2026, 12, 24)),
    ("24.12.2026 10:00", at(date(2026, 12, 24), 10)),
    ("24/12/2026", date(2026, 12, 24)),
    ("24-12-2026", date(2026, 12, 24)),
    ("4.1.2027 9:30", at(date(2027, 1, 4), 9, 30)),
    ("03/04/2026", date(2026, 4, 3)),  # either order reads; we are day first here: 3 April
    ("2026/12/24", date(2026, 12, 24)),
    ("2026.12.24 15:17", at(date(2026, 12, 24), 15, 17)),
    ("24.12.2026 в 10:00", at(date(2026, 12, 24), 10)),
]

ENGLISH = [
    ("today", TUE), ("tomorrow 10:00", at(WED, 10)), ("yesterday", date(2026, 11, 23)),
    ("tuesday", TUE), ("this tuesday", TUE), ("next tuesday", TUE_NEXT),
    ("monday", MON_NEXT), ("Monday", MON_NEXT), ("next monday", MON_NEXT), ("next monday 10:00", at(MON_NEXT, 10)),
    ("friday", FRI), ("this friday", FRI), ("next friday", FRI_NEXT), ("on fri at 14:30", at(FRI, 14, 30)),
]
RUSSIAN = [
    ("сегодня", TUE), ("завтра 9:00", at(WED, 9)), ("послезавтра", FRI.replace(day=26)),
    ("понедельник", MON_NEXT), ("в понедельник", MON_NEXT), ("следующий понедельник", MON_NEXT),
    ("в следующий понедельник в 10:00", at(MON_NEXT, 10)), ("в эту пятницу", FRI),
    ("в следующую пятницу", FRI_NEXT), ("во вторник", TUE), ("в среду", WED), ("Пт 16:00", at(FRI, 16)),
]
MONGOLIAN = [
    ("өнөөдөр", TUE), ("маргааш 10:00", at(WED, 10)), ("Даваа", MON_NEXT), ("Даваа гараг", MON_NEXT),
    ("ирэх Даваа", MON_NEXT), ("дараагийн даваа", MON_NEXT), ("ирэх Даваа гарагт 15:17", at(MON_NEXT, 15, 17)),
    ("энэ баасан", FRI), ("ирэх Баасан гараг", FRI_NEXT), ("Мягмар", TUE),
]
KYRGYZ = [
    ("бүгүн", TUE), ("эртең 10:00", at(WED, 10)), ("дүйшөмбү", MON_NEXT), ("дүйшөнбү", MON_NEXT),
    ("кийинки дүйшөмбү", MON_NEXT), ("келерки дүйшөмбүдө", MON_NEXT), ("ушул жума", FRI),
    ("кийинки жума 11:00", at(FRI_NEXT, 11)), ("шейшемби", TUE), ("дүйшөмбү күнү", MON_NEXT),
]


@pytest.mark.parametrize(("text", "expected"), NUMERIC + ENGLISH + RUSSIAN + MONGOLIAN + KYRGYZ)
def test_forms_typed_here(text: str, expected: date | datetime) -> None:
    value = parse_when(text, tz=UB, now=NOW)
    assert value == expected and type(value) is type(expected)


def test_relative_forms_count_from_today_in_the_users_zone() -> None:
    # Still Monday the 23rd in UTC: "monday" is today there, next week's Monday in Ulaanbaatar.
    assert parse_when("monday", tz=zone("UTC"), now=NOW) == date(2026, 11, 23)
    assert parse_when("monday", tz=UB, now=NOW) == MON_NEXT
    assert parse_when("next monday", tz=zone("UTC"), now=NOW) == MON_NEXT


def test_next_weekday_on_a_sunday_is_tomorrow() -> None:
    sunday_noon = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)
    assert parse_when("next monday", tz=UB, now=sunday_noon) == MON_NEXT
    assert parse_when("следующее воскресенье", tz=UB, now=sunday_noon) == date(2026, 12, 6)
    assert parse_when("воскресенье", tz=UB, now=sunday_noon) == date(2026, 11, 29)


@pytest.mark.parametrize("locale", ["en", "ru", "mn", "ky"])
def test_weekday_names_are_cldrs(locale: str) -> None:
    """Every CLDR wide weekday name (format and stand-alone) of the four languages is read, as its day."""
    days = Locale.parse(locale).days
    for context in ("format", "stand-alone"):
        for weekday, name in days[context]["wide"].items():
            assert WEEKDAY_NAMES[name.lower()] == weekday, (locale, name)


@pytest.mark.parametrize("locale", ["en", "ru", "mn", "ky"])
def test_cldr_day_words_are_read(locale: str) -> None:
    relative = Locale.parse(locale)._data["date_fields"]["day"]["relative"]
    for offset in (-1, 0, 1):
        assert DAY_WORDS[relative[offset].lower()] == offset, (locale, relative[offset])


@pytest.mark.parametrize("locale", ["en", "ru", "mn", "ky"])
def test_cldr_next_and_this_weekday_phrases_are_read(locale: str) -> None:
    """CLDR's own "this Monday" / "next Monday" phrases ("в следующий понедельник", "ирэх даваа гараг")."""
    fields = Locale.parse(locale)._data["date_fields"]
    for weekday, key in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun")):
        this, following = fields[key]["relative"][0], fields[key]["relative"][1]
        assert parse_when(this, tz=UB, now=NOW).weekday() == weekday
        assert parse_when(following, tz=UB, now=NOW) > TUE


@pytest.mark.parametrize("text", ["12/24/2026", "12.31.2026 10:00"])
def test_month_first_is_refused_with_the_day_first_form(text: str) -> None:
    with pytest.raises(DayFirstDate, match=r"day first here, e\.g\. (24\.12|31\.12)\.2026 or 2026-12-(24|31)"):
        parse_when(text, tz=UB, now=NOW)


@pytest.mark.parametrize("text", ["31.02.2026", "24.12.26", "32/01/2026", "24.13.2026", "next", "next week",
                                  "last monday", "понедельник 25:00", "следующий", "ирэх", "24.12.2026 10",
                                  "\u0662\u0664.\u0661\u0662.\u0662\u0660\u0662\u0666", "monday monday",
                                  "2026/24/12"])
def test_unreadable_forms_are_refused_with_examples(text: str) -> None:
    with pytest.raises(InvalidDate) as caught:
        parse_when(text, tz=UB, now=NOW)
    message = str(caught.value)
    assert "\n" not in message
    assert "24.12.2026" in message and "next monday" in message and "ирэх Даваа" in message


def test_day_first_date_with_time_is_a_wall_time_in_the_zone() -> None:
    value = parse_datetime("24.12.2026 10:00", tz=zone("Asia/Bishkek"), now=NOW)
    assert value.astimezone(UTC) == datetime(2026, 12, 24, 4, 0, tzinfo=UTC)


def test_event_added_with_local_forms(app: App) -> None:
    added = services.add_event(NewEventDraft(title="Зөвшилцөх уулзалт", start="ирэх Даваа 10:00", duration="2h",
                                             region="ulaanbaatar"), app=app, now=NOW).view
    assert added.start.isoformat() == "2026-11-30T10:00:00+08:00"
    day = services.add_event(NewEventDraft(title="Тегерек стол", start="24.12.2026", all_day=True,
                                           region="bishkek"), app=app, now=NOW).view
    assert (day.start.date(), day.timezone) == (date(2026, 12, 24), "Asia/Bishkek")


def test_cli_reads_day_first_and_refuses_month_first(sqlite_url: str) -> None:
    added = run(sqlite_url, "event", "add", "Round table", "--start", "24.12.2026 10:00", "--duration", "2h",
                "--json")
    assert added.code == 0, added.stderr
    assert added.json()["start"] == "2026-12-24T10:00:00+08:00"
    before = row_counts(sqlite_url)
    refused = run(sqlite_url, "event", "add", "Round table", "--start", "12/24/2026 10:00", "--duration", "2h")
    assert refused.code == 2
    assert refused.stderr.strip().count("\n") == 0 and "24.12.2026" in refused.stderr
    assert "Traceback" not in refused.stderr and row_counts(sqlite_url) == before
