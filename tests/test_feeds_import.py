"""Import: round trip, upsert by UID and SEQUENCE, and every kind of bad file rejected whole."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from calendar_app import admin, services
from calendar_app import feeds as feed_service
from calendar_app.app import App
from calendar_app.config import Settings
from calendar_app.db import read_session
from cli import app
from events.models import Event
from exports.errors import BadCalendarFile
from tests.conftest import NOW

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
TAIL = "END:VCALENDAR\r\n"


def _vevent(uid: str, *, seq: int = 0, start: str = "DTSTART;TZID=Asia/Bishkek:20251202T140000",
            summary: str = "Тегерек стол", extra: str = "") -> str:
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20251101T000000Z\r\nSEQUENCE:{seq}\r\n{start}\r\n"
            f"DTEND;TZID=Asia/Bishkek:20251202T160000\r\nSUMMARY:{summary}\r\n{extra}END:VEVENT\r\n")


def _file(tmp_path: Path, *events: str, name: str = "in.ics") -> str:
    path = tmp_path / name
    path.write_bytes((HEAD + "".join(events) + TAIL).encode())
    return str(path)


def _count(app: App) -> int:
    with read_session(app.store.engine) as session:
        return int(session.execute(select(func.count()).select_from(Event)).scalar_one())


def _import(app: App, path: str, **options: object) -> feed_service.ImportReport:
    defaults: dict[str, object] = {"kind": None, "dry_run": False, "skip_bad": False}
    return feed_service.import_file(path, app=app, now=NOW, **{**defaults, **options})  # type: ignore[arg-type]


def _export(app: App) -> bytes:
    out = io.BytesIO()
    feed_service.export_calendar(feed_service.ExportRequest(visibilities=["public", "internal", "confidential"]),
                                 out, app=app, now=NOW)
    return out.getvalue()


def _comparable(data: bytes) -> list[str]:
    return [line for line in data.decode().split("\r\n")
            if not line.startswith(("DTSTAMP", "CREATED", "LAST-MODIFIED"))]


def test_round_trip_export_import_export(app: App, tmp_path: Path) -> None:
    admin.load_demo(app=app, now=NOW)
    services.cancel_event("demo-2020-05-06-consultation-mecss@calendar-app", "Ковид; хурал, цуцлагдсан",
                          app=app, now=NOW)
    first = _export(app)
    path = tmp_path / "demo.ics"
    path.write_bytes(first)
    empty = App.open(Settings(db_url=f"sqlite:///{tmp_path / 'empty.db'}", default_tz="Asia/Ulaanbaatar"))
    report = _import(empty, str(path))
    assert len(report.added) == first.count(b"BEGIN:VEVENT") and not report.rejected
    assert _comparable(_export(empty)) == _comparable(first)
    again = _import(empty, str(path))
    assert again.added == [] and len(again.unchanged) == len(report.added)


def test_newer_sequence_wins_never_duplicates(sqlite_app: App, tmp_path: Path) -> None:
    _import(sqlite_app, _file(tmp_path, _vevent("a@x", seq=1, summary="Биринчи")))
    older = _import(sqlite_app, _file(tmp_path, _vevent("a@x", seq=0, summary="Эски"), name="b.ics"))
    assert older.unchanged == ["a@x"]
    newer = _import(sqlite_app, _file(tmp_path, _vevent("a@x", seq=2, summary="Жаңы"), name="c.ics"))
    assert newer.updated == ["a@x"] and _count(sqlite_app) == 1
    view = services.show_event("a@x", app=sqlite_app)
    assert view.title == "Жаңы" and view.sequence == 2 and view.timezone == "Asia/Bishkek"


def test_dry_run_writes_nothing(sqlite_app: App, tmp_path: Path) -> None:
    report = _import(sqlite_app, _file(tmp_path, _vevent("a@x")), dry_run=True)
    assert report.added == ["a@x"] and _count(sqlite_app) == 0


def test_a_series_stays_one_row_and_imports_again_unchanged(sqlite_app: App, tmp_path: Path) -> None:
    path = _file(tmp_path, _vevent("series@x", extra="RRULE:FREQ=WEEKLY;COUNT=3\r\n"))
    assert _import(sqlite_app, path).added == ["series@x"]
    assert _import(sqlite_app, path).unchanged == ["series@x"]
    assert _count(sqlite_app) == 1
    assert services.show_event("series@x", app=sqlite_app).rrule == "FREQ=WEEKLY;COUNT=3"


def test_all_day_and_utc_and_floating(sqlite_app: App, tmp_path: Path) -> None:
    all_day = ("BEGIN:VEVENT\r\nUID:d@x\r\nDTSTART;VALUE=DATE:20251125\r\nDTEND;VALUE=DATE:20251211\r\n"
               "SUMMARY:16 күн\r\nCATEGORIES:campaign_day\r\nEND:VEVENT\r\n")
    utc = _vevent("u@x", start="DTSTART:20251202T080000Z").replace("DTEND;TZID=Asia/Bishkek:20251202T160000",
                                                                     "DTEND:20251202T100000Z")
    _import(sqlite_app, _file(tmp_path, all_day, utc))
    day = services.show_event("d@x", app=sqlite_app)
    assert day.all_day and day.first_day.isoformat() == "2025-11-25" and day.last_day.isoformat() == "2025-12-10"
    assert day.kind == "campaign_day"
    timed = services.show_event("u@x", app=sqlite_app)
    assert timed.start.astimezone().utctimetuple()[3] == 8


BAD = {
    "truncated": (HEAD + _vevent("a@x"), "truncated"),
    "not ics": ("hello\r\n", "BEGIN:VCALENDAR"),
    "no dtstart": (HEAD + "BEGIN:VEVENT\r\nUID:n@x\r\nSUMMARY:x\r\nEND:VEVENT\r\n" + TAIL, "UID n@x"),
    "unknown tzid": (HEAD + _vevent("t@x", start="DTSTART;TZID=Nowhere/Town:20251202T140000") + TAIL,
                     "TZID Nowhere/Town"),
    # open-ended rules are imported as series since issue 11; a rule the recurrence core refuses is not
    "sub-daily rrule": (HEAD + _vevent("r@x", extra="RRULE:FREQ=SECONDLY\r\n") + TAIL, "FREQ is one of"),
    "uid twice": (HEAD + _vevent("d@x") + _vevent("d@x") + TAIL, "UID 'd@x' is used again in this file"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_file_rejected_whole_with_a_clear_message(sqlite_app: App, tmp_path: Path, case: str) -> None:
    text, words = BAD[case]
    good = _vevent("good@x")
    path = tmp_path / "bad.ics"
    path.write_bytes(text.replace(HEAD, HEAD + good, 1).encode() if HEAD in text else text.encode())
    with pytest.raises(BadCalendarFile, match=words.replace("(", r"\(")):
        _import(sqlite_app, str(path))
    assert _count(sqlite_app) == 0


def test_skip_bad_imports_exactly_the_good_part(sqlite_app: App, tmp_path: Path) -> None:
    path = _file(tmp_path, _vevent("good@x"), "BEGIN:VEVENT\r\nUID:n@x\r\nSUMMARY:x\r\nEND:VEVENT\r\n")
    report = _import(sqlite_app, path, skip_bad=True)
    assert report.added == ["good@x"] and report.rejected[0][0].endswith("(UID n@x)")
    assert _count(sqlite_app) == 1


def test_wrong_encoding_and_size(sqlite_app: App, tmp_path: Path) -> None:
    path = tmp_path / "cp1251.ics"
    path.write_bytes((HEAD + _vevent("a@x", summary="Тест") + TAIL).encode("cp1251"))
    with pytest.raises(BadCalendarFile, match="line 10: not UTF-8"):
        _import(sqlite_app, str(path))
    big = _file(tmp_path, _vevent("a@x", summary="x" * 2000))
    with pytest.raises(BadCalendarFile, match="over the import limit"):
        _import(sqlite_app, big, max_bytes=1000)


def test_cli_exit_code_2_and_one_line(sqlite_url: str, tmp_path: Path) -> None:
    path = tmp_path / "t.ics"
    path.write_text(HEAD + _vevent("a@x"), encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", sqlite_url, "import", str(path)])
    assert result.exit_code == 2
    assert "truncated" in result.output and "Traceback" not in result.output


DATA = Path(__file__).with_name("data")


def test_google_and_outlook_exports(sqlite_app: App) -> None:
    google = _import(sqlite_app, str(DATA / "google_export.ics"))
    outlook = _import(sqlite_app, str(DATA / "outlook_export.ics"), kind="round_table")
    assert len(google.added) == 2 and len(outlook.added) == 2 and not google.rejected + outlook.rejected  # a series
    meeting = services.show_event("7kukuqrfedlm2f9t0vpl2mba2c@google.com", app=sqlite_app)
    assert meeting.timezone == "Asia/Ulaanbaatar" and meeting.start.hour == 10 and meeting.sequence == 3
    assert meeting.location == "Засгийн газрын III байр, Улаанбаатар"
    assert meeting.description == "Хэлэлцэх асуудал: 1) тайлан, 2) төлөвлөгөө\nДараагийн мөр"
    assert services.show_event("0a1b2c3d4e@google.com", app=sqlite_app).status == "cancelled"
    windows = services.show_event("040000008200E00074C5B7101A82E00800000000B0D5C0A4C64ADB01000000000000000010000000",
                                  app=sqlite_app)
    assert windows.timezone == "Asia/Bishkek" and windows.start.hour == 10 and windows.kind == "round_table"
    assert windows.title == "Встреча с партнёрами" and windows.language == "ru" and windows.visibility == "public"
    window = services.EventFilter(start="2025-01-01", end="2028-01-01")
    series = [v for v in services.list_events(window, app=sqlite_app, now=NOW) if v.uid == "allday-google@google.com"]
    assert [(v.all_day, v.first_day.isoformat(), v.last_day.isoformat()) for v in series] == [
        (True, "2025-11-25", "2025-11-25"), (True, "2026-11-25", "2026-11-25")]


def test_demo_feed_read_by_two_parsers_matches_the_store(app: App) -> None:
    from tests.test_feeds_render import read_with_ical, read_with_vobject

    admin.load_demo(app=app, now=NOW)
    data = _export(app)
    views = {v.uid: v for v in services.list_events(services.EventFilter(), app=app, now=NOW)}
    for reader in (read_with_vobject, read_with_ical):
        found = reader(data)
        assert set(found) == set(views)
        for uid, view in views.items():
            if view.all_day:
                assert (found[uid]["start"], found[uid]["end"]) == (view.first_day, view.end.date())
            else:
                assert found[uid]["start"] == view.start and found[uid]["end"] == view.end  # aware: UTC equal
            assert found[uid]["summary"] == view.title  # Cyrillic intact


def test_a_50_mb_file_is_refused_before_parsing(sqlite_url: str, tmp_path: Path) -> None:
    path = tmp_path / "huge.ics"
    filler = "DESCRIPTION:" + "ж" * 30 + "\r\n"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEAD + "BEGIN:VEVENT\r\nUID:big@x\r\nDTSTART:20251202T080000Z\r\n")
        out.write(filler * (50_000_000 // len(filler.encode())))
        out.write("END:VEVENT\r\n" + TAIL)
    result = CliRunner().invoke(app, ["--db", sqlite_url, "import", str(path)])
    assert result.exit_code == 2 and "50.0 MB, over the import limit of 32 MB" in result.output


def test_reimport_by_digest_follows_the_store(app: App, tmp_path: Path) -> None:
    """Re-import skips parsing texts it imported before; what it answers must still follow the store."""
    path = _file(tmp_path, _vevent("a@x", summary="Биринчи"), _vevent("b@x", summary="Экинчи"))
    assert sorted(_import(app, path).added) == ["a@x", "b@x"]
    assert sorted(_import(app, path).unchanged) == ["a@x", "b@x"]
    services.delete_event("b@x", app=app, now=NOW)
    again = _import(app, path)  # a deleted event's digest matches nothing: it comes back
    assert again.added == ["b@x"] and again.unchanged == ["a@x"] and _count(app) == 2
    newer = _import(app, _file(tmp_path, _vevent("a@x", seq=1, summary="Жаңы"), name="newer.ics"))
    assert newer.updated == ["a@x"] and services.show_event("a@x", app=app).title == "Жаңы"
    older = _import(app, path)  # the first text again, now older than the store: unchanged, title kept
    assert older.unchanged == ["a@x", "b@x"] and services.show_event("a@x", app=app).title == "Жаңы"
    other_kind = _import(app, path, kind="training")  # other options: read again, same answer by SEQUENCE
    assert other_kind.unchanged == ["a@x", "b@x"]
