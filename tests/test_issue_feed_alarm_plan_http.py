"""Alarms from reminder plans over HTTP: a real `calendar-app serve` process, a real client, and changes
made from this (another) process or in the workflows file: each change gives a new ETag and new bytes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from importlib import resources
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
from tests.server_helpers import running_server

TITLE = "Хүүхэд хамгааллын хуулийн төслийн зөвлөлдөх уулзалт"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[App, httpx.Client, str, str, Path]]:
    app = App.open(Settings(db_url=f"sqlite:///{tmp_path / 'cal.db'}", default_tz="Asia/Ulaanbaatar"))
    workflows = tmp_path / "workflows.toml"
    workflows.write_text(resources.files("events").joinpath("data/workflows.toml").read_text(encoding="utf-8"),
                         encoding="utf-8")
    services.add_event(NewEventDraft(title=TITLE, start="2026-11-26 10:00", duration="2h", kind="consultation",
                                             region="ulaanbaatar", visibility="public"), app=app, now=NOW)
    plan_url = feed_service.add_feed(FeedSpec("plan", alarms_from_reminders=True), app=app, now=NOW).url
    plain_url = feed_service.add_feed(FeedSpec("plain"), app=app, now=NOW).url
    assert plan_url and plain_url
    env = {"CALENDAR_APP_WORKFLOWS": str(workflows)}
    with running_server(app.settings.db_url, env=env, options=["--no-reminders"]) as client:
        yield app, client, urlsplit(plan_url).path, urlsplit(plain_url).path, workflows


def _get(client: httpx.Client, path: str, etag: str) -> httpx.Response:
    answer = client.get(path, headers={"If-None-Match": etag})
    assert answer.status_code == 200, answer.status_code
    assert answer.headers["etag"] != etag
    assert check_calendar(answer.content) == []
    return answer


def test_plan_changes_give_new_etags(served) -> None:
    app, client, path, plain_path, workflows = served
    assert "VALARM" not in client.get(plain_path).text  # off by default
    first = client.get(path)
    assert first.status_code == 200
    assert "TRIGGER:-P1D" in first.text and "TRIGGER:-PT2H" in first.text
    etag = first.headers["etag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

    (event,) = services.list_events(services.EventFilter(), app=app, now=NOW)
    services.edit_event(str(event.id), EventChanges(remind=["end+1h"]), app=app,
                        now=NOW + timedelta(hours=1))
    second = _get(client, path, etag)
    assert "TRIGGER;RELATED=END:PT1H" in second.text and "TRIGGER:-P1D" in second.text
    assert client.get(path, headers={"If-None-Match": second.headers["etag"]}).status_code == 304

    # The kind defaults are edited in the workflows file the server reads: it notices.
    text = workflows.read_text(encoding="utf-8").replace('reminders = ["start-1d", "start-2h"]',
                                                         'reminders = ["start-1w"]', 1)
    workflows.write_text(text, encoding="utf-8")
    later = time.time() + 10
    os.utime(workflows, (later, later))
    third = _get(client, path, second.headers["etag"])
    assert "TRIGGER:-P7D" in third.text and "TRIGGER:-P1D" not in third.text

    services.edit_event(str(event.id), EventChanges(default_reminders=False), app=app,
                        now=NOW + timedelta(hours=2))
    fourth = _get(client, path, third.headers["etag"])
    assert fourth.text.count("BEGIN:VALARM") == 1 and "TRIGGER;RELATED=END:PT1H" in fourth.text


def test_a_workflows_file_broken_while_serving_keeps_the_last_good_alarms(served) -> None:
    _, client, path, _, workflows = served
    good = workflows.read_text(encoding="utf-8")
    first = client.get(path)
    assert first.status_code == 200 and "TRIGGER:-P1D" in first.text

    workflows.write_text("[kinds.consultation\nreminders = [", encoding="utf-8")
    later = time.time() + 10
    os.utime(workflows, (later, later))
    kept = client.get(path)
    assert kept.status_code == 200 and kept.content == first.content

    workflows.write_text(good.replace('reminders = ["start-1d", "start-2h"]', 'reminders = ["start-1w"]', 1),
                         encoding="utf-8")
    os.utime(workflows, (later + 10, later + 10))
    fixed = _get(client, path, first.headers["etag"])
    assert "TRIGGER:-P7D" in fixed.text and "TRIGGER:-P1D" not in fixed.text


def test_serve_refuses_to_start_with_a_broken_workflows_file(tmp_path: Path) -> None:
    broken = tmp_path / "workflows.toml"
    broken.write_text("[kinds.consultation\n", encoding="utf-8")
    env = {**os.environ, "CALENDAR_APP_WORKFLOWS": str(broken)}
    done = subprocess.run(
        [sys.executable, "-c", "from cli import main; main()", "--db", f"sqlite:///{tmp_path / 'cal.db'}", "serve",
         "--port", "1", "--no-reminders"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "cannot use the workflow file" in done.stderr
