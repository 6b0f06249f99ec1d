"""The one place the web parts are wired together: `create_app` assembles the feed routes, the pages and
the health check around the collaborators it is handed (engine, base URL, clock, kind defaults)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from calendar_app.clock import utc_now
from calendar_app.config import Settings
from calendar_app.web.access import log_to_stderr, with_access_log
from calendar_app.web.answers import NOT_FOUND, SERVER_ERROR, UNAVAILABLE, ASGIApp, plain, with_security_headers
from calendar_app.web.cache import FeedCache, KindDefaultsSource
from calendar_app.web.database import StoreWatch
from calendar_app.web.feeds import FeedRoutes
from calendar_app.web.health import health_endpoint
from calendar_app.web.pages import index_endpoint
from calendar_app.web.rsvp import RsvpPages, rsvp_endpoint
from events.errors import StorageError

if TYPE_CHECKING:
    from calendar_app.web.quick import QuickRoutes

DEFAULT_CHECK_SECONDS = 0.1


async def _not_found(request: Request, exc: Exception) -> Response:
    return NOT_FOUND.response()


async def _server_error(request: Request, exc: Exception) -> Response:
    return SERVER_ERROR.response()


async def _unavailable(request: Request, exc: Exception) -> Response:
    return UNAVAILABLE.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):
        return SERVER_ERROR.response()
    if exc.status_code == 404:
        return NOT_FOUND.response()
    return plain(exc.status_code, f"HTTP {exc.status_code}\n", (exc.headers or {}).items()).response()


def create_app(engine: Engine, *, base_url: str, check_interval: float = DEFAULT_CHECK_SECONDS,
               kind_defaults: KindDefaultsSource, clock: Callable[[], datetime] = utc_now) -> ASGIApp:
    """The ASGI app on `engine` (its schema already in place). `base_url` is where people reach the server
    (the links on `/`); `check_interval` (seconds) bounds how stale a feed can be after another process
    changes the database; `kind_defaults` gives the kind defaults in force, called once now (a broken
    workflows file raises here) and then on each fingerprint and build.

    Every route answers 503 with `Retry-After` while the database cannot be used and serves again once it
    can (see `database`); every answer but a feed's carries the security headers; each request is logged
    on `calendar_app.web.access` (see `access`)."""
    watch = StoreWatch(engine)
    cache = FeedCache(engine, check_interval=check_interval, kind_defaults=kind_defaults, clock=clock, watch=watch)
    pages = RsvpPages(cache, clock)
    routes = [
        Route("/", index_endpoint(engine, base_url=base_url, watch=watch), methods=["GET", "HEAD"]),
        Route("/health", health_endpoint(engine, cache, watch=watch), methods=["GET", "HEAD"]),
        Route("/rsvp/{token}", rsvp_endpoint(engine, watch=watch, clock=clock, kind_defaults=kind_defaults,
                                             pages=pages), methods=["GET", "HEAD", "POST"]),
    ]
    handlers: dict[Any, Any] = {404: _not_found, 500: _server_error, HTTPException: _http_error,
                                StorageError: _unavailable}
    secured = with_security_headers(Starlette(routes=routes, exception_handlers=handlers))
    feed_routes = FeedRoutes(cache, secured, rsvp_pages=pages)
    return FeedServerApp(with_access_log(feed_routes), feed_routes)


class FeedServerApp:
    """The ASGI app, and beside it the feed routes whose answers held in memory the server's front protocol
    sends by itself (`calendar_app.web.quick`); `runner` hands `quick_routes` to that protocol."""

    def __init__(self, asgi: ASGIApp, quick_routes: QuickRoutes) -> None:
        self.asgi = asgi
        self.quick_routes = quick_routes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.asgi(scope, receive, send)


@dataclass(frozen=True)
class WebSpec:
    """What to build in each server process: the settings (a frozen dataclass of plain values, so it crosses
    to worker processes started with `spawn`) and whether the process logs its requests. Calling it wires
    the process's `App` once and returns the app built on it; nothing travels by environment variables."""

    settings: Settings
    access_log: bool = True  # one line per request on standard error

    def __call__(self) -> ASGIApp:
        from calendar_app.app import App

        if self.access_log:
            log_to_stderr()
        app = App.open(self.settings)
        web = create_app(app.store.engine, base_url=app.settings.public_url,
                         check_interval=app.settings.feed_check_seconds, kind_defaults=app.kind_defaults,
                         clock=app.clock)
        _tune_collector()
        return web


GC_FIRST_THRESHOLD = 50_000


def _tune_collector() -> None:
    """Keep the garbage collector off the feed rebuilds of a server process. A rebuild after a change makes
    and drops a few hundred thousand small objects (plan rows, pieces) in one go, none in a cycle; with the
    default thresholds that set off about nine full collections, each walking every object the process
    holds (modules, mappers): half the rebuild at 100,000 events (0.5-0.9 s). The objects made while
    starting are frozen out of the collector's walk, and it runs after 50,000 allocations, not 700."""
    gc.freeze()
    gc.set_threshold(GC_FIRST_THRESHOLD, 10, 10)
