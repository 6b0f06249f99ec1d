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
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from calendar_app.clock import utc_now
from calendar_app.config import Settings, setting
from calendar_app.db import session_scope
from calendar_app.feeds import base_url, public_path, webcal
from calendar_app.services import open_store
from exports import feeds
from exports.cache import iter_feed
from exports.models import Feed
from exports.render import Detail
from exports.selection import plan, store_state

if TYPE_CHECKING:
    from events.notify.workflows import KindDefaults

log = logging.getLogger("calendar_app.web.server")

CHECK_ENV = "CALENDAR_APP_FEED_CHECK_SECONDS"
DEFAULT_CHECK_SECONDS = 0.1
CONTENT_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class Built:
    """One feed's bytes and ready-made response headers (identity and gzip), so answering costs no work."""

    name: str
    private: bool
    body: bytes
    gzipped: bytes
    etag: str  # strong, of the identity bytes; the gzip form's ends in -gz
    last_modified: datetime
    expires: datetime | None
    headers: dict[bool, list[tuple[bytes, bytes]]]  # by "gzipped?": headers of a 200
    headers_304: dict[bool, list[tuple[bytes, bytes]]]


def _headers(name: str, private: bool, etag: str, modified: datetime, length: int,
             gzipped: bool) -> tuple[list[tuple[bytes, bytes]], list[tuple[bytes, bytes]]]:
    common = [
        (b"etag", etag.encode()),
        (b"last-modified", format_datetime(modified, usegmt=True).encode()),
        (b"cache-control", b"private, max-age=300" if private else b"public, max-age=300"),
        (b"vary", b"Accept-Encoding"),
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
    """The workflows file's kind defaults, for feeds that show reminder plans as VALARMs. The file is read
    when the server starts (a broken one stops it, with the file's error); if it breaks while the server
    runs, feeds keep the last good defaults and the error is logged once, instead of every such feed
    failing until someone notices."""

    def __init__(self) -> None:
        from calendar_app.notify.planning import workflows

        self._read = workflows
        self.good = workflows()
        self.reported: str | None = None

    def current(self) -> dict[str, KindDefaults]:
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


def build_feed(feed: Feed, *, engine: Engine, now: datetime,
               kind_defaults: Callable[[], dict[str, KindDefaults]] | None = None) -> Built:
    """A feed's bytes and headers; `kind_defaults` gives the reminder defaults for plan alarms (default: the
    workflows file as it is now)."""
    defaults = None
    if feeds.feed_alarm_plan(feed):
        from calendar_app.notify.planning import workflows

        defaults = (kind_defaults or workflows)()
    with session_scope(engine) as session:
        chosen = plan(feeds.feed_selection(feed), session=session, now=now)
        body = b"".join(iter_feed(chosen, feeds.feed_head(feed), detail=Detail(feed.detail), session=session,
                                  alarms=feeds.feed_alarms(feed), reminder_defaults=defaults,
                                  tasks=bool(feed.tasks)))
    digest = hashlib.sha256(body).hexdigest()[:40]
    modified = max(d for d in (chosen.last_modified, feed.updated_at) if d is not None).replace(microsecond=0)
    gzipped = gzip.compress(body, compresslevel=1, mtime=0)
    etag = f'"{digest}"'
    plain_headers, plain_304 = _headers(feed.name, feed.private, etag, modified, len(body), False)
    gzip_headers, gzip_304 = _headers(feed.name, feed.private, f'"{digest}-gz"', modified, len(gzipped), True)
    return Built(feed.name, feed.private, body, gzipped, etag, modified, chosen.expires,
                 {False: plain_headers, True: gzip_headers}, {False: plain_304, True: gzip_304})


class FeedCache:
    """Built feeds by route key, dropped whenever the database's fingerprint changes."""

    def __init__(self, engine: Engine, *, check_interval: float, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.kind_defaults = KindDefaultsKeeper()
        self.check_interval = check_interval
        self.clock = clock
        self.built: dict[str, Built] = {}
        self.locks: dict[str, asyncio.Lock] = {}
        self.state: tuple[object, ...] | None = None
        self.checked_at = float("-inf")
        self.generation = 0

    def refresh(self) -> None:
        """Drop every built feed if the database changed since the last look (at most every interval)."""
        moment = time.monotonic()
        if moment - self.checked_at < self.check_interval:
            return
        with session_scope(self.engine) as session:
            state = (*store_state(session=session), self.kind_defaults.state())
        self.checked_at = moment
        if state != self.state:
            self.state = state
            self.generation += 1
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
                self.locks.pop(key, None)  # unknown tokens must not pile up locks
                return None
            generation = self.generation
            built = await run_in_threadpool(build_feed, feed, engine=self.engine, now=now,
                                            kind_defaults=self.kind_defaults.current)
            if generation == self.generation:  # else the database changed while building: do not keep it
                self.built[key] = built
            return built


def not_modified(headers: dict[bytes, bytes], built: Built) -> bool:
    """RFC 9110 13.1: If-None-Match first (weak comparison), else If-Modified-Since."""
    wanted = headers.get(b"if-none-match")
    if wanted is not None:
        tags = {t.strip().removeprefix(b"W/") for t in wanted.split(b",")}
        return b"*" in tags or built.etag.encode() in tags or built.etag[:-1].encode() + b'-gz"' in tags
    since = headers.get(b"if-modified-since")
    if since:
        try:
            return built.last_modified <= parsedate_to_datetime(since.decode("latin-1"))
        except (TypeError, ValueError):
            return False
    return False


def route_key(path: str) -> str | None:
    """The cache key of a feed path, or None for any other path (decoded `..` or `/` never match)."""
    for prefix, kind in (("/feeds/", "public"), ("/private/", "token")):
        if path.startswith(prefix) and path.endswith(".ics"):
            value = path[len(prefix) : -4]
            if value and "/" not in value:
                return f"{kind}:{value}"
    return None


class FeedRoutes:
    """ASGI: feed GET/HEAD answered straight from the cache with prepared headers; every other request
    goes to the Starlette app. This path runs per request at thousands per second, so it skips the
    request/response objects (measured: about twice the 304 rate of a Starlette route)."""

    def __init__(self, cache: FeedCache, fallback: Starlette) -> None:
        self.cache = cache
        self.fallback = fallback

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        key = route_key(scope["path"]) if scope["type"] == "http" else None
        if key is None or scope["method"] not in ("GET", "HEAD"):
            await self.fallback(scope, receive, send)
            return
        built = await self.cache.get(key)
        if built is None:
            await send({"type": "http.response.start", "status": 404, "headers": NOT_FOUND_HEADERS})
            await send({"type": "http.response.body", "body": NOT_FOUND.encode()})
            return
        headers = dict(scope["headers"])
        gzipped = b"gzip" in headers.get(b"accept-encoding", b"").lower()
        if not_modified(headers, built):
            await send({"type": "http.response.start", "status": 304, "headers": built.headers_304[gzipped]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": built.headers[gzipped]})
        body = b"" if scope["method"] == "HEAD" else (built.gzipped if gzipped else built.body)
        await send({"type": "http.response.body", "body": body})


NOT_FOUND = "Not found\n"
NOT_FOUND_HEADERS = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"10")]


def create_app(settings: Settings, *, check_interval: float | None = None) -> FeedRoutes:
    """The ASGI app; `check_interval` (seconds) bounds how stale a feed can be after another process
    changes the database (default 0.1 s, or CALENDAR_APP_FEED_CHECK_SECONDS)."""
    engine = open_store(settings)
    interval = check_interval if check_interval is not None else float(
        os.environ.get(CHECK_ENV, DEFAULT_CHECK_SECONDS))
    cache = FeedCache(engine, check_interval=interval)

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
    ]
    handlers: dict[Any, Any] = {404: not_found, 500: server_error, HTTPException: http_error}
    return FeedRoutes(cache, Starlette(routes=routes, exception_handlers=handlers))


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


def app_from_environment() -> FeedRoutes:
    """The app of one worker process when `serve --workers N` starts several (settings come by env)."""
    from calendar_app.config import load_settings

    return create_app(load_settings())


def run(*, settings: Settings, host: str, port: int, workers: int = 1, reminders: bool = True) -> None:
    """Serve in the foreground until interrupted; with `workers` > 1, that many processes share the port
    (each keeps its own built feeds; the rendered events they share live in the database). With
    `reminders`, the reminder dispatcher runs beside them in this process, once whatever `workers` is."""
    import uvicorn

    from calendar_app.feeds import BASE_URL_ENV
    from calendar_app.notify.planning import workflows

    workflows()  # a broken workflows file stops the start with its error (exit 2), as KindDefaultsKeeper says
    if not setting("base_url"):  # links on / and in messages point at this server
        os.environ[BASE_URL_ENV] = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    print(f"Serving feeds on http://{host}:{port}/ (public links use {base_url()}); Ctrl-C stops.", flush=True)
    with session_scope(open_store(settings)) as session:
        for feed in feeds.list_feeds(session=session):
            where = "private: new secret URL by 'feed rotate'" if feed.private else base_url() + public_path(feed.name)
            print(f"  {feed.name}: {where}", flush=True)
    dispatcher = _start_reminders(settings) if reminders else None
    try:
        if workers > 1:
            from calendar_app.config import DB_ENV, TZ_ENV

            os.environ[DB_ENV], os.environ[TZ_ENV] = settings.db_url, settings.default_tz
            open_store(settings)  # create or upgrade the schema once, before the workers start
            uvicorn.run("calendar_app.web.server:app_from_environment", factory=True, host=host, port=port,
                        workers=workers, log_level="warning", access_log=False)
        else:
            uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", access_log=False)
    finally:
        if dispatcher is not None:
            dispatcher.shutdown()


def _start_reminders(settings: Settings) -> Any:
    from calendar_app.notify.outcomes import DispatchConfig
    from calendar_app.notify.planning import load_notify_settings
    from calendar_app.notify.scheduler import SchedulerOptions, start_in_background

    notify = load_notify_settings()
    service = start_in_background(settings.db_url, smtp_url=notify.smtp_url, outbox=notify.outbox,
                                  mail_from=notify.mail_from,
                                  options=SchedulerOptions(config=DispatchConfig(grace=notify.grace)))
    channel = "e-mail over SMTP" if notify.smtp_url else f"e-mail into the outbox {notify.outbox}"
    print(f"Reminders: the dispatcher runs beside the server ({channel}).", flush=True)
    return service
