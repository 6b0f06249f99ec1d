"""The server's feed cache in-process, with an injected clock: a cancelled event leaves a built feed when
its retention ends, a change seen in the database drops built feeds, unknown tokens leave nothing behind."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.web.cache import FeedCache
from events.drafts import NewEventDraft
from exports.feeds import FeedSpec
from tests.conftest import NOW


def test_cached_feed_follows_retention_and_changes(sqlite_app: App) -> None:
    event = services.add_event(NewEventDraft(title="Уулзалт", start="2026-11-26 10:00", visibility="public"),
                               app=sqlite_app, now=NOW).view
    services.cancel_event(str(event.id), None, app=sqlite_app, now=NOW)
    feed_service.add_feed(FeedSpec("pub", cancelled_days=2), app=sqlite_app, now=NOW)
    clock = {"now": NOW + timedelta(days=1)}

    def now() -> datetime:
        return clock["now"]

    cache = FeedCache(sqlite_app.store.engine, check_interval=0, kind_defaults=sqlite_app.kind_defaults, clock=now)
    first = asyncio.run(cache.get("public:pub"))
    assert first is not None and b"STATUS:CANCELLED" in first.body
    assert first.expires == NOW + timedelta(days=2)
    assert asyncio.run(cache.get("public:pub")) is first  # a lookup, not a render
    clock["now"] = NOW + timedelta(days=3)
    later = asyncio.run(cache.get("public:pub"))
    assert later is not None and b"BEGIN:VEVENT" not in later.body and later.etag != first.etag
    services.add_event(NewEventDraft(title="Шинэ", start="2026-11-27 10:00", visibility="public"),
                       app=sqlite_app, now=NOW + timedelta(days=3))
    changed = asyncio.run(cache.get("public:pub"))
    assert changed is not None and "Шинэ".encode() in changed.body
    assert asyncio.run(cache.get("token:" + "x" * 43)) is None
    assert "token:" + "x" * 43 not in cache.locks
