"""Formatting results for people (rich tables) and scripts (JSON). Pure: returns text or renderables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from commands.output.tables import TableSpec, fitted_table
from events.agenda import AgendaDay
from events.regions import RegionInfo
from events.views import EventView, event_json

if TYPE_CHECKING:
    from calendar_app.services import SeriesOutline


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
        split = f" ({event.participants_women or 0} women, {event.participants_men or 0} men)"
    source = ", from the attendance list" if event.participants_source == "list" else ""
    return f"{count}{split}{source}"


EVENT_TABLE = TableSpec(
    columns=("id", "when", "title", "kind", "region", "status", "visibility"),
    wrap=("title",),
    drop=("visibility", "region", "kind"),  # the status stays: a cancelled event must never look confirmed
    wrap_min=30,
)


def events_table(events: Sequence[EventView], width: int | None = None):  # type: ignore[no-untyped-def]
    """Events as a table for people; with the terminal's `width`, the columns that fit beside a readable title."""
    rows = [{"id": e.id, "when": when_text(e), "title": e.title, "kind": e.kind, "region": e.region,
             "status": e.status, "visibility": e.visibility} for e in events]
    return fitted_table(rows, EVENT_TABLE, width=width)


def event_details(event: EventView) -> str:
    """One event as aligned "name  value" lines. Plain text: this is what add/edit/cancel print, and
    importing rich for it would cost ~60 ms of each of those commands."""
    rows = [
        ("id", str(event.id)), ("uid", event.uid), ("title", event.title), ("kind", event.kind),
        ("when", when_text(event)), ("timezone", event.timezone), ("region", event.region),
        ("location", event.location), ("status", event.status), ("visibility", event.visibility),
        ("partners", ", ".join(event.partners)), ("programme", event.programme),
        ("organizer", event.organizer), ("participants", _participants(event)), ("url", event.url),
        ("language", event.language), ("description", event.description),
        ("cancel reason", event.cancel_reason), ("sequence", str(event.sequence)),
    ]
    shown = [(name, value) for name, value in rows if value]
    width = max(len(name) for name, _ in shown)
    lines = []
    for name, value in shown:
        first, *rest = value.splitlines() or [""]
        lines.append(f"{name:<{width}}  {first}")
        lines.extend(f"{'':<{width}}  {line}" for line in rest)
    return "\n".join(lines)


def outline_text(outline: SeriesOutline) -> str:
    """A series' rule in words and its next occurrences, under its details."""
    lines = [f"repeats   {outline.words}"] if outline.words else []
    if outline.upcoming:
        lines.append("next")
    for view in outline.upcoming:
        changed = " (changed)" if view.id != view.series_id else ""
        lines.append(f"  {when_text(view)}  {view.status}{changed}")
    return "\n".join(lines)


def outline_json(outline: SeriesOutline) -> dict[str, Any]:
    return {"text": outline.words,
            "next": [{"id": v.id, "start": v.start, "end": v.end, "status": v.status,
                      "recurrence_id": v.recurrence_id} for v in outline.upcoming]}


def agenda_text(days: Sequence[AgendaDay]):  # type: ignore[no-untyped-def]
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    if not days:
        return Text("No events in this period.")
    parts: list[Any] = []
    for day in days:
        parts.append(Text(f"{day.day:%A, %d %B %Y}", style="bold underline"))
        table = Table(show_header=False, box=None, padding=(0, 1))
        for e in day.events:
            time_text = "all day" if e.all_day else f"{e.start:%H:%M}–{e.end:%H:%M} {e.start:%Z}"
            table.add_row(time_text, Text(e.title), Text(f"[{e.kind}]"), e.region or "", f"#{e.id}")
        parts.extend([table, Text("")])
    return Group(*parts)


def agenda_json(days: Sequence[AgendaDay]) -> bytes:
    return json_bytes([{"date": d.day, "events": [event_json(e) for e in d.events]} for d in days])


REGION_TABLE = TableSpec(columns=("slug", "name", "local_name", "country", "level", "timezone"),
                         wrap=("name", "local_name"), drop=("level", "name"), wrap_min=12)


def regions_table(regions: Sequence[RegionInfo], width: int | None = None):  # type: ignore[no-untyped-def]
    rows = [{"slug": r.slug, "name": r.name_en, "local_name": r.name_local, "country": r.country, "level": r.level,
             "timezone": r.timezone} for r in regions]
    return fitted_table(rows, REGION_TABLE, width=width)


def regions_json(regions: Sequence[RegionInfo]) -> bytes:
    return json_bytes([
        {"slug": r.slug, "name": r.name_en, "name_local": r.name_local, "country": r.country,
         "level": r.level, "timezone": r.timezone, "aliases": list(r.aliases)}
        for r in regions
    ])
