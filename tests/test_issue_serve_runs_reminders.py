"""`serve` runs the reminder dispatcher beside the feed server (PRODUCT.md section 4), and can leave it off."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import httpx

from calendar_app.app import App
from calendar_app.clock import utc_now
from tests.reminder_helpers import add_contacts, add_event, outbox_mails
from tests.server_helpers import free_port
from tests.test_reminders_processes import CLI, _env, _wait


def _serve(app: App, outbox: Path, *extra: str) -> tuple[subprocess.Popen[str], httpx.Client]:
    port = free_port()
    env = _env(app, CALENDAR_APP_OUTBOX=str(outbox))
    process = subprocess.Popen([*CLI, "serve", "--port", str(port), *extra], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
    started = _wait(lambda: _healthy(client), 20)
    assert started, "the server did not start"
    return process, client


def _healthy(client: httpx.Client) -> bool:
    try:
        return client.get("/health").status_code == 200
    except httpx.TransportError:
        return False


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=20)
    return out


def test_serve_sends_due_reminders_while_it_serves_feeds(sqlite_app: App, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    now = utc_now()
    emails = add_contacts(sqlite_app, 1, now=now)
    # due in 2 seconds: the reminder 1 minute before a start 1 minute and 2 seconds away
    add_event(sqlite_app, now=now, start=now + timedelta(minutes=1, seconds=2), notify=emails, remind=["1m"])
    process, client = _serve(sqlite_app, outbox)
    try:
        assert client.get("/").status_code == 200
        assert _wait(lambda: len(outbox_mails(outbox)) == 1, 20), "serve sent no reminder"
    finally:
        client.close()
        out = _stop(process)
    assert "Reminders: the dispatcher runs beside the server" in out


def test_serve_without_reminders_sends_nothing(sqlite_app: App, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    now = utc_now()
    emails = add_contacts(sqlite_app, 1, now=now)
    add_event(sqlite_app, now=now, start=now + timedelta(minutes=1), notify=emails, remind=["1m"])  # due now
    process, client = _serve(sqlite_app, outbox, "--no-reminders")
    try:
        time.sleep(2)  # bounded: long enough for a running dispatcher to have sent the due reminder
        assert outbox_mails(outbox) == []
    finally:
        client.close()
        out = _stop(process)
    assert "Reminders:" not in out
