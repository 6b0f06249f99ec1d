"""Writes (issue 14): import, re-import, bulk insert and export, each against a floor measured in the same run.

  python -m bench writes [--import-events 10000 100000] [--events 100000]

Times are CPU seconds (user and system) of the command's process, or of this process for what runs in it:
on a machine shared with other work, wall time measures the others too (it is printed beside).

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
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import judge_ratio

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
                      f"SUMMARY:{TITLES[n % len(TITLES)]} №{n}\r\nLOCATION:Улаанбаатар\\, III "
                      f"байр\r\nDESCRIPTION:Уулзалт {n}\r\nEND:VEVENT\r\n")
        out.write("END:VCALENDAR\r\n")


@dataclass(frozen=True)
class Took:
    wall: float  # seconds
    cpu: float  # seconds of user and system time
    peak: float  # MB of resident memory


# The command's wall time, CPU time and peak RSS (KiB, Linux), measured by a parent that runs nothing else.
PARENT = ("import resource, subprocess, sys, time; started = time.perf_counter(); "
          "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
          "wall = time.perf_counter() - started; used = resource.getrusage(resource.RUSAGE_CHILDREN); "
          "print(wall, used.ru_utime + used.ru_stime, used.ru_maxrss)")


def _took(args: list[str]) -> Took:
    done = subprocess.run([sys.executable, "-c", PARENT, *args], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args[1:])} failed: {done.stderr.strip()[-2000:]}")
    wall, cpu, peak = done.stdout.split()[-3:]
    return Took(float(wall), float(cpu), int(peak) / 1024)


def _new_store(path: Path) -> str:
    from calendar_app.app import Store

    url = f"sqlite:///{path}"
    Store.open(url).close()
    return url


def _import(url: str, ics: Path) -> Took:
    return _took([sys.executable, str(ROOT / "cli.py"), "--db", url, "import", str(ics)])


def bench_import(root: Path, count: int, runs: int) -> int:
    """Medians of `runs` rounds, each running the floor, an import into a new store and the re-import in
    turn, so that other load on the machine weighs on both sides alike."""
    ics = root / f"import-{count}.ics"
    write_ics(ics, count)
    floors, imports, again = [], [], []
    for run in range(runs):
        floor_db = root / f"floor-{count}-{run}.db"
        floors.append(_took([sys.executable, "-c", FLOOR_IMPORT, str(ics), str(floor_db)]))
        floor_db.unlink()
        url = _new_store(root / f"import-{count}-{run}.db")
        imports.append(_import(url, ics))
        again.append(_import(url, ics))
        (root / f"import-{count}-{run}.db").unlink()
    print(f"  {count:,} events, {ics.stat().st_size / 1e6:.1f} MB file, median of {runs} run(s); wall seconds: "
          f"floor {_median(floors, 'wall'):.2f}, import {_median(imports, 'wall'):.2f}, "
          f"re-import {_median(again, 'wall'):.2f}", flush=True)
    floor = _median(floors, "cpu")
    missed = judge_ratio(f"import of {count:,} events", _median(imports, "cpu"), floor, "s", "floor", at_most=1.5)
    missed += judge_ratio(f"re-import of the unchanged {count:,}", _median(again, "cpu"), floor, "s", "floor",
                          at_most=0.5)
    if count >= 100_000:
        missed += judge_ratio(f"import of {count:,} events, peak memory", max(t.peak for t in imports), 200.0, "MB",
                              "limit", at_most=1.0)
    return missed


def _median(samples: list[Took], what: str) -> float:
    return float(statistics.median(getattr(t, what) for t in samples))


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
    started = time.process_time()
    connection.executemany(f"INSERT INTO event ({', '.join(columns)}) VALUES ({marks})", events)
    connection.executemany(f"INSERT INTO event_partner VALUES ({', '.join('?' * len(partners[0]))})", partners)
    connection.commit()
    elapsed = time.process_time() - started
    connection.close()
    return elapsed


def _bulk_insert(path: Path) -> float:
    """CPU seconds of `events.bulk.insert_events` of the drafts of bench/store.py into a new store."""
    from bench.store import EVENTS, drafts
    from calendar_app.app import Store
    from calendar_app.db import read_session
    from events.bulk import insert_events

    store = Store.open(f"sqlite:///{path}")
    items = list(drafts(EVENTS))
    started = time.process_time()
    with read_session(store.engine) as session:
        insert_events(items, session=session, default_tz="UTC", now=FIRST)
    elapsed = time.process_time() - started
    store.close()
    return elapsed


def bench_bulk(root: Path) -> int:
    from bench.store import EVENTS

    path = root / "bulk.db"
    ours = _bulk_insert(path)
    floor = _raw_insert(path, root / "bulk-raw.db")
    return judge_ratio(f"bulk insert of {EVENTS:,} events", ours, floor, "s", "sqlite3 executemany", at_most=2.0)


def icalendar_serialising(url: str) -> float:
    """The baseline: the same events read, built as icalendar components and serialised as one calendar."""
    from icalendar import Calendar, Timezone

    from calendar_app.app import Store
    from events import queries
    from exports.render import build_event, years_of, zones_of

    store = Store.open(url)
    started = time.process_time()
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
    elapsed = time.process_time() - started
    store.close()
    return elapsed


def bench_export(root: Path, count: int) -> int:
    from bench.data import make_store

    app = make_store(str(root / "export.db"), count)
    url = app.settings.db_url
    app.close()
    baseline = icalendar_serialising(url)
    command = [sys.executable, str(ROOT / "cli.py"), "--db", url, "export", "-o", str(root / "export.ics")]
    cold, warm = _took(command), _took(command)
    print(f"  export wall seconds: cold {cold.wall:.2f}, warm {warm.wall:.2f}; peak memory: cold {cold.peak:.0f} MB, "
          f"warm {warm.peak:.0f} MB", flush=True)
    missed = judge_ratio(f"export of {count:,} events, cold", cold.cpu, baseline, "s", "icalendar", at_most=1.0)
    missed += judge_ratio(f"export of {count:,} events, warm", warm.cpu, baseline, "s", "icalendar", at_most=0.1)
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
                missed += bench_import(root, count, 3 if count <= 10_000 else 1)
        if "bulk" not in args.skip:
            missed += bench_bulk(root)
        if "export" not in args.skip:
            missed += bench_export(root, args.events)
    return missed


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
