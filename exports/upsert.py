"""Writing imported events: upsert by UID (compared exactly), the higher SEQUENCE wins, never a duplicate;
a batch at a time, with a report that accounts for every component of the file.

An override (RECURRENCE-ID) is attached to its series by the series' UID: the series of the same file
(written first) or one already in the store. An override whose series is in neither (an orphan: Google
exports one when you were invited to a single occurrence) is imported as a single event under the UID of
that occurrence, and its entry says so; importing the series later attaches it. An override of an event
that does not repeat is skipped with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from events.errors import N_, Notice, joined
from events.models import Event
from exports.components import Unread
from exports.import_attendees import store_attendees
from exports.import_rows import Stored, imported_texts, keep_texts, stored_events, write_events, write_partners
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
    unread: list[Unread] = field(default_factory=list)
    first_lines: dict[str, int] = field(default_factory=dict)  # UID -> line of the first event stored under it
    series_uids: set[str] = field(default_factory=set)  # series taken from this file (for a dry run's overrides)
    refused: bool = False  # a component was rejected and bad ones are not skipped

    def take_all(self, outcomes: Iterable[Incoming | Entry | Unread]) -> None:
        for outcome in outcomes:
            if isinstance(outcome, Unread):
                self.unread.append(outcome)
                if len(self.unread) >= BATCH:
                    self._read()
                continue
            if isinstance(outcome, Incoming):
                self._read()  # the events before it first: the first of two with one UID is the one kept
            self.take(outcome)

    def _read(self) -> None:
        """Take the unread events: one whose text (and options) a stored event was imported from is unchanged
        without parsing it; the others are parsed and taken as they come."""
        unread, self.unread = self.unread, []
        known = {} if self.refused or not unread else imported_texts([u.digest for u in unread],
                                                                    session=self.session)
        for item in unread:
            found = known.get(item.digest)
            if found is None:
                outcome = item.read()
                if isinstance(outcome, Incoming):
                    outcome.digest = item.digest
                self.take(outcome)
            elif self._first(found.uid, item.line, "VEVENT"):
                self.report.entries.append(Entry("unchanged", found.uid, item.line, found.note))

    def _first(self, uid: str, line: int, component: str) -> bool:
        """Whether `uid` comes for the first time in this file (a second one is rejected)."""
        first = self.first_lines.get(uid)
        if first is not None:
            self.take(Entry("rejected", uid, line, f"the event {uid!r} is in this file twice (first at line "
                            f"{first}): UIDs must be unique", component))
            return False
        self.first_lines[uid] = line
        return True

    def take(self, outcome: Incoming | Entry) -> None:
        if isinstance(outcome, Entry):
            self.report.entries.append(outcome)
            self.refused = self.refused or (outcome.status == "rejected" and not self.skip_bad)
            return
        if not self._first(outcome.uid, outcome.line, outcome.component):
            return
        if outcome.recurs:
            self.series_uids.add(outcome.uid)
        self.pending.append(outcome)
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        items, self.pending = self.pending, []
        if not items:
            return
        if self.refused:  # the file is refused whole: no need to look further into the store
            refused = Notice(N_("not imported: the file is refused"))
            self.report.entries.extend(Entry("skipped", i.uid, i.line, refused, i.component) for i in items)
            return
        stored = stored_events([item.uid for item in items], session=self.session)
        singles = [item for item in items if item.series_uid is None]
        ids = self._write([item for item in singles if self._upsert(item, stored.get(item.uid))], stored)
        if not self.dry_run:
            keep_texts([(item, ids.get(item.uid) or stored[item.uid].id) for item in singles if item.digest],
                       session=self.session)
        overrides = [item for item in items if item.series_uid is not None]
        series = self._series_of(overrides)  # after the singles: the series of this batch have their ids
        self._write([item for item in overrides
                     if self._attach(item, series) and self._upsert(item, stored.get(item.uid))], stored)

    def _upsert(self, item: Incoming, event: Stored | None) -> bool:
        """Enter what becomes of `item`; True if it is to be written."""
        moved = event is not None and (event.series_id, event.recurrence_utc) != (
            item.values.get("series_id"), item.values.get("recurrence_utc"))
        if event is not None and event.sequence >= item.sequence and not moved:
            self.report.entries.append(Entry("unchanged", item.uid, item.line, item.note, item.component))
            return False
        status = "added" if event is None else "updated"
        if event is None and item.recurs:
            item.note = joined([item.note, self._flattened(item)])
        self.report.entries.append(Entry(status, item.uid, item.line, item.note, item.component))
        return not self.dry_run

    def _write(self, items: list[Incoming], stored: dict[str, Stored]) -> dict[str, int]:
        ids = write_events(items, session=self.session, now=self.now)
        written = [(item, ids[item.uid], item.uid not in stored) for item in items]
        write_partners(written, session=self.session)
        for item, event_id, _ in written:
            if item.attendees:
                event = self.session.get(Event, event_id)
                assert event is not None
                store_attendees(event, item.attendees, session=self.session, now=self.now)
        self.session.expunge_all()  # the session need not keep what it loaded (memory stays flat)
        return ids

    def _flattened(self, item: Incoming) -> str:
        """A note when an import made before series were kept stored this series one occurrence a row, as
        `UID/20261102T100000` (the local start, no Z): its first occurrence is looked up by that UID (an
        index lookup). Those rows are left alone (reminders and history may hang on them); the note says
        they remain."""
        from events.timeparse import zone

        local = item.span.start_utc.astimezone(zone(item.span.timezone))
        old = f"{item.uid}/{local.strftime('%Y%m%d' if item.span.all_day else '%Y%m%dT%H%M%S')}"
        if self.session.exec(select(Event.id).where(col(Event.uid) == old)).first() is None:
            return ""
        return Notice(N_("occurrences of this series stored one by one by an earlier import ({uid!r}, ...) remain as "
                         "single events: delete them, or they show twice"), uid=old)

    def _series_of(self, overrides: list[Incoming]) -> dict[str, tuple[int | None, bool]]:
        """Series UID -> (its id, whether it repeats), for the series these overrides name."""
        names = {item.series_uid for item in overrides if item.series_uid is not None}
        if not names:
            return {}
        rows = self.session.exec(select(Event.uid, Event.id, Event.recurs).where(col(Event.uid).in_(names)))
        found: dict[str, tuple[int | None, bool]] = {uid: (id_, recurs) for uid, id_, recurs in rows}
        for name in names & self.series_uids:
            found.setdefault(name, (None, True))  # a dry run: the series of this file is not written
        return found

    def _attach(self, item: Incoming, series: dict[str, tuple[int | None, bool]]) -> bool:
        """Point an override at its series; False (and an entry) when it is skipped."""
        assert item.series_uid is not None
        series_id, recurs = series.get(item.series_uid, (None, None))
        if recurs is False:
            self.report.entries.append(Entry(
                "skipped", item.series_uid, item.line, Notice(N_("an override (RECURRENCE-ID) of the stored event "
                "{uid!r}, which does not repeat: nothing to override"), uid=item.series_uid), item.component))
            return False
        if recurs is None:
            item.values.update(series_id=None, recurrence_utc=None)
            item.note = joined([item.note, Notice(N_("an override (RECURRENCE-ID) whose series is neither in this "
                                                     "file nor in the store: imported as a single event; importing "
                                                     "its series attaches it"))])
            return True
        item.values.update(series_id=series_id, recurrence_utc=item.recurrence_utc)
        return True

    def finish(self) -> ImportReport:
        self._read()
        self.flush()
        self.report.entries.sort(key=lambda e: e.line)
        return self.report
