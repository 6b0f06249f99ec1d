"""Issue 14: after one event changed, the server rebuilds a feed from the chunks and gzip segments of its
previous build, reading only what changed; the bytes, gzip form and ETag are those of a build from scratch."""

from __future__ import annotations

import asyncio
import gzip
import zlib

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.db import read_session
from calendar_app.web.cache import FeedCache, build_feed
from calendar_app.web.packing import SPAN, pack
from events.drafts import EventChanges, NewEventDraft
from exports import feeds
from exports.feeds import FeedSpec
from tests.conftest import NOW


def _from_scratch(app: App) -> tuple[bytes, str, bytes]:
    engine = app.store.engine
    with read_session(engine) as session:
        feed = feeds.find_feed("pub", session=session)
    built = build_feed(feed, engine=engine, now=NOW, kind_defaults=app.kind_defaults)
    return built.body, built.etag, built.gzipped


def test_rebuild_after_one_change_equals_a_build_from_scratch(app: App) -> None:
    for day in range(1, 2 * SPAN + 10):
        start = f"2026-{1 + day // 28:02d}-{1 + day % 28:02d} 10:00"
        services.add_event(NewEventDraft(title=f"Сургалт {day}", start=start, visibility="public"), app=app, now=NOW)
    feed_service.add_feed(FeedSpec("pub"), app=app, now=NOW)
    cache = FeedCache(app.store.engine, check_interval=0, kind_defaults=app.kind_defaults, clock=lambda: NOW)
    first = asyncio.run(cache.get("public:pub"))
    assert first is not None and first.memo is not None and len(first.segments) >= 2
    changed = services.list_events(services.EventFilter(limit=1), app=app, now=NOW)[0]
    services.edit_event(str(changed.id), EventChanges(title="Шинэчилсэн"), app=app, now=NOW)

    again = asyncio.run(cache.get("public:pub"))
    assert again is not None and "Шинэчилсэн".encode() in again.body
    assert (again.body, again.etag, again.gzipped) == _from_scratch(app)
    assert gzip.decompress(again.gzipped) == again.body
    assert again.memo is not None and first.memo is not None
    kept = [i for i in again.memo.versions if i != changed.id]
    assert all(again.memo.chunk(i, first.memo.versions[i]) == first.memo.chunk(i, first.memo.versions[i])
               for i in kept)
    reused = [key for key in again.segments if first.segments.get(key) is again.segments[key]]
    assert len(reused) == len(again.segments) - 1  # only the changed event's segment was compressed again


def test_packed_gzip_is_one_stream_whatever_the_pieces() -> None:
    parts = [(None, b"BEGIN:VCALENDAR\r\n"), *(((i, "v"), b"EVENT %d\r\n" % i * (i % 7)) for i in range(1, 300)),
             (None, b"TODO\r\n"), (None, b"END:VCALENDAR\r\n")]
    body = b"".join(piece for _, piece in parts)
    packed = pack(body, parts, {})
    reader = zlib.decompressobj(zlib.MAX_WBITS | 16)  # as HTTP clients read it: one member, nothing after
    assert reader.decompress(packed.gzipped) == body and reader.eof and not reader.unused_data
    assert pack(body, parts, packed.segments) == packed


def test_rebuild_rendered_otherwise_takes_nothing_from_the_previous_build(sqlite_app: App) -> None:
    """Same events and versions, another variant (here: busy-only): no chunk or gzip segment carries over."""
    for day in range(1, SPAN + 5):
        services.add_event(NewEventDraft(title=f"Уулзалт {day}", start=f"2026-03-{1 + day % 28:02d} 10:00",
                                         visibility="public"), app=sqlite_app, now=NOW)
    feed_service.add_feed(FeedSpec("pub"), app=sqlite_app, now=NOW)
    engine = sqlite_app.store.engine
    with read_session(engine) as session:
        feed = feeds.find_feed("pub", session=session)
    full = build_feed(feed, engine=engine, now=NOW, kind_defaults=sqlite_app.kind_defaults)
    feed.detail = "busy"
    busy = build_feed(feed, engine=engine, now=NOW, kind_defaults=sqlite_app.kind_defaults, previous=full)
    scratch = build_feed(feed, engine=engine, now=NOW, kind_defaults=sqlite_app.kind_defaults)
    assert "Уулзалт".encode() not in busy.body and busy.body == scratch.body
    assert (busy.etag, busy.gzipped) == (scratch.etag, scratch.gzipped) != (full.etag, full.gzipped)
