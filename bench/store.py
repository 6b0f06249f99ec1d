"""Issue 2 targets: CLI start-up, `event list --json` and `event add` against the import floor, bulk insert.

The floor is a Python process that imports `sqlmodel` and `typer` (what our commands need anyway) and runs
the same window query with the standard `sqlite3` module, printing JSON.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import CLI, PYTHON, Paired, report, time_paired

EVENTS = 100_000
SPAN_DAYS = 730  # 100,000 events over two years: about 4,100 in a 30-day window
FIRST = datetime(2025, 1, 1, tzinfo=UTC)
WINDOW_START = FIRST + timedelta(days=300)

FLOOR_LIST = """
import json, sqlite3, sys
import sqlmodel, typer
connection = sqlite3.connect(sys.argv[1])
cursor = connection.execute(
    "SELECT * FROM event WHERE end_utc > ? AND start_utc < ? ORDER BY start_utc, id", (sys.argv[2], sys.argv[3]))
columns = [d[0] for d in cursor.description]
print(json.dumps([dict(zip(columns, row)) for row in cursor], ensure_ascii=False, indent=2))
"""

TITLES = ("Жендэрийн эрх тэгш байдлын зөвшилцөх уулзалт", "Тегерек стол: гендердик сезимтал кызматтар",
          "Хүүхэд хамгааллын сургалт", "16 күндүк активдүүлүк: маалымат күнү", "Санамж бичигт гарын үсэг зурах")
KINDS = ("consultation", "round_table", "training", "campaign_day", "signing", "launch", "meeting")
REGIONS = ("ulaanbaatar", "khovd", "uvs", "arkhangai", "dornod", "bishkek", "osh-city", "naryn", "chuy")


def drafts(count: int):
    from events.drafts import NewEventDraft

    rng = random.Random(2025)
    partners = [f"Partner organisation {i}" for i in range(60)]
    for index in range(count):
        start = FIRST + timedelta(minutes=rng.randrange(SPAN_DAYS * 24 * 60))
        yield NewEventDraft(
            title=f"{rng.choice(TITLES)} #{index}", kind=rng.choice(KINDS), region=rng.choice(REGIONS),
            start=start.isoformat(), duration=f"{rng.choice((1, 2, 3, 4))}h",
            partners=rng.sample(partners, rng.randrange(3)), visibility="public", uid=f"bench-{index}@calendar-app",
        )


def build(path: Path) -> float:
    from calendar_app.app import Store
    from calendar_app.db import read_session
    from events.bulk import insert_events

    engine = Store.open(f"sqlite:///{path}").engine
    items = list(drafts(EVENTS))
    started = time.perf_counter()
    with read_session(engine) as session:
        insert_events(items, session=session, default_tz="UTC", now=datetime.now(UTC))
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def run() -> int:
    print(f"store (issue 2): {EVENTS:,} events in SQLite")
    missed = 0
    floor = [PYTHON, "-c", "pass"]
    for args in (["--help"], ["--version"]):
        missed += _report_paired(f"calendar-app {args[0]}", time_paired([CLI, *args], floor), "python -c pass")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        missed += report("bulk insert of 100,000 events", build(path), "s", limit=10)
        env = {**os.environ, "CALENDAR_APP_DB": str(path), "CALENDAR_APP_TZ": "UTC"}
        end = WINDOW_START + timedelta(days=30)
        sql_bounds = [WINDOW_START.strftime("%Y-%m-%d %H:%M:%S"), end.strftime("%Y-%m-%d %H:%M:%S")]
        import_floor = [PYTHON, "-c", FLOOR_LIST, str(path), *sql_bounds]
        listing = [CLI, "event", "list", "--from", WINDOW_START.isoformat(), "--to", end.isoformat(), "--json"]
        rows = len(json.loads(subprocess.run(listing, env=env, check=True, capture_output=True).stdout))
        missed += _report_paired(f"event list 30-day window --json ({rows:,} rows)",
                                 time_paired(listing, import_floor, env=env), "the floor")
        add = [CLI, "event", "add", "Зөвшилцөх уулзалт", "--start", "2026-05-06 10:00", "--region", "khovd",
               "--partner", "Эрүүл мэндийн яам"]
        missed += _report_paired("event add", time_paired(add, import_floor, env=env), "the floor")
    return missed


def _report_paired(name: str, timing: Paired, baseline: str) -> int:
    print(f"{name:<52} {timing.command * 1000:10.3f} ms; {baseline} {timing.baseline * 1000:.3f} ms, "
          f"ratio {timing.command / timing.baseline:.2f}")
    return report(f"  minus {baseline} (median of paired runs)", timing.difference * 1000, "ms", limit=150)
