"""The ranges the store, iCalendar and both databases accept, defined once and checked at every entry point
(the CLI, import, HTTP). Anything outside them is bad input (exit 2, one line), or for an id simply "not
found" (exit 1), with the same answer on SQLite and PostgreSQL.

Why these numbers:
- Instants stay a day inside years 1..9999 so that shifting them into any zone (at most +-14 h) or by the
  offsets below stays inside what `datetime` and both databases hold.
- Ids, counts and SEQUENCE fit a 32-bit signed integer, PostgreSQL's `integer` (SQLite would hold more, but
  both databases must give the same answer) and RFC 5545's SEQUENCE.
- Text lengths keep one field within what a calendar client shows and a feed line can fold.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from events.errors import InvalidInput

FIRST_INSTANT = datetime(1, 1, 2, tzinfo=UTC)
LAST_INSTANT = datetime(9999, 12, 30, tzinfo=UTC)
FIRST_DAY = date(1, 1, 2)
LAST_DAY = date(9999, 12, 30)
MAX_DURATION = timedelta(days=3660)  # an event lasts at most ten years (a programme phase is not an event)
MAX_OFFSET = timedelta(days=366)  # a reminder or alarm at most a year before or after
MAX_INT = 2**31 - 1  # ids, counts, SEQUENCE: PostgreSQL's integer
MAX_ID = MAX_INT
MAX_COUNT = 10_000_000  # participants: more than any event holds, far below MAX_INT
MAX_SEQUENCE = MAX_INT
MAX_RETENTION_DAYS = 3660  # how long a feed keeps cancelled events
MAX_TITLE = 500
MAX_LINE = 2_000  # location, organizer, programme, partner and other one-line texts; URLs
MAX_TEXT = 20_000  # descriptions, cancel reasons
MAX_UID = 255  # an event's UID: the column both databases hold
MAX_NAME = 300  # an organisation's or programme's name: the column both databases hold

# C0 and C1 control characters and DEL; tab and line breaks are allowed where a text may have lines.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


class OutOfRange(InvalidInput):
    def __init__(self, what: str, value: object, low: object, high: object) -> None:
        super().__init__(template="{what} {value} is out of range: give one from {low} to {high}",
                         what=what, value=value, low=low, high=high)


class ControlCharacter(InvalidInput):
    def __init__(self, what: str, position: int, char: str) -> None:
        super().__init__(template="{what} has the control character U+{code:04X} at position {position}: remove it",
                         what=what, position=position, code=ord(char))


class TooLong(InvalidInput):
    def __init__(self, what: str, length: int, limit: int) -> None:
        super().__init__(template="{what} is {length} characters long: shorten it to at most {limit}",
                         what=what, length=length, limit=limit)


def check_instant(value: datetime, what: str) -> datetime:
    if not FIRST_INSTANT <= value <= LAST_INSTANT:
        raise OutOfRange(what, value.isoformat(), FIRST_INSTANT.date(), LAST_INSTANT.date())
    return value


def check_day(value: date, what: str) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise OutOfRange(what, value.isoformat(), FIRST_DAY, LAST_DAY)
    return value


def check_duration(value: timedelta, what: str = "the duration") -> timedelta:
    if not timedelta(0) <= value <= MAX_DURATION:
        raise OutOfRange(what, value, "0", f"{MAX_DURATION.days} days")
    return value


def check_offset(value: timedelta, what: str = "the reminder offset") -> timedelta:
    if abs(value) > MAX_OFFSET:
        raise OutOfRange(what, value, f"-{MAX_OFFSET.days} days", f"{MAX_OFFSET.days} days")
    return value


def check_int(value: int, what: str, high: int = MAX_INT, low: int = 0) -> int:
    if not low <= value <= high:
        raise OutOfRange(what, value, low, high)
    return value


def id_in_range(value: int) -> bool:
    """Whether `value` can be an id at all; one that cannot is simply not found (exit 1)."""
    return 1 <= value <= MAX_ID


def check_text(value: str, what: str, *, limit: int = MAX_LINE, lines: bool = False) -> str:
    """`value` if it has no control characters (tab, and with `lines` line breaks, allowed) and fits `limit`."""
    found = (_CONTROL if lines else _CONTROL_ONE_LINE).search(value)
    if found is not None:
        raise ControlCharacter(what, found.start() + 1, found.group())
    if len(value) > limit:
        raise TooLong(what, len(value), limit)
    return value
