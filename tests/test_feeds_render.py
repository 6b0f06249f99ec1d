"""Rendering: golden bytes, our line-level checker, and read-back by two independent parsers."""

from __future__ import annotations

import io
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from events.notify.organizer import split_organizer
from events.timeparse import zone
from exports.checks import check_calendar
from exports.render import Detail, event_dates, render_calendar
from tests.feed_samples import HOVD_TITLE, KY_TITLE, MN_TITLE, RU_TITLE, STAMP, TRICKY, sample_events, view

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


@pytest.mark.parametrize("text, expected", [
    ("Жендэрийн үндэсний хороо gender@example.mn", ("Жендэрийн үндэсний хороо", "gender@example.mn")),
    ("Оюунчимэг Б. <oyunchimeg@example.mn>", ("Оюунчимэг Б.", "oyunchimeg@example.mn")),
    ("oyunchimeg@example.mn", (None, "oyunchimeg@example.mn")),
    ("Жендэрийн үндэсний хороо", ("Жендэрийн үндэсний хороо", None)),
    ("@ngo_mn on Telegram", ("@ngo_mn on Telegram", None)),  # an @ is not yet an address
    ("   ", (None, None)),
    (None, (None, None)),
])
def test_split_organizer(text: str | None, expected: tuple[str | None, str | None]) -> None:
    assert split_organizer(text) == expected


def test_feed_organizer_needs_an_address_in_the_text() -> None:
    """A feed is rendered from the event alone: a bare name travels in the X- property, not as ORGANIZER."""
    start = datetime(2025, 11, 26, 2, 0, tzinfo=UTC)
    named = view(uid="named@x", organizer="Жендэрийн үндэсний хороо", start=start, end=start + timedelta(hours=1))
    handle = view(uid="handle@x", organizer="@ngo_mn", start=start, end=start + timedelta(hours=1))
    text = render_calendar([named, handle], name="x", stamp=STAMP).decode()
    assert "\r\nORGANIZER" not in text
    assert "X-CALENDAR-APP-ORGANIZER:Жендэрийн үндэсний хороо\r\n" in text
    with_address = render_calendar(sample_events()[:1], name="x", stamp=STAMP).decode().replace("\r\n ", "")
    assert 'ORGANIZER;CN="Жендэрийн үндэсний хороо":mailto:gender@example.mn\r\n' in with_address


def test_all_day_dtend_is_exclusive() -> None:
    ub = zone("Asia/Ulaanbaatar")
    three_days = view(all_day=True, start=datetime(2025, 12, 8, tzinfo=ub), end=datetime(2025, 12, 11, tzinfo=ub))
    assert event_dates(three_days) == (date(2025, 12, 8), date(2025, 12, 11))
    text = render_calendar([three_days], name="x", stamp=STAMP).decode()
    assert "DTSTART;VALUE=DATE:20251208\r\nDTEND;VALUE=DATE:20251211\r\n" in text
