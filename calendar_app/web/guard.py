"""Limits on what one client may hold of the server: the time and the bytes it has to send a request's
headers, and how many connections are served at once.

uvicorn bounds the time a kept-alive connection may stay idle, but not the time a client takes to finish
its headers: a client that sends one header byte every few seconds (slowloris) held its connection for
ever, and a thousand of them held the server. `GuardedHttpTools` is uvicorn's httptools protocol with a
deadline armed when a connection opens (and when the next request on it begins) and disarmed when the
headers are complete; trickling bytes does not move it. It also caps the header bytes (431), which
httptools alone does not. Beyond `max_connections`, uvicorn answers 503 at once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

TOO_LARGE = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
             b"content-length: 25\r\nconnection: close\r\n\r\nRequest headers too large")


@dataclass(frozen=True)
class Limits:
    """Per server process; plain values, so they cross to worker processes."""

    header_seconds: float = 5.0  # from connecting (or the first byte of a request) to the end of its headers
    header_bytes: int = 64 * 1024  # request line and headers together
    keep_alive_seconds: int = 5  # idle time between requests on one connection
    max_connections: int = 1000  # beyond this, new requests are answered 503 at once

    def uvicorn_options(self) -> dict[str, Any]:
        protocol = type("GuardedHttpTools", (GuardedHttpTools,), {"limits": self})
        return {"http": protocol, "timeout_keep_alive": self.keep_alive_seconds,
                "limit_concurrency": self.max_connections, "h11_max_incomplete_event_size": self.header_bytes}


class GuardedHttpTools(HttpToolsProtocol):
    limits = Limits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._header_bytes = 0

    def _arm(self) -> None:
        if self._deadline is None:
            self._header_bytes = 0
            self._deadline = self.loop.call_later(self.limits.header_seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._deadline is not None:
            self._header_bytes += len(data)
            if self._header_bytes > self.limits.header_bytes:
                self._disarm()
                self.transport.write(TOO_LARGE)
                self.transport.close()
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()
