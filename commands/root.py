"""The root command: global options, the one error handler, and the command groups of `commands/`, where
each command parses its arguments, calls one service function and prints the result.

`cli.py` imports this module only when a command runs: `--version` and a cached `--help` answer without
Typer (`commands.quick`).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any, NoReturn

import typer
import typer.main
from typer._click import exceptions as click_errors  # typer vendors its own click
from typer.core import TyperGroup
from typer.exceptions import Abort

from calendar_app import VERSION, i18n
from calendar_app.i18n import N_
from calendar_app.i18n import gettext as _
from commands import quick
from commands.language import LocalContext, lang_option, translated, usage_message
from events.errors import CalendarAppError

# Every top-level command: the module that builds it and its one-line help. A command is built only when
# it is used: building all of them (about 50 with their options) would cost ~100 ms of every start.
# tests/test_cli.py checks that these lines match the commands' own help.
COMMANDS: dict[str, tuple[str, str]] = {
    "event": ("commands.events", N_("Add, change, cancel and look up events.")),
    "agenda": ("commands.events", N_("Upcoming events grouped by day, each at its own local time.")),
    "history": ("commands.history",
                N_("Who changed which event, feed, contact or campaign, when, from what to what.")),
    "campaign": ("commands.campaigns",
                 N_("Yearly campaigns (the 16 Days of Activism...), their editions and programmes.")),
    "feed": ("commands.feeds", N_("iCalendar feeds staff subscribe to (public, or private behind a secret URL).")),
    "export": ("commands.feeds",
               N_("Write events as one iCalendar file (streamed: 100,000 events do not sit in memory).")),
    "import": ("commands.feeds",
               N_("Import events from an .ics file: upsert by UID (a higher SEQUENCE wins), never a duplicate.")),
    "serve": ("commands.feeds",
              N_("Serve the feeds over HTTP (ETag, 304, gzip) and send reminders; `/` lists the public feeds.")),
    "contact": ("commands.reminders", N_("People reminders and tasks go to.")),
    "reminder": ("commands.reminders", N_("Reminder deliveries: what is due, a preview, the log.")),
    "workflow": ("commands.reminders", N_("Workflow templates per kind of event (data in a TOML file).")),
    "task": ("commands.reminders", N_("Tasks made from workflow steps.")),
    "scheduler": ("commands.reminders", N_("The reminder dispatcher.")),
    "participant": ("commands.people", N_("An event's participants: who was invited, who answered, who came.")),
    "report": ("commands.people", N_("Reports for donors and partners (figures only, no personal data).")),
    "rsvp": ("commands.people", N_("Answers to invitations sent back by e-mail.")),
    "region": ("commands.admin", N_("The built-in regions of Mongolia and Kyrgyzstan.")),
    "db": ("commands.admin", N_("Database schema for operators.")),
    "demo": ("commands.admin", N_("Demo data from real press releases.")),
}


def build_command(name: str) -> Any:
    """The click command of one top-level command, built from its module."""
    target = importlib.import_module(COMMANDS[name][0]).commands()[name]
    holder = typer.Typer(rich_markup_mode=None)
    holder.callback()(lambda: None)  # with a callback, typer builds a group, keeping one-command groups whole
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
    from commands.checks import guard  # every argument within bounds before any command runs

    return translated(guard(typer.main.get_command(holder).commands[name]))  # type: ignore[attr-defined]


# A command whose stdout closed early (`event add ... | true`, `event list | head -1`) did its work: it ends
# quietly with this code, as the README's exit-code table says, never with 1 or 2.
CLOSED_STDOUT_EXIT = 0


class _RootGroup(TyperGroup):
    """Builds commands when used, speaks the user's language, and turns our typed errors, usage errors,
    database failures and a closed stdout into one stderr line (or none) and the exit code of PRODUCT.md
    section 2."""

    context_class = LocalContext

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, windows_expand_args: bool = True,
             **extra: Any) -> Any:
        arguments = list(sys.argv[1:] if args is None else args)
        _speak(lang_option(arguments))  # before any help is formatted: `calendar-app --help --lang mn`
        translated(self)
        try:
            if not standalone_mode:
                return super().main(arguments, prog_name, complete_var, False, windows_expand_args, **extra)
            self._standalone(arguments, prog_name, complete_var, windows_expand_args, **extra)
        finally:
            i18n.use(i18n.SOURCE_LANGUAGE)  # the language holds for one command (tests run many in a process)

    def _standalone(self, args: list[str], prog_name: str | None, complete_var: str | None,
                    windows_expand_args: bool, **extra: Any) -> NoReturn:
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except click_errors.NoArgsIsHelpError as error:  # a group alone asks for its help: on stdout, exit 0
            typer.echo(error.ctx.get_help() if error.ctx is not None else error.format_message())
            sys.exit(0)
        except click_errors.ClickException as error:
            message = usage_message(" ".join(error.format_message().split()))
            typer.echo(_("error: {message}").format(message=message) + _help_hint(error), err=True)
            sys.exit(error.exit_code)
        except Abort:
            typer.echo(_("error: aborted"), err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return build_command(cmd_name) if cmd_name in COMMANDS else None

    def get_help(self, ctx: Any) -> str:
        text: str = super().get_help(ctx)
        quick.remember_help(text)
        return text

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section(_("Commands")):
            formatter.write_dl([(name, text) for name, (_module, text) in COMMANDS.items()])

    # typer 0.2x vendors its own click, whose Context type differs by version: leave it untyped.
    def invoke(self, ctx: Any) -> Any:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a closed stdout shows here, not at exit
            return result
        except CalendarAppError as error:
            _fail(error)
        except BrokenPipeError:
            _stdout_closed()
        except Exception as error:
            storage = _storage_error(error, ctx)
            if storage is None:
                raise
            _fail(storage)


def _help_hint(error: click_errors.ClickException) -> str:
    ctx = getattr(error, "ctx", None)
    if isinstance(error, click_errors.UsageError) and ctx is not None:
        return _(" (see '{command} --help')").format(command=ctx.command_path)
    return ""


def _speak(given: str | None) -> None:
    """Use the language chosen by `--lang`, the environment, the file or the locale; a bad choice speaks
    English until the root command refuses it (`_main`)."""
    try:
        i18n.use(i18n.choose(given))
    except CalendarAppError:
        i18n.use(i18n.SOURCE_LANGUAGE)


def _stdout_closed() -> NoReturn:
    """The reader of stdout went away: drop what is left unwritten and end with CLOSED_STDOUT_EXIT."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the flush at exit must not fail again
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # a stdout without a file descriptor (tests)
        pass
    raise typer.Exit(CLOSED_STDOUT_EXIT)


def _storage_error(error: Exception, ctx: Any) -> CalendarAppError | None:
    """A driver failure that escaped a transaction (the dispatcher's store, say) as one `StorageError`."""
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import DBAPIError

    if not isinstance(error, DBAPIError):
        return None
    from calendar_app.db import storage_error

    settings = (ctx.find_root().obj or {}).get("settings")
    return storage_error(error, getattr(settings, "db_url", ""))


def _fail(error: CalendarAppError) -> NoReturn:
    from commands.errors import cli_message  # errors name fields and actions; the CLI says options and commands

    typer.echo(_("error: {message}").format(message=cli_message(error)), err=True)
    raise typer.Exit(error.exit_code)


app = typer.Typer(
    cls=_RootGroup,
    help=N_("Event calendar and workflow scheduler for civil-society programmes."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain click help: rendering it with rich costs ~150 ms of start-up
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"calendar-app {VERSION}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(help="Database: a SQLite file path or an SQLAlchemy URL "
                                           "[env: CALENDAR_APP_DB; default: calendar.db in your data folder]")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="Your time zone for dates typed without one "
                                           "[env: CALENDAR_APP_TZ; default: the machine's]")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Language of messages and help: mn, ky, ru or en "
                                             "[env: CALENDAR_APP_LANG; config: lang; default: the locale's]")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    if tz is not None and not tz.strip():
        from events.errors import EmptyValue, Field

        raise EmptyValue(Field.TZ)
    i18n.use(i18n.choose(lang))  # as `main` chose it, but a bad language is refused here, with exit code 2
    ctx.obj = {"db": db, "tz": tz}
