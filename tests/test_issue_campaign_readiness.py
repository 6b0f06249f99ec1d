"""Readiness workflows of campaign editions (issue 5, point 5): tasks counted from the window, created when an
edition is added or rolled, tracked like event tasks. Injected clock, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from calendar_app.app import App
from calendar_app.campaigns import services as campaign_services
from calendar_app.config import Settings
from calendar_app.notify import services as notify_services
from cli import app as cli_app
from commands.errors import cli_message
from events.campaigns.readiness import UnknownCoordinator, parse_readiness, template_for
from events.errors import Action, CalendarAppError
from events.notify.contacts import ContactDraft
from events.notify.errors import TaskNotFound, WorkflowFileError
from tests.conftest import NOW

WINTER = """
[campaign.default]
steps = [
    { key = "materials", title = "Materials ready", at = "start-30d" },
    { key = "launch", title = "National launch", at = "start-1d" },
    { key = "report", title = "Report", at = "end+14d" },
]

[campaign.winter]
coordinator = "bolor@example.kg"
"""


@pytest.fixture
def workflow_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "workflows.toml"
    monkeypatch.setenv("CALENDAR_APP_WORKFLOWS", str(path))
    monkeypatch.setenv("CALENDAR_APP_HOLIDAYS", str(tmp_path / "holidays.toml"))
    return path


@pytest.fixture
def app(store_url: str, workflow_file: Path) -> Iterator[App]:
    """The application with this module's workflows file, as the CLI builds it from the environment."""
    app = App.open(Settings(db_url=store_url, default_tz="Asia/Ulaanbaatar", workflows=str(workflow_file),
                            holidays=workflow_file.with_name("holidays.toml")))
    yield app
    app.close()


def _contact(app: App, name: str, email: str) -> None:
    notify_services.add_contact(ContactDraft(name=name, email=email, language="mn"), app=app, now=NOW)


def _tasks(app: App, **filters: object) -> list[dict]:
    options = {"overdue": False, "mine": None, "include_done": False, **filters}
    return notify_services.list_tasks(app=app, now=NOW, **options)  # type: ignore[arg-type]


def _task_rows(url: str) -> list[tuple]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = [tuple(r) for r in connection.execute(sa.text(
            "SELECT id, event_id, campaign_edition_id, step, title, due_utc, assignee, status, done_at, created_at "
            "FROM task ORDER BY id"))]
    engine.dispose()
    return rows


def _counts(url: str) -> tuple[int, int]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        counts = (connection.execute(sa.text("SELECT count(*) FROM campaign_edition")).scalar_one(),
                  connection.execute(sa.text("SELECT count(*) FROM task")).scalar_one())
    engine.dispose()
    return counts


def test_window_across_the_year_end_counts_from_first_day_and_exclusive_end(app: App,
                                                                             workflow_file: Path) -> None:
    workflow_file.write_text(WINTER, encoding="utf-8")
    _contact(app, "Болот", "bolor@example.kg")
    campaign_services.add_campaign("winter", name="Winter campaign", window="12-20..01-10", color=None, preset=None,
                                   app=app)
    campaign_services.add_edition("winter", 2026, [], app=app, now=datetime(2026, 10, 1, tzinfo=UTC))
    rows = _tasks(app)
    assert [(r["step"], r["due"]) for r in rows] == [
        ("materials", "2026-11-20T00:00:00+08:00"),  # 30 days before 20 December 2026
        ("launch", "2026-12-19T00:00:00+08:00"),
        ("report", "2027-01-25T00:00:00+08:00"),  # 14 days after the exclusive end, 11 January 2027
    ]
    assert {(r["campaign"], r["year"], r["event"], r["event_id"], r["assignee"]) for r in rows} == {
        ("winter", 2026, "winter 2026", None, "bolor@example.kg")}  # the template's coordinator


def test_16_days_tasks_overdue_mine_and_shown_with_the_edition(app: App) -> None:
    app = App(replace(app.settings, workflows=None), app.store)  # the shipped file and its [campaign.16-days]
    _contact(app, "Оюунчимэг", "oyuna@example.mn")
    campaign_services.add_campaign(None, name=None, window=None, color=None, preset="16-days", app=app)
    campaign_services.add_edition("16-days", 2026, ["Биригели!"], app=app, now=NOW,
                                  coordinator="oyuna@example.mn")
    rows = _tasks(app)
    # NOW is 23 Nov 11:00 in Ulaanbaatar, two days before the window: the steps already past (30, 14 and 7 days
    # before) fall due today in the coordinator's zone, not weeks overdue (issue 13)
    assert [(r["step"], r["due"], r["overdue"]) for r in rows] == [
        ("materials", "2026-11-23T23:59:00+08:00", False),
        ("partners-confirmed", "2026-11-23T23:59:00+08:00", False),
        ("media", "2026-11-23T23:59:00+08:00", False),
        ("national-launch", "2026-11-24T00:00:00+08:00", False),
        ("report", "2026-12-25T00:00:00+08:00", False),
    ]
    assert _tasks(app, overdue=True) == []
    later = notify_services.list_tasks(overdue=True, mine=None, include_done=False, app=app,
                                       now=datetime(2026, 11, 23, 15, 59, 30, tzinfo=UTC))  # 23:59:30
    assert [r["step"] for r in later] == ["materials", "partners-confirmed", "media"]
    assert len(_tasks(app, mine="OYUNA@example.mn")) == 5 and _tasks(app, mine="x@example.mn") == []
    shown = campaign_services.show_campaign("16-days", 2026, app=app, now=NOW).as_json()
    assert [t["step"] for t in shown["editions"][0]["tasks"]] == [r["step"] for r in rows]


def test_task_done_closes_an_edition_task(app: App, workflow_file: Path) -> None:
    workflow_file.write_text(WINTER, encoding="utf-8")
    _contact(app, "Болот", "bolor@example.kg")
    campaign_services.add_campaign("winter", name="Winter", window="12-20..01-10", color=None, preset=None,
                                   app=app)
    campaign_services.add_edition("winter", 2026, [], app=app, now=NOW)
    first = _tasks(app)[0]
    done = notify_services.task_done(str(first["id"]), app=app, now=NOW)
    assert (done["status"], done["campaign"], done["done_at"]) == ("done", "winter", NOW.isoformat())
    assert [r["step"] for r in _tasks(app)] == ["launch", "report"]
    assert [r["status"] for r in _tasks(app, include_done=True)] == ["done", "open", "open"]
    with pytest.raises(TaskNotFound):
        notify_services.task_done("999", app=app, now=NOW)


def test_roll_gives_the_new_edition_its_own_tasks_and_leaves_the_old_ones(app: App,
                                                                          workflow_file: Path) -> None:
    workflow_file.write_text(WINTER.replace('coordinator = "bolor@example.kg"', ""), encoding="utf-8")
    _contact(app, "Болот", "bolor@example.kg")
    campaign_services.add_campaign("winter", name="Winter", window="12-20..01-10", color=None, preset=None,
                                   app=app)
    campaign_services.add_edition("winter", 2026, [], app=app, now=NOW, coordinator="bolor@example.kg")
    notify_services.task_done(str(_tasks(app)[0]["id"]), app=app, now=NOW)
    before = _task_rows(app.settings.db_url)
    later = datetime(2026, 12, 1, tzinfo=UTC)
    campaign_services.roll("winter", 2027, [], app=app, now=later)
    after = _task_rows(app.settings.db_url)
    assert after[: len(before)] == before  # the 2026 tasks are untouched, done one included
    rolled = [r for r in _tasks(app, include_done=True) if r["year"] == 2027]
    assert [(r["step"], r["due"], r["status"], r["assignee"]) for r in rolled] == [
        ("materials", "2027-11-20T00:00:00+08:00", "open", "bolor@example.kg"),  # coordinator carried over
        ("launch", "2027-12-19T00:00:00+08:00", "open", "bolor@example.kg"),
        ("report", "2028-01-25T00:00:00+08:00", "open", "bolor@example.kg"),
    ]


def test_an_edition_entered_after_the_fact_gets_no_tasks(app: App, workflow_file: Path) -> None:
    workflow_file.write_text(WINTER.replace('coordinator = "bolor@example.kg"', ""), encoding="utf-8")
    campaign_services.add_campaign("winter", name="Winter", window="12-20..01-10", color=None, preset=None,
                                   app=app)
    campaign_services.add_edition("winter", 2024, [], app=app, now=NOW)  # its report was due 01-2025
    assert _tasks(app, include_done=True) == []


def test_unknown_coordinator_changes_nothing(app: App, workflow_file: Path) -> None:
    workflow_file.write_text(WINTER, encoding="utf-8")  # the template names bolor@, who is no contact
    campaign_services.add_campaign("winter", name="Winter", window="12-20..01-10", color=None, preset=None,
                                   app=app)
    for coordinator in (None, "nobody@example.mn", "4242"):
        with pytest.raises(UnknownCoordinator) as caught:
            campaign_services.add_edition("winter", 2026, [], app=app, now=NOW, coordinator=coordinator)
        assert caught.value.exit_code == 2 and Action.ADD_CONTACT in caught.value.actions
        assert "'calendar-app contact add" in cli_message(caught.value)
    assert _counts(app.settings.db_url) == (0, 0)


def test_bad_step_offset_in_the_template_file_is_exit_2_and_changes_nothing(tmp_path: Path,
                                                                              workflow_file: Path) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    assert runner.invoke(cli_app, ["--db", db, "campaign", "add", "--preset", "16-days"]).exit_code == 0
    workflow_file.write_text(WINTER.replace("start-30d", "start-30x"), encoding="utf-8")
    result = runner.invoke(cli_app, ["--db", db, "campaign", "edition", "add", "16-days", "2099"])
    assert result.exit_code == 2
    assert "workflows.toml" in result.stderr and "'materials'" in result.stderr and "start-30x" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _counts(f"sqlite:///{db}") == (0, 0)
    roll = runner.invoke(cli_app, ["--db", db, "campaign", "roll", "16-days", "--to", "2099"])
    assert roll.exit_code != 0 and _counts(f"sqlite:///{db}") == (0, 0)


def test_cli_edition_add_with_coordinator_then_task_list_and_done(tmp_path: Path, workflow_file: Path) -> None:
    workflow_file.write_text(WINTER.replace('coordinator = "bolor@example.kg"', ""), encoding="utf-8")
    db = str(tmp_path / "cli.db")
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli_app, ["--db", db, "--tz", "Asia/Bishkek", *args])

    assert run("contact", "add", "Бактыгүл", "--email", "baktygul@example.kg", "--language", "ky").exit_code == 0
    assert run("campaign", "add", "--preset", "16-days").exit_code == 0
    bad = run("campaign", "edition", "add", "16-days", "2099", "--coordinator", "nobody@example.kg")
    assert bad.exit_code == 2 and "nobody@example.kg" in bad.stderr
    added = run("campaign", "edition", "add", "16-days", "2099", "--coordinator", "baktygul@example.kg")
    assert added.exit_code == 0, added.output
    rows = json.loads(run("task", "list", "--mine", "baktygul@example.kg", "--json").stdout)
    assert [(r["step"], r["due"]) for r in rows] == [
        ("materials", "2099-10-26T00:00:00+06:00"), ("launch", "2099-11-24T00:00:00+06:00"),
        ("report", "2099-12-25T00:00:00+06:00")]
    assert run("task", "done", str(rows[0]["id"])).exit_code == 0
    shown = run("campaign", "show", "16-days", "--year", "2099")
    assert "Readiness tasks 2099" in shown.stdout and "done" in shown.stdout
    assert run("campaign", "roll", "16-days", "--to", "2100").exit_code == 0
    listed = json.loads(run("task", "list", "--json").stdout)
    assert [(r["year"], r["step"]) for r in listed] == [
        (2099, "launch"), (2099, "report"), (2100, "materials"), (2100, "launch"), (2100, "report")]


def test_template_parsing_override_and_errors() -> None:
    own = '\n[campaign.womens-day]\nsteps = [{ key = "a", title = "A", at = "end+1d" }]\n'
    templates = parse_readiness(WINTER + own)
    assert [s.key for s in template_for("winter", templates).steps or ()] == ["materials", "launch", "report"]
    assert template_for("winter", templates).coordinator == "bolor@example.kg"
    assert [s.at.key for s in template_for("womens-day", templates).steps or ()] == ["end+1d"]
    assert template_for("other", templates).coordinator is None
    for broken, words in (("[campaign.x]\nsteps = [{ key = 'a', title = 'A', at = 'end' }]", "end+3d"),
                          ("[campaign.x]\nsteps = [{ key = 'a', at = '1d' }]", "title"),
                          ("[campaign.x]\nsteps = 3", "list"),
                          ("campaign = 3", "[campaign.default]"),
                          ("[campaign.x]\nsteps = [{ key = 'a', title = 'A', at = '1d' }, "
                           "{ key = 'a', title = 'B', at = '2d' }]", "repeats")):
        with pytest.raises(WorkflowFileError) as caught:
            parse_readiness(broken, "mine.toml")
        assert isinstance(caught.value, CalendarAppError) and caught.value.exit_code == 2
        assert "mine.toml" in str(caught.value) and words in str(caught.value)


def test_migration_0005_keeps_event_tasks_and_their_deliveries(store_url: str) -> None:
    from calendar_app.db import create_db_engine
    from calendar_app.schema import upgrade

    engine = create_db_engine(store_url)
    upgrade(engine, "0004")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO event (id, uid, title, kind, all_day, start_utc, end_utc, timezone, region, status,"
            " visibility, sequence, search_text, created_at, updated_at, yearly) VALUES"
            " (1, 'u-1', 'Зөвлөлдөх уулзалт', 'consultation', false, '2026-12-01 02:00:00',"
            " '2026-12-01 04:00:00', 'Asia/Ulaanbaatar', 'ulaanbaatar', 'confirmed', 'public', 0, '',"
            " '2026-11-01 00:00:00', '2026-11-01 00:00:00', false)"))
        connection.execute(sa.text(
            "INSERT INTO task (id, event_id, step, title, due_utc, assignee, status, created_at) VALUES"
            " (7, 1, 'minutes', 'Share the minutes', '2026-12-04 04:00:00', 'a@example.mn', 'open',"
            " '2026-11-01 00:00:00')"))
        connection.execute(sa.text(
            "INSERT INTO delivery (id, event_id, purpose, rule_key, channel, address, event_start_utc, due_utc,"
            " ready_utc, status, attempts, task_id, created_at, updated_at) VALUES (3, 1, 'task', 'task:minutes',"
            " 'email', 'a@example.mn', '2026-12-01 02:00:00', '2026-12-04 04:00:00', '2026-12-04 04:00:00',"
            " 'pending', 0, 7, '2026-11-01 00:00:00', '2026-11-01 00:00:00')"))
    upgrade(engine)
    with engine.connect() as connection:
        task = connection.execute(sa.text("SELECT id, event_id, campaign_edition_id, step FROM task")).one()
        assert tuple(task) == (7, 1, None, "minutes")
        assert connection.execute(sa.text("SELECT task_id FROM delivery")).scalar_one() == 7
    engine.dispose()


def test_workflow_list_and_show_include_campaign_templates(workflow_file: Path) -> None:
    runner = CliRunner()
    kinds = "[kinds.meeting]\nreminders = []\nsteps = []\n"
    workflow_file.write_text(kinds + WINTER, encoding="utf-8")
    listed = json.loads(runner.invoke(cli_app, ["workflow", "list", "--json"]).stdout)
    assert [r["kind"] for r in listed] == ["meeting", "campaign:default", "campaign:winter"]
    shown = json.loads(runner.invoke(cli_app, ["workflow", "show", "campaign:winter", "--json"]).stdout)
    assert ([s["at"] for s in shown["steps"]], shown["coordinator"]) == (
        ["start-30d", "start-1d", "end+14d"], "bolor@example.kg")
    workflow_file.write_text(kinds + WINTER.replace("end+14d", "after the end"), encoding="utf-8")
    broken = runner.invoke(cli_app, ["workflow", "list"])
    assert broken.exit_code == 2 and "'report'" in broken.stderr
