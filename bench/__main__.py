"""Run the benchmarks: `python -m bench [area ...]` (default: all). Each prints figures and ratios."""

from __future__ import annotations

import importlib
import sys

AREAS = ("store",)


def main(argv: list[str]) -> int:
    failed = 0
    for area in argv or AREAS:
        module = importlib.import_module(f"bench.{area}")
        failed += module.run()
    print(f"\nbench: {'all targets met' if not failed else f'{failed} target(s) missed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
