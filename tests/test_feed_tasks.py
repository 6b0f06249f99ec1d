"""Workflow tasks as VTODOs in private feeds (`feed add --private --tasks`): bytes, parsers, privacy, cache."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.config import Settings
from calendar_app.db import read_session, write_session
from calendar_app.notify import services as notify_services
from events.drafts import EventChanges, NewEventDraft
from exports import feeds
from exports.cache import iter_feed
from exports.checks import check_calendar
from exports.errors import TasksNeedFullDetail, TasksNeedPrivate
from exports.feeds import FeedSpec
from exports.render import CalendarHead, Detail, component_bytes, iter_calendar
from exports.selection import plan, store_state
from exports.todo import TaskItem, build_todos
from tests.cli_helpers import run
from tests.conftest import NOW
from tests.server_helpers import feed_bytes

GOLDEN = Path(__file__).with_name("golden")
STAMP = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
TITLE = "Зөвшилцөх уулзалт: гэр бүлийн хүчирхийлэл"
STEPS = ["Send the invitations", "Circulate the concept note", "Confirm attendance",
         "Check logistics (room, interpretation, transport)", "Share the minutes"]


def _consultation(app: App, *, title: str = TITLE, visibility: str = "internal",
                  kind: str = "consultation") -> Any:
    return services.add_event(NewEventDraft(title=title, start="2026-12-10 10:00", duration="3h", kind=kind,
                                            region="ulaanbaatar", visibility=visibility,
                                            organizer="oyuna@example.mn"), app=app, now=NOW).view


def _feed_bytes(app: App, name: str, *, stamp: datetime | None = None, now: datetime = NOW) -> bytes:
    if stamp is None:
        return feed_bytes(app, name, now=now)
    engine = app.store.engine
    with read_session(engine) as session:
        feed = feeds.find_feed(name, session=session)
        chosen = plan(feeds.feed_selection(feed), session=session, now=now)
        return b"".join(iter_feed(chosen, feeds.feed_head(feed), detail=Detail(feed.detail), session=session,
                                  stamp=stamp, tasks=bool(feed.tasks)))


def _todos(data: bytes) -> list[Any]:
    return list(Calendar.from_ical(data).walk("VTODO"))


def _tasks_of(app: App) -> list[dict[str, Any]]:
    return notify_services.list_tasks(overdue=False, mine=None, include_done=True, app=app, now=NOW)


# ---- pure bytes ---------------------------------------------------------------------------------------------

ITEMS = [
    TaskItem(7, "Send the invitations", datetime(2026, 11, 26, 2, tzinfo=UTC), "open", "ev-7@calendar-app",
             TITLE, "oyuna@example.mn", None, 0, datetime(2026, 11, 20, 1, tzinfo=UTC), "internal"),
    TaskItem(8, "Share the minutes", datetime(2026, 12, 13, 5, tzinfo=UTC), "done", "ev-7@calendar-app",
             TITLE, "oyuna@example.mn", datetime(2026, 12, 12, 9, 30, tzinfo=UTC), 1,
             datetime(2026, 12, 12, 9, 30, tzinfo=UTC), "confidential"),
]


def _golden_calendar() -> bytes:
    chunks = (component_bytes(todo) for todo in build_todos(ITEMS, stamp=STAMP))
    return b"".join(iter_calendar(CalendarHead(name="tasks"), (), chunks))


def test_vtodo_golden_bytes() -> None:
    data = _golden_calendar()
    path = GOLDEN / "feed_tasks.ics"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(data)
    assert data == path.read_bytes(), "feed_tasks.ics changed: review it, then UPDATE_GOLDEN=1 to accept"
    assert _golden_calendar() == data
    assert check_calendar(data) == []
    text = data.decode()
    for line in ("UID:task-7.ev-7@calendar-app", "DUE:20261126T020000Z", "STATUS:NEEDS-ACTION", "SEQUENCE:0",
                 "RELATED-TO:ev-7@calendar-app", "STATUS:COMPLETED", "COMPLETED:20261212T093000Z",
                 "SEQUENCE:1", "LAST-MODIFIED:20261212T093000Z", "CLASS:CONFIDENTIAL", "DTSTAMP:20261123T030000Z"):
        assert line + "\r\n" in text, line


def test_without_a_stamp_the_bytes_follow_the_task_only() -> None:
    first = component_bytes(build_todos(ITEMS[:1])[0])
    assert b"DTSTAMP:20261120T010000Z\r\n" in first  # the task's last change, not the clock
    renamed = TaskItem(**{**ITEMS[0].__dict__, "due_utc": datetime(2026, 11, 27, 2, tzinfo=UTC)})
    assert component_bytes(build_todos([ITEMS[0]])[0]) == first
    assert component_bytes(build_todos([renamed])[0]) != first


# ---- a private feed with tasks, from the store ---------------------------------------------------------------

def _readers(data: bytes) -> list[dict[str, dict[str, Any]]]:
    import vobject
    from ical.calendar_stream import IcsCalendarStream

    def utc(value: Any) -> Any:
        return value.astimezone(UTC) if isinstance(value, datetime) else value

    by_icalendar = {str(t["UID"]): {"summary": str(t["SUMMARY"]), "due": utc(t.decoded("DUE")),
                                    "status": str(t["STATUS"]), "related": str(t["RELATED-TO"]),
                                    "sequence": int(t["SEQUENCE"])} for t in _todos(data)}
    calendar = vobject.readOne(data.decode("utf-8"))
    by_vobject = {t.uid.value: {"summary": t.summary.value, "due": utc(t.due.value), "status": t.status.value,
                                "related": t.related_to.value, "sequence": int(t.sequence.value)}
                  for t in calendar.vtodo_list}
    stream = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    by_ical: dict[str, dict[str, Any]] = {}
    for t in stream.todos:
        assert t.status is not None, t.uid
        by_ical[t.uid] = {"summary": t.summary, "due": utc(t.due), "status": str(t.status.value),
                          "related": t.related_to[0].uid, "sequence": t.sequence}
    return [by_icalendar, by_vobject, by_ical]


def test_private_feed_carries_the_tasks_read_by_three_parsers(app: App) -> None:
    event = _consultation(app)
    info = feed_service.add_feed(FeedSpec("ub-tasks", private=True, tasks=True), app=app, now=NOW)
    assert info.tasks and info.as_json()["tasks"] is True
    feed_service.add_feed(FeedSpec("ub-plain", private=True), app=app, now=NOW)
    data = _feed_bytes(app, "ub-tasks")
    assert check_calendar(data) == []
    assert b"BEGIN:VTODO" not in _feed_bytes(app, "ub-plain")  # only feeds that ask carry tasks
    tasks = _tasks_of(app)
    assert [t["title"] for t in tasks] == STEPS
    start = datetime(2026, 12, 10, 2, tzinfo=UTC)  # 10:00 in Ulaanbaatar
    expected_due = [start - timedelta(days=14), start - timedelta(days=7), start - timedelta(days=3),
                    start - timedelta(days=1), start + timedelta(hours=3, days=3)]
    readings = _readers(data)
    for found in readings:
        assert len(found) == 5
        assert [v["summary"] for v in found.values()] == [f"{s} — {TITLE}" for s in STEPS]
        assert [v["due"] for v in found.values()] == expected_due
        assert {v["status"] for v in found.values()} == {"NEEDS-ACTION"}
        assert {v["related"] for v in found.values()} == {event.uid}
        assert {v["sequence"] for v in found.values()} == {0}
    assert readings[0] == readings[1] == readings[2]
    assert set(readings[0]) == {f"task-{t['id']}.{event.uid}" for t in tasks}
    assert _feed_bytes(app, "ub-tasks", stamp=STAMP) == _feed_bytes(app, "ub-tasks", stamp=STAMP)


def test_task_done_changes_only_that_vtodo(app: App) -> None:
    _consultation(app)
    feed_service.add_feed(FeedSpec("ub-tasks", private=True, tasks=True), app=app, now=NOW)
    before = {str(t["UID"]): t.to_ical() for t in _todos(_feed_bytes(app, "ub-tasks"))}
    first = _tasks_of(app)[0]
    done_at = NOW + timedelta(hours=5)
    notify_services.task_done(str(first["id"]), app=app, now=done_at)
    after = {str(t["UID"]): t for t in _todos(_feed_bytes(app, "ub-tasks", now=done_at))}
    changed = [uid for uid in before if after[uid].to_ical() != before[uid]]
    assert len(changed) == 1 and changed[0].startswith(f"task-{first['id']}.")
    todo = after[changed[0]]
    assert str(todo["STATUS"]) == "COMPLETED"
    assert todo.decoded("COMPLETED") == done_at
    assert todo.decoded("LAST-MODIFIED") == done_at
    assert int(todo["SEQUENCE"]) == 1
    # Done twice is no change: same bytes.
    notify_services.task_done(str(first["id"]), app=app, now=done_at + timedelta(hours=1))
    again = {str(t["UID"]): t.to_ical() for t in _todos(_feed_bytes(app, "ub-tasks", now=done_at))}
    assert again == {uid: t.to_ical() for uid, t in after.items()}


def test_moving_the_event_re_times_its_open_tasks(sqlite_app: App) -> None:
    event = _consultation(sqlite_app)
    feed_service.add_feed(FeedSpec("t", private=True, tasks=True), app=sqlite_app, now=NOW)
    first = _tasks_of(sqlite_app)[0]
    notify_services.task_done(str(first["id"]), app=sqlite_app, now=NOW)
    moved = NOW + timedelta(hours=1)
    services.edit_event(event.uid, EventChanges(start="2026-12-11 10:00"), app=sqlite_app, now=moved)
    todos = {str(t["SUMMARY"]).split(" — ")[0]: t for t in _todos(_feed_bytes(sqlite_app, "t", now=moved))}
    assert int(todos[STEPS[0]]["SEQUENCE"]) == 1  # done: not re-timed, not bumped again
    assert todos[STEPS[1]].decoded("DUE") == datetime(2026, 12, 4, 2, tzinfo=UTC)
    assert int(todos[STEPS[1]]["SEQUENCE"]) == 1
    assert todos[STEPS[1]].decoded("LAST-MODIFIED") == moved


# ---- privacy --------------------------------------------------------------------------------------------------

def test_confidential_events_tasks_follow_the_event(app: App) -> None:
    secret = _consultation(app, title="Нууц зөвлөгөөн", visibility="confidential")
    open_event = _consultation(app, title="Нээлттэй зөвлөгөөн", visibility="public")
    feed_service.add_feed(FeedSpec("staff", private=True, tasks=True), app=app, now=NOW)
    feed_service.add_feed(FeedSpec("board", private=True, tasks=True, visibilities=["confidential"]),
                          app=app, now=NOW)
    staff = _feed_bytes(app, "staff")
    assert "Нууц".encode() not in staff and secret.uid.encode() not in staff
    assert {str(t["RELATED-TO"]) for t in _todos(staff)} == {open_event.uid}
    assert {str(t["CLASS"]) for t in _todos(staff)} == {"PUBLIC"}
    board = _feed_bytes(app, "board")
    assert "Нээлттэй".encode() not in board
    assert {str(t["RELATED-TO"]) for t in _todos(board)} == {secret.uid}
    assert {str(t["CLASS"]) for t in _todos(board)} == {"CONFIDENTIAL"}
    assert len(_todos(board)) == 5


def test_busy_feeds_never_carry_tasks(sqlite_app: App) -> None:
    _consultation(sqlite_app)
    with pytest.raises(TasksNeedFullDetail):
        feed_service.add_feed(FeedSpec("busy", private=True, detail="busy", tasks=True), app=sqlite_app,
                              now=NOW)
    assert feed_service.list_feeds(app=sqlite_app) == []
    # Even if one were stored with both (by hand, or by a later change), the renderer leaves tasks out.
    feed_service.add_feed(FeedSpec("busy", private=True, detail="busy"), app=sqlite_app, now=NOW)
    with write_session(sqlite_app.store.engine) as session:
        feeds.find_feed("busy", session=session).tasks = True
    data = _feed_bytes(sqlite_app, "busy")
    assert b"BEGIN:VEVENT" in data and b"VTODO" not in data
    assert "Зөвшилцөх".encode() not in data and b"invitations" not in data


def test_public_feed_with_tasks_is_refused_and_nothing_stored(sqlite_app: App) -> None:
    with pytest.raises(TasksNeedPrivate):
        feed_service.add_feed(FeedSpec("open", tasks=True), app=sqlite_app, now=NOW)
    assert feed_service.list_feeds(app=sqlite_app) == []


def test_cli_tasks_option(sqlite_url: str) -> None:
    refused = run(sqlite_url, "feed", "add", "open", "--tasks")
    assert refused.code == 2
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "--tasks needs --private" in refused.stderr
    assert run(sqlite_url, "feed", "list", "--json").json() == []
    busy = run(sqlite_url, "feed", "add", "b", "--private", "--detail", "busy", "--tasks")
    assert busy.code == 2 and "--detail busy" in busy.stderr
    made = run(sqlite_url, "feed", "add", "ub-tasks", "--private", "--tasks")
    assert made.code == 0, made.stderr
    assert "with tasks" in made.stdout and made.stdout.strip().splitlines()[-1].startswith("http")
    listed = run(sqlite_url, "feed", "list", "--json").json()
    assert [(f["name"], f["tasks"]) for f in listed] == [("ub-tasks", True)]
    assert "  tasks  " in run(sqlite_url, "feed", "list").stdout


def test_fingerprint_follows_tasks(sqlite_app: App) -> None:
    def state() -> tuple[object, ...]:
        with write_session(sqlite_app.store.engine) as session:
            return store_state(session=session)

    event = _consultation(sqlite_app, kind="meeting")
    start = state()
    services.edit_event(event.uid, EventChanges(kind="consultation"), app=sqlite_app, now=NOW)
    assert len(_tasks_of(sqlite_app)) == 5
    edited = state()
    assert edited != start
    notify_services.task_done(str(_tasks_of(sqlite_app)[0]["id"]), app=sqlite_app, now=NOW)
    assert state() != edited  # same instant as the edit: the sequence still moves


def test_cancelling_the_event_cancels_its_vtodos(sqlite_app: App) -> None:
    event = _consultation(sqlite_app)
    feed_service.add_feed(FeedSpec("t", private=True, tasks=True), app=sqlite_app, now=NOW)
    later = NOW + timedelta(hours=2)
    services.cancel_event(event.uid, "Яамны хүсэлтээр", app=sqlite_app, now=later)
    todos = _todos(_feed_bytes(sqlite_app, "t", now=later))
    assert len(todos) == 5
    assert {str(t["STATUS"]) for t in todos} == {"CANCELLED"}
    assert {int(t["SEQUENCE"]) for t in todos} == {1}
    assert {t.decoded("LAST-MODIFIED") for t in todos} == {later}


def test_migration_0006_gives_existing_feeds_and_tasks_defaults(store_url: str) -> None:
    import sqlalchemy as sa

    from calendar_app.db import create_db_engine
    from calendar_app.schema import upgrade

    engine = create_db_engine(store_url)
    upgrade(engine, "0004")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO event (id, uid, title, kind, all_day, start_utc, end_utc, timezone, region, status,"
            " visibility, sequence, search_text, created_at, updated_at) VALUES"
            " (1, 'u-1', 'Зөвшилцөх уулзалт', 'consultation', false, '2026-12-10 02:00:00',"
            " '2026-12-10 05:00:00', 'Asia/Ulaanbaatar', 'ulaanbaatar', 'confirmed', 'internal', 0, '',"
            " '2026-11-20 00:00:00', '2026-11-20 00:00:00')"))
        connection.execute(sa.text(
            "INSERT INTO task (id, event_id, step, title, due_utc, status, created_at) VALUES"
            " (1, 1, 'invitations', 'Send the invitations', '2026-11-26 02:00:00', 'open', '2026-11-20 00:00:00')"))
        connection.execute(sa.text(
            "INSERT INTO feed (id, name, filters, private, detail, cancelled_days, alarms, created_at, updated_at)"
            " VALUES (1, 'staff', '{}', true, 'full', 30, '', '2026-11-20 00:00:00', '2026-11-20 00:00:00')"))
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT tasks FROM feed")).scalar() in (False, 0)
        assert tuple(connection.execute(sa.text("SELECT sequence, updated_at FROM task")).one()) == (0, None)
    app = App.open(Settings(db_url=store_url, default_tz="Asia/Ulaanbaatar"))
    assert [t["title"] for t in _tasks_of(app)] == ["Send the invitations"]
    from exports.todo import feed_tasks

    with read_session(app.store.engine) as session:
        (item,) = feed_tasks([1], session=session)
    assert item.sequence == 0 and item.updated_at == datetime(2026, 11, 20, tzinfo=UTC)  # created_at stands in
