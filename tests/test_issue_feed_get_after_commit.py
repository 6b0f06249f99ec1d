"""A feed GET right after another connection committed a write answers 200.

The bug: the chunks a GET rendered were stored inside its read transaction. On SQLite that transaction
began deferred; once another process (the CLI's `event edit`) had committed after its first read, the
write could not upgrade it and failed at once with "database is locked": a 500. Now the chunks are stored
in a separate short write transaction. Here the other connection commits exactly between the GET's first
read of stored chunks and the storing of the fresh ones (on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import event, func, select

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.db import read_session
from calendar_app.web.app import create_app
from events.drafts import EventChanges, NewEventDraft
from exports.feeds import FeedSpec
from exports.models import RenderedEvent
from tests.conftest import NOW

FIRST = "Хэлэлцүүлэг"
OTHER = "Семинар"


def _get(app: Any, path: str) -> httpx.Response:
    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.get(path)

    return asyncio.run(fetch())


def test_feed_get_while_another_connection_commits(app: App) -> None:
    services.add_event(NewEventDraft(title=FIRST, start="2026-11-26 10:00", visibility="public"),
                       app=app, now=NOW)
    other = services.add_event(NewEventDraft(title=OTHER, start="2026-11-27 10:00", visibility="public"),
                               app=app, now=NOW).view
    feed_service.add_feed(FeedSpec("pub"), app=app, now=NOW)
    engine = app.store.engine
    committed: list[str] = []

    def commit_elsewhere(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # After the GET's transaction has read the stored chunks (its snapshot is taken), the CLI edits.
        if not committed and statement.lstrip().upper().startswith("SELECT") and "rendered_event" in statement:
            committed.append(statement)
            services.edit_event(str(other.id), EventChanges(title="Шинэ нэр"), app=app, now=NOW)

    event.listen(engine, "after_cursor_execute", commit_elsewhere)
    web = create_app(engine, base_url="https://calendar.example.org", check_interval=0,
                     kind_defaults=app.kind_defaults, clock=lambda: NOW)
    answer = _get(web, "/feeds/pub.ics")
    assert committed, "the other connection did not commit during the GET"
    assert answer.status_code == 200, answer.text
    assert FIRST in answer.text
    with read_session(engine) as session:
        assert session.execute(select(func.count()).select_from(RenderedEvent)).scalar_one() == 2  # kept
    assert "Шинэ нэр" in _get(web, "/feeds/pub.ics").text  # and the next GET sees the edit
