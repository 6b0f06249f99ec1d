"""Issue 10, part 4: `contact add/edit --chat` takes only the Apprise schemes the deployment allows.

`contact add --chat file:///etc/passwd` used to be accepted (Apprise would then write reminders into that
file). Now the scheme must be one of the `chat_schemes` setting (a safe default list; `file` can never be
allowed); anything else is refused in one line naming the allowed schemes, without repeating the address
(it often holds a bot token). Contact names and addresses go through events.bounds.check_text. Both databases.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select

from calendar_app.config import DEFAULT_CHAT_SCHEMES, InvalidSetting, load_settings
from events.bounds import MAX_LINE
from events.notify.models import Contact
from tests.cli_helpers import Outcome, run

SECRET = "123456:AAE-secret-bot-token"
REFUSED_CHATS = [
    "file:///etc/passwd", "FILE:///etc/passwd", " file:///tmp/x ", "file://localhost/etc/shadow",
    "windows://", "mailto://user:pass@example.org", f"https://api.telegram.org/bot{SECRET}/", "ssh://host",
    f"syslog://{SECRET}", "dbus://", "macosx://", "sns://key/secret/region", f"tgram:/{SECRET}", SECRET,
    "tgram//x", "://x", "tgram://", "json://host/\x01", "tgram://x\x1b[2J", "tgram://a b",
]
REFUSED_NAMES = ["Ай\x01гүл", "\x1b[31mred", "Name\x0bTab", "x" * (MAX_LINE + 1), "a\x00b"]


def _contacts(db: str) -> list[tuple[str, str | None]]:
    engine = create_engine(db)
    with engine.connect() as connection:
        rows = connection.execute(select(Contact.name, Contact.chat_url).order_by(Contact.id)).all()  # type: ignore[call-overload]
    engine.dispose()
    return [(name, chat) for name, chat in rows]


def _count(db: str) -> int:
    engine = create_engine(db)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(Contact)).scalar_one()
    engine.dispose()
    return int(count)


def _one_line(outcome: Outcome, *words: str) -> None:
    assert outcome.code == 2, (outcome.code, outcome.stdout, outcome.stderr)
    assert outcome.stderr.count("\n") == 1 and "Traceback" not in outcome.stderr, outcome.stderr
    assert SECRET not in outcome.stderr
    for word in words:
        assert word in outcome.stderr, outcome.stderr


@pytest.mark.parametrize("chat", REFUSED_CHATS)
def test_refused_chat_addresses(store_url: str, chat: str) -> None:
    assert run(store_url, "contact", "add", "Айгүл", "--chat", "tgram://TOKEN/CHAT").code == 0
    before = _contacts(store_url)
    _one_line(run(store_url, "contact", "add", "Оюунчимэг", "--chat", chat, "--language", "mn"), "chat")
    _one_line(run(store_url, "contact", "edit", "1", "--chat", chat), "chat")
    assert _contacts(store_url) == before


def test_the_refusal_names_the_allowed_schemes(sqlite_url: str) -> None:
    outcome = run(sqlite_url, "contact", "add", "X", "--chat", "file:///etc/passwd")
    _one_line(outcome, "'file'", *DEFAULT_CHAT_SCHEMES, "chat_schemes")


@pytest.mark.parametrize("name", REFUSED_NAMES, ids=range(len(REFUSED_NAMES)))
def test_refused_names(store_url: str, name: str) -> None:
    assert run(store_url, "contact", "add", "Айгүл", "--email", "a@ngo.kg").code == 0
    _one_line(run(store_url, "contact", "add", name, "--email", "b@ngo.kg"))
    _one_line(run(store_url, "contact", "edit", "1", "--name", name))
    assert _contacts(store_url) == [("Айгүл", None)]


def test_allowed_schemes_are_kept_and_an_empty_chat_removes(store_url: str) -> None:
    assert run(store_url, "contact", "add", "Чат", "--chat", "TGRAM://TOKEN/CHAT", "--language", "ky").code == 0
    assert run(store_url, "contact", "add", "Hook", "--chat", "jsons://hooks.ngo.kg/reminders").code == 0
    assert run(store_url, "contact", "edit", "1", "--chat", "slack://T1/B1/C1").code == 0
    assert _contacts(store_url) == [("Чат", "slack://T1/B1/C1"), ("Hook", "jsons://hooks.ngo.kg/reminders")]
    assert run(store_url, "contact", "edit", "2", "--chat", "", "--email", "hook@ngo.kg").code == 0
    assert _contacts(store_url)[1] == ("Hook", None)


def test_a_deployment_chooses_its_schemes(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALENDAR_APP_CHAT_SCHEMES", "ntfys, NTFYS matrix")
    assert load_settings(environ={"CALENDAR_APP_CHAT_SCHEMES": "ntfys, NTFYS matrix"}).chat_schemes == (
        "ntfys", "matrix")
    _one_line(run(sqlite_url, "contact", "add", "A", "--chat", "tgram://TOKEN/CHAT"), "ntfys, matrix")
    assert run(sqlite_url, "contact", "add", "B", "--chat", "ntfys://topic").code == 0
    assert _count(sqlite_url) == 1


@pytest.mark.parametrize("value", ["file", "tgram,file", "FILE", "tg ram!", ","])
def test_file_can_never_be_allowed(value: str) -> None:
    with pytest.raises(InvalidSetting, match="chat_schemes"):
        load_settings(environ={"CALENDAR_APP_CHAT_SCHEMES": value})


def test_file_in_the_environment_fails_the_command_in_one_line(sqlite_url: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALENDAR_APP_CHAT_SCHEMES", "tgram,file")
    outcome = run(sqlite_url, "contact", "add", "A", "--chat", "file:///etc/passwd")
    assert outcome.code == 2 and outcome.stderr.count("\n") == 1, outcome.stderr
    assert "chat_schemes" in outcome.stderr
