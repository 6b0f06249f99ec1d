"""Formatting results for people (tables, lines) and scripts (JSON). Pure: returns text or renderables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from calendar_app.i18n import gettext as _
from calendar_app.i18n import language
from commands.output.tables import TableSpec, cell_text, fitted_table, header
from events.agenda import AgendaDay
from events.regions import RegionInfo
from events.views import EventView, event_json

if TYPE_CHECKING:
    from calendar_app.notify.event_details import EventDetails
    from calendar_app.services import SeriesOutline
    from commands.output.layout import Page


def json_bytes(value: Any) -> bytes:
    """Indented UTF-8 JSON with ISO 8601 times; orjson's C encoder keeps 4,000-event lists fast."""
    import orjson

    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def events_json(events: Iterable[EventView]) -> bytes:
    return json_bytes([event_json(e) for e in events])


def when_text(event: EventView) -> str:
    if event.all_day:
        first, last = event.first_day, event.last_day
        return first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"
    start, end = event.start, event.end
    end_text = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%Y-%m-%d %H:%M")
    return f"{start:%Y-%m-%d %H:%M}–{end_text} {start:%Z}"


def _participants(event: EventView) -> str:
    count = event.participants_actual if event.participants_actual is not None else event.participants_expected
    if count is None:
        return ""
    split = ""
    if event.participants_women is not None or event.participants_men is not None:
        split = _(" ({women} women, {men} men)").format(women=event.participants_women or 0,
                                                        men=event.participants_men or 0)
    source = _(", from the attendance list") if event.participants_source == "list" else ""
    return f"{count}{split}{source}"


EVENT_TABLE = TableSpec(
    columns=("id", "when", "title", "kind", "region", "status", "visibility"),
    wrap=("title",),
    drop=("visibility", "region", "kind"),  # the status stays: a cancelled event must never look confirmed
    wrap_min=30,
)


def events_table(events: Sequence[EventView], width: int | None = None) -> Page:
    """Events as a table for people; with the terminal's `width`, the columns that fit beside a readable title."""
    rows = [{"id": e.id, "when": when_text(e), "title": e.title, "kind": e.kind, "region": e.region,
             "status": e.status, "visibility": e.visibility} for e in events]
    return fitted_table(rows, EVENT_TABLE, width=width)


def event_details(event: EventView, extra: Sequence[tuple[str, str]] = (), campaign: str | None = None) -> str:
    """One event as aligned "name  value" lines (a value of several lines continues under it), then
    `extra` rows. Plain text: this is what add/edit/cancel print, and importing rich for it would cost
    ~60 ms of each of those commands. Partners go one per line: their names may hold commas."""
    rows = [
        ("id", str(event.id)), ("uid", event.uid), ("title", event.title), ("kind", event.kind),
        ("when", when_text(event)), ("timezone", event.timezone), ("region", event.region),
        ("location", event.location), ("status", event.status), ("visibility", event.visibility),
        ("campaign", campaign or campaign_text(event)),
        ("partners", "\n".join(event.partners)), ("programme", event.programme),
        ("organizer", event.organizer), ("participants", _participants(event)), ("url", event.url),
        ("language", event.language), ("description", event.description),
        ("cancel reason", event.cancel_reason), ("sequence", str(event.sequence)), *extra,
    ]
    shown = [(header(name), value) for name, value in rows if value]
    width = max(len(name) for name, _value in shown)
    lines = []
    for name, value in shown:
        first, *rest = value.splitlines() or [""]
        lines.append(f"{name:<{width}}  {first}")
        lines.extend(f"{'':<{width}}  {line}" for line in rest)
    return "\n".join(lines)


def campaign_text(event: EventView, name: str | None = None, theme: str | None = None) -> str:
    if not event.campaign:
        return ""
    text = f"{event.campaign} {event.campaign_year}" + (_(" (yearly programme)") if event.yearly else "")
    if name:
        text += f"\n{name}"
    if theme:
        text += "\n" + _("theme: {theme}").format(theme=theme)
    return text


def event_show_text(details: EventDetails) -> str:
    """`event show`: the event's lines, its campaign edition in full, then who is notified, the reminders
    still to go out and the tasks, one per line each."""
    view = details.view
    people = [(f"{c['name']} <{c['email']}>" if c["email"] else str(c["name"])) + f"  ({', '.join(c['via'])})"
              for c in details.contacts]
    people += [_("group:{name} (no members)").format(name=name) for name in details.groups
               if not any(f"group:{name}" in c["via"] for c in details.contacts)]
    reminders = [_("{due}  {purpose} {rule}  {channel} to {to}  ({status})").format(
        due=cell_text(r["due"]), purpose=r["purpose"], rule=r["rule"], channel=r["channel"], to=r["to"],
        status=r["status"]) for r in details.reminders]
    tasks = [f"{cell_text(t['due'])}  {t['title']}  ({t['status']}{_(', overdue') if t['overdue'] else ''}"
             f"{', ' + t['assignee'] if t['assignee'] else ''})" for t in details.tasks]
    return event_details(view, [
        ("notified", "\n".join(people) or _("nobody")), ("reminders", "\n".join(reminders) or _("none pending")),
        ("tasks", "\n".join(tasks) or _("none")),
    ], campaign=campaign_text(view, details.campaign_name, details.edition_theme))


def outline_text(outline: SeriesOutline) -> str:
    """A series' rule in words and its next occurrences, under its details."""
    lines = [_("repeats   {rule}").format(rule=outline.words)] if outline.words else []
    if outline.upcoming:
        lines.append(_("next"))
    for view in outline.upcoming:
        changed = _(" (changed)") if view.id != view.series_id else ""
        lines.append(f"  {when_text(view)}  {view.status}{changed}")
    return "\n".join(lines)


def outline_json(outline: SeriesOutline) -> dict[str, Any]:
    return {"text": outline.words,
            "next": [{"id": v.id, "start": v.start, "end": v.end, "status": v.status,
                      "recurrence_id": v.recurrence_id} for v in outline.upcoming]}


def agenda_text(days: Sequence[AgendaDay], zone: str | None = None) -> Page:
    """Days as headings, one line per event: time, title, kind, location, region, id; a first line says
    the zone when all times are in one (`zone`)."""
    from commands.output.layout import Column, Grid, Page, Para

    # A cell too wide for its column is cut with "…" (rich's default), the title and location wrap first.
    columns = (Column(overflow="ellipsis"), Column(wrap=True, overflow="ellipsis"), Column(overflow="ellipsis"),
               Column(wrap=True, overflow="ellipsis"), Column(overflow="ellipsis"), Column(overflow="ellipsis"))
    parts: list[Grid | Para] = [Para(_("Times in {zone}.").format(zone=zone), style="dim")] if zone else []
    if not days:
        return Page((*parts, Para(_("No events in this period."))))
    all_day = _("all day")
    for day in days:
        rows = [(all_day if e.all_day else f"{e.start:%H:%M}–{e.end:%H:%M} {e.start:%Z}", e.title, f"[{e.kind}]",
                 e.location or "", e.region or "", f"#{e.id}") for e in day.events]
        parts.extend([Para(_day_heading(day.day), style="bold underline"), Grid(columns, rows, headed=False),
                      Para("")])
    return Page(tuple(parts))


def _day_heading(day: date) -> str:
    """`Wednesday, 26 November 2025` in English; the same in the user's language from the CLDR data."""
    if language() == "en":
        return f"{day:%A, %d %B %Y}"
    from babel.dates import format_date

    return format_date(day, "full", locale=language())


def agenda_json(days: Sequence[AgendaDay]) -> bytes:
    return json_bytes([{"date": d.day, "events": [event_json(e) for e in d.events]} for d in days])


REGION_TABLE = TableSpec(columns=("slug", "name", "local_name", "country", "level", "timezone"),
                         wrap=("name", "local_name"), drop=("level", "name"), wrap_min=12)


def regions_table(regions: Sequence[RegionInfo], width: int | None = None) -> Page:
    rows = [{"slug": r.slug, "name": r.name_en, "local_name": r.name_local, "country": r.country, "level": r.level,
             "timezone": r.timezone} for r in regions]
    return fitted_table(rows, REGION_TABLE, width=width)


def regions_json(regions: Sequence[RegionInfo]) -> bytes:
    return json_bytes([
        {"slug": r.slug, "name": r.name_en, "name_local": r.name_local, "country": r.country,
         "level": r.level, "timezone": r.timezone, "aliases": list(r.aliases)}
        for r in regions
    ])
