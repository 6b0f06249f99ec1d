"""A rule in words, in the reader's language (mn, ky, ru, en): "every week on Monday, until 30 June 2027".

No library turns an RRULE into words in Mongolian or Kyrgyz, so the sentence frames are ours; day and
month names and dates come from Babel (CLDR). A rule part without a frame here (BYWEEKNO, BYYEARDAY...)
falls back to the RRULE text itself, which is exact if not friendly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from events.recurrence.rules import WEEKDAYS, RuleParts

_FRAMES: dict[str, dict[str, str]] = {
    "en": {"DAILY": "every day", "WEEKLY": "every week", "MONTHLY": "every month", "YEARLY": "every year",
           "HOURLY": "every hour", "n_DAILY": "every {n} days", "n_WEEKLY": "every {n} weeks",
           "n_MONTHLY": "every {n} months", "n_YEARLY": "every {n} years", "n_HOURLY": "every {n} hours",
           "on": "on {days}", "monthday": "on day {days}", "nth": "on the {n}. {day}", "last": "on the last {day}",
           "until": "until {date}", "count": "{n} times", "and": ", ", "in": "in {months}"},
    "ru": {"DAILY": "каждый день", "WEEKLY": "каждую неделю", "MONTHLY": "каждый месяц", "YEARLY": "каждый год",
           "HOURLY": "каждый час", "n_DAILY": "каждые {n} дн.", "n_WEEKLY": "каждые {n} нед.",
           "n_MONTHLY": "каждые {n} мес.", "n_YEARLY": "каждые {n} г.", "n_HOURLY": "каждые {n} ч.",
           "on": "по дням: {days}", "monthday": "{days}-го числа", "nth": "{n}-й день недели: {day}",
           "last": "последний день недели: {day}", "until": "до {date}", "count": "{n} раз", "and": ", ",
           "in": "в месяцы: {months}"},
    "mn": {"DAILY": "өдөр бүр", "WEEKLY": "долоо хоног бүр", "MONTHLY": "сар бүр", "YEARLY": "жил бүр",
           "HOURLY": "цаг бүр", "n_DAILY": "{n} өдөр тутам", "n_WEEKLY": "{n} долоо хоног тутам",
           "n_MONTHLY": "{n} сар тутам", "n_YEARLY": "{n} жил тутам", "n_HOURLY": "{n} цаг тутам",
           "on": "гарагууд: {days}", "monthday": "сарын {days}-ны өдөр", "nth": "{n} дахь {day}",
           "last": "сүүлчийн {day}", "until": "{date} хүртэл", "count": "{n} удаа", "and": ", ",
           "in": "сарууд: {months}"},
    "ky": {"DAILY": "күн сайын", "WEEKLY": "жума сайын", "MONTHLY": "ай сайын", "YEARLY": "жыл сайын",
           "HOURLY": "саат сайын", "n_DAILY": "ар бир {n} күндө", "n_WEEKLY": "ар бир {n} жумада",
           "n_MONTHLY": "ар бир {n} айда", "n_YEARLY": "ар бир {n} жылда", "n_HOURLY": "ар бир {n} саатта",
           "on": "күндөрү: {days}", "monthday": "айдын {days}-күнү", "nth": "{n}-{day}", "last": "акыркы {day}",
           "until": "{date} чейин", "count": "{n} жолу", "and": ", ", "in": "айлары: {months}"},
}
_KNOWN = frozenset({"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "UNTIL", "COUNT", "WKST"})


def describe_rule(rule: str, *, language: str = "en", until: date | datetime | None = None) -> str:
    """`rule` in words; `until` is its UNTIL as the reader's date (the caller knows the series' zone)."""
    from babel.dates import format_date, get_day_names, get_month_names

    lang = language if language in _FRAMES else "en"
    frames = _FRAMES[lang]
    parts = RuleParts.of(rule)
    freq = parts.get("FREQ") or ""
    if not {name for name, _ in parts.parts} <= _KNOWN or freq not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY",
                                                                         "HOURLY"):
        return rule
    interval = int(parts.get("INTERVAL") or 1)
    words = [frames[freq] if interval == 1 else frames["n_" + freq].format(n=interval)]
    day_names = get_day_names("wide", context="stand-alone", locale=lang)
    if parts.get("BYMONTH"):
        months = get_month_names("wide", context="stand-alone", locale=lang)
        numbers = [int(m) for m in (parts.get("BYMONTH") or "").split(",") if m.isdigit() and 1 <= int(m) <= 12]
        words.append(frames["in"].format(months=", ".join(months[m] for m in numbers)))
    if parts.get("BYMONTHDAY"):
        words.append(frames["monthday"].format(days=parts.get("BYMONTHDAY")))
    if parts.get("BYDAY"):
        words.append(_days(parts.get("BYDAY") or "", frames, day_names))
    if parts.get("COUNT"):
        words.append(frames["count"].format(n=parts.get("COUNT")))
    if until is not None:
        day = until.date() if isinstance(until, datetime) else until
        words.append(frames["until"].format(date=format_date(day, "long", locale=lang)))
    return frames["and"].join(words)


def _days(value: str, frames: dict[str, str], names: Mapping[int, str]) -> str:
    plain, special = [], []
    for item in value.split(","):
        code, ordinal = item[-2:], item[:-2]
        if code not in WEEKDAYS:
            return value
        name = names[WEEKDAYS.index(code)]
        if not ordinal:
            plain.append(name)
        elif ordinal == "-1":
            special.append(frames["last"].format(day=name))
        else:
            special.append(frames["nth"].format(n=ordinal.lstrip("+"), day=name))
    found = [frames["on"].format(days=", ".join(plain))] if plain else []
    return frames["and"].join(found + special)
