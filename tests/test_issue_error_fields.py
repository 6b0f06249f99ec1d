"""Errors carry fields, not flags: the domain's messages name input fields and actions as data; only the CLI
turns them into options and commands (`commands/errors.py`), so a web page never shows `--end`."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import events
import exports
from cli import COMMANDS as CLI_COMMANDS
from cli import build_command
from commands.errors import COMMANDS, OPTIONS, cli_message
from events.bounds import ControlCharacter, InvalidUtf8, OutOfRange, TooLong
from events.campaigns.errors import (
    CampaignExists,
    CampaignNotFound,
    EditionExists,
    EditionMissing,
    EditionNotFound,
    InvalidColor,
    InvalidSlug,
    InvalidTheme,
    InvalidWindow,
    InvalidYear,
    OutsideWindow,
    UnknownCampaign,
    UnknownPreset,
)
from events.campaigns.readiness import UnknownCoordinator
from events.clashes import ClashRefused
from events.errors import (
    Action,
    AllDayWithTime,
    CalendarAppError,
    ContradictoryValues,
    DayFirstDate,
    EmptyValue,
    EventNotFound,
    Field,
    InvalidDate,
    InvalidDuration,
    InvalidTimeRange,
    MissingValue,
    NegativeParticipants,
    ParticipantSplitAboveTotal,
    UnknownChoice,
    UnknownRegion,
    UnknownTimeZone,
)
from events.history.undo import NothingToUndo
from events.notify.errors import (
    ChannelConfigError,
    ChatSchemeNotAllowed,
    ContactNotFound,
    DuplicateContact,
    InvalidEmail,
    InvalidOffset,
    NotAChatUrl,
    ReminderAfterEvent,
    TaskNotFound,
    UnknownAssignee,
    UnknownKind,
    WorkflowFileError,
)
from events.people.errors import (
    BadDeadline,
    BadSheetRows,
    EmptyGroup,
    ParticipantNotFound,
    ReplyNotMatched,
    UnreadableReply,
    UnreadableSheet,
)
from events.public_holidays import InvalidHolidayFile
from events.recurrence.errors import InvalidRecurrence, NotASeries, UnknownOccurrence
from exports.errors import (
    AlarmsNeedFullDetail,
    AttendeesNeedFullDetail,
    AttendeesNeedPrivate,
    BadEvents,
    ConfidentialNeedsPrivate,
    DuplicateFeed,
    DuplicateTokenLabel,
    FeedNotFound,
    FileTooBig,
    InvalidFeedColor,
    InvalidFeedName,
    KeepDaysOutOfRange,
    LastTokenOfFeed,
    NegativeKeepDays,
    NotACalendar,
    NotUtf8,
    PrivateFeedUrl,
    PublicFeedSecret,
    TasksNeedFullDetail,
    TasksNeedPrivate,
    TokenLabelAmbiguous,
    TokenNotFound,
    UndefinedZone,
)
from tests.cli_helpers import Outcome, run

ROOT = Path(__file__).resolve().parent.parent
CLI_TEXT = re.compile(r"--[A-Za-z]|calendar-app ")

# One of each error with a constructor of its own in events/ and exports/: building it checks its template.
SAMPLES: list[CalendarAppError] = [
    OutOfRange("the start", "9999-12-31T23:00:00+00:00", "0001-01-02", "9999-12-30"),
    ControlCharacter("the title", 3, "\x01"), TooLong("the title", 600, 500),
    OutOfRange(Field.START, "9999-12-31 23:00+08:00", "0001-01-02", "9999-12-30"),
    ControlCharacter(Field.LOCATION, 2, "\x1b"), InvalidUtf8("the title", 2, 0xFF), InvalidUtf8(Field.URL, 1, 0xC3),
    ContradictoryValues(Field.END, Field.DURATION), AllDayWithTime(Field.START, "2026-05-06 10:00"),
    EmptyValue(Field.TZ),
    InvalidDate("2025-13-45"), DayFirstDate("12/24/2026", "24.12.2026", "2026-12-24"),
    InvalidDuration("forever"), UnknownTimeZone("Asia/Atlantis"),
    UnknownRegion("Narnia"), UnknownChoice("kind", "party", ("meeting", "other")),
    InvalidTimeRange("2025-11-26 10:00", "2025-11-26 09:00"), NegativeParticipants(Field.WOMEN, -1),
    ParticipantSplitAboveTotal(12, 10), MissingValue("an address", "give an {email} address or a {chat} URL"),
    EventNotFound(999), InvalidWindow("11-25", "write the first and last day"), UnknownCampaign("16-days"),
    CampaignNotFound("16-days"), CampaignExists("16-days"), UnknownPreset("x", ("16-days",)), InvalidSlug("A B"),
    InvalidColor("red"), InvalidYear(3000), EditionExists("16-days", 2025), EditionMissing("16-days", 2025),
    EditionNotFound("16-days", 2025), InvalidTheme("xx:y", "no such language"),
    OutsideWindow("16-days", 2025, "2025-11-25..2025-12-10", "2025-06-01"), InvalidHolidayFile("h.toml", "bad"),
    InvalidOffset("soon"), ReminderAfterEvent("start+1h", "2025-11-26 11:00", "2025-11-26 10:00"),
    InvalidEmail("nobody"), DuplicateContact("a@example.org"), WorkflowFileError("w.toml", "bad"),
    ChannelConfigError("SMTP", "bad port"), UnknownAssignee("x@example.org", "invite", "training"),
    UnknownCoordinator("x@example.org", "16-days 2025"), ContactNotFound("x@example.org"), TaskNotFound(7),
    UnknownKind("party", ("training",)), FeedNotFound("pub"), DuplicateFeed("pub"), InvalidFeedName("a b"),
    PublicFeedSecret("pub"), PrivateFeedUrl("staff"), TasksNeedPrivate("pub"), TasksNeedFullDetail("staff"),
    NegativeKeepDays(-1), AlarmsNeedFullDetail(), KeepDaysOutOfRange(99999, 3660), InvalidFeedColor("reddish"),
    ConfidentialNeedsPrivate("pub"), ChatSchemeNotAllowed("file", ("tgram", "json")), NotAChatUrl(("tgram",)),
    NegativeKeepDays(-1), AlarmsNeedFullDetail(), FileTooBig("big.ics", 50_000_000, 32_000_000),
    NotUtf8("cp1251.ics", 10, 321, 0xE9), NotACalendar("notes.txt", 1), UndefinedZone("Mars/Olympus"),
    BadEvents("bad.ics", ["line 4 (UID a@x): no SUMMARY"], 2),
    TokenNotFound("staff", "Osh office"), TokenLabelAmbiguous("staff", "abcdef"),
    DuplicateTokenLabel("staff", "Bishkek office"), LastTokenOfFeed("staff"),
    InvalidRecurrence("FREQ=WEEKLY;UNTIL=20200101", "give a later {repeat_until}"), NotASeries(7),
    UnknownOccurrence(7, "2027-01-11 10:00"),
    AttendeesNeedPrivate("pub"), AttendeesNeedFullDetail("staff"), ParticipantNotFound(3, "x@example.org"),
    EmptyGroup("gbv-network"), UnreadableSheet("reg.csv", "it is empty"),
    BadSheetRows("reg.csv", ["line 3: the name is empty"]),
    ClashRefused("overlaps event 3 'Дугуй ширээний уулзалт' of the same region ulaanbaatar"), NothingToUndo(7),
    BadDeadline("2027-01-01", "it is after the event starts"),
    UnreadableReply("reply.eml", "it has no text/calendar part"),
    ReplyNotMatched("reply.ics", "no event has the UID 'x@y'"),
]


def _modules() -> Iterator[str]:
    for package in (events, exports):
        yield package.__name__
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            yield module.name


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def cli_text_in_errors(source: str, error_names: set[str], *, errors_module: bool) -> list[tuple[int, str]]:
    """(line, text) of each string constant naming a flag or a `calendar-app` command in a raise statement,
    an error's class body, a call of an error class, or anywhere in an errors module (docstrings aside)."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)

    def called_error(node: ast.AST) -> bool:
        if not isinstance(node, ast.Call):
            return False
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        return name in error_names

    scopes: list[ast.AST] = [tree] if errors_module else [
        node for node in ast.walk(tree)
        if isinstance(node, ast.Raise) or called_error(node)
        or (isinstance(node, ast.ClassDef) and node.name in error_names)
    ]
    hits = {
        (node.lineno, node.value) for scope in scopes for node in ast.walk(scope)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
        and CLI_TEXT.search(node.value)
    }
    return sorted(hits)


def test_the_checker_finds_cli_text() -> None:
    bad = '''
from events.errors import InvalidInput
class Late(InvalidInput):
    """Given with --end (a docstring: allowed)."""
    def __init__(self) -> None:
        super().__init__(template="too late")
        self.note = "use --end"
def f(x: int) -> None:
    if x:
        raise InvalidInput(f"{x} is bad: see 'calendar-app event list'")
    error = InvalidInput("give --duration")
    raise error
'''
    hits = cli_text_in_errors(bad, {"InvalidInput", "Late"}, errors_module=False)
    assert [line for line, _ in hits] == [7, 10, 11]
    assert cli_text_in_errors('X = "--accent"\nraise ValueError("fine")\n', set(), errors_module=False) == []
    assert cli_text_in_errors('X = "see --accent"\n', set(), errors_module=True) == [(1, "see --accent")]


@pytest.mark.parametrize("name", sorted(_modules()))
def test_no_error_message_names_a_flag_or_command(name: str) -> None:
    module = importlib.import_module(name)
    if module.__file__ is None or not module.__file__.endswith(".py"):
        return
    error_names = {key for key, value in vars(module).items()
                   if isinstance(value, type) and issubclass(value, CalendarAppError)}
    source = Path(module.__file__).read_text(encoding="utf-8")
    hits = cli_text_in_errors(source, error_names, errors_module=name.endswith(".errors"))
    assert hits == [], f"{name}: name fields and actions (events.errors.Field/Action) instead: {hits}"


def _error_classes() -> set[type[CalendarAppError]]:
    for name in _modules():
        importlib.import_module(name)
    found: set[type[CalendarAppError]] = set()
    pending = [CalendarAppError]
    while pending:
        for sub in pending.pop().__subclasses__():
            found.add(sub)
            pending.append(sub)
    return {c for c in found if c.__module__.startswith(("events", "exports")) and "__init__" in vars(c)}


def test_every_domain_error_has_a_sample() -> None:
    assert _error_classes() <= {type(error) for error in SAMPLES}


@pytest.mark.parametrize("error", SAMPLES, ids=lambda error: type(error).__name__)
def test_str_names_fields_and_the_cli_names_options(error: CalendarAppError) -> None:
    plain, cli = str(error), cli_message(error)
    assert not CLI_TEXT.search(plain), plain
    assert "{" not in cli and "}" not in cli, cli
    for field in error.fields:
        if "{" + field.value + "}" in error.template:
            assert field.words in plain and OPTIONS[field] in cli, (field, plain, cli)
    for action in error.actions:
        assert action.words in plain
        assert COMMANDS[action].format_map(error.values) in cli  # the CLI text has every value it uses


def test_fields_and_actions_are_data_on_the_error() -> None:
    error = InvalidTimeRange("2025-11-26 10:00", "2025-11-26 09:00")
    assert error.fields == (Field.END, Field.DURATION)
    assert error.values == {"first": "2025-11-26 10:00", "last": "2025-11-26 09:00"}
    assert str(error).endswith(": give a later end or a duration")
    assert error.render(fields={Field.END: "«End»"}).endswith("give a later «End» or a duration")
    missing = EditionMissing("16-days", 2025)
    assert missing.actions == (Action.ADD_EDITION, Action.ROLL_CAMPAIGN)
    assert str(missing) == "16-days has no 2025 edition: add that edition (or roll the last edition over)"
    assert PublicFeedSecret("pub").fields == (Field.PRIVATE,)
    assert ParticipantSplitAboveTotal(12, 10).fields == (Field.PARTICIPANTS, Field.ACTUAL, Field.WOMEN, Field.MEN)


def test_values_are_shown_as_given_not_read_as_templates() -> None:
    assert str(InvalidDate("{end}")).startswith("cannot read the date/time '{end}'")
    assert str(CalendarAppError("a {literal} sentence")) == "a {literal} sentence"
    with pytest.raises(TypeError):
        MissingValue("x", "give {no_such_field}")
    with pytest.raises(TypeError):
        CalendarAppError(template="{end}", end="a value may not hide a field")


def test_cli_tables_cover_every_field_and_action_with_real_options() -> None:
    assert set(OPTIONS) == set(Field) and set(COMMANDS) == set(Action)
    options: set[str] = set()
    pending = [build_command(name) for name in CLI_COMMANDS]
    while pending:
        command = pending.pop()
        options.update(opt for param in command.params for opt in getattr(param, "opts", ()))
        pending.extend(getattr(command, "commands", {}).values())
    assert set(OPTIONS.values()) <= options, set(OPTIONS.values()) - options


def _one_line(outcome: Outcome, code: int) -> str:
    assert outcome.code == code, outcome.stderr
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), outcome.stderr
    return lines[0]


def test_cli_prints_options_and_commands(sqlite_url: str) -> None:
    late = _one_line(run(sqlite_url, "event", "add", "Round table", "--start", "2025-11-26 10:00",
                         "--end", "2025-11-26 09:00"), 2)
    assert late.endswith("give a later --end or a --duration")
    split = _one_line(run(sqlite_url, "event", "add", "Round table", "--start", "2025-11-26 10:00",
                          "--participants", "10", "--women", "7", "--men", "5"), 2)
    assert "raise --participants (or --actual) or lower --women/--men" in split
    assert "see 'calendar-app event list'" in _one_line(run(sqlite_url, "event", "show", "999"), 1)
    tasks = _one_line(run(sqlite_url, "feed", "add", "open", "--tasks"), 2)
    assert "--tasks needs --private" in tasks and tasks.endswith("add --private, or leave out --tasks")
    campaign = _one_line(run(sqlite_url, "campaign", "edition", "add", "nope", "2025", "--theme", "x"), 1)
    assert "add it with 'calendar-app campaign add nope --name ... --window MM-DD..MM-DD'" in campaign
    assert run(sqlite_url, "feed", "add", "pub").code == 0
    assert "make it with --private" in _one_line(run(sqlite_url, "feed", "rotate", "pub"), 2)


def test_cli_start_up_leaves_the_error_tables_unloaded() -> None:
    probe = "import sys, cli; print('commands.errors' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
