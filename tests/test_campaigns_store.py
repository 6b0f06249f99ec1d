"""Campaigns over both backends: editions, links, programme and report figures, roll-over, bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import text

from calendar_app import services
from calendar_app.app import App
from calendar_app.campaigns import services as campaign_services
from commands.errors import cli_message
from events.campaigns.errors import (
    CampaignNotFound,
    EditionExists,
    EditionMissing,
    EditionNotFound,
    InvalidTheme,
    InvalidWindow,
    OutsideWindow,
    UnknownCampaign,
)
from events.campaigns.links import CampaignLink
from events.campaigns.programme import programme_json
from events.campaigns.report import figures_json, report_json
from events.drafts import EventChanges, NewEventDraft
from events.errors import Action, CalendarAppError
from tests.campaign_fixture import THEME_EN, THEME_KY, build_programme
from tests.conftest import NOW

TABLES = ("campaign", "campaign_edition", "event", "event_partner", "organisation")


def dump(app: App, where: dict[str, str] | None = None) -> dict[str, list[str]]:
    """Every stored row, as the driver returns it (no type processing), for byte-for-byte comparison."""
    engine = app.store.engine
    rows: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for table in TABLES:
            condition = (where or {}).get(table, "1=1")
            order = "event_id, organisation_id" if table == "event_partner" else "id"
            result = connection.execute(text(f"SELECT * FROM {table} WHERE {condition} ORDER BY {order}"))
            rows[table] = [repr(tuple(row)) for row in result]
    engine.dispose()
    return rows


def test_edition_themes_in_several_languages(app: App) -> None:
    build_programme(app)
    info = campaign_services.show_campaign("16-days", 2025, app=app)
    (edition,) = info.editions
    assert edition.theme == THEME_EN and dict(edition.themes) == {"ky": THEME_KY}
    assert info.event_counts == {2025: 6}
    assert info.as_json()["editions"][0]["window"] == {
        "first_day": "2025-11-25", "last_day": "2025-12-10", "end_exclusive": "2025-12-11",
        "lead_in_day": "2025-11-24", "days": 16}


def test_event_json_carries_the_campaign_and_lead_in_launch_is_accepted(app: App) -> None:
    ids = build_programme(app)
    view = services.show_event(str(ids["launch"]), app=app)
    assert view.first_day == date(2025, 11, 24)  # the lead-in day
    from events.views import event_json

    assert event_json(view)["campaign"] == {"slug": "16-days", "year": 2025, "yearly": True}
    march = services.show_event(str(ids["march"]), app=app)
    assert event_json(march)["campaign"] == {"slug": "16-days", "year": 2025, "yearly": False}


def test_programme_day_by_day_figures(app: App) -> None:
    build_programme(app)
    data = programme_json(campaign_services.programme("16-days", 2025, app=app))
    days = {d["date"]: d for d in data["days"]}
    assert len(days) == 17 and days["2025-11-24"]["lead_in"] and not days["2025-11-24"]["empty"]
    counts = {k: d["event_count"] for k, d in days.items() if d["event_count"]}
    assert counts == {"2025-11-24": 1, "2025-11-25": 1, "2025-11-26": 2, "2025-11-27": 1, "2025-11-28": 1,
                      "2025-12-10": 1}
    assert data["empty_days"] == [f"2025-11-{d}" for d in (29, 30)] + [f"2025-12-0{d}" for d in range(1, 10)]
    assert [r["region"] for r in days["2025-11-26"]["regions"]] == ["khovd", "osh-oblast"]
    assert days["2025-11-26"]["holidays"] == [{"country": "MN", "name": "Republic Day"}]
    assert data["cancelled"] == 1 and data["theme"] == THEME_EN


def test_report_figures(app: App) -> None:
    build_programme(app)
    report = campaign_services.report("16-days", 2025, app=app)
    data = figures_json(report.figures)
    assert data["events"] == 5 and data["cancelled"] == 1
    assert data["participants"] == {"expected": 110, "actual": 160, "women": 151, "men": 99, "total": 270}
    assert sorted(data["regions_reached"]) == ["bishkek", "khovd", "naryn", "osh-oblast", "ulaanbaatar"]
    assert len(data["regions_not_reached"]) == 26 and "bayanzurkh" not in data["regions_not_reached"]
    assert data["partners"] == [{"name": "UNFPA", "events": 2}, {"name": "Ministry of Labour", "events": 1},
                                {"name": "UN Women", "events": 1}]
    assert {k["kind"] for k in data["per_kind"]} == {"launch", "round_table", "training", "campaign_day",
                                                      "meeting"}
    assert sum(d["events"] for d in data["per_day"]) == 7  # the 3-day training counts on each of its days
    assert report.previous is None and report_json(report)["comparison"] is None


def test_roll_over_copies_the_yearly_programme_and_keeps_the_old_year_byte_for_byte(app: App) -> None:
    ids = build_programme(app)
    before = dump(app)
    outcome = campaign_services.roll("16-days", 2026, ["ru:Объединимся!"], app=app, now=NOW)
    after = dump(app)
    for table in ("campaign", "event", "event_partner", "organisation"):
        assert after[table][: len(before[table])] == before[table], table
    assert after["campaign_edition"][:1] == before["campaign_edition"]
    copied = outcome.copied
    assert outcome.source_year == 2025 and outcome.edition.themes == {"ru": "Объединимся!"}
    assert [e.first_day for e in copied] == [date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26),
                                             date(2026, 12, 10)]
    assert {e.status for e in copied} == {"tentative"} and all(e.yearly for e in copied)
    old_uids = {services.show_event(str(i), app=app).uid for i in ids.values()}
    assert not old_uids & {e.uid for e in copied}
    launch = copied[0]
    assert (launch.start.hour, launch.end.hour, launch.timezone) == (10, 13, "Asia/Bishkek")
    assert launch.partners == ("Ministry of Labour", "UN Women")
    assert (launch.participants_expected, launch.participants_women, launch.participants_men) == (80, 50, 30)
    round_table = copied[1]  # its split counted who came in 2025: not carried over
    assert (round_table.participants_actual, round_table.participants_women) == (None, None)
    training = copied[2]
    assert training.all_day and (training.first_day, training.last_day) == (date(2026, 11, 26), date(2026, 11, 28))
    report = campaign_services.report("16-days", 2026, app=app)
    compared = report_json(report)["comparison"]
    assert compared["events"] == {"this": 4, "previous": 5, "change": -1}


def test_edit_keeps_a_campaign_event_in_its_window(app: App) -> None:
    ids = build_programme(app)
    before = dump(app)
    with pytest.raises(OutsideWindow):
        services.edit_event(str(ids["closing"]), EventChanges(start="2025-12-12 14:00"), CampaignLink(),
                                     app=app, now=NOW)
    assert dump(app) == before
    moved = services.edit_event(str(ids["closing"]), EventChanges(start="2025-12-12 14:00"),
                                         CampaignLink(allow_outside=True), app=app, now=NOW).view
    assert moved.campaign == "16-days"
    unlinked = services.edit_event(str(ids["march"]), EventChanges(), CampaignLink(unlink=True),
                                            app=app, now=NOW).view
    assert unlinked.campaign is None


def _outside(app: App) -> None:
    services.add_event(NewEventDraft(title="Late", start="2025-12-15 10:00", region="bishkek"),
                                CampaignLink(campaign="16-days"), app=app, now=NOW)


def _unknown_campaign(app: App) -> None:
    services.add_event(NewEventDraft(title="X", start="2025-11-26 10:00", region="bishkek"),
                                CampaignLink(campaign="no-such-campaign"), app=app, now=NOW)


def _no_edition(app: App) -> None:
    services.add_event(NewEventDraft(title="X", start="2027-11-26 10:00", region="bishkek"),
                                CampaignLink(campaign="16-days"), app=app, now=NOW)


BAD: dict[str, tuple[Callable[[App], object], type[CalendarAppError]]] = {
    "window 02-30": (lambda s: campaign_services.add_campaign(
        "x", name="X", window="02-01..02-30", color=None, preset=None, app=s), InvalidWindow),
    "unknown campaign on an event": (_unknown_campaign, UnknownCampaign),
    "duplicate edition": (lambda s: campaign_services.add_edition("16-days", 2025, [], app=s, now=NOW),
                          EditionExists),
    "theme in an unknown language": (lambda s: campaign_services.add_edition(
        "16-days", 2026, ["fr:Unissons-nous"], app=s, now=NOW), InvalidTheme),
    "roll onto an existing year": (lambda s: campaign_services.roll(
        "16-days", 2025, [], from_year=2025, app=s, now=NOW), EditionExists),
    "event outside the window": (_outside, OutsideWindow),
    "edition missing for the event's year": (_no_edition, EditionMissing),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_refused_with_exit_2_and_nothing_changes(sqlite_app: App, case: str) -> None:
    build_programme(sqlite_app)
    before = dump(sqlite_app)
    action, error = BAD[case]
    with pytest.raises(error) as caught:
        action(sqlite_app)
    assert caught.value.exit_code == 2
    assert "\n" not in str(caught.value)
    assert dump(sqlite_app) == before


@pytest.mark.parametrize("action", [
    lambda s: campaign_services.add_edition("nope", 2025, [], app=s, now=NOW),
    lambda s: campaign_services.show_campaign("nope", None, app=s),
    lambda s: campaign_services.roll("nope", 2026, [], app=s, now=NOW),
], ids=["edition add", "show", "roll"])
def test_unknown_campaign_a_command_acts_on_is_exit_1_and_nothing_changes(
    sqlite_app: App, action: Callable[[App], object]
) -> None:
    build_programme(sqlite_app)
    before = dump(sqlite_app)
    with pytest.raises(CampaignNotFound) as caught:
        action(sqlite_app)
    assert caught.value.exit_code == 1 and Action.LIST_CAMPAIGNS in caught.value.actions
    assert "'calendar-app campaign list'" in cli_message(caught.value)
    assert dump(sqlite_app) == before


def test_missing_edition_for_a_command_is_exit_1(sqlite_app: App) -> None:
    build_programme(sqlite_app)
    with pytest.raises(EditionNotFound) as caught:
        campaign_services.programme("16-days", 2030, app=sqlite_app)
    assert caught.value.exit_code == 1


def test_window_crossing_the_year_end_links_january_events_to_the_previous_edition(
    sqlite_app: App,
) -> None:
    campaign_services.add_campaign("winter", name="Winter campaign", window="12-20..01-10", color="#123abc",
                                   preset=None, app=sqlite_app)
    campaign_services.add_edition("winter", 2025, ["Өвөл"], app=sqlite_app, now=NOW)
    outcome = services.add_event(NewEventDraft(title="Январь", start="2026-01-05", region="bishkek"),
                                          CampaignLink(campaign="winter"), app=sqlite_app, now=NOW)
    assert (outcome.view.campaign, outcome.view.campaign_year) == ("winter", 2025)
    assert all(" in KG " in w for w in outcome.warnings)  # Kyrgyzstan's New Year holidays, if any
    info = campaign_services.show_campaign("winter", None, app=sqlite_app)
    assert info.color == "#123ABC"
