"""A feed served from a database this server may only read: the rendered chunks cannot be kept, so they
are skipped (one log line), and the feed still answers 200 with the same bytes as from a writable store."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.clock import utc_now
from calendar_app.config import Settings
from calendar_app.db import create_db_engine, read_session, write_session
from calendar_app.rendered import ChunkKeeper
from calendar_app.web.cache import build_feed
from events.drafts import NewEventDraft
from events.errors import StorageError
from exports import feeds
from exports.checks import check_calendar
from exports.feeds import FeedSpec
from exports.models import RenderedEvent
from tests.conftest import NOW
from tests.server_helpers import running_server

TITLE = "Иргэний нийгмийн зөвлөлдөх уулзалт"


def read_only_url(url: str) -> str:
    """The same database, opened so that every write fails (SQLite URI mode=ro; PostgreSQL read-only
    transactions by default)."""
    if url.startswith("sqlite:///"):
        return f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    parsed = make_url(url)
    options = f"{parsed.query.get('options', '')} -cdefault_transaction_read_only=on".strip()
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


def _stock(app: App) -> None:
    services.add_event(NewEventDraft(title=TITLE, start="2026-11-26 10:00", duration="2h", region="ulaanbaatar",
                                     visibility="public"), app=app, now=NOW)
    feed_service.add_feed(FeedSpec("pub"), app=app, now=NOW)


def _chunk_count(url: str) -> int:
    with write_session(create_db_engine(url)) as session:
        return int(session.execute(select(func.count()).select_from(RenderedEvent)).scalar_one())


def test_chunks_are_skipped_once_logged_on_a_read_only_store(app: App, caplog) -> None:
    _stock(app)
    writable = app.store.engine
    read_only = create_db_engine(read_only_url(app.settings.db_url))
    with write_session(read_only) as session:
        feed = feeds.find_feed("pub", session=session)
    with pytest.raises(StorageError, match="read-only"), write_session(read_only) as session:
        session.add(RenderedEvent(event_id=1, detail="x", version="x", body=b"x"))  # the store refuses writes
    expected = build_feed(feed, engine=writable, now=NOW, kind_defaults=app.kind_defaults).body

    keeper = ChunkKeeper(read_only)
    with caplog.at_level(logging.WARNING, logger="calendar_app.rendered"):
        bodies = [build_feed(feed, engine=read_only, now=NOW, kind_defaults=app.kind_defaults, store=keeper).body
                  for _ in range(2)]
    assert bodies == [expected, expected] and TITLE.encode() in expected
    assert len(caplog.records) == 1 and "not kept" in caplog.records[0].getMessage()
    assert _chunk_count(app.settings.db_url) == 0

    build_feed(feed, engine=writable, now=NOW, kind_defaults=app.kind_defaults, store=ChunkKeeper(writable))
    assert _chunk_count(app.settings.db_url) == 1  # the same keeper on a writable store keeps them


def test_serve_answers_feeds_from_a_read_only_sqlite_file(tmp_path: Path) -> None:
    app = App.open(Settings(db_url=f"sqlite:///{tmp_path / 'cal.db'}", default_tz="Asia/Ulaanbaatar"))
    _stock(app)
    writable = app.store.engine
    with read_session(writable) as session:
        feed = feeds.find_feed("pub", session=session)
    with running_server(read_only_url(app.settings.db_url), options=["--no-reminders"]) as client:
        first = client.get("/feeds/pub.ics")
        again = client.get("/feeds/pub.ics", headers={"If-None-Match": first.headers["etag"]})
        page = client.get("/")
    assert first.status_code == 200, first.text
    assert first.content == build_feed(feed, engine=writable, now=utc_now(), kind_defaults=app.kind_defaults).body
    assert check_calendar(first.content) == [] and TITLE in first.text
    assert again.status_code == 304
    assert page.status_code == 200 and "/feeds/pub.ics" in page.text
    assert _chunk_count(app.settings.db_url) == 0


def test_a_read_only_copy_can_still_be_exported_from_the_cli(app: App, tmp_path: Path) -> None:
    """`export` on a database it may only read: every event is written, the chunks are not kept, exit 0."""
    from tests.cli_helpers import run

    _stock(app)
    out = tmp_path / "copy.ics"
    result = run(read_only_url(app.settings.db_url), "export", "-o", str(out))
    assert result.code == 0, result.stderr
    data = out.read_bytes()
    assert check_calendar(data) == [] and data.count(b"BEGIN:VEVENT") == 1 and TITLE.encode() in data
    with read_session(app.store.engine) as session:
        assert session.execute(select(func.count()).select_from(RenderedEvent)).scalar_one() == 0
