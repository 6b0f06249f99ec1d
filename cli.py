"""calendar-app: the coordinators' command line (`calendar-app`, also `python cli.py`).

The root command and its groups live in `commands/` (`commands.root`). This entry point imports them only
when a command runs: `--version` and a root `--help` seen before are answered first (`commands.quick`),
as Typer alone takes longer to import than Python takes to start.
"""

from __future__ import annotations

import sys

from commands import quick

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start
if TYPE_CHECKING:
    from commands.root import COMMANDS, app, build_command

__all__ = ["COMMANDS", "app", "build_command", "main"]


def main() -> None:
    if quick.answer(sys.argv[1:]):
        return
    from commands.root import app

    app(prog_name="calendar-app")


def __getattr__(name: str) -> object:
    """`cli.app`, `cli.COMMANDS` and `cli.build_command`, imported when first asked for."""
    if name in ("app", "COMMANDS", "build_command"):
        from commands import root

        return getattr(root, name)
    raise AttributeError(f"module 'cli' has no attribute {name!r}")


if __name__ == "__main__":
    main()
