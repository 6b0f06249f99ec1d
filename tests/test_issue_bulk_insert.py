"""events.bulk.insert_events writes its rows by the driver's executemany (issue 14): what it stores reads back
through the models as the checked drafts say, on both backends, and a bad draft still writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from calendar_app.admin import demo_drafts
from calendar_app.app import App
from events.bulk import insert_events
from events.drafts import NewEventDraft, resolve_new
from events.errors import CalendarAppError
from events.models import Event, EventPartner, Organisation, Programme, search_text_of

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
EXTRA = [
    NewEventDraft(title="Сургалт", start="2026-03-29 02:30", end="2026-03-29 04:00", tz="Europe/Berlin",
                  partners=["UNFPA", " UNFPA ", "Партнёр"], programme="GBV prevention", uid="gap@t"),
    NewEventDraft(title="All day", start="2026-04-01", all_day=True, region="chuy", uid="day@t"),
]


def test_rows_read_back_as_the_checked_drafts(app: App) -> None:
    drafts = [*demo_drafts(), *EXTRA]
    with app.write() as session:
        result = insert_events(drafts, session=session, default_tz="Asia/Ulaanbaatar", now=NOW)
    assert result.added == len(drafts)
    with app.read() as session:
        stored = {event.uid: event for event in session.exec(select(Event))}
        partners: dict[int, set[str]] = {}
        for event_id, name in session.exec(select(EventPartner.event_id, Organisation.name).join(
                Organisation, col(Organisation.id) == col(EventPartner.organisation_id))):
            partners.setdefault(event_id, set()).add(name)
        programmes = {p.id: p.name for p in session.exec(select(Programme))}
    for draft in drafts:
        values, span = resolve_new(draft, default_tz="Asia/Ulaanbaatar", now=NOW)
        event = stored[draft.uid or ""]
        assert (event.start_utc, event.end_utc, event.all_day, event.timezone) == (
            span.start_utc, span.end_utc, span.all_day, span.timezone)
        assert {name: getattr(event, name) for name in values} == values
        assert (event.created_at, event.updated_at, event.sequence) == (NOW, NOW, 0)
        assert event.search_text == search_text_of(values)
        assert partners.get(event.id or 0, set()) == {p.strip() for p in draft.partners if p.strip()}
        assert programmes.get(event.programme_id) == (draft.programme.strip() if draft.programme else None)


def test_stored_uids_are_left_and_a_bad_draft_writes_nothing(app: App) -> None:
    with app.write() as session:
        insert_events(EXTRA[:1], session=session, default_tz="UTC", now=NOW)
    with app.write() as session:
        assert insert_events(EXTRA, session=session, default_tz="UTC", now=NOW).added == 1
    bad = NewEventDraft(title="Bad\x07", start="2026-04-02 10:00", uid="bad@t")
    with pytest.raises(CalendarAppError), app.write() as session:
        insert_events([NewEventDraft(title="Fine", start="2026-04-02 09:00", uid="fine@t"), bad],
                      session=session, default_tz="UTC", now=NOW)
    with app.read() as session:
        assert sorted(session.exec(select(Event.uid))) == ["day@t", "gap@t"]
