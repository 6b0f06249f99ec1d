"""Add, change, cancel and delete events. Every function takes the session keyword-only and `now` as an
aware datetime; the caller owns the transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from events.bounds import MAX_TEXT, as_id, check_optional_text
from events.drafts import BUILT_IN_KINDS, EventChanges, NewEventDraft, resolve_new
from events.editing import SIGNIFICANT, changes_with_notes
from events.errors import EventNotFound, Field
from events.models import Event, EventPartner, EventStatus, Organisation, Programme, search_text_of
from events.names import ids_by_name
from events.recurrence import scopes
from events.recurrence.scopes import WHOLE, Scope


def new_uid() -> str:
    return f"{uuid.uuid4()}@calendar-app"


def find_event(ref: str | int, *, session: Session) -> Event:
    """The event with this numeric id or this uid; `EventNotFound` otherwise."""
    text = str(ref).strip()
    number = as_id(text)  # a number beyond the id range is no id: not found
    event = session.get(Event, number) if number is not None else None
    if event is None:
        event = session.exec(select(Event).where(col(Event.uid) == text)).first()
    if event is None:
        raise EventNotFound(ref)
    return event


def organisation_ids(names: Iterable[str], *, session: Session) -> list[int]:
    """Ids of the named organisations, creating those not known yet; order kept, repeats dropped."""
    ordered = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    known = ids_by_name(Organisation, ordered, session=session)
    return [known[name] for name in ordered]


def programme_id(name: str | None, *, session: Session) -> int | None:
    if name is None or not name.strip():
        return None
    return ids_by_name(Programme, [name], session=session)[name.strip()]


def _set_partners(event_id: int, names: Iterable[str], *, session: Session) -> None:
    session.execute(delete(EventPartner).where(col(EventPartner.event_id) == event_id))
    for org_id in organisation_ids(names, session=session):
        session.add(EventPartner(event_id=event_id, organisation_id=org_id))


def create_event(draft: NewEventDraft, *, session: Session, default_tz: str, now: datetime,
                 kinds: Sequence[str] = BUILT_IN_KINDS) -> Event:
    """Store a new event; `kinds` are the kinds it may have (the built-in ones unless told)."""
    return create_event_noted(draft, session=session, default_tz=default_tz, now=now, kinds=kinds)[0]


def create_event_noted(draft: NewEventDraft, *, session: Session, default_tz: str, now: datetime,
                       kinds: Sequence[str] = BUILT_IN_KINDS) -> tuple[Event, tuple[str, ...]]:
    """`create_event`, and the notes on how its times were read (a daylight-saving gap or repeat)."""
    values, span = resolve_new(draft, default_tz=default_tz, now=now, kinds=kinds)
    event = Event(
        **values,
        start_utc=span.start_utc,
        end_utc=span.end_utc,
        all_day=span.all_day,
        timezone=span.timezone,
        programme_id=programme_id(draft.programme, session=session),
        uid=draft.uid or new_uid(),
        search_text=search_text_of(values),
        created_at=now,
        updated_at=now,
    )
    session.add(event)
    session.flush()
    assert event.id is not None
    _set_partners(event.id, draft.partners, session=session)
    return event, span.notes


def edit_event(ref: str | int, changes: EventChanges, *, session: Session, now: datetime,
               kinds: Sequence[str] = BUILT_IN_KINDS) -> Event:
    """Apply `changes`; a new start alone keeps the duration. Returns the event, changed or not."""
    return edit_event_noted(ref, changes, session=session, now=now, kinds=kinds)[0]


def scoped_event(ref: str | int, scope: Scope, *, session: Session, now: datetime) -> Event:
    """The row a scoped change acts on: the event itself (or the whole series), the override of one
    occurrence (made on first need), or, for this-and-following, the new series split off at it."""
    if scope.text is None:
        return find_event(ref, session=session)
    master, original = _series_and_occurrence(ref, scope, session=session, now=now)
    if scope.occurrence is not None:
        return scopes.override_for(master, original, session=session, now=now)
    return scopes.split(master, original, session=session, now=now, new_uid=new_uid())


def edit_event_noted(ref: str | int, changes: EventChanges, *, session: Session, now: datetime,
                     kinds: Sequence[str] = BUILT_IN_KINDS,
                     scope: Scope = WHOLE) -> tuple[Event, tuple[str, ...]]:
    """`edit_event`, and the notes on how its new times were read (a daylight-saving gap or repeat).
    `scope` picks one occurrence or this-and-following of a series (events.recurrence.scopes)."""
    event = scoped_event(ref, scope, session=session, now=now)
    old_start = event.start_utc
    changed, notes = changes_with_notes(event, changes, now=now, kinds=kinds)
    if changes.programme is not None:
        new_programme = programme_id(changes.programme, session=session)
        if new_programme != event.programme_id:
            changed["programme_id"] = new_programme
    partners_changed = changes.partners is not None
    if changed or partners_changed:
        for name, value in changed.items():
            setattr(event, name, value)
        if SIGNIFICANT & changed.keys():
            event.sequence += 1
        event.search_text = search_text_of(event.model_dump())
        event.updated_at = now
    if partners_changed:
        assert event.id is not None and changes.partners is not None
        _set_partners(event.id, changes.partners, session=session)
    if event.recurs:
        scopes.shift_overrides(event, event.start_utc - old_start, session=session)
        if "visibility" in changed:  # who may see a series decides for its changed occurrences too
            scopes.set_visibility(event, event.visibility, session=session)
    session.add(event)
    session.flush()
    return event, notes


def cancel_event(ref: str | int, reason: str | None, *, session: Session, now: datetime,
                 scope: Scope = WHOLE) -> Event:
    """Mark the event cancelled (it stays stored, and feeds show the cancellation). One occurrence becomes
    a cancelled override; this-and-following ends the series before it; a whole series cancels its
    overrides too. Returns the row that changed."""
    if scope.from_occurrence is not None:
        master, at = _series_and_occurrence(ref, scope, session=session, now=now)
        scopes.end_series_from(master, at, session=session, now=now)
        return master
    event = scoped_event(ref, scope, session=session, now=now)
    if event.recurs:
        for override in scopes.overrides_of(event, session=session):
            _cancel(override, reason, now=now, session=session)
    return _cancel(event, reason, now=now, session=session)


def _series_and_occurrence(ref: str | int, scope: Scope, *, session: Session,
                           now: datetime) -> tuple[Event, datetime]:
    """The series a scope acts on and the original start of the occurrence it names."""
    master = scopes.series_row(find_event(ref, session=session), ref)
    return master, scopes.resolve_occurrence(master, scope, session=session, now=now)


def _cancel(event: Event, reason: str | None, *, now: datetime, session: Session) -> Event:
    if event.status != EventStatus.cancelled:
        event.status = EventStatus.cancelled
        event.sequence += 1
    check_optional_text(reason, Field.REASON, limit=MAX_TEXT, lines=True)
    event.cancel_reason = (reason or "").strip() or event.cancel_reason
    event.updated_at = now
    session.add(event)
    session.flush()
    return event


def delete_event(ref: str | int, *, session: Session, now: datetime | None = None, scope: Scope = WHOLE) -> Event:
    """Remove the event and its partner links for good (a series with its overrides); returns the removed
    record. One occurrence becomes an EXDATE; this-and-following ends the series before it."""
    if scope.text is not None:
        assert now is not None
        master, at = _series_and_occurrence(ref, scope, session=session, now=now)
        if scope.occurrence is not None:
            scopes.exclude(master, at, session=session, now=now)
        else:
            scopes.end_series_from(master, at, session=session, now=now)
        return master
    event = find_event(ref, session=session)
    for override in scopes.overrides_of(event, session=session):
        session.delete(override)
    session.delete(event)
    session.flush()
    return event
