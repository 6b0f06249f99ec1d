"""The campaign commands through the CLI: exit codes, one-line errors, warnings on stderr, output files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CALENDAR_APP_HOLIDAYS", str(tmp_path / "holidays.toml"))
    path = str(tmp_path / "cli.db")
    for args in (["campaign", "add", "--preset", "16-days"],
                 ["campaign", "edition", "add", "16-days", "2025", "--theme", "Биригели!", "--theme",
                  "ru:Объединимся!"],
                 ["event", "add", "Үндэсний нээлт", "--kind", "launch", "--start", "2025-11-24 10:00",
                  "--region", "ulaanbaatar", "--campaign", "16-days", "--yearly", "--participants", "60",
                  "--women", "40", "--men", "20", "--partner", "UNFPA"]):
        result = runner.invoke(app, ["--db", path, *args])
        assert result.exit_code == 0, result.output
    return path


def run(db: str, *args: str):
    return runner.invoke(app, ["--db", db, *args])


def test_list_show_and_programme_json(db: str) -> None:
    listed = json.loads(run(db, "campaign", "list", "--json").stdout)
    assert [c["slug"] for c in listed] == ["16-days"] and listed[0]["window"] == "11-25..12-10"
    shown = json.loads(run(db, "campaign", "show", "16-days", "--year", "2025", "--json").stdout)
    assert shown["editions"][0]["themes"] == {"ru": "Объединимся!"} and shown["editions"][0]["events"] == 1
    programme = json.loads(run(db, "campaign", "programme", "16-days", "--year", "2025", "--json").stdout)
    assert programme["days"][0]["regions"][0]["events"][0]["campaign"]["slug"] == "16-days"
    assert len(programme["empty_days"]) == 16
    grid = run(db, "campaign", "programme", "16-days", "--year", "2025")
    assert grid.exit_code == 0 and "Republic" in grid.stdout and "nothing" in grid.stdout


def test_event_on_a_public_holiday_warns_on_stderr_and_succeeds(db: str) -> None:
    result = run(db, "event", "add", "Сургалт", "--start", "2025-11-26 10:00", "--region", "khovd",
                 "--campaign", "16-days", "--json")
    assert result.exit_code == 0
    assert result.stderr.strip() == ("warning: 2025-11-26 is a public holiday in MN (Republic Day): check that "
                                     "people can attend")
    assert json.loads(result.stdout)["campaign"] == {"slug": "16-days", "year": 2025, "yearly": False}


def test_holiday_overrides_file_adds_a_late_announced_day(db: str, tmp_path: Path) -> None:
    (tmp_path / "holidays.toml").write_text(
        '[[add]]\ncountry = "KG"\ndate = "2025-12-01"\nname = "Нарын күнү (decree)"\n', encoding="utf-8")
    result = run(db, "event", "add", "Meeting", "--start", "2025-12-01 10:00", "--region", "naryn")
    assert result.exit_code == 0 and "Нарын күнү (decree)" in result.stderr
    programme = json.loads(run(db, "campaign", "programme", "16-days", "--json").stdout)
    day = next(d for d in programme["days"] if d["date"] == "2025-12-01")
    assert day["holidays"] == [{"country": "KG", "name": "Нарын күнү (decree)"}]


@pytest.mark.parametrize(("args", "words"), [
    (["campaign", "add", "x", "--name", "X", "--window", "02-30..03-01"], "02-30"),
    (["campaign", "edition", "add", "16-days", "2025"], "has a 2025 edition already"),
    (["campaign", "edition", "add", "16-days", "2026", "--theme", "de:Gemeinsam"], "'de' is not a language"),
    (["campaign", "roll", "16-days", "--to", "2025", "--from", "2025"], "has a 2025 edition already"),
    (["event", "add", "Late", "--start", "2025-12-12 10:00", "--region", "bishkek", "--campaign", "16-days"],
     "--allow-outside"),
    (["event", "add", "X", "--start", "2025-11-26 10:00", "--campaign", "nope"], "unknown campaign"),
    (["campaign", "report", "16-days", "--format", "pdf"], "unknown format"),
])
def test_bad_input_is_one_line_on_stderr_with_exit_2(db: str, args: list[str], words: str) -> None:
    before = run(db, "event", "list", "--json").stdout, run(db, "campaign", "list", "--json").stdout
    result = run(db, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1 and words in result.stderr
    assert (run(db, "event", "list", "--json").stdout, run(db, "campaign", "list", "--json").stdout) == before


def test_allow_outside_links_anyway_and_roll_copies_it_only_if_yearly(db: str) -> None:
    result = run(db, "event", "add", "Late", "--start", "2025-12-12 10:00", "--region", "bishkek", "--campaign",
                 "16-days", "--allow-outside", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["campaign"]["year"] == 2025
    rolled = json.loads(run(db, "campaign", "roll", "16-days", "--to", "2026", "--theme", "Next", "--json").stdout)
    assert rolled["rolled_from"] == 2025 and [e["first_day"] for e in rolled["events"]] == ["2026-11-24"]
    assert rolled["events"][0]["status"] == "tentative"


def test_report_formats_and_output_file(db: str, tmp_path: Path) -> None:
    data = json.loads(run(db, "campaign", "report", "16-days", "--format", "json").stdout)
    assert data["figures"]["participants"]["women"] == 40 and data["year"] == 2025
    rows = list(csv.reader(io.StringIO(run(db, "campaign", "report", "16-days", "--format", "csv").stdout)))
    assert rows[0] == ["section", "item", "value", "previous"] and ["summary", "women", "40", ""] in rows
    assert "Summary" in run(db, "campaign", "report", "16-days").stdout
    target = tmp_path / "report.html"
    result = run(db, "campaign", "report", "16-days", "--year", "2025", "--format", "html", "-o", str(target))
    assert result.exit_code == 0 and target.read_text(encoding="utf-8").count("<svg") == 2


def test_event_list_filters_by_campaign(db: str) -> None:
    assert run(db, "event", "add", "Outside any campaign", "--start", "2025-11-27 10:00").exit_code == 0
    listed = json.loads(run(db, "event", "list", "--campaign", "16-days", "--json").stdout)
    assert [e["title"] for e in listed] == ["Үндэсний нээлт"]
    result = run(db, "event", "list", "--campaign", "nope")
    assert result.exit_code == 2 and "unknown campaign 'nope'" in result.stderr


@pytest.mark.parametrize("args", [["campaign", "show", "nope"], ["campaign", "edition", "add", "nope", "2025"]])
def test_a_command_acting_on_an_unknown_campaign_exits_1(db: str, args: list[str]) -> None:
    before = run(db, "campaign", "list", "--json").stdout
    result = run(db, *args)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "unknown campaign 'nope'" in result.stderr
    assert run(db, "campaign", "list", "--json").stdout == before
