"""Writing imported events: upsert by UID, the higher SEQUENCE wins, never a duplicate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from events.models import Event, EventPartner, search_text_of
from events.services import organisation_ids, programme_id
from exports.importer import Incoming


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": [{"where": w, "reason": r} for w, r in self.rejected]}


def _columns(item: Incoming) -> dict[str, object]:
    return {**item.values, "start_utc": item.span.start_utc, "end_utc": item.span.end_utc,
            "all_day": item.span.all_day, "timezone": item.span.timezone, "sequence": item.sequence,
            "search_text": search_text_of(item.values)}


def upsert(items: list[Incoming], report: ImportReport, *, session: Session, now: datetime,
           dry_run: bool) -> ImportReport:
    """Add new UIDs, update stored ones whose SEQUENCE is lower, leave the rest; record each in `report`."""
    for item in items:
        stored = session.exec(select(Event).where(col(Event.uid) == item.uid)).first()
        if stored is not None and stored.sequence >= item.sequence:
            report.unchanged.append(item.uid)
            continue
        (report.added if stored is None else report.updated).append(item.uid)
        if dry_run:
            continue
        columns = _columns(item)
        columns["programme_id"] = programme_id(item.programme, session=session)
        if stored is None:
            stored = Event(**columns, uid=item.uid, created_at=now, updated_at=now)  # type: ignore[arg-type]
        else:
            for name, value in columns.items():
                setattr(stored, name, value)
            stored.updated_at = now
        session.add(stored)
        session.flush()
        assert stored.id is not None
        session.execute(delete(EventPartner).where(col(EventPartner.event_id) == stored.id))
        for org_id in organisation_ids(item.partners, session=session):
            session.add(EventPartner(event_id=stored.id, organisation_id=org_id))
    session.flush()
    return report
