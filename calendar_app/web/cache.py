"""Built feeds in memory (PRODUCT.md section 3, HTTP).

A feed's bytes are built once (from VEVENT chunks stored in the database, see `exports.cache`) and kept
in memory with their gzip form and ETag, so a repeated GET costs a dictionary lookup. The database is
shared with the CLI and other servers, so every `check_interval` seconds one cheap query fingerprints it
(event count, newest change, feed changes); a different fingerprint drops the built feeds, whose VEVENT
chunks the next build of each reuses (only the events that changed are read or rendered again). A feed that
holds cancelled events is also rebuilt when the first of them reaches the end of its retention.

Every database query runs in the thread pool, never on the event loop; one fingerprint query is in
flight at a time and one build per feed, however many requests arrive together. When the fingerprint query
fails (the database cannot be used) the built feeds are dropped and every request fails with the
`StorageError` until a later look succeeds: no feed is answered from memory while the database is away,
and none built before the outage is answered after it.
"""

from __future__ import annotations

import asyncio
import calendar
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from calendar_app.clock import utc_now
from calendar_app.db import read_session
from calendar_app.rendered import ChunkKeeper
from calendar_app.web.database import StoreWatch
from calendar_app.web.packing import Packed, Segment, SegmentKey, pack
from events.errors import StorageError
from exports import feeds
from exports.cache import ChunkMemo, ChunkRows, chunk_variant, iter_feed_parts
from exports.models import Feed
from exports.render import Detail
from exports.selection import plan, store_state

if TYPE_CHECKING:
    from events.notify.workflows import KindDefaults

log = logging.getLogger("calendar_app.web.cache")

CONTENT_TYPE = "text/calendar; charset=utf-8"
KindDefaultsSource = Callable[[], Mapping[str, "KindDefaults"]]
Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class Built:
    """One feed's bytes and ready-made response headers (identity and gzip), so answering costs no work."""

    name: str
    private: bool
    body: bytes
    gzipped: bytes
    etag: str  # strong, of the identity bytes; the gzip form's ends in -gz
    last_modified: datetime
    etags: tuple[bytes, bytes]  # the opaque tags of both forms, for If-None-Match
    modified_at: int  # last_modified in seconds since the epoch, for If-Modified-Since
    expires: datetime | None
    headers: dict[bool, Headers]  # by "gzipped?": headers of a 200
    headers_304: dict[bool, Headers]
    raw: dict[tuple[int, bool], bytes]  # by (status, gzipped?): the header lines as sent, for `FeedRoutes.answer_now`
    # Its VEVENT chunks and gzip segments, for the next build of the feed after a change.
    memo: ChunkMemo | None = None
    segments: Mapping[SegmentKey, Segment] = field(default_factory=dict)


def _headers(name: str, private: bool, etag: str, modified: datetime, length: int,
             gzipped: bool) -> tuple[Headers, Headers]:
    common = [
        (b"etag", etag.encode()),
        (b"last-modified", format_datetime(modified, usegmt=True).encode()),
        (b"cache-control", b"private, max-age=300" if private else b"public, max-age=300"),
        (b"vary", b"Accept-Encoding"),
        (b"x-content-type-options", b"nosniff"),
    ]
    full = [
        *common,
        (b"content-type", CONTENT_TYPE.encode()),
        (b"content-disposition", f'inline; filename="{name}.ics"'.encode()),
        (b"content-length", str(length).encode()),
    ]
    if gzipped:
        full.append((b"content-encoding", b"gzip"))
    return full, common


class KindDefaultsKeeper:
    """The workflows file's kind defaults, for feeds that show reminder plans as VALARMs. `read` is called
    once at construction (a broken file stops the start, with the file's error); if it breaks while the
    server runs, feeds keep the last good defaults and the error is logged once, instead of every such feed
    failing until someone notices."""

    def __init__(self, read: KindDefaultsSource) -> None:
        self._read = read
        self.good = read()
        self.reported: str | None = None

    def current(self) -> Mapping[str, KindDefaults]:
        from events.notify.errors import WorkflowFileError

        try:
            self.good = self._read()
            self.reported = None
        except WorkflowFileError as error:
            if str(error) != self.reported:
                self.reported = str(error)
                log.error("%s; feeds keep the reminder defaults read before", error)
        return self.good

    def state(self) -> str:
        """Fingerprint of the reminder rules in force: an edited workflows file changes plan alarms."""
        from exports.alarm_plan import defaults_tag

        return defaults_tag(self.current())


def build_feed(feed: Feed, *, engine: Engine, now: datetime, kind_defaults: KindDefaultsSource,
               store: Callable[[ChunkRows], None] | None = None, previous: Built | None = None) -> Built:
    """A feed's bytes and headers. `kind_defaults` gives the reminder defaults for plan alarms; the chunks
    rendered here go to `store` after the read transaction ends (None: they are not kept). The chunks of
    `previous` (the feed as built before a change) still current are reused: after one event changed, only
    that event is read or rendered."""
    defaults = kind_defaults() if feeds.feed_alarm_plan(feed) else None
    detail, alarms = Detail(feed.detail), feeds.feed_alarms(feed)
    variant = chunk_variant(detail, alarms, defaults, bool(feed.attendees))
    if previous is not None and (previous.memo is None or previous.memo.variant != variant):
        previous = None  # rendered otherwise (detail, alarms, kind defaults): neither chunks nor segments apply
    fresh: ChunkRows = []
    with read_session(engine) as session:
        chosen = plan(feeds.feed_selection(feed), session=session, now=now)
        parts = list(iter_feed_parts(chosen, feeds.feed_head(feed), detail=detail, session=session, alarms=alarms,
                                     reminder_defaults=defaults, tasks=bool(feed.tasks), store=fresh.extend,
                                     attendees=bool(feed.attendees),
                                     memo=previous.memo if previous is not None else None))
    if store is not None and fresh:
        store(fresh)
    body = b"".join(piece for _, piece in parts)
    packed = pack(body, parts, previous.segments if previous is not None else {})
    memo = ChunkMemo.over(variant, body, parts)
    return _built(feed, body, packed, modified=max(d for d in (chosen.last_modified, feed.updated_at) if d is not None),
                  expires=chosen.expires, memo=memo)


def _built(feed: Feed, body: bytes, packed: Packed, *, modified: datetime, expires: datetime | None,
           memo: ChunkMemo) -> Built:
    digest, gzipped = packed.digest, packed.gzipped
    modified = modified.replace(microsecond=0)
    etag = f'"{digest}"'
    plain_headers, plain_304 = _headers(feed.name, feed.private, etag, modified, len(body), False)
    gzip_headers, gzip_304 = _headers(feed.name, feed.private, f'"{digest}-gz"', modified, len(gzipped), True)
    headers = {False: plain_headers, True: gzip_headers}
    headers_304 = {False: plain_304, True: gzip_304}
    raw = {(status, gz): b"".join(b"%s: %s\r\n" % pair for pair in by_gzip[gz])
           for status, by_gzip in ((200, headers), (304, headers_304)) for gz in (False, True)}
    return Built(feed.name, feed.private, body, gzipped, etag, modified, (etag.encode(), f'"{digest}-gz"'.encode()),
                 calendar.timegm(modified.utctimetuple()), expires, headers, headers_304, raw, memo,
                 packed.segments)


class FeedCache:
    """Built feeds by route key, dropped whenever the database's fingerprint changes."""

    def __init__(self, engine: Engine, *, check_interval: float, kind_defaults: KindDefaultsSource,
                 clock: Callable[[], datetime] = utc_now, watch: StoreWatch | None = None) -> None:
        self.engine = engine
        self.watch = watch if watch is not None else StoreWatch(engine)
        self.kind_defaults = KindDefaultsKeeper(kind_defaults)
        self.keep_chunks = ChunkKeeper(engine)
        self.check_interval = check_interval
        self.clock = clock
        self.built: dict[str, Built] = {}
        self.stale: dict[str, Built] = {}  # built before the last change, whose chunks the next build reuses
        self.locks: dict[str, asyncio.Lock] = {}
        self.refresh_lock = asyncio.Lock()
        self.state: tuple[object, ...] | None = None
        self.checked_at = float("-inf")  # monotonic time at which the last fingerprint query began
        self.generation = 0
        self.outage: StorageError | None = None  # why the last look failed, until one succeeds

    def fingerprint(self) -> tuple[object, ...]:
        """The database's and the workflows file's state (blocking: call it from the thread pool)."""
        self.watch.check()
        with read_session(self.engine) as session:
            return (*store_state(session=session), self.kind_defaults.state())

    async def refresh(self) -> None:
        """Drop every built feed if the database changed since the last look (at most every interval).

        The query runs in the thread pool, one at a time: a request that arrives while one runs waits for
        the lock and then reuses that look if it began recently enough, else takes the next one. While the
        last look failed, this raises its `StorageError` until the next look succeeds."""
        arrived = time.monotonic()
        if arrived - self.checked_at < self.check_interval:
            self._raise_outage()
            return
        async with self.refresh_lock:
            if arrived - self.checked_at < self.check_interval or self.checked_at >= arrived:
                self._raise_outage()
                return  # a look that began after this request arrived (or recently enough) just finished
            began = time.monotonic()
            try:
                state = await run_in_threadpool(self.fingerprint)
            except StorageError as error:
                self.checked_at = began
                self._lost(error)
                raise
            self.checked_at = began
            if self.outage is not None:
                log.warning("the database answers again: feeds are served again")
                self.outage = None
            if state != self.state:
                self.state = state
                self.generation += 1
                self.stale.update(self.built)
                self.built.clear()

    def _raise_outage(self) -> None:
        if self.outage is not None:
            raise self.outage

    def _lost(self, error: StorageError) -> None:
        if self.outage is None:
            log.error("feeds answer 503 until the database can be used again: %s", error)
        self.outage = error
        self.state = None  # whatever the database holds when it is back, the feeds are built from it anew
        self.generation += 1
        self.built.clear()
        self.stale.clear()

    def _lookup(self, key: str) -> Feed | None:
        self.watch.check()
        kind, _, value = key.partition(":")
        with read_session(self.engine) as session:
            if kind == "public":
                return feeds.public_feed(value, session=session)
            return feeds.feed_by_token(value, session=session)

    def peek(self, key: str) -> Built | None:
        """The built feed of `key` if it can be answered now without waiting for anything: built, fresh,
        and the database looked at within the interval, with no outage. Else None: ask `get`."""
        return self._fresh(key, self.clock()) if self.looked_lately() else None

    def looked_lately(self) -> bool:
        """The database was looked at within the interval, with no outage: what memory holds may be sent."""
        return self.outage is None and time.monotonic() - self.checked_at < self.check_interval

    def _fresh(self, key: str, now: datetime) -> Built | None:
        found = self.built.get(key)
        if found is not None and (found.expires is None or now < found.expires):
            return found
        return None

    async def get(self, key: str) -> Built | None:
        await self.refresh()
        now = self.clock()
        found = self._fresh(key, now)
        if found is not None:
            return found
        lock = self.locks.setdefault(key, asyncio.Lock())
        async with lock:
            found = self._fresh(key, now)
            if found is not None:
                return found
            feed = await run_in_threadpool(self._lookup, key)
            if feed is None:
                self.locks.pop(key, None)  # unknown tokens must not pile up locks
                self.stale.pop(key, None)
                return None
            generation = self.generation
            built = await run_in_threadpool(self._build, feed, now, self.stale.get(key))
            if generation == self.generation:  # else the database changed while building: do not serve it again
                self.built[key] = built
                self.stale.pop(key, None)
            else:
                self.stale[key] = built
            return built

    def _build(self, feed: Feed, now: datetime, previous: Built | None) -> Built:
        self.watch.check()
        return build_feed(feed, engine=self.engine, now=now, kind_defaults=self.kind_defaults.current,
                          store=self.keep_chunks, previous=previous)
