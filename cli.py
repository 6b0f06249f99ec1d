"""calendar-app: the coordinators' command line.

This module only parses arguments, calls one service function per command and prints the result.
Heavy modules (SQLAlchemy, rich) are imported inside the commands so `--help` and `--version` stay fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from events.errors import CalendarAppError

if TYPE_CHECKING:
    from calendar_app.config import Settings
    from calendar_app.services import EventFilter

__version__ = "0.1.0"


class _ErrorHandlingGroup(TyperGroup):
    """Turns our typed errors into one stderr line and the exit code of PRODUCT.md section 2."""

    def invoke(self, ctx: Any) -> Any:  # click.Context; typer >= 0.20 vendors its own click
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
)
event_app = typer.Typer(help="Add, change, cancel and look up events.", no_args_is_help=True)
region_app = typer.Typer(help="The built-in regions of Mongolia and Kyrgyzstan.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema for operators.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data from real press releases.", no_args_is_help=True)
app.add_typer(event_app, name="event")
app.add_typer(region_app, name="region")
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")


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


def _settings(ctx: typer.Context) -> Settings:
    from calendar_app.config import load_settings

    root = ctx.find_root().obj or {}
    return load_settings(root.get("db"), root.get("tz"))


def _now():  # type: ignore[no-untyped-def]
    from calendar_app.clock import utc_now

    return utc_now()


def _print(renderable: Any) -> None:
    from rich.console import Console

    Console(soft_wrap=False).print(renderable)


def _print_event(view: Any, as_json: bool, message: str | None = None) -> None:
    from calendar_app import output
    from events.views import event_json

    if as_json:
        typer.echo(output.to_json(event_json(view)))
        return
    if message:
        typer.echo(message)
    _print(output.event_details(view))


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
Ref = Annotated[str, typer.Argument(help="The event's id or uid.")]
Many = Annotated[list[str] | None, typer.Option()]


# ---- event ----------------------------------------------------------------------------------------------

@event_app.command("add")
def event_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="The event's title, in any language.")],
    start: Annotated[str, typer.Option(help="Start: 2025-11-26 10:00, 2025-11-26T10:00+08:00, "
                                       "'tomorrow 10:00', +3d; a date alone makes an all-day event.")],
    kind: Annotated[str, typer.Option(help="consultation, signing, round_table, launch, training, "
                                      "campaign_day, meeting or other.")] = "meeting",
    end: Annotated[str | None, typer.Option(help="End (inclusive last day for all-day events).")] = None,
    duration: Annotated[str | None, typer.Option(help="Length instead of --end: 90m, 2h, 1d, 1w.")] = None,
    all_day: Annotated[bool, typer.Option("--all-day", help="Dates, not times; --end is the last day.")] = False,
    tz: Annotated[str | None, typer.Option("--tz", help="IANA zone; default: the region's zone.")] = None,
    region: Annotated[str | None, typer.Option(help="Region slug, Cyrillic name or alias.")] = None,
    location: Annotated[str | None, typer.Option(help="Venue and address.")] = None,
    description: Annotated[str | None, typer.Option()] = None,
    url: Annotated[str | None, typer.Option()] = None,
    partner: Annotated[list[str] | None, typer.Option(help="Partner organisation (repeatable).")] = None,
    programme: Annotated[str | None, typer.Option(help="The project or programme it belongs to.")] = None,
    organizer: Annotated[str | None, typer.Option()] = None,
    language: Annotated[str | None, typer.Option(help="Language of the texts: mn, ky, ru or en.")] = None,
    participants: Annotated[int | None, typer.Option(help="Expected participants.")] = None,
    actual: Annotated[int | None, typer.Option(help="Actual participants, once held.")] = None,
    women: Annotated[int | None, typer.Option(help="Of the participants, women.")] = None,
    men: Annotated[int | None, typer.Option(help="Of the participants, men.")] = None,
    status: Annotated[str, typer.Option(help="tentative, confirmed, postponed, cancelled or held.")] = "confirmed",
    visibility: Annotated[str, typer.Option(help="public, internal or confidential.")] = "internal",
    as_json: JsonOpt = False,
) -> None:
    """Add an event and print it.

    Example:

      calendar-app event add "Жендэрийн эрх тэгш байдлын зөвшилцөх уулзалт" --kind consultation
      --start "2020-05-06 10:00" --duration 2h --region ulaanbaatar --partner "Ministry of Education"
      --visibility internal
    """
    from calendar_app import services
    from events.drafts import NewEventDraft

    draft = NewEventDraft(
        title=title, start=start, kind=kind, end=end, duration=duration, all_day=all_day, tz=tz,
        region=region, location=location, description=description, url=url, partners=partner or [],
        programme=programme, organizer=organizer, language=language, participants=participants,
        participants_actual=actual, women=women, men=men, status=status, visibility=visibility,
    )
    view = services.add_event(draft, settings=_settings(ctx), now=_now())
    _print_event(view, as_json, f"Added event {view.id} (uid {view.uid})")


def _filter(**values: Any) -> EventFilter:
    from calendar_app.services import EventFilter

    lists = ("kinds", "regions", "partners", "programmes", "statuses", "visibilities")
    cleaned: dict[str, Any] = {k: (v or ()) if k in lists else v for k, v in values.items()}
    return EventFilter(**cleaned)


@event_app.command("list")
def event_list(
    ctx: typer.Context,
    start: Annotated[str | None, typer.Option("--from", help="Events ending after this: 2025-11-25, today.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Events starting before this.")] = None,
    days: Annotated[str | None, typer.Option(help="Window length from --from (or now): 30, 30d, 2w.")] = None,
    kind: Many = None,
    region: Many = None,
    partner: Many = None,
    programme: Many = None,
    status: Many = None,
    visibility: Many = None,
    search: Annotated[str | None, typer.Option(help="Words in title, description, location or organizer.")] = None,
    limit: Annotated[int | None, typer.Option(min=1)] = None,
    as_json: JsonOpt = False,
) -> None:
    """List events, oldest first; filters repeat (--kind consultation --kind signing) and combine.

    Example:

      calendar-app event list --from 2020-05-01 --to 2020-06-01 --region ulaanbaatar --search зөвшилцөх
    """
    from calendar_app import output, services

    filters = _filter(start=start, end=end, days=days, kinds=kind, regions=region, partners=partner,
                      programmes=programme, statuses=status, visibilities=visibility, text=search, limit=limit)
    events = services.list_events(filters, settings=_settings(ctx), now=_now())
    if as_json:
        typer.echo(output.events_json(events))
    else:
        _print(output.events_table(events))


@event_app.command("show")
def event_show(ctx: typer.Context, ref: Ref, as_json: JsonOpt = False) -> None:
    """Show one event.

    Example:

      calendar-app event show 3 --json
    """
    from calendar_app import services

    _print_event(services.show_event(ref, settings=_settings(ctx)), as_json)


@event_app.command("edit")
def event_edit(
    ctx: typer.Context,
    ref: Ref,
    title: Annotated[str | None, typer.Option()] = None,
    kind: Annotated[str | None, typer.Option()] = None,
    start: Annotated[str | None, typer.Option(help="New start; alone it moves the event, keeping its length.")] = None,
    end: Annotated[str | None, typer.Option()] = None,
    duration: Annotated[str | None, typer.Option()] = None,
    all_day: Annotated[bool | None, typer.Option("--all-day/--timed", help="Make it all-day or timed.")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="New zone; wall-clock times stay.")] = None,
    region: Annotated[str | None, typer.Option()] = None,
    location: Annotated[str | None, typer.Option()] = None,
    description: Annotated[str | None, typer.Option()] = None,
    url: Annotated[str | None, typer.Option()] = None,
    partner: Annotated[list[str] | None, typer.Option(help="Replaces the partner list (repeatable).")] = None,
    programme: Annotated[str | None, typer.Option()] = None,
    organizer: Annotated[str | None, typer.Option()] = None,
    language: Annotated[str | None, typer.Option()] = None,
    participants: Annotated[int | None, typer.Option()] = None,
    actual: Annotated[int | None, typer.Option()] = None,
    women: Annotated[int | None, typer.Option()] = None,
    men: Annotated[int | None, typer.Option()] = None,
    status: Annotated[str | None, typer.Option()] = None,
    visibility: Annotated[str | None, typer.Option()] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change an event; only the options given change.

    Example (move the round table a day later, same length):

      calendar-app event edit 5 --start "2019-12-17 10:00" --status confirmed
    """
    from calendar_app import services
    from events.drafts import EventChanges

    changes = EventChanges(
        title=title, kind=kind, start=start, end=end, duration=duration, all_day=all_day, tz=tz,
        region=region, location=location, description=description, url=url, partners=partner,
        programme=programme, organizer=organizer, language=language, participants=participants,
        participants_actual=actual, women=women, men=men, status=status, visibility=visibility,
    )
    view = services.edit_event(ref, changes, settings=_settings(ctx), now=_now())
    _print_event(view, as_json, f"Updated event {view.id} (sequence {view.sequence})")


@event_app.command("cancel")
def event_cancel(
    ctx: typer.Context,
    ref: Ref,
    reason: Annotated[str | None, typer.Option(help="Why, for the people invited.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Cancel an event: it stays stored and feeds show it as cancelled.

    Example:

      calendar-app event cancel 4 --reason "Яам хуралдааны товыг хойшлуулсан"
    """
    from calendar_app import services

    view = services.cancel_event(ref, reason, settings=_settings(ctx), now=_now())
    _print_event(view, as_json, f"Cancelled event {view.id}")


@event_app.command("delete")
def event_delete(
    ctx: typer.Context,
    ref: Ref,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; needed without a terminal.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Delete an event for good (cancel it instead to keep it in feeds and reports).

    Example:

      calendar-app event delete 4 --yes
    """
    from calendar_app import services

    if not yes:
        view = services.show_event(ref, settings=_settings(ctx))
        if not sys.stdin.isatty() or not typer.confirm(f"Delete event {view.id} '{view.title}' for good?"):
            typer.echo("error: not deleted: confirm at the prompt or pass --yes", err=True)
            raise typer.Exit(2)
    view = services.delete_event(ref, settings=_settings(ctx))
    _print_event(view, as_json, f"Deleted event {view.id}")


# ---- agenda ---------------------------------------------------------------------------------------------

@app.command("agenda")
def agenda(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=1, max=366, help="How many days.")] = 7,
    start: Annotated[str | None, typer.Option("--from", help="First day (default today).")] = None,
    kind: Many = None,
    region: Many = None,
    partner: Many = None,
    status: Many = None,
    visibility: Many = None,
    as_json: JsonOpt = False,
) -> None:
    """Upcoming events grouped by day, each at its own local time.

    Example:

      calendar-app agenda --from 2020-05-04 --days 14 --region ulaanbaatar
    """
    from calendar_app import output, services

    filters = _filter(start=start, kinds=kind, regions=region, partners=partner, statuses=status,
                      visibilities=visibility)
    result = services.agenda(days, filters, settings=_settings(ctx), now=_now())
    if as_json:
        typer.echo(output.agenda_json(result))
    else:
        _print(output.agenda_text(result))


# ---- region ---------------------------------------------------------------------------------------------

@region_app.command("list")
def region_list(
    country: Annotated[str | None, typer.Option(help="MN or KG.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List regions with their time zones (Mongolia has two: Asia/Hovd in the west).

    Example:

      calendar-app region list --country MN --json
    """
    from calendar_app import output
    from events.regions import regions_of

    regions = regions_of(country)
    if as_json:
        typer.echo(output.regions_json(regions))
    else:
        _print(output.regions_table(regions))


# ---- db -------------------------------------------------------------------------------------------------

@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create the database or bring its schema up to date.

    Example:

      calendar-app --db postgresql+psycopg://calendar@db.example/calendar db upgrade
    """
    from calendar_app import admin

    revision = admin.upgrade_database(settings=_settings(ctx))
    typer.echo(f"Database at revision {revision}")


@db_app.command("current")
def db_current(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the database's schema revision and the newest this version knows.

    Example:

      calendar-app db current
    """
    from calendar_app import admin, output

    state = admin.database_revision(settings=_settings(ctx))
    if as_json:
        typer.echo(output.to_json(state))
    else:
        typer.echo(f"current: {state['current'] or 'empty'}  head: {state['head']}  url: {state['url']}")


# ---- demo -----------------------------------------------------------------------------------------------

@demo_app.command("load")
def demo_load(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Load the demo events (real 2018-2023 events from Mongolia and Kyrgyzstan); loading twice adds nothing.

    Example:

      calendar-app --db demo.db demo load
    """
    from calendar_app import admin, output

    result = admin.load_demo(settings=_settings(ctx), now=_now())
    if as_json:
        typer.echo(output.to_json(result))
    else:
        typer.echo(f"Demo loaded: {result['added']} added, {result['unchanged']} already there")


def main() -> None:
    app(prog_name="calendar-app")


if __name__ == "__main__":
    main()
