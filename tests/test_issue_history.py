"""Issue 13, history and undo: every change is recorded in its own transaction, and `event undo` restores
exactly the earlier values, with reminders re-planned (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from calendar_app import services
from calendar_app.app import App
from calendar_app.campaigns import services as campaign_services
from calendar_app.config import Settings, load_settings
from calendar_app.db import create_db_engine
from calendar_app.feeds import add_feed, remove_feed, rotate_feed
from calendar_app.history.services import event_history, history
from calendar_app.history.tracking import event_state
from calendar_app.history.undo import undo_event
from calendar_app.notify import services as notify_services
from calendar_app.schema import HEAD, upgrade
from events.clashes import ClashRefused
from events.drafts import EventChanges, NewEventDraft
from events.errors import EventNotFound, InvalidTimeRange
from events.history import HistoryEntry
from events.history.undo import NothingToUndo
from events.notify.contacts import ContactDraft
from events.notify.models import Delivery
from exports.feeds import FeedSpec
from tests.cli_helpers import run
from tests.conftest import NOW
from tests.reminder_helpers import add_contacts

START = NOW + timedelta(days=10)
ACTOR = "Болормаа"


@pytest.fixture
def coord(store_url: str) -> Iterator[App]:
    """The application as a coordinator named in the settings runs it."""
    app = App.open(Settings(db_url=store_url, default_tz="Asia/Ulaanbaatar", actor=ACTOR))
    yield app
    app.close()


def _add(app: App, *, title: str = "Хүйсийн тэгш байдлын зөвшилцөх уулзалт", start: Any = START,
         notify: list[str] | None = None, **extra: Any) -> int:
    draft = NewEventDraft(title=title, start=start.isoformat(), duration="2h", kind="consultation",
                          tz="Asia/Ulaanbaatar", notify=notify or [], **extra)
    return services.add_event(draft, app=app, now=NOW).view.id


def _state(app: App, event_id: int) -> dict[str, Any] | None:
    with app.read() as session:
        return event_state(event_id, session=session)


def _pending(app: App, event_id: int) -> list[tuple[str, str, Any]]:
    with app.read() as session:
        rows = session.exec(select(Delivery).where(col(Delivery.event_id) == event_id,
                                                   col(Delivery.status) == "pending")).all()
        return sorted((d.address, d.rule_key, d.due_utc) for d in rows)


def _entries(app: App) -> list[HistoryEntry]:
    with app.read() as session:
        return list(session.exec(select(HistoryEntry).order_by(col(HistoryEntry.id))))


def test_undo_restores_exactly_the_previous_values_and_replans_reminders(coord: App) -> None:
    emails = add_contacts(coord, 2, now=NOW)
    event_id = _add(coord, notify=emails)
    before, due_before = _state(coord, event_id), _pending(coord, event_id)
    assert {rule for _, rule, _ in due_before} == {"start-1d", "start-2h"}
    later = START + timedelta(days=3, hours=2)
    services.edit_event(str(event_id), EventChanges(
        start=later.isoformat(), title="Зөвшилцөх уулзалт (хойшилсон)", visibility="public",
        partners=["Хөдөлмөр, нийгмийн хамгааллын яам", "UNFPA"], location="Төрийн ордон"), app=coord, now=NOW)
    moved = _pending(coord, event_id)
    assert {due for _, _, due in moved} == {later - timedelta(days=1), later - timedelta(hours=2)}

    outcome = undo_event(str(event_id), app=coord, now=NOW + timedelta(hours=1))

    after = _state(coord, event_id)
    assert before is not None and after is not None
    assert after["sequence"] > before["sequence"]  # SEQUENCE only grows
    assert {k: v for k, v in after.items() if k != "sequence"} == {k: v for k, v in before.items() if k != "sequence"}
    assert _pending(coord, event_id) == due_before  # the reminders follow the restored start
    assert outcome.view.title == "Хүйсийн тэгш байдлын зөвшилцөх уулзалт" and outcome.view.partners == ()
    last = event_history(str(event_id), app=coord)[-1]
    assert (last.action, last.command, last.actor, last.at) == ("undo", "event undo", ACTOR, NOW + timedelta(hours=1))
    assert last.undoes == event_history(str(event_id), app=coord)[-2].id
    assert last.changes["visibility"] == ["public", "internal"]


def test_each_change_is_one_line_with_who_when_what_and_which_command(coord: App) -> None:
    event_id = _add(coord)
    services.edit_event(str(event_id), EventChanges(visibility="public"), app=coord, now=NOW + timedelta(minutes=5))
    services.edit_event(str(event_id), EventChanges(visibility="public"), app=coord, now=NOW)  # no change: no line
    services.cancel_event(str(event_id), "Яам товыг хойшлуулсан", app=coord, now=NOW + timedelta(minutes=9))
    lines = event_history(str(event_id), app=coord)
    assert [(c.action, c.command, c.actor) for c in lines] == [
        ("add", "event add", ACTOR), ("edit", "event edit", ACTOR), ("cancel", "event cancel", ACTOR)]
    assert lines[0].changes["title"] == [None, "Хүйсийн тэгш байдлын зөвшилцөх уулзалт"]
    assert lines[1].changes == {"visibility": ["internal", "public"]}
    assert lines[1].at == NOW + timedelta(minutes=5)
    assert lines[2].changes["status"] == ["confirmed", "cancelled"]
    assert lines[2].changes["cancel_reason"] == [None, "Яам товыг хойшлуулсан"]


def test_a_failed_change_leaves_no_history_line(coord: App) -> None:
    event_id = _add(coord)
    count = len(_entries(coord))
    with pytest.raises(InvalidTimeRange):
        services.edit_event(str(event_id), EventChanges(end=(START - timedelta(hours=1)).isoformat()), app=coord,
                            now=NOW)
    with pytest.raises(ClashRefused):  # refused after the event was written and its line recorded: all rolled back
        services.add_event(
            NewEventDraft(title="Хүйсийн тэгш байдлын зөвшилцөх уулзалт", start=START.isoformat(), duration="1h",
                          tz="Asia/Ulaanbaatar"), app=coord, now=NOW, strict=True)
    assert len(_entries(coord)) == count


def test_undo_of_a_cancel_brings_the_reminders_back(coord: App) -> None:
    emails = add_contacts(coord, 1, now=NOW)
    event_id = _add(coord, notify=emails)
    due = _pending(coord, event_id)
    services.cancel_event(str(event_id), None, app=coord, now=NOW)
    assert _pending(coord, event_id) == []
    view = undo_event(str(event_id), app=coord, now=NOW).view
    assert view.status == "confirmed"
    assert _pending(coord, event_id) == due


def test_undo_of_an_add_cancels_and_undo_again_brings_it_back(coord: App) -> None:
    event_id = _add(coord)
    assert undo_event(str(event_id), app=coord, now=NOW).view.status == "cancelled"
    assert undo_event(str(event_id), app=coord, now=NOW).view.status == "confirmed"
    assert [c.action for c in event_history(str(event_id), app=coord)] == ["add", "undo", "undo"]


def test_undo_of_a_delete_restores_the_event_under_its_id_and_uid(coord: App) -> None:
    emails = add_contacts(coord, 1, now=NOW)
    event_id = _add(coord, notify=[], partners=["Save the Children Mongolia", "UNICEF"], organizer="НҮБ",
                    participants=40, women=25, men=15, description="Хоёр өдрийн\nсургалт")
    before = _state(coord, event_id)
    services.delete_event(str(event_id), app=coord, now=NOW)
    assert _state(coord, event_id) is None
    assert event_history(str(event_id), app=coord)[-1].changes["title"][1] is None  # the values are kept
    view = undo_event(str(event_id), app=coord, now=NOW).view
    after = _state(coord, event_id)
    assert before is not None and after is not None
    assert {k: v for k, v in after.items() if k != "sequence"} == {k: v for k, v in before.items() if k != "sequence"}
    assert (view.id, view.uid, view.partners) == (event_id, before["uid"], ("Save the Children Mongolia", "UNICEF"))
    assert emails  # contacts notified are not part of the event's history: see docs/history.md
    undo_event(str(event_id), app=coord, now=NOW)  # undo of the restore: gone again
    assert _state(coord, event_id) is None


def test_nothing_to_undo_and_unknown_events(coord: App) -> None:
    with pytest.raises(EventNotFound):
        undo_event("404", app=coord, now=NOW)
    with coord.write() as session:  # an event stored without history (an import of an older version)
        from events import services as event_services

        event = event_services.create_event(NewEventDraft(title="Хуучин", start=START.isoformat()), session=session,
                                            default_tz="Asia/Ulaanbaatar", now=NOW)
        assert event.id is not None
        old_id = event.id
    with pytest.raises(NothingToUndo):
        undo_event(str(old_id), app=coord, now=NOW)


def test_history_since_by_and_entity(coord: App) -> None:
    other = App(replace(coord.settings, actor="aibek"), coord.store)
    _add(coord)
    _add(other, title="Кеңеш", start=START + timedelta(days=1))
    notify_services.add_contact(ContactDraft(name="Айгерим", email="aigerim@example.kg", language="ky",
                                             tz="Asia/Bishkek"), app=other, now=NOW + timedelta(days=1))
    assert [c.actor for c in history(None, None, None, None, app=coord, now=NOW)] == [ACTOR, "aibek", "aibek"]
    assert [c.entity for c in history(None, None, "aibek", None, app=coord, now=NOW)] == ["event", "contact"]
    assert [c.entity for c in history(None, None, "aibek", "contact", app=coord, now=NOW)] == ["contact"]
    since = (NOW + timedelta(hours=12)).isoformat()
    assert [c.entity for c in history(since, None, None, None, app=coord, now=NOW)] == ["contact"]


def test_feeds_contacts_campaigns_and_editions_are_recorded(coord: App) -> None:
    add_feed(FeedSpec(name="staff", private=True), app=coord, now=NOW)
    rotate_feed("staff", app=coord, now=NOW)
    remove_feed("staff", app=coord, now=NOW)
    notify_services.add_contact(ContactDraft(name="Сарнай", email="sarnai@example.mn", language="mn",
                                             chat="tgram://123456:SECRETTOKEN/42"), app=coord, now=NOW)
    notify_services.edit_contact("sarnai@example.mn", ContactDraft(name="Сарнай Б."), app=coord, now=NOW)
    notify_services.remove_contact("sarnai@example.mn", app=coord, now=NOW)
    campaign_services.add_campaign("16-days", name=None, window=None, color=None, preset="16-days", app=coord,
                                   now=NOW)
    campaign_services.add_edition("16-days", 2026, ["Эмэгтэйчүүдийн эсрэг хүчирхийллийг зогсооё"], app=coord, now=NOW)
    campaign_services.set_theme("16-days", 2026, ["ky:Зордукту токтоталы"], app=coord, now=NOW)
    lines = history(None, None, ACTOR, None, app=coord, now=NOW)
    assert [(c.entity, c.command) for c in lines] == [
        ("feed", "feed add"), ("feed", "feed rotate"), ("feed", "feed remove"),
        ("contact", "contact add"), ("contact", "contact edit"), ("contact", "contact remove"),
        ("campaign", "campaign add"), ("edition", "campaign edition add"), ("edition", "campaign theme")]
    old, new = lines[1].changes["tokens"]  # rotated: the history shows which token prefixes work...
    assert len(old) == len(new) == 1 and old != new
    everything = repr([c.changes for c in lines])
    assert "SECRETTOKEN" not in everything  # ...but never a secret
    assert lines[4].changes["name"] == ["Сарнай", "Сарнай Б."]
    assert lines[8].changes["themes"][1] == {"ky": "Зордукту токтоталы"}


def test_actor_setting_defaults_to_the_login_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGNAME", "tuya")
    assert load_settings("sqlite:///x.db", environ={"CALENDAR_APP_CONFIG": ""}).actor == "tuya"
    assert load_settings("sqlite:///x.db", environ={"CALENDAR_APP_ACTOR": " Туяа "}).actor == "Туяа"


def test_migration_adds_the_history_table_and_keeps_every_event(store_url: str) -> None:
    engine = create_db_engine(store_url)
    upgrade(engine, "0011")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO event (id, uid, title, kind, all_day, start_utc, end_utc, timezone, region, status,"
            " visibility, sequence, search_text, created_at, updated_at, yearly) VALUES"
            " (1, 'u-1', 'Санамж бичигт гарын үсэг зурах', 'signing', false, '2018-06-29 03:00:00',"
            " '2018-06-29 04:00:00', 'Asia/Ulaanbaatar', 'ulaanbaatar', 'held', 'public', 2, '',"
            " '2018-06-01 00:00:00', '2018-06-02 00:00:00', false)"))
        rows = connection.execute(sa.text("SELECT id, uid, title, sequence FROM event")).all()
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == HEAD
        assert connection.execute(sa.text("SELECT id, uid, title, sequence FROM event")).all() == rows
        assert connection.execute(sa.text("SELECT count(*) FROM history")).scalar() == 0
    engine.dispose()
    app = App.open(Settings(db_url=store_url, default_tz="Asia/Ulaanbaatar", actor=ACTOR))
    try:
        services.edit_event("1", EventChanges(visibility="internal"), app=app, now=NOW)
        assert event_history("1", app=app)[-1].changes == {"visibility": ["public", "internal"]}
        assert undo_event("1", app=app, now=NOW).view.visibility == "public"
    finally:
        app.close()


def test_cli_history_and_undo(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALENDAR_APP_ACTOR", "Бат")
    added = run(sqlite_url, "event", "add", "Дугуй ширээний уулзалт", "--start", "2026-12-03 10:00", "--json")
    event_id = str(added.json()["id"])
    assert run(sqlite_url, "event", "edit", event_id, "--location", "Хан-Уул дүүрэг").code == 0
    shown = run(sqlite_url, "event", "history", event_id, "--json")
    assert shown.code == 0
    lines = shown.json()
    assert [(c["action"], c["command"], c["actor"]) for c in lines] == [("add", "event add", "Бат"),
                                                                       ("edit", "event edit", "Бат")]
    assert lines[1]["changes"]["location"] == {"from": None, "to": "Хан-Уул дүүрэг"}
    assert lines[1]["changes"]["sequence"] == {"from": 0, "to": 1}
    table = run(sqlite_url, "event", "history", event_id)
    assert "location: none → 'Хан-Уул" in table.stdout and "Бат" in table.stdout and "event edit" in table.stdout
    undone = run(sqlite_url, "event", "undo", event_id)
    assert undone.code == 0 and undone.stdout.startswith(f"Undid the last change of event {event_id}: location")
    assert run(sqlite_url, "event", "show", event_id, "--json").json()["location"] is None
    everyone = run(sqlite_url, "history", "--since", "2000-01-01", "--by", "Бат", "--entity", "event", "--json")
    assert [c["action"] for c in everyone.json()] == ["add", "edit", "undo"]
    bad = run(sqlite_url, "history", "--entity", "party")
    assert bad.code == 2 and bad.stderr.count("\n") == 1 and "event, feed, contact" in bad.stderr
    assert "participant" in bad.stderr
    assert run(sqlite_url, "event", "invite", event_id, "Сарнай <sarnai@example.mn>", "--json").code == 0
    invited = run(sqlite_url, "history", "--entity", "participant", "--json")
    assert [(c["command"], c["action"], c["actor"]) for c in invited.json()] == [("event invite", "add", "Бат")]
    assert run(sqlite_url, "event", "undo", "999").code == 1


def test_campaign_roll_records_the_edition_and_each_copy(coord: App) -> None:
    from tests.campaign_fixture import build_programme

    build_programme(coord)
    outcome = campaign_services.roll("16-days", 2026, ["ru:Объединимся!"], app=coord, now=NOW)
    rolled = [c for c in history(None, None, None, None, app=coord, now=NOW) if c.command == "campaign roll"]
    assert [(c.entity, c.action) for c in rolled] == [("edition", "add")] + [("event", "add")] * len(outcome.copied)
    assert [c.entity_id for c in rolled[1:]] == [e.id for e in outcome.copied]
    # a copy added by the roll is undone as any added event: cancelled
    assert undo_event(str(outcome.copied[0].id), app=coord, now=NOW).view.status == "cancelled"


def test_a_change_to_one_occurrence_records_the_override_and_undo_takes_it_back(coord: App) -> None:
    from events.recurrence.scopes import Scope
    from events.recurrence.store import Repeat

    draft = NewEventDraft(title="Staff meeting", start="2027-01-04 10:00", region="bishkek",
                          repeat=Repeat(freq="weekly", on=["MO"]))
    series = services.add_event(draft, app=coord, now=NOW).view.id
    moved = services.edit_event(str(series), EventChanges(start="2027-01-19 11:00"), app=coord, now=NOW,
                                scope=Scope(occurrence="2027-01-18 10:00")).view
    assert moved.id != series
    override = event_history(str(moved.id), app=coord)
    assert [(c.action, c.command) for c in override] == [("add", "event edit")]
    undo_event(str(moved.id), app=coord, now=NOW)  # the override goes: the week follows the rule again
    january = services.EventFilter(start="2027-01-01", end="2027-02-01")
    assert [v.start.strftime("%m-%d %H:%M") for v in services.list_events(january, app=coord, now=NOW)] == [
        "01-04 10:00", "01-11 10:00", "01-18 10:00", "01-25 10:00"]
    assert [c.action for c in event_history(str(moved.id), app=coord)] == ["add", "undo"]
    services.edit_event(str(series), EventChanges(repeat=Repeat(until="2027-03-01")), app=coord, now=NOW)
    assert event_history(str(series), app=coord)[-1].changes["rrule"][0] == "FREQ=WEEKLY;BYDAY=MO"
    assert undo_event(str(series), app=coord, now=NOW).view.rrule == "FREQ=WEEKLY;BYDAY=MO"


def test_a_forgotten_contact_leaves_the_history(coord: App) -> None:
    from events.people.forget import forget_contact

    notify_services.add_contact(ContactDraft(name="Гүльнара Асанова", email="gulnara@example.kg", language="ky",
                                             tz="Asia/Bishkek"), app=coord, now=NOW)
    _add(coord, organizer="Гүльнара Асанова <gulnara@example.kg>")
    with coord.write() as session:
        forget_contact("gulnara@example.kg", session=session, now=NOW)
    everything = repr([c.changes for c in history(None, None, None, None, app=coord, now=NOW)]).casefold()
    assert "gulnara" not in everything and "гүльнара" not in everything
    assert "(forgotten)" in everything


def test_participants_invite_set_and_remove_are_recorded(coord: App) -> None:
    from calendar_app.people import services as people
    from events.people.services import ParticipantChanges

    event = _add(coord)
    notify_services.add_contact(ContactDraft(name="Оюунчимэг Батбаяр", email="oyunaa@example.mn", language="mn"),
                                app=coord, now=NOW)
    added = people.invite(str(event), ["oyunaa@example.mn"], role="chair", app=coord, now=NOW)
    people.set_participant(str(event), "oyunaa@example.mn", ParticipantChanges(
        status="accepted", attended=True, sex="woman", organisation="ХЗДХЯ", comment="илтгэгч"), app=coord, now=NOW)
    people.set_participant(str(event), "oyunaa@example.mn", ParticipantChanges(status="accepted"), app=coord,
                           now=NOW)  # nothing changes: nothing recorded
    people.remove_participant(str(event), "oyunaa@example.mn", app=coord, now=NOW)
    lines = history(None, None, None, "participant", app=coord, now=NOW)
    assert [(c.command, c.action, c.entity_id, c.actor) for c in lines] == [
        ("event invite", "add", added[0]["id"], ACTOR), ("participant set", "edit", added[0]["id"], ACTOR),
        ("participant remove", "delete", added[0]["id"], ACTOR)]
    assert lines[0].changes["role"] == [None, "chair"] and lines[0].changes["status"] == [None, "needs-action"]
    assert lines[0].changes["event_id"] == [None, event]
    assert lines[1].changes == {"status": ["needs-action", "accepted"], "attended": [None, True],
                                "sex": [None, "woman"], "organisation": [None, "ХЗДХЯ"], "comment": [None, "илтгэгч"]}
    assert lines[2].changes["organisation"] == ["ХЗДХЯ", None] and lines[2].changes["role"] == ["chair", None]
    everything = repr([c.changes for c in lines])
    assert "oyunaa" not in everything and "created_at" not in everything and "updated_at" not in everything


def test_a_refused_sheet_import_records_nothing_and_a_good_one_each_row(coord: App, tmp_path: Path) -> None:
    from calendar_app.people import services as people
    from events.people.errors import BadSheetRows

    event = _add(coord)
    header = "name,e-mail,organisation,sex,language\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "Айгерим,aigerim@example.kg,,аял,ky\nАсан,not-an-address,,эркек,ky\n", encoding="utf-8")
    with pytest.raises(BadSheetRows):
        people.import_sheet(str(event), str(bad), app=coord, now=NOW)
    good = tmp_path / "good.csv"
    good.write_text(header + "Айгерим,aigerim@example.kg,Бишкек шаардык кеңеши,аял,ky\n", encoding="utf-8")
    people.import_sheet(str(event), str(good), app=coord, now=NOW, dry_run=True)
    assert history(None, None, None, "participant", app=coord, now=NOW) == []
    people.import_sheet(str(event), str(good), app=coord, now=NOW)
    lines = history(None, None, None, "participant", app=coord, now=NOW)
    assert [(c.command, c.action) for c in lines] == [("participant import", "add")]
    assert lines[0].changes["organisation"] == [None, "Бишкек шаардык кеңеши"]
    assert lines[0].changes["sex"] == [None, "woman"]
    people.import_sheet(str(event), str(good), app=coord, now=NOW)  # the same again: nothing changes
    assert len(history(None, None, None, "participant", app=coord, now=NOW)) == 1


def test_a_forgotten_participant_leaves_the_participant_history(coord: App) -> None:
    from calendar_app.people import forget
    from calendar_app.people import services as people
    from events.people.services import ParticipantChanges

    event, other = _add(coord), _add(coord, title="Кеңеш", start=START + timedelta(days=1))
    people.invite(str(event), ["Гүльнара Асанова <gulnara@example.kg>"], app=coord, now=NOW)
    people.invite(str(other), ["gulnara@example.kg"], app=coord, now=NOW)
    for ref in (event, other):
        people.set_participant(str(ref), "gulnara@example.kg", ParticipantChanges(
            sex="woman", organisation="Ош аялдар борбору", comment="баяндамачы"), app=coord, now=NOW)
    people.remove_participant(str(other), "gulnara@example.kg", app=coord, now=NOW)
    count = len(history(None, None, None, None, app=coord, now=NOW))
    forget.forget("gulnara@example.kg", app=coord, now=NOW)
    lines = history(None, None, None, "participant", app=coord, now=NOW)
    assert len(history(None, None, None, None, app=coord, now=NOW)) == count  # forgetting records no change
    everything = repr([c.changes for c in lines])
    assert "Ош аялдар" not in everything and "баяндамачы" not in everything
    assert lines[2].changes["organisation"] == [None, "(forgotten)"] and lines[2].changes["sex"] == [None, "woman"]
    assert lines[4].command == "participant remove" and lines[4].changes["comment"] == ["(forgotten)", None]
