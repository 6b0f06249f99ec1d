"""The feeds commands through the CLI: URL as the last line, exit codes, export to stdout and a file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from calendar_app.app import App
from cli import app
from exports.checks import check_calendar

runner = CliRunner()


def _run(db: str, *args: str):
    return runner.invoke(app, ["--db", db, *args])


def test_feed_commands_print_the_url_last(sqlite_url: str) -> None:
    added = _run(sqlite_url, "feed", "add", "public-events", "--visibility", "public")
    assert added.exit_code == 0, added.output
    assert added.output.strip().splitlines()[-1].endswith("/feeds/public-events.ics")
    assert _run(sqlite_url, "feed", "url", "public-events").output.strip().splitlines()[-1].endswith(
        "/feeds/public-events.ics")
    private = _run(sqlite_url, "feed", "add", "staff", "--private")
    secret = private.output.strip().splitlines()[-1]
    assert "/private/" in secret and secret.endswith(".ics")
    hidden = _run(sqlite_url, "feed", "url", "staff")
    assert hidden.exit_code == 2 and "feed rotate staff" in hidden.output
    rotated = _run(sqlite_url, "feed", "rotate", "staff")
    assert rotated.exit_code == 0 and rotated.output.strip().splitlines()[-1] != secret
    assert secret.split("/private/")[1] not in _run(sqlite_url, "feed", "list", "--json").output
    assert _run(sqlite_url, "feed", "remove", "nope").exit_code == 1
    assert _run(sqlite_url, "feed", "add", "x", "--visibility", "secret").exit_code == 2


def test_export_to_stdout_and_file(sqlite_url: str, tmp_path: Path) -> None:
    _run(sqlite_url, "event", "add", "Нууц уулзалт", "--start", "2026-11-26 10:00", "--visibility", "confidential")
    _run(sqlite_url, "event", "add", "Нээлттэй уулзалт", "--start", "2026-11-27 10:00", "--visibility", "public")
    shown = _run(sqlite_url, "export")
    assert shown.exit_code == 0
    assert check_calendar(shown.stdout_bytes) == []
    assert "Нээлттэй" in shown.stdout and "Нууц" not in shown.stdout
    target = tmp_path / "out.ics"
    written = _run(sqlite_url, "export", "--visibility", "confidential", "-o", str(target))
    assert written.exit_code == 0
    assert "Нууц" in target.read_text(encoding="utf-8")
    assert _run(sqlite_url, "export", "--from", "someday").exit_code == 2


def test_import_summary_speaks_the_cli_language(sqlite_url: str) -> None:
    export = str(Path(__file__).with_name("data") / "google_export.ics")
    first = _run(sqlite_url, "--lang", "ru", "import", export)
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[0].startswith("добавлено: ") and "без изменений: 0" in first.output
    again = _run(sqlite_url, "--lang", "ky", "import", export, "--dry-run")
    assert again.exit_code == 0 and "кошулду: 0" in again.output and "өзгөрүүсүз: " in again.output
    english = _run(sqlite_url, "import", export, "--dry-run")
    assert english.output.startswith("Dry run, nothing written: 0 added, 0 updated, ")


def test_where_and_reminder_channel_are_translated(sqlite_app: App) -> None:
    from calendar_app import i18n
    from calendar_app.web.serving import _reminder_channel
    from commands.common import shown
    from exports.importer import Entry

    where = Entry("skipped", "a b@x ", 12, "why", "VEVENT").where
    assert where == "line 12 (UID 'a b@x ')"
    try:
        i18n.use("mn")
        assert shown(where) == "12-р мөр (UID 'a b@x ')"
        i18n.use("ru")
        channel = _reminder_channel(sqlite_app)
        assert channel.startswith("e-mail into the outbox ")
        assert shown(channel) == f"электронная почта в папку исходящих {sqlite_app.settings.outbox}"
    finally:
        i18n.use("en")
