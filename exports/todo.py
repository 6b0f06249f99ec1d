"""Workflow tasks as iCalendar `VTODO` components, for private feeds that ask for them (`feed add --tasks`).

`build_todos` is pure: the same tasks and `stamp` give the same bytes. `feed_tasks` reads the tasks of a
feed's events and `todo_chunks` renders them beside the events (exports.cache.iter_feed). A task is shown
only through its event: only the events a feed selects bring their tasks, and a VTODO carries its event's
CLASS, so a confidential event's tasks are exactly as visible as the event. Busy-only feeds carry none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import Session, col

from events.models import Event
from events.notify.models import Task

if TYPE_CHECKING:
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
    sequence: int = 0
    updated_at: datetime | None = None  # the task's last change: LAST-MODIFIED, and DTSTAMP without a stamp
    visibility: str | None = None  # the event's: the VTODO's CLASS


_STATUS = {"open": "NEEDS-ACTION", "done": "COMPLETED", "cancelled": "CANCELLED"}
_CLASS = {"public": "PUBLIC", "internal": "PRIVATE", "confidential": "CONFIDENTIAL"}


def task_uid(task_id: int, event_uid: str) -> str:
    """Stable: the same task keeps its UID in every feed and every render."""
    return f"task-{task_id}.{event_uid}"


def task_summary(task: TaskItem) -> str:
    """The step and the event it prepares: `Send the invitations — Зөвшилцөх уулзалт`."""
    return f"{task.title} — {task.event_title}"


def build_todos(tasks: Iterable[TaskItem], *, stamp: datetime | None = None) -> list[Todo]:
    """One VTODO per task. DTSTAMP is `stamp`, or else the task's last change (so bytes stay the same
    until the task changes); SEQUENCE and LAST-MODIFIED move only when the task does."""
    from icalendar import Todo  # the task query (`feed_tasks`) serves the dispatcher, which renders no VTODO

    todos = []
    for task in tasks:
        todo = Todo()
        todo.add("uid", task_uid(task.id, task.event_uid))
        dtstamp = stamp or task.updated_at or task.due_utc
        todo.add("dtstamp", dtstamp)
        todo.add("summary", task_summary(task))
        todo.add("description", task.event_title)
        todo.add("due", task.due_utc)
        todo.add("status", _STATUS.get(task.status, "NEEDS-ACTION"))
        todo.add("sequence", task.sequence)
        if task.updated_at is not None:
            todo.add("last-modified", task.updated_at)
        if task.visibility:
            todo.add("class", _CLASS.get(task.visibility, "PRIVATE"))
        todo.add("related-to", task.event_uid)
        if task.assignee and "@" in task.assignee:
            todo.add("attendee", f"mailto:{task.assignee}")
        if task.done_at is not None:
            todo.add("completed", task.done_at)
        todos.append(todo)
    return todos


def feed_tasks(event_ids: Sequence[int], *, session: Session) -> list[TaskItem]:
    """The tasks of these events in the events' order, each event's by due time (then id)."""
    if not event_ids:
        return []
    position = {event_id: i for i, event_id in enumerate(event_ids)}
    query = (select(col(Task.id), col(Task.title), col(Task.due_utc), col(Task.status), col(Task.assignee),
                    col(Task.done_at), col(Task.sequence), col(Task.updated_at), col(Task.created_at),
                    col(Task.event_id), col(Event.uid), col(Event.title), col(Event.visibility))
             .join(Event, col(Event.id) == Task.event_id).where(col(Task.event_id).in_(list(event_ids))))
    rows = sorted(session.execute(query).all(), key=lambda r: (position[r[9]], r[2], r[0]))
    return [TaskItem(id=id_, title=title, due_utc=due, status=status, event_uid=uid, event_title=event_title,
                     assignee=assignee, done_at=done_at, sequence=sequence or 0, updated_at=updated or created,
                     visibility=str(visibility))
            for id_, title, due, status, assignee, done_at, sequence, updated, created, _, uid, event_title,
            visibility in rows]


@lru_cache(maxsize=50_000)
def todo_bytes(task: TaskItem, stamp: datetime | None = None) -> bytes:
    """One task's VTODO bytes, kept in memory keyed by everything they show (a `TaskItem` is frozen), so a
    feed rebuilt after an unrelated change renders only the tasks that changed (about 0.5 ms each)."""
    from exports.render import component_bytes

    return component_bytes(build_todos([task], stamp=stamp)[0])


def todo_chunks(event_ids: Sequence[int], *, session: Session, stamp: datetime | None = None,
                batch: int = 2_000) -> Iterator[bytes]:
    """The VTODO bytes of the tasks of `event_ids`, a batch of events at a time."""
    for offset in range(0, len(event_ids), batch):
        yield from (todo_bytes(item, stamp) for item in feed_tasks(event_ids[offset : offset + batch],
                                                                    session=session))
