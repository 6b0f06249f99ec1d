"""Changing a series the way every calendar does: one occurrence, this and the following ones, or all.

- One occurrence (`--occurrence START`): an override row for it, made on first need; a cancelled one
  stays as a cancelled override so feeds show it cancelled (RFC 5545 RECURRENCE-ID with STATUS:CANCELLED);
  a deleted one becomes an EXDATE.
- This and following (`--from-occurrence START`): the series is split. The old one ends with an UNTIL just
  before START; a new series (a new UID) starts at START with the rest of the rule, the later EXDATEs and
  the later overrides. Changes then apply to the new series.
- All (the default): the series row itself; when its start moves, its EXDATEs and overrides move along.
The caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from events.errors import ContradictoryValues, Field
from events.models import Event, EventPartner
from events.recurrence.errors import NotASeries, UnknownOccurrence
from events.recurrence.expand import Series, as_instant, occurrences
from events.recurrence.rules import (
    WEEKDAYS,
    RuleParts,
    compile_rule,
    dates_text,
    local_start,
    read_dates,
    stamp,
    until_stamp,
)
from events.recurrence.store import with_series_end

# Columns an override or a split-off series copies from its series.
_COPIED = ("title", "kind", "all_day", "timezone", "region", "location", "description", "url", "organizer",
           "programme_id", "language", "participants_expected", "participants_actual", "participants_women",
           "participants_men", "status", "visibility", "campaign_edition_id", "yearly", "search_text",
           "cancel_reason")


@dataclass(frozen=True)
class Scope:
    """Which occurrences a change acts on, as typed: one (`occurrence`), this and following
    (`from_occurrence`), or, with neither, the whole series (or the single event)."""

    occurrence: str | None = None
    from_occurrence: str | None = None

    @property
    def text(self) -> str | None:
        if self.occurrence is not None and self.from_occurrence is not None:
            raise ContradictoryValues(Field.OCCURRENCE, Field.FROM_OCCURRENCE)
        return self.occurrence if self.occurrence is not None else self.from_occurrence

    @property
    def field(self) -> Field:
        return Field.OCCURRENCE if self.occurrence is not None else Field.FROM_OCCURRENCE


WHOLE = Scope()


def resolve_occurrence(master: Event, scope: Scope, *, session: Session, now: datetime) -> datetime:
    """The original start of the occurrence a scope names: a date and time in the series' zone (or with an
    offset); a date alone names the series' one occurrence on that day."""
    from events.timeparse import parse_when

    text = scope.text
    assert text is not None
    tz = _zone(master)
    value = parse_when(text, tz=tz, now=now, what=scope.field)
    if isinstance(value, datetime):
        return occurrence_start(master, value.astimezone(UTC), session=session)
    first = datetime.combine(value, time(), tzinfo=tz).astimezone(UTC)
    last = datetime.combine(value + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
    starts = {o.start_utc for o in occurrences(series_spec(master), first, last) if first <= o.start_utc < last}
    starts |= {o.recurrence_utc for o in overrides_of(master, session=session)
               if o.recurrence_utc is not None and first <= o.start_utc < last}
    if len(starts) != 1:
        raise UnknownOccurrence(master.id, text)
    return starts.pop()


def series_row(event: Event, ref: object) -> Event:
    """The series an occurrence option acts on: the event itself, or the series of an override."""
    if event.recurs:
        return event
    if event.series_id is not None:
        master = _session_of(event).get(Event, event.series_id)
        if master is not None:
            return master
    raise NotASeries(ref)


def _session_of(event: Event) -> Session:
    from sqlalchemy.orm import object_session

    session = object_session(event)
    assert session is not None
    return session  # type: ignore[return-value]


def series_spec(event: Event) -> Series:
    return Series(event.start_utc, event.end_utc, event.all_day, event.timezone, event.rrule, event.rdates,
                  event.exdates)


def occurrence_start(master: Event, when: datetime, *, session: Session) -> datetime:
    """The original start of the occurrence starting at `when` (an override counts by its original start
    and by its new one); `UnknownOccurrence` if the series has none there."""
    override = find_override(master, when, session=session, by_new_start=True)
    if override is not None:
        assert override.recurrence_utc is not None
        return override.recurrence_utc
    found = occurrences(series_spec(master), when, when + timedelta(seconds=1))
    if any(o.start_utc == when for o in found):
        return when
    raise UnknownOccurrence(master.id, when.astimezone(_zone(master)).isoformat(sep=" ", timespec="minutes"))


def _zone(event: Event) -> Any:
    from events.timeparse import zone

    return zone(event.timezone)


def find_override(master: Event, when: datetime, *, session: Session, by_new_start: bool = False) -> Event | None:
    for row in overrides_of(master, session=session):
        if row.recurrence_utc == when or (by_new_start and row.start_utc == when):
            return row
    return None


def overrides_of(master: Event, *, session: Session) -> list[Event]:
    return list(session.execute(select(Event).where(col(Event.series_id) == master.id)).scalars())


def override_for(master: Event, recurrence_utc: datetime, *, session: Session, now: datetime) -> Event:
    """The override row of one occurrence, made from the series when it has none yet."""
    existing = find_override(master, recurrence_utc, session=session)
    if existing is not None:
        return existing
    length = master.end_utc - master.start_utc
    end = next((o.end_utc for o in occurrences(series_spec(master), recurrence_utc,
                                                recurrence_utc + timedelta(seconds=1))
                if o.start_utc == recurrence_utc), recurrence_utc + length)
    override = Event(**{name: getattr(master, name) for name in _COPIED},
                     uid=f"{master.uid}/{stamp(recurrence_utc)}", sequence=master.sequence,
                     start_utc=recurrence_utc, end_utc=end, series_id=master.id, recurrence_utc=recurrence_utc,
                     created_at=now, updated_at=now)
    session.add(override)
    session.flush()
    _copy_partners(master, override, session=session)
    return override


def _copy_partners(source: Event, target: Event, *, session: Session) -> None:
    assert target.id is not None
    for link in session.execute(select(EventPartner).where(col(EventPartner.event_id) == source.id)).scalars():
        session.add(EventPartner(event_id=target.id, organisation_id=link.organisation_id))
    session.flush()


def exclude(master: Event, recurrence_utc: datetime, *, session: Session, now: datetime) -> None:
    """Leave one occurrence out for good (an EXDATE); its override, if any, goes with it."""
    override = find_override(master, recurrence_utc, session=session)
    if override is not None:
        session.delete(override)
    value = recurrence_utc.astimezone(_zone(master)).date() if master.all_day else recurrence_utc
    master.exdates = dates_text([*read_dates(master.exdates), value])
    _refresh(master, now=now)


def _refresh(master: Event, *, now: datetime) -> None:
    values = with_series_end({"rrule": master.rrule, "rdates": master.rdates, "exdates": master.exdates},
                             start_utc=master.start_utc, end_utc=master.end_utc, all_day=master.all_day,
                             timezone=master.timezone)
    for name, value in values.items():
        setattr(master, name, value)
    master.sequence += 1
    master.updated_at = now
    _session_of(master).add(master)
    _session_of(master).flush()


def _before(master: Event, at: datetime) -> int:
    """How many occurrences of the series start before `at` (for a COUNT split)."""
    return len([o for o in occurrences(series_spec(master), master.start_utc, at) if o.start_utc < at])


def end_before(master: Event, at: datetime, *, now: datetime) -> None:
    """End the series with its last occurrence before `at` (an UNTIL, or a smaller COUNT)."""
    tz = _zone(master)
    if master.rrule:
        parts = RuleParts.of(master.rrule)
        if parts.get("COUNT") is not None:
            parts = parts.with_part("COUNT", str(max(_before(master, at), 1)))
        else:
            parts = parts.with_part("UNTIL", until_stamp(_until_before(master, at), all_day=master.all_day, tz=tz))
        master.rrule = parts.text
    rdates = [v for v in read_dates(master.rdates) if as_instant(v, _zone(master)) < at]
    master.rdates = dates_text(rdates)
    _refresh(master, now=now)


def _until_before(master: Event, at: datetime) -> datetime:
    if master.all_day:
        return at - timedelta(days=1)
    return at - timedelta(seconds=1)


def split(master: Event, at: datetime, *, session: Session, now: datetime, new_uid: str) -> Event:
    """This and following: a new series from `at` (the occurrence's original start) on; the old one ends
    before it. Later EXDATEs and overrides move to the new series. Returns the new series."""
    if at == master.start_utc:
        return master
    remaining = _count_from(master, at)
    later_exdates = [v for v in read_dates(master.exdates) if as_instant(v, _zone(master)) >= at]
    later_rdates = [v for v in read_dates(master.rdates) if as_instant(v, _zone(master)) >= at]
    length = master.end_utc - master.start_utc
    rule = master.rrule
    if rule:
        parts = RuleParts.of(rule)
        if remaining is not None:
            parts = parts.with_part("COUNT", str(remaining))
        rule = parts.text
    values = with_series_end({"rrule": rule, "rdates": dates_text(later_rdates),
                              "exdates": dates_text(later_exdates)},
                             start_utc=at, end_utc=at + length, all_day=master.all_day, timezone=master.timezone)
    fresh = Event(**{name: getattr(master, name) for name in _COPIED}, **values, uid=new_uid, sequence=0,
                  start_utc=at, end_utc=at + length, created_at=now, updated_at=now)
    session.add(fresh)
    session.flush()
    _copy_partners(master, fresh, session=session)
    _move_overrides(master, fresh, at, session=session)
    master.exdates = dates_text([v for v in read_dates(master.exdates) if as_instant(v, _zone(master)) < at])
    end_before(master, at, now=now)
    return fresh


def _count_from(master: Event, at: datetime) -> int | None:
    """The COUNT the part from `at` keeps, when the rule has one."""
    if not master.rrule or RuleParts.of(master.rrule).get("COUNT") is None:
        return None
    total = int(RuleParts.of(master.rrule).get("COUNT") or 0)
    return max(total - _before(master, at), 1)


def _move_overrides(master: Event, fresh: Event, at: datetime, *, session: Session) -> None:
    for row in overrides_of(master, session=session):
        if row.recurrence_utc is not None and row.recurrence_utc >= at:
            row.series_id = fresh.id
            row.uid = f"{fresh.uid}/{stamp(row.recurrence_utc)}"
            session.add(row)
    session.flush()


def end_series_from(master: Event, at: datetime, *, session: Session, now: datetime) -> None:
    """This and following, cancelled or deleted: the series ends before `at`, and the overrides from `at` on
    go with the occurrences they changed."""
    drop_overrides_from(master, at, session=session)
    end_before(master, at, now=now)


def drop_overrides_from(master: Event, at: datetime, *, session: Session) -> None:
    """Remove the overrides of occurrences from `at` on (the series is about to end before `at`)."""
    for row in overrides_of(master, session=session):
        if row.recurrence_utc is not None and row.recurrence_utc >= at:
            session.delete(row)
    session.flush()


def set_visibility(master: Event, visibility: str, *, session: Session) -> None:
    for row in overrides_of(master, session=session):
        row.visibility = visibility
        session.add(row)
    session.flush()


def shift_overrides(master: Event, delta: timedelta, *, session: Session) -> None:
    """The series' start moved by `delta` (its EXDATEs and RDATEs moved with it, `events.editing`): its
    overrides' original starts move along, so each still names the occurrence it named."""
    if not delta:
        return
    for row in overrides_of(master, session=session):
        if row.recurrence_utc is not None:
            row.recurrence_utc = row.recurrence_utc + delta
            row.uid = f"{master.uid}/{stamp(row.recurrence_utc)}"
            session.add(row)
    session.flush()


def moved_weekday(rule: str | None, old_start: datetime, new_start: datetime, tz: Any) -> str | None:
    """A weekly rule on one weekday follows its start to another weekday (as calendar apps do)."""
    if not rule:
        return rule
    parts = RuleParts.of(rule)
    days = parts.get("BYDAY")
    old_day = WEEKDAYS[local_start(old_start, tz).weekday()]
    new_day = WEEKDAYS[local_start(new_start, tz).weekday()]
    if parts.get("FREQ") == "WEEKLY" and days == old_day and old_day != new_day:
        return parts.with_part("BYDAY", new_day).text
    return rule


__all__ = ["compile_rule", "end_before", "exclude", "occurrence_start", "override_for", "series_row", "split"]
