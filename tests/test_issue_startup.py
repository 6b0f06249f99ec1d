"""Issue 14: `--version` and the root `--help` answer before Typer loads, and the cached help is never stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.cli_helpers import run

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ("import sys, cli\n"
          "sys.argv = ['calendar-app', *sys.argv[1:]]\n"
          "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
          "print('loaded:', 'typer' in sys.modules)")


def _main(cache: Path, *args: str) -> tuple[str, bool]:
    """What `calendar-app ARGS` printed, and whether it imported Typer."""
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(cache), "COLUMNS": "80",
           "LANG": "C.UTF-8"}
    result = subprocess.run([sys.executable, "-c", SCRIPT, *args], cwd=ROOT, capture_output=True, text=True,
                            check=True, env=env)
    text, _, loaded = result.stdout.rpartition("loaded: ")
    return text, loaded.strip() == "True"


def test_version_answers_without_typer(tmp_path: Path) -> None:
    text, loaded = _main(tmp_path, "--version")
    assert text == run("unused.db", "--version").stdout
    assert not loaded


def test_root_help_is_saved_then_printed_without_typer(tmp_path: Path) -> None:
    first, loaded_first = _main(tmp_path, "--help")
    second, loaded_second = _main(tmp_path, "--help")
    assert loaded_first and not loaded_second
    assert first == second
    assert first.startswith("Usage: calendar-app [OPTIONS] COMMAND [ARGS]...")


def test_cached_help_follows_the_language(tmp_path: Path) -> None:
    english, _ = _main(tmp_path, "--help")
    mongolian, _ = _main(tmp_path, "--lang", "mn", "--help")
    again, loaded = _main(tmp_path, "--help", "--lang=mn")
    assert not loaded and again == mongolian != english
    assert "Тушаалууд:" in mongolian


def test_stale_cached_help_is_rendered_again(tmp_path: Path) -> None:
    fresh, _ = _main(tmp_path, "--help")
    [cached] = (tmp_path / "calendar-app").glob("help-en.txt")
    key, _, text = cached.read_text(encoding="utf-8").partition("\n")
    cached.write_text(f"{key} from another version\nstale help", encoding="utf-8")
    renewed, loaded = _main(tmp_path, "--help")
    assert loaded and renewed == fresh
    assert cached.read_text(encoding="utf-8") == f"{key}\n{text}"


def test_other_command_lines_go_to_the_root_command(tmp_path: Path) -> None:
    for args in (["--lang", "xx", "--help"], ["region", "--help"], ["--db", "x.db", "--help"]):
        _, loaded = _main(tmp_path, *args)
        assert loaded, args
    assert not (tmp_path / "calendar-app").exists()
