"""A plain VEVENT read without icalendar's content-line parser (exports.plain_event) reads exactly as the
general parse of the same text: over every VEVENT of the test files and some made to sit on its edges."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Component

from events.errors import CalendarAppError
from exports.icsstream import BadCalendarFile, Block, blocks, logical_lines, open_calendar
from exports.importer import check_parsed, read_event, uid_of
from exports.plain_event import plain_event

FILES = sorted(Path(__file__).parent.rglob("*.ics"))
EDGES = [
    ["UID:a@x", "DTSTART:20250106T030000Z", "DTEND:20250106T043000Z", "SUMMARY:Plain"],
    ["UID:a@x", "DTSTART:20250106", "SUMMARY:All day\\, escaped\\nline", "SEQUENCE:+3"],
    ["UID:a@x", "DTSTART:20250106T030000", "DURATION:PT2H", "SUMMARY:Floating", "CLASS:PRIVATE",
     "STATUS:CANCELLED", "DESCRIPTION:a\\;b\\\\c", "LOCATION:  spaced  "],
    ["uid:a@x", "dtstart:20250106T030000Z", "summary:lower case names", "DTSTAMP:garbage", "TRANSP:OPAQUE"],
    ["UID:a@x", "DTSTART:20250106T030000Z", "DTEND:20250106T020000Z", "SUMMARY:Ends before it starts"],
    ["UID:a@x", "DTSTART:20250106T030000Z", "SUMMARY:Bad sequence", "SEQUENCE:abc"],
    ["UID:a@x", "DTSTART:2025-01-06", "SUMMARY:Bad date"],
    ["UID:a@x", "DTSTART:20250106T030000Z", "SUMMARY:One", "SUMMARY:Two"],
    ["UID:a@x", "DTSTART:20250106T030000Z", "SUMMARY;LANGUAGE=ru:Параметр"],
    ["UID:a@x", "DTSTART:20250106T030000Z", "SUMMARY:Nested", "BEGIN:VALARM", "ACTION:DISPLAY", "END:VALARM"],
    ["UID:", "DTSTART:20250106T030000Z", "SUMMARY:No UID"],
    ["UID:a@x", "DTSTART:20250106T030000Z", "SUMMARY:"],
    ["UID:a@x", "DTSTART:20250106T030000Z/PT1H", "SUMMARY:A period"],
    ["UID:a@x", "DTSTART:99991231T230000Z", "DURATION:PT2H", "SUMMARY:Past 9999"],
    ["UID:a@x", "DTSTART:20250106T030000Z", "SUMMARY:Ours", "X-CALENDAR-APP-KIND:training"],
    ["UID:a@x", "DTSTART:20250106T030000Z", "SUMMARY:A line with no colon", "GARBAGE"],
]


def _vevents() -> list[list[str]]:
    found = [["BEGIN:VEVENT", *edge, "END:VEVENT"] for edge in EDGES]
    for path in FILES:
        try:
            with open_calendar(str(path)) as stream:
                items: list[Block] = list(blocks(logical_lines(stream, source=path.name), source=path.name))
        except (CalendarAppError, BadCalendarFile):
            continue
        found.extend(block.lines for block in items if block.name == "VEVENT" and not block.too_big)
    return found


def _read(vevent: object) -> object:
    try:
        check_parsed(vevent)
        return read_event(vevent, uid_of(vevent), 1, default_kind=None, default_tz="Asia/Ulaanbaatar")
    except (CalendarAppError, ValueError, TypeError, KeyError, AttributeError, OverflowError) as error:
        return type(error), str(error)


def test_plain_events_read_as_the_general_parse() -> None:
    plain = 0
    for lines in _vevents():
        vevent = plain_event(lines)
        if vevent is None:
            continue
        plain += 1
        general = Component.from_ical("\r\n".join(lines) + "\r\n", multiple=True)[0]
        assert _read(vevent) == _read(general), lines
    assert plain >= 20


@pytest.mark.parametrize("index", [7, 8, 9, 14, 15])
def test_what_is_not_plain_is_left_to_the_general_parse(index: int) -> None:
    assert plain_event(["BEGIN:VEVENT", *EDGES[index], "END:VEVENT"]) is None
