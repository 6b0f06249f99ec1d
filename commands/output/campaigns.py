"""Campaign results for people (rich renderables) and scripts (JSON). Pure: returns text or renderables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from calendar_app.campaigns.services import CampaignInfo, RollOutcome
from calendar_app.i18n import gettext as _
from commands.output.tables import header
from events.campaigns.programme import EditionInfo, ProgrammeDay, ProgrammeView
from events.campaigns.report import CampaignReport, comparison, figures_json


def window_text(info: EditionInfo) -> str:
    w = info.window
    return f"{w.first:%d %b %Y} – {w.last:%d %b %Y} " + _("({days} days, lead-in {lead_in})").format(
        days=w.length, lead_in=f"{w.lead_in:%d %b}")


def campaigns_table(items: Sequence[CampaignInfo]):  # type: ignore[no-untyped-def]
    from rich.table import Table
    from rich.text import Text

    table = Table()
    for column in ("slug", "name", "window", "colour", "editions"):
        table.add_column(header(column), overflow="fold")
    for c in items:
        colour = Text(c.color or "", style=c.color or "")
        table.add_row(c.slug, Text(c.name), c.window, colour, ", ".join(str(e.year) for e in c.editions))
    return table


def campaign_details(info: CampaignInfo):  # type: ignore[no-untyped-def]
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = Table(show_header=False, box=None)
    head.add_column(style="bold")
    head.add_column(overflow="fold")
    for name, value in (("slug", info.slug), ("name", info.name), ("window", info.window),
                        ("colour", info.color), ("about", info.description)):
        if value:
            head.add_row(header(name), Text(value))
    editions = Table(title=_("Editions"))
    for column in ("year", "dates", "events", "theme"):
        editions.add_column(header(column), overflow="fold")
    for e in info.editions:
        themes = [e.theme or ""] + [f"{lang}: {text}" for lang, text in e.themes.items()]
        editions.add_row(str(e.year), window_text(e), str(info.event_counts.get(e.year, 0)),
                         Text("\n".join(t for t in themes if t)))
    parts = [head, editions]
    for year, rows in sorted(info.tasks.items()):
        tasks = Table(title=_("Readiness tasks {year}").format(year=year))
        for column in ("id", "due", "step", "title", "assignee", "status"):
            tasks.add_column(header(column), overflow="fold")
        for row in rows:
            status = header("overdue") if row["overdue"] else row["status"]
            tasks.add_row(str(row["id"]), (row["due"] or "")[:16].replace("T", " "), row["step"], Text(row["title"]),
                          row["assignee"] or "", Text(status, style="red" if row["overdue"] else ""))
        if not rows:
            tasks.add_row("", "", "", _("none"), "", "")
        parts.append(tasks)
    return Group(*parts)


def edition_text(info: EditionInfo) -> str:
    first_translation = next((f"{lang}: {text}" for lang, text in info.themes.items()), None)
    shown = info.theme or first_translation
    theme = f": {shown}" if shown else ""
    return f"{info.slug} {info.year}, {window_text(info)}{theme}"


def _cell(day: ProgrammeDay, in_window: bool):  # type: ignore[no-untyped-def]
    from rich.text import Text

    text = Text()
    if not in_window:
        return text
    text.append(f"{day.day:%d %b}", style="bold")
    if day.lead_in:
        text.append(" " + _("lead-in"), style="cyan")
    for holiday in day.holidays:
        text.append(f"\n★ {holiday.country} {holiday.name}", style="yellow")
    if day.empty:
        text.append("\n" + _("nothing planned"), style="bold red")
    for region, events in day.by_region:
        text.append(f"\n{region or _('no region')}: {len(events)}")
    return text


def programme_grid(programme: ProgrammeView):  # type: ignore[no-untyped-def]
    """A week-by-week calendar grid (Monday first), then the day-by-day list."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    days = {d.day: d for d in programme.days}
    first = programme.days[0].day
    monday = first - timedelta(days=first.weekday())
    grid = Table(title=edition_text(programme.edition), show_lines=True, expand=True)
    for name in (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")):
        grid.add_column(name, overflow="fold", ratio=1)
    week = monday
    while week <= programme.days[-1].day:
        cells = []
        for offset in range(7):
            day: date = week + timedelta(days=offset)
            cells.append(_cell(days[day], True) if day in days else Text(""))
        grid.add_row(*cells)
        week += timedelta(days=7)
    listing = Table(title=_("Day by day"), expand=True)
    for column in ("when", "region", "title", "kind", "id"):
        if column == "title":
            listing.add_column(header(column), overflow="fold", ratio=1, min_width=18)
        else:
            listing.add_column(header(column), no_wrap=True)
    for d in programme.days:
        for region, events in d.by_region:
            for e in events:
                when = f"{d.day:%a %d %b}\n" + (_("all day") if e.all_day else f"{e.start:%H:%M}–{e.end:%H:%M}")
                title = Text(e.title)
                if e.status != "confirmed":
                    title.append(f" ({e.status})", style="dim")
                listing.add_row(when, region or "", title, e.kind, str(e.id))
    parts: list[Any] = [grid, listing]
    if programme.empty_days:
        parts.append(Text(_("Nothing planned on: ") + ", ".join(f"{d:%d %b}" for d in programme.empty_days),
                          style="red"))
    if programme.outside:
        parts.append(Text(_("{count} linked event(s) outside the window: ").format(count=len(programme.outside))
                          + ", ".join(f"#{e.id}" for e in programme.outside)))
    return Group(*parts)


def roll_text(outcome: RollOutcome) -> str:
    lines = [_("Rolled {slug} {year} to {edition}").format(slug=outcome.edition.slug, year=outcome.source_year,
                                                            edition=edition_text(outcome.edition)),
             _("{count} yearly event(s) copied as tentative:").format(count=len(outcome.copied))]
    lines += [f"  #{e.id} {e.first_day.isoformat()} {e.region or ''} {e.title}" for e in outcome.copied]
    return "\n".join(lines)


def roll_json(outcome: RollOutcome) -> dict[str, Any]:
    from events.views import event_json

    return {**outcome.edition.as_json(), "rolled_from": outcome.source_year,
            "events": [event_json(e) for e in outcome.copied]}


def report_tables(report: CampaignReport):  # type: ignore[no-untyped-def]
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    data = figures_json(report.figures)
    people = data["participants"]
    parts: list[Any] = [Text(edition_text(report.edition), style="bold")]
    head = Table(title=_("Summary"))
    for column in ("events", "cancelled", "regions reached", "partners", "participants", "women", "men"):
        head.add_column(header(column), justify="right")
    head.add_row(*(str(v) for v in (data["events"], data["cancelled"], len(data["regions_reached"]),
                                    len(data["partners"]), people["total"], people["women"], people["men"])))
    parts.append(head)
    compared = comparison(report)
    if compared and report.previous is not None:
        table = Table(title=_("Compared with {year}").format(year=report.previous.year))
        for column in ("figure", str(report.edition.year), str(report.previous.year), "change"):
            table.add_column(header(column), justify="right")
        for key, row in compared.items():
            table.add_row(header(key), str(row["this"]), str(row["previous"]), f"{row['change']:+d}")
        parts.append(table)
    for title, rows in (
        (_("Events per day"), [(r["date"], r["events"]) for r in data["per_day"]]),
        (_("Events per region"), [(r["region"] or _("no region"), r["events"]) for r in data["per_region"]]),
        (_("Events per kind"), [(r["kind"], r["events"]) for r in data["per_kind"]]),
        (_("Partners"), [(r["name"], r["events"]) for r in data["partners"]]),
    ):
        if not rows:
            continue
        table = Table(title=title)
        table.add_column("")
        table.add_column(header("events"), justify="right")
        for key, value in rows:
            table.add_row(Text(str(key)), str(value))
        parts.append(table)
    if data["regions_not_reached"]:
        parts.append(Text(_("Regions not reached: ") + ", ".join(data["regions_not_reached"]), style="yellow"))
    return Group(*parts)
