"""Issue 11: a weekly staff meeting as a series; one week moved, one cancelled, one left out, the series
split and ended; each change acts on one occurrence, this and following, or all, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from calendar_app import services
from calendar_app.app import App
from events.drafts import EventChanges, NewEventDraft
from events.recurrence.errors import NotASeries, UnknownOccurrence
from events.recurrence.scopes import Scope
from events.recurrence.store import Repeat
from tests.cli_helpers import row_counts, run

NOW = datetime(2026, 12, 1, tzinfo=UTC)
JANUARY = services.EventFilter(start="2027-01-01", end="2027-02-01")


def _meeting(app: App, **repeat: object) -> int:
    draft = NewEventDraft(title="Staff meeting", start="2027-01-04 10:00", region="bishkek",
                          repeat=Repeat(**{"freq": "weekly", "on": ["MO"], **repeat}))  # type: ignore[arg-type]
    return services.add_event(draft, app=app, now=NOW).view.id


def _listed(app: App, window: services.EventFilter = JANUARY) -> list[tuple[str, str, str]]:
    return [(v.start.strftime("%m-%d %H:%M"), v.title, v.status)
            for v in services.list_events(window, app=app, now=NOW)]


def test_a_weekly_series_lists_one_row_per_occurrence(app: App) -> None:
    series = _meeting(app)
    rows = services.list_events(JANUARY, app=app, now=NOW)
    assert [v.start.strftime("%m-%d %H:%M") for v in rows] == ["01-04 10:00", "01-11 10:00", "01-18 10:00",
                                                              "01-25 10:00"]
    assert {v.series_id for v in rows} == {series}
    assert [v.recurrence_id for v in rows] == [v.start for v in rows]
    assert rows[0].rrule == "FREQ=WEEKLY;BYDAY=MO"


def test_one_occurrence_moved_changes_only_that_one(app: App) -> None:
    series = _meeting(app)
    outcome = services.edit_event(str(series), EventChanges(start="2027-01-19 11:00"), app=app, now=NOW,
                                  scope=Scope(occurrence="2027-01-18 10:00"))
    assert outcome.view.series_id == series and outcome.view.id != series
    assert outcome.view.recurrence_id is not None
    assert outcome.view.recurrence_id.strftime("%m-%d %H:%M") == "01-18 10:00"
    assert _listed(app) == [("01-04 10:00", "Staff meeting", "confirmed"), ("01-11 10:00", "Staff meeting",
                            "confirmed"), ("01-19 11:00", "Staff meeting", "confirmed"),
                            ("01-25 10:00", "Staff meeting", "confirmed")]
    # The same occurrence named by its new start, or by its date alone, is the same override.
    again = services.edit_event(str(series), EventChanges(title="Staff meeting (moved)"), app=app, now=NOW,
                                scope=Scope(occurrence="2027-01-19"))
    assert again.view.id == outcome.view.id and again.view.title == "Staff meeting (moved)"


def test_cancel_one_occurrence_keeps_it_listed_as_cancelled(app: App) -> None:
    series = _meeting(app)
    services.cancel_event(str(series), "holiday", app=app, now=NOW, scope=Scope(occurrence="2027-01-11"))
    assert _listed(app)[1] == ("01-11 10:00", "Staff meeting", "cancelled")
    assert [s for _, _, s in _listed(app)].count("confirmed") == 3


def test_delete_one_occurrence_is_an_exdate(app: App) -> None:
    series = _meeting(app)
    view = services.delete_event(str(series), app=app, now=NOW, scope=Scope(occurrence="2027-01-11 10:00"))
    assert [d.strftime("%m-%d") for d in [view.start]] == ["01-04"]
    assert view.exdates == "20270111T040000Z"
    assert [when for when, _, _ in _listed(app)] == ["01-04 10:00", "01-18 10:00", "01-25 10:00"]


def test_this_and_following_splits_the_series(app: App) -> None:
    series = _meeting(app)
    services.edit_event(str(series), EventChanges(start="2027-01-18 10:00"), app=app, now=NOW,
                        scope=Scope(occurrence="2027-01-18"))  # an override after the split point moves along
    new = services.edit_event(str(series), EventChanges(title="Staff meeting, room 2"), app=app, now=NOW,
                              scope=Scope(from_occurrence="2027-01-11 10:00")).view
    assert new.id != series and new.rrule == "FREQ=WEEKLY;BYDAY=MO"
    old = services.show_event(str(series), app=app)
    assert old.rrule == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270111T035959Z"
    assert _listed(app) == [("01-04 10:00", "Staff meeting", "confirmed"),
                            ("01-11 10:00", "Staff meeting, room 2", "confirmed"),
                            ("01-18 10:00", "Staff meeting", "confirmed"),  # the override keeps its own title
                            ("01-25 10:00", "Staff meeting, room 2", "confirmed")]
    assert {v.series_id for v in services.list_events(JANUARY, app=app, now=NOW)[1:]} == {new.id}


def test_a_count_is_shared_between_the_two_halves_of_a_split(app: App) -> None:
    series = _meeting(app, count=4)
    services.edit_event(str(series), EventChanges(location="Room 2"), app=app, now=NOW,
                        scope=Scope(from_occurrence="2027-01-18"))
    whole = services.EventFilter(start="2027-01-01", end="2027-06-01")
    assert [when for when, _, _ in _listed(app, whole)] == ["01-04 10:00", "01-11 10:00", "01-18 10:00",
                                                            "01-25 10:00"]


def test_ending_the_series_with_until_alone_keeps_its_rule(app: App) -> None:
    series = _meeting(app)
    view = services.edit_event(str(series), EventChanges(repeat=Repeat(until="2027-01-17")), app=app,
                               now=NOW).view
    assert view.rrule == "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270117T175959Z"
    assert view.series_end is not None and view.series_end.strftime("%m-%d %H:%M") == "01-11 11:00"
    assert [when for when, _, _ in _listed(app)] == ["01-04 10:00", "01-11 10:00"]


def test_moving_the_whole_series_moves_its_exceptions_and_weekday(app: App) -> None:
    series = _meeting(app, exdates=["2027-01-11 10:00"])
    services.edit_event(str(series), EventChanges(title="x"), app=app, now=NOW,
                        scope=Scope(occurrence="2027-01-18"))
    view = services.edit_event(str(series), EventChanges(start="2027-01-05 09:00"), app=app, now=NOW).view
    assert view.rrule == "FREQ=WEEKLY;BYDAY=TU"
    assert [when for when, _, _ in _listed(app)] == ["01-05 09:00", "01-18 10:00", "01-26 09:00"]


def test_cancelling_this_and_following_ends_the_series(app: App) -> None:
    series = _meeting(app)
    services.cancel_event(str(series), None, app=app, now=NOW, scope=Scope(from_occurrence="2027-01-18"))
    whole = services.EventFilter(start="2027-01-01", end="2027-12-31")
    assert [when for when, _, _ in _listed(app, whole)] == ["01-04 10:00", "01-11 10:00"]


def test_an_open_ended_series_is_one_row_and_lists_any_year(app: App) -> None:
    _meeting(app)
    far = services.EventFilter(start="2036-03-01", end="2036-03-15")
    assert [when for when, _, _ in _listed(app, far)] == ["03-03 10:00", "03-10 10:00"]


@pytest.mark.parametrize(("scope", "error"), [
    (Scope(occurrence="2027-01-12 10:00"), UnknownOccurrence),
    (Scope(occurrence="2027-01-12"), UnknownOccurrence),
])
def test_an_occurrence_the_series_does_not_have_is_refused(app: App, scope: Scope, error: type) -> None:
    series = _meeting(app)
    with pytest.raises(error):
        services.edit_event(str(series), EventChanges(title="x"), app=app, now=NOW, scope=scope)


def test_an_occurrence_of_a_single_event_is_refused(app: App) -> None:
    single = services.add_event(NewEventDraft(title="Round table", start="2027-01-04 10:00"), app=app,
                                now=NOW).view.id
    with pytest.raises(NotASeries):
        services.cancel_event(str(single), None, app=app, now=NOW, scope=Scope(occurrence="2027-01-04"))


def test_cli_scopes_and_bad_input_change_nothing(sqlite_url: str) -> None:
    added = run(sqlite_url, "event", "add", "Staff meeting", "--start", "2027-01-04 10:00", "--region",
                "bishkek", "--repeat", "weekly", "--on", "MO", "--until", "2027-03-01")
    assert added.code == 0, added.stderr
    before = row_counts(sqlite_url)
    for args, code, words in [
        (["event", "edit", "1", "--occurrence", "2027-01-12", "--title", "x"], 1, "no occurrence starting"),
        (["event", "edit", "1", "--occurrence", "2027-01-11", "--from-occurrence", "2027-01-11"], 2,
         "--occurrence"),
        (["event", "add", "x", "--start", "2027-01-04 10:00", "--repeat", "hourly"], 2, "--repeat"),
        (["event", "add", "x", "--start", "2027-01-04 10:00", "--on", "MO"], 2, "--repeat"),
        (["event", "add", "x", "--start", "2027-01-04 10:00", "--repeat", "weekly", "--until", "2026-01-01"], 2,
         "--until"),
        (["event", "add", "x", "--start", "2027-01-04 10:00", "--rrule", "FREQ=WEEKLY;COUNT=0"], 2, "--count"),
        (["event", "add", "x", "--start", "2027-01-04 10:00", "--rrule", "BYDAY=MO"], 2, "FREQ"),
    ]:
        outcome = run(sqlite_url, *args)
        assert outcome.code == code, (args, outcome.stderr)
        assert words in outcome.stderr and len(outcome.stderr.strip().splitlines()) == 1, outcome.stderr
        assert "Traceback" not in outcome.stderr
    assert row_counts(sqlite_url) == before
    shown = run(sqlite_url, "event", "show", "1")
    assert "repeats   every week, on Monday, until March 1, 2027" in shown.stdout
    moved = run(sqlite_url, "event", "edit", "1", "--occurrence", "2027-01-18 10:00", "--start", "2027-01-19 10:00")
    assert moved.code == 0, moved.stderr
    assert "(changed)" in run(sqlite_url, "event", "show", "1").stdout



def test_a_series_in_a_campaign_shows_its_occurrences_in_the_programme_and_is_not_rolled(app: App) -> None:
    from calendar_app.campaigns import services as campaign_services
    from events.campaigns.links import CampaignLink

    campaign_services.add_campaign(None, name=None, window=None, color=None, preset="16-days", app=app)
    campaign_services.add_edition("16-days", 2026, ["Theme"], app=app, now=NOW)
    daily = NewEventDraft(title="Daily briefing", start="2026-11-25 09:00", region="bishkek",
                          repeat=Repeat(freq="daily", count=16))
    services.add_event(daily, CampaignLink(campaign="16-days", yearly=True), app=app, now=NOW)
    programme = campaign_services.programme("16-days", 2026, app=app)
    briefings = [e for day in programme.days for e in day.events if e.title == "Daily briefing"]
    assert len(briefings) == 16
    assert briefings[-1].start.strftime("%m-%d %H:%M") == "12-10 09:00"
    rolled = campaign_services.roll("16-days", 2027, ["Next"], app=app, now=NOW)
    assert rolled.copied == ()
