"""The one place the web parts are wired together: `create_app` assembles the feed routes, the pages and
the health check around the collaborators it is handed (engine, base URL, clock, kind defaults)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from calendar_app.clock import utc_now
from calendar_app.config import Settings
from calendar_app.web.cache import FeedCache, KindDefaultsSource
from calendar_app.web.feeds import NOT_FOUND, FeedRoutes
from calendar_app.web.health import health_endpoint
from calendar_app.web.pages import index_endpoint

DEFAULT_CHECK_SECONDS = 0.1


async def _not_found(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(NOT_FOUND, status_code=404)


async def _server_error(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("Internal error: try again later\n", status_code=500)


async def _http_error(request: Request, exc: Exception) -> Response:
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    return PlainTextResponse(NOT_FOUND if code == 404 else f"HTTP {code}\n", status_code=code)


def create_app(engine: Engine, *, base_url: str, check_interval: float = DEFAULT_CHECK_SECONDS,
               kind_defaults: KindDefaultsSource, clock: Callable[[], datetime] = utc_now) -> FeedRoutes:
    """The ASGI app on `engine` (its schema already in place). `base_url` is where people reach the server
    (the links on `/`); `check_interval` (seconds) bounds how stale a feed can be after another process
    changes the database; `kind_defaults` gives the kind defaults in force, called once now (a broken
    workflows file raises here) and then on each fingerprint and build."""
    cache = FeedCache(engine, check_interval=check_interval, kind_defaults=kind_defaults, clock=clock)
    routes = [
        Route("/", index_endpoint(engine, base_url=base_url), methods=["GET", "HEAD"]),
        Route("/health", health_endpoint(engine, cache), methods=["GET", "HEAD"]),
    ]
    handlers: dict[Any, Any] = {404: _not_found, 500: _server_error, HTTPException: _http_error}
    return FeedRoutes(cache, Starlette(routes=routes, exception_handlers=handlers))


@dataclass(frozen=True)
class WebSpec:
    """What to build in each server process: the settings (a frozen dataclass of plain values, so it crosses
    to worker processes started with `spawn`). Calling it wires the process's `App` once and returns the
    app built on it; nothing travels by environment variables."""

    settings: Settings

    def __call__(self) -> FeedRoutes:
        from calendar_app.app import App

        app = App.open(self.settings)
        return create_app(app.store.engine, base_url=app.settings.public_url,
                          check_interval=app.settings.feed_check_seconds, kind_defaults=app.kind_defaults,
                          clock=app.clock)
