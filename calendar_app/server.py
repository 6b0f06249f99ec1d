"""The feed server: Starlette on uvicorn (PRODUCT.md section 3, HTTP).

A feed's bytes are built once (from VEVENT chunks stored in the database, see `exports.cache`) and kept
in memory with their gzip form and ETag, so a repeated GET costs a dictionary lookup. The database is
shared with the CLI and other servers, so every `check_interval` seconds one cheap query fingerprints it
(event count, newest change, feed changes); a different fingerprint drops the built feeds. A feed that
holds cancelled events is also rebuilt when the first of them reaches the end of its retention.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import html
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from calendar_app.clock import utc_now
from calendar_app.config import Settings
from calendar_app.db import session_scope
from calendar_app.feeds import base_url, public_path, webcal
from calendar_app.services import open_store
from exports import feeds
from exports.cache import iter_feed
from exports.models import Feed
from exports.render import Detail
from exports.selection import plan, store_state

CHECK_ENV = "CALENDAR_APP_FEED_CHECK_SECONDS"
DEFAULT_CHECK_SECONDS = 0.1
CONTENT_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class Built:
    """One feed's bytes, ready to answer with."""

    name: str
    private: bool
    body: bytes
    gzipped: bytes
    etag: str  # strong, of the identity bytes; the gzip form has its own (see `_etag_for`)
    last_modified: datetime
    expires: datetime | None


def build_feed(feed: Feed, *, engine: Engine, now: datetime) -> Built:
    with session_scope(engine) as session:
        chosen = plan(feeds.feed_selection(feed), session=session, now=now)
        body = b"".join(iter_feed(chosen, feeds.feed_head(feed), detail=Detail(feed.detail), session=session))
    digest = hashlib.sha256(body).hexdigest()[:40]
    modified = max(d for d in (chosen.last_modified, feed.updated_at) if d is not None)
    return Built(feed.name, feed.private, body, gzip.compress(body, compresslevel=1, mtime=0), f'"{digest}"',
                 modified.replace(microsecond=0), chosen.expires)


class FeedCache:
    """Built feeds by route key, dropped whenever the database's fingerprint changes."""

    def __init__(self, engine: Engine, *, check_interval: float, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.check_interval = check_interval
        self.clock = clock
        self.built: dict[str, Built] = {}
        self.locks: dict[str, asyncio.Lock] = {}
        self.state: tuple[object, ...] | None = None
        self.checked_at = float("-inf")

    def refresh(self) -> None:
        """Drop every built feed if the database changed since the last look (at most every interval)."""
        moment = time.monotonic()
        if moment - self.checked_at < self.check_interval:
            return
        with session_scope(self.engine) as session:
            state = store_state(session=session)
        self.checked_at = moment
        if state != self.state:
            self.state = state
            self.built.clear()

    def _lookup(self, key: str) -> Feed | None:
        kind, _, value = key.partition(":")
        with session_scope(self.engine) as session:
            if kind == "public":
                return feeds.public_feed(value, session=session)
            return feeds.feed_by_token(value, session=session)

    async def get(self, key: str) -> Built | None:
        self.refresh()
        found = self.built.get(key)
        now = self.clock()
        if found is not None and (found.expires is None or now < found.expires):
            return found
        lock = self.locks.setdefault(key, asyncio.Lock())
        async with lock:
            found = self.built.get(key)
            if found is not None and (found.expires is None or now < found.expires):
                return found
            feed = await run_in_threadpool(self._lookup, key)
            if feed is None:
                return None
            built = await run_in_threadpool(build_feed, feed, engine=self.engine, now=now)
            self.built[key] = built
            return built


def _etag_for(built: Built, gzipped: bool) -> str:
    return built.etag[:-1] + '-gz"' if gzipped else built.etag


def _not_modified(request: Request, built: Built) -> bool:
    wanted = request.headers.get("if-none-match")
    if wanted is not None:
        tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
        return "*" in tags or built.etag in tags or _etag_for(built, True) in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return built.last_modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def feed_response(request: Request, built: Built) -> Response:
    gzipped = "gzip" in request.headers.get("accept-encoding", "").lower()
    headers = {
        "ETag": _etag_for(built, gzipped),
        "Last-Modified": format_datetime(built.last_modified, usegmt=True),
        "Cache-Control": f"{'private' if built.private else 'public'}, max-age=300",
        "Vary": "Accept-Encoding",
    }
    if _not_modified(request, built):
        return Response(status_code=304, headers=headers)
    body = built.gzipped if gzipped else built.body
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    headers["Content-Disposition"] = f'inline; filename="{built.name}.ics"'
    headers["Content-Length"] = str(len(body))
    if request.method == "HEAD":
        return Response(b"", headers=headers, media_type=CONTENT_TYPE)
    return Response(body, headers=headers, media_type=CONTENT_TYPE)


NOT_FOUND = "Not found\n"


def create_app(settings: Settings, *, check_interval: float | None = None) -> Starlette:
    """The ASGI app; `check_interval` (seconds) bounds how stale a feed can be after another process
    changes the database (default 0.1 s, or CALENDAR_APP_FEED_CHECK_SECONDS)."""
    engine = open_store(settings)
    interval = check_interval if check_interval is not None else float(
        os.environ.get(CHECK_ENV, DEFAULT_CHECK_SECONDS))
    cache = FeedCache(engine, check_interval=interval)

    async def public(request: Request) -> Response:
        built = await cache.get(f"public:{request.path_params['name']}")
        if built is None:
            return PlainTextResponse(NOT_FOUND, status_code=404)
        return feed_response(request, built)

    async def private(request: Request) -> Response:
        built = await cache.get(f"token:{request.path_params['token']}")
        if built is None:
            return PlainTextResponse(NOT_FOUND, status_code=404)
        return feed_response(request, built)

    def health(request: Request) -> Response:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # the health answer must not fail with a traceback, whatever the driver raises
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok", "feeds_built": len(cache.built)})

    def index(request: Request) -> Response:
        with session_scope(engine) as session:
            listed = [f for f in feeds.list_feeds(session=session) if not f.private]
        return HTMLResponse(index_page(listed))

    async def not_found(request: Request, exc: Exception) -> Response:
        return PlainTextResponse(NOT_FOUND, status_code=404)

    async def server_error(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("Internal error: try again later\n", status_code=500)

    async def http_error(request: Request, exc: Exception) -> Response:
        code = exc.status_code if isinstance(exc, HTTPException) else 500
        return PlainTextResponse(NOT_FOUND if code == 404 else f"HTTP {code}\n", status_code=code)

    routes = [
        Route("/", index, methods=["GET", "HEAD"]),
        Route("/health", health, methods=["GET", "HEAD"]),
        Route("/feeds/{name:str}.ics", public, methods=["GET", "HEAD"]),
        Route("/private/{token:str}.ics", private, methods=["GET", "HEAD"]),
    ]
    handlers: dict[Any, Any] = {404: not_found, 500: server_error, HTTPException: http_error}
    return Starlette(routes=routes, exception_handlers=handlers)


def index_page(listed: list[Feed]) -> str:
    base = base_url()
    rows = []
    for feed in listed:
        url = base + public_path(feed.name)
        about = f" — {html.escape(feed.description)}" if feed.description else ""
        rows.append(
            f'<li><strong>{html.escape(feed.name)}</strong>{about}<br>'
            f'<a href="{html.escape(webcal(url))}">Subscribe (webcal://)</a> · '
            f'<a href="{html.escape(url)}">{html.escape(url)}</a></li>'
        )
    items = "\n".join(rows) or "<li>No public feeds yet.</li>"
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>calendar-app feeds</title></head>'
        "<body><h1>Calendars you can subscribe to</h1>\n"
        "<p>Click a webcal:// link to subscribe, or copy the https:// address into Google Calendar "
        "(Other calendars → From URL), Outlook (Add calendar → Subscribe from web) or Thunderbird "
        "(New Calendar → On the Network).</p>\n"
        f"<ul>\n{items}\n</ul></body></html>\n"
    )


def run(*, settings: Settings, host: str, port: int) -> None:
    """Serve in the foreground until interrupted."""
    import uvicorn

    app = create_app(settings)
    print(f"Serving feeds on http://{host}:{port}/ (public links use {base_url()}); Ctrl-C stops.", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
