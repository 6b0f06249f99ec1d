"""`GET /health`: whether the database answers and holds the schema this server needs, for load balancers
and the tests' start-up wait. 503 (with `Retry-After`) when it does not: the other routes answer 503 then."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from calendar_app.schema import HEAD, current_revision
from calendar_app.web.answers import RETRY_AFTER_SECONDS
from calendar_app.web.cache import FeedCache
from calendar_app.web.database import DatabaseGone, StoreWatch
from events.errors import StorageError


def _problem(engine: Engine, watch: StoreWatch) -> str | None:
    """What keeps the database from being used, or None; in words that show no path or address (anyone may
    ask)."""
    try:
        watch.check()
        with engine.connect() as connection:
            revision = current_revision(connection)
    except DatabaseGone:
        return "file missing"
    except (StorageError, SQLAlchemyError):  # whatever the driver raises: an answer, never a traceback
        return "unreachable"
    if revision is None:
        return "schema missing"
    if revision != HEAD:
        return f"schema at revision {revision}, this server needs {HEAD}"
    return None


def health_endpoint(engine: Engine, cache: FeedCache, *, watch: StoreWatch) -> Callable[[Request], Response]:
    """A sync endpoint (Starlette runs it in the thread pool)."""

    def health(request: Request) -> Response:
        problem = _problem(engine, watch)
        if problem is not None:
            return JSONResponse({"status": "error", "database": problem}, status_code=503,
                                headers={"retry-after": str(RETRY_AFTER_SECONDS)})
        return JSONResponse({"status": "ok", "database": "ok", "feeds_built": len(cache.built)})

    return health
