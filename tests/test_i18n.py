"""The CLI in four languages (issue 13): complete catalogues, the choice of language, and what never changes
with it (`--json`, exit codes)."""

from __future__ import annotations

import gettext
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from calendar_app import i18n
from calendar_app.i18n.extract import LOCALE_DIR, TRANSLATED, catalogue, paragraphs
from commands.errors import COMMANDS, OPTIONS
from events.errors import CalendarAppError
from tests.cli_helpers import run

ROOT = Path(__file__).resolve().parents[1]
_FORMATTER = string.Formatter()


@pytest.fixture(scope="module")
def source_ids() -> set[str]:
    """Every msgid in the source, extracted with Babel as `make translations` does."""
    return {message.id for message in catalogue() if message.id}


def _po(code: str):
    with (LOCALE_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=code)


def _fields(text: str) -> set[str]:
    """`{name}`, `{ref!r}`, `{code:04X}`: each replacement field as written (a translation keeps them)."""
    found = set()
    for _literal, name, spec, conversion in _FORMATTER.parse(text):
        if name is not None:
            found.add("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return found


# ---- the catalogues ---------------------------------------------------------------------------------------

def test_extraction_finds_errors_messages_help_and_click_words(source_ids: set[str]) -> None:
    assert "no event with id or uid {ref!r}: {list_events} for the existing ones" in source_ids  # a typed error
    assert "Added event {id} (uid {uid})" in source_ids  # a CLI message
    assert "Venue and address." in source_ids  # an option's help, taken as written
    assert "List contacts." in source_ids  # a command's docstring
    assert "Usage: " in source_ids and "Show this message and exit." in source_ids  # click's own words
    assert "title" in source_ids  # a table header
    assert not any(text.startswith(("\b", "  calendar-app")) for text in source_ids)  # examples stay as written


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_has_a_translation_with_the_same_placeholders(code: str, source_ids: set[str]) -> None:
    """Fails when a message of the source lacks a translation: run `make translations`, then fill the empty
    msgstr of calendar_app/i18n/locale/CODE/LC_MESSAGES/messages.po (README: "Adding a translation")."""
    po = {message.id: message for message in _po(code) if message.id}
    missing = sorted(source_ids - po.keys())
    assert not missing, f"{code}: not in the .po yet (run `make translations`): {missing[:5]}"
    empty = sorted(i for i in source_ids if not po[i].string or po[i].fuzzy)
    assert not empty, f"{code}: {len(empty)} msgids without a (non-fuzzy) translation, e.g. {empty[:5]}"
    for msgid in source_ids:
        text = po[msgid].string
        assert isinstance(text, str)
        assert _fields(text) == _fields(msgid), (code, msgid, text)
        # pieces of one message join as they are: keep their leading and trailing spaces
        assert (text[:1] == " ") == (msgid[:1] == " ") and (text[-1:] == " ") == (msgid[-1:] == " "), (code, msgid)


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalogue_matches_its_source(code: str) -> None:
    """The `.mo` the CLI reads is compiled from the `.po` (`make translations` compiles both)."""
    with (LOCALE_DIR / code / "LC_MESSAGES" / "messages.mo").open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    for message in _po(code):
        if message.id and message.string:
            assert compiled.gettext(message.id) == message.string, (code, message.id)


def test_help_is_translated_paragraph_by_paragraph_and_examples_stay() -> None:
    doc = "List contacts.\n\n\b\n  calendar-app contact list --json\n\n  calendar-app contact list --wide"
    assert paragraphs(doc) == ["List contacts."]
    i18n.use("ru")
    try:
        assert i18n.help_text(doc) == doc.replace("List contacts.", "Список контактов.")
    finally:
        i18n.use("en")


# ---- the choice of language -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "code"), [
    ("mn", "mn"), ("ky", "ky"), ("ru", "ru"), ("en", "en"), ("ru_RU.UTF-8", "ru"), ("mn-MN", "mn"),
    ("ky_KG.utf8", "ky"), ("KIR", "ky"), ("de_DE.UTF-8", None), ("C", None), ("POSIX", None), ("", None),
])
def test_language_codes(text: str, code: str | None) -> None:
    assert i18n.language_code(text) == code


def test_option_then_variable_then_file_then_locale(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('lang = "ky"\n', encoding="utf-8")
    env = {"CALENDAR_APP_CONFIG": str(config), "CALENDAR_APP_LANG": "ru", "LANG": "en_US.UTF-8"}
    assert i18n.choose("mn", env) == "mn"
    assert i18n.choose(None, env) == "ru"
    assert i18n.choose(None, {**env, "CALENDAR_APP_LANG": ""}) == "ky"
    assert i18n.choose(None, {"CALENDAR_APP_CONFIG": str(tmp_path / "none.toml"), "LANG": "ru_RU.UTF-8"}) == "ru"
    assert i18n.choose(None, {"CALENDAR_APP_CONFIG": str(tmp_path / "none.toml"), "LC_ALL": "mn_MN.UTF-8",
                              "LANG": "ru_RU.UTF-8"}) == "mn"
    assert i18n.choose(None, {"CALENDAR_APP_CONFIG": str(tmp_path / "none.toml"), "LANG": "de_DE.UTF-8"}) == "en"
    assert i18n.choose(None, {"CALENDAR_APP_CONFIG": str(tmp_path / "none.toml")}) == "en"
    with pytest.raises(i18n.UnknownLanguage, match="CALENDAR_APP_LANG"):
        i18n.choose(None, {"CALENDAR_APP_LANG": "fr"})


def test_the_locale_speaks_when_nothing_else_is_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALENDAR_APP_LANG")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    config = tmp_path / "config.toml"
    config.write_text('timezone = "Asia/Bishkek"\n', encoding="utf-8")  # no lang in it
    monkeypatch.setenv("CALENDAR_APP_CONFIG", str(config))
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    outcome = run(str(tmp_path / "cal.db"), "event", "show", "999999")
    assert (outcome.code, outcome.stderr.splitlines()[0].split(":")[0]) == (1, "ошибка")


def test_the_config_file_chooses_the_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('lang = "mn"\n', encoding="utf-8")
    monkeypatch.delenv("CALENDAR_APP_LANG")
    monkeypatch.setenv("CALENDAR_APP_CONFIG", str(config))
    outcome = run(str(tmp_path / "cal.db"), "event", "show", "999999")
    assert outcome.code == 1 and outcome.stderr.startswith("алдаа: ")


@pytest.mark.parametrize(("code", "line"), [
    ("mn", "алдаа: id эсвэл uid нь '999999' үйл явдал байхгүй: байгааг нь 'calendar-app event list'-г үзнэ үү"),
    ("ky", "ката: id же uid'и '999999' болгон иш-чара жок: барларын көрүү үчүн 'calendar-app event list' караңыз"),
    ("ru", "ошибка: нет события с id или uid '999999': существующие — см. 'calendar-app event list'"),
    ("en", "error: no event with id or uid '999999': see 'calendar-app event list' for the existing ones"),
])
def test_not_found_in_each_language_is_one_line_and_exit_1(tmp_path: Path, code: str, line: str) -> None:
    outcome = run(str(tmp_path / "cal.db"), "--lang", code, "event", "show", "999999")
    assert (outcome.code, outcome.stderr, outcome.stdout) == (1, line + "\n", "")


def test_environment_gives_kyrgyz_help(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALENDAR_APP_LANG", "ky")
    outcome = run(str(tmp_path / "cal.db"), "event", "add", "--help")
    assert outcome.code == 0
    assert outcome.stdout.startswith("Колдонуу: ") and " event add [OPTIONS]" in outcome.stdout.splitlines()[0]
    assert "Иш-чара кошуп, аны чыгаруу" in outcome.stdout  # the docstring
    assert "Өтүүчү жер жана дарек." in outcome.stdout  # --location
    assert "Бул жардамды көрсөтүп, чыгуу." in outcome.stdout  # click's --help
    assert "[милдеттүү]" in outcome.stdout  # typer's [required]
    assert "--start \"2020-05-06 10:00\"" in outcome.stdout  # the example as written


def test_root_help_in_mongolian_even_with_lang_after_help(tmp_path: Path) -> None:
    outcome = run(str(tmp_path / "cal.db"), "--help", "--lang", "mn")
    assert outcome.code == 0
    assert "Тушаалууд:" in outcome.stdout and "Үйл явдал нэмэх, өөрчлөх, цуцлах, хайх." in outcome.stdout


def test_bad_language_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outcome = run(str(tmp_path / "cal.db"), "--lang", "fr", "event", "list")
    assert (outcome.code, outcome.stdout) == (2, "")
    assert outcome.stderr == "error: unknown language 'fr' (from --lang): use one of mn, ky, ru or en\n"
    monkeypatch.setenv("CALENDAR_APP_LANG", "klingon")
    outcome = run(str(tmp_path / "cal.db"), "event", "list")
    assert outcome.code == 2 and "CALENDAR_APP_LANG" in outcome.stderr and len(outcome.stderr.splitlines()) == 1


def test_a_message_with_fields_and_pieces_is_translated_whole(tmp_path: Path) -> None:
    db = str(tmp_path / "cal.db")
    outcome = run(db, "--lang", "ru", "event", "add", "Круглый стол", "--start", "2025-11-26 10:00",
                  "--end", "2025-11-26 09:00")
    assert outcome.code == 2
    assert outcome.stderr == ("ошибка: конец 2025-11-26 09:00:00+08:00 не позже начала 2025-11-26 10:00:00+08:00: "
                              "укажите более поздний --end или --duration\n")
    outcome = run(db, "--lang", "mn", "event", "add", "Уулзалт", "--start", "2025-11-26 10:00", "--end",
                  "2025-11-26 12:00", "--duration", "2h")
    assert outcome.code == 2
    assert outcome.stderr == "алдаа: --end ба --duration нэг зүйлийг шийддэг: зөвхөн нэгийг нь өгнө үү\n"


def test_messages_and_table_headers_in_russian(tmp_path: Path) -> None:
    db = str(tmp_path / "cal.db")
    added = run(db, "--lang", "ru", "event", "add", "Круглый стол", "--start", "2025-11-26 10:00",
                "--duration", "2h", "--region", "bishkek")
    assert added.code == 0 and added.stdout.startswith("Добавлено событие 1 (uid ")
    assert "название" in added.stdout and "регион" in added.stdout  # the event's labels
    listed = run(db, "--lang", "ru", "event", "list", "--from", "2025-11-01")
    assert listed.code == 0 and "название" in listed.stdout and "Круглый стол" in listed.stdout


def test_json_and_exit_codes_do_not_change_with_the_language(store_url: str) -> None:
    first = run(store_url, "event", "add", "Зөвлөлдөх уулзалт", "--start", "2025-11-26 10:00", "--duration", "2h",
                "--region", "ulaanbaatar", "--json")
    assert first.code == 0
    for args in (["event", "show", "1", "--json"], ["event", "list", "--json", "--from", "2025-11-01"],
                 ["region", "list", "--json"]):
        outputs = {code: run(store_url, "--lang", code, *args) for code in i18n.LANGUAGES}
        assert {o.code for o in outputs.values()} == {0}
        assert len({o.stdout for o in outputs.values()}) == 1, args
    bad = {code: run(store_url, "--lang", code, "event", "list", "--days", "-3").code for code in i18n.LANGUAGES}
    assert set(bad.values()) == {2}


def test_help_starts_without_heavy_modules() -> None:
    """`--help` in Mongolian still imports neither the database layer, rich nor Babel (start-up cost)."""
    script = ("import sys, cli\n"
              "sys.argv = ['calendar-app', '--lang', 'mn', 'event', '--help']\n"
              "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
              "print(sorted(m for m in ('sqlalchemy', 'rich', 'babel', 'sqlmodel') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert "Тушаалууд:" in result.stdout
    assert result.stdout.strip().endswith("[]")


@pytest.mark.parametrize(("args", "english", "russian"), [
    (["event", "add", "x", "--startt", "1"],
     "error: No such option: --startt (Possible options: --start, --status, --strict)",
     "ошибка: Нет такого параметра: --startt (возможные параметры: --start, --status, --strict)"),
    (["event", "add", "x"], "error: Missing option '--start'.", "ошибка: Не указан параметр '--start'."),
    (["event", "show", "1", "2"], "error: Got unexpected extra argument(s) (2)", "ошибка: Лишние аргументы (2)"),
    (["event", "lst"], "error: No such command 'lst'. Did you mean 'list'?",
     "ошибка: Нет такой команды: 'lst'. Возможно, вы имели в виду 'list'?"),
])
def test_click_usage_errors_in_the_users_language(tmp_path: Path, args: list[str], english: str,
                                                  russian: str) -> None:
    db = str(tmp_path / "cal.db")
    en, ru = run(db, *args), run(db, "--lang", "ru", *args)
    assert en.code == ru.code == 2
    assert en.stderr.startswith(english + " (see '") and ru.stderr.startswith(russian + " (см. '")


def _app_errors() -> list[CalendarAppError]:
    """The typed errors of calendar_app/ with a template of their own (events/ and exports/ have SAMPLES)."""
    from sqlalchemy.exc import OperationalError

    from calendar_app.config import InvalidConfigFile, InvalidSetting
    from calendar_app.db import storage_error
    from calendar_app.outfile import OutputFailed, OutputFolderMissing, OutputIsFolder, OutputNotAFile
    from calendar_app.schema import MigrationFailed
    from calendar_app.web.database import DatabaseGone
    from calendar_app.web.runner import WorkerExited

    failure = OperationalError("INSERT", {}, Exception("attempt to write a readonly database"))
    return [InvalidConfigFile(Path("c.toml"), "no such file"), InvalidSetting("lang", "CALENDAR_APP_LANG", "bad"),
            storage_error(failure, "sqlite:///x.db"), MigrationFailed("3 rows"), DatabaseGone("/x.db"),
            WorkerExited("worker-1", 3), OutputFailed("x.ics", "disk full"), OutputFolderMissing("a/x.ics", "a"),
            OutputIsFolder("a"), OutputNotAFile("/dev/null", "device"), i18n.UnknownLanguage("fr", "--lang")]


@pytest.mark.parametrize("code", i18n.LANGUAGES)
def test_every_typed_error_renders_in_every_language(code: str) -> None:
    from commands.errors import cli_message
    from tests.test_issue_error_fields import SAMPLES

    i18n.use(code)
    try:
        for error in [*SAMPLES, *_app_errors()]:
            text = cli_message(error)
            assert text and "{" not in text.replace(repr("{"), ""), (code, type(error).__name__, text)
            if code == "en":
                assert text == error.render(fields=OPTIONS, actions=COMMANDS)  # English is the source, unchanged
            elif error.template.strip():
                assert text != error.render(fields=OPTIONS, actions=COMMANDS), (code, type(error).__name__)
    finally:
        i18n.use("en")


def test_a_series_error_translates_its_fix_as_well_as_its_start(tmp_path: Path) -> None:
    """`InvalidRecurrence` is a template of two pieces, the fixed start and the caller's fix: both translated."""
    args = ["event", "add", "Семинар", "--start", "2026-12-24 10:00", "--duration", "1h", "--rrule",
            "FREQ=WEEKLY;COUNT=2;UNTIL=20270101"]
    outcome = run(str(tmp_path / "cal.db"), "--lang", "ru", *args)
    assert (outcome.code, outcome.stdout) == (2, "")
    assert outcome.stderr == ("ошибка: правило повторения 'FREQ=WEEKLY;COUNT=2;UNTIL=20270101' нельзя использовать: "
                              "укажите COUNT или UNTIL, но не оба\n")


def test_how_a_contacts_zone_was_chosen_is_said_in_the_users_language(tmp_path: Path) -> None:
    outcome = run(str(tmp_path / "cal.db"), "--lang", "mn", "contact", "add", "Оюунчимэг", "--email",
                  "oyunchimeg@example.mn", "--region", "ulaanbaatar")
    assert outcome.code == 0
    assert outcome.stdout.startswith("1 харилцагчийг нэмлээ: цагийн бүс Asia/Ulaanbaatar (ulaanbaatar бүсээс)\n")


def test_the_agenda_page_follows_the_cli_language(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    assert run(db, "event", "add", "Зөвлөлдөх уулзалт", "--start", "2026-12-21 10:00", "--region", "khovd").code == 0
    out = tmp_path / "agenda.html"
    wrote = run(db, "--lang", "mn", "agenda", "--from", "2026-12-20", "--format", "html", "-o", str(out))
    assert wrote.code == 0, wrote.stderr
    assert '<html lang="mn">' in out.read_text(encoding="utf-8")


def test_a_rejected_component_is_explained_in_the_cli_language(tmp_path: Path) -> None:
    calendar = tmp_path / "no-start.ics"
    calendar.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
                        "UID:no-start@test\r\nSUMMARY:Уулзалт\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    refused = run(str(tmp_path / "a.db"), "--lang", "mn", "import", str(calendar))
    assert refused.code != 0
    assert "DTSTART алга: үйл явдалд эхлэх цаг хэрэгтэй" in refused.stderr, refused.stderr
