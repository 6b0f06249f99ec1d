"""Reminders of a repeating event, one occurrence at a time, on a rolling horizon.

A series' deliveries belong to the series row and are keyed by the occurrence's start (`event_start_utc`):
each occurrence is its own meeting. Only the occurrences starting before `now + horizon` are planned, so an
open-ended series never creates unbounded rows; `SeriesPlan.planned_until` records how far, and the
scheduler extends it (`calendar_app.notify.horizon`).

- An override (a moved or changed occurrence, its own row pointing at the series) takes over the waiting
  deliveries of the occurrence it replaces (`adopt`) and re-times them like a moved single event; a
  cancelled override cancels them and tells those already reminded of that occurrence.
- An occurrence that is no longer in the series (an EXDATE, a shortened UNTIL, the series cancelled) loses
  its pending deliveries; those already reminded of it are told it is cancelled, once per occurrence.
- Editing the whole series re-plans its future occurrences: pending deliveries of starts that moved are
  cancelled and new ones planned; deliveries already sent stay.
- Workflow tasks belong to the series, not to each occurrence (see docs/reminders.md): a weekly staff
  meeting gets its "send invitations" task once, due before its first occurrence.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, col, select

from events.models import Event, EventStatus
from events.notify.models import Delivery, DeliveryStatus, Purpose, SeriesPlan
from events.notify.planning import PlannedDelivery, Recipient, ReminderRule, plan_reminders
from events.recurrence.expand import Occurrence, Series, occurrences
from events.recurrence.rules import read_dates
from events.timeparse import zone
from events.views import EventView

WAITING = (DeliveryStatus.pending, DeliveryStatus.held)


def series_of(event: Event) -> Series:
    return Series(event.start_utc, event.end_utc, event.all_day, event.timezone, event.rrule, event.rdates,
                  event.exdates)


def replaced_starts(series_id: int, *, session: Session) -> set[datetime]:
    """The original starts the series' overrides replace."""
    rows = session.exec(select(Event.recurrence_utc).where(col(Event.series_id) == series_id)).all()
    return {start for start in rows if start is not None}


@dataclass(frozen=True)
class Window:
    """The occurrences planned now: those starting in [lower, upper)."""

    lower: datetime
    upper: datetime


def planning_window(event: Event | Series, rules: Sequence[ReminderRule], *, now: datetime, grace: timedelta,
                    horizon: timedelta) -> Window:
    """From the earliest occurrence a rule may still fire for (an `end+3d` rule reaches back past the
    occurrence's end) to `now + horizon`."""
    reach = max([rule.offset for rule in rules if rule.offset > timedelta()], default=timedelta())
    length = event.end_utc - event.start_utc
    return Window(now - grace - reach - length, now + horizon)


def planned_occurrences(event: Event | Series, window: Window, replaced: set[datetime]) -> list[Occurrence]:
    rule = event if isinstance(event, Series) else series_of(event)
    found = occurrences(rule, window.lower, window.upper, replaced)
    return [o for o in found if window.lower <= o.start_utc < window.upper]


def plan_occurrences(found: Iterable[Occurrence], *, recipients: Sequence[Recipient],
                     rules: Sequence[ReminderRule], now: datetime, grace: timedelta) -> list[PlannedDelivery]:
    """Each occurrence's reminders, as if it were a single event (`plan_reminders`)."""
    wanted: list[PlannedDelivery] = []
    for occurrence in found:
        wanted += plan_reminders(start=occurrence.start_utc, end=occurrence.end_utc, recipients=recipients,
                                 rules=rules, now=now, grace=grace)
    return wanted


def record_horizon(event: Event, until: datetime, *, session: Session) -> None:
    assert event.id is not None
    plan = session.get(SeriesPlan, event.id)
    if plan is None:
        session.add(SeriesPlan(event_id=event.id, planned_until=until))
    elif plan.planned_until != until:
        plan.planned_until = until
        session.add(plan)


def occurrence_rows(override: Event, *, session: Session) -> list[Delivery]:
    """The series' deliveries of the occurrence `override` replaces (any status)."""
    return list(session.exec(select(Delivery).where(
        col(Delivery.event_id) == override.series_id,
        col(Delivery.event_start_utc) == override.recurrence_utc)).all())


def adopt(override: Event, rows: Sequence[Delivery], own: Sequence[Delivery], *, now: datetime,
          session: Session) -> None:
    """Move the series' waiting deliveries of the replaced occurrence onto the override, so they follow it
    (re-timed, or cancelled) as a moved single event's do. One whose key the override already holds is
    cancelled instead."""
    assert override.id is not None
    taken = {(d.contact_id, d.purpose, d.rule_key, d.channel, d.event_start_utc) for d in own}
    for row in rows:
        if row.status not in WAITING or row.purpose not in (Purpose.reminder, Purpose.task):
            continue
        key = (row.contact_id, row.purpose, row.rule_key, row.channel, row.event_start_utc)
        if key in taken:
            row.status, row.last_error = DeliveryStatus.cancelled, "occurrence changed: its own row replaces it"
        else:
            row.event_id = override.id
            taken.add(key)
        row.updated_at = now
        session.add(row)
    session.flush()


def cancelled_starts(event: Event) -> Callable[[datetime], bool]:
    """Whether the occurrence that started at a given moment was cancelled: an EXDATE names it, the series
    ended before it, or the whole series is cancelled. (An occurrence the whole series' edit moved is not
    cancelled: those reminded of it are reminded again of its new time, as for a moved single event.)"""
    if event.status == EventStatus.cancelled:
        return lambda start: True
    tz = zone(event.timezone)
    excluded = {value if isinstance(value, datetime) else
                datetime.combine(value, time()).replace(tzinfo=tz).astimezone(UTC)
                for value in read_dates(event.exdates)}
    ended = event.series_end_utc
    return lambda start: start in excluded or (ended is not None and start >= ended)


def tell_cancelled_occurrences(event: Event, existing: Sequence[Delivery], *, replaced: set[datetime],
                               now: datetime, session: Session) -> None:
    """A cancellation notice to each recipient and channel already reminded of a cancelled occurrence still
    ahead (`cancelled_starts`), once per occurrence. An occurrence its override replaced is the override's
    to tell."""
    assert event.id is not None
    cancelled = cancelled_starts(event)
    reminded = {(d.contact_id, d.channel, d.event_start_utc): d for d in existing
                if d.purpose == Purpose.reminder and d.status == DeliveryStatus.sent and d.contact_id
                and d.event_start_utc > now and d.event_start_utc not in replaced and cancelled(d.event_start_utc)}
    told = {(d.contact_id, d.channel, d.event_start_utc) for d in existing if d.purpose == Purpose.cancellation}
    for key, sent in sorted(reminded.items(), key=lambda kv: kv[1].id or 0):
        if key in told:
            continue
        session.add(Delivery(
            event_id=event.id, contact_id=sent.contact_id, purpose=Purpose.cancellation, rule_key="cancel",
            channel=sent.channel, address=sent.address, event_start_utc=key[2], due_utc=now, ready_utc=now,
            created_at=now, updated_at=now))


def is_series_view(view: EventView) -> bool:
    return bool(view.rrule or view.rdates) and view.series_id is None


def occurrence_view(master: EventView, start: datetime, replaced: set[datetime]) -> EventView | None:
    """The series' occurrence starting at `start` as a single event (its own start, end and RECURRENCE-ID,
    no rule), or None when the series no longer has an occurrence there."""
    series = Series(master.start, master.end, master.all_day, master.timezone, master.rrule, master.rdates,
                    master.exdates)
    found = [o for o in occurrences(series, start, start + timedelta(seconds=1), replaced) if o.start_utc == start]
    if not found:
        return None
    return moved_view(master, found[0].start_utc, found[0].end_utc)


def moved_view(master: EventView, start: datetime, end: datetime) -> EventView:
    tz = master.start.tzinfo
    view = copy.copy(master)
    view.start, view.end = start.astimezone(tz), end.astimezone(tz)
    view.recurrence_id, view.series_id = view.start, master.id
    view.rrule, view.rdates, view.exdates, view.series_end = None, None, None, None
    return view
