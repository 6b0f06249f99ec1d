"""Campaign editions in feeds (issue 5, point 4): one all-day VEVENT per edition with an exclusive end, the
theme in every language, the campaign colour; campaign feeds and exports with their events; read back by
three independent parsers; confidentiality kept; the feed server notices edition changes."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.campaigns import services as campaign_services
from calendar_app.config import Settings
from calendar_app.db import write_session
from events.campaigns.hooks import edition_entry
from events.campaigns.links import CampaignLink
from events.campaigns.programme import EditionInfo
from events.campaigns.windows import YearlyWindow, parse_month_day
from events.drafts import NewEventDraft
from exports import feeds
from exports.cache import iter_feed
from exports.campaign_feed import render_edition
from exports.checks import check_calendar
from exports.feeds import FeedSpec
from exports.render import CalendarHead, Detail, iter_calendar
from exports.selection import plan, store_state
from tests.campaign_fixture import LAUNCH, THEME_EN, THEME_KY, build_programme
from tests.cli_helpers import run
from tests.conftest import NOW
from tests.server_helpers import add_feed_stored_before_checks, running_server

GOLDEN = Path(__file__).with_name("golden")
EDITION_UID = "campaign-16-days-2025@calendar-app"
THEME_MN = "Эмэгтэйчүүд, охидын эсрэг цахим хүчирхийллийг таслан зогсооцгооё"
SECRET = "Хамгааллын байрны нууц уулзалт"
OTHER = "Төсвийн хурал"


def _info(**changes: Any) -> EditionInfo:
    info = EditionInfo(
        slug="16-days", name="16 Days of Activism against Gender-Based Violence", year=2025,
        window=YearlyWindow(parse_month_day("11-25"), parse_month_day("12-10")).of_year(2025), color="#F26B21",
        theme=THEME_EN, themes={"ky": THEME_KY, "mn": THEME_MN}, sequence=2,
        updated_at=datetime(2025, 10, 1, 8, 30, tzinfo=UTC),
    )
    return replace(info, **changes)


def _calendar(*chunks: bytes) -> bytes:
    return b"".join(iter_calendar(CalendarHead(name="16 Days"), [], chunks))


def test_edition_golden_bytes() -> None:
    data = _calendar(render_edition(edition_entry(_info())))
    path = GOLDEN / "campaign_edition.ics"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(data)
    assert data == path.read_bytes(), "campaign_edition.ics changed: review it, then UPDATE_GOLDEN=1 to accept"
    assert check_calendar(data) == []
    text = data.decode()
    for line in ("DTSTART;VALUE=DATE:20251125", "DTEND;VALUE=DATE:20251211", "SEQUENCE:2",
                 "LAST-MODIFIED:20251001T083000Z", "DTSTAMP:20251001T083000Z", "COLOR:chocolate",
                 "X-CALENDAR-APP-COLOR:#F26B21", "TRANSP:TRANSPARENT", "CLASS:PUBLIC",
                 f"UID:{EDITION_UID}"):
        assert line + "\r\n" in text, line


def test_edition_bytes_change_only_with_the_edition() -> None:
    first = render_edition(edition_entry(_info()))
    assert first == render_edition(edition_entry(_info()))  # same data, same bytes (no clock)
    changed = render_edition(edition_entry(_info(theme="Another theme", sequence=3,
                                                 updated_at=datetime(2025, 11, 2, tzinfo=UTC))))
    assert changed != first
    assert b"SEQUENCE:3\r\n" in changed and b"LAST-MODIFIED:20251102T000000Z\r\n" in changed


def test_edition_over_the_year_end_and_in_a_leap_year() -> None:
    info = _info(year=2027, window=YearlyWindow(parse_month_day("12-20"), parse_month_day("02-29")).of_year(2027))
    text = render_edition(edition_entry(info)).decode()
    assert "DTSTART;VALUE=DATE:20271220\r\n" in text
    assert "DTEND;VALUE=DATE:20280301\r\n" in text  # 29 February 2028 is the last day


def _export(app: App, **request: Any) -> bytes:
    out = io.BytesIO()
    feed_service.export_calendar(feed_service.ExportRequest(**request), out, app=app, now=NOW)
    return out.getvalue()


def _feed(app: App, name: str) -> bytes:
    """A feed's bytes as the server builds them."""
    with write_session(app.store.engine) as session:
        feed = feeds.find_feed(name, session=session)
        chosen = plan(feeds.feed_selection(feed), session=session, now=NOW)
        return b"".join(iter_feed(chosen, feeds.feed_head(feed), detail=Detail(feed.detail), session=session,
                                  alarms=feeds.feed_alarms(feed)))


def _other_event(app: App) -> None:
    services.add_event(NewEventDraft(title=OTHER, start="2025-11-27 10:00", region="ulaanbaatar"),
                                CampaignLink(), app=app, now=NOW)


def _read_vobject(data: bytes) -> dict[str, dict[str, Any]]:
    import vobject

    calendar = vobject.readOne(data.decode("utf-8"))
    return {e.uid.value: {"start": e.dtstart.value, "end": e.dtend.value, "summary": e.summary.value,
                          "description": getattr(getattr(e, "description", None), "value", None)}
            for e in calendar.vevent_list}


def _read_ical(data: bytes) -> dict[str, dict[str, Any]]:
    from ical.calendar_stream import IcsCalendarStream

    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return {e.uid: {"start": e.dtstart, "end": e.dtend, "summary": e.summary, "description": e.description}
            for e in calendar.events}


def _read_icalendar(data: bytes) -> dict[str, dict[str, Any]]:
    from icalendar import Calendar

    calendar = Calendar.from_ical(data)
    return {str(e["UID"]): {"start": e.start, "end": e.end, "summary": str(e["SUMMARY"]),
                            "description": e.get("DESCRIPTION")}
            for e in calendar.events}


def _utc(value: Any) -> Any:
    return value.astimezone(UTC) if isinstance(value, datetime) else value


@pytest.mark.parametrize("reader", [_read_vobject, _read_ical, _read_icalendar])
def test_campaign_export_read_back(app: App, reader: Any) -> None:
    build_programme(app)
    _other_event(app)
    data = _export(app, campaigns=["16-days"])
    assert check_calendar(data) == []
    found = reader(data)
    edition = found[EDITION_UID]
    assert (type(edition["start"]), type(edition["end"])) == (date, date)  # all-day, not midnight instants
    assert (edition["start"], edition["end"]) == (date(2025, 11, 25), date(2025, 12, 11))  # DTEND exclusive
    assert edition["summary"] == "16 Days of Activism against Gender-Based Violence 2025"
    assert THEME_EN in edition["description"] and THEME_KY in edition["description"]  # Cyrillic intact
    assert OTHER not in {v["summary"] for v in found.values()}
    launch = next(v for v in found.values() if v["summary"] == LAUNCH)
    # 10:00-13:00 in Bishkek (UTC+6) on the lead-in day
    assert (_utc(launch["start"]), _utc(launch["end"])) == (datetime(2025, 11, 24, 4, tzinfo=UTC),
                                                            datetime(2025, 11, 24, 7, tzinfo=UTC))
    assert len(found) == 1 + 6  # the edition, 5 events and the cancelled one (still kept, marked)


def test_campaign_feed_with_other_filters(app: App) -> None:
    build_programme(app)
    _other_event(app)
    feed_service.add_feed(FeedSpec("16-days-osh", campaigns=["16-Days"], regions=["osh-oblast"],
                                   visibilities=["public", "internal"], private=True), app=app, now=NOW)
    found = _read_icalendar(_feed(app, "16-days-osh"))
    assert set(found) - {EDITION_UID} and EDITION_UID in found
    assert [v["summary"] for k, v in found.items() if k != EDITION_UID] == ["Жүрүш: зордук-зомбулуксуз жашоо"]
    # A feed without --campaign has no edition; an export with dates outside the window has none either.
    feed_service.add_feed(FeedSpec("all", private=True), app=app, now=NOW)
    assert EDITION_UID not in _read_icalendar(_feed(app, "all"))
    assert EDITION_UID.encode() not in _export(app, campaigns=["16-days"], start="2026-01-01")
    # A busy-only feed shows busy times: the campaign window makes no one busy, so it is left out.
    feed_service.add_feed(FeedSpec("busy", campaigns=["16-days"], private=True, detail="busy"),
                          app=app, now=NOW)
    assert EDITION_UID.encode() not in _feed(app, "busy")


def test_confidential_campaign_event_only_in_a_private_feed_naming_confidential(app: App) -> None:
    build_programme(app)
    services.add_event(NewEventDraft(title=SECRET, start="2025-11-28 15:00", region="khovd",
                                              visibility="confidential"),
                                CampaignLink(campaign="16-days"), app=app, now=NOW)
    specs = {
        "public": FeedSpec("c-public", campaigns=["16-days"]),
        "public-naming": FeedSpec("c-public-naming", campaigns=["16-days"], visibilities=["confidential"]),
        "private": FeedSpec("c-private", campaigns=["16-days"], private=True),
        "private-naming": FeedSpec("c-private-naming", campaigns=["16-days"], private=True,
                                   visibilities=["confidential"]),
    }
    for spec in specs.values():
        if spec.private or "confidential" not in spec.visibilities:
            feed_service.add_feed(spec, app=app, now=NOW)
        else:  # refused now (issue 10); a row stored before must not leak either
            add_feed_stored_before_checks(app, spec, now=NOW)
    shown = {key: _feed(app, spec.name).decode() for key, spec in specs.items()}
    assert {key: SECRET in text for key, text in shown.items()} == {
        "public": False, "public-naming": False, "private": False, "private-naming": True}
    assert all(EDITION_UID in text for text in shown.values())
    assert SECRET not in _export(app, campaigns=["16-days"]).decode()
    assert SECRET in _export(app, campaigns=["16-days"], visibilities=["confidential"]).decode()


def test_fingerprint_notices_campaigns_and_editions(app: App) -> None:
    def state() -> tuple[object, ...]:
        with write_session(app.store.engine) as session:
            return store_state(session=session)

    before = state()
    campaign_services.add_campaign(None, name=None, window=None, color=None, preset="16-days", app=app)
    with_campaign = state()
    campaign_services.add_edition("16-days", 2025, [THEME_EN], app=app, now=NOW)
    with_edition = state()
    info = campaign_services.set_theme("16-days", 2025, ["ky:" + THEME_KY], app=app, now=NOW)
    with_theme = state()
    assert len({before, with_campaign, with_edition, with_theme}) == 4
    assert (info.sequence, info.theme, dict(info.themes)) == (1, THEME_EN, {"ky": THEME_KY})
    same = campaign_services.set_theme("16-days", 2025, [THEME_EN], app=app,
                                       now=NOW + timedelta(days=1))
    assert (same.sequence, same.updated_at) == (1, NOW)  # nothing changed: no new sequence
    assert state() == with_theme


def test_import_of_a_campaign_export_skips_the_edition(app: App, tmp_path: Path) -> None:
    build_programme(app)
    path = tmp_path / "16-days.ics"
    path.write_bytes(_export(app, campaigns=["16-days"]))
    report = feed_service.import_file(str(path), kind=None, dry_run=True, skip_bad=False, app=app,
                                      now=NOW)
    assert (len(report.added), len(report.rejected)) == (0, 0)
    assert EDITION_UID not in report.unchanged + report.updated


def test_cli_campaign_feed_and_export(sqlite_url: str) -> None:
    assert run(sqlite_url, "campaign", "add", "--preset", "16-days").code == 0
    assert run(sqlite_url, "campaign", "edition", "add", "16-days", "2025", "--theme", THEME_EN).code == 0
    added = run(sqlite_url, "feed", "add", "sixteen", "--campaign", "16-days", "--json")
    assert added.code == 0, added.stderr
    assert added.json()["filters"]["campaigns"] == ["16-days"]
    exported = run(sqlite_url, "export", "--campaign", "16-days")
    assert exported.code == 0 and b"DTEND;VALUE=DATE:20251211\r\n" in exported.stdout_bytes
    themed = run(sqlite_url, "campaign", "edition", "theme", "16-days", "2025", "--theme", f"ky:{THEME_KY}")
    assert themed.code == 0, themed.stderr
    for args, code in ((("feed", "add", "x", "--campaign", "nope"), 2), (("export", "--campaign", "nope"), 2),
                       (("campaign", "edition", "theme", "16-days", "2031", "--theme", "x"), 1),  # not found
                       (("campaign", "edition", "theme", "16-days", "2025"), 2),
                       (("campaign", "edition", "theme", "16-days", "2025", "--theme", "fr:x"), 2)):
        outcome = run(sqlite_url, *args)
        assert outcome.code == code and outcome.stderr.startswith("error:"), (args, outcome.stderr)
    assert [f["name"] for f in run(sqlite_url, "feed", "list", "--json").json()] == ["sixteen"]



@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[App, httpx.Client, str]]:
    app = App.open(Settings(db_url=f"sqlite:///{tmp_path / 'cal.db'}", default_tz="Asia/Ulaanbaatar"))
    build_programme(app)
    url = feed_service.add_feed(FeedSpec("16-days", campaigns=["16-days"]), app=app, now=NOW).url
    assert url is not None
    with running_server(app.settings.db_url) as client:
        yield app, client, urlsplit(url).path


def test_served_campaign_feed_follows_edition_changes(served: tuple[App, httpx.Client, str]) -> None:
    app, client, path = served
    first = client.get(path)
    assert first.status_code == 200
    found = _read_ical(first.content)
    assert (found[EDITION_UID]["start"], found[EDITION_UID]["end"]) == (date(2025, 11, 25), date(2025, 12, 11))
    etag = first.headers["etag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    new_theme = "Биригели! Санариптик зомбулукка жол жок"
    campaign_services.set_theme("16-days", 2025, [f"ky:{new_theme}"], app=app,
                                now=NOW + timedelta(hours=1))
    second = client.get(path, headers={"If-None-Match": etag})
    assert second.status_code == 200 and second.headers["etag"] != etag
    edition = _read_vobject(second.content)[EDITION_UID]
    assert new_theme in edition["description"] and THEME_KY not in edition["description"]
    assert b"SEQUENCE:1\r\n" in second.content
    # A new edition shows too (the server's fingerprint covers editions).
    etag = second.headers["etag"]
    campaign_services.add_edition("16-days", 2026, ["Theme to be announced"], app=app, now=NOW)
    third = client.get(path, headers={"If-None-Match": etag})
    assert third.status_code == 200 and "campaign-16-days-2026@calendar-app" in third.text
