"""Issue 3, point 1: optional VALARMs from each event's reminder plan (`feed add --alarms-from-reminders`).

Off by default; with it a consultation carries its kind's defaults (1 day and 2 hours before the start)
and an event with its own `--remind end+1h` an end-relative alarm. Read back by icalendar, vobject and
ical; golden bytes; the per-event cache and the server's ETag follow a change of an event's plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Component, vDDDTypes
from sqlalchemy import select

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.db import read_session, write_session
from calendar_app.rendered import ChunkKeeper
from events.drafts import EventChanges, NewEventDraft
from events.errors import InvalidInput
from events.notify.planning import parse_rule
from events.notify.reminders import plan_rules
from events.notify.workflows import defaults_for, load_workflows, parse_workflows
from exports import feeds
from exports.alarm_plan import defaults_tag
from exports.cache import iter_feed
from exports.checks import check_calendar
from exports.feeds import FeedSpec
from exports.models import RenderedEvent
from exports.render import CalendarHead, Detail, build_event, iter_calendar, render_event, years_of, zones_of
from exports.selection import plan
from tests.cli_helpers import run
from tests.conftest import NOW
from tests.feed_samples import STAMP, sample_events, view
from tests.server_helpers import feed_bytes
from tests.test_feeds_render import _golden

CONSULTATION = "Жендэрт суурилсан хүчирхийллийн эсрэг хуулийн төслийн зөвлөлдөх уулзалт"
SIGNING = "Хамтын ажиллагааны санамж бичиг байгуулах"
START = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # 10:00 in Ulaanbaatar
END = START + timedelta(hours=2)


def _add(app: App, title: str, kind: str, *, remind: list[str] | None = None,
         defaults: bool = True) -> int:
    draft = NewEventDraft(title=title, start="2026-11-26 10:00", duration="2h", region="ulaanbaatar", kind=kind,
                          visibility="public", remind=remind or [], default_reminders=defaults)
    return services.add_event(draft, app=app, now=NOW).view.id


def _trigger(alarm: Component) -> vDDDTypes:
    """A VALARM's TRIGGER as icalendar parses it (a duration or date-time value)."""
    trigger = alarm["TRIGGER"]
    assert isinstance(trigger, vDDDTypes), trigger
    return trigger


def _icalendar_alarm(alarm: Component) -> tuple[timedelta, str, str, str]:
    trigger = _trigger(alarm)
    assert isinstance(trigger.dt, timedelta), trigger.dt  # the feeds write relative triggers only
    return trigger.dt, trigger.params.get("RELATED", "START"), str(alarm["ACTION"]), str(alarm["DESCRIPTION"])


def _icalendar_alarms(data: bytes) -> dict[str, list[tuple[timedelta, str, str, str]]]:
    """SUMMARY -> (offset, related, action, description) per VALARM, as icalendar reads them."""
    from icalendar import Calendar

    found: dict[str, list[tuple[timedelta, str, str, str]]] = {}
    for event in Calendar.from_ical(data).walk("VEVENT"):
        found[str(event["SUMMARY"])] = [_icalendar_alarm(a) for a in event.walk("VALARM")]
    return found


def _vobject_alarms(data: bytes) -> dict[str, list[tuple[timedelta, str]]]:
    import vobject

    calendar = vobject.readOne(data.decode("utf-8"))
    return {e.summary.value: [(a.trigger.value, a.trigger.params.get("RELATED", ["START"])[0])
                              for a in getattr(e, "valarm_list", [])] for e in calendar.vevent_list}


def _ical_alarms(data: bytes) -> dict[str, list[object]]:
    from ical.calendar_stream import IcsCalendarStream

    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return {str(e.summary): [a.trigger for a in e.alarm] for e in calendar.events}


def test_plan_alarms_read_back_by_three_parsers(app: App) -> None:
    _add(app, CONSULTATION, "consultation")
    _add(app, SIGNING, "signing", remind=["end+1h"], defaults=False)
    feed_service.add_feed(FeedSpec("plan", alarms_from_reminders=True), app=app, now=NOW)
    data = feed_bytes(app, "plan")
    assert "TRIGGER;RELATED=END:PT1H" in data.decode()

    by_icalendar = _icalendar_alarms(data)
    assert by_icalendar[CONSULTATION] == [(-timedelta(days=1), "START", "DISPLAY", CONSULTATION),
                                          (-timedelta(hours=2), "START", "DISPLAY", CONSULTATION)]
    assert by_icalendar[SIGNING] == [(timedelta(hours=1), "END", "DISPLAY", SIGNING)]  # own rule only

    by_vobject = _vobject_alarms(data)
    assert by_vobject[CONSULTATION] == [(-timedelta(days=1), "START"), (-timedelta(hours=2), "START")]
    assert by_vobject[SIGNING] == [(timedelta(hours=1), "END")]

    by_ical = _ical_alarms(data)  # ical keeps the offset but drops RELATED: the other two check it
    assert by_ical[CONSULTATION] == [-timedelta(days=1), -timedelta(hours=2)]
    assert by_ical[SIGNING] == [timedelta(hours=1)]


def test_off_by_default_and_fixed_alarms_merge(app: App) -> None:
    _add(app, CONSULTATION, "consultation")
    feed_service.add_feed(FeedSpec("plain"), app=app, now=NOW)
    feed_service.add_feed(FeedSpec("both", alarms=["1d", "30m"], alarms_from_reminders=True), app=app,
                          now=NOW)
    assert b"VALARM" not in feed_bytes(app, "plain")
    # The feed's own 1d and the kind's start-1d are one alarm; 30m is added, all start-relative, earliest first.
    assert [a[0] for a in _icalendar_alarms(feed_bytes(app, "both"))[CONSULTATION]] == [
        -timedelta(days=1), -timedelta(hours=2), -timedelta(minutes=30)]
    listed = {i.name: i.as_json() for i in feed_service.list_feeds(app=app)}
    assert listed["plain"]["alarms_from_reminders"] is False
    assert listed["both"]["alarms_from_reminders"] is True and listed["both"]["alarm_minutes"] == [1440, 30]
    engine = app.store.engine
    with write_session(engine) as session:
        assert feeds.find_feed("both", session=session).alarms == "plan,1440,30"


def test_busy_feeds_carry_no_plan_alarms(app: App) -> None:
    """Decision: a busy-only feed refuses the option (an event's reminders hint at its kind), and the
    renderer drops plan rules at busy detail even if asked."""
    with pytest.raises(InvalidInput, match="busy-only"):
        feed_service.add_feed(FeedSpec("busy", private=True, detail="busy", alarms_from_reminders=True),
                              app=app, now=NOW)
    consultation = view(kind="consultation", start=START, end=END)
    rules = [parse_rule("start-1d"), parse_rule("end+1h")]
    busy = build_event(consultation, detail=Detail.busy, rules=rules, alarms=[60])
    assert [str(_trigger(a).to_ical(), "ascii") for a in busy.walk("VALARM")] == ["-PT1H"]  # the feed's own only
    assert len(build_event(consultation, detail=Detail.full, rules=rules).walk("VALARM")) == 2


def test_cancelled_event_has_no_plan_alarms() -> None:
    cancelled = view(kind="consultation", status="cancelled", start=START, end=END)
    assert b"VALARM" not in render_event(cancelled, rules=[parse_rule("start-1d")])


def test_golden_bytes_with_plan_alarms() -> None:
    defaults = load_workflows()
    own = {"mn-hovd-training@calendar-app": ["end+1h", "start-3d"]}
    events = [*sample_events(),
              view(id=5, uid="mn-consultation@calendar-app", title=CONSULTATION, kind="consultation",
                   start=START, end=END)]
    chunks = []
    for event in sorted(events, key=lambda e: (e.start, e.uid)):
        rules = plan_rules(None, defaults_for(event.kind, defaults))
        rules += [parse_rule(text) for text in own.get(event.uid, [])]
        chunks.append(render_event(event, stamp=STAMP, rules=rules))
    data = b"".join(iter_calendar(CalendarHead(name="Сануулга"), zones_of(events), chunks, years_of(events)))
    _golden("sample_plan_alarms.ics", data)
    assert check_calendar(data) == []
    text = data.decode()
    assert text.count("BEGIN:VALARM") == 4  # consultation 2, training 2 (own); none on the cancelled round table
    assert "TRIGGER;RELATED=END:PT1H" in text


def _chunk_versions(app: App) -> dict[str, str]:
    engine = app.store.engine
    with write_session(engine) as session:
        table = RenderedEvent.__table__  # type: ignore[attr-defined]
        return {r.detail: r.version for r in session.execute(select(table.c.detail, table.c.version))}


def test_plan_change_re_renders_the_chunk(app: App) -> None:
    event_id = _add(app, CONSULTATION, "consultation")
    feed_service.add_feed(FeedSpec("plan", alarms_from_reminders=True), app=app, now=NOW)
    first = feed_bytes(app, "plan")
    versions = _chunk_versions(app)
    assert feed_bytes(app, "plan") == first  # same data, same bytes (from the cache)

    later = NOW + timedelta(hours=1)
    shown = services.edit_event(str(event_id), EventChanges(remind=["end+1h"]), app=app, now=later).view
    assert shown.updated_at == later and shown.sequence == 0  # a changed plan is a change, not a reschedule
    second = feed_bytes(app, "plan")
    assert _chunk_versions(app) != versions
    assert [a[:2] for a in _icalendar_alarms(second)[CONSULTATION]] == [
        (-timedelta(days=1), "START"), (-timedelta(hours=2), "START"), (timedelta(hours=1), "END")]

    services.edit_event(str(event_id), EventChanges(default_reminders=False), app=app,
                        now=later + timedelta(hours=1))
    assert [a[:2] for a in _icalendar_alarms(feed_bytes(app, "plan"))[CONSULTATION]] == [
        (timedelta(hours=1), "END")]

    unchanged = services.edit_event(str(event_id), EventChanges(remind=["end+1h"]), app=app,
                                    now=later + timedelta(hours=5)).view
    assert unchanged.updated_at == later + timedelta(hours=1)  # the same rules again change nothing


def test_edited_kind_defaults_re_render(app: App) -> None:
    """The kind defaults come from a file users edit: their tag is part of the chunk's variant."""
    _add(app, CONSULTATION, "consultation")
    shipped = load_workflows()
    edited = parse_workflows('[kinds.consultation]\nreminders = ["start-1w"]\n')
    assert defaults_tag(shipped) != defaults_tag(edited) and defaults_tag(shipped) == defaults_tag(load_workflows())
    engine = app.store.engine
    feed_service.add_feed(FeedSpec("plan", alarms_from_reminders=True), app=app, now=NOW)
    with read_session(engine) as session:
        feed = feeds.find_feed("plan", session=session)
        chosen = plan(feeds.feed_selection(feed), session=session, now=NOW)
        bodies = [b"".join(iter_feed(chosen, feeds.feed_head(feed), detail=Detail.full, session=session,
                                     reminder_defaults=d, store=ChunkKeeper(engine)))
                  for d in (shipped, edited, shipped)]
    assert b"TRIGGER:-P7D" in bodies[1] and b"TRIGGER:-P7D" not in bodies[0]
    assert bodies[0] == bodies[2]
    assert len(_chunk_versions(app)) == 2  # one stored variant per set of defaults


def test_cli_option(tmp_path) -> None:
    db = f"sqlite:///{tmp_path / 'cal.db'}"
    made = run(db, "feed", "add", "mine", "--private", "--kind", "consultation", "--alarms-from-reminders")
    assert made.code == 0, made.stderr
    assert "alarms: each event's reminder plan" in made.stdout
    assert made.stdout.strip().splitlines()[-1].startswith("http")  # the URL stays the last line
    refused = run(db, "feed", "add", "busy", "--private", "--detail", "busy", "--alarms-from-reminders")
    assert refused.code == 2 and "busy-only" in refused.stderr
    listed = run(db, "feed", "list", "--json").json()
    assert [(f["name"], f["alarms_from_reminders"]) for f in listed] == [("mine", True)]



def test_export_option(tmp_path) -> None:
    db = f"sqlite:///{tmp_path / 'cal.db'}"
    assert run(db, "event", "add", CONSULTATION, "--kind", "consultation", "--start", "2026-11-26 10:00",
               "--duration", "2h", "--region", "ulaanbaatar").code == 0
    assert b"VALARM" not in run(db, "export").stdout_bytes
    with_alarms = run(db, "export", "--alarms-from-reminders").stdout_bytes
    assert check_calendar(with_alarms) == []
    assert [a[0] for a in _icalendar_alarms(with_alarms)[CONSULTATION]] == [-timedelta(days=1), -timedelta(hours=2)]
    assert run(db, "export", "--detail", "busy", "--alarms-from-reminders").code == 2
