"""Tables for people: readable cells, and columns left out (in the table's order) on a narrow terminal."""

from __future__ import annotations

import io

from rich.console import Console

from commands.output.tables import TableSpec, cell_text, fitted_columns, fitted_table

SPEC = TableSpec(("id", "due", "title", "assignee", "status"), wrap=("title",), drop=("assignee", "status"),
                 wrap_min=20)
TITLE = "Хүүхэд хамгааллын хуулийн төслийн зөвлөлдөх уулзалт"
ROWS: list[dict[str, object]] = [{"id": 1, "due": "2026-12-03T10:00:00+08:00", "title": TITLE,
         "assignee": "oyunchimeg.batbold@example.mn", "status": "open"}]


def test_cells_read_as_people_write_them() -> None:
    assert cell_text("2026-12-03T10:00:00+08:00") == "2026-12-03 10:00 +08:00"
    assert cell_text("2026-12-03T10:00:00.123456Z") == "2026-12-03 10:00 Z"
    assert cell_text("2026-12-03") == "2026-12-03"
    assert (cell_text(True), cell_text(False), cell_text(None)) == ("yes", "no", "")
    assert cell_text(["start-1d", "start-2h"]) == "start-1d, start-2h"
    assert cell_text("Төслийн T10 уулзалт") == "Төслийн T10 уулзалт"


def test_columns_are_left_out_in_order_until_the_title_is_readable() -> None:
    cells = [{k: cell_text(v) for k, v in row.items()} for row in ROWS]
    assert fitted_columns(cells, SPEC, None) == list(SPEC.columns)
    assert fitted_columns(cells, SPEC, 200) == list(SPEC.columns)
    assert fitted_columns(cells, SPEC, 90) == ["id", "due", "title", "status"]
    assert fitted_columns(cells, SPEC, 60) == ["id", "due", "title"]


def _printed(rows: list[dict[str, object]], width: int) -> str:
    out = io.StringIO()
    Console(width=width, file=out).print(fitted_table(rows, SPEC, width=width))
    return out.getvalue()


def test_a_narrow_table_fits_and_wraps_titles_between_words() -> None:
    lines = _printed(ROWS, 60).splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 60
    assert lines[0].split() == ["id", "due", "title"]
    assert set(TITLE.split()) <= set(" ".join(lines).split())
    assert "2026-12-03 10:00 +08:00" in lines[2]


def test_markup_in_a_title_is_printed_as_typed() -> None:
    assert "[bold]Round table[/bold]" in _printed([{**ROWS[0], "title": "[bold]Round table[/bold]"}], 200)
