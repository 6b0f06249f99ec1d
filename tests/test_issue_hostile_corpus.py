"""Issue 10: the hostile corpus we keep (tests/hostile/), run on every change.

Every CLI input of `cli.txt`, every `.ics` of `ics/` (imported with `--dry-run`, then for real, then with
`--skip-bad` when refused) and every HTTP request of `http.txt` keeps the invariants of
`tests/hostile/invariants.py`: no traceback, exit code 0/1/2, one stderr line and an unchanged database on
failure, no event ending before it starts, exports and feeds that strict parsers accept, no HTTP 500.
Each category runs on a fresh copy of one seeded SQLite database; a representative subset (every
`PG_EVERY`-th input) runs on a fresh PostgreSQL schema too. The table of inputs and failures per category
and backend is printed at the end of the module (also without `-s`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.invariants import (
    HERE,
    Database,
    Seeded,
    copy_sqlite,
    export_problems,
    feed_problems,
    http_answers,
    http_problems,
    invoke,
    load_lines,
    run_problems,
    seed,
)
from tests.hostile.outputs import OutputFolder

CLI = load_lines(HERE / "cli.txt")
HTTP = load_lines(HERE / "http.txt")
ICS_DIR = HERE / "ics"
CLI_CATEGORIES = list(dict.fromkeys(row[0] for row in CLI))
ICS_CATEGORIES = sorted(path.name for path in ICS_DIR.iterdir() if path.is_dir())
HTTP_CATEGORIES = list(dict.fromkeys(row[0] for row in HTTP))
PG_EVERY = 4  # PostgreSQL runs every 4th CLI input and .ics file of each category, and all HTTP inputs
SHOWN = 25  # failures named in an assertion message
ALONE_BYTES = 50_000  # an .ics this big imports into a database of its own


@dataclass
class Tally:
    """Inputs and failing inputs per (backend, category), printed as a table at the end of the module."""

    rows: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def add(self, backend: str, category: str, inputs: int, failures: int) -> None:
        self.rows[(backend, category)] = [inputs, failures]

    def lines(self) -> list[str]:
        out = [f"{'hostile corpus: category':<32}{'backend':<12}{'inputs':>8}{'failures':>10}"]
        for (backend, category), (inputs, failures) in sorted(self.rows.items(), key=lambda r: (r[0][1], r[0][0])):
            out.append(f"{category:<32}{backend:<12}{inputs:>8}{failures:>10}")
        for backend in sorted({b for b, _ in self.rows}):
            total = [sum(v[i] for (b, _), v in self.rows.items() if b == backend) for i in (0, 1)]
            out.append(f"{'total':<32}{backend:<12}{total[0]:>8}{total[1]:>10}")
        return out


@pytest.fixture(scope="module")
def tally(request: pytest.FixtureRequest) -> Iterator[Tally]:
    found = Tally()
    yield found
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    table = "\n" + "\n".join(found.lines())
    if capture is None:
        print(table)
        return
    with capture.global_and_fixture_disabled():  # the table shows with or without -s
        print(table)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Seeded]:
    """One seeded SQLite file that every SQLite category copies."""
    path = tmp_path_factory.mktemp("hostile") / "template.db"
    return path, seed(f"sqlite:///{path}")


def _database(backend: str, template: tuple[Path, Seeded], tmp_path: Path,
              request: pytest.FixtureRequest) -> Seeded:
    if backend == "sqlite":
        return Seeded(copy_sqlite(template[0], tmp_path / "calendar.db"), template[1].token)
    return seed(str(request.getfixturevalue("pg_url")))


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _subset(items: list[Any], backend: str) -> list[Any]:
    return items if backend == "sqlite" else items[::PG_EVERY]


class Checker:
    """Runs inputs on one database, tracking what each changed, and collects every problem by input."""

    def __init__(self, seeded: Seeded) -> None:
        self.seeded = seeded
        self.db = Database(seeded.url)
        self.failures: list[str] = []
        self.exports_pass = True

    def run(self, args: list[str], *, extra: list[str] | None = None) -> tuple[int, list[str], bool]:
        """One CLI run: its exit code, its problems and whether it changed the database."""
        tz_args = args[1] if args[:1] == ["--tz"] else None
        before = self.db.fingerprint()
        outcome = invoke(self.seeded.url, args[2:] if tz_args else args, **({"tz": tz_args} if tz_args else {}))
        after = self.db.fingerprint()
        problems = run_problems(outcome, before, after) + (extra or [])
        changed = after != before
        if changed:
            problems += self.db.backwards_events()
            problems += self.export_check()
        return outcome.code, problems, changed

    def export_check(self) -> list[str]:
        """Export problems the first time exports start failing (later inputs would only repeat them)."""
        if not self.exports_pass:
            return []
        problems = export_problems(self.seeded.url, quick=True)
        self.exports_pass = not problems
        return problems

    def record(self, label: str, problems: list[str]) -> None:
        if problems:
            self.failures.append(f"{label!r}: {'; '.join(dict.fromkeys(problems))}")

    def finish(self, label: str) -> None:
        """After the category: every export and feed of what the inputs left."""
        self.record(f"{label}: exports and feeds at the end",
                    export_problems(self.seeded.url) + feed_problems(self.seeded.url, self.seeded))
        self.db.close()


def _verdict(checker: Checker, tally: Tally, backend: str, category: str, inputs: int) -> None:
    tally.add(backend, category, inputs, len(checker.failures))
    shown = "\n".join(checker.failures[:SHOWN])
    more = len(checker.failures) - SHOWN
    if checker.failures:
        pytest.fail(f"{len(checker.failures)} of {inputs} inputs fail:\n{shown}"
                    + (f"\n... and {more} more" if more > 0 else ""), pytrace=False)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("category", CLI_CATEGORIES)
def test_cli_corpus(category: str, backend: str, template: tuple[Path, Seeded], tally: Tally, tmp_path: Path,
                    request: pytest.FixtureRequest) -> None:
    rows = _subset([row[1:] for row in CLI if row[0] == category], backend)
    checker = Checker(_database(backend, template, tmp_path, request))
    folder = OutputFolder(tmp_path / "out")
    try:
        for args in rows:
            folder.prepare()
            args = [arg.replace("{tmp}", str(folder.root)) for arg in args]
            code, problems, _ = checker.run(args)
            checker.record(" ".join(args)[:200], problems + folder.problems(tuple(args), code))
    finally:
        folder.close()
    checker.finish(category)
    _verdict(checker, tally, backend, f"cli {category}", len(rows))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("category", ICS_CATEGORIES)
def test_ics_corpus(category: str, backend: str, template: tuple[Path, Seeded], tally: Tally, tmp_path: Path,
                    request: pytest.FixtureRequest) -> None:
    files = _subset(sorted((ICS_DIR / category).glob("*.ics")), backend)
    checker = Checker(_database(backend, template, tmp_path, request))
    for path in files:
        if path.stat().st_size > ALONE_BYTES and backend == "sqlite":
            checker.record(f"{category}/{path.name}", _import_alone(path, template, tmp_path))
            continue
        checker.record(f"{category}/{path.name}", _import_problems(checker, path))
    checker.finish(category)
    _verdict(checker, tally, backend, f"import {category}", len(files))


def _import_problems(checker: Checker, path: Path) -> list[str]:
    """`import --dry-run`, then `import`, then `import --skip-bad` when the file was refused."""
    dry_code, problems, dry_changed = checker.run(["import", str(path), "--dry-run", "--json"])
    if dry_changed:
        problems.append("--dry-run changed the database")
    code, more, _ = checker.run(["import", str(path)])
    problems += more
    if code != dry_code:
        problems.append(f"--dry-run exit {dry_code} but the import exit {code}")
    if code == 2:
        problems += checker.run(["import", str(path), "--skip-bad"])[1]
    return problems


def _import_alone(path: Path, template: tuple[Path, Seeded], tmp_path: Path) -> list[str]:
    """A big file into a copy of its own, so the events it brings do not slow every later check."""
    checker = Checker(Seeded(copy_sqlite(template[0], tmp_path / f"{path.stem}.db"), template[1].token))
    problems = _import_problems(checker, path)
    checker.db.close()
    return problems


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("category", HTTP_CATEGORIES)
def test_http_corpus(category: str, backend: str, template: tuple[Path, Seeded], tally: Tally, tmp_path: Path,
                     request: pytest.FixtureRequest) -> None:
    seeded = _database(backend, template, tmp_path, request)
    requests = [(method, path.replace("{token}", seeded.token), headers)
                for cat, method, path, headers in HTTP if cat == category]
    checker = Checker(seeded)
    for (method, path, _), answer in zip(requests, http_answers(seeded.url, requests), strict=True):
        checker.record(f"{method} {path[:120]}", http_problems(answer, method, path))
    checker.db.close()
    _verdict(checker, tally, backend, category, len(requests))


# A sample through a real process: what a user's terminal shows (the in-process runs above share stdout).
SAMPLE = CLI[::25]


@pytest.mark.parametrize("row", SAMPLE, ids=[f"{row[0]}-{i * 25}" for i, row in enumerate(SAMPLE)])
def test_cli_sample_in_a_process(row: list[str], template: tuple[Path, Seeded], tmp_path: Path) -> None:
    url = copy_sqlite(template[0], tmp_path / "calendar.db")
    folder = OutputFolder(tmp_path / "out")
    folder.prepare()
    args = [arg.replace("{tmp}", str(folder.root)).encode("utf-8", "surrogateescape") for arg in row[1:]]
    if any(b"\x00" in arg for arg in args):
        folder.close()
        pytest.skip("a NUL cannot be passed in a process's argv (the shell cannot type it either)")
    db = Database(url)
    before = db.fingerprint()
    done = subprocess.run([sys.executable, "-c", "from cli import main; main()", "--db", url,
                           "--tz", "Asia/Ulaanbaatar", *args], capture_output=True, timeout=60)
    after = db.fingerprint()
    db.close()
    folder.close()
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr[-2000:]
    assert done.returncode in (0, 1, 2), stderr[-2000:]
    if done.returncode != 0:
        assert len([line for line in stderr.splitlines() if line.strip()]) == 1, stderr
        assert after == before


PIPE_COMMANDS = [
    ["event", "add", "Хурал", "--start", "2026-11-26 10:00", "--duration", "2h"],
    ["event", "list"],
    ["export", "--from", "0001-01-02"],
]


@pytest.mark.parametrize("command", PIPE_COMMANDS, ids=[" ".join(c[:2]) for c in PIPE_COMMANDS])
def test_closed_stdout_is_not_a_failure(command: list[str], template: tuple[Path, Seeded], tmp_path: Path) -> None:
    """`calendar-app ... | true`: the reader is gone before the output; a done write is never exit 1 or 2."""
    url = copy_sqlite(template[0], tmp_path / "calendar.db")
    db = Database(url)
    before = db.fingerprint()
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: the first write meets EPIPE
    try:
        done = subprocess.run([sys.executable, "-c", "from cli import main; main()", "--db", url,
                               "--tz", "Asia/Ulaanbaatar", *command], stdout=write_end, stderr=subprocess.PIPE,
                              timeout=60)
    finally:
        os.close(write_end)
    after = db.fingerprint()
    db.close()
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr[-2000:]
    assert done.returncode not in (1, 2), f"exit {done.returncode}: {stderr}"
    if command[:2] == ["event", "add"]:
        assert after != before, "the write did not happen"
