"""Two processes on one database: a fresh file migrated once, and writers that wait instead of failing."""

from __future__ import annotations

import multiprocessing as mp
from typing import Any

import sqlalchemy as sa

from calendar_app.app import App
from calendar_app.config import Settings

WRITES = 25


def _writer(url: str, name: str, barrier: Any, results: Any) -> None:
    from calendar_app import services
    from events.drafts import NewEventDraft
    from tests.conftest import NOW

    app = App.open(Settings(db_url=url, default_tz="Asia/Ulaanbaatar"))
    barrier.wait(timeout=30)
    done = 0
    for index in range(WRITES):
        draft = NewEventDraft(title=f"{name} уулзалт {index}", start="2026-05-06 10:00", region="ulaanbaatar",
                              partners=["Эрүүл мэндийн яам", f"Байгууллага {index % 3}"])
        services.add_event(draft, app=app, now=NOW)
        done += 1
    results.put((name, done))


def test_two_processes_migrate_a_fresh_database_and_write_side_by_side(store_url: str) -> None:
    context = mp.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    workers = [context.Process(target=_writer, args=(store_url, name, barrier, results)) for name in ("A", "B")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=90)
    assert [w.exitcode for w in workers] == [0, 0]
    assert sorted(results.get(timeout=5) for _ in workers) == [("A", WRITES), ("B", WRITES)]
    engine = sa.create_engine(store_url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM event")).scalar() == 2 * WRITES
        assert connection.execute(sa.text("SELECT count(*) FROM organisation")).scalar() == 4
        assert connection.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1
    engine.dispose()
