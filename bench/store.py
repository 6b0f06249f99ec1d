"""Issue 14 targets at the prompt, each a ratio to a baseline timed in the same run (alternating pairs):
`--help` and `--version` against `python -c pass`; `event list` and `agenda` of a 30-day window in a
100,000-event store, as a table and as JSON, against `khal list` of the same window over the same events;
`event add` with reminders planned against the same `khal new`. (The bulk insert is `bench/writes.py`'s.)
"""

from __future__ import annotations

import os
import random
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bench import khal
from bench.common import CLI, PYTHON, judge_ratio, time_paired

if TYPE_CHECKING:
    from events.drafts import NewEventDraft

EVENTS = 100_000
SPAN_DAYS = 730  # 100,000 events over two years: about 4,100 in a 30-day window
FIRST = datetime(2025, 1, 1, tzinfo=UTC)
WINDOW_START = FIRST + timedelta(days=300)
WINDOW_DAYS = 30
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
ADD_START = datetime(2030, 5, 6, 10, 0, tzinfo=UTC)  # in the future whatever the clock says: reminders are due

TITLES = ("Жендэрийн эрх тэгш байдлын зөвшилцөх уулзалт", "Тегерек стол: гендердик сезимтал кызматтар",
          "Хүүхэд хамгааллын сургалт", "16 күндүк активдүүлүк: маалымат күнү", "Санамж бичигт гарын үсэг зурах")
KINDS = ("consultation", "round_table", "training", "campaign_day", "signing", "launch", "meeting")
REGIONS = ("ulaanbaatar", "khovd", "uvs", "arkhangai", "dornod", "bishkek", "osh-city", "naryn", "chuy")


@dataclass(frozen=True)
class BenchEvent:
    uid: str
    title: str
    kind: str
    region: str
    start: datetime
    end: datetime
    partners: list[str]


def bench_events(count: int) -> Iterator[BenchEvent]:
    """The same `count` events on every run (a seeded generator), in UTC."""
    rng = random.Random(2025)
    partners = [f"Partner organisation {i}" for i in range(60)]
    for index in range(count):
        start = FIRST + timedelta(minutes=rng.randrange(SPAN_DAYS * 24 * 60))
        title, kind, region = f"{rng.choice(TITLES)} #{index}", rng.choice(KINDS), rng.choice(REGIONS)
        end = start + timedelta(hours=rng.choice((1, 2, 3, 4)))
        yield BenchEvent(f"bench-{index}@calendar-app", title, kind, region, start, end,
                         rng.sample(partners, rng.randrange(3)))


def drafts(count: int = EVENTS, events: list[BenchEvent] | None = None) -> list[NewEventDraft]:
    """The drafts of `events` (default: the first `count` bench events), as `event add` would make them."""
    from events.drafts import NewEventDraft

    return [NewEventDraft(title=e.title, kind=e.kind, region=e.region, start=e.start.isoformat(),
                          end=e.end.isoformat(), partners=e.partners, visibility="public", uid=e.uid)
            for e in (bench_events(count) if events is None else events)]


def build(path: Path, events: list[BenchEvent] | None = None) -> float:
    """Our store of `events` (default: the bench's 100,000), by the bulk path of `demo load` and imports (one
    executemany per table); returns the seconds it took."""
    from calendar_app.app import Store
    from calendar_app.db import write_session
    from events.bulk import insert_events

    items = drafts(EVENTS, events)
    started = time.perf_counter()
    engine = Store.open(f"sqlite:///{path}").engine
    with write_session(engine) as session:
        insert_events(items, session=session, default_tz="UTC", now=NOW)
    engine.dispose()
    return time.perf_counter() - started


def run() -> int:
    print(f"store (issue 14): {EVENTS:,} events in SQLite, against khal over the same events")
    missed = 0
    floor = [PYTHON, "-c", "pass"]
    for args in (["--help"], ["--version"]):
        timing = time_paired([CLI, *args], floor)
        missed += judge_ratio(f"calendar-app {args[0]}", timing.command * 1000, timing.baseline * 1000, "ms",
                              "python -c pass", at_most=2.0)
    if not khal.available():
        print(f"khal is not installed beside {PYTHON}: pip install -e '.[bench]' (make bench does)  MISSED")
        return missed + 1
    with tempfile.TemporaryDirectory() as folder:
        events = list(bench_events(EVENTS))
        print(f"  our store built in {build(Path(folder) / 'bench.db', events):.1f} s")
        config, indexed = khal.build(Path(folder) / "khal", ((e.uid, e.title, e.start, e.end) for e in events))
        print(f"  khal's vdir indexed in {indexed:.1f} s")
        missed += _prompt(Path(folder), config)
    return missed


def _prompt(folder: Path, config: Path) -> int:
    env = {**os.environ, "CALENDAR_APP_DB": str(folder / "bench.db"), "CALENDAR_APP_TZ": "UTC"}
    end = WINDOW_START + timedelta(days=WINDOW_DAYS)
    window = ["--from", WINDOW_START.isoformat(), "--to", end.isoformat()]
    agenda = ["--from", WINDOW_START.strftime("%Y-%m-%d"), "--days", str(WINDOW_DAYS)]
    baseline = khal.list_command(config, WINDOW_START, WINDOW_DAYS)
    missed = 0
    for name, args in (("event list 30-day window", ["event", "list", *window]),
                       ("event list 30-day window --json", ["event", "list", *window, "--json"]),
                       ("agenda 30 days", ["agenda", *agenda]),
                       ("agenda 30 days --json", ["agenda", *agenda, "--json"])):
        timing = time_paired([CLI, *args], baseline, env=env)
        missed += judge_ratio(name, timing.command * 1000, timing.baseline * 1000, "ms", "khal list",
                              at_most=0.8)
    contact = [CLI, "contact", "add", "Бат Болд", "--email", "bat@example.org"]
    subprocess.run(contact, env=env, check=True, stdout=subprocess.DEVNULL)
    add = [CLI, "event", "add", "Зөвшилцөх уулзалт", "--kind", "consultation", "--start",
           ADD_START.strftime("%Y-%m-%d %H:%M"), "--duration", "2h", "--notify", "bat@example.org"]
    timing = time_paired(add, khal.new_command(config, "Зөвшилцөх уулзалт", ADD_START, "1d,2h"), env=env,
                         quiet=True)
    missed += judge_ratio("event add, reminders planned (1d, 2h)", timing.command * 1000,
                          timing.baseline * 1000, "ms", "khal new", at_most=1.0)
    return missed
