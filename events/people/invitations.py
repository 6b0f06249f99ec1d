"""Invitations of participants as deliveries (issue 12): planned here, sent exactly once by the dispatcher.

Each participant with an address gets, over e-mail:
- `invitation` (rule `invite:<participant id>:<sequence>`) when `event invite` adds them, due
  `INVITATION_LEAD` later: an iMIP REQUEST;
- `invitation_update` (rule `seq:<sequence>`) when a change bumps the event's SEQUENCE after they were sent
  an invitation: a REQUEST with that SEQUENCE (a pending invitation simply goes out with the new one);
- `invitation_cancel` (rule `cancel`) when the event is cancelled, and (rule `removed:<participant id>`) when
  they are taken off the list: an iMIP CANCEL; only to those already sent something;
- `rsvp_nudge` (rule `nudge:<participant id>`) before the answer deadline (`--rsvp-by`), while they have
  not answered or answered tentatively; an answer given after it was planned cancels it.

`sync_invitations` is called from `events.notify.reminders.sync_event` after every change of an event or of
its participants. `plan_invitations` and `uninvite` are the explicit steps of `event invite` / `participant
remove`. Deliveries of these purposes stay out of the reminder reconciliation (their own plan is here).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from events.models import Event, EventStatus
from events.notify.models import Contact, Delivery, DeliveryStatus, Purpose
from events.people.models import Participant, RsvpStatus
from events.people.rsvp import deadline_of

# Invitations are due this long after `event invite`: the dispatcher renders what falls due within the next
# 90 seconds ahead of time (`Dispatcher.prepare`, after every pass), so at the due moment a list of hundreds
# goes out at the pace of the SMTP connection instead of waiting on rendering (~20 ms a message).
INVITATION_LEAD = timedelta(seconds=30)
NUDGE_BEFORE = timedelta(days=2)  # the nudge goes out this long before the deadline (or at once if later)
UNANSWERED = (RsvpStatus.needs_action.value, RsvpStatus.tentative.value)
GONE_OUT = (DeliveryStatus.sent, DeliveryStatus.claimed)
WAITING = (DeliveryStatus.pending, DeliveryStatus.held)


def _delivery(event: Event, contact: Contact, purpose: Purpose, rule_key: str, due: datetime,
              now: datetime) -> Delivery:
    assert event.id is not None and contact.email is not None
    return Delivery(event_id=event.id, contact_id=contact.id, purpose=purpose, rule_key=rule_key, channel="email",
                    address=contact.email, event_start_utc=event.start_utc, due_utc=due, ready_utc=due,
                    created_at=now, updated_at=now)


def _revive(row: Delivery, due: datetime, now: datetime) -> None:
    row.status, row.due_utc, row.ready_utc = DeliveryStatus.pending, due, due
    row.attempts, row.last_error, row.lease_until, row.claimed_by, row.updated_at = 0, None, None, None, now


def _cancel(row: Delivery, why: str, now: datetime, *, session: Session) -> None:
    row.status, row.last_error, row.updated_at = DeliveryStatus.cancelled, why, now
    session.add(row)


def _rows(event_id: int, contact_id: int | None, *, session: Session) -> list[Delivery]:
    query = select(Delivery).where(col(Delivery.event_id) == event_id,
                                   col(Delivery.purpose).in_([p.value for p in (
                                       Purpose.invitation, Purpose.invitation_update, Purpose.invitation_cancel,
                                       Purpose.rsvp_nudge)]))
    if contact_id is not None:
        query = query.where(col(Delivery.contact_id) == contact_id)
    return list(session.exec(query.order_by(col(Delivery.id))).all())


def plan_invitations(event: Event, added: Sequence[Participant], *, session: Session, now: datetime) -> int:
    """One invitation delivery, due `INVITATION_LEAD` from now, per participant added with an address; how
    many were planned."""
    if event.status == EventStatus.cancelled:
        return 0
    planned = 0
    for participant in added:
        contact = session.get(Contact, participant.contact_id) if participant.contact_id else None
        if contact is None or not contact.email:
            continue
        session.add(_delivery(event, contact, Purpose.invitation, f"invite:{participant.id}:{event.sequence}",
                              now + INVITATION_LEAD, now))
        planned += 1
    session.flush()
    return planned


def _told_sequence(rows: Sequence[Delivery]) -> int | None:
    """The highest SEQUENCE sent (or being sent) to one participant, None if nothing went out yet."""
    told = [int(r.rule_key.rsplit(":", 1)[1]) for r in rows if r.status in GONE_OUT
            and r.purpose in (Purpose.invitation, Purpose.invitation_update)]
    return max(told) if told else None


def uninvite(event: Event, participant: Participant, contact: Contact, *, session: Session, now: datetime) -> None:
    """The participant was taken off the list: what was waiting for them is cancelled; if anything went out,
    they are sent a CANCEL."""
    assert event.id is not None
    rows = [r for r in _rows(event.id, contact.id, session=session)]
    mine = [r for r in rows if r.rule_key.startswith((f"invite:{participant.id}:", f"nudge:{participant.id}"))
            or r.purpose == Purpose.invitation_update]
    for row in mine:
        if row.status in WAITING:
            _cancel(row, "participant removed", now, session=session)
    if contact.email and any(r.status in GONE_OUT for r in mine) and event.status != EventStatus.cancelled:
        session.add(_delivery(event, contact, Purpose.invitation_cancel, f"removed:{participant.id}", now, now))
    session.flush()


def sync_invitations(event: Event, *, session: Session, now: datetime) -> None:
    """Updates, cancellations and nudges of the event's participants, in line with the event as it is now."""
    assert event.id is not None
    listed = session.exec(select(Participant, Contact).join(Contact, col(Contact.id) == Participant.contact_id)
                          .where(col(Participant.event_id) == event.id)).all()
    by_contact: dict[int | None, list[Delivery]] = {}
    for row in _rows(event.id, None, session=session):
        by_contact.setdefault(row.contact_id, []).append(row)
    deadline = deadline_of(event.id, session=session)
    for participant, contact in listed:
        rows = [r for r in by_contact.get(contact.id, [])
                if not r.rule_key.startswith(("invite:", "nudge:", "removed:"))
                or r.rule_key.split(":")[1] == str(participant.id)]
        if not contact.email or not any(r.purpose == Purpose.invitation for r in rows):
            continue  # never invited by us (typed in, imported): nothing to update or cancel
        if event.status == EventStatus.cancelled:
            _sync_cancelled(event, contact, rows, session=session, now=now)
        else:
            _sync_updates(event, contact, rows, session=session, now=now)
            _sync_nudge(event, participant, contact, rows, deadline, session=session, now=now)
    session.flush()


def _sync_cancelled(event: Event, contact: Contact, rows: list[Delivery], *, session: Session,
                    now: datetime) -> None:
    for row in rows:
        if row.status in WAITING and row.purpose != Purpose.invitation_cancel:
            _cancel(row, "event cancelled", now, session=session)
    told = any(r.status in GONE_OUT and r.purpose in (Purpose.invitation, Purpose.invitation_update) for r in rows)
    if told and not any(r.purpose == Purpose.invitation_cancel and r.rule_key == "cancel" for r in rows):
        session.add(_delivery(event, contact, Purpose.invitation_cancel, "cancel", now, now))


def _sync_updates(event: Event, contact: Contact, rows: list[Delivery], *, session: Session, now: datetime) -> None:
    sequence = event.sequence
    for row in rows:  # an invitation not sent yet goes out as the event is now: it carries the new SEQUENCE
        if row.purpose == Purpose.invitation and row.status in WAITING:
            row.rule_key = f"{row.rule_key.rsplit(':', 1)[0]}:{sequence}"
            session.add(row)
        if row.purpose == Purpose.invitation_update and row.status in WAITING and row.rule_key != f"seq:{sequence}":
            _cancel(row, "superseded by a later update", now, session=session)
    told = _told_sequence(rows)
    if told is None or told >= sequence:
        return
    if any(r.purpose == Purpose.invitation_update and r.rule_key == f"seq:{sequence}" for r in rows):
        return
    session.add(_delivery(event, contact, Purpose.invitation_update, f"seq:{sequence}", now, now))


def _sync_nudge(event: Event, participant: Participant, contact: Contact, rows: list[Delivery],
                deadline: datetime | None, *, session: Session, now: datetime) -> None:
    key = f"nudge:{participant.id}"
    nudge = next((r for r in rows if r.purpose == Purpose.rsvp_nudge and r.rule_key == key), None)
    wanted = deadline is not None and deadline > now and participant.status in UNANSWERED
    if not wanted or deadline is None:
        if nudge is not None and nudge.status in WAITING:
            _cancel(nudge, "answered" if participant.status not in UNANSWERED else "no deadline", now,
                    session=session)
        return
    due = max(now, deadline - NUDGE_BEFORE)
    if nudge is None:
        session.add(_delivery(event, contact, Purpose.rsvp_nudge, key, due, now))
    elif nudge.status in WAITING and nudge.due_utc != due:
        nudge.due_utc, nudge.ready_utc, nudge.updated_at = due, due, now
        session.add(nudge)
    elif nudge.status == DeliveryStatus.cancelled:
        _revive(nudge, due, now)
        session.add(nudge)
