"""Tables for people that fit the terminal.

A table names the columns that may wrap between words (titles, names); every other column stays on one
line. When the terminal is too narrow for the wrapping columns to stay readable, the table leaves out
columns in the order it names, instead of breaking dates and words into slivers, and a last line says
which it left out and how to see them: `--wide` (every column, as wide as it takes) or `--json`, which
always has every field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from calendar_app.i18n import N_
from calendar_app.i18n import gettext as _

if TYPE_CHECKING:
    from commands.output.layout import Page

PADDING = 3  # rich puts one column of space on each side and one between columns
_ISO_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")


# Column names as people read them (the JSON key, `_` as a space), marked for the catalogues: a new column
# adds its name here, or its header stays English.
HEADERS = (
    N_("id"), N_("uid"), N_("when"), N_("title"), N_("kind"), N_("region"), N_("status"), N_("visibility"),
    N_("timezone"), N_("location"), N_("partners"), N_("programme"), N_("organizer"), N_("participants"),
    N_("url"), N_("language"), N_("description"), N_("cancel reason"), N_("sequence"), N_("slug"), N_("name"),
    N_("local name"), N_("country"), N_("level"), N_("email"), N_("chat"), N_("organisation"), N_("groups"),
    N_("due"), N_("purpose"), N_("rule"), N_("to"), N_("channel"), N_("event"), N_("attempts"), N_("error"),
    N_("outcome"), N_("subject"), N_("sent at"), N_("reminders"), N_("steps"), N_("key"), N_("at"),
    N_("assignee"), N_("notify"), N_("overdue"), N_("window"), N_("colour"), N_("about"), N_("year"),
    N_("dates"), N_("events"), N_("theme"), N_("step"), N_("cancelled"), N_("regions reached"), N_("women"),
    N_("men"), N_("figure"), N_("change"), N_("notified"), N_("tasks"), N_("label"), N_("starts with"),
    N_("created"), N_("revoked"), N_("contact id"), N_("role"), N_("attended"), N_("sex"), N_("group"),
    N_("listed"), N_("other"),
)


def header(column: str) -> str:
    """A column's header in the user's language."""
    return _(column.replace("_", " "))


@dataclass(frozen=True)
class TableSpec:
    columns: tuple[str, ...]
    wrap: tuple[str, ...] = ()  # may wrap between words
    drop: tuple[str, ...] = ()  # left out, in this order, while the wrapping columns would be too narrow
    wrap_min: int = 24  # the width a wrapping column needs to stay readable (or its widest cell, if less)


def cell_text(value: Any) -> str:
    """A JSON value as people read it: ISO times without the T and the seconds, yes/no, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(cell_text(v) for v in value)
    text = str(value)
    found = _ISO_TIME.fullmatch(text)
    if found:
        day, clock, offset = found.groups()
        return f"{day} {clock}" + (f" {offset}" if offset else "")
    return text


def fitted_columns(rows: Sequence[Mapping[str, str]], spec: TableSpec, width: int | None) -> list[str]:
    """The columns of `spec` that fit `width` (all of them when the width is not known)."""
    columns = list(spec.columns)
    if width is None:
        return columns
    for name in spec.drop:
        fixed = sum(_widest(c, rows) + PADDING for c in columns if c not in spec.wrap)
        wanted = sum(min(spec.wrap_min, _widest(c, rows)) + PADDING for c in columns if c in spec.wrap)
        if width - fixed >= wanted:
            break
        columns.remove(name)
    return columns


def left_out_note(left_out: Sequence[str]) -> str:
    """The last line under a table that left columns out: which, and how to see them."""
    names = ", ".join(header(name) for name in left_out)
    text = (_("(1 column left out to fit the terminal: {names}; see it with --wide or --json)") if len(left_out) == 1
            else _("({count} columns left out to fit the terminal: {names}; see them with --wide or --json)"))
    return text.format(count=len(left_out), names=names)


def fitted_table(rows: Sequence[Mapping[str, Any]], spec: TableSpec, *, width: int | None) -> Page:
    """The table of `rows` at `width` (every column when None), with the note of `left_out_note` under it
    when columns were left out."""
    from commands.output.layout import Column, Grid, Page, Para

    cells = [{c: cell_text(row.get(c)) for c in spec.columns} for row in rows]
    columns = fitted_columns(cells, spec, width)
    grid = Grid(tuple(Column(header(c), wrap=c in spec.wrap) for c in columns),
                [[row[c] for c in columns] for row in cells])
    left_out = [c for c in spec.columns if c not in columns]
    return Page((grid, Para(left_out_note(left_out), style="dim")) if left_out else (grid,))


def _widest(column: str, rows: Sequence[Mapping[str, str]]) -> int:
    return max([len(header(column)), *(len(row[column]) for row in rows)])
