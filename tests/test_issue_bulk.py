"""Issue 13, bulk changes: `event edit`/`event cancel` on several ids or a filter, one transaction, all or
nothing; `--dry-run` changes nothing; one confirmation, refused without a terminal unless `--yes`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from calendar_app import services
from calendar_app.app import App
from calendar_app.bulk import BatchItemFailed, NoEventsChosen, Selection, cancel_events, edit_events, select_events
from calendar_app.history.tracking import event_state
from calendar_app.services import EventFilter
from events.drafts import EventChanges, NewEventDraft
from events.errors import EventNotFound
from events.history import HistoryEntry
from events.notify.models import Delivery
from tests.cli_helpers import run
from tests.conftest import NOW
from tests.reminder_helpers import add_contacts

START = NOW + timedelta(days=10)


def _add(app: App, title: str, *, days: int = 0, region: str = "bishkek", kind: str = "training",
         notify: list[str] | None = None) -> int:
    draft = NewEventDraft(title=title, start=(START + timedelta(days=days)).isoformat(), duration="2h", kind=kind,
                          region=region, notify=notify or [])
    return services.add_event(draft, app=app, now=NOW).view.id


def _states(app: App, ids: list[int]) -> list[dict[str, Any] | None]:
    with app.read() as session:
        return [event_state(i, session=session) for i in ids]


def _history_count(app: App) -> int:
    with app.read() as session:
        return len(session.exec(select(HistoryEntry)).all())


@pytest.fixture
def three(app: App) -> list[int]:
    return [_add(app, "Жаштар менен тренинг", days=0), _add(app, "Ош шаарындагы тегерек стол", days=1,
                                                              region="osh-city", kind="round_table"),
            _add(app, "Кеңеш", days=2, kind="consultation")]


def test_bulk_edit_changes_every_event_with_one_history_line_each(app: App, three: list[int]) -> None:
    lines = _history_count(app)
    outcomes = edit_events(three, EventChanges(visibility="public"), app=app, now=NOW)
    assert [o.view.visibility for o in outcomes] == ["public"] * 3
    assert [o.changes for o in outcomes] == [{"visibility": ["internal", "public"]}] * 3
    assert _history_count(app) == lines + 3


def test_one_bad_event_leaves_the_whole_batch_unchanged(app: App, three: list[int]) -> None:
    emails = add_contacts(app, 1, now=NOW)
    services.edit_event(str(three[2]), EventChanges(notify=emails), app=app, now=NOW)
    before, lines = _states(app, three), _history_count(app)
    with app.read() as session:
        due_before = sorted(d.due_utc for d in session.exec(select(Delivery).where(col(Delivery.status) == "pending")))
    # An end the first two events can take but that falls before the third one's start.
    end = (START + timedelta(days=1, hours=5)).isoformat()
    with pytest.raises(BatchItemFailed) as caught:
        edit_events(three, EventChanges(end=end, visibility="public"), app=app, now=NOW)
    assert str(caught.value).startswith(f"event {three[2]}: the end ")
    assert caught.value.exit_code == 2
    assert _states(app, three) == before and _history_count(app) == lines
    with app.read() as session:
        assert sorted(d.due_utc for d in session.exec(select(Delivery).where(col(Delivery.status) == "pending"))) \
            == due_before


def test_dry_run_lists_the_changes_and_changes_nothing(app: App, three: list[int]) -> None:
    before, lines = _states(app, three), _history_count(app)
    outcomes = cancel_events(three, "Өрт коркунучу", app=app, now=NOW, dry_run=True)
    assert [o.changes["status"] for o in outcomes] == [["confirmed", "cancelled"]] * 3
    assert _states(app, three) == before and _history_count(app) == lines


def test_selection_by_filters_and_ids(app: App, three: list[int]) -> None:
    by = lambda **where: select_events(Selection(where=EventFilter(**where), filtered=True),  # noqa: E731
                                       app=app, now=NOW)
    assert by(regions=("osh-city",)) == [three[1]]
    assert by(kinds=("training", "consultation")) == [three[0], three[2]]
    assert by(start=(START + timedelta(days=1)).isoformat(), end=(START + timedelta(days=2)).isoformat()) == [three[1]]
    assert by(statuses=("cancelled",)) == []
    assert select_events(Selection(refs=[str(three[2]), str(three[0]), str(three[2])]), app=app, now=NOW) == \
        [three[0], three[2]]
    named_and_filtered = Selection(refs=[str(i) for i in three], where=EventFilter(regions=("bishkek",)),
                                   filtered=True)
    assert select_events(named_and_filtered, app=app, now=NOW) == [three[0], three[2]]
    with pytest.raises(EventNotFound):
        select_events(Selection(refs=[str(three[0]), "404"]), app=app, now=NOW)
    with pytest.raises(NoEventsChosen):
        select_events(Selection(), app=app, now=NOW)


def test_bulk_cancel_cancels_pending_reminders(app: App, three: list[int]) -> None:
    emails = add_contacts(app, 1, now=NOW)
    for event_id in three:
        services.edit_event(str(event_id), EventChanges(notify=emails), app=app, now=NOW)
    cancel_events(three[:2], None, app=app, now=NOW)
    with app.read() as session:
        pending = {d.event_id for d in session.exec(select(Delivery).where(col(Delivery.status) == "pending"))}
    assert pending == {three[2]}


def test_cli_bulk_edit_asks_once_and_single_ids_work_as_before(sqlite_url: str) -> None:
    ids = [run(sqlite_url, "event", "add", title, "--start", f"2026-12-0{n} 10:00", "--region", "bishkek",
               "--json").json()["id"] for n, title in enumerate(["Тренинг", "Тегерек стол", "Кеңеш"], start=1)]
    refs = [str(i) for i in ids]
    refused = run(sqlite_url, "event", "edit", *refs, "--visibility", "public")
    assert refused.code == 2 and "--yes" in refused.stderr and refused.stderr.count("\n") == 1
    assert {run(sqlite_url, "event", "show", r, "--json").json()["visibility"] for r in refs} == {"internal"}
    dry = run(sqlite_url, "event", "edit", "--where-region", "bishkek", "--visibility", "public", "--dry-run",
              "--json")
    assert dry.code == 0 and dry.json()["dry_run"] is True
    assert [e["changes"]["visibility"] for e in dry.json()["events"]] == [{"from": "internal", "to": "public"}] * 3
    assert {run(sqlite_url, "event", "show", r, "--json").json()["visibility"] for r in refs} == {"internal"}
    done = run(sqlite_url, "event", "edit", *refs, "--visibility", "public", "--yes")
    assert done.code == 0 and done.stdout.splitlines()[-1] == "Updated 3 of 3 events"
    assert {run(sqlite_url, "event", "show", r, "--json").json()["visibility"] for r in refs} == {"public"}
    single = run(sqlite_url, "event", "edit", refs[0], "--title", "Жаштар тренинги")
    assert single.code == 0 and single.stdout.startswith(f"Updated event {ids[0]} (sequence 1)\n")
    bad = run(sqlite_url, "event", "edit", *refs, "--end", "2026-12-02 09:00", "--yes")
    assert bad.code == 2 and bad.stderr.startswith("error: event ") and "--end" in bad.stderr
    assert run(sqlite_url, "event", "show", refs[0], "--json").json()["end"].startswith("2026-12-01T11:00")
    cancelled = run(sqlite_url, "event", "cancel", "--where-region", "bishkek", "--where-from", "2026-12-02",
                    "--yes", "--json")
    assert [e["status"] for e in cancelled.json()["events"]] == ["cancelled", "cancelled"]
    assert run(sqlite_url, "event", "edit", "--visibility", "public").code == 2
