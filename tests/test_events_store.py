"""Event services over both backends: add, edit, cancel, delete, query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from calendar_app import services
from calendar_app.app import App
from calendar_app.db import write_session
from events.drafts import EventChanges, NewEventDraft
from events.errors import EventNotFound, InvalidParticipants, InvalidTimeRange, UnknownRegion
from events.models import Event
from tests.conftest import NOW

MN_TITLE = "Жендэрийн эрх тэгш байдлын зөвшилцөх уулзалт"
KY_TITLE = "Тегерек стол: гендердик сезимтал ыкмалар"


def consultation(**overrides) -> NewEventDraft:
    values: dict[str, Any] = dict(title=MN_TITLE, kind="consultation", start="2020-05-06 10:00", duration="2h",
                                  region="ulaanbaatar", partners=["Ministry of Education"], visibility="internal")
    values.update(overrides)
    return NewEventDraft(**values)


def count_events(app: App) -> int:
    engine = app.store.engine
    with write_session(engine) as session:
        return session.execute(select(func.count()).select_from(Event)).scalar_one()


def test_add_stores_every_field_and_reads_back_in_the_region_zone(app: App) -> None:
    view = services.add_event(
        consultation(location="Засгийн газрын II байр", participants=20, women=12, men=8,
                     programme="ЖЭТБХ 2020", organizer="Жендэрийн үндэсний хороо", language="mn"),
        app=app, now=NOW,
    ).view
    assert view.title == MN_TITLE
    assert view.timezone == "Asia/Ulaanbaatar"
    assert view.start == datetime(2020, 5, 6, 2, 0, tzinfo=UTC)
    assert view.start.utcoffset() == timedelta(hours=8)
    assert view.end - view.start == timedelta(hours=2)
    assert view.partners == ("Ministry of Education",)
    assert (view.participants_expected, view.participants_women, view.participants_men) == (20, 12, 8)
    assert view.programme == "ЖЭТБХ 2020"
    assert view.uid.endswith("@calendar-app") and view.sequence == 0
    assert view.created_at == NOW


def test_western_aimag_uses_hovd_time(app: App) -> None:
    view = services.add_event(consultation(region="Ховд", start="2020-05-06 10:00"), app=app, now=NOW).view
    assert view.timezone == "Asia/Hovd"
    assert view.start.astimezone(UTC) == datetime(2020, 5, 6, 3, 0, tzinfo=UTC)


def test_all_day_span_is_inclusive_for_people_and_exclusive_in_storage(app: App) -> None:
    view = services.add_event(
        NewEventDraft(title="16 хоногийн аян", start="2025-11-25", end="2025-12-10", all_day=True,
                      kind="campaign_day", region="bishkek"),
        app=app, now=NOW,
    ).view
    assert view.all_day
    assert view.first_day.isoformat() == "2025-11-25"
    assert view.last_day.isoformat() == "2025-12-10"
    assert view.end.isoformat() == "2025-12-11T00:00:00+06:00"


def test_edit_start_alone_moves_and_keeps_duration_and_bumps_sequence(app: App) -> None:
    added = services.add_event(consultation(), app=app, now=NOW).view
    moved = services.edit_event(str(added.id), EventChanges(start="2020-05-07 15:00"),
                                app=app, now=NOW + timedelta(hours=1)).view
    assert moved.start.isoformat() == "2020-05-07T15:00:00+08:00"
    assert moved.end - moved.start == timedelta(hours=2)
    assert moved.sequence == 1
    assert moved.uid == added.uid
    assert moved.updated_at == NOW + timedelta(hours=1)


def test_edit_of_counts_only_does_not_bump_sequence(app: App) -> None:
    added = services.add_event(consultation(), app=app, now=NOW).view
    edited = services.edit_event(added.uid, EventChanges(participants=30, women=20, men=10),
                                 app=app, now=NOW).view
    assert edited.sequence == 0 and edited.participants_expected == 30


def test_edit_partners_replaces_the_list(app: App) -> None:
    added = services.add_event(consultation(partners=["A", "B"]), app=app, now=NOW).view
    edited = services.edit_event(str(added.id), EventChanges(partners=["Эрүүл мэндийн яам"]),
                                 app=app, now=NOW).view
    assert edited.partners == ("Эрүүл мэндийн яам",)


def test_cancel_keeps_event_with_reason_and_higher_sequence(app: App) -> None:
    added = services.add_event(consultation(), app=app, now=NOW).view
    cancelled = services.cancel_event(str(added.id), "Яам товыг хойшлуулсан", app=app, now=NOW)
    assert cancelled.status == "cancelled"
    assert cancelled.cancel_reason == "Яам товыг хойшлуулсан"
    assert cancelled.sequence == 1
    assert count_events(app) == 1


def test_delete_removes_event_and_partner_links(app: App) -> None:
    added = services.add_event(consultation(), app=app, now=NOW).view
    services.delete_event(str(added.id), app=app)
    assert count_events(app) == 0
    with pytest.raises(EventNotFound):
        services.show_event(str(added.id), app=app)


def test_query_filters_by_window_kind_region_partner_status_and_cyrillic_text(app: App) -> None:
    services.add_event(consultation(), app=app, now=NOW)
    services.add_event(NewEventDraft(title=KY_TITLE, kind="round_table", start="2019-12-16 10:00",
                                     duration="3h", region="Бишкек", partners=["Швейцария элчилиги"]),
                       app=app, now=NOW)
    f = services.EventFilter
    titles = lambda flt: [e.title for e in services.list_events(flt, app=app, now=NOW)]  # noqa: E731
    assert titles(f()) == [KY_TITLE, MN_TITLE]
    assert titles(f(start="2020-01-01", end="2020-06-01")) == [MN_TITLE]
    assert titles(f(kinds=["round-table"])) == [KY_TITLE]
    assert titles(f(regions=["Улаанбаатар"])) == [MN_TITLE]
    assert titles(f(partners=["швейцария ЭЛЧИЛИГИ"])) == [KY_TITLE]
    assert titles(f(text="ЗӨВШИЛЦӨХ")) == [MN_TITLE]
    assert titles(f(statuses=["cancelled"])) == []


def test_bad_input_changes_nothing(app: App) -> None:
    with pytest.raises(InvalidTimeRange):
        services.add_event(consultation(end="2020-05-06 09:00", duration=None), app=app, now=NOW)
    with pytest.raises(InvalidParticipants):
        services.add_event(consultation(participants=10, women=8, men=5), app=app, now=NOW)
    with pytest.raises(UnknownRegion):
        services.add_event(consultation(region="Atlantis"), app=app, now=NOW)
    assert count_events(app) == 0
    added = services.add_event(consultation(), app=app, now=NOW).view
    with pytest.raises(InvalidTimeRange):
        services.edit_event(str(added.id), EventChanges(end="2020-05-06 09:00"), app=app, now=NOW)
    assert services.show_event(str(added.id), app=app).end == added.end
