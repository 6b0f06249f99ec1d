"""The configuration file: one schema, below options and the environment; secrets stay off the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from calendar_app.config import SCHEMA, InvalidSetting, Settings, load_settings
from tests.cli_helpers import row_counts
from tests.cli_helpers import run as run_cli


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text("", encoding="utf-8")
    monkeypatch.setenv("CALENDAR_APP_CONFIG", str(path))
    for variable in ("CALENDAR_APP_DB", "CALENDAR_APP_TZ", "CALENDAR_APP_SMTP_URL", "CALENDAR_APP_MAIL_FROM"):
        monkeypatch.delenv(variable, raising=False)
    return path


def test_file_gives_database_zone_and_smtp(config: Path, tmp_path: Path) -> None:
    config.write_text(f'db = "{tmp_path / "office.db"}"\ntimezone = "Asia/Bishkek"\n'
                      'smtp_url = "smtp://calendar:secret@127.0.0.1:2525?starttls=1"\nmail_from = "cal@ngo.kg"\n',
                      encoding="utf-8")
    settings = load_settings()
    assert settings.db_url == f"sqlite:///{tmp_path / 'office.db'}"
    assert settings.default_tz == "Asia/Bishkek"
    assert (settings.smtp_url, settings.mail_from) == ("smtp://calendar:secret@127.0.0.1:2525?starttls=1", "cal@ngo.kg")


def test_options_and_environment_come_before_the_file(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config.write_text('timezone = "Asia/Bishkek"\nmail_from = "file@ngo.kg"\n', encoding="utf-8")
    monkeypatch.setenv("CALENDAR_APP_MAIL_FROM", "env@ngo.kg")
    assert load_settings().mail_from == "env@ngo.kg"
    assert load_settings(tz="Asia/Hovd").default_tz == "Asia/Hovd"


def test_every_setting_is_in_the_schema_with_its_variable_and_parsed_to_its_type(config: Path) -> None:
    environ = {"CALENDAR_APP_CONFIG": str(config), "CALENDAR_APP_REMINDER_GRACE": "90m",
               "CALENDAR_APP_FEED_CHECK_SECONDS": "2.5", "CALENDAR_APP_OUTBOX": "~/mail",
               "CALENDAR_APP_BASE_URL": "https://cal.example.kg/", "CALENDAR_APP_HOLIDAYS": "/srv/holidays.toml"}
    settings = load_settings(db="x.db", tz="Asia/Bishkek", environ=environ)
    assert settings.reminder_grace.total_seconds() == 90 * 60
    assert settings.feed_check_seconds == 2.5
    assert settings.outbox == Path("~/mail").expanduser()
    assert settings.public_url == "https://cal.example.kg"
    assert settings.holidays == Path("/srv/holidays.toml")
    assert len({option.env for option in SCHEMA}) == len(SCHEMA)
    assert all(option.env.startswith("CALENDAR_APP_") and option.help for option in SCHEMA)
    with pytest.raises(AttributeError):
        settings.db_url = "elsewhere"  # type: ignore[misc]  # frozen: parsed once, then only read
    assert isinstance(settings, Settings)


def test_a_bad_value_names_the_setting_and_where_it_came_from(config: Path) -> None:
    environ = {"CALENDAR_APP_CONFIG": str(config), "CALENDAR_APP_FEED_CHECK_SECONDS": "often"}
    with pytest.raises(InvalidSetting, match="feed_check_seconds from CALENDAR_APP_FEED_CHECK_SECONDS"):
        load_settings(db="x.db", tz="UTC", environ=environ)


@pytest.mark.parametrize(("text", "words"), [
    ("timezone = ", "TOML"),
    ('colour = "red"', "unknown key 'colour'"),
    ("timezone = 8", "quoted string"),
])
def test_bad_file_is_one_clear_error_and_changes_nothing(config: Path, tmp_path: Path, text: str,
                                                         words: str) -> None:
    db = f"sqlite:///{tmp_path / 'cal.db'}"
    assert run_cli(db, "event", "add", "Сургалт", "--start", "2026-03-02 09:00").code == 0
    before = row_counts(db)
    config.write_text(text, encoding="utf-8")
    result = run_cli(db, "event", "add", "Сургалт", "--start", "2026-03-02 09:00", tz="")
    lines = result.stderr.strip().splitlines()
    assert result.code == 2 and len(lines) == 1
    assert str(config) in lines[0] and words in lines[0]
    assert row_counts(db) == before


def test_missing_named_file_is_an_error(config: Path) -> None:
    config.unlink()
    result = run_cli("unused.db", "event", "list", tz="")
    assert result.code == 2 and "no such file" in result.stderr
