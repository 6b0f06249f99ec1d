"""Series for the feed tests: stored through the services (`event add --repeat/--rrule/--exdate`), and
overrides as the edit scopes store them: an event row pointing at its series (`series_id`) with the start it
replaces (`recurrence_utc`), its own unique uid, and a SEQUENCE no lower than the series' when made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update

from calendar_app import services
from calendar_app.app import App
from events.drafts import NewEventDraft
from events.models import Event
from events.recurrence.store import Repeat
from events.timeparse import zone
from tests.conftest import NOW

BERLIN = "Europe/Berlin"
UB = "Asia/Ulaanbaatar"
STAFF = "Ажлын долоо хоногийн хурал"  # weekly staff meeting
REPORT = "Сарын тайлан"  # last day of the month report, all day
BOARD = "Удирдах зөвлөлийн хурал"  # the board: confidential
LAUNCH = "Төслийн нээлт"  # a single event
CLINIC = "Хуулийн зөвлөгөө"  # legal clinic: RDATEs only
# The window the list and the clients' expansion are compared over: it crosses Berlin's DST end (25 Oct).
WINDOW = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))


def add_series(app: App, title: str, start: str, *, repeat: Repeat, tz: str = UB, duration: str = "1h",
               all_day: bool = False, visibility: str = "public", now: datetime = NOW) -> int:
    draft = NewEventDraft(title=title, start=start, duration=None if all_day else duration, all_day=all_day, tz=tz,
                          visibility=visibility, repeat=repeat, language="mn", default_reminders=False)
    event_id = services.add_event(draft, app=app, now=now).view.id
    assert event_id is not None
    return event_id


def add_override(app: App, series_id: int, original: str, *, start: str | None = None, title: str | None = None,
                 cancelled: bool = False, visibility: str | None = None, now: datetime = NOW) -> int:
    """An override of the occurrence starting at `original` (wall clock in the series' zone)."""
    series = services.show_event(str(series_id), app=app)
    tz = zone(series.timezone)
    first = datetime.fromisoformat(original).replace(tzinfo=tz)
    minutes = int((series.end - series.start).total_seconds()) // 60
    draft = NewEventDraft(title=title or series.title, start=start or original, all_day=series.all_day,
                          duration=None if series.all_day else f"{minutes}m",
                          tz=series.timezone, visibility=visibility or series.visibility, language=series.language,
                          default_reminders=False)
    outcome = services.add_event(draft, app=app, now=now)
    if cancelled:
        services.cancel_event(str(outcome.view.id), None, app=app, now=now)
    table = Event.__table__  # type: ignore[attr-defined]
    with app.store.engine.begin() as connection:
        sequence = connection.execute(select(table.c.sequence).where(table.c.id == series_id)).scalar_one()
        connection.execute(update(table).where(table.c.id == outcome.view.id).values(
            series_id=series_id, recurrence_utc=first.astimezone(UTC),
            sequence=max(sequence, outcome.view.sequence + int(cancelled))))
    return outcome.view.id


@dataclass(frozen=True)
class Stored:
    staff: int
    report: int
    board: int
    clinic: int
    launch: int
    moved: int
    cancelled: int
    moved_away: int
    board_override: int


def store_series(app: App) -> Stored:
    """A weekly Berlin meeting across the DST end with an EXDATE, a moved, a cancelled and a far-moved
    occurrence; an all-day monthly series on the last day; a confidential series with an override; an
    RDATE-only series; and one single event."""
    staff = add_series(app, STAFF, "2026-10-05 10:00", tz=BERLIN,
                       repeat=Repeat(freq="weekly", on=["MO"], exdates=["2026-10-19 10:00"]))
    moved = add_override(app, staff, "2026-10-26T10:00", start="2026-10-27 14:00", title=STAFF + " (мягмар)")
    cancelled = add_override(app, staff, "2026-11-02T10:00", cancelled=True)
    moved_away = add_override(app, staff, "2026-11-09T10:00", start="2027-01-15 09:00")
    report = add_series(app, REPORT, "2026-09-30", all_day=True,
                        repeat=Repeat(rrule="FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=12", exdates=["2026-10-31"]))
    board = add_series(app, BOARD, "2026-10-06 15:00", visibility="confidential",
                       repeat=Repeat(freq="weekly", on=["TU"], until="2026-12-31"))
    board_override = add_override(app, board, "2026-10-13T15:00", start="2026-10-14 15:00")
    clinic = add_series(app, CLINIC, "2026-10-03 09:00", repeat=Repeat(rdates=["2026-10-17 09:00", "2026-11-07 11:00"]))
    launch = services.add_event(NewEventDraft(title=LAUNCH, start="2026-11-12 10:00", duration="2h", tz=UB,
                                              visibility="public", language="mn"), app=app, now=NOW).view.id
    return Stored(staff, report, board, clinic, launch, moved, cancelled, moved_away, board_override)
