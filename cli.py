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
    import click

    from calendar_app.config import Settings
    from calendar_app.services import EventFilter

__version__ = "0.1.0"


class _ErrorHandlingGroup(TyperGroup):
    """Turns our typed errors into one stderr line and the exit code of PRODUCT.md section 2."""

    def invoke(self, ctx: click.Context) -> Any:
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


def _group(help_text: str) -> typer.Typer:
    return typer.Typer(help=help_text, no_args_is_help=True, rich_markup_mode=None)


event_app = _group("Add, change, cancel and look up events.")
region_app = _group("The built-in regions of Mongolia and Kyrgyzstan.")
db_app = _group("Database schema for operators.")
demo_app = _group("Demo data from real press releases.")
app.add_typer(event_app, name="event")
app.add_typer(region_app, name="region")
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
campaign_app = typer.Typer(help="Yearly campaigns (the 16 Days of Activism...), their editions and programmes.",
                           no_args_is_help=True)
edition_app = typer.Typer(help="A campaign's yearly editions.", no_args_is_help=True)
app.add_typer(campaign_app, name="campaign")
campaign_app.add_typer(edition_app, name="edition")


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


def _print_json(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _print_event(view: Any, as_json: bool, message: str | None = None) -> None:
    from calendar_app import output
    from events.views import event_json

    if as_json:
        _print_json(output.json_bytes(event_json(view)))
        return
    if message:
        typer.echo(message)
    _print(output.event_details(view))


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
Ref = Annotated[str, typer.Argument(help="The event's id or uid.")]
Many = Annotated[list[str] | None, typer.Option()]
CampaignOpt = Annotated[str | None, typer.Option(help="Campaign slug: link to the edition of the event's dates.")]
AllowOutsideOpt = Annotated[bool, typer.Option("--allow-outside", help="Link it to the campaign even outside "
                                               "the window (and its lead-in day).")]


def _warn(lines: Any) -> None:
    for line in lines:
        typer.echo(f"warning: {line}", err=True)


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
    campaign: CampaignOpt = None,
    allow_outside: AllowOutsideOpt = False,
    yearly: Annotated[bool, typer.Option("--yearly", help="Part of the campaign's yearly programme: "
                                         "'campaign roll' copies it to next year.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add an event and print it; a public holiday on its dates prints a warning.

    Example:

    \b
      calendar-app event add "Жендэрийн эрх тэгш байдлын зөвшилцөх уулзалт" --kind consultation \\
        --start "2020-05-06 10:00" --duration 2h --region ulaanbaatar \\
        --partner "Ministry of Education" --visibility internal

    In a campaign (the edition of the event's dates; the day before the window is its lead-in day):

    \b
      calendar-app event add "16 хоногийн аяны үндэсний нээлт" --kind launch \\
        --start "2025-11-24 10:00" --region ulaanbaatar --campaign 16-days --yearly
    """
    from calendar_app import campaign_services
    from events.campaign_links import CampaignLink
    from events.drafts import NewEventDraft

    draft = NewEventDraft(
        title=title, start=start, kind=kind, end=end, duration=duration, all_day=all_day, tz=tz,
        region=region, location=location, description=description, url=url, partners=partner or [],
        programme=programme, organizer=organizer, language=language, participants=participants,
        participants_actual=actual, women=women, men=men, status=status, visibility=visibility,
    )
    link = CampaignLink(campaign=campaign, allow_outside=allow_outside, yearly=yearly or None)
    outcome = campaign_services.add_event(draft, link, settings=_settings(ctx), now=_now())
    _warn(outcome.warnings)
    view = outcome.view
    _print_event(view, as_json, f"Added event {view.id} (uid {view.uid})")


def _filter(**values: Any) -> EventFilter:
    from calendar_app.services import EventFilter

    lists = ("kinds", "regions", "partners", "programmes", "statuses", "visibilities", "campaigns")
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
    campaign: Annotated[list[str] | None, typer.Option(help="Campaign slug: events of its editions.")] = None,
    limit: Annotated[int | None, typer.Option(min=1)] = None,
    as_json: JsonOpt = False,
) -> None:
    """List events, oldest first; filters repeat (--kind consultation --kind signing) and combine.

    Example:

    \b
      calendar-app event list --from 2020-05-01 --to 2020-06-01 --region ulaanbaatar --search зөвшилцөх
    """
    from calendar_app import output, services

    filters = _filter(start=start, end=end, days=days, kinds=kind, regions=region, partners=partner,
                      programmes=programme, statuses=status, visibilities=visibility, text=search, limit=limit,
                      campaigns=campaign)
    events = services.list_events(filters, settings=_settings(ctx), now=_now())
    if as_json:
        _print_json(output.events_json(events))
    else:
        _print(output.events_table(events))


@event_app.command("show")
def event_show(ctx: typer.Context, ref: Ref, as_json: JsonOpt = False) -> None:
    """Show one event.

    Example:

    \b
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
    campaign: CampaignOpt = None,
    no_campaign: Annotated[bool, typer.Option("--no-campaign", help="Unlink it from its campaign.")] = False,
    allow_outside: AllowOutsideOpt = False,
    yearly: Annotated[bool | None, typer.Option("--yearly/--not-yearly", help="In or out of the campaign's "
                                                "yearly programme.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change an event; only the options given change. A campaign event must stay in its window.

    Example (move the round table a day later, same length):

    \b
      calendar-app event edit 5 --start "2019-12-17 10:00" --status confirmed

    Into the 16 Days, as part of the yearly programme:

      calendar-app event edit 7 --campaign 16-days --yearly
    """
    from calendar_app import campaign_services
    from events.campaign_links import CampaignLink
    from events.drafts import EventChanges

    changes = EventChanges(
        title=title, kind=kind, start=start, end=end, duration=duration, all_day=all_day, tz=tz,
        region=region, location=location, description=description, url=url, partners=partner,
        programme=programme, organizer=organizer, language=language, participants=participants,
        participants_actual=actual, women=women, men=men, status=status, visibility=visibility,
    )
    link = CampaignLink(campaign=campaign, unlink=no_campaign, allow_outside=allow_outside, yearly=yearly)
    outcome = campaign_services.edit_event(ref, changes, link, settings=_settings(ctx), now=_now())
    _warn(outcome.warnings)
    view = outcome.view
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

    \b
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

    \b
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

    \b
      calendar-app agenda --from 2020-05-04 --days 14 --region ulaanbaatar
    """
    from calendar_app import output, services

    filters = _filter(start=start, kinds=kind, regions=region, partners=partner, statuses=status,
                      visibilities=visibility)
    result = services.agenda(days, filters, settings=_settings(ctx), now=_now())
    if as_json:
        _print_json(output.agenda_json(result))
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

    \b
      calendar-app region list --country MN --json
    """
    from calendar_app import output
    from events.regions import regions_of

    regions = regions_of(country)
    if as_json:
        _print_json(output.regions_json(regions))
    else:
        _print(output.regions_table(regions))


# ---- db -------------------------------------------------------------------------------------------------

@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create the database or bring its schema up to date.

    Example:

    \b
      calendar-app --db postgresql+psycopg://calendar@db.example/calendar db upgrade
    """
    from calendar_app import admin

    revision = admin.upgrade_database(settings=_settings(ctx))
    typer.echo(f"Database at revision {revision}")


@db_app.command("current")
def db_current(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the database's schema revision and the newest this version knows.

    Example:

    \b
      calendar-app db current
    """
    from calendar_app import admin, output

    state = admin.database_revision(settings=_settings(ctx))
    if as_json:
        _print_json(output.json_bytes(state))
    else:
        typer.echo(f"current: {state['current'] or 'empty'}  head: {state['head']}  url: {state['url']}")


# ---- demo -----------------------------------------------------------------------------------------------

@demo_app.command("load")
def demo_load(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Load the demo events (real 2018-2023 events from Mongolia and Kyrgyzstan); loading twice adds nothing.

    Example:

    \b
      calendar-app --db demo.db demo load
    """
    from calendar_app import admin, output

    result = admin.load_demo(settings=_settings(ctx), now=_now())
    if as_json:
        _print_json(output.json_bytes(result))
    else:
        typer.echo(f"Demo loaded: {result['added']} added, {result['unchanged']} already there")


# ---- campaign (issue 5) ---------------------------------------------------------------------------------

Slug = Annotated[str, typer.Argument(help="The campaign's slug, e.g. 16-days.")]
ThemeOpt = Annotated[list[str] | None, typer.Option(
    "--theme", help="The year's theme; plain TEXT is the default language, ky:TEXT ru:TEXT mn:TEXT en:TEXT "
    "are translations (repeatable).")]


@campaign_app.command("add")
def campaign_add(
    ctx: typer.Context,
    slug: Annotated[str | None, typer.Argument(help="Short name, e.g. 16-days (default: the preset's).")] = None,
    name: Annotated[str | None, typer.Option(help="Full name.")] = None,
    window: Annotated[str | None, typer.Option(help="First..last day as MM-DD..MM-DD; may cross the year end, "
                                               "e.g. 12-20..01-10.")] = None,
    color: Annotated[str | None, typer.Option("--color", help="Colour for feeds and charts, #RRGGBB.")] = None,
    preset: Annotated[str | None, typer.Option(help="16-days, end-corporal-punishment, womens-day or "
                                               "childrens-day; options given override it.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a yearly campaign.

    Example:

    \b
      calendar-app campaign add --preset 16-days

      calendar-app campaign add oyun-ukhaan --name "Оюуны аян" --window 09-01..09-30 --color "#2E86AB"
    """
    from calendar_app import campaign_output, campaign_services, output

    info = campaign_services.add_campaign(slug, name=name, window=window, color=color, preset=preset,
                                          settings=_settings(ctx))
    if as_json:
        _print_json(output.json_bytes(info.as_json()))
    else:
        typer.echo(f"Added campaign {info.slug} ({info.window})")
        _print(campaign_output.campaign_details(info))


@edition_app.command("add")
def campaign_edition_add(
    ctx: typer.Context,
    slug: Slug,
    year: Annotated[int, typer.Argument(help="The year the edition starts in.")],
    theme: ThemeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a campaign's edition of one year, with its theme in one or more languages.

    Example:

    \b
      calendar-app campaign edition add 16-days 2023 \\
        --theme "UNiTE! Invest to prevent violence against women and girls" \\
        --theme "ky:Биригели! Аялдарга жана кыздарга карата зордук-зомбулуктун алдын алууга колдоо көрсөтөлү"
    """
    from calendar_app import campaign_output, campaign_services, output

    info = campaign_services.add_edition(slug, year, theme or [], settings=_settings(ctx), now=_now())
    if as_json:
        _print_json(output.json_bytes(info.as_json()))
    else:
        typer.echo(f"Added edition {campaign_output.edition_text(info)}")


@campaign_app.command("list")
def campaign_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List campaigns with their windows and editions.

    Example:

    \b
      calendar-app campaign list --json
    """
    from calendar_app import campaign_output, campaign_services, output

    items = campaign_services.list_campaigns(settings=_settings(ctx))
    if as_json:
        _print_json(output.json_bytes([i.as_json() for i in items]))
    else:
        _print(campaign_output.campaigns_table(items))


@campaign_app.command("show")
def campaign_show(
    ctx: typer.Context,
    slug: Slug,
    year: Annotated[int | None, typer.Option(help="Only this edition.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a campaign, its editions, their dates, themes and number of events.

    Example:

    \b
      calendar-app campaign show 16-days --year 2025
    """
    from calendar_app import campaign_output, campaign_services, output

    info = campaign_services.show_campaign(slug, year, settings=_settings(ctx))
    if as_json:
        _print_json(output.json_bytes(info.as_json()))
    else:
        _print(campaign_output.campaign_details(info))


@campaign_app.command("programme")
def campaign_programme(
    ctx: typer.Context,
    slug: Slug,
    year: Annotated[int | None, typer.Option(help="The edition (default: the latest).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The edition day by day: events by region, public holidays of MN and KG, days with nothing planned.

    Example:

    \b
      calendar-app campaign programme 16-days --year 2025
    """
    from calendar_app import campaign_output, campaign_services, output
    from events.programme import programme_json

    result = campaign_services.programme(slug, year, settings=_settings(ctx))
    if as_json:
        _print_json(output.json_bytes(programme_json(result)))
    else:
        _print(campaign_output.programme_grid(result))


@campaign_app.command("roll")
def campaign_roll(
    ctx: typer.Context,
    slug: Slug,
    to: Annotated[int, typer.Option("--to", help="The new edition's year.")],
    theme: ThemeOpt = None,
    source: Annotated[int | None, typer.Option("--from", help="Copy this edition (default: the latest "
                                               "before --to).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Make next year's edition and copy the yearly events to the same days (new UIDs, status tentative).

    The earlier edition and its events are not changed.

    Example:

    \b
      calendar-app campaign roll 16-days --to 2026 --theme "ky:Аялдар жана кыздар үчүн коопсуз санарип мейкиндик"
    """
    from calendar_app import campaign_output, campaign_services, output

    outcome = campaign_services.roll(slug, to, theme or [], from_year=source, settings=_settings(ctx), now=_now())
    if as_json:
        _print_json(output.json_bytes(campaign_output.roll_json(outcome)))
    else:
        typer.echo(campaign_output.roll_text(outcome))


@campaign_app.command("report")
def campaign_report(
    ctx: typer.Context,
    slug: Slug,
    year: Annotated[int | None, typer.Option(help="The edition (default: the latest).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv or html (html has charts).")] = "table",
    out: Annotated[str | None, typer.Option("-o", "--output", help="Write to this file instead of the screen.")]
    = None,
) -> None:
    """Report an edition, compared with the previous one; html has a timeline and a regional chart.

    Events per day, region and kind, partners, participants with the women/men split, regions not reached.

    Example:

    \b
      calendar-app campaign report 16-days --year 2025 --format html -o 16-days-2025.html
    """
    from pathlib import Path

    from calendar_app import campaign_output, campaign_services, output
    from events.errors import UnknownChoice

    formats = ("table", "json", "csv", "html")
    if fmt not in formats:
        raise UnknownChoice("format", fmt, formats)
    report = campaign_services.report(slug, year, settings=_settings(ctx))
    if fmt == "table" and out is None:
        _print(campaign_output.report_tables(report))
        return
    if fmt == "json":
        from events.campaign_report import report_json

        text = output.json_bytes(report_json(report)).decode()
    elif fmt == "csv":
        from exports.campaign_report_render import report_csv

        text = report_csv(report)
    elif fmt == "html":
        from exports.campaign_report_render import report_html

        text = report_html(report)
    else:
        from io import StringIO

        from rich.console import Console

        buffer = StringIO()
        Console(file=buffer, width=120, soft_wrap=False).print(campaign_output.report_tables(report))
        text = buffer.getvalue()
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as error:
        from events.errors import StorageError

        raise StorageError(f"cannot write {out}: {error.strerror}: pick a writable path for -o") from error
    typer.echo(f"Wrote {fmt} report of {report.edition.slug} {report.edition.year} to {out}")


def main() -> None:
    app(prog_name="calendar-app")


if __name__ == "__main__":
    main()
