"""Run the benchmarks: `python -m bench [area ...]`, default every module of this package with a `run()`.

Each area prints its figures and their ratio to a baseline measured in the same run; `run()` returns the
number of targets it missed (None counts as 0), and the exit code is 1 if any was missed.
"""

from __future__ import annotations

import compileall
import importlib
import pkgutil
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PACKAGES = ("calendar_app", "commands", "events", "exports")


def byte_compile_project() -> None:
    """Write our modules' .pyc files first, as installing a wheel does: the editable install leaves them
    to the first run, and with PYTHONDONTWRITEBYTECODE set every CLI start would compile them again
    (about 100 ms), which measures the environment, not the code."""
    for package in PACKAGES:
        compileall.compile_dir(PROJECT / package, quiet=1)
    compileall.compile_file(PROJECT / "cli.py", quiet=1)


def main(argv: list[str]) -> int:
    areas = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                   if not m.name.startswith("_") and m.name not in ("common", "data", "khal"))
    # `python -m bench feeds --events 2000`: one area, the rest of the words are its options.
    names, options = (argv[:1], argv[1:]) if argv and argv[0] in areas else (areas, [])
    byte_compile_project()
    missed = 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"\n== {name}")
        missed += (module.run(options) if options else module.run()) or 0
    print(f"\nbench: {'all targets met' if not missed else f'{missed} target(s) missed'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
