"""Clashes and duplicates: other events at the same time that a coordinator would want to hear of.

An event clashes with another that is not cancelled and overlaps it in time, when the two share a partner,
an organiser or a region; it duplicates one with the same title and the same start. A cancelled event
never clashes. `find_clashes` only reads; whether a clash is a warning or a refusal is the caller's choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from events.errors import N_, InvalidInput, Notice
from events.models import Event, EventPartner, EventStatus, Organisation

# More than this many clashing events are summed up in one line: a busy region would flood the terminal.
MAX_REPORTED = 10


@dataclass(frozen=True)
class Clash:
    """Another event the checked one duplicates or overlaps, and what they share."""

    other_id: int
    other_title: str
    duplicate: bool
    shared: tuple[Notice, ...]  # "partner Ministry of Education", "organiser UNFPA", "region ulaanbaatar"

    def message(self) -> Notice:
        if self.duplicate:
            return Notice(N_("event {id} {title!r} has the same title and start: is this one a duplicate?"),
                          id=self.other_id, title=self.other_title)
        return Notice(N_("overlaps event {id} {title!r} of the same {shared}"), id=self.other_id,
                      title=self.other_title, shared=self.shared)


class ClashRefused(InvalidInput):
    def __init__(self, message: str) -> None:  # a Notice from `clash_messages` is shown translated
        super().__init__(template=N_("{message}; nothing was saved (without {strict} this is only a warning)"),
                         message=message)


def _same_text(a: str | None, b: str | None) -> bool:
    return bool(a and b and a.strip().casefold() == b.strip().casefold())


def _partners(event_ids: list[int], *, session: Session) -> dict[int, set[str]]:
    rows = session.exec(select(EventPartner.event_id, Organisation.name)
                        .join(Organisation, col(Organisation.id) == col(EventPartner.organisation_id))
                        .where(col(EventPartner.event_id).in_(event_ids))).all()
    found: dict[int, set[str]] = {i: set() for i in event_ids}
    for event_id, name in rows:
        found[event_id].add(name)
    return found


def find_clashes(event: Event, *, session: Session) -> list[Clash]:
    """The events `event` duplicates or clashes with, by id."""
    if event.status == EventStatus.cancelled or event.id is None:
        return []
    overlapping = list(session.exec(
        select(Event).where(col(Event.id) != event.id, col(Event.status) != EventStatus.cancelled.value,
                            col(Event.start_utc) < event.end_utc, col(Event.end_utc) > event.start_utc)
        .order_by(col(Event.start_utc), col(Event.id))))
    if not overlapping:
        return []
    partners = _partners([event.id, *(o.id for o in overlapping if o.id is not None)], session=session)
    mine = partners[event.id]
    clashes = []
    for other in overlapping:
        assert other.id is not None
        duplicate = other.start_utc == event.start_utc and _same_text(other.title, event.title)
        shared = [Notice(N_("partner {name}"), name=name) for name in sorted(mine & partners[other.id])]
        if _same_text(other.organizer, event.organizer):
            shared.append(Notice(N_("organiser {name}"), name=other.organizer))
        if other.region is not None and other.region == event.region:
            shared.append(Notice(N_("region {name}"), name=other.region))
        if duplicate or shared:
            clashes.append(Clash(other.id, other.title, duplicate, tuple(shared)))
    return clashes


def clash_messages(clashes: list[Clash]) -> tuple[Notice, ...]:
    """One line per clash, duplicates first; beyond `MAX_REPORTED`, one line counting the rest."""
    ordered = sorted(clashes, key=lambda c: not c.duplicate)
    lines = [c.message() for c in ordered[:MAX_REPORTED]]
    if len(ordered) > MAX_REPORTED:
        lines.append(Notice(N_("and {count} more events overlap it ('event list' with its dates shows them)"),
                            count=len(ordered) - MAX_REPORTED))
    return tuple(lines)


def check_clashes(event: Event, *, session: Session, strict: bool) -> tuple[Notice, ...]:
    """The clash warnings of `event`; with `strict`, the first one as a `ClashRefused` instead."""
    lines = clash_messages(find_clashes(event, session=session))
    if strict and lines:
        raise ClashRefused(lines[0])
    return lines
