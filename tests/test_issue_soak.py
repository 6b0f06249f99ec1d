"""Soak: CLI writers, a two-worker feed server and two dispatchers on one database at once.

The bug it guards: deferred write transactions failed with "database is locked" (a feed GET answered 500
right after `event edit` while `serve` ran), and on PostgreSQL the dispatchers deadlocked and sent
duplicates. Here, on SQLite and on PostgreSQL, 4 writer processes add, edit, cancel, import, add feeds and
campaign editions while `serve --workers 2` is polled and 2 `scheduler run` processes mail into an SMTP
sink. Expected: 0 HTTP 500, 0 "database is locked" (or any traceback), 0 lost writes, every sent delivery
mailed exactly once. Bounded in count (48 CLI writes) and time (every wait has a deadline).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.smtp_sink import Sink, free_port, smtp_sink

CLI = [sys.executable, "-c", "from cli import main; main()"]
WRITERS = 4
ROUNDS = 2
GUESTS = ("aigul@example.kg", "bolor@example.mn")
DEADLINE = 600.0  # seconds: a guard against a hang, far above the ~50 s a run takes on a busy machine


@dataclass
class Log:
    """What the run saw: every CLI result, every HTTP status, what each writer wrote."""

    failures: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    titles: set[str] = field(default_factory=set)
    cancelled: set[str] = field(default_factory=set)
    imported: set[str] = field(default_factory=set)
    feeds: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _env(db: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALENDAR_APP_")}
    return {**env, "CALENDAR_APP_DB": db, "CALENDAR_APP_TZ": "Asia/Ulaanbaatar", **extra}


def _cli(db: str, *args: str, log: Log) -> str:
    done = subprocess.run([*CLI, *args], env=_env(db), capture_output=True, text=True, timeout=60)
    if done.returncode != 0 or "Traceback" in done.stderr or "locked" in done.stderr:
        with log.lock:
            log.failures.append(f"{' '.join(args[:3])}: exit {done.returncode}: {done.stderr.strip()[-300:]}")
    return done.stdout


def _ics(uid: str, title: str, start: datetime) -> str:
    stamp = start.strftime("%Y%m%dT%H%M%SZ")
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//soak//EN\r\nBEGIN:VEVENT\r\n"
            f"UID:{uid}\r\nDTSTAMP:{stamp}\r\nDTSTART:{stamp}\r\nDURATION:PT1H\r\nSUMMARY:{title}\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n")


def _writer(db: str, number: int, folder: Path, log: Log) -> None:
    """One writer process at a time doing, each round: add, edit, cancel, import, feed add, edition add."""
    for round_ in range(ROUNDS):
        tag = f"w{number}r{round_}"
        start = datetime.now(UTC) + timedelta(minutes=6)
        added = json.loads(_cli(db, "event", "add", f"Зөвшилцөх уулзалт {tag}", "--start", start.isoformat(),
                                "--duration", "1h", "--remind", "6m", "--no-default-reminders",
                                "--notify", GUESTS[0], "--notify", GUESTS[1], "--visibility", "public",
                                "--json", log=log) or "{}")
        other = json.loads(_cli(db, "event", "add", f"Тегерек стол {tag}", "--start", start.isoformat(),
                                "--duration", "2h", "--visibility", "public", "--json", log=log) or "{}")
        if "id" in added:
            _cli(db, "event", "edit", str(added["id"]), "--title", f"Зөвшилцөх уулзалт {tag} (шинэ)", log=log)
        if "id" in other:
            _cli(db, "event", "cancel", str(other["id"]), "--reason", "soak", log=log)
        path = folder / f"{tag}.ics"
        path.write_text(_ics(f"{tag}@soak", f"Импорт {tag}", start), encoding="utf-8")
        _cli(db, "import", str(path), log=log)
        _cli(db, "feed", "add", f"feed-{tag}", "--visibility", "public", log=log)
        _cli(db, "campaign", "edition", "add", "16-days", str(2030 + number * ROUNDS + round_), "--theme", tag,
             log=log)
        with log.lock:
            log.titles.add(f"Зөвшилцөх уулзалт {tag} (шинэ)")
            log.cancelled.add(f"Тегерек стол {tag}")
            log.imported.add(f"{tag}@soak")
            log.feeds.add(f"feed-{tag}")
            log.years.add(2030 + number * ROUNDS + round_)


def _poll(base: str, stop: threading.Event, log: Log) -> None:
    with httpx.Client(timeout=10) as client:
        while not stop.is_set():
            for path in ("/feeds/public.ics", "/", "/health"):
                try:
                    log.statuses[client.get(base + path).status_code] += 1
                except httpx.HTTPError as error:
                    log.failures.append(f"GET {path}: {error!r}")


@contextmanager
def _process(args: list[str], env: dict[str, str], out: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(out, "wb") as sink:
        process = subprocess.Popen(args, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield process
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_until_up(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)  # waiting for a process to start, not measuring time
    pytest.fail("the server did not start")


def _settled(engine: sa.Engine, deadline: float) -> dict[str, int]:
    """Delivery counts by status, once nothing is pending or claimed any more (or the deadline passed)."""
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            counts = dict(connection.execute(sa.text(
                "SELECT status, count(*) FROM delivery GROUP BY status")).all())
        if not counts.get("pending") and not counts.get("claimed"):
            return counts
        time.sleep(0.5)  # the dispatchers poll every second
    return counts


def _received(sink: Sink) -> Counter[str]:
    return Counter(str(mail["Message-ID"]) for mail in sink.mails)


def test_soak_writers_server_and_dispatchers_share_one_database(store_url: str, tmp_path: Path) -> None:
    deadline = time.monotonic() + DEADLINE
    log = Log()
    for args in (("contact", "add", "Айгүл", "--email", GUESTS[0], "--language", "ky", "--tz", "Asia/Bishkek"),
                 ("contact", "add", "Болор", "--email", GUESTS[1], "--language", "mn"),
                 ("feed", "add", "public", "--visibility", "public"),
                 ("campaign", "add", "--preset", "16-days")):
        _cli(store_url, *args, log=log)
    assert log.failures == []
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with smtp_sink() as (sink, smtp_port):
        mail_env = _env(store_url, CALENDAR_APP_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}")
        dispatchers = [[*CLI, "scheduler", "run", "--poll", "1", "--lease", "30s"] for _ in range(2)]
        with _process([*CLI, "serve", "--workers", "2", "--no-reminders", "--port", str(port)], _env(store_url),
                      tmp_path / "serve.log"), \
             _process(dispatchers[0], mail_env, tmp_path / "d1.log"), \
             _process(dispatchers[1], mail_env, tmp_path / "d2.log"):
            _wait_until_up(base, deadline)
            stop = threading.Event()
            poller = threading.Thread(target=_poll, args=(base, stop, log))
            poller.start()
            writers = [threading.Thread(target=_writer, args=(store_url, n, tmp_path, log)) for n in range(WRITERS)]
            for writer in writers:
                writer.start()
            for writer in writers:
                writer.join(timeout=max(1.0, deadline - time.monotonic()))
            engine = sa.create_engine(store_url)
            counts = _settled(engine, deadline)
            stop.set()
            poller.join(timeout=30)
        received = _received(sink)
    logs = "\n".join((tmp_path / name).read_text(errors="replace") for name in ("serve.log", "d1.log", "d2.log"))

    assert not any(w.is_alive() for w in writers), "a writer did not finish within the bound"
    assert log.failures == []
    assert "locked" not in logs and "Traceback" not in logs and "Deadlock" not in logs, logs[-2000:]
    assert log.statuses[500] == 0 and log.statuses[200] > 0, log.statuses
    assert set(log.statuses) <= {200}, log.statuses
    with engine.connect() as connection:  # no lost writes
        rows = connection.execute(sa.text("SELECT title, status, uid FROM event")).all()
        feed_names = set(connection.execute(sa.text("SELECT name FROM feed")).scalars())
        years = set(connection.execute(sa.text("SELECT year FROM campaign_edition")).scalars())
    titles = {title for title, _, _ in rows}
    assert log.titles <= titles
    assert {title for title, status, _ in rows if status == "cancelled"} >= log.cancelled
    assert log.imported <= {uid for _, _, uid in rows}
    assert log.feeds <= feed_names and log.years <= years
    assert len(rows) == WRITERS * ROUNDS * 3
    # Every sent delivery mailed exactly once; none left pending or claimed.
    assert counts.get("pending", 0) == counts.get("claimed", 0) == 0, counts
    assert counts.get("sent", 0) >= WRITERS * ROUNDS * len(GUESTS), counts
    assert sum(received.values()) == counts["sent"] and max(received.values()) == 1, (received, counts)
    print(f"\nsoak {engine.dialect.name}: {WRITERS * ROUNDS * 7} CLI writes, 0 failed; "
          f"{sum(log.statuses.values())} GETs, statuses {dict(log.statuses)}; deliveries {counts}; "
          f"{sum(received.values())} mails, {len(received)} distinct Message-IDs")
    engine.dispose()
