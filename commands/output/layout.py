"""Tables and paragraphs laid out as rich lays them out, but formatted as plain strings.

A 4,000-row rich Table takes ~2 s to print: every cell becomes a renderable that is measured, wrapped and
padded through rich's segment machinery. A `Page` measures each column once with rich's own rules and cell
widths (`rich.cells`: Cyrillic, CJK, emoji), wraps only the cells that need it with rich's word breaking,
and formats each row with string operations. `Page.plain_text` is what a Console that prints no styles
(not a terminal) would print, for `show` to write as it is; any other Console (a terminal, a test) renders
the same lines as segments with the styles rich gives them. Text that rich treats specially (control
characters, line breaks), non-UTF-8 output (rich draws ASCII boxes there) and widths too narrow for every
column are left to rich itself, so the printed result is always rich's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich._wrap import divide_line  # rich's own word breaking, so that lines break where rich's do
from rich.cells import cell_len, get_character_cell_size, set_cell_size

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult

Overflow = Literal["fold", "ellipsis"]
Span = tuple[str, str]  # text, style name ("" for none)
Line = list[Span]

# What rich's Text strips, expands or splits lines at: such text is laid out by rich itself.
_SPECIAL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_TRAILING_SPACE = re.compile(r"\s+$")
_HEADER_STYLE = "table.header"  # rich's default header style (bold)


@dataclass(frozen=True)
class Column:
    header: str = ""
    wrap: bool = False  # may wrap between words; otherwise one line, cut only when nothing else fits
    overflow: Overflow = "fold"  # a word wider than the column: folded onto the next line, or cut with "…"


@dataclass(frozen=True)
class Grid:
    """A table. `headed`: rich's `box.SIMPLE_HEAD` without edges (bold headers over a rule, columns three
    spaces apart, nothing at the edges); otherwise rich's `box=None` table (no header, columns two spaces
    apart, one space at each edge)."""

    columns: tuple[Column, ...]
    rows: Sequence[Sequence[str]]
    headed: bool = True

    def rich(self) -> RenderableType:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        if self.headed:
            table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        else:
            table = Table(show_header=False, box=None, padding=(0, 1))
        for column in self.columns:
            table.add_column(Text(column.header), overflow=column.overflow, no_wrap=not column.wrap)
        for row in self.rows:
            table.add_row(*(Text(cell) for cell in row))  # Text: no rich markup in users' titles
        return table

    def lines(self, width: int) -> list[Line] | None:
        """The table at `width`, or None when rich must lay it out (see the module)."""
        everything = "".join(cell for row in self._all_rows() for cell in row)
        if _SPECIAL.search(everything):
            return None
        pads = self._pads()
        cells = _Cells(everything)
        widths = self._widths(width, pads, cells)
        if widths is None:
            return None
        inner = [w - left - right for w, (left, right) in zip(widths, pads, strict=True)]
        lines: list[Line] = []
        if self.headed:
            for padded in self._row_lines([c.header for c in self.columns], inner, widths, pads, cells):
                line: Line = []
                for index, cell in enumerate(padded):
                    line.extend([(" ", ""), (cell, _HEADER_STYLE)] if index else [(cell, _HEADER_STYLE)])
                lines.append(line)
            lines.append([("─" * (sum(widths) + len(widths) - 1), "")])
        gap = " " if self.headed else ""
        for row in self.rows:
            lines.extend([(gap.join(padded), "")] for padded in self._row_lines(row, inner, widths, pads, cells))
        return lines

    def _all_rows(self) -> list[Sequence[str]]:
        return [[c.header for c in self.columns], *self.rows] if self.headed else list(self.rows)

    def _pads(self) -> list[tuple[int, int]]:
        last = len(self.columns) - 1
        if not self.headed:
            return [(1, 1)] * len(self.columns)
        return [(0 if i == 0 else 1, 0 if i == last else 1) for i in range(len(self.columns))]

    def _widths(self, width: int, pads: list[tuple[int, int]], cells: _Cells) -> list[int] | None:
        """Rich's `Table._calculate_column_widths`, for columns of text without fixed widths or ratios."""
        from rich._ratio import ratio_reduce

        max_width = width - (len(self.columns) - 1 if self.headed else 0)
        rows = self._all_rows()
        widest = [max((cells.len(row[i]) for row in rows), default=0) for i in range(len(self.columns))]
        widths = [min(w + left + right, max_width) for w, (left, right) in zip(widest, pads, strict=True)]
        widths = [w or 1 for w in widths]
        if sum(widths) > max_width:
            from rich.table import Table

            widths = Table._collapse_widths(widths, [c.wrap for c in self.columns], max_width)
            if sum(widths) > max_width:
                widths = ratio_reduce(sum(widths) - max_width, [1] * len(widths), widths, widths)
        inner = [w - left - right for w, (left, right) in zip(widths, pads, strict=True)]
        if any(room < 1 and most for room, most in zip(inner, widest, strict=True)):
            return None  # rich's layout of a cell in no room is its own: left to it
        return widths

    def _row_lines(self, row: Sequence[str], inner: list[int], widths: list[int], pads: list[tuple[int, int]],
                   cells: _Cells) -> list[list[str]]:
        """A row's lines, each as its cells padded to their column's width; shorter cells end in blanks."""
        parts = [[f"{' ' * left}{cells.fit(piece, width, column.overflow)}{' ' * right}"
                  for piece in (_wrapped(text, width, column.overflow, cells) if column.wrap else [text])]
                 for text, width, column, (left, right) in zip(row, inner, self.columns, pads, strict=True)]
        height = max(len(p) for p in parts)
        if height == 1:
            return [[p[0] for p in parts]]
        return [[p[i] if i < len(p) else " " * w for p, w in zip(parts, widths, strict=True)] for i in range(height)]


class _Cells:
    """Widths in terminal cells as rich counts them (`rich.cells`), with each character of the texts at hand
    checked once: rich counts a text with a character outside its short list of narrow ones (the dash, the
    Mongolian and Kyrgyz letters ү, ө, ң) one character at a time, most of a big table's cost."""

    def __init__(self, texts: str) -> None:
        self._narrow = frozenset(c for c in set(texts) if get_character_cell_size(c) == 1)

    def len(self, text: str) -> int:
        return len(text) if self._narrow.issuperset(text) else cell_len(text)

    def fit(self, text: str, width: int, overflow: Overflow) -> str:
        """Exactly `width` cells: padded, or cut (with "…" for `ellipsis`)."""
        if not self._narrow.issuperset(text):
            return _fit(text, width, overflow)
        if len(text) <= width:
            return text + " " * (width - len(text))
        return text[:width - 1] + "…" if overflow == "ellipsis" else text[:width]


def _wrapped(text: str, width: int, overflow: Overflow, cells: _Cells | None = None) -> list[str]:
    """Rich's `Text.wrap` of one line of text: where it breaks, and the spaces it drops at the breaks."""
    if (cells.len(text) if cells else cell_len(text)) <= width:
        return [_rstrip_end(text, width)]
    offsets = divide_line(text, width, fold=overflow == "fold")
    bounds = zip([0, *offsets], [*offsets, len(text)], strict=True)
    return [_rstrip_end(text[start:end], width) for start, end in bounds]


def _rstrip_end(text: str, width: int) -> str:
    """Rich's `Text.rstrip_end`: trailing whitespace beyond `width` characters is dropped."""
    if len(text) <= width:
        return text
    found = _TRAILING_SPACE.search(text)
    return text[:len(text) - min(len(found.group(0)), len(text) - width)] if found else text


def _fit(text: str, width: int, overflow: Overflow) -> str:
    """Exactly `width` cells: padded, or cut (with "…" for `ellipsis`)."""
    if overflow == "ellipsis" and cell_len(text) > width:
        text = set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


@dataclass(frozen=True)
class Para:
    """Text at the page's width, wrapped between words (rich's `Text(text, style=style)`)."""

    text: str
    style: str = ""

    def rich(self) -> RenderableType:
        from rich.text import Text

        return Text(self.text, style=self.style)

    def lines(self, width: int) -> list[Line] | None:
        if _SPECIAL.search(self.text):
            return None
        return [[(_crop(piece, width), self.style)] for piece in _wrapped(self.text, width, "fold")]


def _crop(text: str, width: int) -> str:
    return set_cell_size(text, width) if cell_len(text) > width else text


@dataclass(frozen=True)
class Page:
    """Tables and paragraphs, one under the other; printable by any rich Console."""

    parts: tuple[Grid | Para, ...]

    def plain_text(self, console: Console) -> str | None:
        """What `console` would print, when it prints no styles (it is not a terminal); else None, as also
        when rich must lay a part out (see the module)."""
        if console.color_system is not None or console.legacy_windows or console.options.ascii_only:
            return None
        out: list[str] = []
        for part in self.parts:
            lines = part.lines(console.width)
            if lines is None:
                return None
            out.extend("".join(text for text, _style in line) + "\n" for line in lines)
        return "".join(out)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        rich_only = options.ascii_only or options.legacy_windows
        newline = Segment.line()
        for part in self.parts:
            lines = None if rich_only else part.lines(options.max_width)
            if lines is None:
                yield part.rich()
                continue
            for line in lines:
                yield from (Segment(text, console.get_style(style) if style else None) for text, style in line)
                yield newline

