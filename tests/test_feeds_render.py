"""Rendering: golden bytes, our line-level checker, and read-back by two independent parsers."""

from __future__ import annotations

import io
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from exports.checks import check_calendar
from exports.render import Detail, render_calendar
from tests.feed_samples import HOVD_TITLE, KY_TITLE, MN_TITLE, RU_TITLE, STAMP, TRICKY, sample_events

GOLDEN = Path(__file__).with_name("golden")


def _golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(data)
    assert data == path.read_bytes(), f"{name} changed: review it, then UPDATE_GOLDEN=1 pytest to accept"


@pytest.mark.parametrize("detail", list(Detail))
def test_golden_bytes(detail: Detail) -> None:
    data = render_calendar(sample_events(), name="Демо feed", stamp=STAMP, detail=detail)
    _golden(f"sample_{detail.value}.ics", data)
    assert check_calendar(data) == []


def test_same_data_same_bytes_without_stamp() -> None:
    first = render_calendar(sample_events(), name="x")
    assert first == render_calendar(list(reversed(sample_events())), name="x")


def test_calendar_properties() -> None:
    text = render_calendar(sample_events(), name="Демо", stamp=STAMP).decode()
    for line in ("METHOD:PUBLISH", "VERSION:2.0", "NAME:Демо", "X-WR-CALNAME:Демо",
                 "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H", "TZID:Asia/Hovd",
                 "TZID:Asia/Ulaanbaatar", "CLASS:CONFIDENTIAL", "CLASS:PRIVATE", "STATUS:CANCELLED",
                 "DTSTART;VALUE=DATE:20251125", "DTEND;VALUE=DATE:20251211", "CATEGORIES:round_table"):
        assert line + "\r\n" in text, line
    # Bishkek is used by timed event 3 only; the all-day event names no zone.
    assert "TZID:Asia/Bishkek\r\n" in text


def test_busy_feed_carries_no_texts() -> None:
    data = render_calendar(sample_events(), name="busy", detail=Detail.busy)
    text = data.decode()
    for secret in (MN_TITLE[:10], KY_TITLE[:10], "Круглый", "Ховд аймагт", "Чингэлтэй", "Азийн", "example.mn",
                   "DESCRIPTION", "LOCATION", "X-CALENDAR-APP", "ORGANIZER", "ATTENDEE", "CATEGORIES", "URL"):
        assert secret not in text, secret
    assert text.count("SUMMARY:Busy") == 4


def test_checker_finds_problems() -> None:
    bad = (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:a, b\r\nDTSTART;TZID=Nowhere/X:20250101T100000\r\n"
           b"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:a\r\nDESCRIPTION:" + "ж".encode() * 40 + b"\r\nEND:VEVENT\r\n"
           b"END:VCALENDAR\n")
    problems = "\n".join(check_calendar(bad))
    assert "unescaped ','" in problems
    assert "TZID Nowhere/X has no VTIMEZONE" in problems
    assert "UID a also at line" in problems
    assert "more than 75" in problems
    assert "bare LF" in problems
    folded_badly = "SUMMARY:" + "ж" * 40 + "\r\n"
    raw = folded_badly.encode()
    split = raw[:75] + b"\r\n " + raw[75:]  # 75 octets cut a two-octet letter in half
    assert any("not UTF-8" in p for p in check_calendar(b"BEGIN:VCALENDAR\r\n" + split + b"END:VCALENDAR\r\n"))


def _expected() -> dict[str, dict[str, object]]:
    return {
        "mn-launch@calendar-app": {"summary": MN_TITLE, "start": datetime(2025, 11, 26, 2, 0, tzinfo=UTC),
                                   "end": datetime(2025, 11, 26, 4, 0, tzinfo=UTC), "status": "CONFIRMED"},
        "kg-16days@calendar-app": {"summary": KY_TITLE, "start": date(2025, 11, 25), "end": date(2025, 12, 11),
                                   "status": "CONFIRMED"},
        "ru-round-table@calendar-app": {"summary": f"[ОТМЕНЕНО] {RU_TITLE}",
                                        "start": datetime(2025, 12, 2, 8, 0, tzinfo=UTC),
                                        "end": datetime(2025, 12, 2, 10, 30, tzinfo=UTC), "status": "CANCELLED"},
        "mn-hovd-training@calendar-app": {"summary": HOVD_TITLE, "start": datetime(2025, 12, 8, 2, 0, tzinfo=UTC),
                                          "end": datetime(2025, 12, 10, 10, 0, tzinfo=UTC), "status": "CONFIRMED"},
    }


def _utc(value: object) -> object:
    return value.astimezone(UTC) if isinstance(value, datetime) else value


def read_with_vobject(data: bytes) -> dict[str, dict[str, object]]:
    import vobject

    calendar = vobject.readOne(data.decode("utf-8"))
    found = {}
    for event in calendar.vevent_list:
        found[event.uid.value] = {"summary": event.summary.value, "start": _utc(event.dtstart.value),
                                  "end": _utc(event.dtend.value), "status": event.status.value,
                                  "description": getattr(getattr(event, "description", None), "value", None)}
    return found


def read_with_ical(data: bytes) -> dict[str, dict[str, object]]:
    from ical.calendar_stream import IcsCalendarStream

    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return {e.uid: {"summary": e.summary, "start": _utc(e.dtstart), "end": _utc(e.dtend),
                    "status": str(e.status.value) if e.status else None, "description": e.description}
            for e in calendar.events}


def read_with_icalendar(data: bytes) -> dict[str, dict[str, object]]:
    from icalendar import Calendar

    calendar = Calendar.from_ical(data)
    return {str(e["UID"]): {"summary": str(e["SUMMARY"]), "start": _utc(e.start), "end": _utc(e.end),
                            "status": str(e["STATUS"]), "description": e.get("DESCRIPTION")}
            for e in calendar.events}


@pytest.mark.parametrize("reader", [read_with_vobject, read_with_ical, read_with_icalendar])
def test_read_back(reader) -> None:
    data = render_calendar(sample_events(), name="Демо", stamp=STAMP)
    found = reader(data)
    expected = _expected()
    assert set(found) == set(expected)
    for uid, values in expected.items():
        for key, value in values.items():
            assert found[uid][key] == value, (uid, key)
    assert TRICKY in str(found["ru-round-table@calendar-app"]["description"])


def test_stream_is_bytes_like_file() -> None:
    buffer = io.BytesIO(render_calendar(sample_events()[:1], name="one"))
    assert buffer.getvalue().startswith(b"BEGIN:VCALENDAR\r\n")
