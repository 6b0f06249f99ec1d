"""Issue 10: the hostile corpus we keep (tests/hostile/), run on every change.

Every CLI input of `cli.txt`, every `.ics` of `ics/` (imported with `--dry-run`, then for real, then with
`--skip-bad` when refused) and every HTTP request of `http.txt` keeps the invariants of
`tests/hostile/invariants.py`: no traceback, exit code 0/1/2, one stderr line and an unchanged database on
failure, no event ending before it starts, exports and feeds that strict parsers accept, no HTTP 500.
On SQLite each category runs on a fresh copy of one seeded database; on PostgreSQL a representative
subset (every `PG_EVERY`-th input of each category) runs on one seeded schema per kind (CLI, import,
HTTP). The table of inputs and failures per category and backend prints at the end of the module (also
without `-s`).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

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
PG_EVERY = 5  # PostgreSQL runs every 5th CLI input and .ics file of each category, and all HTTP inputs
SAMPLE_EVERY = 50  # every 50th CLI input also runs in a process of its own
SHOWN = 25  # failures named in an assertion message
ALONE_BYTES = 20_000  # an .ics this big imports into a database of its own


@dataclass
class Tally:
    """Inputs and failing inputs per (backend, category), printed as a table at the end of the module."""

    rows: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def add(self, backend: str, category: str, inputs: int, failures: int) -> None:
        self.rows[(backend, category)] = [inputs, failures]

    def lines(self) -> list[str]:
        out = [f"{'hostile corpus: category':<40}{'backend':<12}{'inputs':>8}{'failures':>10}"]
        for (backend, category), (inputs, failures) in sorted(self.rows.items(), key=lambda r: (r[0][1], r[0][0])):
            out.append(f"{category:<40}{backend:<12}{inputs:>8}{failures:>10}")
        for backend in sorted({b for b, _ in self.rows}):
            total = [sum(v[i] for (b, _), v in self.rows.items() if b == backend) for i in (0, 1)]
            out.append(f"{'total':<40}{backend:<12}{total[0]:>8}{total[1]:>10}")
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


def _sqlite(template: tuple[Path, Seeded], tmp_path: Path) -> Seeded:
    return Seeded(copy_sqlite(template[0], tmp_path / "calendar.db"), template[1].token)


# Tables whose change can alter an export; a change elsewhere (a contact, a feed) is checked at the end.
EXPORTED = {"event", "event_partner", "organisation", "programme", "event_reminder_plan", "campaign",
            "campaign_edition"}


class Checker:
    """Runs inputs on one database, tracking what each changed, and collects every problem by input."""

    def __init__(self, seeded: Seeded, backwards: set[str] | None = None) -> None:
        self.seeded = seeded
        self.db = Database(seeded.url)
        self.failures: list[str] = []
        self.exports_pass = True
        # Events stored backwards, reported once, by the input that stored them (shared by the categories
        # that run one after another on one database).
        self.backwards: set[str] = set() if backwards is None else backwards

    def run(self, args: list[str]) -> tuple[int, list[str], bool]:
        """One CLI run: its exit code, its problems and whether it changed the database."""
        tz = {"tz": args[1]} if args[:1] == ["--tz"] else {}
        before = self.db.fingerprint()
        outcome = invoke(self.seeded.url, args[2:] if tz else args, **tz)
        after = self.db.fingerprint()
        problems = run_problems(outcome, before, after)
        changed = {name for name in before if before[name] != after.get(name)}
        if changed & EXPORTED:
            new = [event for event in self.db.backwards_events() if event not in self.backwards]
            self.backwards.update(new)
            problems += new + self.export_check()
        return outcome.code, problems, bool(changed)

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
        """After the inputs: every export and feed of what they left."""
        self.record(f"{label}: exports and feeds at the end",
                    export_problems(self.seeded.url) + feed_problems(self.seeded.url, self.seeded))
        self.db.close()


def _verdict(failures: list[str], inputs: int) -> None:
    shown = "\n".join(failures[:SHOWN])
    more = len(failures) - SHOWN
    if failures:
        pytest.fail(f"{len(failures)} of {inputs} inputs fail:\n{shown}"
                    + (f"\n... and {more} more" if more > 0 else ""), pytrace=False)


def _run_cli(checker: Checker, rows: list[list[str]], folder: OutputFolder) -> None:
    try:
        for row in rows:
            folder.prepare()
            args = [arg.replace("{tmp}", str(folder.root)) for arg in row]
            with contextlib.chdir(folder.root):  # a relative output path (even "") lands in {tmp}
                code, problems, _ = checker.run(args)
            checker.record(" ".join(args)[:200], problems + folder.problems(tuple(args), code))
    finally:
        folder.close()


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


def _cli_rows(category: str) -> list[list[str]]:
    return [row[1:] for row in CLI if row[0] == category]


def _ics_files(category: str) -> list[Path]:
    return sorted((ICS_DIR / category).glob("*.ics"))


def _http_requests(category: str, token: str) -> list[tuple[str, str, dict[str, str]]]:
    return [(method, path.replace("{token}", token), headers) for cat, method, path, headers in HTTP
            if cat == category]


def _http_run(checker: Checker, requests: list[tuple[str, str, dict[str, str]]]) -> None:
    for (method, path, _), answer in zip(requests, http_answers(checker.seeded.url, requests), strict=True):
        checker.record(f"{method} {path[:120]}", http_problems(answer, method, path))


# ---- SQLite: every input, each category on a fresh copy of the seeded file
@pytest.mark.parametrize("category", CLI_CATEGORIES)
def test_cli_corpus_sqlite(category: str, template: tuple[Path, Seeded], tally: Tally, tmp_path: Path) -> None:
    rows = _cli_rows(category)
    checker = Checker(_sqlite(template, tmp_path))
    _run_cli(checker, rows, OutputFolder(tmp_path / "out"))
    checker.finish(category)
    tally.add("sqlite", f"cli {category}", len(rows), len(checker.failures))
    _verdict(checker.failures, len(rows))


@pytest.mark.parametrize("category", ICS_CATEGORIES)
def test_ics_corpus_sqlite(category: str, template: tuple[Path, Seeded], tally: Tally, tmp_path: Path) -> None:
    files = _ics_files(category)
    checker = Checker(_sqlite(template, tmp_path))
    for path in files:
        if path.stat().st_size > ALONE_BYTES:  # into a copy of its own: its many events would slow every check
            alone = Checker(Seeded(copy_sqlite(template[0], tmp_path / f"{path.stem}.db"), template[1].token))
            checker.record(f"{category}/{path.name}", _import_problems(alone, path))
            alone.db.close()
        else:
            checker.record(f"{category}/{path.name}", _import_problems(checker, path))
    checker.finish(category)
    tally.add("sqlite", f"import {category}", len(files), len(checker.failures))
    _verdict(checker.failures, len(files))


@pytest.mark.parametrize("category", HTTP_CATEGORIES)
def test_http_corpus_sqlite(category: str, template: tuple[Path, Seeded], tally: Tally, tmp_path: Path) -> None:
    checker = Checker(_sqlite(template, tmp_path))
    requests = _http_requests(category, checker.seeded.token)
    _http_run(checker, requests)
    checker.db.close()
    tally.add("sqlite", category, len(requests), len(checker.failures))
    _verdict(checker.failures, len(requests))


# ---- PostgreSQL: every PG_EVERY-th input, all categories of a kind one after another on one seeded schema
@pytest.mark.postgres
def test_cli_corpus_postgresql(pg_url: str, tally: Tally, tmp_path: Path) -> None:
    seeded, failures, inputs, known = seed(pg_url), list[str](), 0, set[str]()
    for category in CLI_CATEGORIES:
        rows = _cli_rows(category)[::PG_EVERY]
        checker = Checker(seeded, known)
        _run_cli(checker, rows, OutputFolder(tmp_path / "out"))
        checker.db.close()
        tally.add("postgresql", f"cli {category}", len(rows), len(checker.failures))
        failures, inputs = failures + checker.failures, inputs + len(rows)
    _verdict(failures + _end_checks(seeded, tally, "cli"), inputs)


@pytest.mark.postgres
def test_ics_corpus_postgresql(pg_url: str, tally: Tally) -> None:
    seeded, failures, inputs, known = seed(pg_url), list[str](), 0, set[str]()
    for category in ICS_CATEGORIES:
        files = _ics_files(category)[::PG_EVERY]
        checker = Checker(seeded, known)
        for path in files:
            checker.record(f"{category}/{path.name}", _import_problems(checker, path))
        checker.db.close()
        tally.add("postgresql", f"import {category}", len(files), len(checker.failures))
        failures, inputs = failures + checker.failures, inputs + len(files)
    _verdict(failures + _end_checks(seeded, tally, "import"), inputs)


@pytest.mark.postgres
def test_http_corpus_postgresql(pg_url: str, tally: Tally) -> None:
    seeded, failures, inputs = seed(pg_url), list[str](), 0
    for category in HTTP_CATEGORIES:
        checker = Checker(seeded)
        requests = _http_requests(category, seeded.token)
        _http_run(checker, requests)
        checker.db.close()
        tally.add("postgresql", category, len(requests), len(checker.failures))
        failures, inputs = failures + checker.failures, inputs + len(requests)
    _verdict(failures, inputs)


def _end_checks(seeded: Seeded, tally: Tally, kind: str) -> list[str]:
    """Exports and feeds after all the inputs of a kind (counted as one more input of the table)."""
    checker = Checker(seeded)
    checker.finish(f"{kind}: all categories")
    tally.add("postgresql", f"{kind} exports and feeds after all", 1, len(checker.failures))
    return checker.failures


# A sample through a real process: what a user's terminal shows (the in-process runs above share stdout).
SAMPLE = CLI[::SAMPLE_EVERY]


@pytest.mark.parametrize("row", SAMPLE, ids=[f"{row[0]}-{i * SAMPLE_EVERY}" for i, row in enumerate(SAMPLE)])
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
                           "--tz", "Asia/Ulaanbaatar", *args], capture_output=True, timeout=60, cwd=folder.root,
                          env=_env())
    after = db.fingerprint()
    db.close()
    folder.close()
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr[-2000:]
    assert done.returncode in (0, 1, 2), stderr[-2000:]
    if done.returncode != 0:
        assert len([line for line in stderr.splitlines() if line.strip()]) == 1, stderr
        assert after == before


def _env() -> dict[str, str]:
    """The environment of a CLI process run in a temporary folder: the repository still importable."""
    root = str(Path(__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}


PIPE_COMMANDS = [
    ["event", "add", "Хурал", "--start", "2026-11-26 10:00", "--duration", "2h"],
    ["event", "list"],
    ["export"],
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
                              timeout=60, cwd=tmp_path, env=_env())
    finally:
        os.close(write_end)
    after = db.fingerprint()
    db.close()
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr[-2000:]
    assert done.returncode not in (1, 2), f"exit {done.returncode}: {stderr}"
    if command[:2] == ["event", "add"]:
        assert after != before, "the write did not happen"
