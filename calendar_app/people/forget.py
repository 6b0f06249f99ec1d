"""`contact forget ADDRESS`: erase a person in one transaction, then make sure no copy stays on disk.

SQLite keeps deleted rows in free pages and old page images in its write-ahead log until they are
overwritten; after the erasing transaction the file is rewritten (`VACUUM`) and the log emptied
(`wal_checkpoint(TRUNCATE)`), so the address can no longer be read from the files. PostgreSQL reuses the
space of dead rows after its own vacuum; the erased values are no longer reachable through SQL at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, text
from sqlalchemy.engine import Engine
from sqlmodel import col

from calendar_app.app import App
from events.people.forget import forget_contact


def _wipe_sqlite(engine: Engine) -> None:
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("VACUUM")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def forget(ref: str, *, app: App, now: datetime) -> dict[str, Any]:
    """Erase the contact `ref` (address or id), keeping the counts; returns what was erased."""
    from exports.models import RenderedEvent

    sqlite = app.store.engine.dialect.name == "sqlite"
    with app.write() as session:
        if sqlite:  # what this transaction deletes is overwritten with zeros, not left in free pages
            session.execute(text("PRAGMA secure_delete = ON"))
        done = forget_contact(ref, session=session, now=now)
        if done.events:  # cached VEVENTs may carry the person as ATTENDEE or ORGANIZER
            session.execute(delete(RenderedEvent).where(col(RenderedEvent.event_id).in_(done.events)))
    if sqlite:
        _wipe_sqlite(app.store.engine)
    return {"contact_id": done.contact_id, "participant_rows": done.participant_rows,
            "deliveries": done.deliveries, "tasks": done.tasks, "events": done.events}
