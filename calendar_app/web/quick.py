"""The feed server's front protocol: answers a feed GET or HEAD held in memory by itself, and hands the
connection to uvicorn's protocol (with our limits, see `guard`) for anything else.

Feed clients poll the same URL on a kept-alive connection, mostly to hear 304. Through uvicorn and ASGI each
such request cost a scope, a task, a response cycle and two timers: the 304 rate was 0.12x nginx's (issue
14). Here a request whose head is complete in what was received, for a feed built and checked within the
interval, is answered with the prepared header lines and bytes straight from `FeedRoutes.answer_now`;
a feed due for its change check is first awaited through the feed cache. The first request that is not
such (another route, a body, HTTP/1.0, `Connection: close`, an unknown feed, a head split across packets,
a parse error) hands the connection, with every byte not yet answered, to uvicorn's protocol, which then
serves it as it serves every connection: its answers, limits and errors are unchanged. RSVP pages shown
before (`RsvpPages.answer_now`) are answered the same way: the issue 12 target is half the 304 rate.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, ClassVar, Protocol, cast

import httptools

from calendar_app.web.access import log, shown_path
from calendar_app.web.guard import GuardedHttpTools

_STATUS = {200: b"HTTP/1.1 200 OK\r\n", 304: b"HTTP/1.1 304 Not Modified\r\n"}
_END_OF_HEAD = b"\r\n\r\n"


class QuickRoutes(Protocol):
    """What the front protocol asks of the feed routes (`calendar_app.web.feeds.FeedRoutes`)."""

    def answer_now(self, method: bytes, path: str, headers: dict[bytes, bytes]) -> tuple[int, bytes, bytes] | None:
        ...

    def answer_soon(self, method: bytes, path: str,
                    headers: dict[bytes, bytes]) -> Awaitable[tuple[int, bytes, bytes] | None]:
        ...


class _Head:
    """One request head as httptools parses it (its callbacks fill these)."""

    def __init__(self) -> None:
        self.url = b""
        self.headers: dict[bytes, bytes] = {}
        self.complete = False

    def on_message_begin(self) -> None:
        self.url = b""
        self.headers = {}
        self.complete = False

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.lower()] = value.rstrip(b" \t")

    def on_message_complete(self) -> None:
        self.complete = True


class QuickFeedHttp(asyncio.Protocol):
    routes: ClassVar[QuickRoutes]
    fallback: ClassVar[type[GuardedHttpTools]]  # uvicorn's protocol with our limits

    def __init__(self, **uvicorn_args: Any) -> None:
        self.uvicorn_args = uvicorn_args  # config, server_state, app_state, _loop: what uvicorn hands a protocol
        self.server_state = uvicorn_args["server_state"]
        self.keep_alive = float(self.fallback.limits.keep_alive_seconds)
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.loop = asyncio.get_running_loop()
        self.last_seen = 0.0
        self.idle: asyncio.TimerHandle | None = None
        self.waiting: asyncio.Task[None] | None = None
        # One parser per connection: it is only ever fed whole heads of bodiless requests, so each feed
        # leaves it between two messages; anything else hands the connection over.
        self.head = _Head()
        self.parser = httptools.HttpRequestParser(self.head)
        self.stopping = False  # uvicorn is shutting down: close once the request being prepared is answered

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports do not subclass asyncio's
        self.server_state.connections.add(self)  # counted for --max-connections, stopped on shutdown
        self.last_seen = self.loop.time()
        self.idle = self.loop.call_later(self.keep_alive, self._idle_check)

    def connection_lost(self, exc: Exception | None) -> None:
        self._leave()
        if self.waiting is not None:
            self.waiting.cancel()

    def shutdown(self) -> None:
        """uvicorn stopping: nothing is in progress between two answers, so close now (as uvicorn does)."""
        self.stopping = True
        if self.transport is not None and self.waiting is None:
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        self.last_seen = self.loop.time()
        self.buffer += data
        if self.waiting is None:
            self._answer_heads()

    def _answer_heads(self) -> None:
        while self.buffer and self.transport is not None:
            end = self.buffer.find(_END_OF_HEAD)
            if end < 0:
                self._hand_over()  # a head split across packets: uvicorn waits for the rest, within its limits
                return
            head = self._parse(self.buffer[: end + 4])
            if head is None:
                self._hand_over()
                return
            answer = self.routes.answer_now(*head)
            if answer is None:
                self.transport.pause_reading()
                self.waiting = self.loop.create_task(self._answer_soon(head, end + 4))
                return
            self.buffer = self.buffer[end + 4 :]
            self._send(head[0], head[1], answer)

    async def _answer_soon(self, head: tuple[bytes, str, dict[bytes, bytes]], length: int) -> None:
        """The feed was not ready (not built yet, or its change check due): build or check it, then answer
        if that can be done from memory, else hand over to uvicorn with the request still unanswered."""
        answer = await self.routes.answer_soon(*head)
        if self.transport is None or self.transport.is_closing():
            self.waiting = None
            return
        if answer is None:
            self._hand_over()
            self.waiting = None
            return
        self.waiting = None
        self.buffer = self.buffer[length:]
        self._send(head[0], head[1], answer)
        if self.stopping:
            self.transport.close()
            return
        self.transport.resume_reading()
        self._answer_heads()

    def _parse(self, raw: bytes) -> tuple[bytes, str, dict[bytes, bytes]] | None:
        """Method, path and headers of a head that this protocol may answer, else None."""
        head, parser = self.head, self.parser
        try:
            parser.feed_data(raw)
        except httptools.HttpParserError:
            return None
        method = parser.get_method()
        if (not head.complete or method not in (b"GET", b"HEAD") or parser.get_http_version() != "1.1"
                or not parser.should_keep_alive() or parser.should_upgrade()):
            return None
        url = head.url
        if not url.startswith((b"/feeds/", b"/private/", b"/rsvp/")) or b"?" in url or b"%" in url:
            return None
        return method, url.decode("ascii", "replace"), head.headers

    def _send(self, method: bytes, path: str, answer: tuple[int, bytes, bytes]) -> None:
        assert self.transport is not None
        status, lines, body = answer
        self.transport.write(b"".join((_STATUS[status], self._date_lines(), lines, b"\r\n")))
        if body:
            self.transport.write(body)
        if log.isEnabledFor(20):  # INFO: the line `access.with_access_log` writes for the other requests
            log.info("%s %s %d %d %.1fms", method.decode(), shown_path(path), status, len(body), 0.0)

    _dates: ClassVar[tuple[object, bytes]] = (None, b"")

    def _date_lines(self) -> bytes:
        """uvicorn's default headers (the `date` it renews every second) as header lines, joined once."""
        headers = self.server_state.default_headers
        cached = QuickFeedHttp._dates
        if cached[0] is not headers:
            cached = QuickFeedHttp._dates = (headers, b"".join(b"%s: %s\r\n" % pair for pair in headers))
        return cached[1]

    def _idle_check(self) -> None:
        """Close a connection idle for the keep-alive time (one timer per connection, not per request)."""
        if self.transport is None:
            return
        left = self.last_seen + self.keep_alive - self.loop.time()
        if left <= 0 and self.waiting is None and self.transport.get_write_buffer_size() == 0:
            self.transport.close()
            return
        self.idle = self.loop.call_later(max(left, 0.1), self._idle_check)

    def _hand_over(self) -> None:
        """Give the connection and the bytes not yet answered to uvicorn's protocol."""
        transport = self.transport
        assert transport is not None
        self._leave()
        protocol = self.fallback(**self.uvicorn_args)
        protocol.connection_made(transport)
        transport.set_protocol(protocol)
        if not transport.is_reading():
            transport.resume_reading()
        if self.buffer:
            protocol.data_received(self.buffer)
        self.buffer = b""

    def _leave(self) -> None:
        self.transport = None
        self.server_state.connections.discard(self)
        if self.idle is not None:
            self.idle.cancel()
            self.idle = None


def quick_protocol(fallback: type[GuardedHttpTools], routes: QuickRoutes) -> type[QuickFeedHttp]:
    """The front protocol for `routes`, handing other requests to `fallback`."""
    return type("QuickFeedHttp", (QuickFeedHttp,), {"routes": routes, "fallback": fallback})
