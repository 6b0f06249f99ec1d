"""History lines and bulk results for people (tables, lines) and scripts (JSON). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from calendar_app.i18n import N_
from calendar_app.i18n import gettext as _
from commands.output.tables import TableSpec, cell_text, fitted_table
from events.timeparse import zone

if TYPE_CHECKING:
    from rich.console import RenderableType

    from calendar_app.history.services import Change
    from calendar_app.services import EventOutcome

HISTORY_TABLE = TableSpec(columns=("id", "when", "who", "command", "record", "changes"), wrap=("changes",),
                          drop=("record", "command"))
# One event's history: the record is always that event.
EVENT_HISTORY_TABLE = TableSpec(columns=("id", "when", "who", "command", "changes"), wrap=("changes",),
                                drop=("command",))
# Not worth a word in a summary line: they follow from the fields shown.
QUIET = frozenset({"sequence", "search_text"})
PAST = {"update": N_("Updated {changed} of {count} events"), "cancel": N_("Cancelled {changed} of {count} events")}
WOULD = {"update": N_("Would update {changed} of {count} events (dry run: nothing was changed)"),
         "cancel": N_("Would cancel {changed} of {count} events (dry run: nothing was changed)")}


def _label(name: str) -> str:
    return name.removesuffix("_utc").removesuffix("_id").replace("_", " ")


def _value(name: str, value: Any, tz: str) -> str:
    if isinstance(value, str) and name.endswith(("_utc", "_at")):
        return f"{datetime.fromisoformat(value).astimezone(zone(tz)):%Y-%m-%d %H:%M}"
    text = cell_text(value)
    return repr(text) if isinstance(value, str) else (text or _("none"))


def _zone_of(changes: dict[str, list[Any]], tz: str) -> str:
    zones = changes.get("timezone")
    return str(zones[1] or zones[0]) if zones else tz


def changes_text(changes: dict[str, list[Any]], action: str, tz: str) -> str:
    """`visibility: 'internal' → 'public'; start: 2026-12-01 10:00 → ...`; an added or deleted record in a
    few words (its values stay in the JSON)."""
    uid = changes.get("uid")
    if uid is not None and uid[0] is None:
        return _("added") if action == "add" else _("brought back")
    if uid is not None and uid[1] is None:
        return _("deleted (its values are kept)")
    tz = _zone_of(changes, tz)
    parts = [f"{_label(name)}: {_value(name, old, tz)} → {_value(name, new, tz)}"
             for name, (old, new) in changes.items() if name not in QUIET]
    return "; ".join(parts) or _("no visible change")


def history_rows(changes: Sequence[Change], tz: str) -> list[dict[str, Any]]:
    return [{"id": c.id, "when": f"{c.at.astimezone(zone(tz)):%Y-%m-%d %H:%M}", "who": c.actor,
             "command": c.command + (_(" (undoes {id})").format(id=c.undoes) if c.undoes else ""),
             "record": f"{c.entity} {c.entity_id}", "changes": changes_text(c.changes, c.action, tz)}
            for c in changes]


def history_table(changes: Sequence[Change], *, tz: str, width: int | None, one_record: bool = False) -> RenderableType:
    spec = EVENT_HISTORY_TABLE if one_record else HISTORY_TABLE
    return fitted_table(history_rows(changes, tz), spec, width=width)


def history_json(changes: Sequence[Change]) -> bytes:
    from calendar_app.history.services import change_json
    from commands.output.events import json_bytes

    return json_bytes([change_json(c) for c in changes])


def bulk_lines(outcomes: Sequence[EventOutcome], *, verb: str, dry_run: bool) -> list[str]:
    """One line per event (`Event 7 'Title': visibility: ...`), then the count."""
    lines = [_("Event {id} {title!r}: {changes}").format(
        id=o.view.id, title=o.view.title,
        changes=changes_text(o.changes, "edit", o.view.timezone) if o.changes else _("unchanged"))
        for o in outcomes]
    changed = sum(1 for o in outcomes if o.changes)
    counts = {"changed": changed, "count": len(outcomes)}
    if verb not in PAST:  # a verb without texts of its own stays English
        return [*lines, f"Would {verb} {changed} of {len(outcomes)} events (dry run: nothing was changed)" if dry_run
                else f"{verb} {changed} of {len(outcomes)} events"]
    template = (WOULD if dry_run else PAST)[verb]
    return [*lines, _(template).format(**counts)]


def bulk_json(outcomes: Sequence[EventOutcome], *, dry_run: bool) -> bytes:
    from commands.output.events import json_bytes
    from events.views import event_json

    return json_bytes({"dry_run": dry_run, "events": [
        {**event_json(o.view), "changes": {k: {"from": v[0], "to": v[1]} for k, v in o.changes.items()},
         "warnings": list(o.warnings)} for o in outcomes]})
