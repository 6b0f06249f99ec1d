"""Workflow tasks as iCalendar `VTODO` components, for private feeds that ask for them.

Pure: the caller hands in the tasks and `stamp`; the same input gives the same bytes. The feed renderer adds
these components beside its events (`calendar.add_component(todo)`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from icalendar import Todo


@dataclass(frozen=True)
class TaskItem:
    """What a feed shows of a task; `event_uid` links it to its event (RELATED-TO)."""

    id: int
    title: str
    due_utc: datetime
    status: str  # open, done, cancelled
    event_uid: str
    event_title: str
    assignee: str | None = None
    done_at: datetime | None = None


_STATUS = {"open": "NEEDS-ACTION", "done": "COMPLETED", "cancelled": "CANCELLED"}


def task_uid(task_id: int, event_uid: str) -> str:
    """Stable: the same task keeps its UID in every feed and every render."""
    return f"task-{task_id}.{event_uid}"


def build_todos(tasks: Iterable[TaskItem], *, stamp: datetime) -> list[Todo]:
    todos = []
    for task in tasks:
        todo = Todo()
        todo.add("uid", task_uid(task.id, task.event_uid))
        todo.add("dtstamp", stamp)
        todo.add("summary", task.title)
        todo.add("description", task.event_title)
        todo.add("due", task.due_utc)
        todo.add("status", _STATUS.get(task.status, "NEEDS-ACTION"))
        todo.add("related-to", task.event_uid)
        if task.assignee and "@" in task.assignee:
            todo.add("attendee", f"mailto:{task.assignee}")
        if task.done_at is not None:
            todo.add("completed", task.done_at)
        todos.append(todo)
    return todos
