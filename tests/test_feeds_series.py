"""Issue 11, feeds and export: a series is one VEVENT (RRULE, RDATE, EXDATE), each override its own VEVENT with
the series' UID and a RECURRENCE-ID; clients expanding the feed see exactly the occurrences `event list` shows.

Feeds are read back by icalendar, vobject and `ical`, and expanded by `recurring-ical-events` and `ical`'s
timeline over a window that crosses Berlin's daylight-saving end, with a moved, a cancelled and a far-moved
occurrence, an EXDATE, an all-day monthly series on the last day and an RDATE-only series; on both databases
and, once, through the real HTTP server.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from sqlalchemy import select, update

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from events import queries
from events.drafts import EventChanges
from events.models import Event
from events.recurrence.store import Repeat
from events.views import EventView
from exports.feeds import FeedSpec
from exports.render import STATUS_OF, marked_title
from tests.conftest import NOW
from tests.series_fixture import (
    BERLIN,
    BOARD,
    CLINIC,
    REPORT,
    STAFF,
    WINDOW,
    add_override,
    add_series,
    store_series,
)
from tests.server_helpers import feed_bytes, running_server

Key = tuple[object, object, str, str]


def _key(start: datetime | date, end: datetime | date, summary: str, status: str) -> Key:
    if isinstance(start, datetime):
        return start.astimezone(UTC), end.astimezone(UTC) if isinstance(end, datetime) else end, summary, status
    return start, end, summary, status


def listed(app: App, visibilities: Sequence[str], window: tuple[datetime, datetime] = WINDOW) -> list[Key]:
    """What `event list` shows in the window: start and end (dates for all-day events), title, status."""
    with app.read() as session:
        views = queries.list_events(queries.EventQuery(start=window[0], end=window[1], visibilities=visibilities),
                                    session=session)
    return sorted((_view_key(v) for v in views), key=repr)


def _view_key(view: EventView) -> Key:
    if view.all_day:
        return _key(view.start.date(), view.end.date(), marked_title(view), STATUS_OF[view.status])
    return _key(view.start, view.end, marked_title(view), STATUS_OF[view.status])


def expanded_by_recurring_ical_events(data: bytes, window: tuple[datetime, datetime] = WINDOW) -> list[Key]:
    calendar = icalendar.Calendar.from_ical(data)
    return sorted((_key(e["DTSTART"].dt, e["DTEND"].dt, str(e["SUMMARY"]), str(e["STATUS"]))
                   for e in recurring_ical_events.of(calendar).between(*window)), key=repr)


def expanded_by_ical(data: bytes, window: tuple[datetime, datetime] = WINDOW) -> list[Key]:
    from ical.calendar_stream import IcsCalendarStream

    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    timeline = calendar.timeline_tz(ZoneInfo("UTC"))
    found = []
    for event in timeline.overlapping(*window):
        assert event.dtstart is not None and event.dtend is not None
        found.append(_key(event.dtstart, event.dtend, str(event.summary), str(event.status.value)
                          if event.status else ""))
    return sorted(found, key=repr)


def _vevents(data: bytes) -> list[Any]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def _uid(app: App, event_id: int) -> str:
    return services.show_event(str(event_id), app=app).uid


@pytest.fixture
def stored(app: App):
    ids = store_series(app)
    feed_service.add_feed(FeedSpec("public-events"), app=app, now=NOW)
    feed_service.add_feed(FeedSpec("board", private=True, visibilities=["public", "internal", "confidential"]),
                          app=app, now=NOW)
    return app, ids


def test_clients_expand_the_feed_to_the_listed_occurrences(stored) -> None:
    app, _ = stored
    for name, visibilities in (("public-events", ["public"]), ("board", ["public", "internal", "confidential"])):
        data = feed_bytes(app, name)
        expected = listed(app, visibilities)
        assert expanded_by_recurring_ical_events(data) == expected, name
        assert expanded_by_ical(data) == expected, name
    shown = {(k[0], k[2], k[3]) for k in listed(app, ["public"])}
    berlin = ZoneInfo(BERLIN)
    # Across the DST end the meeting stays at 10:00 in Berlin; the EXDATE and the moved slot are gone.
    assert (datetime(2026, 10, 12, 8, tzinfo=UTC), STAFF, "CONFIRMED") in shown
    assert (datetime(2026, 11, 16, 9, tzinfo=UTC), STAFF, "CONFIRMED") in shown
    assert not {k for k in shown if k[0] in (datetime(2026, 10, 19, 10, tzinfo=berlin),
                                               datetime(2026, 10, 26, 10, tzinfo=berlin),
                                               datetime(2026, 11, 9, 10, tzinfo=berlin))}
    assert (datetime(2026, 10, 27, 14, tzinfo=berlin), STAFF + " (мягмар)", "CONFIRMED") in shown
    assert any(k[0] == datetime(2026, 11, 2, 10, tzinfo=berlin) and k[2] == "CANCELLED" for k in shown)
    assert (date(2026, 11, 30), REPORT, "CONFIRMED") in shown and (date(2026, 10, 31), REPORT, "CONFIRMED") not in shown
    assert len([k for k in shown if k[1] == CLINIC]) == 3  # DTSTART and two RDATEs
    assert not any(k[1] == BOARD for k in shown)


def test_series_and_overrides_as_vevents(stored) -> None:
    app, ids = stored
    data = feed_bytes(app, "public-events")
    staff_uid = _uid(app, ids.staff)
    staff = [e for e in _vevents(data) if str(e["UID"]) == staff_uid]
    masters = [e for e in staff if "RECURRENCE-ID" not in e]
    assert len(masters) == 1 and len(staff) == 4  # the series and its three overrides, one UID
    master = masters[0]
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO"
    assert master["DTSTART"].dt == datetime(2026, 10, 5, 10, tzinfo=ZoneInfo(BERLIN))
    assert master["DTSTART"].params["TZID"] == BERLIN
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(2026, 10, 19, 10, tzinfo=ZoneInfo(BERLIN))]
    assert master["EXDATE"].params["TZID"] == BERLIN
    by_recurrence = {e["RECURRENCE-ID"].dt: e for e in staff if "RECURRENCE-ID" in e}
    berlin = ZoneInfo(BERLIN)
    assert set(by_recurrence) == {datetime(2026, 10, 26, 10, tzinfo=berlin), datetime(2026, 11, 2, 10, tzinfo=berlin),
                                  datetime(2026, 11, 9, 10, tzinfo=berlin)}
    assert str(by_recurrence[datetime(2026, 11, 2, 10, tzinfo=berlin)]["STATUS"]) == "CANCELLED"
    far = by_recurrence[datetime(2026, 11, 9, 10, tzinfo=berlin)]
    assert far["DTSTART"].dt == datetime(2027, 1, 15, 9, tzinfo=berlin)  # moved outside any window: still sent
    text = data.decode().replace("\r\n ", "")  # unfolded
    assert "RRULE:FREQ=MONTHLY;COUNT=12;BYMONTHDAY=-1\r\n" in text
    assert "EXDATE;VALUE=DATE:20261031\r\n" in text
    # An RDATE-only series repeats its DTSTART as an RDATE, which every reader then counts once.
    assert "RDATE;TZID=Asia/Ulaanbaatar:20261003T090000,20261017T090000,20261107T110000\r\n" in text


def _read_vobject(data: bytes) -> dict[str, list[Any]]:
    import vobject

    found: dict[str, list[Any]] = {}
    for event in vobject.readOne(data.decode("utf-8")).vevent_list:
        found.setdefault(event.uid.value, []).append(event)
    return found


def test_vobject_reads_rules_and_exceptions(stored) -> None:
    """vobject has no override merging: its rule set, minus the overrides' RECURRENCE-IDs, is the series'
    occurrences as we expand them."""
    app, ids = stored
    data = feed_bytes(app, "public-events")
    events = _read_vobject(data)
    staff = events[_uid(app, ids.staff)]
    master = next(e for e in staff if not hasattr(e, "recurrence_id"))
    replaced = {e.recurrence_id.value.astimezone(UTC) for e in staff if hasattr(e, "recurrence_id")}
    rule_set = master.getrruleset(addRDate=True)
    starts = [d.astimezone(UTC) for d in rule_set.between(WINDOW[0], WINDOW[1], inc=True)]
    starts = [d for d in starts if d not in replaced]
    ours = {k[0] for k in listed(app, ["public"]) if k[2] == STAFF}
    assert set(starts) == ours and len(starts) == 5
    clinic = events[_uid(app, ids.clinic)][0]
    assert len(list(clinic.getrruleset(addRDate=True))) == 3


def test_confidential_series_and_its_overrides_never_reach_a_public_feed(stored) -> None:
    app, ids = stored
    # An override whose own row says public (as an edit might store it): it follows its series.
    leaked = add_override(app, ids.board, "2026-10-20T15:00", start="2026-10-21 16:00", visibility="public",
                          title="Нууц биш гэж бичсэн")
    board_uid = _uid(app, ids.board)
    feed_service.add_feed(FeedSpec("busy-public", detail="busy"), app=app, now=NOW)
    for name in ("public-events", "busy-public"):
        text = feed_bytes(app, name).decode()
        assert board_uid not in text and _uid(app, leaked) not in text, name
        assert BOARD not in text and "Нууц биш" not in text and "CLASS:CONFIDENTIAL" not in text, name
    private = _vevents(feed_bytes(app, "board"))
    board = [e for e in private if str(e["UID"]) == board_uid]
    assert len(board) == 3  # the series, its own override and the one that claimed to be public
    assert {str(e["CLASS"]) for e in board} == {"CONFIDENTIAL"}
    assert _uid(app, leaked) not in {str(e["UID"]) for e in private}  # an override shows its series' UID


def test_an_internal_series_keeps_its_overrides_out_of_a_public_feed_too(app: App) -> None:
    staff = add_series(app, STAFF, "2026-10-05 10:00", tz=BERLIN, visibility="internal",
                       repeat=Repeat(freq="weekly", on=["MO"]))
    add_override(app, staff, "2026-10-12T10:00", start="2026-10-13 10:00", visibility="public")
    feed_service.add_feed(FeedSpec("public-events"), app=app, now=NOW)
    assert "BEGIN:VEVENT" not in feed_bytes(app, "public-events").decode()


def test_export_window_brings_a_series_with_all_its_overrides(stored) -> None:
    app, ids = stored
    out = io.BytesIO()
    count = feed_service.export_calendar(feed_service.ExportRequest(start="2026-10-01", end="2026-10-20"), out,
                                         app=app, now=NOW)
    staff_uid = _uid(app, ids.staff)
    staff = [e for e in _vevents(out.getvalue()) if str(e["UID"]) == staff_uid]
    assert len(staff) == 4  # the far-moved one (January) comes with its series
    assert count == len(_vevents(out.getvalue()))
    # The series of an export window: occurrences expanded from the export equal the list in that window.
    window = (datetime(2026, 10, 1, tzinfo=ZoneInfo("Asia/Ulaanbaatar")),
              datetime(2026, 10, 20, tzinfo=ZoneInfo("Asia/Ulaanbaatar")))
    assert expanded_by_recurring_ical_events(out.getvalue(), window) == listed(app, ["public", "internal"], window)


def _sequences(data: bytes, uid: str) -> dict[object, int]:
    return {e.get("RECURRENCE-ID").dt if "RECURRENCE-ID" in e else None: int(e["SEQUENCE"])
            for e in _vevents(data) if str(e["UID"]) == uid}


def test_sequence_of_series_and_overrides(stored) -> None:
    """RFC 5546: a significant change of the series bumps its SEQUENCE; each override carries its own, made no
    lower than the series' at the time. A change of the series re-renders its overrides' chunks too."""
    app, ids = stored
    uid = _uid(app, ids.staff)
    berlin = ZoneInfo(BERLIN)
    before = _sequences(feed_bytes(app, "public-events"), uid)
    assert before == {None: 0, datetime(2026, 10, 26, 10, tzinfo=berlin): 0,
                      datetime(2026, 11, 2, 10, tzinfo=berlin): 1, datetime(2026, 11, 9, 10, tzinfo=berlin): 0}
    later = NOW + timedelta(hours=1)
    services.edit_event(str(ids.staff), EventChanges(location="Берлин, 2-р давхар"), app=app, now=later)
    made_after = add_override(app, ids.staff, "2026-11-16T10:00", start="2026-11-16 11:00", now=later)
    data = feed_bytes(app, "board", now=later)
    after = _sequences(data, uid)
    assert after[None] == 1
    assert after[datetime(2026, 11, 16, 10, tzinfo=berlin)] >= after[None]
    assert after[datetime(2026, 10, 26, 10, tzinfo=berlin)] == 0  # unchanged overrides keep theirs
    assert made_after
    # The series turns internal: its overrides' CLASS follows at once (their cached chunks are stale).
    services.edit_event(str(ids.staff), EventChanges(visibility="internal"), app=app, now=later + timedelta(hours=1))
    classes = {str(e["CLASS"]) for e in _vevents(feed_bytes(app, "board", now=later + timedelta(hours=1)))
               if str(e["UID"]) == uid}
    assert classes == {"PRIVATE"}


def test_recurrence_changes_are_significant() -> None:
    from events.editing import SIGNIFICANT

    assert {"rrule", "rdates", "exdates"} <= SIGNIFICANT


def test_series_alarms_apply_to_every_occurrence(app: App) -> None:
    staff = add_series(app, STAFF, "2026-10-05 10:00", tz=BERLIN, repeat=Repeat(freq="weekly", on=["MO"]))
    with app.write() as session:  # the series' own reminder rule, as `event add --remind 1d` plans it
        from calendar_app.notify.planning import plan_notifications

        event = session.get(Event, staff)
        assert event is not None
        plan_notifications(event, None, ["1d"], False, app=app, session=session, now=NOW)
    feed_service.add_feed(FeedSpec("alarms", alarms=["15m"], alarms_from_reminders=True), app=app, now=NOW)
    data = feed_bytes(app, "alarms")
    (master,) = _vevents(data)
    assert sorted(a["TRIGGER"].dt for a in master.walk("VALARM")) == [timedelta(days=-1), timedelta(minutes=-15)]
    occurrences = list(recurring_ical_events.of(icalendar.Calendar.from_ical(data)).between(*WINDOW))
    assert len(occurrences) == 9
    for occurrence in occurrences:
        assert sorted(a["TRIGGER"].dt for a in occurrence.walk("VALARM")) == [timedelta(days=-1),
                                                                              timedelta(minutes=-15)]


def _vtimezone_offsets(data: bytes, tzid: str, moments: Iterable[datetime]) -> list[tuple[object, object]]:
    calendar = icalendar.Calendar.from_ical(data)
    (vtimezone,) = [t for t in calendar.walk("VTIMEZONE") if str(t["TZID"]) == tzid]
    theirs = vtimezone.to_tz()  # type: ignore[attr-defined]
    return [(m.replace(tzinfo=theirs).utcoffset(), m.utcoffset()) for m in moments]


def test_vtimezone_covers_an_open_ended_series_ten_years_ahead(app: App) -> None:
    add_series(app, STAFF, "2026-10-05 10:00", tz=BERLIN, repeat=Repeat(freq="weekly", on=["MO"]))
    add_series(app, "New York call", "2026-10-06 09:00", tz="America/New_York",
               repeat=Repeat(freq="monthly", count=40))
    feed_service.add_feed(FeedSpec("public-events"), app=app, now=NOW)
    data = feed_bytes(app, "public-events")
    berlin = ZoneInfo(BERLIN)
    summers = [datetime(year, 7, 1, 12, tzinfo=berlin) for year in range(2026, 2037)]
    winters = [datetime(year, 1, 15, 12, tzinfo=berlin) for year in range(2027, 2037)]
    for theirs, ours in _vtimezone_offsets(data, BERLIN, summers + winters):
        assert theirs == ours
    # A bounded series: covered to its last occurrence (2030), not ten years.
    new_york = ZoneInfo("America/New_York")
    for theirs, ours in _vtimezone_offsets(data, "America/New_York", [datetime(2030, 1, 15, tzinfo=new_york),
                                                                      datetime(2029, 7, 1, tzinfo=new_york)]):
        assert theirs == ours


def test_feed_through_the_http_server(stored) -> None:
    app, ids = stored
    info = feed_service.list_feeds(app=app)
    path = next(urlsplit(f.url).path for f in info if f.name == "public-events" and f.url)
    with running_server(app.settings.db_url, start_seconds=60) as client:  # a loaded 2-core machine starts slowly
        answer = client.get(path)
        assert answer.status_code == 200
        assert expanded_by_recurring_ical_events(answer.content) == listed(app, ["public"])
        # Cancel the series' next occurrence by an EXDATE: the served feed changes, and so do clients' views.
        table = Event.__table__  # type: ignore[attr-defined]
        with app.store.engine.begin() as connection:
            exdates = connection.execute(select(table.c.exdates).where(table.c.id == ids.staff)).scalar_one()
            connection.execute(update(table).where(table.c.id == ids.staff).values(
                exdates=exdates + ",20261123T090000Z", sequence=table.c.sequence + 1,
                updated_at=NOW + timedelta(minutes=5)))
        again = client.get(path)
        assert again.content != answer.content
        assert expanded_by_recurring_ical_events(again.content) == listed(app, ["public"])
        assert datetime(2026, 11, 23, 9, tzinfo=UTC) not in {k[0] for k in listed(app, ["public"])}


def _sample_series() -> list[EventView]:
    from tests.feed_samples import STAMP, view

    berlin, ub = ZoneInfo(BERLIN), ZoneInfo("Asia/Ulaanbaatar")
    return [
        view(id=10, uid="staff@calendar-app", title=STAFF, start=datetime(2026, 10, 5, 10, tzinfo=berlin),
             end=datetime(2026, 10, 5, 11, tzinfo=berlin), timezone=BERLIN, rrule="FREQ=WEEKLY;BYDAY=MO",
             exdates="20261019T080000Z", sequence=2),
        view(id=11, uid="staff-override@calendar-app", title=STAFF + " (мягмар)", series_id=10, sequence=3,
             start=datetime(2026, 10, 27, 14, tzinfo=berlin), end=datetime(2026, 10, 27, 15, tzinfo=berlin),
             timezone=BERLIN, recurrence_id=datetime(2026, 10, 26, 10, tzinfo=berlin), visibility="internal"),
        view(id=12, uid="report@calendar-app", title=REPORT, all_day=True, rrule="FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=12",
             start=datetime(2026, 9, 30, tzinfo=ub), end=datetime(2026, 10, 1, tzinfo=ub), exdates="20261031",
             series_end=datetime(2027, 9, 1, tzinfo=ub), updated_at=STAMP),
        view(id=13, uid="clinic@calendar-app", title=CLINIC, start=datetime(2026, 10, 3, 9, tzinfo=ub),
             end=datetime(2026, 10, 3, 10, tzinfo=ub), rdates="20261017T010000Z,20261107T030000Z",
             series_end=datetime(2026, 11, 7, 12, tzinfo=ub)),
    ]


def test_golden_series_bytes() -> None:
    """Series bytes are stable: the same data gives the same calendar, in any order."""
    from exports.checks import check_calendar
    from exports.render import SeriesRef, render_calendar
    from tests.feed_samples import STAMP
    from tests.test_feeds_render import _golden

    refs = {10: SeriesRef("staff@calendar-app", "public", BERLIN, False)}
    data = render_calendar(_sample_series(), name="Series", stamp=STAMP, series=refs)
    assert data == render_calendar(list(reversed(_sample_series())), name="Series", stamp=STAMP, series=refs)
    _golden("sample_series.ics", data)
    assert check_calendar(data) == []
    text = data.decode()
    assert text.count("UID:staff@calendar-app\r\n") == 2 and "staff-override" not in text
    assert "CLASS:PRIVATE" not in text  # the override's class follows its series
    assert "COMMENT:This timezone only works from 2025-01-01 to 2038-01-01." in text  # open-ended: ten years
