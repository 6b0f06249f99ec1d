"""A window finds its events through two index ranges (issue 14, events.spans): those that start at most
a month before it, and the long ones (partial index ix_event_long). Every event that meets the window must
still come back, however long, around the month's edge, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from calendar_app import services
from calendar_app.app import App
from events.drafts import NewEventDraft
from events.spans import LONG
from tests.conftest import NOW

WINDOW_START = datetime(2026, 3, 1, tzinfo=UTC)
WINDOW_END = datetime(2026, 3, 31, tzinfo=UTC)
SECOND = timedelta(seconds=60)  # the smallest step a typed time takes
LENGTHS = [timedelta(hours=2), LONG - SECOND, LONG, LONG + SECOND, timedelta(days=45), timedelta(days=400),
           timedelta(days=3000)]
# Where each event ends, against the window's start: before it, at it (not meeting it), just inside, deep in.
ENDS = [-SECOND, timedelta(0), SECOND, timedelta(days=10)]


def _add(app: App, start: datetime, end: datetime, n: int) -> None:
    draft = NewEventDraft(title=f"Урт арга хэмжээ {n}", kind="training", start=start.isoformat(),
                          end=end.isoformat(), tz="UTC", region="ulaanbaatar")
    services.add_event(draft, app=app, now=NOW)


def test_a_window_lists_every_event_that_meets_it_whatever_its_length(app: App) -> None:
    expected = []
    for n, (length, end_at) in enumerate((a, b) for a in LENGTHS for b in ENDS):
        end = WINDOW_START + end_at
        _add(app, end - length, end, n)
        if end > WINDOW_START:
            expected.append(n)
    window = services.EventFilter(start=WINDOW_START.isoformat(), end=WINDOW_END.isoformat())
    listed = sorted(int(v.title.rsplit(" ", 1)[1]) for v in services.list_events(window, app=app, now=NOW))
    assert listed == sorted(expected)


def test_the_long_events_index_holds_the_long_ones(app: App) -> None:
    for n, length in enumerate(LENGTHS):
        _add(app, WINDOW_START, WINDOW_START + length, n)
    with app.read() as session:
        if session.get_bind().dialect.name == "sqlite":
            plan = " ".join(str(r) for r in session.execute(text(
                "EXPLAIN QUERY PLAN SELECT id FROM event WHERE end_utc > datetime(start_utc, '+31 days') "
                "AND end_utc > '2026-01-01'")))
            assert "ix_event_long" in plan
        indexed = session.execute(text("SELECT count(*) FROM event WHERE " + (
            "end_utc > datetime(start_utc, '+31 days')" if session.get_bind().dialect.name == "sqlite"
            else "(end_utc - start_utc) > interval '31 days'"))).scalar_one()
    assert indexed >= sum(1 for length in LENGTHS if length > LONG)


@pytest.mark.parametrize(("start", "found"), [("0001-01-05", 1), ("9999-12-01", 0)])
def test_a_window_at_the_edges_of_time_is_no_error(app: App, start: str, found: int) -> None:
    _add(app, WINDOW_START, WINDOW_START + timedelta(hours=1), 0)
    assert len(services.list_events(services.EventFilter(start=start), app=app, now=NOW)) == found
