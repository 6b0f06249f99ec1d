"""`rsvp import FILE.eml|.ics`: answers sent back by mail clients (iTIP REPLY), one transaction, all or none."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from calendar_app.app import App
from calendar_app.history.tracking import participant_state, record_participant
from calendar_app.people.services import participant_json
from events.models import Event
from events.people import services as people
from events.people.errors import ReplyNotMatched, UnreadableReply
from events.people.services import ParticipantChanges
from exports.rsvp_reply import MAX_REPLY_BYTES, read_reply


def import_reply(path: str, *, app: App, now: datetime) -> dict[str, Any]:
    """Record the PARTSTAT (and COMMENT) of the ATTENDEE of each VEVENT for the event of that UID; a file
    that cannot be read, or an answer for an unknown event or someone not invited, records nothing."""
    source = Path(path).name or path
    try:
        with Path(path).open("rb") as file:
            data = file.read(MAX_REPLY_BYTES + 1)
    except OSError as error:
        raise UnreadableReply(source, error.strerror or str(error)) from None
    replies = read_reply(data, source)
    recorded = []
    with app.write() as session:
        for reply in replies:
            event = session.exec(select(Event).where(col(Event.uid) == reply.uid)).first()
            if event is None:
                raise ReplyNotMatched(source, f"no event has the UID {reply.uid[:80]!r}")
            try:
                before = participant_state(people.find_participant(event, reply.address, session=session)[0])
                row, contact = people.set_participant(
                    event, reply.address, ParticipantChanges(status=reply.status, comment=reply.comment),
                    session=session, now=now)
            except LookupError:
                raise ReplyNotMatched(source, f"{reply.address!r} is not a participant of event {event.id}") from None
            record_participant(row.id, before, row, app=app, session=session, command="rsvp import", now=now)
            from events.notify.reminders import sync_event

            sync_event(event, app.kind_defaults(), session=session, now=now, grace=app.settings.reminder_grace)
            recorded.append(participant_json(row, contact, event))
    return {"source": source, "recorded": recorded}
