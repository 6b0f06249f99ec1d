"""What every route answers alike: the security headers (PRODUCT.md section 5) and the plain-text answers
for errors, built once, so that a feed's 404 and any other 404 are the same bytes (an unknown, rotated or
malformed token tells nothing), and a 503 says when to try again on every route.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

RETRY_AFTER_SECONDS = 5  # how long a client waits before asking again while the database cannot be used
PLAIN_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
Headers = list[tuple[bytes, bytes]]
ASGIApp = Any  # an ASGI callable: (scope, receive, send) -> awaitable


def security_headers(policy: str = PLAIN_POLICY) -> dict[str, str]:
    """The headers of every HTML or text answer: a CSP (`policy`; `frame-ancestors 'none'` in each), no
    sniffing, no framing (also for browsers without CSP 2) and no referrer."""
    return {"content-security-policy": policy, "x-content-type-options": "nosniff", "x-frame-options": "DENY",
            "referrer-policy": "no-referrer"}


_SECURITY = [(name.encode(), value.encode()) for name, value in security_headers().items()]


@dataclass(frozen=True)
class Plain:
    """A plain-text answer with all its headers, for the fast ASGI path and for Starlette alike."""

    status: int
    body: bytes
    headers: tuple[tuple[bytes, bytes], ...]

    def response(self) -> Response:
        """The same answer as a Starlette response (the headers keep their order: none is added)."""
        return Response(self.body, self.status, headers={k.decode(): v.decode() for k, v in self.headers})

    async def send(self, send: Any) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": list(self.headers)})
        await send({"type": "http.response.body", "body": self.body})


def plain(status: int, text: str, extra: Iterable[tuple[str, str]] = ()) -> Plain:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               *_SECURITY, *((k.encode(), v.encode()) for k, v in extra)]
    return Plain(status, body, tuple(headers))


NOT_FOUND = plain(404, "Not found\n")
NOT_ACCEPTABLE = plain(406, "Not acceptable: this feed is sent as it is or gzipped\n",
                       [("vary", "Accept-Encoding")])
SERVER_ERROR = plain(500, "Internal error: try again later\n")
UNAVAILABLE = plain(503, "Service unavailable: the database cannot be used now; try again later\n",
                    [("retry-after", str(RETRY_AFTER_SECONDS))])


def with_security_headers(app: ASGIApp) -> ASGIApp:
    """`app` with the security headers added to every answer that lacks them (pages, health, errors)."""

    async def secured(scope: Any, receive: Any, send: Any) -> None:
        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", ())}
                missing = [item for item in _SECURITY if item[0] not in present]
                if missing:
                    message = {**message, "headers": [*message.get("headers", ()), *missing]}
            await send(message)

        await app(scope, receive, sending)

    return secured

