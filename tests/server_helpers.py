"""A real `calendar-app serve` process on a free loopback port, for tests that speak HTTP to it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(db_url: str, *, env: Mapping[str, str] | None = None, options: Sequence[str] = (),
                   start_seconds: float = 15) -> Iterator[httpx.Client]:
    """A client of a `serve` process that answers /health; the process is stopped afterwards.

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
            pytest.fail(f"server did not start: {process.communicate()[0].decode(errors='replace')}")
        time.sleep(0.05)
    try:
        yield client
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)
