"""Workflow tasks as VTODO for private feeds: stable UIDs, status, due time, link to the event."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from exports.todo import TaskItem, build_todos

STAMP = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def test_tasks_render_as_vtodo_and_parse_back() -> None:
    tasks = [
        TaskItem(1, "Send the invitations", datetime(2026, 11, 19, 2, tzinfo=UTC), "open", "ev-1@calendar-app",
                 "Зөвшилцөх уулзалт", "oyuna@example.mn"),
        TaskItem(2, "Share the minutes", datetime(2026, 12, 6, 4, tzinfo=UTC), "done", "ev-1@calendar-app",
                 "Зөвшилцөх уулзалт", None, datetime(2026, 12, 5, 9, tzinfo=UTC)),
    ]
    calendar = Calendar()
    calendar.add("prodid", "-//calendar-app//test//EN")
    calendar.add("version", "2.0")
    for todo in build_todos(tasks, stamp=STAMP):
        calendar.add_component(todo)
    first = calendar.to_ical()
    again = Calendar()
    again.add("prodid", "-//calendar-app//test//EN")
    again.add("version", "2.0")
    for todo in build_todos(tasks, stamp=STAMP):
        again.add_component(todo)
    assert again.to_ical() == first  # same input, same bytes
    parsed = Calendar.from_ical(first).walk("VTODO")
    assert [str(t["UID"]) for t in parsed] == ["task-1.ev-1@calendar-app", "task-2.ev-1@calendar-app"]
    assert [str(t["STATUS"]) for t in parsed] == ["NEEDS-ACTION", "COMPLETED"]
    assert parsed[0].decoded("DUE") == datetime(2026, 11, 19, 2, tzinfo=UTC)
    assert str(parsed[0]["RELATED-TO"]) == "ev-1@calendar-app"
    assert str(parsed[0]["DESCRIPTION"]) == "Зөвшилцөх уулзалт"
    assert str(parsed[0]["ATTENDEE"]) == "mailto:oyuna@example.mn"


def test_feed_tasks_come_from_the_store(sqlite_app) -> None:
    from calendar_app.db import read_session
    from calendar_app.notify.services import feed_tasks
    from tests.conftest import NOW
    from tests.reminder_helpers import add_contacts, add_event

    emails = add_contacts(sqlite_app, 1, now=NOW)
    event_id = add_event(sqlite_app, now=NOW, start=datetime(2026, 12, 3, 2, tzinfo=UTC), kind="consultation",
                         notify=emails, organizer=emails[0])
    with read_session(sqlite_app.store.engine) as session:
        items = feed_tasks([event_id], session=session)
    assert items[0].title == "Send the invitations"
    assert len(build_todos(items, stamp=STAMP)) == 5
