"""Helpers shared by the benchmarks: timing commands and reporting against a target."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PYTHON = sys.executable
CLI = str(Path(sys.executable).with_name("calendar-app"))


def time_command(args: Sequence[str], runs: int = 7, env: dict[str, str] | None = None) -> float:
    """Median wall time of a command in seconds (one warm-up run first)."""
    samples = [_wall(args, env) for _ in range(runs + 1)]
    return statistics.median(samples[1:])


@dataclass(frozen=True)
class Paired:
    """Medians of a command and of its baseline, and the median of their per-pair differences (seconds)."""

    command: float
    baseline: float
    difference: float


def time_paired(command: Sequence[str], baseline: Sequence[str], runs: int = 11,
                env: dict[str, str] | None = None, quiet: bool = False) -> Paired:
    """Run the command and its baseline alternately, so that a machine slowing down or speeding up
    during the run weighs on both sides alike; one warm-up pair first. `quiet` drops what both print on
    stderr (warnings that repeat with every run)."""
    pairs = []
    for index in range(runs + 1):
        took = [_wall(args, env, quiet) for args in (command, baseline)]
        if index:
            pairs.append(took)
    return Paired(statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs),
                  statistics.median(p[0] - p[1] for p in pairs))


def _wall(args: Sequence[str], env: dict[str, str] | None, quiet: bool = False) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL if quiet else None, env=env)
    return time.perf_counter() - start


def report(name: str, value: float, unit: str, *, baseline: float | None = None, limit: float | None = None,
           ok: bool | None = None) -> int:
    """Print one line; returns 1 if the target is missed."""
    parts = [f"{name:<52} {value:10.3f} {unit}"]
    if baseline is not None:
        parts.append(f"baseline {baseline:.3f} {unit}, ratio {value / baseline:.2f}")
    verdict = ok if ok is not None else (limit is None or value <= limit)
    if limit is not None:
        parts.append(f"target <= {limit:g} {unit}")
    parts.append("OK" if verdict else "MISSED")
    print("  ".join(parts))
    return 0 if verdict else 1


def judge_ratio(name: str, value: float, baseline: float, unit: str, baseline_name: str, *,
                at_most: float | None = None, at_least: float | None = None) -> int:
    """Print one line judging value / baseline (both measured in the same run) against a ratio target:
    `at_most` for times and memory, `at_least` for rates. Returns 1 if the target is missed."""
    ratio = value / baseline if baseline else float("inf")
    if at_most is not None:
        verdict, target = ratio <= at_most, f"target <= {at_most:g}x"
    elif at_least is not None:
        verdict, target = ratio >= at_least, f"target >= {at_least:g}x"
    else:
        raise ValueError("judge_ratio needs at_most or at_least")
    print(f"{name:<52} {value:10.3f} {unit}; {baseline_name} {baseline:.3f} {unit}; ratio {ratio:.2f}x  "
          f"{target}  {'OK' if verdict else 'MISSED'}", flush=True)
    return 0 if verdict else 1
