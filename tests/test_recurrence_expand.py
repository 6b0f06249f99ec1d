"""Issue 11: occurrence expansion (events/recurrence/expand.py) against two independent expanders on the same
rules: `dateutil.rrule` over an aware DTSTART, and `recurring-ical-events` over the VEVENT icalendar builds.

Table-driven: DST weeks (Europe/Berlin, America/New_York), Mongolia's two zones (Asia/Hovd, Asia/Ulaanbaatar),
month ends (BYMONTHDAY=31, -1), leap days (FREQ=YEARLY on Feb 29), BYSETPOS (last weekday of the month),
all-day series, UNTIL in UTC against a local date, COUNT, INTERVAL, WKST, and series begun years before the
window (the tiled fast path).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from dateutil.rrule import rruleset, rrulestr

from events.recurrence.expand import Series, occurrences, series_end
from events.recurrence.rules import checked_rule


@dataclass(frozen=True)
class Case:
    name: str
    tz: str
    start: str  # DTSTART on the wall clock: "2026-03-02 10:00", or a date for an all-day series
    rule: str
    window: tuple[str, str]  # dates, in the series' zone
    minutes: int = 60  # length of a timed occurrence (days: 1 for all-day)
    count: int | None = None  # how many occurrences the window holds, when worth saying

    @property
    def all_day(self) -> bool:
        return " " not in self.start


CASES = [
    Case("berlin-weekly-spring-dst", "Europe/Berlin", "2026-03-02 10:00", "FREQ=WEEKLY;BYDAY=MO",
         ("2026-03-01", "2026-04-30"), count=9),
    Case("berlin-weekly-autumn-dst", "Europe/Berlin", "2026-10-05 10:00", "FREQ=WEEKLY;BYDAY=MO,TH",
         ("2026-10-01", "2026-11-15"), count=12),
    Case("berlin-daily-late-evening", "Europe/Berlin", "2026-03-25 23:30", "FREQ=DAILY;COUNT=10",
         ("2026-03-20", "2026-04-10"), minutes=90, count=10),
    Case("new-york-biweekly-wkst-mo", "America/New_York", "1997-08-05 09:00",
         "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", ("1997-08-01", "1997-09-30"), count=4),
    Case("new-york-biweekly-wkst-su", "America/New_York", "1997-08-05 09:00",
         "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", ("1997-08-01", "1997-09-30"), count=4),
    Case("new-york-autumn-dst", "America/New_York", "2026-10-06 18:00", "FREQ=WEEKLY;BYDAY=TU,TH;INTERVAL=2",
         ("2026-10-01", "2026-11-30"), count=8),
    Case("new-york-spring-dst-open", "America/New_York", "2020-01-06 08:00", "FREQ=WEEKLY;BYDAY=MO,WE,FR;WKST=SU",
         ("2027-03-01", "2027-03-31"), count=13),
    Case("hovd-daily", "Asia/Hovd", "2026-12-01 09:00", "FREQ=DAILY;INTERVAL=3", ("2026-12-01", "2027-01-01"),
         count=11),
    Case("ulaanbaatar-daily", "Asia/Ulaanbaatar", "2026-12-01 09:00", "FREQ=DAILY;INTERVAL=3",
         ("2026-12-01", "2027-01-01"), count=11),
    Case("ulaanbaatar-monthly-31", "Asia/Ulaanbaatar", "2026-01-31 14:00", "FREQ=MONTHLY;BYMONTHDAY=31",
         ("2026-01-01", "2027-01-01"), count=7),
    Case("ulaanbaatar-monthly-last-day", "Asia/Ulaanbaatar", "2026-01-31 14:00", "FREQ=MONTHLY;BYMONTHDAY=-1",
         ("2026-01-01", "2027-01-01"), count=12),
    Case("bishkek-last-weekday", "Asia/Bishkek", "2026-01-30 16:00",
         "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", ("2026-01-01", "2027-01-01"), count=12),
    Case("bishkek-second-tuesday-count", "Asia/Bishkek", "2026-01-13 10:00", "FREQ=MONTHLY;BYDAY=2TU;COUNT=5",
         ("2026-01-01", "2027-01-01"), count=5),
    Case("yearly-leap-day", "Asia/Ulaanbaatar", "2024-02-29 10:00", "FREQ=YEARLY", ("2024-01-01", "2037-01-01"),
         count=4),
    Case("yearly-leap-day-all-day", "Asia/Ulaanbaatar", "2024-02-29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1",
         ("2024-01-01", "2030-01-01"), count=6),
    Case("all-day-weekly", "Asia/Ulaanbaatar", "2026-11-02", "FREQ=WEEKLY;BYDAY=MO,FR", ("2026-11-01", "2026-12-01"),
         count=9),
    Case("all-day-until-date", "Asia/Ulaanbaatar", "2026-11-02", "FREQ=DAILY;UNTIL=20261110",
         ("2026-11-01", "2026-12-01"), count=9),
    Case("all-day-berlin-dst", "Europe/Berlin", "2026-03-27", "FREQ=DAILY;COUNT=5", ("2026-03-01", "2026-04-30"),
         count=5),
    Case("timed-until-utc-inclusive", "Asia/Ulaanbaatar", "2026-11-02 10:00",
         "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261130T020000Z", ("2026-11-01", "2027-01-01"), count=5),
    Case("timed-until-utc-before-last", "Asia/Ulaanbaatar", "2026-11-02 10:00",
         "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261130T015959Z", ("2026-11-01", "2027-01-01"), count=4),
    Case("berlin-until-utc-across-dst", "Europe/Berlin", "2026-10-05 10:00",
         "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261102T090000Z", ("2026-10-01", "2027-01-01"), count=5),
    Case("hourly-interval", "Europe/Berlin", "2026-10-24 20:00", "FREQ=HOURLY;INTERVAL=6;COUNT=12",
         ("2026-10-24", "2026-10-29"), minutes=30, count=12),
    Case("weekly-since-2016-tiled", "Asia/Ulaanbaatar", "2016-01-04 09:30", "FREQ=WEEKLY;BYDAY=MO,WE",
         ("2026-11-01", "2026-12-01"), count=9),
    Case("daily-byday-interval-2", "Europe/Berlin", "2026-01-05 08:00", "FREQ=DAILY;INTERVAL=2;BYDAY=MO,WE,FR",
         ("2026-03-01", "2026-04-15"), count=10),
    Case("tiled-until-local-date", "Asia/Ulaanbaatar", "2016-01-04 09:30", "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261111",
         ("2026-11-01", "2026-12-01"), count=4),
    Case("tiled-biweekly-wkst-su", "Europe/Berlin", "2019-09-03 09:00",
         "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=SU", ("2026-10-01", "2026-12-01"), count=9),
    Case("daily-byhour", "Europe/Berlin", "2025-06-02 09:00", "FREQ=DAILY;BYHOUR=9,15", ("2026-10-23", "2026-10-28"),
         count=10),
    Case("weekly-setpos", "America/New_York", "2024-01-03 12:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE;BYSETPOS=-1",
         ("2026-10-20", "2026-11-20"), count=5),
    Case("berlin-daily-in-the-fold", "Europe/Berlin", "2026-10-23 02:30", "FREQ=DAILY;COUNT=5",
         ("2026-10-20", "2026-11-01"), count=5),
    Case("yearly-byweekno", "Europe/Berlin", "2026-01-01 09:00", "FREQ=YEARLY;BYWEEKNO=1;BYDAY=TH",
         ("2026-01-01", "2031-01-01")),
]


def _local(text: str, tz: ZoneInfo) -> datetime:
    """A wall-clock time as an aware datetime (fold=0: a repeated time takes its first occurrence)."""
    return datetime.fromisoformat(text).replace(tzinfo=tz)


def _window(case: Case) -> tuple[datetime, datetime]:
    tz = ZoneInfo(case.tz)
    return (datetime.combine(date.fromisoformat(case.window[0]), time(), tz),
            datetime.combine(date.fromisoformat(case.window[1]), time(), tz))


def _series(case: Case) -> Series:
    tz = ZoneInfo(case.tz)
    if case.all_day:
        first = datetime.combine(date.fromisoformat(case.start), time(), tz)
        start, end = first.astimezone(UTC), (first + timedelta(days=1)).astimezone(UTC)
    else:
        start = _local(case.start, tz).astimezone(UTC)
        end = start + timedelta(minutes=case.minutes)
    rule = checked_rule(case.rule, start_utc=start, all_day=case.all_day, timezone=case.tz)
    return Series(start, end, case.all_day, case.tz, rule)


def _ours(case: Case) -> list[object]:
    low, high = _window(case)
    found = occurrences(_series(case), low, high)
    if case.all_day:
        return [o.start_utc.astimezone(ZoneInfo(case.tz)).date() for o in found]
    return [o.start_utc for o in found]


def _oracle_rule(case: Case) -> str:
    """The rule as RFC 5545 wants it beside a TZID DTSTART: an UNTIL typed as a local date means the end of
    that day in the series' zone, written in UTC (what `checked_rule` stores), and the oracles are told so."""
    parts = dict(p.split("=", 1) for p in case.rule.split(";"))
    until = parts.get("UNTIL")
    if case.all_day or until is None or "T" in until:
        return case.rule
    day_end = datetime.combine(date.fromisoformat(until), time(23, 59, 59), ZoneInfo(case.tz))
    parts["UNTIL"] = day_end.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return ";".join(f"{k}={v}" for k, v in parts.items())


def _by_dateutil(case: Case) -> list[object]:
    """dateutil over an aware DTSTART: it steps the wall clock and keeps the zone, as RFC 5545 says."""
    tz = ZoneInfo(case.tz)
    low, high = _window(case)
    if case.all_day:
        rule = rrulestr("RRULE:" + case.rule, dtstart=datetime.fromisoformat(case.start))
        return [d.date() for d in rule if low.date() <= d.date() < high.date()]
    dtstart = _local(case.start, tz)
    length = timedelta(minutes=case.minutes)
    return [d.astimezone(UTC) for d in rrulestr("RRULE:" + _oracle_rule(case), dtstart=dtstart).between(
        low - length, high, inc=False) if d + length > low]


def _by_recurring_ical_events(case: Case) -> list[object]:
    tz = ZoneInfo(case.tz)
    event = icalendar.Event()
    event.add("uid", case.name)
    if case.all_day:
        first = date.fromisoformat(case.start)
        event.add("dtstart", first)
        event.add("dtend", first + timedelta(days=1))
    else:
        event.add("dtstart", _local(case.start, tz))
        event.add("dtend", _local(case.start, tz) + timedelta(minutes=case.minutes))
    event.add("rrule", icalendar.vRecur.from_ical(_oracle_rule(case)))
    calendar = icalendar.Calendar()
    calendar.add_component(event)
    low, high = _window(case)
    if case.all_day:
        found = recurring_ical_events.of(calendar).between(low.date(), high.date())
        return sorted(e["DTSTART"].dt for e in found)
    return sorted(e["DTSTART"].dt.astimezone(UTC) for e in recurring_ical_events.of(calendar).between(low, high))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_expansion_agrees_with_dateutil_and_recurring_ical_events(case: Case) -> None:
    ours = _ours(case)
    assert ours == _by_dateutil(case)
    assert ours == _by_recurring_ical_events(case)
    if case.count is not None:
        assert len(ours) == case.count
    assert ours, "a case that shows nothing proves nothing"


def test_a_meeting_keeps_its_wall_clock_across_dst() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    (case,) = [c for c in CASES if c.name == "berlin-weekly-spring-dst"]
    local = [o.start_utc.astimezone(berlin) for o in occurrences(_series(case), *_window(case))]
    assert {(d.hour, d.minute) for d in local} == {(10, 0)}
    assert {d.utcoffset() for d in local} == {timedelta(hours=1), timedelta(hours=2)}


def test_hovd_runs_an_hour_ahead_of_ulaanbaatar_in_utc() -> None:
    hovd, ub = ([o.start_utc for o in occurrences(_series(c), *_window(c))] for c in CASES
                if c.name in ("hovd-daily", "ulaanbaatar-daily"))
    assert [h - u for h, u in zip(hovd, ub, strict=True)] == [timedelta(hours=1)] * len(hovd)


def test_a_skipped_wall_time_moves_forward_by_the_gap() -> None:
    """02:30 does not exist in Berlin on 29 March 2026: that day's occurrence is at 03:30 CEST, as a single
    event typed at that time would be; every other day stays 02:30."""
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 3, 27, 2, 30, tzinfo=berlin).astimezone(UTC)
    series = Series(start, start + timedelta(hours=1), False, "Europe/Berlin",
                    checked_rule("FREQ=DAILY;COUNT=5", start_utc=start, all_day=False, timezone="Europe/Berlin"))
    local = [o.start_utc.astimezone(berlin) for o in occurrences(series, None, None)]
    assert [(d.day, d.hour, d.minute) for d in local] == [(27, 2, 30), (28, 2, 30), (29, 3, 30), (30, 2, 30),
                                                          (31, 2, 30)]
    assert series_end(series) == local[-1].astimezone(UTC) + timedelta(hours=1)


@pytest.mark.parametrize("case", [c for c in CASES if "COUNT" in c.rule or "UNTIL" in c.rule],
                         ids=lambda c: c.name)
def test_series_end_is_the_end_of_the_last_occurrence(case: Case) -> None:
    series = _series(case)
    every = occurrences(series, series.start_utc, None)
    assert series_end(series) == every[-1].end_utc


def test_exdates_and_rdates_on_the_tiled_path() -> None:
    (case,) = [c for c in CASES if c.name == "weekly-since-2016-tiled"]
    plain = _series(case)
    tz = ZoneInfo(case.tz)
    dropped = datetime(2026, 11, 4, 9, 30, tzinfo=tz).astimezone(UTC)
    added = datetime(2026, 11, 7, 15, 0, tzinfo=tz).astimezone(UTC)
    series = Series(plain.start_utc, plain.end_utc, False, case.tz, plain.rrule,
                    rdates=added.strftime("%Y%m%dT%H%M%SZ"), exdates=dropped.strftime("%Y%m%dT%H%M%SZ"))
    starts = [o.start_utc for o in occurrences(series, *_window(case))]
    assert dropped not in starts and added in starts and len(starts) == 9
    rule_set = rruleset()
    rule_set.rrule(rrulestr("RRULE:" + case.rule, dtstart=_local(case.start, tz)))
    rule_set.exdate(dropped.astimezone(tz))
    rule_set.rdate(added.astimezone(tz))
    low, high = _window(case)
    assert starts == [d.astimezone(UTC) for d in rule_set.between(low, high)]


def test_a_dtstart_off_the_rule_is_the_first_occurrence() -> None:
    """RFC 5545 3.8.5.3: DTSTART is the first instance even when the rule does not match it. dateutil leaves
    it out (so it is added here); recurring-ical-events and our feeds (which repeat it as an RDATE) keep it."""
    case = Case("dtstart-off-rule", "Europe/Berlin", "2026-10-07 09:00", "FREQ=WEEKLY;BYDAY=MO",
                ("2026-10-01", "2026-11-01"))
    first = _local(case.start, ZoneInfo(case.tz)).astimezone(UTC)
    ours = _ours(case)
    assert ours[0] == first and len(ours) == 4
    assert ours == [first, *_by_dateutil(case)]
    assert ours == _by_recurring_ical_events(case)


def test_series_differing_only_in_until_share_a_tiling_but_keep_their_ends() -> None:
    """The tiling cache is keyed on the rule without UNTIL (bench/series.py: 2,000 series with 2,000 ends
    would otherwise each ask dateutil afresh); each series still stops at its own UNTIL."""
    ends: dict[str, datetime] = {}
    for until in ("20261116T020000Z", "20261207T020000Z", "20270104T020000Z"):
        case = Case("until", "Asia/Ulaanbaatar", "2016-01-04 10:00", f"FREQ=WEEKLY;BYDAY=MO;UNTIL={until}",
                    ("2026-11-01", "2027-03-01"))
        ours = _ours(case)
        assert ours == _by_dateutil(case)
        assert isinstance(ours[-1], datetime)
        ends[until] = ours[-1]
    assert [d.strftime("%Y%m%dT%H%M%SZ") for d in ends.values()] == list(ends)
