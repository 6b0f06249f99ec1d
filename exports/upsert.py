"""Writing imported events: upsert by UID (compared exactly), the higher SEQUENCE wins, never a duplicate;
a batch at a time, with a report that accounts for every component of the file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from events.models import Event, EventPartner, search_text_of
from events.services import organisation_ids, programme_id
from exports.import_attendees import store_attendees
from exports.importer import Entry, Incoming

BATCH = 200
STATUSES = ("added", "updated", "unchanged", "skipped", "rejected")


@dataclass
class ImportReport:
    """One entry per component of the file (per occurrence for a flattened series), sorted by line."""

    entries: list[Entry] = field(default_factory=list)

    def uids(self, status: str) -> list[str]:
        return [e.uid or "" for e in self.entries if e.status == status]

    @property
    def added(self) -> list[str]:
        return self.uids("added")

    @property
    def updated(self) -> list[str]:
        return self.uids("updated")

    @property
    def unchanged(self) -> list[str]:
        return self.uids("unchanged")

    @property
    def skipped(self) -> list[tuple[str, str]]:
        return [(e.where, e.reason) for e in self.entries if e.status == "skipped"]

    @property
    def rejected(self) -> list[tuple[str, str]]:
        return [(e.where, e.reason) for e in self.entries if e.status == "rejected"]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for entry in self.entries:
            counts[entry.status] += 1
        return counts

    def as_json(self) -> dict[str, object]:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": [{"where": w, "reason": r} for w, r in self.skipped],
                "rejected": [{"where": w, "reason": r} for w, r in self.rejected],
                "components": [{"status": e.status, "component": e.component, "uid": e.uid, "line": e.line,
                                "reason": e.reason} for e in self.entries]}


def _columns(item: Incoming) -> dict[str, object]:
    return {**item.values, "start_utc": item.span.start_utc, "end_utc": item.span.end_utc,
            "all_day": item.span.all_day, "timezone": item.span.timezone, "sequence": item.sequence,
            "search_text": search_text_of(item.values)}


@dataclass
class Writer:
    """Takes outcomes one by one and writes events a batch at a time in the caller's transaction; after the
    first rejection, unless `skip_bad`, it only counts (the caller refuses the file whole)."""

    session: Session
    now: datetime
    dry_run: bool
    skip_bad: bool
    report: ImportReport = field(default_factory=ImportReport)
    pending: list[Incoming] = field(default_factory=list)
    first_lines: dict[str, int] = field(default_factory=dict)  # UID -> line of the first event stored under it
    refused: bool = False  # a component was rejected and bad ones are not skipped

    def take_all(self, outcomes: Iterable[Incoming | Entry]) -> None:
        for outcome in outcomes:
            self.take(outcome)

    def take(self, outcome: Incoming | Entry) -> None:
        if isinstance(outcome, Entry):
            self.report.entries.append(outcome)
            self.refused = self.refused or (outcome.status == "rejected" and not self.skip_bad)
            return
        first = self.first_lines.get(outcome.uid)
        if first is not None:
            self.take(Entry("rejected", outcome.uid, outcome.line, f"the event {outcome.uid!r} is in this file "
                            f"twice (first at line {first}): UIDs must be unique", outcome.component))
            return
        self.first_lines[outcome.uid] = outcome.line
        self.pending.append(outcome)
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        items, self.pending = self.pending, []
        if not items:
            return
        if self.refused:  # the file is refused whole: no need to look further into the store
            self.report.entries.extend(Entry("skipped", i.uid, i.line, "not imported: the file is refused",
                                             i.component) for i in items)
            return
        uids = [item.uid for item in items]
        stored = {e.uid: e for e in self.session.exec(select(Event).where(col(Event.uid).in_(uids)))}
        written: list[tuple[Event, Incoming, bool]] = []
        for item in items:
            event = stored.get(item.uid)
            if event is not None and event.sequence >= item.sequence:
                self.report.entries.append(Entry("unchanged", item.uid, item.line, item.note, item.component))
                continue
            status = "added" if event is None else "updated"
            self.report.entries.append(Entry(status, item.uid, item.line, item.note, item.component))
            if not self.dry_run:
                written.append((self._store(item, event), item, event is None))
        self.session.flush()
        for event, item, new in written:
            assert event.id is not None
            if not new:
                self.session.execute(delete(EventPartner).where(col(EventPartner.event_id) == event.id))
            for org_id in organisation_ids(item.partners, session=self.session):
                self.session.add(EventPartner(event_id=event.id, organisation_id=org_id))
            if item.attendees:
                store_attendees(event, item.attendees, session=self.session, now=self.now)
        self.session.flush()
        self.session.expunge_all()  # written: the session need not keep them (memory stays flat)

    def _store(self, item: Incoming, event: Event | None) -> Event:
        columns = _columns(item)
        columns["programme_id"] = programme_id(item.programme, session=self.session)
        if event is None:
            event = Event(**columns, uid=item.uid, created_at=self.now, updated_at=self.now)  # type: ignore[arg-type]
        else:
            for name, value in columns.items():
                setattr(event, name, value)
            event.updated_at = self.now
        self.session.add(event)
        return event

    def finish(self) -> ImportReport:
        self.flush()
        self.report.entries.sort(key=lambda e: e.line)
        return self.report
