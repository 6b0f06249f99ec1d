"""Kind defaults as data: reminder rules and workflow steps, read from a TOML file users can edit.

The shipped file is `events/data/workflows.toml`; `CALENDAR_APP_WORKFLOWS` (or an explicit path) names
another. Reading it is pure: it returns `KindDefaults` records and raises `WorkflowFileError` when broken.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from events.notify.errors import InvalidOffset, UnknownKind, WorkflowFileError
from events.notify.planning import ReminderRule, parse_rule

WORKFLOWS_ENV = "CALENDAR_APP_WORKFLOWS"
_KIND_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
ORGANIZER = "organizer"  # a step's default assignee: the contact named as the event's organizer


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    at: ReminderRule
    assignee: str = ORGANIZER  # or a contact's e-mail or id
    notify: bool = False


@dataclass(frozen=True)
class KindDefaults:
    kind: str
    reminders: tuple[ReminderRule, ...]
    steps: tuple[Step, ...]


def _shipped_text() -> str:
    return resources.files("events").joinpath("data/workflows.toml").read_text(encoding="utf-8")


def parse_workflows(text: str, where: str = "workflows.toml") -> dict[str, KindDefaults]:
    """Kind defaults from TOML text; `WorkflowFileError` names the first problem."""
    try:
        data = tomllib.loads(text)
        kinds = data["kinds"]
        result: dict[str, KindDefaults] = {}
        for kind, spec in kinds.items():
            if not _KIND_NAME.fullmatch(kind):
                raise WorkflowFileError(where, f"{kind!r} cannot name a kind: use lower-case letters, digits and _ "
                                               "(at most 40), e.g. [kinds.workshop]")
            reminders = tuple(parse_rule(r) for r in spec.get("reminders", []))
            steps = tuple(
                Step(key=str(s["key"]), title=str(s["title"]), at=parse_rule(str(s["at"])),
                     assignee=str(s.get("assignee", ORGANIZER)), notify=bool(s.get("notify", False)))
                for s in spec.get("steps", [])
            )
            if len({s.key for s in steps}) != len(steps):
                raise WorkflowFileError(where, f"kind {kind!r} repeats a step key")
            result[kind] = KindDefaults(kind, reminders, steps)
        return result
    except tomllib.TOMLDecodeError as error:
        raise WorkflowFileError(where, f"not valid TOML ({error})") from error
    except (KeyError, TypeError, AttributeError) as error:
        raise WorkflowFileError(where, f"missing or misshapen entry {error}") from error
    except InvalidOffset as error:
        raise WorkflowFileError(where, str(error)) from error


def workflow_text(path: str | None = None) -> tuple[str, str]:
    """The text of `path` (else of the shipped file) and the name to show in errors."""
    if not path:
        return _shipped_text(), "workflows.toml"
    try:
        return Path(path).expanduser().read_text(encoding="utf-8"), path
    except OSError as error:
        raise WorkflowFileError(path, error.strerror or str(error)) from error


def load_workflows(path: str | None = None) -> dict[str, KindDefaults]:
    """The kind defaults of `path`, else of the shipped file."""
    text, where = workflow_text(path)
    return parse_workflows(text, where)


def defaults_for(kind: str, workflows: dict[str, KindDefaults]) -> KindDefaults:
    return workflows.get(kind) or KindDefaults(kind, (), ())


def workflow_of(kind: str, workflows: dict[str, KindDefaults]) -> KindDefaults:
    if kind not in workflows:
        raise UnknownKind(kind, tuple(workflows))
    return workflows[kind]


TITLES_SUFFIX = ".titles.toml"
_TITLE_LANGUAGES = frozenset({"mn", "ky", "ru", "en"})


@dataclass(frozen=True)
class StepTitles:
    """Step titles in other languages: English title -> language -> title (`events/data/workflows.titles.toml`
    and the `.titles.toml` beside a user's workflows file)."""

    by_title: dict[str, dict[str, str]]

    def get(self, title: str, language: str) -> str:
        """`title` in `language`, else as written."""
        return self.by_title.get(title, {}).get(language, title)


def parse_titles(text: str, where: str = "workflows.titles.toml") -> StepTitles:
    """Translations from TOML text: a table per English title, a key per language; `WorkflowFileError` names
    the first problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise WorkflowFileError(where, f"not valid TOML ({error})") from error
    result: dict[str, dict[str, str]] = {}
    for title, names in data.items():
        if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
            raise WorkflowFileError(where, f"[{title!r}] must give titles as text, e.g. mn = \"Урилга илгээх\"")
        unknown = sorted(set(names) - _TITLE_LANGUAGES)
        if unknown:
            raise WorkflowFileError(where, f"[{title!r}]: {unknown[0]!r} is no language here (mn, ky, ru, en)")
        result[title] = {language: text.strip() for language, text in names.items() if text.strip()}
    return StepTitles(result)


def titles_path(workflows_path: str | None) -> Path | None:
    """Where the translations of a user's workflows file are: beside it, `.titles.toml` for `.toml`."""
    if not workflows_path:
        return None
    path = Path(workflows_path).expanduser()
    return path.with_name(path.name.removesuffix(".toml") + TITLES_SUFFIX)


def load_titles(workflows_path: str | None = None) -> StepTitles:
    """The shipped translations, with those beside `workflows_path` (if that file exists) added over them."""
    shipped = resources.files("events").joinpath("data/workflows.titles.toml").read_text(encoding="utf-8")
    titles = parse_titles(shipped).by_title
    own = titles_path(workflows_path)
    if own is not None:
        try:
            text = own.read_text(encoding="utf-8")
        except FileNotFoundError:
            return StepTitles(titles)
        except OSError as error:
            raise WorkflowFileError(str(own), error.strerror or str(error)) from error
        for title, names in parse_titles(text, str(own)).by_title.items():
            titles[title] = {**titles.get(title, {}), **names}
    return StepTitles(titles)
