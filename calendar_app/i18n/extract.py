"""What the catalogues hold, read from the source with Babel: the extraction method of `babel.cfg`, and the
whole extract-update-compile cycle (`make translations`, or `python -m calendar_app.i18n.extract`).

Besides the usual gettext keywords (`N_("...")`, `_("...")`), the CLI's help is taken as written, so a new
command or option needs no marking: every `help="..."` keyword, the docstring of every function decorated
`...command(...)` or `...callback(...)`, and the text of every `group("...")`. Help is split into paragraphs
as `calendar_app.i18n.help_text` translates it; `\\b` paragraphs (examples) are left as they are.
"""

from __future__ import annotations

import ast
import inspect
import os
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]  # the checkout: babel.cfg and the source packages
CONFIG = ROOT / "babel.cfg"
LOCALE_DIR = Path(__file__).parent / "locale"
TEMPLATE = LOCALE_DIR / "messages.pot"
TRANSLATED = ("mn", "ky", "ru")  # English is the source language: its msgids are the texts

Found = tuple[Any, ...]  # (line, keyword, message(s), comments), as Babel's extractors yield


def paragraphs(text: str) -> list[str]:
    """The msgids of a help text: its paragraphs, as `help_text` looks them up."""
    from calendar_app.i18n import is_example

    return [p for p in inspect.cleandoc(text).split("\n\n") if not is_example(p)]


def _help_texts(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in ("help", "short_help") and _text(keyword.value) is not None:
                    yield keyword.value.lineno, _text(keyword.value) or ""
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name == "group" and node.args and _text(node.args[0]) is not None:
                yield node.lineno, _text(node.args[0]) or ""
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
            _is_command_decorator(d) for d in node.decorator_list
        ):
            docstring = ast.get_docstring(node, clean=True)
            if docstring:
                yield node.body[0].lineno, docstring


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_command_decorator(node: ast.AST) -> bool:
    called = node.func if isinstance(node, ast.Call) else node
    return isinstance(called, ast.Attribute) and called.attr in ("command", "callback")


def extract(fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str],
            options: dict[str, Any]) -> Iterator[Found]:
    """Babel extraction method: gettext calls (Babel's own Python extractor) plus the CLI's help texts."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)  # type: ignore[arg-type]
    for lineno, text in _help_texts(ast.parse(source)):
        for paragraph in paragraphs(text):
            yield lineno, None, paragraph, []


def catalogue() -> Any:
    """A Babel `Catalog` of every msgid in the source, extracted as `babel.cfg` says (the tests use it)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with CONFIG.open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = Catalog(project="calendar-app")
    for filename, lineno, message, comments, context in extract_from_dir(ROOT, method_map, options_map):
        found.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return found


def main() -> None:
    """Extract the template, bring each language's `.po` up to date with it (new msgids come empty), and
    compile the `.mo` files the CLI reads."""
    from importlib.metadata import version

    from babel.messages.frontend import CommandLineInterface

    def babel(*args: str) -> None:
        CommandLineInterface().run(["pybabel", "-q", *args])

    os.chdir(ROOT)  # file references relative to the checkout
    # sorted, without file references: a branch that adds messages touches only their entries, so
    # catalogues merge without conflicts over moved line numbers
    babel("extract", "-F", str(CONFIG), "--no-wrap", "--sort-output", "--no-location", "--project", "calendar-app",
          "--version", version("calendar-app"), "-o", str(TEMPLATE.relative_to(ROOT)), ".")
    for code in TRANSLATED:
        po = LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
        if po.exists():
            babel("update", "--no-wrap", "--no-fuzzy-matching", "-i", str(TEMPLATE), "-d", str(LOCALE_DIR),
                  "-l", code)
        else:
            babel("init", "--no-wrap", "--no-location", "-i", str(TEMPLATE), "-d", str(LOCALE_DIR), "-l", code)
    babel("compile", "--statistics", "-d", str(LOCALE_DIR))


if __name__ == "__main__":
    main()
