"""Answers given before Typer loads: `--version`, and the root `--help` as the root command last printed it.

Importing Typer (and the click it vendors) takes longer than Python takes to start, so `calendar-app
--help` would cost three times `python -c pass`. The root command saves the help it renders; the next
`--help` prints that text when its key still matches. The key holds everything the text depends on: the
version, the language, the terminal's width as click reads it, and the size and modification time of
each file the text comes from (the root command, the formatter, the catalogue, Typer itself). Any change
to one of them renders the help afresh and saves it again, so the cache is never stale.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from calendar_app import VERSION

_pending: tuple[Path, str] | None = None  # where to save the help the root command is about to print


def answer(args: list[str]) -> bool:
    """True when `args` were answered here; otherwise the root command runs (and saves its help)."""
    global _pending
    if args == ["--version"]:
        _write(f"calendar-app {VERSION}\n")
        return True
    language = _help_language(args)
    if language is None:
        return False
    path, key = _cache_file(language), _key(language)
    try:
        with path.open(encoding="utf-8", newline="") as cached:
            if cached.readline() == key + "\n":
                _write(cached.read() + "\n")  # as click.echo prints it
                return True
    except OSError:
        pass
    _pending = (path, key)
    return False


def remember_help(text: str) -> None:
    """Save the root help being printed, when `answer` found none for this key (else nothing)."""
    if _pending is None:
        return
    path, key = _pending
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}")
        partial.write_text(f"{key}\n{text}", encoding="utf-8", newline="")
        os.replace(partial, path)  # a reader sees the old file or the new one, never half of one
    except OSError:
        pass  # a read-only cache folder: the help is only slower


def _help_language(args: list[str]) -> str | None:
    """The language of a root `--help` (alone or with `--lang`), or None for any other command line."""
    given: str | None = None
    rest = list(args)
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            given, rest = args[index + 1], args[:index] + args[index + 2:]
            break
        if arg.startswith("--lang="):
            given, rest = arg.partition("=")[2], args[:index] + args[index + 1:]
            break
    if rest != ["--help"]:
        return None
    from calendar_app import i18n
    from events.errors import CalendarAppError

    try:
        return i18n.choose(given)
    except CalendarAppError:  # the root command says what is wrong
        return None


def _cache_file(language: str) -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("calendar-app", appauthor=False) / f"help-{language}.txt"


def _key(language: str) -> str:
    import importlib.util

    from calendar_app import i18n

    here = Path(__file__).parent
    typer = importlib.util.find_spec("typer")
    sources = [here / "root.py", here / "language.py", here / "quick.py", Path(i18n.__file__),
               i18n.LOCALE_DIR / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo",
               Path(typer.origin if typer is not None and typer.origin else "-")]
    stamps = []
    for source in sources:
        try:
            stat = source.stat()
            stamps.append(f"{stat.st_mtime_ns}:{stat.st_size}")
        except OSError:
            stamps.append("-")
    return " ".join([VERSION, language, _columns(), *stamps])


def _columns() -> str:
    """What click's formatter reads for the width (shutil.get_terminal_size): COLUMNS, else the terminal."""
    try:
        terminal = str(os.get_terminal_size(sys.__stdout__.fileno()).columns) if sys.__stdout__ else "-"
    except (AttributeError, ValueError, OSError):
        terminal = "-"
    return f"{os.environ.get('COLUMNS', '')}/{terminal}"


def _write(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `calendar-app --help | head -1` still ends with 0, quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
