"""A private feed with tasks served by a real `calendar-app serve`: the ETag follows `task done` and new tasks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from icalendar import Calendar

from calendar_app import feeds as feed_service
from calendar_app import services
from calendar_app.app import App
from calendar_app.config import Settings
from events.drafts import NewEventDraft
from exports.feeds import FeedSpec
from tests.cli_helpers import run
from tests.conftest import NOW
from tests.server_helpers import running_server


def _add(app: App, title: str, kind: str) -> str:
    return services.add_event(NewEventDraft(title=title, start="2026-12-10 10:00", duration="3h", kind=kind,
                                            region="ulaanbaatar", organizer="oyuna@example.mn"),
                              app=app, now=NOW).view.uid


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[App, httpx.Client, str]]:
    app = App.open(Settings(db_url=f"sqlite:///{tmp_path / 'cal.db'}", default_tz="Asia/Ulaanbaatar"))
    _add(app, "Зөвшилцөх уулзалт", "consultation")
    url = feed_service.add_feed(FeedSpec("ub-tasks", private=True, tasks=True), app=app, now=NOW).url
    assert url is not None
    with running_server(app.settings.db_url) as client:
        yield app, client, urlsplit(url).path


def _todos(data: bytes) -> dict[str, str]:
    return {str(t["UID"]): str(t["STATUS"]) for t in Calendar.from_ical(data).walk("VTODO")}


def test_served_feed_follows_task_changes(served: tuple[App, httpx.Client, str]) -> None:
    app, client, path = served
    first = client.get(path)
    assert first.status_code == 200
    todos = _todos(first.content)
    assert len(todos) == 5 and set(todos.values()) == {"NEEDS-ACTION"}
    etag = first.headers["etag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

    # `task done` from the CLI (another process than the server): the next GET is a 200 with a new ETag.
    task_id = run(app.settings.db_url, "task", "list", "--json").json()[0]["id"]
    assert run(app.settings.db_url, "task", "done", str(task_id)).code == 0
    second = client.get(path, headers={"If-None-Match": etag})
    assert second.status_code == 200 and second.headers["etag"] != etag
    assert sorted(_todos(second.content).values()) == ["COMPLETED", *["NEEDS-ACTION"] * 4]
    assert b"COMPLETED:" in second.content
    etag = second.headers["etag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

    # An event edit that brings new tasks (a meeting becomes a consultation) shows them.
    meeting = _add(app, "Ажлын уулзалт", "meeting")
    third = client.get(path, headers={"If-None-Match": etag})
    assert third.status_code == 200 and len(_todos(third.content)) == 5
    etag = third.headers["etag"]
    assert run(app.settings.db_url, "event", "edit", meeting, "--kind", "consultation").code == 0
    fourth = client.get(path, headers={"If-None-Match": etag})
    assert fourth.status_code == 200 and fourth.headers["etag"] != etag
    assert len(_todos(fourth.content)) == 10
    assert sum(1 for uid in _todos(fourth.content) if uid.endswith(meeting)) == 5
