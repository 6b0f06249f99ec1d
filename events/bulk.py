"""Adding many events in one transaction: the path of `demo load`, benchmarks and imports.

Rows go in with one executemany per table instead of one ORM object per event, so 100,000 events load
in seconds. Events whose uid is already stored are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlmodel import Session

from events.drafts import NewEventDraft, resolve_new
from events.models import Event, EventPartner, Organisation, Programme, search_text_of
from events.names import ids_by_name
from events.services import new_uid

BATCH = 5_000


@dataclass(frozen=True)
class BulkResult:
    added: int
    unchanged: int


def _existing_uids(uids: list[str], *, session: Session) -> set[str]:
    table = Event.__table__  # type: ignore[attr-defined]
    found: set[str] = set()
    for offset in range(0, len(uids), 1000):
        chunk = uids[offset : offset + 1000]
        found.update(session.execute(select(table.c.uid).where(table.c.uid.in_(chunk))).scalars())
    return found


def insert_events(
    drafts: Iterable[NewEventDraft], *, session: Session, default_tz: str, now: datetime
) -> BulkResult:
    """Check every draft first (any bad one raises before a row is written), then insert the new ones."""
    checked = []
    for draft in drafts:
        values, span = resolve_new(draft, default_tz=default_tz, now=now)
        checked.append((draft, values, span, draft.uid or new_uid()))
    existing = _existing_uids([uid for *_, uid in checked], session=session)
    fresh = [item for item in checked if item[3] not in existing]
    orgs = ids_by_name(Organisation, {p.strip() for d, *_ in fresh for p in d.partners if p.strip()},
                        session=session)
    programmes = ids_by_name(Programme, {d.programme.strip() for d, *_ in fresh if d.programme},
                              session=session)
    table = Event.__table__  # type: ignore[attr-defined]
    for offset in range(0, len(fresh), BATCH):
        batch = fresh[offset : offset + BATCH]
        rows = [
            {**values, "uid": uid, "start_utc": span.start_utc, "end_utc": span.end_utc,
             "all_day": span.all_day, "timezone": span.timezone, "sequence": 0, "cancel_reason": None,
             "programme_id": programmes.get(draft.programme.strip()) if draft.programme else None,
             "search_text": search_text_of(values), "created_at": now, "updated_at": now}
            for draft, values, span, uid in batch
        ]
        session.execute(insert(table), rows)
        ids = dict(session.execute(
            select(table.c.uid, table.c.id).where(table.c.uid.in_([uid for *_, uid in batch]))
        ).all())
        links = [
            {"event_id": ids[uid], "organisation_id": orgs[name]}
            for draft, _, _, uid in batch
            for name in dict.fromkeys(p.strip() for p in draft.partners if p.strip())
        ]
        if links:
            session.execute(insert(EventPartner.__table__), links)  # type: ignore[attr-defined]
    return BulkResult(added=len(fresh), unchanged=len(checked) - len(fresh))
