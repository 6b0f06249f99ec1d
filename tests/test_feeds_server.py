"""The feed server as users meet it: a real `calendar-app serve` process on a random loopback port, a real
HTTP client, and the CLI-side services changing the database from this (another) process."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.config import Settings
from events.drafts import EventChanges, NewEventDraft
from exports.checks import check_calendar
from exports.feeds import FeedSpec
from tests.conftest import NOW
from tests.server_helpers import add_feed_stored_before_checks, running_server
from tests.test_feeds_render import read_with_ical, read_with_vobject

PUBLIC_T = "Нээлттэй хурал"
SECRET_T = "Нууц зөвлөгөөн"
BASE = "https://calendar.example.org"



@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[App, httpx.Client, dict[str, str]]]:
    app = App.open(Settings(db_url=f"sqlite:///{tmp_path / 'cal.db'}", default_tz="Asia/Ulaanbaatar"))
    for title, visibility in ((PUBLIC_T, "public"), (SECRET_T, "confidential")):
        services.add_event(NewEventDraft(title=title, start="2026-11-26 10:00", duration="2h", region="khovd",
                                         visibility=visibility, location="Ховд"), app=app, now=NOW)
    urls = {
        "public": feed_service.add_feed(FeedSpec("public-events"), app=app, now=NOW).url,
        "public-conf": add_feed_stored_before_checks(app, FeedSpec("pubconf", visibilities=["confidential",
                                                                                           "public"])).url,
        "private": feed_service.add_feed(FeedSpec("board", private=True, visibilities=["confidential"]),
                                         app=app, now=NOW).url,
        "busy": feed_service.add_feed(FeedSpec("busy", private=True, detail="busy",
                                               visibilities=["public", "confidential"]), app=app,
                                      now=NOW).url,
    }
    with running_server(app.settings.db_url, env={"CALENDAR_APP_BASE_URL": BASE}) as client:
        yield app, client, {k: urlsplit(v).path for k, v in urls.items() if v}


def test_get_then_304_then_change_then_new_etag(served) -> None:
    app, client, paths = served
    first = client.get(paths["public"])
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/calendar; charset=utf-8"
    assert first.headers["content-disposition"] == 'inline; filename="public-events.ics"'
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert check_calendar(first.content) == []
    assert client.get(paths["public"], headers={"If-None-Match": etag}).status_code == 304
    since = first.headers["last-modified"]
    assert client.get(paths["public"], headers={"If-Modified-Since": since}).status_code == 304
    assert client.get(paths["public"]).headers["etag"] == etag  # same data, same bytes
    views = services.list_events(services.EventFilter(visibilities=["public"]), app=app, now=NOW)
    services.edit_event(str(views[0].id), EventChanges(title="Шинэ нэр"), app=app,
                        now=NOW + timedelta(hours=1))
    changed = client.get(paths["public"], headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert "Шинэ нэр" in changed.text


def test_gzip_and_head(served) -> None:
    _, client, paths = served
    plain = client.get(paths["public"], headers={"Accept-Encoding": "identity"})
    zipped = client.get(paths["public"], headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == plain.content  # httpx decodes; the bytes are the same feed
    assert zipped.headers["etag"] != plain.headers["etag"]
    with client.stream("GET", paths["public"], headers={"Accept-Encoding": "gzip"}) as raw:
        assert gzip.decompress(b"".join(raw.iter_raw())) == plain.content
    head = client.head(paths["public"], headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(plain.content))
    assert head.headers["etag"] == plain.headers["etag"]


def test_confidentiality_over_http(served) -> None:
    _, client, paths = served
    public = client.get(paths["public"]).text
    assert PUBLIC_T in public and SECRET_T not in public
    assert SECRET_T not in client.get(paths["public-conf"]).text  # public feeds never carry confidential
    private = client.get(paths["private"]).text
    assert SECRET_T in private and PUBLIC_T not in private
    busy = client.get(paths["busy"]).text
    assert busy.count("BEGIN:VEVENT") == 2
    for leak in (PUBLIC_T, SECRET_T, "Ховд\r\n", "LOCATION", "DESCRIPTION", "X-CALENDAR-APP"):
        assert leak not in busy


def test_parsers_read_the_served_feed(served) -> None:
    _, client, paths = served
    data = client.get(paths["private"]).content
    for reader in (read_with_vobject, read_with_ical):
        (event,) = reader(data).values()
        assert event["summary"] == SECRET_T
        start = event["start"]
        assert isinstance(start, datetime)
        assert start.isoformat() == "2026-11-26T03:00:00+00:00"  # 10:00 in Asia/Hovd (UTC+7)


def test_not_found_never_leaks(served) -> None:
    app, client, paths = served
    assert client.get(paths["private"]).status_code == 200
    feed_service.rotate_feed("board", app=app, now=NOW)
    revoked = client.get(paths["private"])
    never = client.get("/private/" + "A" * 43 + ".ics")
    assert revoked.status_code == never.status_code == 404
    assert revoked.content == never.content == b"Not found\n"
    for path in ("/feeds/nope.ics", "/feeds/board.ics", "/nowhere", "/private/x", "/feeds/%2e%2e%2fetc.ics"):
        answer = client.get(path)
        assert answer.status_code == 404 and b"Traceback" not in answer.content, path
    feed_service.remove_feed("public-events", app=app)
    assert client.get(paths["public"]).status_code == 404


def test_index_lists_public_feeds_with_subscribe_links(served) -> None:
    _, client, _ = served
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "webcal://calendar.example.org/feeds/public-events.ics" in page.text
    assert "https://calendar.example.org/feeds/public-events.ics" in page.text
    assert "board" not in page.text and "busy" not in page.text
    assert client.get("/health").json()["status"] == "ok"
