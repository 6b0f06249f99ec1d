"""Times are aware everywhere: stored as UTC plus the zone name, shown in the event's own zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from calendar_app import services
from calendar_app.app import App
from calendar_app.config import Settings
from calendar_app.db import create_db_engine
from events.drafts import EventChanges, NewEventDraft
from events.models import UTCDateTime
from tests.conftest import NOW


def test_event_keeps_its_own_zone_whoever_looks(store_url: str) -> None:
    in_bishkek = App.open(Settings(db_url=store_url, default_tz="Asia/Bishkek"))
    services.add_event(NewEventDraft(title="Зөвшилцөх уулзалт", start="2020-05-06 10:00", region="ulaanbaatar"),
                       app=in_bishkek, now=NOW)
    (event,) = services.list_events(services.EventFilter(), app=in_bishkek, now=NOW)
    assert event.start.isoformat() == "2020-05-06T10:00:00+08:00"
    # The Bishkek user's "2020-05-06" starts at 18:00 UTC on the 5th; the event at 02:00 UTC is inside it.
    days = services.agenda(1, services.EventFilter(start="2020-05-06"), app=in_bishkek, now=NOW)
    assert [d.day.isoformat() for d in days] == ["2020-05-06"]


def test_time_typed_without_region_is_read_in_the_users_zone(store_url: str) -> None:
    in_bishkek = App.open(Settings(db_url=store_url, default_tz="Asia/Bishkek"))
    event = services.add_event(NewEventDraft(title="Training", start="2026-03-02 09:00"), app=in_bishkek,
                               now=NOW).view
    assert event.timezone == "Asia/Bishkek"
    assert event.start.astimezone(UTC) == datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def test_move_across_daylight_saving_keeps_wall_clock_and_length(app: App) -> None:
    added = services.add_event(NewEventDraft(title="Donor meeting in Bern", start="2026-10-23 10:00",
                                             duration="2h", tz="Europe/Zurich"), app=app, now=NOW).view
    assert added.start.utcoffset() == timedelta(hours=2)
    moved = services.edit_event(str(added.id), EventChanges(start="2026-10-26 10:00"), app=app, now=NOW).view
    assert moved.start.isoformat() == "2026-10-26T10:00:00+01:00"
    assert moved.end - moved.start == timedelta(hours=2)


def test_changing_the_zone_keeps_the_wall_clock(app: App) -> None:
    added = services.add_event(NewEventDraft(title="Сургалт", start="2026-03-02 09:00", region="ulaanbaatar"),
                               app=app, now=NOW).view
    moved = services.edit_event(str(added.id), EventChanges(region="khovd"), app=app, now=NOW).view
    assert (moved.timezone, moved.region) == ("Asia/Hovd", "khovd")
    assert moved.start.isoformat() == "2026-03-02T09:00:00+07:00"
    assert moved.sequence == 1


def test_all_day_event_spans_local_midnights(app: App) -> None:
    added = services.add_event(NewEventDraft(title="16 Days", start="2026-11-25", end="2026-12-10", all_day=True,
                                             tz="Asia/Hovd"), app=app, now=NOW).view
    assert added.start.isoformat() == "2026-11-25T00:00:00+07:00"
    assert added.end.isoformat() == "2026-12-11T00:00:00+07:00"
    assert (added.end - added.start).days == 16


def test_the_store_refuses_naive_datetimes(sqlite_url: str) -> None:
    engine = create_db_engine(sqlite_url)
    column = sa.Column("at", UTCDateTime)
    assert isinstance(column.type, UTCDateTime)
    with pytest.raises(ValueError, match="naive"):
        column.type.process_bind_param(datetime(2026, 1, 1), engine.dialect)  # noqa: DTZ001 - the point


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_app: App) -> None:
    engine = sqlite_app.store.engine
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
