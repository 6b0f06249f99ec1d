"""Helpers of the per-occurrence reminder tests: a weekly series, its overrides, changes to its rule, and
reading its deliveries.

`add_override` writes an override row directly (one changed or cancelled occurrence pointing at its
series), as the `event edit --occurrence` scope does, then plans it as every edit does."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from calendar_app.app import App
from calendar_app.notify.planning import plan_notifications
from events import services
from events.drafts import NewEventDraft
from events.models import Event, EventStatus
from events.notify.models import Delivery, SeriesPlan, Task
from events.recurrence.rules import dates_text
from events.recurrence.store import Repeat, with_series_end


def add_series(app: App, *, now: datetime, start: datetime, notify: list[str], rrule: str = "FREQ=WEEKLY",
               remind: list[str] | None = None, kind: str = "meeting", defaults: bool = False,
               title: str = "Ажилтнуудын долоо хоног бүрийн хурал", organizer: str | None = None) -> int:
    draft = NewEventDraft(title=title, start=start.isoformat(), duration="1h", kind=kind, tz="Asia/Ulaanbaatar",
                          location="Хурлын танхим 2", repeat=Repeat(rrule=rrule), organizer=organizer)
    with app.write() as session:
        event = services.create_event(draft, session=session, default_tz=app.settings.default_tz, now=now)
        plan_notifications(event, notify, remind if remind is not None else ["1d"], None if defaults else False,
                           app=app, session=session, now=now)
        assert event.id is not None and event.recurs
        return event.id


def add_override(app: App, series_id: int, original: datetime, *, now: datetime, start: datetime | None = None,
                 cancelled: bool = False, title: str | None = None, plan: bool = True) -> int:
    """One occurrence changed (moved to `start`, retitled) or cancelled: its own row pointing at the series;
    planned as an edit plans it unless `plan` is false (then the series' next planning brings it in line)."""
    with app.write() as session:
        master = session.get(Event, series_id)
        assert master is not None
        skip = {"id", "uid", "rrule", "rdates", "exdates", "recurs", "series_end_utc", "series_id", "recurrence_utc",
                "created_at", "updated_at", "sequence", "start_utc", "end_utc", "status", "title"}
        values: dict[str, Any] = {k: v for k, v in master.model_dump().items() if k not in skip}
        begin = start or original
        override = Event(**values, uid=f"{master.uid}-{original:%Y%m%dT%H%M%SZ}", title=title or master.title,
                         start_utc=begin, end_utc=begin + (master.end_utc - master.start_utc), series_id=series_id,
                         recurrence_utc=original, status=EventStatus.cancelled if cancelled else master.status,
                         sequence=master.sequence + 1, created_at=now, updated_at=now)
        session.add(override)
        session.flush()
        if plan:
            plan_notifications(override, None, None, None, app=app, session=session, now=now)
        assert override.id is not None
        return override.id


def change_series(app: App, series_id: int, *, now: datetime, rrule: str | None = None,
                  exdates: list[datetime] | None = None) -> None:
    """A new rule (e.g. with UNTIL: the series ends) and/or EXDATEs (cancelled occurrences), then re-planned."""
    with app.write() as session:
        event = session.get(Event, series_id)
        assert event is not None
        values = with_series_end({"rrule": rrule or event.rrule, "rdates": event.rdates,
                                  "exdates": dates_text(exdates) if exdates is not None else event.exdates},
                                 start_utc=event.start_utc, end_utc=event.end_utc, all_day=event.all_day,
                                 timezone=event.timezone)
        for name, value in values.items():
            setattr(event, name, value)
        event.sequence += 1
        event.updated_at = now
        session.add(event)
        session.flush()
        plan_notifications(event, None, None, None, app=app, session=session, now=now)


def deliveries(app: App, *event_ids: int) -> list[Delivery]:
    with app.read() as session:
        rows = session.exec(select(Delivery).where(col(Delivery.event_id).in_(event_ids))
                            .order_by(col(Delivery.id))).all()
        session.expunge_all()
        return list(rows)


def tasks(app: App, event_id: int) -> list[Task]:
    with app.read() as session:
        return list(session.exec(select(Task).where(col(Task.event_id) == event_id)).all())


def planned_until(app: App, event_id: int) -> datetime | None:
    with app.read() as session:
        plan = session.get(SeriesPlan, event_id)
        return plan.planned_until if plan else None


def weekly(first: datetime, count: int) -> list[datetime]:
    return [first + timedelta(weeks=i) for i in range(count)]
