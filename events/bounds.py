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
from typing import Any

from events.errors import N_, Field, InvalidInput, Words

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
# What Python makes of bytes that are not UTF-8 in arguments and file names (PEP 383 surrogate escapes),
# and lone surrogates, which no UTF-8 text can hold either.
_SURROGATE = re.compile(r"[\ud800-\udfff]")

What = str | Field  # what a value is: plain words ("the title"), or the input field it came from


def _subject(what: What) -> tuple[str, dict[str, Any]]:
    """The start of a message naming `what`, and the values it needs: a field is a placeholder, so each
    front end names it its own way (the CLI: `--start`)."""
    if isinstance(what, Field):
        return "{" + what.value + "}", {}
    return "{what}", {"what": Words(what)}


class OutOfRange(InvalidInput):
    def __init__(self, what: What, value: object, low: object, high: object) -> None:
        subject, named = _subject(what)
        super().__init__(template=(subject, N_(" {value} is out of range: give one from {low} to {high}")),
                         value=value, low=low, high=high, **named)


class ControlCharacter(InvalidInput):
    def __init__(self, what: What, position: int, char: str) -> None:
        subject, named = _subject(what)
        super().__init__(template=(subject, N_(" has the control character U+{code:04X} at position {position}: "
                         "remove it")), position=position, code=ord(char), **named)


class InvalidUtf8(InvalidInput):
    def __init__(self, what: What, position: int, byte: int) -> None:
        subject, named = _subject(what)
        super().__init__(template=(subject, N_(" has the byte 0x{byte:02X} at byte {position}, which is not UTF-8: "
                         "give the text in UTF-8")), position=position, byte=byte, **named)


class TooLong(InvalidInput):
    def __init__(self, what: What, length: int, limit: int) -> None:
        subject, named = _subject(what)
        super().__init__(template=(subject, N_(" is {length} characters long: shorten it to at most {limit}")),
                         length=length, limit=limit, **named)


def _shown(value: datetime) -> str:
    return value.isoformat(sep=" ", timespec="minutes")


def check_instant(value: datetime, what: What) -> datetime:
    """`value` if it lies within FIRST_INSTANT..LAST_INSTANT, in whatever zone it is given."""
    try:
        inside = FIRST_INSTANT <= value.astimezone(UTC) <= LAST_INSTANT
    except (OverflowError, ValueError):  # its UTC time falls outside years 1..9999
        inside = False
    if not inside:
        raise OutOfRange(what, _shown(value), FIRST_INSTANT.date(), LAST_INSTANT.date())
    return value


def shifted(value: datetime, delta: timedelta, what: What) -> datetime:
    """`value + delta` (wall-clock arithmetic in `value`'s zone), checked with `check_instant`."""
    try:
        moved = value + delta
    except OverflowError:
        raise OutOfRange(what, f"{_shown(value)} + {delta}", FIRST_INSTANT.date(), LAST_INSTANT.date()) from None
    return check_instant(moved, what)


def check_day(value: date, what: What) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise OutOfRange(what, value.isoformat(), FIRST_DAY, LAST_DAY)
    return value


def shifted_day(value: date, days: int, what: What) -> date:
    """`value` moved by `days`, checked with `check_day`."""
    try:
        moved = value + timedelta(days=days)
    except OverflowError:
        raise OutOfRange(what, f"{value.isoformat()} + {days}d", FIRST_DAY, LAST_DAY) from None
    return check_day(moved, what)


def check_duration(value: timedelta, what: What = N_("the duration")) -> timedelta:
    if not timedelta(0) <= value <= MAX_DURATION:
        raise OutOfRange(what, value, "0", f"{MAX_DURATION.days}d")
    return value


def check_offset(value: timedelta, what: What = N_("the reminder offset")) -> timedelta:
    if abs(value) > MAX_OFFSET:
        raise OutOfRange(what, value, f"-{MAX_OFFSET.days}d", f"{MAX_OFFSET.days}d")
    return value


def check_int(value: int, what: What, high: int = MAX_INT, low: int = 0) -> int:
    if not low <= value <= high:
        raise OutOfRange(what, value, low, high)
    return value


def check_count(value: int | None, what: What) -> int | None:
    """A participant count (or any count of people): 0..MAX_COUNT; None stays None."""
    return None if value is None else check_int(value, what, MAX_COUNT)


def id_in_range(value: int) -> bool:
    """Whether `value` can be an id at all; one that cannot is simply not found (exit 1)."""
    return 1 <= value <= MAX_ID


def as_id(text: str) -> int | None:
    """The id `text` names (ASCII digits within the id range), else None: a lookup by it finds nothing."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if id_in_range(value) else None


def check_utf8(value: str, what: What) -> str:
    """`value` if it holds no byte that was not UTF-8 (a surrogate escape); else `InvalidUtf8` naming the
    first such byte by its 1-based position in the bytes as given."""
    found = _SURROGATE.search(value)
    if found is not None:
        before = value[: found.start()].encode("utf-8", "surrogateescape")
        code = ord(found.group())
        raise InvalidUtf8(what, len(before) + 1, code - 0xDC00 if 0xDC80 <= code <= 0xDCFF else code)
    return value


def check_text(value: str, what: What, *, limit: int = MAX_LINE, lines: bool = False) -> str:
    """`value` if it is UTF-8, has no control characters (tab, and with `lines` line breaks, allowed) and
    fits `limit`; the position named is 1-based, in characters."""
    check_utf8(value, what)
    found = (_CONTROL if lines else _CONTROL_ONE_LINE).search(value)
    if found is not None:
        raise ControlCharacter(what, found.start() + 1, found.group())
    if len(value) > limit:
        raise TooLong(what, len(value), limit)
    return value


def plain_one_line(texts: list[str]) -> bool:
    """Whether none of `texts` holds a byte that was not UTF-8 or a control character other than tab: one
    search over them all, so that many texts that pass `check_text` are known to at once (lengths apart)."""
    joined = " ".join(texts)
    return _SURROGATE.search(joined) is None and _CONTROL_ONE_LINE.search(joined) is None


def check_optional_text(value: str | None, what: What, *, limit: int = MAX_LINE, lines: bool = False) -> str | None:
    return None if value is None else check_text(value, what, limit=limit, lines=lines)
