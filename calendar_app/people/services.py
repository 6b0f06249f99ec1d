"""Participants of events: one transaction each, returning data (dicts with stable keys), never printing.

`invite` returns the participants it added: the invitations (mail, RSVP links) are sent to exactly those.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from calendar_app.app import App
from calendar_app.history.tracking import participant_state, record_participant
from events.errors import N_, Notice, Words
from events.models import Event
from events.notify.models import Contact
from events.people import services as people
from events.people.models import Participant
from events.people.services import NewPerson, ParticipantChanges
from events.people.sheet import SheetLine, SheetRow, read_sheet, write_sheet
from events.services import find_event
from events.timeparse import zone


def _iso(value: datetime, tz: str) -> str:
    return value.astimezone(zone(tz)).isoformat()


def participant_json(row: Participant, contact: Contact | None, event: Event) -> dict[str, Any]:
    """A participant as `participant list --json` shows it; keys are kept, new ones may be added."""
    return {
        "id": row.id, "event_id": row.event_id, "contact_id": row.contact_id,
        "name": contact.name if contact else None, "email": contact.email if contact else None,
        "organisation": row.organisation, "role": row.role, "status": row.status, "attended": row.attended,
        "sex": row.sex, "language": row.language or (contact.language if contact else None),
        "comment": row.comment, "forgotten": contact is None,
        "created_at": _iso(row.created_at, event.timezone), "updated_at": _iso(row.updated_at, event.timezone),
    }


def _follow(event: Event, *, app: App, session: Session, now: datetime) -> None:
    """Reminders, invitation updates and nudges follow the participants' answers (issue 12)."""
    from events.notify.reminders import sync_event

    sync_event(event, app.kind_defaults(), session=session, now=now, grace=app.settings.reminder_grace)


def invite(event_ref: str, refs: list[str], *, role: str = "required", app: App, now: datetime,
           rsvp_by: str | None = None, send: bool = True) -> list[dict[str, Any]]:
    """Make the contacts `refs` name (ids, addresses, `group:NAME`, `Name <addr>` for new people)
    participants of the event with status needs-action; returns those added (not those already in it).

    With `send` each one added with an address gets an invitation (an iMIP REQUEST with RSVP links), sent
    by the dispatcher; `rsvp_by` (a date or time, in the event's zone) asks for answers by then."""
    from events.people.invitations import plan_invitations

    with app.write() as session:
        event = find_event(event_ref, session=session)
        if rsvp_by is not None:
            set_deadline(event, rsvp_by, app=app, session=session, now=now)
        contacts = people.invitees(refs, event, session=session, now=now)
        added = people.invite(event, contacts, role=role, session=session, now=now)
        for row in added:
            record_participant(row.id, None, row, app=app, session=session, command="event invite", now=now)
        if send:
            plan_invitations(event, added, session=session, now=now)
        _follow(event, app=app, session=session, now=now)
        by_id = {c.id: c for c in contacts}
        return [participant_json(p, by_id.get(p.contact_id), event) for p in added]


def set_deadline(event: Event, text: str, *, app: App, session: Session, now: datetime) -> None:
    """`--rsvp-by`: a date (the end of that day) or a time in the event's zone, before the event starts;
    an empty text removes the deadline."""
    from events.errors import Field
    from events.people.errors import BadDeadline
    from events.people.rsvp import set_deadline as store_deadline
    from events.timeparse import parse_datetime, parse_when

    if not text.strip():
        store_deadline(event, None, session=session)
        return
    tz = zone(event.timezone)
    moment = parse_datetime(text, tz=tz, now=now, what=Field.RSVP_BY).astimezone(UTC)
    if not isinstance(parse_when(text, tz=tz, now=now, what=Field.RSVP_BY), datetime):
        moment += timedelta(days=1, minutes=-1)  # a date: answers are welcome all that day (until 23:59)
    if moment > event.start_utc:
        raise BadDeadline(text, Words(N_("it is after the event starts")))
    store_deadline(event, moment, session=session)


def list_participants(event_ref: str, *, app: App) -> list[dict[str, Any]]:
    with app.read() as session:
        event = find_event(event_ref, session=session)
        assert event.id is not None
        return [participant_json(p, c, event) for p, c in people.participants(event.id, session=session)]


def set_participant(event_ref: str, ref: str, changes: ParticipantChanges, *, app: App, now: datetime
                    ) -> dict[str, Any]:
    with app.write() as session:
        event = find_event(event_ref, session=session)
        before = participant_state(people.find_participant(event, ref, session=session)[0])
        row, contact = people.set_participant(event, ref, changes, session=session, now=now)
        record_participant(row.id, before, row, app=app, session=session, command="participant set", now=now)
        _follow(event, app=app, session=session, now=now)
        return participant_json(row, contact, event)


def remove_participant(event_ref: str, ref: str, *, app: App, now: datetime) -> dict[str, Any]:
    with app.write() as session:
        event = find_event(event_ref, session=session)
        before = participant_state(people.find_participant(event, ref, session=session)[0])
        row, contact = people.remove_participant(event, ref, session=session, now=now)
        record_participant(row.id, before, None, app=app, session=session, command="participant remove", now=now)
        from events.people.invitations import uninvite

        uninvite(event, row, contact, session=session, now=now)
        _follow(event, app=app, session=session, now=now)
        return participant_json(row, contact, event)


def _take_row(event: Event, row: SheetRow, *, app: App, session: Session, now: datetime
              ) -> tuple[Participant, Contact, bool]:
    person = NewPerson(name=row.name, email=row.email, language=row.language)
    contact = people.contact_for(person, session=session, timezone=event.timezone, now=now,
                                 language=event.language)
    existing = people.participant_of(event, contact, session=session)
    before = participant_state(existing)
    participant = existing or people.invite(event, [contact], session=session, now=now)[0]
    # What the sheet leaves empty stays as it is (None: untouched).
    changes = ParticipantChanges(sex=row.sex, organisation=row.organisation, language=row.language,
                                 attended=row.attended is True, absent=row.attended is False)
    people.apply_changes(participant, changes, now=now)
    session.add(participant)
    session.flush()
    record_participant(participant.id, before, participant, app=app, session=session, command="participant import",
                       now=now)
    return participant, contact, existing is None


MAX_SHEET_BYTES = 10_000_000  # a registration sheet of 10,000 rows is well under 2 MB


def import_sheet(event_ref: str, path: str, *, app: App, now: datetime, dry_run: bool = False) -> dict[str, Any]:
    """Take a registration sheet (CSV) into the event's participants, all rows or none: any bad row is
    reported by its line and nothing is written. New addresses become contacts; people already on the list
    are updated with what the sheet gives."""
    from events.people.errors import UnreadableSheet

    source = Path(path).name or path
    try:
        with Path(path).open("rb") as sheet:
            data = sheet.read(MAX_SHEET_BYTES + 1)
        if len(data) > MAX_SHEET_BYTES:
            raise UnreadableSheet(source, Notice(N_("it is larger than {size} MB"), size=MAX_SHEET_BYTES // 1_000_000))
        text = data.decode("utf-8-sig")
    except OSError as error:
        raise UnreadableSheet(source, error.strerror or str(error)) from None
    except UnicodeDecodeError:
        raise UnreadableSheet(source, Words(N_("it is not UTF-8 text"))) from None
    rows = read_sheet(text, source=source)
    with (app.read() if dry_run else app.write()) as session:
        event = find_event(event_ref, session=session)
        added = updated = 0
        taken = []
        for row in rows:
            participant, contact, new = _take_row(event, row, app=app, session=session, now=now)
            added, updated = added + new, updated + (not new)
            taken.append(participant_json(participant, contact, event))
        if dry_run:
            session.rollback()
        else:
            people.touch(event, now, session=session)
        return {"event_id": event.id, "source": source, "added": added, "updated": updated, "dry_run": dry_run,
                "participants": taken}


def export_sheet(event_ref: str, *, app: App, language: str | None = None) -> str:
    """The event's sign-in sheet as CSV, headers in `language` (default: the event's, else English)."""
    from events.drafts import language_of

    with app.read() as session:
        event = find_event(event_ref, session=session)
        assert event.id is not None
        lines = [SheetLine(name=c.name if c else "", email=(c.email or "") if c else "", organisation=p.organisation,
                           sex=p.sex, language=p.language or (c.language if c else None), attended=p.attended,
                           role=p.role, status=p.status)
                 for p, c in people.participants(event.id, session=session) if c is not None]
        chosen = language_of(language) if language else (event.language or "en")
        return write_sheet(lines, language=chosen)
