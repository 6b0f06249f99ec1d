"""Dispatcher start with repeating events (issue 11): `scheduler run --once` on a store holding 2,000
open-ended weekly series (none planned yet, so the start plans every one up to the horizon) against the same
command on a store holding 100,000 pending deliveries (the issue 4 figure). Target: the series' peak memory
no higher than the deliveries'. Each command runs under its own small Python parent, so each peak is its own.

Run: `python -m bench reminder_series`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bench.common import report
from bench.reminders import ROOT, _bulk_pending, _store
from calendar_app.app import App
from calendar_app.clock import utc_now
from calendar_app.db import write_session
from events.models import Event
from events.notify.models import Contact, Delivery, EventRecipient, EventReminderPlan, SeriesPlan

SERIES = 2_000
PER_SERIES = 2  # recipients of each series: 2,000 x 9 Mondays x 2 = about 36,000 deliveries planned at start
# The child's peak resident memory in KiB (Linux), measured by a parent that runs nothing else.
PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def add_series(app: App, count: int = SERIES, recipients: int = PER_SERIES) -> None:
    """`count` weekly open-ended series with `recipients` each, written with bulk inserts, none planned."""
    now = utc_now().replace(microsecond=0)
    with write_session(app.store.engine) as session:
        session.execute(insert(Contact), [
            {"name": f"Ажилтан {i}", "email": f"staff{i}@example.mn", "language": ("mn", "ky", "ru", "en")[i % 4],
             "timezone": "Asia/Ulaanbaatar", "created_at": now} for i in range(recipients * 10)])
        contacts = list(session.execute(select(Contact.__table__.c.id)).scalars())  # type: ignore[attr-defined]
        rows = []
        for i in range(count):
            # From two days on: as in the baseline, nothing falls due during the run (start-1d), so both
            # figures measure starting and planning, not sending.
            start = now + timedelta(days=2 + i % 7, hours=i % 9)
            rows.append({"uid": f"series-{i}@bench", "title": f"Долоо хоног бүрийн хурал {i}", "kind": "meeting",
                         "all_day": False, "start_utc": start, "end_utc": start + timedelta(hours=1),
                         "timezone": "Asia/Ulaanbaatar", "status": "confirmed", "visibility": "internal",
                         "sequence": 0, "search_text": "", "created_at": now, "updated_at": now, "yearly": False,
                         "rrule": "FREQ=WEEKLY", "recurs": True, "location": "Хурлын танхим"})
        session.execute(insert(Event), rows)
        ids = list(session.execute(select(Event.__table__.c.id).where(  # type: ignore[attr-defined]
            Event.__table__.c.recurs.is_(True))).scalars())  # type: ignore[attr-defined]
        session.execute(insert(EventRecipient), [
            {"event_id": event_id, "contact_id": contacts[(n * recipients + k) % len(contacts)]}
            for n, event_id in enumerate(ids) for k in range(recipients)])
        session.execute(insert(EventReminderPlan), [{"event_id": event_id, "use_defaults": False, "rules": "start-1d"}
                                                    for event_id in ids])


def start_once(app: App, folder: Path) -> tuple[float, float]:
    """Seconds and peak MB of `scheduler run --once` on `app`'s store."""
    env = dict(os.environ, CALENDAR_APP_DB=app.settings.db_url, CALENDAR_APP_OUTBOX=str(folder / "outbox"),
               CALENDAR_APP_TZ="Asia/Ulaanbaatar")
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", PEAK, sys.executable, str(ROOT / "cli.py"), "scheduler", "run",
                          "--once"], env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - t0, int(out.stdout.split()[-1]) / 1024


def counts(app: App) -> tuple[int, int]:
    with app.read() as session:
        planned = session.execute(select(SeriesPlan.__table__.c.event_id)).all()  # type: ignore[attr-defined]
        deliveries = session.execute(select(Delivery.__table__.c.id)).all()  # type: ignore[attr-defined]
    return len(planned), len(deliveries)


def run() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        pending_dir, series_dir = Path(tmp) / "pending", Path(tmp) / "series"
        pending_dir.mkdir()
        series_dir.mkdir()
        pending = _store(pending_dir)
        _bulk_pending(pending, 100, 1000)
        pending_s, pending_mb = start_once(pending, pending_dir)
        series = _store(series_dir)
        add_series(series)
        series_s, series_mb = start_once(series, series_dir)
        planned, rows = counts(series)
        again_s, again_mb = start_once(series, series_dir)  # the next start: nothing left to plan
        planned_again, rows_again = counts(series)
    print(f"reminder_series: `scheduler run --once`, 100,000 pending deliveries: {pending_s:.2f} s, "
          f"peak {pending_mb:.0f} MB")
    print(f"  {SERIES:,} open-ended weekly series, none planned: {series_s:.2f} s, peak {series_mb:.0f} MB; "
          f"planned {planned:,} series, {rows:,} deliveries (horizon 60 days)")
    print(f"  next start, all planned: {again_s:.2f} s, peak {again_mb:.0f} MB; "
          f"{rows_again - rows} deliveries and {planned_again - planned} plans added")
    missed = report("series start peak memory vs 100,000 pending", series_mb, "MB", baseline=pending_mb,
                    ok=series_mb <= pending_mb and planned == SERIES)
    missed += report("second start adds nothing", float(rows_again - rows), "rows", limit=0)
    return missed


if __name__ == "__main__":
    sys.exit(run())
