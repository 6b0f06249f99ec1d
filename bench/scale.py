"""A 1,000,000-event store against the same at 100,000 (issue 14): what people read must not grow with the
store. Both stores hold the same events at the same density (137 a day): the small one over 2025-2026, the
large one over 2016-2035. Measured on each: `event list` of a 30-day window (through the service, about
4,100 events) and the build of a programme's public feed (2,000 events, rendered chunks kept, as a server
rebuilds it after any change). Target: the large store <= 1.2x the small one.

The stores are written with sqlite3 `executemany` into the schema the app's migrations make (the service
would take minutes for a million events; bench/store.py measures that path).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import judge_ratio
from calendar_app import services
from calendar_app.app import App
from calendar_app.config import Settings
from calendar_app.rendered import ChunkKeeper
from calendar_app.web.cache import build_feed
from calendar_app.workflows import workflows
from exports import feeds

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
SMALL, LARGE = 100_000, 1_000_000
PER_DAY = SMALL / 730
FIRST_SMALL = datetime(2025, 1, 1, tzinfo=UTC)
FIRST_LARGE = FIRST_SMALL - timedelta(days=9 * 365)
WINDOW = ("2025-10-01", "2025-10-31")
FEED_EVENTS = 2_000  # of the programme the feed shows, in both stores
PROGRAMME = "Scale feed programme"
REGIONS = (("ulaanbaatar", "Asia/Ulaanbaatar"), ("khovd", "Asia/Hovd"), ("bishkek", "Asia/Bishkek"),
           ("osh-city", "Asia/Bishkek"), ("dornod", "Asia/Ulaanbaatar"), ("naryn", "Asia/Bishkek"))
KINDS = ("consultation", "round_table", "training", "campaign_day", "signing", "launch", "meeting")
TITLES = ("Жендэрийн эрх тэгш байдлын зөвшилцөх уулзалт", "Тегерек стол: гендердик сезимтал кызматтар",
          "Хүүхэд хамгааллын сургалт", "16 күндүк активдүүлүк: маалымат күнү")
COLUMNS = ("uid", "title", "kind", "all_day", "start_utc", "end_utc", "timezone", "region", "location",
           "programme_id", "language", "status", "visibility", "sequence", "search_text", "created_at",
           "updated_at", "yearly", "recurs")
STAMP = "2026-11-01 00:00:00.000000"


def _text(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(" ", "microseconds")


def _rows(first: int, last: int, origin: datetime, programme_id: int, feed_every: int) -> Iterator[tuple[object, ...]]:
    """Events `first`..`last` (numbers) in start order from `origin`, 137 a day; one in 1,000 lasts two to
    eight months (the long ones a window must still find); every `feed_every`-th is the feed's programme."""
    step = timedelta(days=1) / PER_DAY
    for n in range(first, last):
        start = origin + step * (n - first)
        all_day = n % 10 == 0
        if all_day:
            start = start.replace(hour=0, minute=0, second=0, microsecond=0)
        length = timedelta(days=60 + n % 180) if n % 1000 == 7 else timedelta(days=2 if all_day else 0,
                                                                               hours=0 if all_day else 2)
        region, tz = REGIONS[n % len(REGIONS)]
        title = f"{TITLES[n % len(TITLES)]} №{n}"
        yield (f"scale-{n}@bench", title, KINDS[n % len(KINDS)], all_day, _text(start), _text(start + length), tz,
               region, "Улаанбаатар, Чингэлтэй дүүрэг", programme_id if n % feed_every == 3 else None, "mn",
               "confirmed", "public", 0, title.casefold(), STAMP, STAMP, False, False)


def _insert(path: Path, rows: Iterator[tuple[object, ...]]) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous = OFF")  # a throwaway store: no need to wait for the disk
    connection.execute("PRAGMA cache_size = -200000")
    sql = f"INSERT INTO event ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    with connection:
        connection.executemany(sql, rows)
    connection.close()


def build(folder: Path) -> tuple[Path, Path]:
    """The small store (schema by the migrations, a programme feed), then the large one: a copy of it with
    900,000 more events before and after."""
    small = folder / "small.db"
    app = App.open(Settings(db_url=f"sqlite:///{small}", default_tz="Asia/Ulaanbaatar"))
    feeds_ = feeds.FeedSpec("scale", programmes=[PROGRAMME])
    connection = sqlite3.connect(small)
    with connection:
        programme_id = connection.execute("INSERT INTO programme (name) VALUES (?)", (PROGRAMME,)).lastrowid
    connection.close()
    assert programme_id is not None
    from calendar_app import feeds as feed_service

    feed_service.add_feed(feeds_, app=app, now=NOW)
    app.close()
    _insert(small, _rows(0, SMALL, FIRST_SMALL, programme_id, SMALL // FEED_EVENTS))
    large = folder / "large.db"
    shutil.copy(small, large)
    before = (FIRST_SMALL - FIRST_LARGE).days * PER_DAY
    _insert(large, _rows(SMALL, SMALL + int(before), FIRST_LARGE, programme_id, LARGE))
    after_start = FIRST_SMALL + timedelta(days=730)
    _insert(large, _rows(SMALL + int(before), LARGE, after_start, programme_id, LARGE))
    for path in (small, large):
        connection = sqlite3.connect(path)
        connection.execute("ANALYZE")
        connection.close()
    return small, large


class Store:
    """One store opened as the CLI opens it, with what the bench does on it."""

    def __init__(self, path: Path) -> None:
        self.app = App.open(Settings(db_url=f"sqlite:///{path}", default_tz="Asia/Ulaanbaatar"))
        self.window = services.EventFilter(start=WINDOW[0], end=WINDOW[1])
        with self.app.read() as session:
            self.feed = feeds.find_feed("scale", session=session)
        self.keeper = ChunkKeeper(self.app.store.engine)

    def listing(self) -> int:
        return len(services.list_events(self.window, app=self.app, now=NOW))

    def feed_build(self) -> int:
        built = build_feed(self.feed, engine=self.app.store.engine, now=NOW,
                           kind_defaults=lambda: workflows(None), store=self.keeper)
        return built.body.count(b"BEGIN:VEVENT")


def _paired(small: Callable[[], int], large: Callable[[], int], repeat: int = 7) -> tuple[float, float, int]:
    """Best times of the two, run alternately (a machine that slows down weighs on both alike), and the
    count they gave (the same, or the stores differ)."""
    counts = {small(), large()}  # a first run of each: caches filled, feed chunks rendered and kept
    assert len(counts) == 1, "the stores must show the same events"
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for side, action in enumerate((small, large)):
            started = time.perf_counter()
            action()
            best[side] = min(best[side], time.perf_counter() - started)
    return best[0], best[1], counts.pop()


def run() -> int:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        paths = build(Path(folder))
        print(f"stores of {SMALL:,} and {LARGE:,} events built in {time.perf_counter() - started:.1f} s")
        small, large = (Store(path) for path in paths)
        small_list, large_list, rows = _paired(small.listing, large.listing)
        small_feed, large_feed, events = _paired(small.feed_build, large.feed_build)
        small.app.close()
        large.app.close()
    return (judge_ratio(f"event list, 30-day window ({rows:,} events), 1M store", large_list * 1000,
                        small_list * 1000, "ms", "100k store", at_most=1.2)
            + judge_ratio(f"feed build ({events:,} events), 1M store", large_feed * 1000, small_feed * 1000,
                          "ms", "100k store", at_most=1.2))
