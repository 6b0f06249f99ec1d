"""Recurring series (issue 11), each against its baseline measured in the same run.

  python -m bench series [--events 100000] [--series 2000] [--runs 7]

1. `event list` of a 30-day window, --json, in a store of 100,000 single events plus 2,000 weekly series
   running ten years, against the same list from a store where those series' occurrences in the window are
   stored as single events instead (the same rows printed): target <= 1.2x.
2. A feed of those 2,000 series (some with an EXDATE and an override): cold render against icalendar
   building and serialising the same components: target <= 1.0x.
Stores are built once; each figure is a median of a few paired runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text, update

from bench.common import CLI, report
from bench.store import EVENTS, WINDOW_START, build
from calendar_app.app import App
from calendar_app.config import Settings
from calendar_app.db import read_session, write_session
from events import queries
from events.bulk import insert_events
from events.drafts import NewEventDraft
from events.models import Event
from events.recurrence.expand import _tiling
from events.recurrence.rules import rule_until
from events.recurrence.store import Repeat

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
SERIES = 2_000
WINDOW = (WINDOW_START, WINDOW_START + timedelta(days=30))
ZONES = ("Asia/Ulaanbaatar", "Asia/Hovd", "Asia/Bishkek", "Europe/Berlin")
DAYS = ("MO", "TU", "WE", "TH", "FR")
TITLES = ("Ажлын долоо хоногийн хурал", "Апталык жыйын: долбоордун командасы", "Еженедельная планёрка",
          "Түншүүдтэй холбоо барих дуудлага")


def series_drafts(count: int) -> Iterator[NewEventDraft]:
    """Weekly series of ten years each, begun over the five years before the window, in our zones."""
    first = datetime(2020, 1, 6, 9, 0)  # noqa: DTZ001 - wall-clock text below, read in each zone
    for n in range(count):
        start = first + timedelta(days=(n * 7) % 1825, hours=n % 8)
        yield NewEventDraft(
            title=f"{TITLES[n % len(TITLES)]} №{n}", kind="meeting", start=f"{start:%Y-%m-%d %H:%M}", duration="1h",
            tz=ZONES[n % len(ZONES)], visibility="public", uid=f"bench-series-{n}@calendar-app", language="mn",
            location="Улаанбаатар, Сүхбаатар дүүрэг, 8-р хороо", default_reminders=False,
            repeat=Repeat(freq="weekly", on=[DAYS[n % len(DAYS)]], until=f"{start + timedelta(days=3652):%Y-%m-%d}",
                          exdates=[f"{start + timedelta(weeks=3):%Y-%m-%d %H:%M}"] if n % 10 == 0 else []),
        )


def add_series(app: App, count: int) -> None:
    with write_session(app.store.engine) as session:
        insert_events(series_drafts(count), session=session, default_tz=app.settings.default_tz, now=NOW)


def add_overrides(app: App, every: int = 10) -> int:
    """An override of the fifth occurrence of every `every`th series: moved by a day, as an edit makes it."""
    table = Event.__table__  # type: ignore[attr-defined]
    with write_session(app.store.engine) as session:
        rows = [dict(r._mapping) for r in session.execute(select(table).where(table.c.recurs.is_(True)))]
        fresh = []
        for row in rows[::every]:
            original = row["start_utc"] + timedelta(weeks=4)
            fresh.append({**{k: v for k, v in row.items() if k != "id"}, "uid": f"{row['uid']}/override",
                          "start_utc": original + timedelta(days=1),
                          "end_utc": row["end_utc"] + timedelta(weeks=4, days=1),
                          "rrule": None, "rdates": None, "exdates": None, "recurs": False, "series_end_utc": None,
                          "series_id": row["id"], "recurrence_utc": original, "sequence": row["sequence"]})
        if fresh:
            session.execute(insert(table), fresh)
    return len(fresh)


def flatten_window(series_app: App, flat_app: App) -> int:
    """Store in `flat_app` the window's occurrences of `series_app`'s series as single events."""
    table = Event.__table__  # type: ignore[attr-defined]
    with read_session(series_app.store.engine) as session:
        rows = {r.id: dict(r._mapping) for r in session.execute(select(table).where(table.c.recurs.is_(True)))}
        views = queries.list_events(queries.EventQuery(start=WINDOW[0], end=WINDOW[1]), session=session)
    singles: list[dict[str, Any]] = []
    for view in views:
        if view.series_id is None or view.series_id not in rows:
            continue
        row = rows[view.series_id]
        start = view.start.astimezone(UTC)
        singles.append({**{k: v for k, v in row.items() if k != "id"}, "uid": f"{row['uid']}/{start:%Y%m%dT%H%M%SZ}",
                        "start_utc": start, "end_utc": view.end.astimezone(UTC), "rrule": None, "rdates": None,
                        "exdates": None, "recurs": False, "series_end_utc": None})
    with write_session(flat_app.store.engine) as session:
        session.execute(insert(table), singles)
    return len(singles)


def _open(path: Path) -> App:
    return App.open(Settings(db_url=f"sqlite:///{path}", default_tz="UTC"))


def _listing_rows(env: dict[str, str], listing: list[str]) -> list[tuple[str, str]]:
    out = subprocess.run(listing, env=env, check=True, capture_output=True).stdout
    return sorted((row["start"], row["title"]) for row in json.loads(out))


def bench_list(root: Path, events: int, series: int, runs: int) -> int:
    flat_path, series_path = root / "flat.db", root / "series.db"
    started = time.perf_counter()
    build(flat_path) if events == EVENTS else _build_small(flat_path, events)
    shutil.copyfile(flat_path, series_path)
    series_app, flat_app = _open(series_path), _open(flat_path)
    add_series(series_app, series)
    flattened = flatten_window(series_app, flat_app)
    series_app.close()
    flat_app.close()
    print(f"  stores: {events:,} single events + {series:,} weekly series of ten years, and the same singles + "
          f"{flattened:,} stored occurrences ({time.perf_counter() - started:.0f} s to build)", flush=True)
    listing = [CLI, "event", "list", "--from", WINDOW[0].isoformat(), "--to", WINDOW[1].isoformat(), "--json"]
    env_series = {**os.environ, "CALENDAR_APP_DB": str(series_path), "CALENDAR_APP_TZ": "UTC"}
    env_flat = {**os.environ, "CALENDAR_APP_DB": str(flat_path), "CALENDAR_APP_TZ": "UTC"}
    shown = _listing_rows(env_series, listing)
    assert shown == _listing_rows(env_flat, listing), "the two stores list different rows"
    pairs = []
    for index in range(runs + 1):
        took = []
        for env in (env_series, env_flat):
            begin = time.perf_counter()
            subprocess.run(listing, env=env, check=True, stdout=subprocess.DEVNULL)
            took.append(time.perf_counter() - begin)
        if index:  # one warm-up pair first
            pairs.append(took)
    ours = statistics.median(p[0] for p in pairs)
    flat = statistics.median(p[1] for p in pairs)
    ratio = statistics.median(p[0] / p[1] for p in pairs)
    print(f"  event list 30-day window --json ({len(shown):,} rows): with series {ours * 1000:.0f} ms, "
          f"stored occurrences {flat * 1000:.0f} ms (median of {runs} pairs)")
    missed = report("  ratio: series / stored occurrences", ratio, "x", limit=1.2)
    # In-process, without the CLI's start: the query and expansion themselves.
    return missed + _in_process(series_path, flat_path, runs)


def _in_process(series_path: Path, flat_path: Path, runs: int) -> int:
    def once(app: App) -> float:
        _tiling.cache_clear()  # as cold as the CLI's fresh process
        rule_until.cache_clear()
        begin = time.perf_counter()
        with read_session(app.store.engine) as session:
            queries.list_events(queries.EventQuery(start=WINDOW[0], end=WINDOW[1]), session=session)
        return time.perf_counter() - begin

    series_app, flat_app = _open(series_path), _open(flat_path)
    try:
        pairs = [(once(series_app), once(flat_app)) for _ in range(runs + 1)][1:]
    finally:
        series_app.close()
        flat_app.close()
    ours = statistics.median(p[0] for p in pairs)
    flat = statistics.median(p[1] for p in pairs)
    print(f"  list_events in process: with series {ours * 1000:.0f} ms, stored occurrences {flat * 1000:.0f} ms")
    return report("  ratio in process (no CLI start)", statistics.median(p[0] / p[1] for p in pairs), "x", limit=1.2)


def _build_small(path: Path, count: int) -> None:
    from bench.data import drafts

    app = _open(path)
    with write_session(app.store.engine) as session:
        insert_events(drafts(0, count), session=session, default_tz="UTC", now=NOW)
    app.close()


def icalendar_directly(app: App) -> float:
    """The baseline: load the feed's rows, build one icalendar.Calendar with their VTIMEZONEs (over the same
    years) and every VEVENT (the series with its rule, each override with its series' UID), serialise it."""
    from icalendar import Calendar, Timezone

    from exports.render import build_event, is_override
    from exports.selection import series_refs

    started = time.perf_counter()
    with read_session(app.store.engine) as session:
        from exports import feeds
        from exports.selection import plan

        chosen = plan(feeds.feed_selection(feeds.find_feed("series", session=session)), session=session, now=NOW)
        views = queries.list_events(queries.EventQuery(ids=chosen.ids), session=session)
        refs = series_refs([v.series_id for v in views if v.series_id is not None and is_override(v)],
                           session=session)
    calendar = Calendar.new(name="series", prodid="-//bench//EN", method="PUBLISH")
    first, last = chosen.years
    for tzid in sorted(chosen.zones):
        calendar.add_component(Timezone.from_tzid(tzid, first_date=datetime(first - 1, 1, 1).date(),  # noqa: DTZ001
                                                  last_date=datetime(last + 2, 1, 1).date()))  # noqa: DTZ001
    for view in views:
        calendar.add_component(build_event(view, series=refs.get(view.series_id) if view.series_id else None))
    calendar.to_ical()
    return time.perf_counter() - started


def cold_render(app: App) -> float:
    from calendar_app.rendered import ChunkKeeper
    from calendar_app.web.cache import build_feed
    from calendar_app.workflows import workflows
    from exports import feeds
    from exports.render import timezone_bytes

    engine = app.store.engine
    with write_session(engine) as session:
        session.execute(text("DELETE FROM rendered_event"))
        feed = feeds.find_feed("series", session=session)
    timezone_bytes.cache_clear()  # cold: a fresh process has no VTIMEZONE either
    started = time.perf_counter()
    build_feed(feed, engine=engine, now=NOW, kind_defaults=lambda: workflows(None), store=ChunkKeeper(engine))
    return time.perf_counter() - started


def bench_feed(root: Path, series: int, runs: int) -> int:
    from calendar_app import feeds as feed_service
    from exports.feeds import FeedSpec

    app = _open(root / "feed.db")
    add_series(app, series)
    overrides = add_overrides(app)
    with write_session(app.store.engine) as session:  # as an edit leaves them: changed after the series
        table = Event.__table__  # type: ignore[attr-defined]
        session.execute(update(table).where(table.c.series_id.is_not(None)).values(updated_at=NOW))
    feed_service.add_feed(FeedSpec("series"), app=app, now=NOW)
    pairs = [(cold_render(app), icalendar_directly(app)) for _ in range(runs + 1)][1:]
    app.close()
    ours = statistics.median(p[0] for p in pairs)
    base = statistics.median(p[1] for p in pairs)
    print(f"  feed of {series:,} series and {overrides} overrides: cold render {ours * 1000:.0f} ms, icalendar "
          f"directly {base * 1000:.0f} ms (median of {runs})")
    return report("  ratio: cold render / icalendar", statistics.median(p[0] / p[1] for p in pairs), "x", limit=1.0)


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench series")
    parser.add_argument("--events", type=int, default=EVENTS)
    parser.add_argument("--series", type=int, default=SERIES)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv or [])
    print(f"series (issue 11): {os.cpu_count()} CPUs", flush=True)
    root = Path(tempfile.mkdtemp(prefix="bench-series-"))
    try:
        return bench_list(root, args.events, args.series, args.runs) + bench_feed(root, args.series, args.runs)
    finally:
        shutil.rmtree(root, ignore_errors=True)
