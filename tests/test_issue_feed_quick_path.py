"""Issue 14: the front protocol answers feeds held in memory by itself (calendar_app/web/quick.py). Its
answers are the full path's, byte for byte but the date; a request it does not answer, even one pipelined
behind a feed on the same connection, is handed to uvicorn with its bytes and answered in order."""

from __future__ import annotations

import socket

from sqlalchemy import select

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from events.drafts import NewEventDraft
from events.people.models import Participant
from events.people.rsvp import mint_tokens
from exports.feeds import FeedSpec
from tests.conftest import NOW
from tests.rsvp_helpers import invited_event
from tests.server_helpers import serving

FEED = b"/feeds/pub.ics"


class Connection:
    """One kept-alive connection, reading answers one at a time."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.pending = b""

    def send(self, *requests: bytes) -> None:
        self.sock.sendall(b"".join(requests))

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        assert chunk, "connection closed"
        self.pending += chunk

    def answer(self, *, head_only: bool = False) -> tuple[int, dict[bytes, bytes], bytes]:
        while b"\r\n\r\n" not in self.pending:
            self._fill()
        head, self.pending = self.pending.split(b"\r\n\r\n", 1)
        status_line, *lines = head.split(b"\r\n")
        headers = dict(line.split(b": ", 1) for line in lines)
        status = int(status_line.split(b" ")[1])
        length = 0 if head_only or status == 304 else int(headers.get(b"content-length", b"0"))
        while len(self.pending) < length:
            self._fill()
        body, self.pending = self.pending[:length], self.pending[length:]
        return status, headers, body


def _get(path: bytes, *extra: bytes, method: bytes = b"GET") -> bytes:
    return b"%s %s HTTP/1.1\r\nHost: x\r\n%s\r\n" % (method, path, b"".join(line + b"\r\n" for line in extra))


def _without_date(headers: dict[bytes, bytes]) -> dict[bytes, bytes]:
    return {name: value for name, value in headers.items() if name != b"date"}


def test_quick_answers_equal_the_full_path_and_hand_over_in_order(sqlite_app: App) -> None:
    services.add_event(NewEventDraft(title="Зөвлөгөөн", start="2026-11-26 10:00", visibility="public"),
                       app=sqlite_app, now=NOW)
    feed_service.add_feed(FeedSpec("pub"), app=sqlite_app, now=NOW)
    env = {"CALENDAR_APP_FEED_CHECK_SECONDS": "60"}  # no change check due: answers come from memory
    with serving(sqlite_app.settings.db_url, env=env, options=["--no-reminders", "--no-access-log"]) as (client, _):
        port = client.base_url.port
        assert port is not None
        full = Connection(port)
        full.send(_get(FEED, b"Connection: close"))  # `Connection: close` takes uvicorn's path
        full_status, full_headers, full_body = full.answer()
        assert full_status == 200 and b"BEGIN:VEVENT" in full_body

        quick = Connection(port)
        for _ in range(2):
            quick.send(_get(FEED))
            status, headers, body = quick.answer()
            assert (status, _without_date(headers), body) == (200, _without_date(full_headers), full_body)
            assert b"date" in headers
        etag = full_headers[b"etag"]
        quick.send(_get(FEED, b"If-None-Match: " + etag), _get(FEED, method=b"HEAD"))
        status, headers, _ = quick.answer()
        assert status == 304 and headers[b"etag"] == etag and b"content-length" not in headers
        status, headers, body = quick.answer(head_only=True)
        assert status == 200 and headers[b"content-length"] == full_headers[b"content-length"]

        # a feed, then a route the front protocol leaves to uvicorn, then a feed again: all answered in order
        quick.send(_get(FEED, b"If-None-Match: " + etag), _get(b"/health"), _get(FEED, b"Accept-Encoding: gzip"))
        assert quick.answer()[0] == 304
        status, _, body = quick.answer()
        assert status == 200 and b'"status"' in body
        status, headers, _ = quick.answer()
        assert status == 200 and headers[b"content-encoding"] == b"gzip"
        for connection in (full, quick):
            connection.sock.close()


def kept_alive(headers: dict[bytes, bytes]) -> dict[bytes, bytes]:
    """The headers of an answer to `Connection: close` as they are on a kept-alive connection."""
    return {name: value for name, value in _without_date(headers).items() if name != b"connection"}


def test_an_rsvp_page_shown_before_is_answered_as_the_full_path_answers_it(sqlite_app: App) -> None:
    invited_event(sqlite_app, count=1)
    with sqlite_app.write() as session:
        participant_id = session.execute(select(Participant.id)).scalar_one()  # type: ignore[call-overload]
        path = f"/rsvp/{mint_tokens(participant_id, session=session, now=NOW)['accepted']}".encode()
    env = {"CALENDAR_APP_FEED_CHECK_SECONDS": "60"}
    with serving(sqlite_app.settings.db_url, env=env, options=["--no-reminders", "--no-access-log"]) as (client, _):
        port = client.base_url.port
        assert port is not None
        full = Connection(port)
        full.send(_get(path, b"Connection: close"))  # uvicorn's path; the page is kept in memory from now on
        full_status, full_headers, full_body = full.answer()
        assert full_status == 200 and b'name="nonce"' in full_body and b"no-store" in full_headers[b"cache-control"]
        quick = Connection(port)
        quick.send(_get(path), _get(path, method=b"HEAD"), _get(path + b"x"))
        status, headers, body = quick.answer()
        assert (status, _without_date(headers), body) == (200, kept_alive(full_headers), full_body)
        status, headers, _ = quick.answer(head_only=True)
        assert (status, _without_date(headers)) == (200, kept_alive(full_headers))
        assert quick.answer()[0] == 404  # an unknown token behind it, on the same connection: handed over
        for connection in (full, quick):
            connection.sock.close()
