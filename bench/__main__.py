"""`python -m bench [area] [options]`: run the benchmarks of one area, or of all areas."""

from __future__ import annotations

import importlib
import sys

AREAS = {"feeds": "bench.feeds"}


def main(argv: list[str]) -> None:
    if argv and argv[0] in AREAS:
        importlib.import_module(AREAS[argv[0]]).main(argv[1:])
        return
    for module in AREAS.values():
        importlib.import_module(module).main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
