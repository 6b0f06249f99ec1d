"""Attendees over HTTP from a real `calendar-app serve`: only the private attendee feed names people, and
its ETag follows an answer recorded by another process; the public feed and the index page name no one."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from icalendar import Calendar

from calendar_app import feeds as feed_service
from calendar_app.app import App
from calendar_app.config import Settings
from exports.feeds import FeedSpec
from tests.cli_helpers import run
from tests.conftest import NOW
from tests.people_fixture import WOMEN, build_round_table
from tests.server_helpers import running_server


def _partstats(data: bytes) -> dict[str, str]:
    found = {}
    for event in Calendar.from_ical(data).walk("VEVENT"):
        for attendee in event.get("attendee", []):
            found[str(attendee)] = str(attendee.params["PARTSTAT"])
    return found


def test_served_attendees(tmp_path: Path) -> None:
    app = App.open(Settings(db_url=f"sqlite:///{tmp_path / 'calendar.db'}", default_tz="Asia/Bishkek"))
    build_round_table(app, tmp_path)
    feed_service.add_feed(FeedSpec("public"), app=app, now=NOW)
    url = feed_service.add_feed(FeedSpec("organisers", private=True, attendees=True), app=app, now=NOW).url
    assert url is not None
    path = urlsplit(url).path
    with running_server(app.settings.db_url) as client:
        public = client.get("/feeds/public.ics")
        assert public.status_code == 200 and b"BEGIN:VEVENT" in public.content
        assert b"ATTENDEE" not in public.content and WOMEN[0].encode() not in public.content
        index = client.get("/")
        assert index.status_code == 200 and WOMEN[0] not in index.text and "example.kg" not in index.text
        first = client.get(path)
        assert first.status_code == 200 and _partstats(first.content)["mailto:anara@example.kg"] == "NEEDS-ACTION"
        etag = first.headers["etag"]
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
        assert run(app.settings.db_url, "participant", "set", "1", "anara@example.kg", "--status",
                   "accepted").code == 0
        second = client.get(path, headers={"If-None-Match": etag})
        assert second.status_code == 200 and second.headers["etag"] != etag
        assert _partstats(second.content)["mailto:anara@example.kg"] == "ACCEPTED"
    app.close()
