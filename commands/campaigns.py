"""`campaign` commands (issue 5): yearly campaigns, editions, programme, roll-over, report."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from calendar_app.i18n import gettext as _
from commands.common import JsonOpt, StreamOpt, app_of, emit_json, group, now, show
from events.errors import N_

campaign_app = group("Yearly campaigns (the 16 Days of Activism...), their editions and programmes.")
edition_app = group("A campaign's yearly editions.")
campaign_app.add_typer(edition_app, name="edition")


# ---- campaign (issue 5) ---------------------------------------------------------------------------------

Slug = Annotated[str, typer.Argument(help="The campaign's slug, e.g. 16-days.")]
ThemeOpt = Annotated[list[str] | None, typer.Option(
    "--theme", help="The year's theme; plain TEXT is the default language, ky:TEXT ru:TEXT mn:TEXT en:TEXT "
    "are translations (repeatable).")]
CoordinatorOpt = Annotated[str | None, typer.Option(
    "--coordinator", help="Contact (e-mail or id) assigned the edition's readiness tasks (default: the workflow "
    "file's coordinator, on roll the earlier edition's).")]


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
    from calendar_app.campaigns import services as campaign_services
    from commands.output import campaigns as campaign_output
    from commands.output import events as output

    info = campaign_services.add_campaign(slug, name=name, window=window, color=color, preset=preset,
                                          app=app_of(ctx), now=now(ctx))
    if as_json:
        emit_json(output.json_bytes(info.as_json()))
    else:
        typer.echo(_("Added campaign {slug} ({window})").format(slug=info.slug, window=info.window))
        show(campaign_output.campaign_details(info))


@edition_app.command("add")
def campaign_edition_add(
    ctx: typer.Context,
    slug: Slug,
    year: Annotated[int, typer.Argument(help="The year the edition starts in.")],
    theme: ThemeOpt = None,
    coordinator: CoordinatorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a campaign's edition of one year, with its theme in one or more languages, and its readiness tasks
    (materials -30d, partners confirmed -14d, national launch -1d, report +14d after the end; see
    'calendar-app task list').

    Example:

    \b
      calendar-app campaign edition add 16-days 2023 \\
        --theme "UNiTE! Invest to prevent violence against women and girls" \\
        --theme "ky:Биригели! Аялдарга жана кыздарга карата зордук-зомбулуктун алдын алууга колдоо көрсөтөлү" \\
        --coordinator oyunchimeg@example.mn
    """
    from calendar_app.campaigns import services as campaign_services
    from commands.output import campaigns as campaign_output
    from commands.output import events as output

    info = campaign_services.add_edition(slug, year, theme or [], app=app_of(ctx), now=now(ctx),
                                         coordinator=coordinator)
    if as_json:
        emit_json(output.json_bytes(info.as_json()))
    else:
        typer.echo(_("Added edition {edition}").format(edition=campaign_output.edition_text(info)))


@edition_app.command("theme")
def campaign_edition_theme(
    ctx: typer.Context,
    slug: Slug,
    year: Annotated[int, typer.Argument(help="The year of the edition.")],
    theme: ThemeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change an edition's theme (a theme announced late); languages not given keep theirs. Campaign feeds
    show the new theme at their next refresh.

    Example:

    \b
      calendar-app campaign edition theme 16-days 2026 --theme "ru:Объединимся, чтобы положить конец насилию"
    """
    from calendar_app.campaigns import services as campaign_services
    from commands.output import campaigns as campaign_output
    from commands.output import events as output

    info = campaign_services.set_theme(slug, year, theme or [], app=app_of(ctx), now=now(ctx))
    if as_json:
        emit_json(output.json_bytes(info.as_json()))
    else:
        typer.echo(_("Edition {edition}").format(edition=campaign_output.edition_text(info)))


@campaign_app.command("list")
def campaign_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List campaigns with their windows and editions.

    Example:

    \b
      calendar-app campaign list --json
    """
    from calendar_app.campaigns import services as campaign_services
    from commands.output import campaigns as campaign_output
    from commands.output import events as output

    items = campaign_services.list_campaigns(app=app_of(ctx))
    if as_json:
        emit_json(output.json_bytes([i.as_json() for i in items]))
    else:
        show(campaign_output.campaigns_table(items))


@campaign_app.command("show")
def campaign_show(
    ctx: typer.Context,
    slug: Slug,
    year: Annotated[int | None, typer.Option(help="Only this edition.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a campaign, its editions, their dates, themes and number of events; with --year, the edition's
    readiness tasks too.

    Example:

    \b
      calendar-app campaign show 16-days --year 2025
    """
    from calendar_app.campaigns import services as campaign_services
    from commands.output import campaigns as campaign_output
    from commands.output import events as output

    info = campaign_services.show_campaign(slug, year, app=app_of(ctx), now=now(ctx) if year else None)
    if as_json:
        emit_json(output.json_bytes(info.as_json()))
    else:
        show(campaign_output.campaign_details(info))


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
    from calendar_app.campaigns import services as campaign_services
    from commands.output import campaigns as campaign_output
    from commands.output import events as output
    from events.campaigns.programme import programme_json

    result = campaign_services.programme(slug, year, app=app_of(ctx))
    if as_json:
        emit_json(output.json_bytes(programme_json(result)))
    else:
        show(campaign_output.programme_grid(result))


@campaign_app.command("roll")
def campaign_roll(
    ctx: typer.Context,
    slug: Slug,
    to: Annotated[int, typer.Option("--to", help="The new edition's year.")],
    theme: ThemeOpt = None,
    source: Annotated[int | None, typer.Option("--from", help="Copy this edition (default: the latest "
                                               "before --to).")] = None,
    coordinator: CoordinatorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Make next year's edition and copy the yearly events to the same days (new UIDs, status tentative).

    The new edition gets its own readiness tasks; the earlier edition, its events and its tasks are not changed.

    Example:

    \b
      calendar-app campaign roll 16-days --to 2026 --theme "ky:Аялдар жана кыздар үчүн коопсуз санарип мейкиндик"
    """
    from calendar_app.campaigns import services as campaign_services
    from commands.output import campaigns as campaign_output
    from commands.output import events as output

    outcome = campaign_services.roll(slug, to, theme or [], from_year=source, app=app_of(ctx), now=now(ctx),
                                     coordinator=coordinator)
    if as_json:
        emit_json(output.json_bytes(campaign_output.roll_json(outcome)))
    else:
        typer.echo(campaign_output.roll_text(outcome))


@campaign_app.command("report")
def campaign_report(
    ctx: typer.Context,
    slug: Slug,
    year: Annotated[int | None, typer.Option(help="The edition (default: the latest).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv or html (html has charts).")] = "table",
    out: Annotated[str | None, typer.Option("-o", "--output", help="Write to this file (replaced atomically) "
                                            "instead of the screen; - is stdout.")] = None,
    stream: StreamOpt = False,
) -> None:
    """Report an edition, compared with the previous one; html has a timeline and a regional chart.

    Events per day, region and kind, partners, participants with the women/men split, regions not reached.

    Example:

    \b
      calendar-app campaign report 16-days --year 2025 --format html -o 16-days-2025.html
    """
    from calendar_app.campaigns import services as campaign_services
    from commands.output import campaigns as campaign_output
    from commands.output import events as output
    from events.errors import UnknownChoice

    formats = ("table", "json", "csv", "html")
    if fmt not in formats:
        raise UnknownChoice(N_("format"), fmt, formats)
    report = campaign_services.report(slug, year, app=app_of(ctx))
    if fmt == "table" and out is None:
        show(campaign_output.report_tables(report))
        return
    if fmt == "json":
        from events.campaigns.report import report_json

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
    from calendar_app.outfile import STDOUT, output_file

    with output_file(out, stream=stream) as target:
        target.write(text.encode("utf-8"))
    if out != STDOUT:
        typer.echo(_("Wrote {format} report of {slug} {year} to {path}").format(
            format=fmt, slug=report.edition.slug, year=report.edition.year, path=out))




def commands() -> dict[str, Any]:
    return {"campaign": campaign_app}
