"""Reminder benchmarks, each against a baseline measured in the same run (issue 4).

1. 1,000 deliveries due at one instant through the outbox, woken by the real APScheduler-driven service:
   p99 lateness (due -> file written) vs APScheduler 3 firing 1,000 date jobs from its SQLAlchemy job store
   (and from its memory store).
2. The same 1,000 through SMTP to a local aiosmtpd sink vs a plain smtplib loop over one connection.
3. 100,000 pending deliveries: `scheduler run --once` start-up time, paired with `python -c pass` (at most 1 s
   over it), and its peak memory (at most 150 MB; `python -c pass`'s printed beside it) (issue 14).
4. Rescheduling the 10,000 deliveries of a moved campaign vs APScheduler's `reschedule_job` on its
   SQLAlchemy store (measured on 1,000 jobs and scaled, it takes minutes otherwise).

Run: `make bench` or `python -m bench reminders`.
"""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench.common import judge_ratio, report, time_paired
from calendar_app.app import App
from calendar_app.clock import utc_now
from calendar_app.config import Settings
from calendar_app.db import create_db_engine, write_session
from calendar_app.notify.channels import Channel, OutboxChannel, SMTPChannel, default_channels, parse_smtp_url
from calendar_app.notify.dispatcher import Dispatcher
from calendar_app.notify.outcomes import DispatchConfig
from calendar_app.notify.scheduler import DispatcherService, SchedulerOptions
from calendar_app.notify.store import SQLDeliveryStore
from calendar_app.services import edit_event
from events.drafts import EventChanges, NewEventDraft
from events.notify.models import Contact, Delivery, EventRecipient
from events.services import create_event

ROOT = Path(__file__).resolve().parents[1]
FIRED: list[float] = []


def _fired() -> None:  # an APScheduler job: module-level so the SQLAlchemy store can pickle a reference
    FIRED.append(time.time())


def _dispatcher(app: App, email: Channel, config: DispatchConfig | None = None) -> Dispatcher:
    store = SQLDeliveryStore(create_db_engine(app.settings.db_url))
    return Dispatcher(store, channels=default_channels(email=email), mail_from="c@ngo.mn", config=config)


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _store(folder: Path) -> App:
    return App.open(Settings(db_url=f"sqlite:///{folder / 'bench.db'}", default_tz="Asia/Ulaanbaatar"))


def _event_with_recipients(app: App, count: int, *, start: datetime, remind: str | None,
                           kind: str = "meeting") -> int:
    """One event and `count` contacts told about it, written with bulk inserts; then planned as usual."""
    from calendar_app.notify.planning import plan_notifications

    now = utc_now()
    with write_session(app.store.engine) as session:
        draft = NewEventDraft(title="16 хоногийн аян", start=start.isoformat(), duration="2h", kind=kind,
                              tz="Asia/Ulaanbaatar")
        event = create_event(draft, session=session, default_tz=app.settings.default_tz, now=now)
        assert event.id is not None
        langs = ("mn", "ky", "ru", "en")
        session.execute(insert(Contact), [
            {"name": f"Person {i}", "email": f"p{i}@example.org", "language": langs[i % 4],
             "timezone": "Asia/Bishkek" if i % 4 == 1 else "Asia/Ulaanbaatar", "created_at": now}
            for i in range(count)])
        ids = session.execute(Contact.__table__.select().with_only_columns(Contact.__table__.c.id)).scalars().all()  # type: ignore[attr-defined]
        session.execute(insert(EventRecipient), [{"event_id": event.id, "contact_id": i} for i in ids])
        plan_notifications(event, None, [remind] if remind else None, None, app=app, session=session, now=now)
        return event.id


def _apscheduler_lateness(store: str, folder: Path, count: int = 1000) -> tuple[float, float]:
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    jobstore: Any = (SQLAlchemyJobStore(url=f"sqlite:///{folder / 'aps.db'}") if store == "sqlalchemy"
                     else MemoryJobStore())
    scheduler = BackgroundScheduler(jobstores={"default": jobstore}, timezone=UTC)
    scheduler.start()
    FIRED.clear()
    # All jobs due at one instant, far enough ahead that adding them (a few ms each) ends before it.
    due = datetime.now(UTC) + timedelta(seconds=12)
    started = time.perf_counter()
    for i in range(count):
        scheduler.add_job(_fired, "date", run_date=due, id=f"j{i}", misfire_grace_time=None)
    per_add = (time.perf_counter() - started) / count
    assert datetime.now(UTC) < due, "adding the jobs took longer than the lead time"
    deadline = time.time() + 90
    while len(FIRED) < count and time.time() < deadline:
        time.sleep(0.05)
    scheduler.shutdown(wait=True)
    lateness = [t - due.timestamp() for t in FIRED]
    return _p(lateness, 0.99), per_add


def bench_outbox(folder: Path, count: int = 1000) -> dict[str, float]:
    app = _store(folder)
    due = utc_now().replace(microsecond=0) + timedelta(seconds=15)
    _event_with_recipients(app, count, start=due + timedelta(hours=1), remind="60m")
    outbox = folder / "outbox"
    dispatcher = _dispatcher(app, OutboxChannel(outbox))
    service = DispatcherService(dispatcher, SchedulerOptions(poll=timedelta(seconds=2)))
    service.start()
    deadline = time.time() + 90
    while time.time() < deadline:
        new = outbox / "new"
        if new.exists() and sum(1 for _ in new.iterdir()) >= count:
            break
        time.sleep(0.1)
    service.shutdown()
    # ctime: when the file entered new/ (a rename changes it; mtime would be the staging write)
    lateness = [p.stat().st_ctime_ns / 1e9 - due.timestamp() for p in (outbox / "new").iterdir()]
    ours = _p(lateness, 0.99)
    sqlalchemy_p99, per_add = _apscheduler_lateness("sqlalchemy", folder)
    memory_p99, _ = _apscheduler_lateness("memory", folder)
    return {"count": len(lateness), "p50": _p(lateness, 0.5), "p99": ours, "max": max(lateness),
            "floor": file_floor(folder / "floor"),
            "aps_sqlalchemy_p99": sqlalchemy_p99, "aps_memory_p99": memory_p99, "aps_add_ms": per_add * 1000}


SINK = """
import sys, threading
from aiosmtpd.controller import Controller
count = 0
class Sink:
    async def handle_DATA(self, server, session, envelope):
        global count
        count += 1
        return "250 OK"
controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
print(count, flush=True)
"""


def file_floor(folder: Path, count: int = 1000) -> float:
    """Seconds this disk takes just to create and publish `count` Maildir-sized files (8 threads, no fsync):
    the floor under any outbox figure."""
    from concurrent.futures import ThreadPoolExecutor

    (folder / "tmp").mkdir(parents=True)
    (folder / "new").mkdir()
    body = b"x" * 6000

    def write(i: int) -> None:
        with open(folder / "tmp" / str(i), "xb") as file:
            file.write(body)
        os.rename(folder / "tmp" / str(i), folder / "new" / str(i))

    t0 = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(count)))
    return time.perf_counter() - t0


def bench_smtp(folder: Path, count: int = 1000) -> dict[str, float]:
    """The sink runs in its own process so that it does not share the sender's interpreter lock."""
    sys.path.insert(0, str(ROOT / "tests"))
    from smtp_sink import free_port

    app = _store(folder)
    start = utc_now() + timedelta(days=2)
    _event_with_recipients(app, count, start=start, remind="1d")
    due = start - timedelta(days=1)
    port = free_port()
    sink = subprocess.Popen([sys.executable, "-c", SINK, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
    channel = SMTPChannel(parse_smtp_url(f"smtp://127.0.0.1:{port}"))
    dispatcher = _dispatcher(app, channel, DispatchConfig(batch=500))
    dispatcher.prepare(due - timedelta(seconds=30))
    messages = [message.body for message in dispatcher.prepared.messages()]  # the very same bytes for the baseline
    addresses = [f"p{i}@example.org" for i in range(len(messages))]
    t0 = time.perf_counter()
    report = dispatcher.run_pass(lambda: due)
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for body, address in zip(messages, addresses, strict=True):
            smtp.sendmail("c@ngo.mn", [address], body)
    baseline = time.perf_counter() - t0
    out, _ = sink.communicate("", timeout=30)
    return {"sent": report.sent, "received": float(out.split()[-1]), "ours_per_s": count / ours,
            "smtplib_per_s": count / baseline}


def _bulk_pending(app: App, events: int, per_event: int) -> None:
    now = utc_now()
    with write_session(app.store.engine) as session:
        session.execute(insert(Contact), [
            {"name": f"P{i}", "email": f"p{i}@example.org", "language": "mn", "timezone": "Asia/Ulaanbaatar",
             "created_at": now} for i in range(per_event)])
        for e in range(events):
            start = now + timedelta(days=30 + e)
            draft = NewEventDraft(title=f"Event {e}", start=start.isoformat(), duration="2h", tz="Asia/Ulaanbaatar")
            event = create_event(draft, session=session, default_tz=app.settings.default_tz, now=now)
            session.execute(insert(Delivery), [
                {"event_id": event.id, "contact_id": c + 1, "purpose": "reminder", "rule_key": "start-1d",
                 "channel": "email", "address": f"p{c}@example.org", "event_start_utc": start,
                 "due_utc": start - timedelta(days=1), "ready_utc": start - timedelta(days=1), "status": "pending",
                 "attempts": 0, "created_at": now, "updated_at": now} for c in range(per_event)])


# The child's peak resident memory in KiB (Linux), measured by a parent that runs nothing else.
PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_mb(args: list[str], env: dict[str, str] | None = None) -> float:
    out = subprocess.run([sys.executable, "-c", PEAK, *args], env=env, check=True, capture_output=True, text=True)
    return int(out.stdout.split()[-1]) / 1024


def bench_startup(folder: Path) -> dict[str, float]:
    """`scheduler run --once` over 100,000 pending deliveries: its time paired with `python -c pass`, and the
    peak memory of each."""
    app = _store(folder)
    _bulk_pending(app, 100, 1000)
    env = dict(os.environ, CALENDAR_APP_DB=app.settings.db_url, CALENDAR_APP_OUTBOX=str(folder / "outbox"))
    command = [sys.executable, str(ROOT / "cli.py"), "scheduler", "run", "--once"]
    bare = [sys.executable, "-c", "pass"]
    paired = time_paired(command, bare, runs=7, env=env)
    return {"pending": 100_000, "startup_s": paired.command, "python_s": paired.baseline,
            "over_s": paired.difference, "peak_rss_mb": peak_mb(command, env), "python_mb": peak_mb(bare)}


def bench_reschedule(folder: Path, count: int = 10_000) -> dict[str, float]:
    app = _store(folder)
    start = utc_now() + timedelta(days=20)
    event_id = _event_with_recipients(app, count // 2, start=start, remind=None, kind="consultation")
    t0 = time.perf_counter()
    edit_event(str(event_id), EventChanges(start=(start + timedelta(days=3)).isoformat()), app=app,
               now=utc_now())
    ours = time.perf_counter() - t0
    # Baseline: APScheduler's reschedule_job on its SQLAlchemy store, on 1,000 jobs, scaled to `count`.
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{folder / 'r.db'}")},
                                    timezone=UTC)
    scheduler.start(paused=True)
    later = datetime.now(UTC) + timedelta(days=20)
    for i in range(1000):
        scheduler.add_job(_fired, "date", run_date=later, id=f"r{i}")
    t0 = time.perf_counter()
    for i in range(1000):
        scheduler.reschedule_job(f"r{i}", trigger="date", run_date=later + timedelta(days=3))
    baseline = (time.perf_counter() - t0) * count / 1000
    scheduler.shutdown()
    return {"deliveries": count, "ours_s": ours, "aps_sqlalchemy_s": baseline}


def main() -> int:
    missed = 0
    with tempfile.TemporaryDirectory() as tmp:
        folders = [Path(tmp) / name for name in ("outbox", "smtp", "startup", "reschedule")]
        for f in folders:
            f.mkdir()
        out = bench_outbox(folders[0])
        print(f"reminders: 1,000 due at once through the outbox: p50 {out['p50']:.3f} s, p99 {out['p99']:.3f} s, "
              f"max {out['max']:.3f} s ({out['count']:.0f} written)")
        print(f"  APScheduler 3 memory store p99 {out['aps_memory_p99']:.3f} s; add_job {out['aps_add_ms']:.1f} ms; "
              f"for scale: merely creating 1,000 such files takes {out['floor']:.3f} s on this disk (no fsync); "
              "prepared messages are staged ahead and delivered by renames")
        missed += judge_ratio("outbox p99 lateness vs APScheduler SQLAlchemy store", out["p99"],
                              out["aps_sqlalchemy_p99"], "s", "APScheduler", at_most=0.33)
        missed += report("outbox p99 lateness", out["p99"], "s", limit=0.5)
        missed += report("outbox deliveries written", out["count"], "files", ok=out["count"] >= 1000)
        smtp = bench_smtp(folders[1])
        missed += judge_ratio("SMTP to aiosmtpd vs a plain smtplib loop", smtp["ours_per_s"], smtp["smtplib_per_s"],
                              "msg/s", "smtplib", at_least=0.7)
        missed += report("SMTP messages the sink received", smtp["received"], "msgs",
                         ok=smtp["received"] >= 2 * smtp["sent"] > 0)
        up = bench_startup(folders[2])
        print(f"reminders: 100,000 pending: `scheduler run --once` {up['startup_s']:.2f} s, `python -c pass` "
              f"{up['python_s']:.2f} s (medians of pairs); peak {up['peak_rss_mb']:.1f} MB, `python -c pass` "
              f"{up['python_mb']:.1f} MB")
        missed += report("scheduler run --once, 100,000 pending: over python -c pass", up["over_s"], "s", limit=1.0)
        missed += report("scheduler run --once, 100,000 pending: peak memory", up["peak_rss_mb"], "MB", limit=150)
        moved = bench_reschedule(folders[3])
        print(f"reminders: moving an event re-times {moved['deliveries']:.0f} deliveries; APScheduler reschedule_job "
              f"(SQLAlchemy store, scaled) {moved['aps_sqlalchemy_s']:.2f} s")
        missed += report("moving an event re-times 10,000 deliveries", moved["ours_s"], "s", limit=5)
    return missed


def run() -> int:
    """What `python -m bench` calls: the number of targets missed."""
    threading.current_thread().name = "bench"
    return main()


if __name__ == "__main__":
    sys.exit(run())
