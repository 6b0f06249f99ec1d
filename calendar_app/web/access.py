"""One access-log line per request, through Python logging (logger `calendar_app.web.access`, level INFO):
method, path with a private feed's secret token masked, status, bytes of body sent, time in milliseconds.

uvicorn's own access log stays off: it prints the request line, and so the token. Query strings are never
logged (nothing of ours reads them, and a client may put anything there); a path is logged percent-encoded
and cut short, so a hostile path cannot forge log lines or flood the log.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any
from urllib.parse import quote

from calendar_app.web.answers import ASGIApp

log = logging.getLogger("calendar_app.web.access")

PRIVATE = "/private/"
RSVP = "/rsvp/"  # an RSVP link's token answers for someone: never logged either
MAX_LOGGED_PATH = 200
_SAFE = "/:@!$&'()*+,;=-._~"


def shown_path(path: str) -> str:
    """`path` as the log shows it: a private feed's or RSVP link's token replaced by `***`, percent-encoded,
    cut short."""
    if path.startswith(PRIVATE):
        path = PRIVATE + ("***.ics" if path.endswith(".ics") else "***")
    elif path.startswith(RSVP):
        path = RSVP + "***"
    shown = quote(path, safe=_SAFE)
    return shown if len(shown) <= MAX_LOGGED_PATH else shown[:MAX_LOGGED_PATH] + "..."


def with_access_log(app: ASGIApp) -> ASGIApp:
    """`app` logging one line per HTTP request when the logger is enabled for INFO (nothing is measured
    otherwise). A request whose app failed before answering is logged with status 500."""

    async def logged(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not log.isEnabledFor(logging.INFO):
            await app(scope, receive, send)
            return
        began = time.perf_counter()
        answer = {"status": 0, "bytes": 0}
        head = scope["method"] == "HEAD"  # the server sends no body, whatever the app passes on

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
            elif message["type"] == "http.response.body" and not head:
                answer["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await app(scope, receive, sending)
        finally:
            log.info("%s %s %d %d %.1fms", scope["method"], shown_path(scope["path"]), answer["status"] or 500,
                     answer["bytes"], (time.perf_counter() - began) * 1000)

    return logged


def log_to_stderr() -> None:
    """Send the access lines to standard error (once per process), as `serve` does unless told not to."""
    if not any(getattr(h, "calendar_app_access", False) for h in log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        handler.calendar_app_access = True  # type: ignore[attr-defined]
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False  # one line each, whatever else configures the root logger
