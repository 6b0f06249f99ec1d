"""Writes (issue 14): import, re-import, bulk insert and export, each against a floor measured in the same run.

  python -m bench writes [--import-events 10000 100000] [--events 100000]

1. `calendar-app import FILE` of simple events into a new store vs the floor: icalendar parsing the same
   file, taking the fields and inserting them with sqlite3 `executemany` (<= 1.5x; peak memory <= 200 MB
   at 100,000, each command's peak measured by a small parent of its own);
2. importing the unchanged file again vs the same floor (<= 0.5x);
3. `events.bulk.insert_events` of 100,000 drafts vs sqlite3 `executemany` of the rows it wrote (<= 2.0x);
4. `calendar-app export` of 100,000 events, cold (no render kept) and warm (renders kept by a first
   export or a feed) vs icalendar building and serialising the same components (<= 1.0x and <= 0.1x).
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import judge_ratio
from bench.reminder_series import PEAK

ROOT = Path(__file__).resolve().parent.parent
TITLES = ("Жендэрийн эрх тэгш байдлын зөвшилцөх уулзалт", "Тегерек стол: гендердик сезимтал ыкмалар",
          "Круглый стол по предотвращению насилия", "Хүүхэд хамгааллын сургалт (2-р шат)")
FIRST = datetime(2025, 1, 6, 3, 0, tzinfo=UTC)

FLOOR_IMPORT = """
import sqlite3, sys
from icalendar import Calendar
calendar = Calendar.from_ical(open(sys.argv[1], "rb").read())
rows = []
for vevent in calendar.walk("VEVENT"):
    rows.append((str(vevent["UID"]), str(vevent["SUMMARY"]), vevent["DTSTART"].dt.isoformat(),
                 vevent["DTEND"].dt.isoformat(), str(vevent.get("LOCATION", "")),
                 str(vevent.get("DESCRIPTION", "")), int(vevent.get("SEQUENCE", 0))))
connection = sqlite3.connect(sys.argv[2])
connection.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, uid TEXT UNIQUE NOT NULL, title TEXT NOT NULL, "
                   "start_utc TEXT NOT NULL, end_utc TEXT NOT NULL, location TEXT, description TEXT, "
                   "sequence INTEGER NOT NULL)")
connection.executemany("INSERT INTO event (uid, title, start_utc, end_utc, location, description, sequence) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
connection.commit()
"""


def write_ics(path: Path, count: int) -> None:
    """`count` simple VEVENTs (UID, DTSTAMP, UTC start and end, summary, location, description)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//writes//EN\r\n")
        for n in range(count):
            start = FIRST + timedelta(days=n % 700, hours=n % 8)
            end = start + timedelta(minutes=90)
            out.write(f"BEGIN:VEVENT\r\nUID:writes-{n}@bench\r\nDTSTAMP:20250101T000000Z\r\n"
                      f"DTSTART:{start:%Y%m%dT%H%M%SZ}\r\nDTEND:{end:%Y%m%dT%H%M%SZ}\r\n"
                      f"SUMMARY:{TITLES[n % len(TITLES)]} №{n}\r\nLOCATION:Улаанбаатар\\, Засгийн газрын III "
                      f"байр\r\nDESCRIPTION:Зөвшилцөх уулзалт {n}\r\nEND:VEVENT\r\n")
        out.write("END:VCALENDAR\r\n")


def _peak(args: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of a command run under a parent that runs nothing else."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, *args], check=True, capture_output=True, text=True)
    return time.perf_counter() - started, int(done.stdout.split()[-1]) / 1024


def _new_store(path: Path) -> str:
    from calendar_app.app import Store

    url = f"sqlite:///{path}"
    Store.open(url).close()
    return url


def _import(url: str, ics: Path) -> tuple[float, float]:
    return _peak([sys.executable, str(ROOT / "cli.py"), "--db", url, "import", str(ics)])


def bench_import(root: Path, count: int) -> int:
    ics = root / f"import-{count}.ics"
    write_ics(ics, count)
    floor_s, floor_mb = _peak([sys.executable, "-c", FLOOR_IMPORT, str(ics), str(root / f"floor-{count}.db")])
    url = _new_store(root / f"import-{count}.db")
    ours_s, ours_mb = _import(url, ics)
    again_s, _ = _import(url, ics)
    print(f"  {count:,} events, {ics.stat().st_size / 1e6:.1f} MB file; floor peak {floor_mb:.0f} MB", flush=True)
    missed = judge_ratio(f"import of {count:,} events", ours_s, floor_s, "s", "floor", at_most=1.5)
    missed += judge_ratio(f"re-import of the unchanged {count:,}", again_s, floor_s, "s", "floor", at_most=0.5)
    if count >= 100_000:
        missed += judge_ratio(f"import of {count:,} events, peak memory", ours_mb, 200.0, "MB", "limit",
                              at_most=1.0)
    return missed


def _raw_insert(source: Path, target: Path) -> float:
    """sqlite3 `executemany` of the event and partner rows in `source` into the same empty schema."""
    _new_store(target)
    with sqlite3.connect(source) as old:
        events = old.execute("SELECT * FROM event").fetchall()
        columns = [d[0] for d in old.execute("SELECT * FROM event LIMIT 0").description]
        partners = old.execute("SELECT * FROM event_partner").fetchall()
        organisations = old.execute("SELECT * FROM organisation").fetchall()
    connection = sqlite3.connect(target)
    connection.executemany("INSERT INTO organisation VALUES (?, ?)", organisations)
    connection.commit()
    marks = ", ".join("?" * len(columns))
    started = time.perf_counter()
    connection.executemany(f"INSERT INTO event ({', '.join(columns)}) VALUES ({marks})", events)
    connection.executemany(f"INSERT INTO event_partner VALUES ({', '.join('?' * len(partners[0]))})", partners)
    connection.commit()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def bench_bulk(root: Path) -> int:
    from bench.store import EVENTS, build

    path = root / "bulk.db"
    ours = build(path)
    floor = _raw_insert(path, root / "bulk-raw.db")
    return judge_ratio(f"bulk insert of {EVENTS:,} events", ours, floor, "s", "sqlite3 executemany", at_most=2.0)


def icalendar_serialising(url: str) -> float:
    """The baseline: the same events read, built as icalendar components and serialised as one calendar."""
    from icalendar import Calendar, Timezone

    from calendar_app.app import Store
    from events import queries
    from exports.render import build_event, years_of, zones_of

    store = Store.open(url)
    started = time.perf_counter()
    with store.read() as session:
        views = queries.list_events(queries.EventQuery(visibilities=["public", "internal"]), session=session)
    calendar = Calendar.new(name="bench", prodid="-//bench//EN", method="PUBLISH")
    first, last = years_of(views)
    for tzid in sorted(zones_of(views)):
        calendar.add_component(Timezone.from_tzid(tzid, first_date=date(first, 1, 1),
                                                  last_date=date(last + 2, 1, 1)))
    for view in views:
        calendar.add_component(build_event(view))
    calendar.to_ical()
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed


def bench_export(root: Path, count: int) -> int:
    from bench.data import make_store

    app = make_store(str(root / "export.db"), count)
    url = app.settings.db_url
    app.close()
    baseline = icalendar_serialising(url)
    command = [sys.executable, str(ROOT / "cli.py"), "--db", url, "export", "-o", str(root / "export.ics")]
    cold, cold_mb = _peak(command)
    warm, warm_mb = _peak(command)
    print(f"  export peak memory: cold {cold_mb:.0f} MB, warm {warm_mb:.0f} MB", flush=True)
    missed = judge_ratio(f"export of {count:,} events, cold", cold, baseline, "s", "icalendar", at_most=1.0)
    missed += judge_ratio(f"export of {count:,} events, warm", warm, baseline, "s", "icalendar", at_most=0.1)
    return missed


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench writes")
    parser.add_argument("--import-events", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--events", type=int, default=100_000, help="events of the export bench")
    parser.add_argument("--skip", nargs="*", default=[], choices=["import", "bulk", "export"])
    args = parser.parse_args(argv or [])
    missed = 0
    with tempfile.TemporaryDirectory(prefix="bench-writes-") as folder:
        root = Path(folder)
        if "import" not in args.skip:
            print("import (calendar-app import FILE into a new SQLite store)", flush=True)
            for count in args.import_events:
                missed += bench_import(root, count)
        if "bulk" not in args.skip:
            missed += bench_bulk(root)
        if "export" not in args.skip:
            missed += bench_export(root, args.events)
    return missed


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
