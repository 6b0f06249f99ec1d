"""`serve --workers 2`: this process binds the port and starts the worker processes itself, handing them
what to build; nothing travels by environment variables. Each worker is made to answer on its own by
stopping (SIGSTOP) the other one, so the test does not depend on which process the kernel picks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.config import Settings
from events.drafts import NewEventDraft
from exports.feeds import FeedSpec
from tests.conftest import NOW
from tests.server_helpers import free_port

CLI = [sys.executable, str(Path(__file__).resolve().parents[1] / "cli.py")]
TITLE = "Жендэрийн тэгш байдлын сургалт"


def _workers(parent: int) -> list[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


@contextmanager
def _serving(app: App, port: int) -> Iterator[subprocess.Popen[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALENDAR_APP_")}
    process = subprocess.Popen([*CLI, "--db", app.settings.db_url, "serve", "--port", str(port), "--workers", "2",
                                "--no-reminders"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _get(port: int, path: str) -> httpx.Response:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:  # a new connection each time
        return client.get(path, headers={"Connection": "close"})


def _answers(port: int) -> bool:
    try:
        return _get(port, "/health").status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture
def stocked(tmp_path: Path) -> App:
    app = App.open(Settings(db_url=f"sqlite:///{tmp_path / 'cal.db'}", default_tz="Asia/Ulaanbaatar"))
    services.add_event(NewEventDraft(title=TITLE, start="2026-11-26 10:00", visibility="public"),
                       app=app, now=NOW)
    feed_service.add_feed(FeedSpec("pub"), app=app, now=NOW)
    return app


def test_each_of_two_workers_answers_feeds_without_environment_settings(stocked: App) -> None:
    port = free_port()
    with _serving(stocked, port) as process:
        assert _wait_for(lambda: _answers(port) and len(_workers(process.pid)) == 2, 30), "no two workers"
        workers = _workers(process.pid)
        for worker in workers:
            environ = Path(f"/proc/{worker}/environ").read_bytes().split(b"\0")
            assert not [v for v in environ if v.startswith(b"CALENDAR_APP_")]
        for answering in workers:
            others = [w for w in workers if w != answering]
            for pid in others:
                os.kill(pid, signal.SIGSTOP)
            try:
                answer = _get(port, "/feeds/pub.ics")
            finally:
                for pid in others:
                    os.kill(pid, signal.SIGCONT)
            assert answer.status_code == 200 and TITLE in answer.text, answering
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
    assert process.returncode == 0, out
    assert "Serving feeds on" in out and "pub: http://127.0.0.1:" in out
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_ctrl_c_stops_every_worker_cleanly(stocked: App) -> None:
    port = free_port()
    with _serving(stocked, port) as process:
        assert _wait_for(lambda: _answers(port) and len(_workers(process.pid)) == 2, 30), "no two workers"
        workers = _workers(process.pid)
        os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
        out, _ = process.communicate(timeout=30)
    assert process.returncode == 0, out
    assert "Traceback" not in out
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
