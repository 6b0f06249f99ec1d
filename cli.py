"""calendar-app: the coordinators' command line.

The root command: global options, the one error handler, and the command groups of `commands/`, where
each command parses its arguments, calls one service function and prints the result.
"""

from __future__ import annotations

import importlib
from typing import Annotated, Any, NoReturn

import typer
import typer.main
from typer.core import TyperGroup

from events.errors import CalendarAppError

__version__ = "0.1.0"


# Every top-level command: the module that builds it and its one-line help. A command is built only when
# it is used: building all of them (about 50 with their options) would cost ~100 ms of every start.
# tests/test_cli.py checks that these lines match the commands' own help.
COMMANDS: dict[str, tuple[str, str]] = {
    "event": ("commands.events", "Add, change, cancel and look up events."),
    "agenda": ("commands.events", "Upcoming events grouped by day, each at its own local time."),
    "campaign": ("commands.campaigns", "Yearly campaigns (the 16 Days of Activism...), their editions and programmes."),
    "feed": ("commands.feeds", "iCalendar feeds staff subscribe to (public, or private behind a secret URL)."),
    "export": ("commands.feeds",
               "Write events as one iCalendar file (streamed: 100,000 events do not sit in memory)."),
    "import": ("commands.feeds",
               "Import events from an .ics file: upsert by UID (a higher SEQUENCE wins), never a duplicate."),
    "serve": ("commands.feeds",
              "Serve the feeds over HTTP (ETag, 304, gzip) and send reminders; `/` lists the public feeds."),
    "contact": ("commands.reminders", "People reminders and tasks go to."),
    "reminder": ("commands.reminders", "Reminder deliveries: what is due, a preview, the log."),
    "workflow": ("commands.reminders", "Workflow templates per kind of event (data in a TOML file)."),
    "task": ("commands.reminders", "Tasks made from workflow steps."),
    "scheduler": ("commands.reminders", "The reminder dispatcher."),
    "region": ("commands.admin", "The built-in regions of Mongolia and Kyrgyzstan."),
    "db": ("commands.admin", "Database schema for operators."),
    "demo": ("commands.admin", "Demo data from real press releases."),
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
    return typer.main.get_command(holder).commands[name]  # type: ignore[attr-defined]


class _RootGroup(TyperGroup):
    """Builds commands when used, and turns our typed errors into one stderr line and the exit code of
    PRODUCT.md section 2."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return build_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, text) for name, (_, text) in COMMANDS.items()])

    # typer 0.2x vendors its own click, whose Context type differs by version: leave it untyped.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CalendarAppError as error:
            _fail(error)


def _fail(error: CalendarAppError) -> NoReturn:
    from commands.errors import cli_message  # errors name fields and actions; the CLI says options and commands

    typer.echo(f"error: {cli_message(error)}", err=True)
    raise typer.Exit(error.exit_code)


app = typer.Typer(
    cls=_RootGroup,
    help="Event calendar and workflow scheduler for civil-society programmes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain click help: rendering it with rich costs ~150 ms of start-up
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"calendar-app {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(help="Database: a SQLite file path or an SQLAlchemy URL "
                                           "[env: CALENDAR_APP_DB; default: calendar.db in your data folder]")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="Your time zone for dates typed without one "
                                           "[env: CALENDAR_APP_TZ; default: the machine's]")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    ctx.obj = {"db": db, "tz": tz}


def main() -> None:
    app(prog_name="calendar-app")


if __name__ == "__main__":
    main()
