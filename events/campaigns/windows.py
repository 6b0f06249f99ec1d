"""Campaign windows: pure date arithmetic, no storage.

A window is a pair of month-days (`11-25..12-10`) that comes back every year. The rules, in one place:

- **Year of an edition**: the edition of year Y starts in Y. A window whose end month-day comes before its
  start month-day crosses the year end: edition 2025 of `12-20..01-10` runs 2025-12-20 to 2026-01-10.
- **Leap days**: `02-29` is a valid month-day. In a common year it falls back to 28 February, for a start as
  for an end (as Rare Disease Day, the last day of February, does), so a one-day window on 02-29 is held on
  02-28 in common years and no window is ever empty. `02-30`, `04-31` and the like are refused.
- **Exclusive end**: people read windows inclusive (25 November to 10 December). iCalendar's all-day `DTEND`
  is the day after the last day (11 December): `Window.end_exclusive`.
- **Lead-in**: the day before the first day is the lead-in day (the national launch of the 16 Days is held on
  24 November). An event whose days all lie between the lead-in day and the last day belongs to the window;
  any other event needs `--allow-outside`. Only one lead-in day is allowed: a launch a week early is a
  choice the coordinator makes explicitly.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from events.campaigns.errors import InvalidWindow
from events.errors import N_, Words

LEAD_IN_DAYS = 1
_MONTH_DAY = re.compile(r"^\s*(\d{1,2})-(\d{1,2})\s*$")
_LEAP_REFERENCE = 2000  # a leap year: month-days are checked against it so 02-29 is accepted


@dataclass(frozen=True, order=True, slots=True)
class MonthDay:
    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"

    def in_year(self, year: int) -> date:
        """The date of this month-day in `year`; 02-29 becomes 02-28 in a common year."""
        if (self.month, self.day) == (2, 29) and not calendar.isleap(year):
            return date(year, 2, 28)
        return date(year, self.month, self.day)


def parse_month_day(text: str, *, window: str | None = None) -> MonthDay:
    """`11-25` -> MonthDay(11, 25); `InvalidWindow` for forms or dates that do not exist (02-30, 13-01)."""
    match = _MONTH_DAY.match(text)
    if not match:
        raise InvalidWindow(window or text, f"{text!r} is not a month-day like 11-25")
    month, day = int(match.group(1)), int(match.group(2))
    try:
        date(_LEAP_REFERENCE, month, day)
    except ValueError as error:
        raise InvalidWindow(window or text, f"{text!r} is not a day of the year") from error
    return MonthDay(month, day)


@dataclass(frozen=True, slots=True)
class YearlyWindow:
    """The month-days of a campaign; `start == end` is a one-day campaign."""

    start: MonthDay
    end: MonthDay

    def __str__(self) -> str:
        return f"{self.start}..{self.end}"

    @property
    def crosses_year_end(self) -> bool:
        return self.end < self.start

    def of_year(self, year: int) -> Window:
        """The dates of the edition of `year` (which starts in `year`)."""
        first = self.start.in_year(year)
        last = self.end.in_year(year + 1 if self.crosses_year_end else year)
        return Window(first, last)

    def editions_touching(self, day: date) -> list[int]:
        """Edition years whose window, lead-in day included, holds `day` (at most one, except for
        windows of almost a whole year)."""
        return [year for year in (day.year - 1, day.year, day.year + 1)
                if self.of_year(year).holds(day, day)]


def parse_window(text: str) -> YearlyWindow:
    """`11-25..12-10` (also `11-25–12-10` or a single `04-30`) -> YearlyWindow; `InvalidWindow` otherwise."""
    parts = re.split(r"\.\.|–|—|/", text.strip())
    if len(parts) == 1 and parts[0]:
        day = parse_month_day(parts[0], window=text)
        return YearlyWindow(day, day)
    if len(parts) != 2:
        raise InvalidWindow(text, Words(N_("write the first and last day as MM-DD..MM-DD")))
    return YearlyWindow(parse_month_day(parts[0], window=text), parse_month_day(parts[1], window=text))


@dataclass(frozen=True, slots=True)
class Window:
    """One edition's dates, both inclusive."""

    first: date
    last: date

    @property
    def lead_in(self) -> date:
        return self.first - timedelta(days=LEAD_IN_DAYS)

    @property
    def end_exclusive(self) -> date:
        """The all-day `DTEND` of iCalendar: the day after the last day."""
        return self.last + timedelta(days=1)

    @property
    def length(self) -> int:
        return (self.last - self.first).days + 1

    def days(self, *, lead_in: bool = False) -> list[date]:
        start = self.lead_in if lead_in else self.first
        return [start + timedelta(days=n) for n in range((self.last - start).days + 1)]

    def holds(self, first_day: date, last_day: date, *, lead_in: bool = True) -> bool:
        """Whether an event on `first_day`..`last_day` (inclusive) lies inside, the lead-in day allowed."""
        start = self.lead_in if lead_in else self.first
        return start <= first_day and last_day <= self.last

    def is_lead_in(self, day: date) -> bool:
        return self.lead_in <= day < self.first


def same_day_in(day: date, years_later: int) -> date:
    """`day` moved by whole years to the same month-day; 29 February becomes 28 February in common years."""
    return MonthDay(day.month, day.day).in_year(day.year + years_later)
