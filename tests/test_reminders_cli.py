"""A few CLI checks of the reminder commands: exit codes, one-line errors, nothing changed after an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CALENDAR_APP_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.delenv("CALENDAR_APP_SMTP_URL", raising=False)
    db = str(tmp_path / "cli.db")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["--db", db, "--tz", "Asia/Ulaanbaatar", *args])

    return invoke


def test_contact_and_event_with_reminders_from_the_cli(run) -> None:
    assert run("contact", "add", "Оюунчимэг", "--email", "oyuna@example.mn", "--language", "mn").exit_code == 0
    result = run("event", "add", "Зөвшилцөх уулзалт", "--kind", "consultation", "--start", "2030-05-06 10:00",
                 "--notify", "oyuna@example.mn", "--remind", "30m", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(run("reminder", "list", "--json").output)
    assert sorted(r["rule"] for r in rows) == ["start-1d", "start-2h", "start-30m"]
    assert rows[0]["due"] == "2030-05-05T10:00:00+08:00" and rows[0]["language"] == "mn"
    preview = json.loads(run("reminder", "preview", "--at", "2030-05-06 09:45", "--json").output)
    assert [p["rule"] for p in preview] == ["start-2h", "start-30m"]  # the 1-day one is past its grace by then
    assert preview[0]["subject"] == "Сануулга: Зөвшилцөх уулзалт"
    edit = run("event", "edit", "1", "--no-default-reminders", "--json")
    assert edit.exit_code == 0, edit.output
    assert [r["rule"] for r in json.loads(run("reminder", "list", "--json").output)] == ["start-30m"]
    shown = json.loads(run("workflow", "show", "consultation", "--json").output)
    assert shown["reminders"] == ["start-1d", "start-2h"]
    tasks = json.loads(run("task", "list", "--json").output)
    assert len(tasks) == 5


@pytest.mark.parametrize(("args", "code", "words"), [
    (("contact", "add", "X", "--email", "not-an-address", "--language", "mn"), 2, "not an e-mail address"),
    (("contact", "add", "X", "--email", "x@example.org", "--language", "de"), 2, "unknown language"),
    (("contact", "edit", "nobody@example.org", "--language", "ru"), 1, "no contact"),
    (("event", "add", "X", "--start", "2030-05-06 10:00", "--notify", "nobody@example.org"), 1, "no contact"),
    (("event", "add", "X", "--start", "2030-05-06 10:00", "--duration", "3h", "--remind", "end-1h"), 2,
     "not before the event"),
    (("event", "add", "X", "--start", "2030-05-06 10:00", "--remind", "soon"), 2, "reminder offset"),
    (("workflow", "show", "picnic"), 1, "no workflow"),
    (("task", "done", "42"), 1, "no task"),
    (("reminder", "list", "--status", "lost"), 2, "unknown status"),
    (("reminder", "log", "--event", "99"), 1, "no event"),
    (("contact", "add", "X", "--email", "x@example.org", "--tz", "Mars/Base"), 2, "unknown time zone"),
])
def test_bad_input_is_one_line_and_changes_nothing(run, args, code, words) -> None:
    result = run(*args)
    assert result.exit_code == code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0]
    assert json.loads(run("event", "list", "--json").output) == []
    assert json.loads(run("contact", "list", "--json").output) == []


def test_scheduler_once_with_a_broken_smtp_url_starts_and_reports_the_channel(run, monkeypatch, caplog) -> None:
    monkeypatch.setenv("CALENDAR_APP_SMTP_URL", "smtp//missing-colon")
    run("contact", "add", "Айгүл", "--email", "aigul@example.kg", "--language", "ky")
    result = run("scheduler", "run", "--once")
    assert result.exit_code == 0, result.output
    assert "sent 0" in result.output
    assert "e-mail channel failing" in caplog.text and "CALENDAR_APP_SMTP_URL" in caplog.text


ASSIGNED_WORKFLOW = """
[kinds.signing]
reminders = []

[[kinds.signing.steps]]
key = "final-text"
title = "Agree the final text"
at = "start-7d"
notify = true

[[kinds.signing.steps]]
key = "press-release"
title = "Publish the press release"
at = "end+1d"
assignee = "press@example.mn"
notify = true
"""


def test_a_step_assigned_to_a_contact_gets_its_task_and_message(run, tmp_path, monkeypatch) -> None:
    workflows = tmp_path / "workflows.toml"
    workflows.write_text(ASSIGNED_WORKFLOW, encoding="utf-8")
    monkeypatch.setenv("CALENDAR_APP_WORKFLOWS", str(workflows))
    assert run("contact", "add", "Organiser", "--email", "lead@example.mn", "--language", "en").exit_code == 0
    assert run("contact", "add", "Хэвлэл", "--email", "press@example.mn", "--language", "mn").exit_code == 0
    added = run("event", "add", "Санамж бичигт гарын үсэг зурах", "--kind", "signing", "--start", "2030-05-06 10:00",
                "--organizer", "lead@example.mn")
    assert added.exit_code == 0, added.output
    tasks = {t["step"]: t["assignee"] for t in json.loads(run("task", "list", "--json").output)}
    assert tasks == {"final-text": "lead@example.mn", "press-release": "press@example.mn"}
    messages = {(r["rule"], r["to"]) for r in json.loads(run("reminder", "list", "--json").output)}
    assert messages == {("task:final-text", "lead@example.mn"), ("task:press-release", "press@example.mn")}


def test_a_step_assigned_to_an_unknown_contact_refuses_the_event_but_not_its_cancellation(
    run, tmp_path, monkeypatch
) -> None:
    workflows = tmp_path / "workflows.toml"
    workflows.write_text(ASSIGNED_WORKFLOW, encoding="utf-8")
    monkeypatch.setenv("CALENDAR_APP_WORKFLOWS", str(workflows))
    refused = run("event", "add", "Signing", "--kind", "signing", "--start", "2030-05-06 10:00")
    assert refused.exit_code == 2
    lines = refused.output.strip().splitlines()
    assert len(lines) == 1 and "'press@example.mn', who is not a contact" in lines[0] and "contact add" in lines[0]
    assert json.loads(run("event", "list", "--json").output) == []
    assert run("contact", "add", "Press", "--email", "press@example.mn", "--language", "en").exit_code == 0
    assert run("event", "add", "Signing", "--kind", "signing", "--start", "2030-05-06 10:00").exit_code == 0
    assert run("contact", "remove", "press@example.mn").exit_code == 0
    cancelled = run("event", "cancel", "1", "--reason", "postponed")
    assert cancelled.exit_code == 0, cancelled.output
    assert {t["status"] for t in json.loads(run("task", "list", "--all", "--json").output)} == {"cancelled"}
