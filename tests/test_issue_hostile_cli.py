"""Issue 10, part 1: the CLI and the domain take no hostile input.

Each hostile input gives its exit code (2 bad input, 1 for an id that cannot exist), one stderr line, no
traceback, and not one row changed, on SQLite and on PostgreSQL. Wall-clock times in a daylight-saving gap
move forward by the gap and repeated ones take their first occurrence, with a note; an end is always after
its start. `-o` never replaces what is not a regular file; a closed stdout never turns done work into 1 or 2.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.cli_helpers import Outcome, run

ROOT = Path(__file__).resolve().parent.parent
START = ["--start", "2026-05-06 10:00"]
ADD = ["event", "add", "Зөвшилцөх уулзалт", *START, "--duration", "2h", "--partner", "UNFPA"]
BIG = "99999999999999999999"


def all_rows(url: str) -> dict[str, int]:
    """Rows of every table: the database is unchanged after an error when these are."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
            return {name: connection.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                    for name in tables if name != "alembic_version"}
    finally:
        engine.dispose()


def one_line(outcome: Outcome, code: int, *words: str) -> str:
    assert outcome.code == code, (outcome.code, outcome.stderr, outcome.stdout[:300])
    assert "Traceback" not in outcome.stderr
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), outcome.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def seeded(store_url: str) -> str:
    for args in (ADD, ["contact", "add", "Батаа", "--email", "bataa@example.org"], ["feed", "add", "pub"]):
        assert run(store_url, *args).code == 0, args
    return store_url


def add(*extra: str) -> list[str]:
    return ["event", "add", "Уулзалт", *extra]


def titled(title: str, *extra: str) -> list[str]:
    return ["event", "add", title, *extra]


# (arguments, exit code, words the one line must hold)
HOSTILE: list[tuple[list[str], int, tuple[str, ...]]] = [
    # dates and instants near year 1 and 9999, after zone shifts
    (add("--start", "9999-12-31 23:00", "--duration", "2h"), 2, ("--start", "out of range")),
    (add("--start", "9999-12-29 20:00", "--duration", "14h"), 2, ("--end", "out of range")),
    (add("--start", "0001-01-01 00:00"), 2, ("--start", "out of range")),
    (add("--start", "0001-01-01"), 2, ("--start",)),
    (add("--start", "9999-12-31"), 2, ("--start",)),
    (add("--start", "9999-12-29", "--end", "9999-12-31"), 2, ("--end",)),
    (add("--start", "9999-12-29", "--duration", "3w"), 2, ("--duration",)),
    (add("--start", "+99999999d"), 2, ("--start",)),
    (add("--start", "-99999999w 10:00"), 2, ("--start",)),
    (add(*START, "--end", "9999-12-31 23:59"), 2, ("--end",)),
    (["event", "list", "--from", "0001-01-01"], 2, ("--from", "out of range")),
    (["event", "list", "--to", "9999-12-31"], 2, ("--to",)),
    (["event", "list", "--from", "9999-12-29", "--days", "30"], 2, ("--days",)),
    (["event", "list", "--days", "99999999"], 2, ("--days",)),
    (["agenda", "--from", "9999-12-31"], 2, ("--from",)),
    (["agenda", "--from", "9999-12-29", "--days", "30"], 2, ("--days",)),
    (["agenda", "--from", "0001-01-01"], 2, ("--from",)),
    (["export", "--from", "0001-01-01"], 2, ("--from",)),
    (["export", "--to", "9999-12-31 23:00"], 2, ("--to",)),
    (["reminder", "preview", "--at", "0001-01-01"], 2, ("--at",)),
    (["reminder", "preview", "--at", "9999-12-31 23:59"], 2, ("--at",)),
    (["event", "edit", "1", "--start", "9999-12-31 23:00"], 2, ("--start",)),
    (["event", "edit", "1", "--end", "0001-01-01"], 2, ("--end",)),
    # durations and offsets
    (add(*START, "--duration", "99999999d"), 2, ("--duration", "out of range")),
    (add(*START, "--duration", "9" * 30 + "w"), 2, ("--duration",)),
    (add(*START, "--duration", "9" * 5000 + "m"), 2, ("duration",)),
    (add(*START, "--duration", "3661d"), 2, ("--duration",)),
    (["event", "edit", "1", "--duration", "99999999d"], 2, ("--duration",)),
    (add(*START, "--remind", "start-99999999d"), 2, ("--remind",)),
    (add(*START, "--remind", "end+367d"), 2, ("--remind",)),
    (add(*START, "--remind", "99999999d"), 2, ("--remind",)),
    (["event", "edit", "1", "--remind", "start-400d"], 2, ("--remind",)),
    # ids and counts beyond the integer range
    (["event", "show", BIG], 1, ("no event",)),
    (["event", "show", "2147483648"], 1, ("no event",)),
    (["event", "show", "0"], 1, ("no event",)),
    (["event", "show", "١٢"], 1, ("no event",)),
    (["event", "edit", BIG, "--title", "x"], 1, ()),
    (["event", "cancel", BIG], 1, ()),
    (["event", "delete", BIG, "--yes"], 1, ()),
    (["contact", "remove", BIG], 1, ()),
    (["contact", "edit", BIG, "--name", "x"], 1, ()),
    (["task", "done", BIG], 1, ()),
    (["reminder", "list", "--event", BIG], 1, ()),
    (add(*START, "--participants", BIG), 2, ("--participants", "out of range")),
    (add(*START, "--participants", "3000000000"), 2, ("--participants",)),
    (add(*START, "--women", "10000001"), 2, ("--women",)),
    (["event", "edit", "1", "--actual", BIG], 2, ("--actual",)),
    (["event", "list", "--limit", BIG], 2, ("--limit",)),
    (["campaign", "edition", "add", "16-days", BIG, "--theme", "x"], 2, ()),
    (["feed", "add", "big", "--keep-cancelled", BIG], 2, ("--keep-cancelled",)),
    (["scheduler", "run", "--once", "--batch", BIG], 2, ("--batch",)),
    # text: control characters, NUL, invalid UTF-8, length
    (titled("T\x01itle", *START), 2, ("title", "U+0001", "position 2")),
    (titled("T\x00", *START), 2, ("U+0000",)),
    (titled("\x1b[31mred", *START), 2, ("U+001B", "position 1")),
    (titled("a\u0085b", *START), 2, ("U+0085",)),
    (titled("T\udcffitle", *START), 2, ("title", "0xFF", "byte 2")),
    (titled("Уу\udcc3", *START), 2, ("0xC3", "byte 5")),
    (titled("line\nbreak", *START), 2, ("U+000A",)),
    (titled("T" * 501, *START), 2, ("501 characters",)),
    (add(*START, "--location", "a\x0bb"), 2, ("--location", "U+000B")),
    (add(*START, "--description", "ok\nline\x0c"), 2, ("--description", "U+000C")),
    (add(*START, "--description", "x" * 20_001), 2, ("--description",)),
    (add(*START, "--url", "https://x.org/\x7f"), 2, ("--url", "U+007F")),
    (add(*START, "--organizer", "\udcff"), 2, ("--organizer",)),
    (add(*START, "--partner", "UN\x00FPA"), 2, ("--partner",)),
    (add(*START, "--programme", "P\x02"), 2, ("--programme",)),
    (add(*START, "--notify", "a\x03@b.org"), 2, ("--notify",)),
    (add(*START, "--kind", "meet\x00ing"), 2, ("kind",)),
    (add(*START, "--tz", "Asia/Ulaanbaatar\x00"), 2, ("--tz",)),
    (["event", "edit", "1", "--title", "x\x1b"], 2, ("--title",)),
    (["event", "edit", "1", "--description", "\udcfe"], 2, ("--description", "0xFE")),
    (["event", "cancel", "1", "--reason", "bad\x00reason"], 2, ("--reason",)),
    (["event", "list", "--search", "x\x00"], 2, ("--search",)),
    (["event", "show", "1\x00"], 2, ()),
    (["contact", "add", "Ба\x01таа", "--email", "b2@example.org"], 2, ("name", "U+0001")),
    (["contact", "add", "Б\udcff", "--email", "b3@example.org"], 2, ("name", "0xFF")),
    (["contact", "edit", "1", "--name", "x\x7f"], 2, ("--name",)),
    (["feed", "add", "desc", "--description", "a\x01"], 2, ("--description",)),
    (["feed", "add", "n\x00"], 2, ()),
    (["campaign", "add", "x-days", "--name", "Name\x1b", "--window", "11-25..12-10"], 2, ("--name",)),
    (["campaign", "add", "x-days", "--name", "N", "--window", "11-25..12-10\x00"], 2, ("--window",)),
    (["campaign", "edition", "add", "16-days", "2025", "--theme", "th\x01eme"], 2, ("--theme",)),
    # ambiguous options
    (add(*START, "--end", "2026-05-06 11:00", "--duration", "2h"), 2, ("--end and --duration",)),
    (add(*START, "--all-day"), 2, ("--all-day", "--start")),
    (add("--start", "2026-05-06", "--end", "2026-05-07 10:00", "--all-day"), 2, ("--all-day", "--end")),
    (add(*START, "--tz", ""), 2, ("--tz is empty",)),
    (add(*START, "--tz", "   "), 2, ("--tz is empty",)),
    (["event", "edit", "1", "--end", "2026-05-06 13:00", "--duration", "1h"], 2, ("--end and --duration",)),
    (["event", "edit", "1", "--all-day", "--start", "2026-05-07 10:00"], 2, ("--all-day",)),
    (["event", "edit", "1", "--tz", ""], 2, ("--tz is empty",)),
    (["contact", "add", "Z", "--email", "z@example.org", "--tz", ""], 2, ()),
    # usage errors: one line
    (["event", "add"], 2, ("Missing argument",)),
    (["event", "nosuch"], 2, ("No such command",)),
    (["event", "add", "T", "--start"], 2, ("--start",)),
    (add(*START, "--participants", "many"), 2, ("--participants",)),
    (add(*START, "--no-such-option"), 2, ("--no-such-option",)),
    (["agenda", "--days", "0"], 2, ("--days",)),
    # output files
    (["export", "-o", "/nonexistent/folder/x.ics"], 2, ("does not exist",)),
    (["export", "-o", "/"], 2, ("folder",)),
]


@pytest.mark.parametrize(("args", "code", "words"), HOSTILE, ids=[repr(a)[:60] for a, _, _ in HOSTILE])
def test_hostile_input_is_one_line_and_changes_nothing(seeded: str, args: list[str], code: int,
                                                       words: tuple[str, ...]) -> None:
    before = all_rows(seeded)
    one_line(run(seeded, *args), code, *words)
    assert all_rows(seeded) == before


def test_root_options_are_checked_too(sqlite_url: str) -> None:
    from typer.testing import CliRunner

    from cli import app

    result = CliRunner().invoke(app, ["--db", sqlite_url, "--tz", "", "event", "list"])
    one_line(Outcome(result.exit_code, result.stdout, result.stderr, result.stdout_bytes), 2, "--tz is empty")


# ---- wall-clock times that do not exist or happen twice ----------------------------------------------------

def _event(url: str, *args: str, tz: str) -> tuple[dict[str, str], list[str]]:
    outcome = run(url, "event", "add", "DST", *args, "--tz", tz, "--json")
    assert outcome.code == 0, outcome.stderr
    return outcome.json(), [line for line in outcome.stderr.splitlines() if line.startswith("warning: ")]


def _first_transition(zone: str, year: int, forward: bool) -> datetime:
    """The first instant of `year` at which `zone` moves its clocks forward (or back), found from the tz data."""
    tz = ZoneInfo(zone)
    moment = datetime(year, 1, 1, tzinfo=ZoneInfo("UTC"))
    while moment.year == year:
        before, after = moment.astimezone(tz).utcoffset(), (moment + timedelta(minutes=30)).astimezone(tz).utcoffset()
        assert before is not None and after is not None
        if before != after and (after > before) == forward:
            return (moment + timedelta(minutes=30)).astimezone(tz)
        moment += timedelta(minutes=30)
    raise AssertionError(f"{zone} changes no clocks in {year}")


GAPS = [("America/New_York", 2026), ("Europe/Berlin", 2026), ("Europe/London", 2026),
        ("Asia/Ulaanbaatar", 2016), ("Asia/Bishkek", 2004), ("Asia/Hovd", 2015)]


@pytest.mark.parametrize(("zone", "year"), GAPS)
def test_a_time_in_a_gap_moves_forward_by_the_gap_and_ends_after_it_starts(store_url: str, zone: str,
                                                                            year: int) -> None:
    after_gap = _first_transition(zone, year, forward=True)
    offset_before = (after_gap - timedelta(minutes=30)).utcoffset()
    gap = after_gap.utcoffset() - offset_before  # type: ignore[operator]
    inside = (after_gap.replace(tzinfo=None) - gap + timedelta(minutes=30))  # a wall time the clocks skip
    event, warnings = _event(store_url, "--start", inside.strftime("%Y-%m-%d %H:%M"), "--duration", "30m", tz=zone)
    start, end = datetime.fromisoformat(event["start"]), datetime.fromisoformat(event["end"])
    assert start.replace(tzinfo=None) == inside + gap  # moved forward by the gap
    assert end - start == timedelta(minutes=30) and end > start
    assert len(warnings) == 1 and "does not exist" in warnings[0] and zone in warnings[0]
    assert "--" not in warnings[0]


@pytest.mark.parametrize(("zone", "year"), [("America/New_York", 2026), ("Europe/Berlin", 2026),
                                            ("Asia/Ulaanbaatar", 2016), ("Asia/Bishkek", 2004)])
def test_a_repeated_time_takes_its_first_occurrence(sqlite_url: str, zone: str, year: int) -> None:
    back = _first_transition(zone, year, forward=False)
    jump = (back - timedelta(minutes=30)).utcoffset() - back.utcoffset()  # type: ignore[operator]
    twice = back.replace(tzinfo=None) - jump + timedelta(minutes=15)
    event, warnings = _event(sqlite_url, "--start", twice.strftime("%Y-%m-%d %H:%M"), "--duration", "1h", tz=zone)
    start, end = datetime.fromisoformat(event["start"]), datetime.fromisoformat(event["end"])
    assert start.replace(tzinfo=None) == twice and start.utcoffset() == (back - timedelta(minutes=30)).utcoffset()
    assert end - start == timedelta(hours=1)
    assert len(warnings) == 1 and "happens twice" in warnings[0]


def test_the_issue_example_and_its_export_round_trip(store_url: str) -> None:
    event, warnings = _event(store_url, "--start", "2026-03-08 02:30", "--duration", "30m", tz="America/New_York")
    assert (event["start"], event["end"]) == ("2026-03-08T03:30:00-04:00", "2026-03-08T04:00:00-04:00")
    assert warnings
    exported = run(store_url, "export")
    assert exported.code == 0
    from icalendar import Calendar

    vevent = next(iter(Calendar.from_ical(exported.stdout_bytes).walk("VEVENT")))
    assert vevent.decoded("DTEND") > vevent.decoded("DTSTART")


def test_edit_into_a_gap_moves_forward_and_keeps_the_length(store_url: str) -> None:
    event, _ = _event(store_url, "--start", "2026-03-07 02:30", "--duration", "2h", tz="America/New_York")
    edited = run(store_url, "event", "edit", str(event["id"]), "--start", "2026-03-08 02:10", "--json")
    assert edited.code == 0 and "does not exist" in edited.stderr
    moved = edited.json()
    assert moved["start"] == "2026-03-08T03:10:00-04:00" and moved["end"] == "2026-03-08T05:10:00-04:00"
    ended = run(store_url, "event", "edit", str(event["id"]), "--end", "2026-03-08 02:50", "--json")
    assert ended.code == 0 and "the end 2026-03-08 02:50 does not exist" in ended.stderr
    assert ended.json()["end"] == "2026-03-08T03:50:00-04:00"  # 02:50 moves forward by the gap, after 03:10
    one_line(run(store_url, "event", "edit", str(event["id"]), "--end", "2026-03-08 02:05"), 2, "not after")


def test_a_day_long_duration_counts_calendar_days(sqlite_url: str) -> None:
    event, warnings = _event(sqlite_url, "--start", "2026-03-07 10:00", "--duration", "1d", tz="America/New_York")
    assert (event["start"], event["end"]) == ("2026-03-07T10:00:00-05:00", "2026-03-08T10:00:00-04:00")
    assert warnings == []


def test_resolve_wall_time_is_the_one_reusable_function() -> None:
    from events.timeparse import add_duration, resolve_wall_time

    ny = ZoneInfo("America/New_York")
    gap = resolve_wall_time(datetime(2026, 3, 8, 2, 30, tzinfo=ny))
    assert gap.instant.isoformat() == "2026-03-08T03:30:00-04:00" and gap.note
    fold = resolve_wall_time(datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ny))
    assert fold.instant.utcoffset() == timedelta(hours=-4) and fold.note
    plain = resolve_wall_time(datetime(2026, 5, 6, 10, 0, tzinfo=ZoneInfo("Asia/Ulaanbaatar")))
    assert plain.note is None and plain.instant.hour == 10
    assert add_duration(gap.instant, timedelta(minutes=30)).instant > gap.instant


# ---- output files -----------------------------------------------------------------------------------------

def test_dash_writes_the_calendar_to_stdout(seeded: str) -> None:
    outcome = run(seeded, "export", "-o", "-")
    assert outcome.code == 0 and outcome.stdout.startswith("BEGIN:VCALENDAR")


def test_a_regular_file_is_replaced_atomically_with_the_umask_mode(seeded: str, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "events.ics"
    target.write_text("old")
    old_inode = target.stat().st_ino
    previous = os.umask(0o022)
    try:
        assert run(seeded, "export", "-o", str(target)).code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR") and target.stat().st_ino != old_inode
    assert sorted(p.name for p in folder.iterdir()) == ["events.ics"]  # no temporary file left


def test_a_fifo_is_refused_unless_streamed(seeded: str, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    one_line(run(seeded, "export", "-o", str(fifo)), 2, "FIFO", "--stream")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert run(seeded, "export", "-o", str(fifo), "--stream").code == 0
    reader.join(timeout=30)
    assert received and received[0].startswith(b"BEGIN:VCALENDAR") and stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_symlink_is_refused_unless_streamed(seeded: str, tmp_path: Path) -> None:
    real = tmp_path / "real.ics"
    real.write_text("keep")
    link = tmp_path / "link.ics"
    link.symlink_to(real)
    one_line(run(seeded, "export", "-o", str(link)), 2, "symbolic link")
    assert link.is_symlink() and real.read_text() == "keep"
    assert run(seeded, "export", "-o", str(link), "--stream").code == 0
    assert link.is_symlink() and real.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_folder_is_refused_even_streamed(seeded: str, tmp_path: Path) -> None:
    one_line(run(seeded, "export", "-o", str(tmp_path)), 2, "folder")
    one_line(run(seeded, "export", "-o", str(tmp_path), "--stream"), 2, "folder")


@pytest.mark.skipif(not Path("/dev/full").exists() or os.geteuid() != 0, reason="needs /dev/full and root")
def test_dev_full_stays_a_device(seeded: str) -> None:
    one_line(run(seeded, "export", "-o", "/dev/full"), 2, "device")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    one_line(run(seeded, "export", "-o", "/dev/full", "--stream"), 2, "/dev/full")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_campaign_report_uses_the_same_output_rules(sqlite_url: str, tmp_path: Path) -> None:
    assert run(sqlite_url, "campaign", "add", "--preset", "16-days").code == 0
    assert run(sqlite_url, "campaign", "edition", "add", "16-days", "2025", "--theme", "Тэгш байдал").code == 0
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    one_line(run(sqlite_url, "campaign", "report", "16-days", "--format", "csv", "-o", str(fifo)), 2, "FIFO")
    dashed = run(sqlite_url, "campaign", "report", "16-days", "--format", "csv", "-o", "-")
    assert dashed.code == 0 and dashed.stdout.startswith("section,")
    one_line(run(sqlite_url, "campaign", "report", "16-days", "-o", "/nonexistent/r.csv"), 2, "does not exist")


# ---- a closed stdout, a read-only database ----------------------------------------------------------------

def _closed_stdout(url: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run the real CLI with stdout a pipe whose reader is already gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([sys.executable, str(ROOT / "cli.py"), "--db", url, "--tz", "Asia/Ulaanbaatar", *args],
                              stdout=write_end, stderr=subprocess.PIPE, cwd=ROOT, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [ADD, ["event", "list"], ["event", "list", "--json"], ["export"],
                                  ["event", "show", "1"], ["agenda", "--from", "2026-05-01", "--days", "30"]],
                         ids=lambda args: " ".join(args[:2]))
def test_a_closed_stdout_ends_quietly_with_exit_0(store_url: str, args: list[str]) -> None:
    # The day before, without partners: the event added below is no duplicate of it and does not clash with it
    # (a clash would rightly print a warning on stderr).
    assert run(store_url, "event", "add", "Өмнөх өдрийн уулзалт", "--start", "2026-05-05 10:00").code == 0
    before = all_rows(store_url)
    done = _closed_stdout(store_url, *args)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""
    expected = dict(before)
    if args is ADD:  # the write was done, whatever became of its output
        assert all_rows(store_url)["event"] == before["event"] + 1
    else:
        assert all_rows(store_url) == expected


def test_scheduler_once_on_a_read_only_database_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "calendar.db"
    url = f"sqlite:///{path}"
    assert run(url, *ADD, "--notify", "bataa@example.org").code != 0 or True
    assert run(url, "contact", "add", "Батаа", "--email", "bataa@example.org").code == 0
    assert run(url, *ADD, "--notify", "bataa@example.org").code == 0
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    outcome = run(read_only, "scheduler", "run", "--once")
    one_line(outcome, 2, "read-only")
