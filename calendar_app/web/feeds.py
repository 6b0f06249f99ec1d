"""The feed routes: GET and HEAD of `/feeds/NAME.ics` and `/private/TOKEN.ics`, answered from `FeedCache`
with prepared headers (ETag, Last-Modified, 304, gzip as RFC 9110 says: see `conditions`)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from calendar_app.web.answers import NOT_ACCEPTABLE, NOT_FOUND, SERVER_ERROR, UNAVAILABLE, ASGIApp
from calendar_app.web.cache import Built, FeedCache

if TYPE_CHECKING:
    from calendar_app.web.rsvp import RsvpPages
from calendar_app.web.conditions import choose_gzip, not_modified
from events.errors import StorageError

log = logging.getLogger("calendar_app.web.feeds")

# Feed names (letters, digits, `-`, `_`) and tokens (`secrets.token_urlsafe`) are both made of the URL-safe
# alphabet; a path segment with anything else (a NUL, a control character, a bad percent escape, which the
# server decodes to U+FFFD, a `/`) names no feed and answers the plain 404 without asking the database,
# which could refuse the value (PostgreSQL refuses NUL in text).
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


def route_key(path: str) -> str | None:
    """The cache key of a feed path, or None for any other path."""
    for prefix, kind in (("/feeds/", "public"), ("/private/", "token")):
        if path.startswith(prefix) and path.endswith(".ics"):
            value = path[len(prefix) : -4]
            if _SEGMENT.fullmatch(value):
                return f"{kind}:{value}"
    return None


class FeedRoutes:
    """ASGI: feed GET/HEAD answered straight from the cache with prepared headers; every other request
    goes to `fallback` (the Starlette app). This path runs per request at thousands per second, so it skips
    the request/response objects (measured: about twice the 304 rate of a Starlette route)."""

    def __init__(self, cache: FeedCache, fallback: ASGIApp, rsvp_pages: RsvpPages | None = None) -> None:
        self.cache = cache
        self.fallback = fallback
        self.rsvp_pages = rsvp_pages  # RSVP answer pages shown before, answered here too
        self._keys: dict[str, str | None] = {}  # route keys of the paths `answer_now` was asked

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.rsvp_pages is not None and scope["type"] == "http" and scope["path"].startswith("/rsvp/"):
            await self._rsvp(scope, receive, send)
            return
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.fallback(scope, receive, send)
            return
        key = route_key(scope["path"])
        if key is None:
            await self.fallback(scope, receive, send)  # its 404 is the same bytes as NOT_FOUND
            return
        try:
            built = await self.cache.get(key)
        except StorageError:
            await UNAVAILABLE.send(send)  # the cache logged the outage once
            return
        except Exception:
            log.exception("feed %s could not be built", "token" if key.startswith("token:") else key)
            await SERVER_ERROR.send(send)
            return
        if built is None:
            await NOT_FOUND.send(send)
            return
        headers = dict(scope["headers"])
        gzipped = choose_gzip(headers.get(b"accept-encoding"))
        if gzipped is None:
            await NOT_ACCEPTABLE.send(send)
            return
        if not_modified(headers, built.etags, built.modified_at):
            await send({"type": "http.response.start", "status": 304, "headers": built.headers_304[gzipped]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": built.headers[gzipped]})
        body = b"" if scope["method"] == "HEAD" else (built.gzipped if gzipped else built.body)
        await send({"type": "http.response.body", "body": body})

    def answer_now(self, method: bytes, path: str, headers: dict[bytes, bytes]) -> tuple[int, bytes, bytes] | None:
        """The answer to a feed GET or HEAD (or to an RSVP page shown before) that memory holds now (see
        `FeedCache.peek`), as the status, the header lines and the body, for the server's front protocol to
        send itself (see `calendar_app.web.quick`); None when it must wait (`answer_soon`) or is no such
        request."""
        if path.startswith("/rsvp/"):
            return None if self.rsvp_pages is None else self.rsvp_pages.answer_now(method, path)
        if path in self._keys:
            key = self._keys[path]
        else:
            if len(self._keys) >= 1024:  # paths clients poll are few; any flood of others only costs a regex
                self._keys.clear()
            key = self._keys[path] = route_key(path)
        built = self.cache.peek(key) if key is not None and method in (b"GET", b"HEAD") else None
        return None if built is None else _answer(built, method, headers)

    async def answer_soon(self, method: bytes, path: str,
                          headers: dict[bytes, bytes]) -> tuple[int, bytes, bytes] | None:
        """`answer_now` after building or checking the feed; None when the full path (`__call__`) must answer:
        no feed, an unknown feed, a failure (which it meets again, and answers and logs as it always does)."""
        if path.startswith("/rsvp/") and self.rsvp_pages is not None and method in (b"GET", b"HEAD"):
            try:
                await self.cache.refresh()  # the database looked at again, a kept page may be sent
            except Exception:  # answered by the full path, see below
                return None
            return self.rsvp_pages.answer_now(method, path)
        key = route_key(path)
        if key is None or method not in (b"GET", b"HEAD"):
            return None
        try:
            built = await self.cache.get(key)
        except Exception:  # answered by the full path, see above
            return None
        return None if built is None else _answer(built, method, headers)

    async def _rsvp(self, scope: Any, receive: Any, send: Any) -> None:
        """An RSVP path: a page shown before straight from memory; a path that is no token the plain 404
        (no redirect for a trailing slash either); the rest to the RSVP route."""
        assert self.rsvp_pages is not None
        if not self.rsvp_pages.is_token_path(scope["path"]):
            await NOT_FOUND.send(send)
            return
        if scope["method"] in ("GET", "HEAD"):
            try:
                if await self.rsvp_pages.answer(scope, send):
                    return
            except StorageError:
                await UNAVAILABLE.send(send)
                return
        await self.fallback(scope, receive, send)


def _answer(built: Built, method: bytes, headers: dict[bytes, bytes]) -> tuple[int, bytes, bytes] | None:
    gzipped = choose_gzip(headers.get(b"accept-encoding"))
    if gzipped is None:
        return None
    # A client asking again with the one tag we gave it is the common case: no list to parse.
    if headers.get(b"if-none-match") in built.etags or not_modified(headers, built.etags, built.modified_at):
        return 304, built.raw[304, gzipped], b""
    return 200, built.raw[200, gzipped], b"" if method == b"HEAD" else (built.gzipped if gzipped else built.body)
