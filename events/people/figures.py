"""Figures from people: an event whose participants are marked attended counts them (PRODUCT.md section 1).

Where attendance was taken (at least one participant marked attended) the event's actual participants,
women and men are the attended participants (each row is one person, at most once per event: the table
holds a contact once per event, and a forgotten person's row still counts); elsewhere the typed numbers
stay. `participants_source` says which: "list" or "typed".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session

from events.people.models import Participant, Sex
from events.views import EventView

LIST = "list"
TYPED = "typed"


@dataclass(frozen=True)
class Attendance:
    attended: int
    women: int
    men: int

    @property
    def other(self) -> int:
        """Attended, with sex other or not stated."""
        return self.attended - self.women - self.men


def attendance_where(condition: Any, *, session: Session) -> dict[int, Attendance]:
    """The attendance of the events whose participant rows meet `condition` (on `participant.event_id`),
    one grouped query: events without an attended participant are not in it."""
    table = Participant.__table__  # type: ignore[attr-defined]
    stmt = (
        select(table.c.event_id, func.count(),
               func.sum(case((table.c.sex == Sex.woman.value, 1), else_=0)),
               func.sum(case((table.c.sex == Sex.man.value, 1), else_=0)))
        .where(table.c.attended.is_(True), condition)
        .group_by(table.c.event_id)
    )
    return {event_id: Attendance(int(n), int(w or 0), int(m or 0))
            for event_id, n, w, m in session.execute(stmt).all()}


def attendance_of(event_ids: Iterable[int], *, session: Session) -> dict[int, Attendance]:
    """The attendance of these events: one grouped query over the id range they span, kept to the ids asked
    for. Two bound parameters however many events (a list of 4,000 ids cost more to bind than to run), and
    the participant table is read only where it has rows in that range."""
    ids = set(event_ids)
    if not ids:
        return {}
    column = Participant.__table__.c.event_id  # type: ignore[attr-defined]
    found = attendance_where(column.between(min(ids), max(ids)), session=session)
    return {event_id: counted for event_id, counted in found.items() if event_id in ids}


def apply_attendance(views: Iterable[EventView], found: dict[int, Attendance]) -> None:
    """Give the events with a list their figures from it (views are read-only by convention; this is the one
    step that completes them, before anyone reads them)."""
    for view in views:
        counted = found.get(view.id)
        if counted is None:
            continue
        view.participants_actual = counted.attended
        view.participants_women = counted.women
        view.participants_men = counted.men
        view.participants_source = LIST
