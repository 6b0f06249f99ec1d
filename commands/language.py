"""The CLI in the user's language: help translated when a command is built, click's formatter and usage
errors in that language, and `--lang` read before click parses anything (the language of `--help` must be
known before help is printed). The catalogues and the choice of language are `calendar_app.i18n`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import typer.core
from typer._click.core import Context
from typer._click.formatting import HelpFormatter

from calendar_app.i18n import N_, help_text
from calendar_app.i18n import gettext as _

# Click keeps help texts as given when the commands are defined; they are English msgids. A command is
# translated when it is built (each run builds the ones it uses), its own texts kept to translate again.

# Typer marks its own words ("Options", "[default: ...]", "[required]") with gettext's `_`: routed to ours.
typer.core._ = _
# Click's and Typer's own words, for the catalogues (Typer asks gettext for them, `LocalHelpFormatter` the rest).
CLICK_WORDS = (N_("Usage: "), N_("Options"), N_("Arguments"), N_("Commands"), N_("Show this message and exit."),
               N_("default: {default}"), N_("required"), N_("env var: {var}"), N_("(dynamic)"), N_("Aborted!"),
               N_("Missing command."), N_("No such command {name!r}."))


class LocalHelpFormatter(HelpFormatter):
    """Click's formatter speaking the user's language: "Usage:", section titles and the rows it adds itself
    ("Show this message and exit.")."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_(heading))

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _(text) if text else text) for term, text in rows], col_max, col_spacing)


class LocalContext(Context):
    formatter_class = LocalHelpFormatter


def translated(command: Any) -> Any:
    """`command` and everything under it with its help, short help and parameters' help translated."""
    pending = [command]
    while pending:
        item = pending.pop()
        item.context_class = LocalContext
        for holder, attribute in [(item, "help"), (item, "short_help"),
                                  *((param, "help") for param in item.params)]:
            source = holder.__dict__.setdefault(f"_msgid_{attribute}", getattr(holder, attribute, None))
            if source:
                setattr(holder, attribute, help_text(source))
        pending.extend(getattr(item, "commands", {}).values())
    return command


# Click writes its usage errors in English without gettext: the common ones are matched and said again in
# the user's language (the values they quote stay as they are); any other stays English.
_USAGE_ERRORS = (
    (re.compile(r"No such option: (?P<option>\S+)(?: \(Possible options: (?P<options>.+)\))?$"),
     N_("No such option: {option}"), N_("{message} (Possible options: {options})")),
    (re.compile(r"Missing option (?P<name>.+?)\.$"), N_("Missing option {name}."), ""),
    (re.compile(r"Missing argument (?P<name>.+?)\.$"), N_("Missing argument {name}."), ""),
    (re.compile(r"Invalid value for (?P<name>.+?): (?P<reason>.+)$"), N_("Invalid value for {name}: {reason}"), ""),
    (re.compile(r"Got unexpected extra argument\(s\) \((?P<args>.*)\)$"),
     N_("Got unexpected extra argument(s) ({args})"), ""),
    (re.compile(r"Option (?P<name>'.+?') requires an argument\.$"), N_("Option {name} requires an argument."), ""),
    (re.compile(r"Option (?P<name>'.+?') requires (?P<count>\d+) arguments\.$"),
     N_("Option {name} requires {count} arguments."), ""),
)
_SUGGESTION = re.compile(r"^(?P<message>.+?)\. Did you mean (?P<suggestions>.+)\?$")


def usage_message(english: str) -> str:
    """A usage error of click's, in the user's language when it is one of `_USAGE_ERRORS`."""
    suggested = _SUGGESTION.match(english)  # typer's "Did you mean ...?" after a message of its own
    if suggested is not None:
        return _("{message}. Did you mean {suggestions}?").format(
            message=usage_message(suggested["message"]), suggestions=suggested["suggestions"])
    for pattern, message, with_options in _USAGE_ERRORS:
        found = pattern.match(english)
        if found is None:
            continue
        values = {k: v for k, v in found.groupdict().items() if v is not None}
        text = _(message).format(**values)
        return _(with_options).format(message=text, options=values["options"]) if "options" in values else text
    return english


def lang_option(args: Sequence[str]) -> str | None:
    """The value of the root's `--lang` among `args`, read before click parses them (None: not given)."""
    takes_value = {"--db", "--tz", "--lang"}
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--lang":
            return args[index + 1] if index + 1 < len(args) else None
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
        if not arg.startswith("-") or arg == "--":
            return None  # the command: options after it are its own
        index += 2 if arg in takes_value else 1
    return None
