"""Run the benchmark modules of this package (each a module with `run() -> None` that prints its figures
and their ratio to a baseline measured in the same run). `python -m bench campaigns` runs one area."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    names = argv or sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                           if not m.name.startswith("_"))
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        if hasattr(module, "run"):
            print(f"== {name}")
            module.run()


if __name__ == "__main__":
    main(sys.argv[1:])
