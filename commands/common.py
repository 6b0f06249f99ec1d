"""What every command module shares: settings from the root options, the clock, printing, option types.

Heavy modules (SQLAlchemy, rich) are imported inside the functions so `--help` and `--version` stay fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from calendar_app.i18n import gettext as _

if TYPE_CHECKING:
    from datetime import datetime

    from calendar_app.app import App
    from calendar_app.config import Settings
    from calendar_app.services import EventFilter

Shape = TypeVar("Shape")


def group(help_text: str) -> typer.Typer:
    """A command group; plain click help, as rendering it with rich costs ~150 ms of start-up."""
    return typer.Typer(help=help_text, no_args_is_help=True, rich_markup_mode=None)


def settings_of(ctx: typer.Context) -> Settings:
    """The settings of this run, parsed once: the root options (--db, --tz), the environment, the file."""
    from calendar_app.config import load_settings

    root = ctx.find_root()
    root.obj = root.obj or {}
    if "settings" not in root.obj:
        root.obj["settings"] = load_settings(root.obj.get("db"), root.obj.get("tz"))
    settings: Settings = root.obj["settings"]
    return settings


def app_of(ctx: typer.Context) -> App:
    """The application of this run (settings, store, clock), wired once when a command first needs it."""
    from calendar_app.app import App

    root = ctx.find_root()
    if "app" not in (root.obj or {}):
        settings = settings_of(ctx)
        root.obj["app"] = App.open(settings)
        root.call_on_close(root.obj["app"].close)
    app: App = root.obj["app"]
    return app


def now(ctx: typer.Context) -> datetime:
    """This moment, by the application's clock."""
    return app_of(ctx).now()


# What `--wide` prints at: every column at its full width; lines end where their text does (no padding).
WIDE = 100_000


def show(renderable: Any, *, wide: bool = False) -> None:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # rich would exit 1: let the root handler end quietly instead
            raise BrokenPipeError

    from commands.output.layout import Page

    console = _Console(soft_wrap=False, width=WIDE if wide else None)
    text = renderable.plain_text(console) if isinstance(renderable, Page) else None
    if text is None:
        console.print(renderable)
    else:
        console.file.write(text)
        console.file.flush()


def terminal_width(wide: bool = False) -> int | None:
    """The width rich will print at: the terminal's, else COLUMNS, else 80; None (every column) with `wide`."""
    from rich.console import Console

    return None if wide else Console().width


def emit_json(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def show_event(view: Any, as_json: bool, message: str | None = None) -> None:
    from commands.output import events as output
    from events.views import event_json

    if as_json:
        emit_json(output.json_bytes(event_json(view)))
        return
    if message:
        typer.echo(message)
    typer.echo(output.event_details(view))


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
WideOpt = Annotated[bool, typer.Option("--wide", help="Every column, however wide the table gets (a narrow "
                                       "terminal leaves some out, and says which).")]
StreamOpt = Annotated[bool, typer.Option("--stream", help="Write into -o as it is when it is a device, FIFO or "
                                         "link (default: refused; a regular file is replaced atomically).")]
Ref = Annotated[str, typer.Argument(help="The event's id or uid.")]
Many = Annotated[list[str] | None, typer.Option()]
CampaignOpt = Annotated[str | None, typer.Option(help="Campaign slug: link to the edition of the event's dates.")]
AllowOutsideOpt = Annotated[bool, typer.Option("--allow-outside", help="Link it to the campaign even outside "
                                               "the window (and its lead-in day).")]


def shown(line: str) -> str:
    """A service's warning line in the user's language (a `Notice` is translated; other text is as given)."""
    from events.errors import Notice

    return line.render(_) if isinstance(line, Notice) else line


def warn(lines: Any) -> None:
    for line in lines:
        typer.echo(_("warning: {message}").format(message=shown(line)), err=True)


def with_filters(shape: Callable[..., Shape], **values: Any) -> Shape:
    """`shape(**values)`, with the list filters a repeatable option left as None made empty."""
    from events.queries import FILTER_LISTS

    return shape(**{k: (v or ()) if k in FILTER_LISTS else v for k, v in values.items()})


def event_filter(**values: Any) -> EventFilter:
    from calendar_app.services import EventFilter

    return with_filters(EventFilter, **values)


