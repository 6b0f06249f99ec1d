"""Issue 14: tables for people are laid out once and printed as text, not rendered cell by cell with rich;
what they print stays rich's, character for character and style for style, at every width."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest
from rich.console import Console, RenderableType

from commands.output.layout import Column, Grid, Page, Para

WORDS = ("Хүүхэд", "хамгааллын", "зөвшилцөх", "уулзалт", "Тегерек", "стол:", "гендердик", "#4021", "16", "–",
         "2026-12-03 10:00 +08:00", "oyunchimeg.batbold@example.mn", "会议", "日本語のタイトル", "café", "e\u0301te",
         "👩‍💻", "[bold]x[/bold]", "Кыргызстандын_аялдар_бирикмеси_жана_башкалар", "", " ", "a", "ab  cd")
SPECIAL = ("line\nbreak", "tab\there", "bell\x07")


def _cell(rng: random.Random, special: bool) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(5)))
    return text + (rng.choice(SPECIAL) if special and rng.random() < 0.05 else "")


def _page(rng: random.Random, special: bool = False) -> Page:
    headed = rng.random() < 0.6
    columns = tuple(Column(rng.choice(("id", "when", "title", "засах", "")) if headed else "",
                           wrap=rng.random() < 0.4, overflow=rng.choice(("fold", "ellipsis")))
                    for _ in range(rng.randrange(1, 7)))
    rows = [[_cell(rng, special) for _ in columns] for _ in range(rng.randrange(4))]
    return Page((Para(_cell(rng, special), style="dim"), Grid(columns, rows, headed=headed), Para("")))


def _rich(page: Page) -> list[RenderableType]:
    return [part.rich() for part in page.parts]


def _printed(renderables: list[Any], width: int, **terminal: Any) -> str:
    out = io.StringIO()
    Console(file=out, width=width, soft_wrap=False, **terminal).print(*renderables)
    return out.getvalue()


def _styled(renderables: list[Any], width: int) -> list[tuple[str, str]]:
    """Every character printed on a colour terminal, with its style."""
    console = Console(file=io.StringIO(), width=width, soft_wrap=False, force_terminal=True, color_system="truecolor")
    return [(char, str(segment.style) if segment.style else "none")
            for renderable in renderables for segment in console.render(renderable) if not segment.control
            for char in segment.text]


@pytest.mark.parametrize("seed", range(300))
def test_a_page_prints_what_rich_prints(seed: int) -> None:
    rng = random.Random(seed)
    page, width = _page(rng, special=seed % 3 == 0), rng.choice((1, 2, 5, 12, 20, 33, 40, 60, 80, 120))
    expected = _printed(_rich(page), width)
    assert _printed([page], width) == expected
    plain = page.plain_text(Console(file=io.StringIO(), width=width, soft_wrap=False))
    assert plain in (expected, None)
    assert _styled([page], width) == _styled(_rich(page), width)


def test_plain_text_is_what_a_pipe_gets_and_none_on_a_terminal() -> None:
    page = Page((Grid((Column("id"), Column("title", wrap=True)), [["1", "Хүүхэд хамгааллын уулзалт"]]),
                 Para("(1 column left out)", style="dim")))
    pipe = Console(file=io.StringIO(), width=20, soft_wrap=False)
    assert page.plain_text(pipe) == "id   title          \n────────────────────\n1    Хүүхэд         \n" \
                                    "     хамгааллын     \n     уулзалт        \n(1 column left out)\n"
    terminal = Console(file=io.StringIO(), width=20, force_terminal=True, color_system="standard")
    assert page.plain_text(terminal) is None


def test_text_rich_treats_specially_is_left_to_rich() -> None:
    page = Page((Grid((Column("title", wrap=True),), [["two\nlines"], ["a\ttab"]]),))
    assert page.plain_text(Console(file=io.StringIO(), width=40)) is None
    assert _printed([page], 40) == _printed(_rich(page), 40)
