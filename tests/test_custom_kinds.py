"""Kinds an organisation adds in its workflows file (PRODUCT.md section 1): stored, filtered, planned,
exported and imported like the built-in ones; refused wherever the file does not add them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli import app

WORKFLOWS = """
[kinds.workshop]
reminders = ["start-1d"]

[[kinds.workshop.steps]]
key = "materials"
title = "Print the training materials"
at = "start-2d"
"""


def _runner(db: Path) -> Callable[..., Result]:
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, ["--db", str(db), "--tz", "Asia/Bishkek", *args])

    return invoke


@pytest.fixture
def workflows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "workflows.toml"
    path.write_text(WORKFLOWS, encoding="utf-8")
    monkeypatch.setenv("CALENDAR_APP_WORKFLOWS", str(path))
    monkeypatch.setenv("CALENDAR_APP_OUTBOX", str(tmp_path / "outbox"))
    return path


def test_an_added_kind_is_stored_filtered_planned_and_fed(tmp_path: Path, workflows: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    run = _runner(tmp_path / "a.db")
    assert run("contact", "add", "Айгүл", "--email", "aigul@example.kg", "--language", "ky").exit_code == 0
    added = run("event", "add", "Гендердик бюджеттөө боюнча семинар", "--kind", "Workshop", "--start",
                "2030-03-10 10:00", "--region", "naryn", "--organizer", "aigul@example.kg", "--visibility",
                "public", "--json")
    assert added.exit_code == 0, added.output
    assert json.loads(added.output)["kind"] == "workshop"
    listed = json.loads(run("event", "list", "--kind", "workshop", "--json").output)
    assert [e["title"] for e in listed] == ["Гендердик бюджеттөө боюнча семинар"]
    assert [r["rule"] for r in json.loads(run("reminder", "list", "--json").output)] == ["start-1d"]
    assert [t["step"] for t in json.loads(run("task", "list", "--json").output)] == ["materials"]
    assert "workshop" in run("workflow", "list").output
    fed = run("feed", "add", "workshops", "--kind", "workshop", "--visibility", "public")
    assert fed.exit_code == 0, fed.output
    exported = tmp_path / "workshops.ics"
    assert run("export", "--kind", "workshop", "-o", str(exported)).exit_code == 0
    assert "X-CALENDAR-APP-KIND:workshop" in exported.read_text(encoding="utf-8").replace("\r\n ", "")

    other = _runner(tmp_path / "b.db")
    monkeypatch.delenv("CALENDAR_APP_WORKFLOWS")  # a database whose organisation has no such kind
    refused = other("import", str(exported))
    assert refused.exit_code == 2 and "unknown kind 'workshop'" in refused.output
    assert json.loads(other("event", "list", "--json").output) == []
    monkeypatch.setenv("CALENDAR_APP_WORKFLOWS", str(workflows))
    imported = other("import", str(exported))
    assert imported.exit_code == 0, imported.output
    assert [e["kind"] for e in json.loads(other("event", "list", "--json").output)] == ["workshop"]


def test_a_kind_no_file_adds_is_refused_everywhere_and_nothing_changes(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALENDAR_APP_WORKFLOWS", raising=False)
    run = _runner(tmp_path / "c.db")
    for args in (["event", "add", "X", "--kind", "workshop", "--start", "2030-03-10 10:00"],
                 ["event", "list", "--kind", "workshop"],
                 ["feed", "add", "w", "--kind", "workshop"],
                 ["export", "--kind", "workshop", "-o", str(tmp_path / "x.ics")]):
        refused = run(*args)
        assert refused.exit_code == 2, (args, refused.output)
        assert refused.output.strip().splitlines() == [refused.output.strip()]
        assert "unknown kind 'workshop'" in refused.output and "consultation" in refused.output
    assert json.loads(run("event", "list", "--json").output) == []
    assert json.loads(run("feed", "list", "--json").output) == []
    assert not (tmp_path / "x.ics").exists()


def test_a_kind_name_the_file_cannot_use_is_named_in_the_error(tmp_path: Path, workflows: Path) -> None:
    workflows.write_text('[kinds."Round Table 2"]\nreminders = []\n', encoding="utf-8")
    refused = _runner(tmp_path / "d.db")("event", "add", "X", "--kind", "round table 2", "--start",
                                         "2030-03-10 10:00")
    assert refused.exit_code == 2
    assert "'Round Table 2' cannot name a kind" in refused.output and "[kinds.workshop]" in refused.output
