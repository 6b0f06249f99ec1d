"""Campaign programme, report and roll-over over a large edition, against the plain event query of the
same events (the baseline, measured in the same run).

Targets (issue 14): roll <= 5x the list. Programme and report read the same events as the list and group
them in one pass, so <= 3x: a query per event or per day would show as tens of times the list."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from bench.common import judge_ratio
from calendar_app import services
from calendar_app.app import App
from calendar_app.campaigns import services as campaign_services
from calendar_app.config import Settings
from calendar_app.db import write_session
from events.bulk import insert_events
from events.drafts import NewEventDraft
from events.regions import regions_of

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
EVENTS = 2_000


def _best(action: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def _load(app: App) -> None:
    campaign_services.add_campaign(None, name=None, window=None, color=None, preset="16-days", app=app)
    campaign_services.add_edition("16-days", 2025, ["Bench"], app=app, now=NOW)
    places = [r.slug for r in regions_of(None) if r.level != "district"]
    first = datetime(2025, 11, 24)  # noqa: DTZ001 - a wall-clock date typed as text below
    drafts = [
        NewEventDraft(title=f"Аян {n}", kind="campaign_day", start=f"{first + timedelta(days=n % 17):%Y-%m-%d} 10:00",
                      duration="2h", region=places[n % len(places)], participants=20 + n % 30, women=10, men=8,
                      partners=[f"Partner {n % 40}"])
        for n in range(EVENTS)
    ]
    engine = app.store.engine
    with write_session(engine) as session:
        insert_events(drafts, session=session, default_tz=app.settings.default_tz, now=NOW)
        edition = session.execute(text("SELECT id FROM campaign_edition")).scalar_one()
        session.execute(text("UPDATE event SET campaign_edition_id = :e, yearly = :y"), {"e": edition, "y": True})
    engine.dispose()


ROLL_YEARS = (2026, 2027, 2028)  # each a full roll of the 2025 programme to a year not yet there


def run() -> int:
    with tempfile.TemporaryDirectory() as folder:
        app = App.open(Settings(db_url=f"sqlite:///{Path(folder) / 'bench.db'}", default_tz="Asia/Ulaanbaatar"))
        _load(app)
        window = services.EventFilter(start="2025-11-24", end="2025-12-11")
        baseline = _best(lambda: services.list_events(window, app=app, now=NOW))
        programme = _best(lambda: campaign_services.programme("16-days", 2025, app=app))
        report = _best(lambda: campaign_services.report("16-days", 2025, app=app))
        years = iter(ROLL_YEARS)
        copied: list[int] = []
        roll = _best(lambda: copied.append(len(campaign_services.roll(
            "16-days", next(years), [], from_year=2025, app=app, now=NOW).copied)), repeat=len(ROLL_YEARS))
        app.close()
    assert copied == [EVENTS] * len(ROLL_YEARS)
    base = f"event list of the {EVENTS} events"
    return (judge_ratio("campaign programme", programme * 1000, baseline * 1000, "ms", base, at_most=3)
            + judge_ratio("campaign report", report * 1000, baseline * 1000, "ms", base, at_most=3)
            + judge_ratio(f"campaign roll ({EVENTS} events copied, best of {len(ROLL_YEARS)})", roll * 1000,
                          baseline * 1000, "ms", base, at_most=5))
