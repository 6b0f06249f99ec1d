"""`GET /health`: whether the database answers, for load balancers and the tests' start-up wait."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from calendar_app.web.cache import FeedCache


def health_endpoint(engine: Engine, cache: FeedCache) -> Callable[[Request], Response]:
    """A sync endpoint (Starlette runs it in the thread pool)."""

    def health(request: Request) -> Response:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # the health answer must not fail with a traceback, whatever the driver raises
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok", "feeds_built": len(cache.built)})

    return health
