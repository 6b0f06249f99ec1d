"""Run the benchmarks of each area: `python -m bench` (all) or `python -m bench reminders`."""

from __future__ import annotations

import importlib
import sys

AREAS = ["reminders"]


def main(argv: list[str]) -> None:
    for area in argv or AREAS:
        importlib.import_module(f"bench.{area}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
