"""The feed server in tests: a feed's bytes as the server builds them, and a real `calendar-app serve`
process on a free loopback port for tests that speak HTTP to it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import IO, Any

import httpx
import pytest

from calendar_app.app import App
from calendar_app.db import read_session
from calendar_app.rendered import ChunkKeeper
from calendar_app.web.cache import build_feed
from exports import feeds
from exports.checks import check_calendar
from tests.conftest import NOW


def feed_bytes(app: App, name: str, *, now: datetime = NOW) -> bytes:
    """The named feed as the server would serve it at `now`, checked line by line."""
    engine = app.store.engine
    with read_session(engine) as session:
        feed = feeds.find_feed(name, session=session)
    data = build_feed(feed, engine=engine, now=now, kind_defaults=app.kind_defaults, store=ChunkKeeper(engine)).body
    assert check_calendar(data) == []
    return data


def add_feed_stored_before_checks(app: App, spec: feeds.FeedSpec, *, now: datetime = NOW) -> Any:
    """A public feed naming `confidential`, as `feed add` stored it before refusing that (issue 10): the
    reading side must still leave confidential events out. Added without it, then given the filter in SQL."""
    from dataclasses import replace

    from sqlalchemy import select, update

    from calendar_app import feeds as feed_service
    from exports.models import Feed

    safe = replace(spec, visibilities=[v for v in spec.visibilities if v != "confidential"])
    info = feed_service.add_feed(safe, app=app, now=now)
    with app.store.engine.begin() as connection:
        table = Feed.__table__  # type: ignore[attr-defined]
        stored = json.loads(connection.execute(select(table.c.filters).where(table.c.name == spec.name)).scalar_one())
        stored["visibilities"] = list(spec.visibilities)
        connection.execute(update(table).where(table.c.name == spec.name).values(
            filters=json.dumps(stored, ensure_ascii=False, sort_keys=True)))
    return info


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Output:
    """What a server process printed, read as it prints (so a chatty server never blocks on a full pipe)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._chunks: list[bytes] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: IO[bytes]) -> None:
        for line in iter(stream.readline, b""):
            with self._lock:
                self._chunks.append(line)

    def text(self) -> str:
        with self._lock:
            return b"".join(self._chunks).decode(errors="replace")

    def wait_for(self, needle: str, seconds: float = 10) -> bool:
        deadline = time.monotonic() + seconds
        while needle not in self.text():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True


@contextmanager
def serving(db_url: str, *, env: Mapping[str, str] | None = None, options: Sequence[str] = (),
            start_seconds: float = 15) -> Iterator[tuple[httpx.Client, Output]]:
    """A client of a `serve` process that answers /health, and what the process prints; the process is
    stopped afterwards.

    The server looks for database changes on every request (CALENDAR_APP_FEED_CHECK_SECONDS=0), so a test
    sees a change at once.
    """
    port = free_port()
    environment = {**os.environ, "CALENDAR_APP_FEED_CHECK_SECONDS": "0", **(env or {})}
    process = subprocess.Popen(
        [sys.executable, "-c", "from cli import main; main()", "--db", db_url, "serve", "--port", str(port),
         *options],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    output = Output(process.stdout)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
    deadline = time.monotonic() + start_seconds
    while True:
        try:
            if client.get("/health").status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            process.wait(timeout=10)
            pytest.fail(f"server did not start: {output.text()}")
        time.sleep(0.05)
    try:
        yield client, output
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def running_server(db_url: str, *, env: Mapping[str, str] | None = None, options: Sequence[str] = (),
                   start_seconds: float = 15) -> Iterator[httpx.Client]:
    """A client of a `serve` process (see `serving`)."""
    with serving(db_url, env=env, options=options, start_seconds=start_seconds) as (client, _):
        yield client
