"""Reminders per occurrence of a repeating event (issue 11): planned on a rolling horizon, extended exactly
once, and the scope rules: one occurrence moved or cancelled touches only its deliveries, the series ended
cancels the later ones, the whole series edited re-plans the future. Real SMTP sink, injected clock, both
databases."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from calendar_app.app import App
from calendar_app.config import InvalidSetting, load_settings
from calendar_app.db import create_db_engine
from calendar_app.notify.channels import SMTPChannel, parse_smtp_url
from calendar_app.notify.horizon import extend_horizons
from calendar_app.schema import upgrade
from calendar_app.services import edit_event, show_event
from events.drafts import EventChanges
from events.errors import InvalidDuration
from events.notify.models import DeliveryStatus
from tests.reminder_helpers import add_contacts, make_dispatcher
from tests.series_helpers import (
    add_override,
    add_series,
    change_series,
    deliveries,
    planned_until,
    tasks,
    weekly,
)
from tests.smtp_sink import smtp_sink

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # a Monday, 11:00 in Ulaanbaatar
FIRST = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # every Monday 10:00 Ulaanbaatar, open-ended
DAY = timedelta(days=1)
HORIZON = timedelta(days=60)  # the default
WITHIN = weekly(FIRST, 8)  # the occurrences starting before NOW + 60 days (the last: 18 January)


def _starts(rows: list, status: str = DeliveryStatus.pending) -> Counter[datetime]:
    return Counter(d.event_start_utc for d in rows if d.status == status and d.purpose == "reminder")


def _snapshot(rows: list) -> dict[int, tuple]:
    return {d.id: (d.event_id, d.status, d.due_utc, d.event_start_utc) for d in rows}


def _send(app: App, at: datetime) -> tuple:
    with smtp_sink() as (sink, port):
        dispatcher = make_dispatcher(app.settings.db_url, SMTPChannel(parse_smtp_url(f"smtp://127.0.0.1:{port}")))
        report = dispatcher.run_pass(lambda: at)
    return report, sink.mails


def _invite(mail: EmailMessage) -> Calendar:
    part = next(p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content())


def test_a_series_plans_only_the_occurrences_within_the_horizon(app: App) -> None:
    emails = add_contacts(app, 4, now=NOW)
    series_id = add_series(app, now=NOW, start=FIRST, notify=emails)
    rows = deliveries(app, series_id)
    assert _starts(rows) == Counter({start: 4 for start in WITHIN})  # an open-ended rule: 32 rows, not more
    assert all(d.due_utc == d.event_start_utc - DAY for d in rows)
    assert planned_until(app, series_id) == NOW + HORIZON
    assert max(d.event_start_utc for d in rows) < NOW + HORIZON


def test_the_horizon_is_extended_exactly_once_across_two_runs_and_two_workers(app: App) -> None:
    emails = add_contacts(app, 4, now=NOW)
    series_id = add_series(app, now=NOW, start=FIRST, notify=emails)
    later = NOW + 10 * DAY  # the horizon now reaches 1 February 03:00: two more Mondays
    assert extend_horizons(app=app, now=later) == 1
    first_run = _snapshot(deliveries(app, series_id))
    assert _starts(deliveries(app, series_id)) == Counter({start: 4 for start in weekly(FIRST, 10)})
    assert extend_horizons(app=app, now=later) == 0  # nothing due: the plan reaches far enough
    assert extend_horizons(app=app, now=later + timedelta(hours=5)) == 0  # re-planned at most daily
    assert _snapshot(deliveries(app, series_id)) == first_run

    # Two dispatchers wake at the same moment, each on its own engine: one plans, the other finds it done.
    other = App.open(app.settings)
    done: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(which: App) -> None:
        barrier.wait()
        try:
            done.append(extend_horizons(app=which, now=NOW + 20 * DAY))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(a,)) for a in (app, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert errors == []
    assert sorted(done) == [0, 1]
    rows = deliveries(app, series_id)
    keys = Counter((d.contact_id, d.purpose, d.rule_key, d.channel, d.event_start_utc) for d in rows)
    assert max(keys.values()) == 1
    assert _starts(rows) == Counter({start: 4 for start in weekly(FIRST, 11)})  # up to 8 February
    assert planned_until(app, series_id) == NOW + 20 * DAY + HORIZON


def test_a_moved_occurrence_re_times_only_its_deliveries(app: App) -> None:
    emails = add_contacts(app, 4, now=NOW)
    series_id = add_series(app, now=NOW, start=FIRST, notify=emails)
    before = _snapshot(deliveries(app, series_id))
    third = WITHIN[2]
    override_id = add_override(app, series_id, third, now=NOW, start=third + DAY, title="Хурал (мягмар гарагт)")
    moved = deliveries(app, override_id)
    assert len(moved) == 4 and all(d.status == DeliveryStatus.pending for d in moved)
    assert {d.id for d in moved} == {i for i, (_, _, _, start) in before.items() if start == third}  # the same rows
    assert all(d.event_start_utc == third + DAY and d.due_utc == third for d in moved)  # re-timed
    untouched = {i: v for i, v in before.items() if v[3] != third}
    assert _snapshot(deliveries(app, series_id)) == untouched
    # Extending the horizon later plans nothing again for the replaced start.
    extend_horizons(app=app, now=NOW + 10 * DAY)
    assert third not in _starts(deliveries(app, series_id))


def test_planning_the_series_brings_a_new_override_in_line(app: App) -> None:
    """Whichever row is planned after an occurrence changed, the series or the override, the result is the
    same: the occurrence's deliveries follow the override, nothing is planned twice."""
    emails = add_contacts(app, 2, now=NOW)
    series_id = add_series(app, now=NOW, start=FIRST, notify=emails)
    fourth = WITHIN[3]
    ids = {d.id for d in deliveries(app, series_id) if d.event_start_utc == fourth}
    override_id = add_override(app, series_id, fourth, now=NOW, start=fourth + timedelta(hours=3), plan=False)
    change_series(app, series_id, now=NOW)  # re-planned, nothing changed but the override
    moved = deliveries(app, override_id)
    assert {d.id for d in moved} == ids and {d.status for d in moved} == {DeliveryStatus.pending}
    assert {d.event_start_utc for d in moved} == {fourth + timedelta(hours=3)}
    assert fourth not in _starts(deliveries(app, series_id), DeliveryStatus.pending)
    assert fourth not in _starts(deliveries(app, series_id), DeliveryStatus.cancelled)


def test_a_cancelled_occurrence_cancels_only_its_deliveries_and_tells_only_those_reminded(app: App) -> None:
    emails = add_contacts(app, 4, now=NOW)
    series_id = add_series(app, now=NOW, start=FIRST, notify=emails)
    second, third = WITHIN[1], WITHIN[2]
    report, mails = _send(app, second - DAY)  # the second Monday's reminders go out
    assert report.sent == 4 and report.skipped == 4  # the first Monday's: their meeting already began
    at = second - DAY + timedelta(hours=1)
    before = _snapshot(deliveries(app, series_id))
    change_series(app, series_id, now=at, exdates=[second])  # cancelled: an EXDATE
    override_id = add_override(app, series_id, third, now=at, cancelled=True)  # cancelled: an override
    rows = deliveries(app, series_id)
    notices = [d for d in rows if d.purpose == "cancellation"]
    assert sorted(d.address for d in notices) == sorted(emails)
    assert {d.event_start_utc for d in notices} == {second}
    assert [d.status for d in deliveries(app, override_id)] == [DeliveryStatus.cancelled] * 4
    assert not [d for d in deliveries(app, override_id) if d.purpose == "cancellation"]  # nobody reminded yet
    later = {i: v for i, v in before.items() if v[3] > third}
    assert {i: v for i, v in _snapshot(rows).items() if i in later} == later  # the other Mondays untouched
    assert _starts(rows, DeliveryStatus.sent) == Counter({second: 4})  # what was sent stays sent

    report, mails = _send(app, at)
    assert report.sent == 4 and len(mails) == 4
    uid = show_event(str(series_id), app=app).uid
    for mail in mails:
        assert str(mail["Subject"]).split(":")[0] in ("Цуцлагдсан", "Жокко чыгарылды", "Отменено", "Cancelled")
        vevent = _invite(mail).walk("VEVENT")[0]
        assert str(vevent["UID"]) == uid
        assert vevent.decoded("RECURRENCE-ID") == second and vevent.decoded("DTSTART") == second
        assert str(vevent["STATUS"]) == "CANCELLED" and "RRULE" not in vevent
    english = next(m for m in mails if str(m["Content-Language"]) == "en")
    assert "December 7, 2026" in english.get_body(("plain",)).get_content()


def test_each_occurrence_is_its_own_meeting_for_the_mail_and_the_started_rule(app: App) -> None:
    emails = add_contacts(app, 4, now=NOW)
    series_id = add_series(app, now=NOW, start=FIRST, notify=emails)
    second = WITHIN[1]
    # A dispatcher that was away a week: the first Monday's reminders are skipped (their meeting began), the
    # second's go out on time, and the mail names the second Monday, not the series' first.
    report, mails = _send(app, second - DAY)
    assert (report.sent, report.skipped) == (4, 4)
    english = next(m for m in mails if str(m["Content-Language"]) == "en")
    text = english.get_body(("plain",)).get_content()
    assert "December 7, 2026" in text and "November 30" not in text
    vevent = _invite(english).walk("VEVENT")[0]
    assert vevent.decoded("DTSTART") == second and vevent.decoded("RECURRENCE-ID") == second
    assert vevent.decoded("DTEND") == second + timedelta(hours=1)
    rows = deliveries(app, series_id)
    assert _starts(rows, DeliveryStatus.skipped) == Counter({FIRST: 4})
    assert _starts(rows, DeliveryStatus.sent) == Counter({second: 4})
    # Grace holds per occurrence too: seven hours after the third Monday's reminders fell due, they are stale.
    report, _ = _send(app, WITHIN[2] - DAY + timedelta(hours=7))
    assert (report.sent, report.skipped) == (0, 4)


def test_an_occurrence_gone_without_a_re_plan_is_not_reminded(app: App) -> None:
    """Another process excluded the occurrence and the dispatcher claims its delivery anyway: the series
    no longer has that occurrence, so the reminder is cancelled, not sent."""
    emails = add_contacts(app, 1, now=NOW)
    series_id = add_series(app, now=NOW, start=FIRST, notify=emails)
    with app.store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE event SET exdates = :x WHERE id = :i"), {"x": "20261130T020000Z", "i": series_id})
    report, mails = _send(app, FIRST - DAY)
    assert (report.sent, report.cancelled, mails) == (0, 1, [])


def test_the_series_ended_cancels_the_later_deliveries_only(app: App) -> None:
    emails = add_contacts(app, 4, now=NOW)
    series_id = add_series(app, now=NOW, start=FIRST, notify=emails)
    report, _ = _send(app, FIRST - DAY)
    assert report.sent == 4
    at = FIRST - DAY + timedelta(hours=1)
    before = _snapshot(deliveries(app, series_id))
    change_series(app, series_id, now=at, rrule="FREQ=WEEKLY;UNTIL=20261208T000000Z")  # ends after 7 December
    rows = deliveries(app, series_id)
    assert _starts(rows, DeliveryStatus.sent) == Counter({FIRST: 4})
    assert _starts(rows) == Counter({WITHIN[1]: 4})
    assert {i: v for i, v in _snapshot(rows).items() if v[3] == WITHIN[1]} == {
        i: v for i, v in before.items() if v[3] == WITHIN[1]}  # the same rows, untouched
    assert _starts(rows, DeliveryStatus.cancelled) == Counter({start: 4 for start in WITHIN[2:]})
    assert not [d for d in rows if d.purpose == "cancellation"]  # nobody was reminded of a later Monday
    assert extend_horizons(app=app, now=NOW + 30 * DAY) == 0  # an ended series is never extended


def test_editing_the_whole_series_re_plans_future_occurrences_and_keeps_what_was_sent(app: App) -> None:
    emails = add_contacts(app, 4, now=NOW)
    series_id = add_series(app, now=NOW, start=FIRST, notify=emails)
    report, _ = _send(app, FIRST - DAY)
    assert report.sent == 4
    at = FIRST - DAY + timedelta(hours=1)
    edit_event(str(series_id), EventChanges(start=(FIRST + timedelta(hours=1)).isoformat()), app=app, now=at)
    rows = deliveries(app, series_id)
    assert _starts(rows, DeliveryStatus.sent) == Counter({FIRST: 4})  # sent stays sent
    hour_later = [start + timedelta(hours=1) for start in WITHIN[1:]]
    pending = _starts(rows)
    assert all(pending[start] == 4 for start in hour_later)
    assert not [s for s in pending if s.minute == 0 and s.hour == 2]  # nothing left at the old time
    assert _starts(rows, DeliveryStatus.cancelled) == Counter({start: 4 for start in WITHIN[1:]})
    assert all(d.due_utc == d.event_start_utc - DAY for d in rows if d.status == DeliveryStatus.pending)


def test_workflow_tasks_belong_to_the_series_not_to_each_occurrence(app: App) -> None:
    emails = add_contacts(app, 2, now=NOW)
    start = NOW + 20 * DAY - timedelta(hours=1)  # 14 December 10:00 Ulaanbaatar
    series_id = add_series(app, now=NOW, start=start, notify=emails, kind="consultation", defaults=True,
                           remind=[])
    found = tasks(app, series_id)
    assert sorted(t.step for t in found) == ["concept-note", "confirm-attendance", "invitations", "logistics",
                                             "minutes"]
    assert next(t for t in found if t.step == "invitations").due_utc == start - 14 * DAY
    rows = deliveries(app, series_id)
    assert _starts(rows) == Counter({s: 4 for s in weekly(start, 6)})  # start-1d and start-2h, two people
    extend_horizons(app=app, now=NOW + 10 * DAY)
    assert len(tasks(app, series_id)) == 5  # weeks later: still one of each step


def test_the_horizon_is_a_setting(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    environ = {"CALENDAR_APP_REMINDER_HORIZON": "90d", "CALENDAR_APP_CONFIG": str(tmp_path / "config.toml")}
    assert load_settings(db="x.db", tz="UTC", environ=environ).reminder_horizon == timedelta(days=90)
    for bad in ("12h", "3000d"):
        with pytest.raises(InvalidSetting, match="reminder_horizon from CALENDAR_APP_REMINDER_HORIZON"):
            load_settings(db="x.db", tz="UTC", environ={**environ, "CALENDAR_APP_REMINDER_HORIZON": bad})
    with pytest.raises(InvalidDuration):  # as for every duration setting: the duration's own message
        load_settings(db="x.db", tz="UTC", environ={**environ, "CALENDAR_APP_REMINDER_HORIZON": "soon"})


def test_a_shorter_horizon_plans_fewer_occurrences(app: App) -> None:
    app.settings = replace(app.settings, reminder_horizon=timedelta(days=14))
    emails = add_contacts(app, 1, now=NOW)
    series_id = add_series(app, now=NOW, start=FIRST, notify=emails)
    assert _starts(deliveries(app, series_id)) == Counter({WITHIN[0]: 1, WITHIN[1]: 1})


def test_migration_0011_adds_the_series_plan_and_keeps_every_row(store_url: str) -> None:
    engine = create_db_engine(store_url)
    upgrade(engine, "0010")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO event (id, uid, title, kind, all_day, start_utc, end_utc, timezone, status, visibility,"
            " sequence, search_text, created_at, updated_at, yearly, rrule, recurs) VALUES"
            " (1, 's-1', 'Долоо хоног бүрийн хурал', 'meeting', false, '2026-11-30 02:00:00',"
            " '2026-11-30 03:00:00', 'Asia/Ulaanbaatar', 'confirmed', 'internal', 0, '',"
            " '2026-11-01 00:00:00', '2026-11-01 00:00:00', false, 'FREQ=WEEKLY', true)"))
        before = connection.execute(sa.text("SELECT * FROM event ORDER BY id")).all()
    upgrade(engine)
    with engine.begin() as connection:
        assert connection.execute(sa.text("SELECT * FROM event ORDER BY id")).all() == before
        assert connection.execute(sa.text("SELECT count(*) FROM series_plan")).scalar() == 0
        connection.execute(sa.text("INSERT INTO series_plan (event_id, planned_until) VALUES"
                                   " (1, '2027-01-22 03:00:00')"))
        connection.execute(sa.text("DELETE FROM event WHERE id = 1"))
        assert connection.execute(sa.text("SELECT count(*) FROM series_plan")).scalar() == 0  # cascades
    engine.dispose()


def test_the_cli_scopes_move_and_cancel_one_occurrence_with_its_deliveries_only(app: App) -> None:
    """Through the services `event edit/cancel --occurrence` use: the third Monday moved to Tuesday, the
    fourth cancelled; every other Monday's deliveries are the same rows, untouched."""
    from calendar_app.services import cancel_event
    from events.recurrence.scopes import Scope

    emails = add_contacts(app, 2, now=NOW)
    series_id = add_series(app, now=NOW, start=FIRST, notify=emails)
    before = _snapshot(deliveries(app, series_id))
    third, fourth = WITHIN[2], WITHIN[3]
    moved = edit_event(str(series_id), EventChanges(start="2026-12-15 10:00"), app=app, now=NOW,
                       scope=Scope(occurrence="2026-12-14 10:00")).view
    cancel_event(str(series_id), "Цагаан сар", app=app, now=NOW, scope=Scope(occurrence="2026-12-21 10:00"))
    assert moved.id != series_id
    retimed = deliveries(app, moved.id)
    assert {d.id for d in retimed} == {i for i, v in before.items() if v[3] == third}
    assert {(d.status, d.event_start_utc) for d in retimed} == {(DeliveryStatus.pending, third + DAY)}
    rows = deliveries(app, series_id)
    others = {i: v for i, v in before.items() if v[3] not in (third, fourth)}
    assert {i: v for i, v in _snapshot(rows).items() if i in others} == others
    assert fourth not in _starts(rows)
