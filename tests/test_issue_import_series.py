"""Issue 11, import: a series stays a series. Google- and Outlook-style exports (tests/data/*_series.ics)
keep one row per series with its rule, RDATEs and EXDATEs, overrides attached to their series, orphans
reported, and a re-import changes nothing; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.config import Settings
from calendar_app.db import read_session
from events.models import Event
from tests.conftest import NOW

DATA = Path(__file__).with_name("data")
HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
TAIL = "END:VCALENDAR\r\n"
WEEKLY = "5q0ml3c1ak7gqv2u0b7o8n4hfd@google.com"
OUTLOOK_WEEKLY = "040000008200E00074C5B7101A82E00800000000D0F1C2A4C64ADB01000000000000000010000000"
DONOR_CALL = "040000008200E00074C5B7101A82E00800000000E1A2B3C4D5E6F701000000000000000010000000"


def _import(app: App, path: str | Path, **options: object) -> feed_service.ImportReport:
    defaults: dict[str, object] = {"kind": None, "dry_run": False, "skip_bad": False}
    return feed_service.import_file(str(path), app=app, now=NOW, **{**defaults, **options})  # type: ignore[arg-type]


def _write(tmp_path: Path, *components: str, name: str = "in.ics") -> Path:
    path = tmp_path / name
    path.write_bytes((HEAD + "".join(components) + TAIL).encode())
    return path


def _rows(app: App) -> dict[str, Event]:
    with read_session(app.store.engine) as session:
        rows = list(session.exec(select(Event)))
        for row in rows:
            session.expunge(row)
    return {row.uid: row for row in rows}


def _table(app: App) -> list[tuple[object, ...]]:
    """Every stored event's identity and recurrence columns, comparable across imports."""
    names = ("uid", "title", "start_utc", "end_utc", "all_day", "timezone", "status", "sequence", "rrule",
             "rdates", "exdates", "recurs", "series_end_utc", "recurrence_utc")
    rows = _rows(app)
    uids = {row.id: uid for uid, row in rows.items()}
    return sorted((*(getattr(row, n) for n in names), uids.get(row.series_id)) for row in rows.values())


def _occurrences(app: App, start: str, end: str) -> list[tuple[str, str, str]]:
    window = services.EventFilter(start=start, end=end)
    views = services.list_events(window, app=app, now=NOW)
    return [(v.title, v.start.isoformat() if not v.all_day else v.first_day.isoformat(), v.status) for v in views]


def _event(series: str, extra: str, *, start: str = "DTSTART;TZID=Asia/Bishkek:20261102T100000",
           end: str = "DURATION:PT1H", summary: str = "Жыйын") -> str:
    return (f"BEGIN:VEVENT\r\nUID:{series}\r\nDTSTAMP:20261101T000000Z\r\n{start}\r\n{end}\r\nSUMMARY:{summary}\r\n"
            f"{extra}END:VEVENT\r\n")


def test_google_export_keeps_series_overrides_and_exceptions(app: App) -> None:
    report = _import(app, DATA / "google_series.ics")
    assert report.counts() == {"added": 6, "updated": 0, "unchanged": 0, "skipped": 0, "rejected": 0}
    rows = _rows(app)
    assert len(rows) == 6
    weekly = rows[WEEKLY]
    assert (weekly.recurs, weekly.rrule, weekly.series_end_utc) == (True, "FREQ=WEEKLY;BYDAY=MO", None)
    assert weekly.exdates == "20261116T020000Z" and weekly.timezone == "Asia/Ulaanbaatar"
    moved, cancelled = rows[f"{WEEKLY}/20261109T020000Z"], rows[f"{WEEKLY}/20261123T020000Z"]
    assert moved.series_id == cancelled.series_id == weekly.id
    assert moved.recurrence_utc == datetime(2026, 11, 9, 2, tzinfo=UTC) and moved.sequence == 2
    assert (moved.status, cancelled.status) == ("confirmed", "cancelled") and not moved.recurs
    monthly = rows["2hj8d0v6q1l9k3m5n7p0r2t4u6@google.com"]
    assert monthly.rrule == "FREQ=MONTHLY;BYDAY=2TH;WKST=MO;UNTIL=20270610T155959Z"
    assert monthly.series_end_utc == datetime(2027, 6, 10, 9, tzinfo=UTC)  # 17:00 in Ulaanbaatar
    yearly = rows["0r5c3d9e8f7g6h5i4j3k2l1m0n@google.com"]
    assert (yearly.all_day, yearly.rrule, yearly.series_end_utc) == (True, "FREQ=YEARLY", None)
    rdate_only = rows["9a8b7c6d5e4f3g2h1i0j9k8l7m@google.com"]
    assert (rdate_only.recurs, rdate_only.rrule) == (True, None)
    assert rdate_only.rdates == "20261208T070000Z,20261215T070000Z"
    meetings = [o for o in _occurrences(app, "2026-11-01", "2026-12-01") if o[0].startswith("Ажлын")]
    assert meetings == [
        ("Ажлын хэсгийн долоо хоногийн хурал", "2026-11-02T10:00:00+08:00", "confirmed"),
        ("Ажлын хэсгийн долоо хоногийн хурал (мягмар гарагт)", "2026-11-10T14:00:00+08:00", "confirmed"),
        ("Ажлын хэсгийн долоо хоногийн хурал", "2026-11-23T10:00:00+08:00", "cancelled"),
        ("Ажлын хэсгийн долоо хоногийн хурал", "2026-11-30T10:00:00+08:00", "confirmed"),
    ]  # 16 November is excluded (EXDATE); 9 November moved to the 10th; 23 November cancelled by its override
    years = [o[1] for o in _occurrences(app, "2026-01-01", "2029-01-01") if o[0].startswith("Хүчирхийллийн")]
    assert years == ["2026-11-25", "2027-11-25", "2028-11-25"]
    trainings = [o[1] for o in _occurrences(app, "2026-11-01", "2027-01-01") if o[0].startswith("Сургагч")]
    assert trainings == ["2026-12-01T15:00:00+08:00", "2026-12-08T15:00:00+08:00", "2026-12-15T15:00:00+08:00"]


def test_reimport_changes_nothing(app: App) -> None:
    for name in ("google_series.ics", "outlook_series.ics"):
        first = _import(app, DATA / name)
        before = _table(app)
        again = _import(app, DATA / name)
        assert again.counts()["unchanged"] == len(first.added) == len(again.entries)
        assert _table(app) == before


def test_outlook_windows_zones_and_microsoft_properties(app: App) -> None:
    report = _import(app, DATA / "outlook_series.ics")
    assert report.counts() == {"added": 6, "updated": 0, "unchanged": 0, "skipped": 0, "rejected": 0}
    rows = _rows(app)
    zones = {row.title: row.timezone for row in rows.values() if row.series_id is None}
    assert zones == {"Жумалык координациялык жыйын": "Asia/Bishkek", "Звонок с донором": "Europe/Berlin",
                     "День прав человека": "Asia/Ulaanbaatar", "Тренинг для тренеров": "Asia/Ulaanbaatar"}
    weekly = rows[OUTLOOK_WEEKLY]
    assert weekly.rrule == "FREQ=WEEKLY;BYDAY=TU;WKST=SU" and weekly.exdates == "20261117T030000Z"
    assert rows[f"{OUTLOOK_WEEKLY}/20261110T030000Z"].series_id == weekly.id
    calls = [o[1] for o in _occurrences(app, "2026-10-01", "2026-12-01") if o[0] == "Звонок с донором"]
    # 10:00 on the Berlin wall clock on both sides of the end of summer time (25 October 2026)
    assert calls == ["2026-10-20T10:00:00+02:00", "2026-10-27T10:00:00+01:00", "2026-11-03T10:00:00+01:00",
                     "2026-11-10T10:00:00+01:00"]
    assert rows[DONOR_CALL].series_end_utc == datetime(2026, 11, 10, 10, tzinfo=UTC)
    bishkek = [o[1:] for o in _occurrences(app, "2026-11-01", "2026-12-01") if o[0].startswith("Жумалык")]
    assert bishkek == [("2026-11-03T09:00:00+06:00", "confirmed"), ("2026-11-11T11:00:00+06:00", "confirmed"),
                       ("2026-11-24T09:00:00+06:00", "cancelled")]


def test_overrides_find_their_series_in_the_store_and_orphans_are_said(app: App, tmp_path: Path) -> None:
    series = _event("s@x", "RRULE:FREQ=WEEKLY\r\n")
    moved = _event("s@x", "RECURRENCE-ID;TZID=Asia/Bishkek:20261109T100000\r\n",
                   start="DTSTART;TZID=Asia/Bishkek:20261109T150000", summary="Жылдырылды")
    orphan = _event("lone@x", "RECURRENCE-ID:20261105T040000Z\r\nSEQUENCE:1\r\n",
                    start="DTSTART;TZID=Asia/Bishkek:20261105T120000", summary="Жалгыз")
    single = _event("one@x", "")
    of_single = _event("one@x", "RECURRENCE-ID:20261102T040000Z\r\n", summary="Эмне?")
    _import(app, _write(tmp_path, series, single, name="series.ics"))
    report = _import(app, _write(tmp_path, moved, orphan, name="overrides.ics"))
    entries = {e.uid: e for e in report.entries}
    assert entries["s@x/20261109T040000Z"].status == "added"
    assert entries["lone@x/20261105T040000Z"].status == "added"
    assert "neither in this file nor in the store: imported as a single event" in entries[
        "lone@x/20261105T040000Z"].reason
    rows = _rows(app)
    assert rows["s@x/20261109T040000Z"].series_id == rows["s@x"].id
    assert rows["lone@x/20261105T040000Z"].series_id is None and rows["lone@x/20261105T040000Z"].title == "Жалгыз"
    skipped = _import(app, _write(tmp_path, of_single, name="of-single.ics"))
    assert [(e.status, e.uid) for e in skipped.entries] == [("skipped", "one@x")]
    assert "which does not repeat" in skipped.entries[0].reason
    # the orphan's series arrives later: the stored occurrence is attached to it
    attached = _import(app, _write(tmp_path, _event("lone@x", "RRULE:FREQ=DAILY;COUNT=5\r\n",
                                                    start="DTSTART;TZID=Asia/Bishkek:20261103T100000"),
                                   orphan, name="lone.ics"))
    assert [(e.status, e.component) for e in attached.entries] == [("added", "series"), ("updated", "override")]
    rows = _rows(app)
    assert rows["lone@x/20261105T040000Z"].series_id == rows["lone@x"].id
    assert rows["lone@x/20261105T040000Z"].recurrence_utc == datetime(2026, 11, 5, 4, tzinfo=UTC)


def test_rdate_and_exdate_in_every_form(app: App, tmp_path: Path) -> None:
    dates = ("RRULE:FREQ=DAILY;COUNT=20\r\n"
             "RDATE;TZID=Asia/Bishkek:20261201T100000\r\n"
             "RDATE:20261202T040000Z,20261203T100000\r\n"  # UTC, and floating (read in the series' zone)
             "RDATE;VALUE=DATE:20261204\r\n"  # a date in a timed series: that day at the series' time
             "RDATE;VALUE=PERIOD:20261205T040000Z/PT3H\r\n"  # a period: its start
             "EXDATE;TZID=Europe/Berlin:20261103T050000\r\n"  # another zone: the same instant
             "EXDATE:20261104T040000Z\r\nEXDATE;VALUE=DATE:20261105\r\nEXDATE:20261106T100000\r\n")
    days = ("RRULE:FREQ=WEEKLY;COUNT=3\r\nRDATE;VALUE=DATE:20261130\r\nRDATE:20261201T080000Z\r\n"
            "EXDATE;VALUE=DATE:20261109\r\n")
    _import(app, _write(tmp_path, _event("forms@x", dates),
                        _event("days@x", days, start="DTSTART;VALUE=DATE:20261102", end="DTEND;VALUE=DATE:20261103")))
    rows = _rows(app)
    assert rows["forms@x"].rdates == ("20261201T040000Z,20261202T040000Z,20261203T040000Z,20261204T040000Z,"
                                      "20261205T040000Z")
    assert rows["forms@x"].exdates == "20261103T040000Z,20261104T040000Z,20261105T040000Z,20261106T040000Z"
    assert rows["days@x"].rdates == "20261130,20261201" and rows["days@x"].exdates == "20261109"
    firsts = [o[1][:10] for o in _occurrences(app, "2026-11-01", "2026-11-08") if o[0] == "Жыйын"]
    assert firsts == ["2026-11-02", "2026-11-02", "2026-11-07"]  # forms@x and days@x on the 2nd; 3rd-6th excluded


def test_fully_excluded_series_is_kept_and_reported(app: App, tmp_path: Path) -> None:
    gone = _event("gone@x", "RRULE:FREQ=DAILY;COUNT=2\r\nEXDATE:20261102T040000Z,20261103T040000Z\r\n")
    report = _import(app, _write(tmp_path, gone))
    assert [(e.status, e.component) for e in report.entries] == [("added", "series")]
    assert report.entries[0].reason.startswith("no occurrence left")
    assert _rows(app)["gone@x"].recurs and _occurrences(app, "2026-11-01", "2026-12-01") == []


def test_refused_rules_are_reported_per_component(app: App, tmp_path: Path) -> None:
    path = _write(tmp_path, _event("ok@x", "RRULE:FREQ=DAILY\r\n"), _event("sec@x", "RRULE:FREQ=SECONDLY\r\n"),
                  _event("min@x", "RRULE:FREQ=MINUTELY;COUNT=3\r\n"),
                  _event("bad@x", "RRULE:FREQ=WEEKLY;BYDAY=XX\r\n"),
                  _event("bad@x", "RECURRENCE-ID;TZID=Asia/Bishkek:20261109T100000\r\n"))
    report = _import(app, path, skip_bad=True)
    status = [(e.status, e.uid, e.component) for e in report.entries]
    assert status == [("added", "ok@x", "series"), ("rejected", "sec@x", "series"), ("rejected", "min@x", "series"),
                      ("rejected", "bad@x", "series"), ("rejected", "bad@x", "override")]
    assert "FREQ is one of" in report.entries[1].reason and "its series (line" in report.entries[4].reason
    assert list(_rows(app)) == ["ok@x"]


def test_custom_time_zone_is_resolved_by_its_rules(sqlite_app: App, tmp_path: Path) -> None:
    zone = ("BEGIN:VTIMEZONE\r\nTZID:Our office\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
            "TZOFFSETFROM:+0600\r\nTZOFFSETTO:+0600\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
    berlin = ("BEGIN:VTIMEZONE\r\nTZID:Donor office\r\nBEGIN:STANDARD\r\nDTSTART:16011028T030000\r\n"
              "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
              "BEGIN:DAYLIGHT\r\nDTSTART:16010325T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
              "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n")
    _import(sqlite_app, _write(tmp_path, zone, berlin,
                               _event("o@x", "RRULE:FREQ=WEEKLY\r\n", start="DTSTART;TZID=Our office:20261102T100000"),
                               _event("d@x", "RRULE:FREQ=WEEKLY;COUNT=3\r\n",
                                      start="DTSTART;TZID=Donor office:20261020T100000")))
    rows = _rows(sqlite_app)
    assert rows["o@x"].timezone == "Asia/Bishkek"  # our regions' zones come first among equals
    assert rows["d@x"].start_utc == datetime(2026, 10, 20, 8, tzinfo=UTC)
    donor = [o[1][11:] for o in _occurrences(sqlite_app, "2026-10-01", "2026-12-01") if o[0] == "Жыйын"
             and o[1] < "2026-11-02"]
    assert donor == ["10:00:00+02:00", "10:00:00+01:00"]  # the same rules as Berlin: 10:00 on its wall clock


def test_newer_sequence_of_a_series_wins(app: App, tmp_path: Path) -> None:
    _import(app, _write(tmp_path, _event("q@x", "RRULE:FREQ=WEEKLY\r\nSEQUENCE:1\r\n")))
    older = _import(app, _write(tmp_path, _event("q@x", "RRULE:FREQ=DAILY\r\nSEQUENCE:0\r\n"), name="old.ics"))
    assert older.unchanged == ["q@x"] and _rows(app)["q@x"].rrule == "FREQ=WEEKLY"
    ended = _event("q@x", "RRULE:FREQ=WEEKLY;UNTIL=20261201T000000Z\r\nSEQUENCE:2\r\n")
    newer = _import(app, _write(tmp_path, ended, name="new.ics"))
    assert newer.updated == ["q@x"]
    assert _rows(app)["q@x"].series_end_utc == datetime(2026, 11, 30, 5, tzinfo=UTC)


def _export(app: App) -> bytes:
    out = io.BytesIO()
    request = feed_service.ExportRequest(visibilities=["public", "internal", "confidential"], start="2026-01-01")
    feed_service.export_calendar(request, out, app=app, now=NOW)
    return out.getvalue()


@pytest.mark.parametrize("name", ["google_series.ics", "outlook_series.ics"])
def test_import_export_import_is_a_fixed_point(app: App, tmp_path: Path, name: str) -> None:
    _import(app, DATA / name)
    exported = tmp_path / "exported.ics"
    exported.write_bytes(_export(app))
    if b"RRULE" not in exported.read_bytes():
        pytest.xfail("exports/render.py does not write RRULE/RDATE/EXDATE and RECURRENCE-ID overrides yet "
                     "(the feeds helper's part of issue 11)")
    second = App.open(Settings(db_url=f"sqlite:///{tmp_path / 'second.db'}", default_tz="Asia/Ulaanbaatar"))
    try:
        report = _import(second, exported)
        assert not report.rejected and not report.skipped
        assert _table(second) == _table(app)  # same rows: rules, dates, overrides and their series
        window = ("2026-10-01", "2027-12-31")
        assert _occurrences(second, *window) == _occurrences(app, *window)  # same occurrences
        again = _import(second, exported)
        assert again.counts()["unchanged"] == len(again.entries)
    finally:
        second.close()


def test_a_series_in_the_year_9999_imports_and_exports(sqlite_app: App, tmp_path: Path) -> None:
    """Regression: open-ended rules are accepted now, so a series may start in December 9999; the VTIMEZONE
    range of the export then ran past the year 9999 (ValueError) and every export and feed failed."""
    late = _event("late@x", "RRULE:FREQ=MONTHLY\r\n", start="DTSTART;TZID=America/New_York:99991201T100000")
    assert _import(sqlite_app, _write(tmp_path, late)).added == ["late@x"]
    data = _export(sqlite_app)
    assert b"TZID:America/New_York" in data and b"UID:late@x" in data


def test_occurrences_flattened_by_an_earlier_import_are_pointed_out(app: App, tmp_path: Path) -> None:
    """Before issue 11 a series was stored one row per occurrence (`UID/20261102T100000`, local time);
    importing the file again now adds the series and says those rows remain (they may carry reminders)."""
    flattened = [_event(f"old@x/202611{day:02d}T100000", "", start=f"DTSTART;TZID=Asia/Bishkek:202611{day:02d}T100000")
                 for day in (2, 9)]
    _import(app, _write(tmp_path, *flattened, name="old.ics"))
    report = _import(app, _write(tmp_path, _event("old@x", "RRULE:FREQ=WEEKLY;COUNT=2\r\n"), name="series.ics"))
    assert [(e.status, e.uid) for e in report.entries] == [("added", "old@x")]
    assert "'old@x/20261102T100000', ...) remain as single events" in report.entries[0].reason
    fresh = _import(app, _write(tmp_path, _event("new@x", "RRULE:FREQ=WEEKLY\r\n"), name="new.ics"))
    assert fresh.entries[0].reason == ""


def test_an_rdate_repeating_dtstart_is_not_stored_twice(sqlite_app: App, tmp_path: Path) -> None:
    """Feeds repeat an RDATE-only event's DTSTART as an RDATE (the `ical` parser drops it otherwise); read
    back, it must not become a second date, or import -> export -> import drifts."""
    both = _event("rd@x", "RDATE;TZID=Asia/Bishkek:20261102T100000,20261109T100000\r\n")
    only = _event("one-rd@x", "RDATE;TZID=Asia/Bishkek:20261102T100000\r\n")
    _import(sqlite_app, _write(tmp_path, both, only))
    rows = _rows(sqlite_app)
    assert (rows["rd@x"].recurs, rows["rd@x"].rdates) == (True, "20261109T040000Z")
    assert (rows["one-rd@x"].recurs, rows["one-rd@x"].rdates) == (False, None)  # nothing repeats: one event
