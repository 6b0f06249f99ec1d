"""calendar-app: the coordinators' command line.

The root command: global options, the one error handler, and the command groups of `commands/`, where
each command parses its arguments, calls one service function and prints the result.
"""

from __future__ import annotations

from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from commands import admin as admin_commands
from commands import campaigns as campaign_commands
from commands import events as events_commands
from commands import feeds as feed_commands
from commands import reminders as reminder_commands
from events.errors import CalendarAppError

__version__ = "0.1.0"


class _ErrorHandlingGroup(TyperGroup):
    """Turns our typed errors into one stderr line and the exit code of PRODUCT.md section 2."""

    # typer 0.2x vendors its own click, whose Context type differs by version: leave it untyped.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CalendarAppError as error:
            _fail(error)


def _fail(error: CalendarAppError) -> NoReturn:
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(error.exit_code)


app = typer.Typer(
    cls=_ErrorHandlingGroup,
    help="Event calendar and workflow scheduler for civil-society programmes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain click help: rendering it with rich costs ~150 ms of start-up
)


for module in (events_commands, admin_commands, campaign_commands, feed_commands, reminder_commands):
    module.register(app)


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
