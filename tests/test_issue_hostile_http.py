"""Hostile HTTP against the feed server (issue 10, HTTP part): no answer is a 500, no secret leaks.

- Paths that cannot name a feed (NUL and control characters, bad percent escapes, over-long names, `/` and
  `..` smuggled in escapes) answer the same 404 bytes as an unknown or rotated token, on SQLite and on
  PostgreSQL (which refuses NUL in text: the server used to pass it on and answer 500).
- Conditional and encoding headers are read as RFC 9110 says: a garbage `If-Modified-Since` is ignored,
  `If-None-Match` is a list of entity tags compared weakly, `gzip;q=0` gets no gzip.
- Every HTML or text answer carries the security headers; feeds carry `nosniff`.
- A request is one line on `calendar_app.web.access`; a private feed's token never appears there.
- A real `serve` process: clients that never finish their headers are disconnected after the header
  timeout, connections beyond the limit are refused with 503; while the database cannot be used (a SQLite
  file moved away or replaced, a PostgreSQL schema dropped) every route answers 503 with `Retry-After` and
  `/health` says so, and once the database is back the server serves it again without a restart.

The module-level lists are the hostile corpus; the counts in the issue's report are their lengths.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy as sa

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.config import Settings
from calendar_app.schema import upgrade
from calendar_app.web.answers import NOT_FOUND, UNAVAILABLE
from calendar_app.web.app import create_app
from calendar_app.web.conditions import choose_gzip, entity_tags, http_date
from events.drafts import NewEventDraft
from exports.feeds import FeedSpec
from tests.conftest import NOW
from tests.server_helpers import serving

TITLE = "Нээлттэй хурал"
SECRET = "Нууц зөвлөгөөн"
SECURITY = {"content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"}
VOLATILE = {"date", "server"}  # added by uvicorn per answer

# Paths that name no feed: each must answer exactly the bytes of any 404.
BAD_PATHS = [
    "/feeds/pub%00.ics", "/private/%00.ics", "/feeds/%00", "/feeds/pub%01.ics", "/feeds/pub%7f.ics",
    "/feeds/%1b%5b31m.ics", "/feeds/pub%0d%0aSet-Cookie:%20x=1.ics", "/feeds/pub%0b.ics", "/feeds/pub%c2%85.ics",
    "/feeds/%ff%fe.ics", "/feeds/%c3%28.ics", "/feeds/%ed%a0%80.ics", "/feeds/%e2%80%ae.ics", "/feeds/%f0%9f%92%a9.ics",
    "/feeds/" + "a" * 5000 + ".ics", "/private/" + "A" * 10000 + ".ics", "/feeds/" + "%ff" * 3000 + ".ics",
    "/feeds/.ics", "/private/.ics", "/feeds/%2e%2e%2fetc%2fpasswd.ics", "/feeds/..%2f..%2fetc.ics",
    "/feeds/pub%2fx.ics", "/feeds/pub%5cx.ics", "/feeds/pub.ics/", "/feeds/pub.ics%00", "/feeds/pub;x.ics",
    "/feeds/pub%20.ics", "/feeds/%20pub.ics", "/feeds/pub.ICS", "/feeds//pub.ics", "/feeds/%d0%bf%d1%83%d0%b1.ics",
    "/feeds/board.ics", "/private/pub.ics", "/private/{token}x.ics", "/private/{short}.ics", "/private/{rotated}.ics",
    "/private/" + "A" * 43 + ".ics", "/%00", "/health%00", "/index.html", "/feeds/", "/private/", "/feeds/pub",
]
# Request lines a raw client may send: a 400 from the HTTP parser or a 404, never a 500.
RAW_REQUEST_LINES = [
    b"GET /feeds/pub\x00.ics HTTP/1.1", b"GET /feeds/pub\x01.ics HTTP/1.1", b"GET /feeds/\xff\xfe.ics HTTP/1.1",
    b"GET /feeds/../../etc/passwd HTTP/1.1", b"GET /feeds/pub.ics\r HTTP/1.1", b"GET feeds/pub.ics HTTP/1.1",
    b"GET * HTTP/1.1", b"GET http://evil.example/feeds/x.ics HTTP/1.1", b"GET /feeds/%.ics HTTP/1.1",
    b"GET /feeds/%zz.ics HTTP/1.1", b"BREW /feeds/pub.ics HTTP/1.1", b"GET /feeds/pub.ics HTTP/9.9",
]
# (If-Modified-Since, expected status) against a feed last modified at NOW.
MODIFIED_SINCE = [
    ("Sat, 01 Jan 99999 00:00:00 GMT", 200), ("Fri, 31 Dec 9999 23:59:59 GMT", 304),
    ("Fri, 31 Dec 9999 23:59:59 -2359", 304), ("Mon, 01 Jan 0001 00:00:00 +2359", 200),
    ("Sat, 01 Jan 2026 00:00:00 +99999999999999999999", 200), ("Sat, 01 Jan 2026 00:00:00 -0000", 200),
    ("Mon, 32 Jan 2030 00:00:00 GMT", 200), ("Mon, 01 Foo 2030 00:00:00 GMT", 200),
    ("Mon, 01 Jan 2030 25:61:61 GMT", 200), ("Mon, 01 Jan 2030 00:00:00 GMT, Tue, 02 Jan 2030 00:00:00 GMT", 200),
    ("", 200), ("0", 200), ("-1", 200), ("null", 200), ("9" * 4000, 200), ("\xff\xfe", 200),
    ("Sunday, 06-Nov-94 08:49:37 GMT", 200), ("Sun Nov  6 08:49:37 2094", 304), ("Mon, 01 Jan 2035 00:00:00 GMT", 304),
]
# (If-None-Match with {etag}, expected status); with no valid list the header is ignored.
NONE_MATCH = [
    ("{etag}", 304), ("W/{etag}", 304), ("*", 304), ('"a", {etag}', 304), ('"a,b", {etag}', 304), ("{gz}", 304),
    (' ,, "x" ,{etag} ,', 304), ('"a,b"', 200), ('"x"', 200), ("garbage", 200), ('"unterminated', 200), ("W/", 200),
    ("W/garbage", 200), ('"\x00"', 200), ("**", 200), (", ".join(f'"{n}"' for n in range(3000)), 200), ("", 200),
]
# (Accept-Encoding, expected: gzip / identity / 406)
ENCODINGS = [
    ("gzip", "gzip"), ("gzip;q=0", "identity"), ("gzip; q=0.000", "identity"), ("*;q=0", 406),
    ("identity;q=0", 406), ("identity;q=0, gzip;q=0", 406), ("*", "gzip"), ("*;q=0, identity", "identity"),
    ("*;q=0, gzip", "gzip"), ("*, gzip;q=0", "identity"), ("gzip;q=1.5", "identity"), ("gzip;q=abc", "identity"),
    ("gzip;q=", "identity"), ("x-gzip", "gzip"), ("GZIP", "gzip"), ("gzip;q=0.001", "gzip"),
    ("br, deflate", "identity"), ("gzip;q=0.5, identity;q=0.9", "identity"), ("\xff", "identity"),
    (",,,", "identity"), ("gzip" * 3000, "identity"), ("identity", "identity"), ("", "identity"),
]


def _stock(app: App) -> dict[str, str]:
    """A public and a private feed (with the confidential event); the private one's token rotated once, so
    the old token is known to have existed."""
    for title, visibility in ((TITLE, "public"), (SECRET, "confidential")):
        services.add_event(NewEventDraft(title=title, start="2026-11-26 10:00", duration="2h", region="ulaanbaatar",
                                         visibility=visibility), app=app, now=NOW)
    feed_service.add_feed(FeedSpec("pub"), app=app, now=NOW)
    old = feed_service.add_feed(FeedSpec("board", private=True, visibilities=["confidential"]), app=app, now=NOW)
    new = feed_service.rotate_feed("board", app=app, now=NOW)
    assert old.url is not None and new.url is not None
    rotated, token = (urlsplit(u).path.removeprefix("/private/").removesuffix(".ics") for u in (old.url, new.url))
    return {"token": token, "rotated": rotated, "short": token[:-1]}


def _paths(secrets: dict[str, str]) -> list[str]:
    return [path.format(**secrets) for path in BAD_PATHS]


def _fixed(headers: httpx.Headers) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers.multi_items() if k not in VOLATILE]


async def _requests(web: Any, calls: list[tuple[str, str, dict[str, str]]]) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return [await client.request(method, path, headers=_latin1(headers)) for method, path, headers in calls]


def _latin1(headers: dict[str, str]) -> dict[bytes, bytes]:
    """Header values as the bytes a hostile client sends (`\xff` is one byte)."""
    return {name.encode(): value.encode("latin-1") for name, value in headers.items()}


def _web(app: App) -> Any:
    return create_app(app.store.engine, base_url="https://calendar.example.org", check_interval=0,
                      kind_defaults=app.kind_defaults, clock=lambda: NOW)


# --- the header parsers alone -------------------------------------------------------------------------------


def test_http_dates_never_raise() -> None:
    assert http_date(b"Sun, 06 Nov 1994 08:49:37 GMT") == 784111777
    assert http_date(b"Sunday, 06-Nov-94 08:49:37 GMT") == 784111777
    assert http_date(b"Sun Nov  6 08:49:37 1994") == 784111777
    for garbage, _ in MODIFIED_SINCE:
        raw = garbage.encode("latin-1")
        when = http_date(raw)
        assert when is None or isinstance(when, int)
    assert http_date(b"Sat, 01 Jan 99999 00:00:00 GMT") is None
    assert http_date(b"Sat, 01 Jan 2026 00:00:00 +99999999999999999999") is None


def test_entity_tag_lists() -> None:
    assert entity_tags(b'"a,b", W/"c"') == {b'"a,b"', b'"c"'}
    assert entity_tags(b" * ") == {b"*"}
    assert entity_tags(b'"a" "b"') is None and entity_tags(b"") is None and entity_tags(b'"a"x') is None


def test_accept_encoding_table() -> None:
    expected = {"gzip": True, "identity": False, 406: None}
    for value, wanted in ENCODINGS:
        assert choose_gzip(value.encode("latin-1")) is expected[wanted], value
    assert choose_gzip(None) is False


# --- in-process, on SQLite and PostgreSQL -------------------------------------------------------------------


def test_bad_paths_are_the_same_404_on_both_databases(app: App) -> None:
    secrets = _stock(app)
    paths = _paths(secrets)
    calls: list[tuple[str, str, dict[str, str]]] = [(method, path, {}) for path in paths for method in ("GET", "HEAD")]
    calls.append(("GET", "/private/" + "B" * 43 + ".ics", {}))
    answers = asyncio.run(_requests(_web(app), calls))
    reference = answers[-1]
    assert reference.status_code == 404 and reference.content == NOT_FOUND.body
    for (method, path, _), answer in zip(calls, answers, strict=True):
        assert answer.status_code == 404, (method, path[:80], answer.status_code, answer.text[:200])
        assert _fixed(answer.headers) == _fixed(reference.headers), path[:80]
        assert answer.content == (NOT_FOUND.body if method == "GET" else b""), path[:80]
    good = asyncio.run(_requests(_web(app), [("GET", f"/private/{secrets['token']}.ics", {}),
                                             ("GET", "/feeds/pub.ics?x=%00&y=%ff", {})]))
    assert [a.status_code for a in good] == [200, 200]
    assert SECRET in good[0].text and SECRET not in good[1].text


def test_conditional_and_encoding_headers_never_fail(app: App) -> None:
    _stock(app)
    web = _web(app)
    (first,) = asyncio.run(_requests(web, [("GET", "/feeds/pub.ics", {"accept-encoding": "identity"})]))
    etag = first.headers["etag"]
    gz = etag[:-1] + '-gz"'
    assert first.headers["x-content-type-options"] == "nosniff"
    calls = [("GET", "/feeds/pub.ics", {"if-modified-since": value}) for value, _ in MODIFIED_SINCE]
    calls += [("GET", "/feeds/pub.ics", {"if-none-match": value.format(etag=etag, gz=gz)}) for value, _ in NONE_MATCH]
    calls += [("GET", "/feeds/pub.ics", {"accept-encoding": value}) for value, _ in ENCODINGS]
    answers = asyncio.run(_requests(web, calls))
    expected = [status for _, status in MODIFIED_SINCE] + [status for _, status in NONE_MATCH]
    for (_, _, headers), answer, status in zip(calls, answers, expected, strict=False):
        assert answer.status_code == status, (headers, answer.status_code)
    for (value, wanted), answer in zip(ENCODINGS, answers[len(expected):], strict=True):
        if wanted == 406:
            assert answer.status_code == 406, value
            continue
        assert answer.status_code == 200, value
        assert answer.headers.get("content-encoding") == ("gzip" if wanted == "gzip" else None), value
        assert TITLE in answer.text
    # an If-None-Match that is no list is ignored, so If-Modified-Since decides
    mixed = {"if-none-match": "garbage", "if-modified-since": first.headers["last-modified"]}
    (both,) = asyncio.run(_requests(web, [("GET", "/feeds/pub.ics", mixed)]))
    assert both.status_code == 304


def test_every_html_and_text_answer_has_the_security_headers(app: App) -> None:
    _stock(app)
    calls = [("GET", "/", {}), ("HEAD", "/", {}), ("GET", "/nowhere", {}), ("POST", "/", {}),
             ("DELETE", "/health", {}), ("POST", "/feeds/pub.ics", {}), ("PUT", "/private/x.ics", {}),
             ("OPTIONS", "/", {}), ("GET", "/health", {}), ("GET", "/feeds/pub.ics", {"accept-encoding": "*;q=0"}),
             ("TRACE", "/", {})]
    answers = asyncio.run(_requests(_web(app), calls))
    for (method, path, _), answer in zip(calls, answers, strict=True):
        assert answer.status_code < 500, (method, path, answer.status_code)
        assert set(answer.headers) >= SECURITY, (method, path, answer.headers)
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["x-frame-options"] == "DENY"
    assert answers[0].headers["content-type"].startswith("text/html")
    assert answers[3].status_code == 405 and answers[3].headers["allow"]


def test_access_log_masks_the_token(app: App, caplog: pytest.LogCaptureFixture) -> None:
    secrets = _stock(app)
    caplog.set_level(logging.INFO, logger="calendar_app.web.access")
    calls = [("GET", f"/private/{secrets['token']}.ics", {}), ("HEAD", f"/private/{secrets['rotated']}.ics", {}),
             ("GET", "/feeds/pub.ics", {"accept-encoding": "gzip"}), ("GET", "/feeds/pub%0d%0aforged.ics", {}),
             ("GET", "/", {}), ("GET", "/" + "x" * 5000, {})]
    answers = asyncio.run(_requests(_web(app), calls))
    lines = [r.getMessage() for r in caplog.records if r.name == "calendar_app.web.access"]
    assert len(lines) == len(calls)
    text = "\n".join(lines)
    for secret in (secrets["token"], secrets["rotated"]):
        assert secret not in text
    assert re.fullmatch(r"GET /private/\*\*\*\.ics 200 \d+ \d+\.\dms", lines[0]), lines[0]
    assert lines[1].startswith("HEAD /private/***.ics 404 0 ")
    assert lines[2].startswith(f"GET /feeds/pub.ics 200 {answers[2].num_bytes_downloaded} ")
    assert lines[3].startswith("GET /feeds/pub%0D%0Aforged.ics 404 10 ")  # one line, not a forged second one
    assert all("\n" not in line and len(line) < 300 for line in lines)


# --- a real server ------------------------------------------------------------------------------------------


def _raw(port: int, request: bytes, timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def _port(client: httpx.Client) -> int:
    port = client.base_url.port
    assert port is not None
    return port


def test_bad_paths_over_real_sockets(app: App) -> None:
    secrets = _stock(app)
    with serving(app.settings.db_url, options=["--no-reminders"]) as (client, output):
        port = _port(client)
        never = _raw(port, b"GET /private/" + b"C" * 43 + b".ics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reference = never.split(b"\r\n\r\n", 1)
        for path in _paths(secrets):
            answer = _raw(port, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            head, body = answer.split(b"\r\n\r\n", 1)
            assert _status(answer) == 404 and body == reference[1], path[:80]
            assert _drop_date(head) == _drop_date(reference[0]), path[:80]
        for line in RAW_REQUEST_LINES:
            answer = _raw(port, line + b"\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert answer == b"" or _status(answer) in (400, 404, 405), (line, answer[:200])
        assert "Traceback" not in output.text()


def _drop_date(head: bytes) -> list[bytes]:
    return [line for line in head.split(b"\r\n") if not line.lower().startswith(b"date:")]


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes `sock` within `seconds` while it sends a header byte every 0.2 s."""
    deadline = time.monotonic() + seconds
    sock.settimeout(0.2)
    while time.monotonic() < deadline:
        try:
            sock.sendall(b"X")
            if sock.recv(1024) == b"":
                return True
        except TimeoutError:
            continue
        except OSError:  # reset or broken pipe: closed
            return True
    return False


def test_slow_clients_are_cut_off_and_connections_are_bounded(sqlite_app: App) -> None:
    _stock(sqlite_app)
    options = ["--no-reminders", "--header-timeout", "1", "--max-connections", "40"]
    with serving(sqlite_app.settings.db_url, options=options) as (client, output):
        port = _port(client)
        began = time.monotonic()
        slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(50)]
        for sock in slow:
            sock.sendall(b"GET /feeds/pub.ics HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        # beyond 40 connections, a complete request is answered 503 at once, not queued behind the slow ones
        busy = _raw(port, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert _status(busy) == 503
        closed = [_closed_within(sock, 8) for sock in slow]
        assert all(closed), closed.count(False)
        assert time.monotonic() - began < 15
        for sock in slow:
            sock.close()
        assert client.get("/feeds/pub.ics").status_code == 200  # the server is free again
        flood = _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"a" * 100_000 + b"\r\n\r\n")
        assert _status(flood) == 431
        assert "Traceback" not in output.text()


def _all_unavailable(client: httpx.Client, paths: list[str]) -> None:
    for path in paths:
        answer = client.get(path)
        assert answer.status_code == 503, (path, answer.status_code, answer.text[:300])
        assert answer.headers["retry-after"] == "5"
        if path != "/health":
            assert answer.content == UNAVAILABLE.body
        assert set(answer.headers) >= SECURITY
    assert client.get("/health").json()["status"] == "error"


def _wait_status(client: httpx.Client, path: str, status: int, seconds: float = 10) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        answer = client.get(path)
        if answer.status_code == status or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def _sqlite_files(db: Path) -> list[Path]:
    return [db.with_name(db.name + suffix) for suffix in ("", "-wal", "-shm")]


def test_sqlite_file_moved_away_and_replaced(tmp_path: Path) -> None:
    db = tmp_path / "cal.db"
    app = App.open(Settings(db_url=f"sqlite:///{db}", default_tz="Asia/Ulaanbaatar"))
    secrets = _stock(app)
    app.close()
    private = f"/private/{secrets['token']}.ics"
    routes = ["/feeds/pub.ics", private, "/", "/health"]
    away = tmp_path / "away"
    away.mkdir()
    with serving(f"sqlite:///{db}", options=["--no-reminders"]) as (client, output):
        assert client.get("/feeds/pub.ics").status_code == 200 and client.get(private).status_code == 200
        for path in _sqlite_files(db):
            if path.exists():
                path.rename(away / path.name)
        _all_unavailable(client, routes)
        assert client.get("/health").json()["database"] == "file missing"
        assert not db.exists()  # the server never creates an empty database in its place
        for path in _sqlite_files(away / db.name):
            if path.exists():
                path.rename(tmp_path / path.name)
        assert _wait_status(client, "/feeds/pub.ics", 200).status_code == 200  # back, without a restart
        assert TITLE in client.get("/feeds/pub.ics").text and SECRET in client.get(private).text
        # replaced by something that is not a database, then by another database
        for path in _sqlite_files(db):
            if path.exists():
                path.rename(away / path.name)
        db.write_bytes(b"not a database" * 100)
        _all_unavailable(client, routes)
        db.unlink()
        other = App.open(Settings(db_url=f"sqlite:///{tmp_path / 'other.db'}", default_tz="Asia/Ulaanbaatar"))
        feed_service.add_feed(FeedSpec("other"), app=other, now=NOW)
        other.close()
        shutil.move(tmp_path / "other.db", db)
        assert _wait_status(client, "/feeds/other.ics", 200).status_code == 200
        assert client.get("/feeds/pub.ics").status_code == 404 and client.get(private).status_code == 404
        assert client.get("/health").json()["status"] == "ok"
    assert "Traceback" not in output.text()


def _schema(url: str) -> str:
    found = re.search(r"search_path%3D(\w+)", url)
    assert found is not None
    return found.group(1)


@pytest.mark.postgres
def test_postgres_schema_dropped_and_recreated(pg_url: str, postgres_base: str) -> None:
    app = App.open(Settings(db_url=pg_url, default_tz="Asia/Ulaanbaatar"))
    secrets = _stock(app)
    app.close()
    private = f"/private/{secrets['token']}.ics"
    admin = sa.create_engine(postgres_base, isolation_level="AUTOCOMMIT")
    schema = _schema(pg_url)
    try:
        with serving(pg_url, options=["--no-reminders"]) as (client, output):
            assert client.get("/feeds/pub.ics").status_code == 200 and client.get(private).status_code == 200
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
                connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            _all_unavailable(client, ["/feeds/pub.ics", private, "/", "/health"])
            assert client.get("/health").json()["database"] == "schema missing"
            engine = sa.create_engine(pg_url)
            upgrade(engine)  # the app's migrations: an empty schema at HEAD
            engine.dispose()
            assert _wait_status(client, "/health", 200).status_code == 200
            assert client.get("/feeds/pub.ics").status_code == 404  # the re-created database has no feeds yet
            again = App.open(Settings(db_url=pg_url, default_tz="Asia/Ulaanbaatar"))
            _stock(again)
            again.close()
            answer = client.get("/feeds/pub.ics")
            assert answer.status_code == 200 and TITLE in answer.text
            assert client.get(private).status_code == 404  # the old token named a feed of the dropped database
        assert "Traceback" not in output.text()
    finally:
        admin.dispose()


def test_served_access_log_never_prints_the_token(sqlite_app: App) -> None:
    secrets = _stock(sqlite_app)
    with serving(sqlite_app.settings.db_url, options=["--no-reminders"]) as (client, output):
        assert client.get(f"/private/{secrets['token']}.ics").status_code == 200
        assert client.get(f"/private/{secrets['rotated']}.ics").status_code == 404
        assert output.wait_for("GET /private/***.ics 404")
    text = output.text()
    assert secrets["token"] not in text and secrets["rotated"] not in text
    assert re.search(r"GET /private/\*\*\*\.ics 200 \d+ \d+\.\dms", text), text[-2000:]


@pytest.fixture
def quiet_server(sqlite_app: App) -> Iterator[tuple[httpx.Client, Any]]:
    _stock(sqlite_app)
    with serving(sqlite_app.settings.db_url, options=["--no-reminders", "--no-access-log"]) as served:
        yield served


def test_no_access_log_when_asked(quiet_server: tuple[httpx.Client, Any]) -> None:
    client, output = quiet_server
    for _ in range(3):
        assert client.get("/feeds/pub.ics").status_code == 200
    assert "GET /feeds/pub.ics" not in output.text()
