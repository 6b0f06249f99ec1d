"""The invariants every hostile input must keep, shared by the kept corpus (test_issue_hostile_corpus.py) and
the property-based fuzz test (test_issue_fuzz.py).

A run of the real CLI (Typer's CliRunner, in-process, on a real database) may succeed or fail, but:
- no traceback (no exception other than the CLI's own exit), an exit code in {0, 1, 2};
- on failure one line on stderr, and the database unchanged (every row of every table but the render cache);
- every stored event ends no earlier than it starts;
- every export and feed that results passes the strict line checker and three independent parsers.
Each check returns the problems it found (strings naming the invariant), so a caller can count them per
category instead of stopping at the first.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from typer.testing import CliRunner

import cli
from tests.conftest import NOW

HERE = Path(__file__).parent
USER_TZ = "Asia/Ulaanbaatar"
# Caches the server may fill on a read or a failed run; they hold nothing a user typed.
CACHE_TABLES = {"rendered_event", "alembic_version"}
ALL_VISIBILITIES = ("--visibility", "public", "--visibility", "internal", "--visibility", "confidential")

# The database every category starts from: ids 1..3 are events (timed in Ulaanbaatar, all-day in
# Bishkek, timed in New York before its DST change), contact 1, feeds `pub` (public) and `staff` (private).
SEED: tuple[tuple[str, ...], ...] = (
    ("event", "add", "Зөвшилцөх уулзалт", "--kind", "consultation", "--start", "2026-11-26 10:00",
     "--duration", "2h", "--region", "ulaanbaatar", "--partner", "Боловсролын яам", "--visibility", "public"),
    ("event", "add", "16 күн", "--kind", "campaign_day", "--start", "2026-11-25", "--end", "2026-12-10",
     "--all-day", "--region", "bishkek", "--visibility", "public"),
    ("event", "add", "Board call", "--start", "2026-03-07 10:00", "--duration", "1h",
     "--tz", "America/New_York", "--visibility", "internal"),
    ("contact", "add", "Бат", "--email", "bat@example.mn", "--language", "mn"),
    ("feed", "add", "pub", "--visibility", "public"),
    ("feed", "add", "staff", "--private", "--visibility", "public", "--visibility", "internal",
     "--alarms-from-reminders", "--json"),
)


@dataclass
class Outcome:
    """What one CLI run did: exit code, output, and the exception if it escaped the CLI's handler."""

    args: tuple[str, ...]
    code: int
    stdout: bytes
    stderr: str
    exception: BaseException | None

    @property
    def traceback(self) -> bool:
        return self.exception is not None or "Traceback (most recent call last)" in self.stderr


# Typer builds a command from its function signatures on every use (~60 ms, most of a run here); the
# built click command holds no state between runs, so the corpus builds each one once.
_built_commands = functools.cache(cli.build_command)


def invoke(db: str, args: Sequence[str], *, tz: str = USER_TZ) -> Outcome:
    """The real Typer app in-process, as a user's shell would call it (`--db`, `--tz` first)."""
    build, cli.build_command = cli.build_command, _built_commands
    try:
        result = CliRunner().invoke(cli.app, ["--db", db, "--tz", tz, *args])
    finally:
        cli.build_command = build
    escaped = result.exception if not isinstance(result.exception, SystemExit) else None
    return Outcome(tuple(args), result.exit_code, result.stdout_bytes, result.stderr, escaped)


@dataclass
class Seeded:
    """A seeded database: its URL and the private feed's token."""

    url: str
    token: str


def seed(url: str) -> Seeded:
    token = ""
    for args in SEED:
        outcome = invoke(url, args)
        assert outcome.code == 0 and not outcome.traceback, (args, outcome.stderr, outcome.exception)
        if "--private" in args:
            token = json.loads(outcome.stdout)["url"].rsplit("/", 1)[-1].removesuffix(".ics")
    return Seeded(url, token)


def copy_sqlite(template: Path, target: Path) -> str:
    """A fresh SQLite database with the template's rows (its WAL checkpointed into the file first)."""
    with sqlite3.connect(template) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


class Database:
    """An engine on a test database for the checks; closed with `close()`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = sa.create_engine(url)
        self.tables = [name for name in sa.inspect(self.engine).get_table_names() if name not in CACHE_TABLES]

    def fingerprint(self) -> dict[str, str]:
        """A digest of every row of every table but the caches: equal digests, an unchanged database."""
        digests = {}
        with self.engine.connect() as connection:
            for name in self.tables:
                rows = connection.execute(sa.text(f'SELECT * FROM "{name}"')).fetchall()
                digests[name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()[:16]
        return digests

    def backwards_events(self) -> list[str]:
        """Events stored ending before they start."""
        with self.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, uid, start_utc, end_utc FROM event "
                                              "WHERE end_utc < start_utc")).fetchall()
        return [f"event {row[0]} ({row[1]}) ends {row[3]} before it starts {row[2]}" for row in rows]

    def close(self) -> None:
        self.engine.dispose()


def run_problems(outcome: Outcome, before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The problems of one CLI run, given the database fingerprints before and after it."""
    problems = []
    if outcome.traceback:
        kind = type(outcome.exception).__name__ if outcome.exception is not None else "printed"
        problems.append(f"traceback ({kind}: {_first_line(outcome.exception)})")
    if outcome.code not in (0, 1, 2):
        problems.append(f"exit code {outcome.code}")
    if outcome.code != 0:
        lines = [line for line in outcome.stderr.splitlines() if line.strip()]
        if len(lines) != 1:
            problems.append(f"{len(lines)} stderr lines on failure")
        changed = sorted(name for name in before if before[name] != after.get(name))
        if changed:
            problems.append(f"database changed after a failure: {', '.join(changed)}")
    return problems


def _first_line(error: object) -> str:
    return (str(error).strip().splitlines() or [""])[0][:120]


def calendar_problems(data: bytes, what: str, *, quick: bool = False) -> list[str]:
    """The strict line checker and three parsers (icalendar, ical, vobject) on one calendar's bytes; `quick`:
    the line checker only (the parsers cost ten times more: they run at the end of a category)."""
    from exports.checks import check_calendar

    problems = [f"{what}: {p}" for p in check_calendar(data)[:3]]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return [*problems, f"{what}: not UTF-8 ({error})"]
    readers = (("icalendar", _read_icalendar), ("ical", _read_ical), ("vobject", _read_vobject))
    for name, reader in () if quick else readers:
        try:
            reader(data, text)
        except Exception as error:
            problems.append(f"{what}: {name} rejects it ({type(error).__name__}: {_first_line(error)})")
    return problems


def _read_icalendar(data: bytes, text: str) -> None:
    from icalendar import Calendar

    for event in Calendar.from_ical(data).events:
        if event.end < event.start:
            raise ValueError(f"{event['UID']} ends before it starts")


def _read_ical(data: bytes, text: str) -> None:
    from ical.calendar_stream import IcsCalendarStream

    IcsCalendarStream.calendar_from_ics(text)


def _read_vobject(data: bytes, text: str) -> None:
    import vobject

    for component in vobject.readComponents(text, validate=True):
        for event in getattr(component, "vevent_list", []):
            event.dtstart.value  # noqa: B018 - parsing the value is the check


def export_problems(db: str, *, quick: bool = False) -> list[str]:
    """Export everything (all visibilities: plain, with the reminder plan as alarms, busy-only; `quick`: the
    one with alarms, which holds the most, and the quick checks) and check the bytes."""
    problems = []
    variants: tuple[tuple[str, ...], ...] = ((), ("--alarms-from-reminders",), ("--detail", "busy"))
    for extra in variants[1:2] if quick else variants:
        outcome = invoke(db, ("export", *ALL_VISIBILITIES, *extra))  # no window: every event
        what = "export " + " ".join(extra) if extra else "export"
        if outcome.code != 0 or outcome.traceback:
            error = outcome.exception
            escaped = f"{type(error).__name__}: {_first_line(error)}" if error is not None else ""
            problems.append(f"{what} failed: exit {outcome.code} {_first_line(outcome.stderr)} {escaped}".rstrip())
            continue
        problems.extend(calendar_problems(outcome.stdout, what, quick=quick))
    return problems


@dataclass
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: bytes
    sent: dict[str, str] = field(default_factory=dict)  # the request's headers as the client sent them
    raised: str | None = None


def http_answers(db: str, requests: Iterable[tuple[str, str, dict[str, str]]]) -> list[HttpAnswer]:
    """Each (method, path, headers) answered by the in-process server app on `db`, at the fixed NOW."""
    import httpx

    from calendar_app.app import App
    from calendar_app.config import Settings
    from calendar_app.web.app import create_app

    app = App.open(Settings(db_url=db, default_tz=USER_TZ))
    web = create_app(app.store.engine, base_url="https://calendar.example.org", check_interval=0,
                     kind_defaults=app.kind_defaults, clock=lambda: NOW)

    async def fetch_all() -> list[HttpAnswer]:
        transport = httpx.ASGITransport(app=web, raise_app_exceptions=False)  # a crash is a 500 to a client
        answers = []
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                     headers={"accept-encoding": "identity"}) as client:
            for method, path, headers in requests:
                try:
                    raw = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
                    response = await client.request(method, path, headers=raw)
                    sent = {k.decode("latin-1"): v.decode("latin-1") for k, v in response.request.headers.raw}
                    answers.append(HttpAnswer(response.status_code, dict(response.headers), response.content, sent))
                except Exception as error:
                    answers.append(HttpAnswer(0, {}, b"", raised=f"{type(error).__name__}: {_first_line(error)}"))
        return answers

    try:
        return asyncio.run(fetch_all())
    finally:
        app.close()


def http_problems(answer: HttpAnswer, method: str, path: str) -> list[str]:
    """No 5xx but a 503, no crash in the app, gzip only when accepted, and a 200 feed that parses strictly."""
    if answer.raised is not None:
        return [f"the request raised {answer.raised}"]
    problems = []
    if answer.status >= 500 and answer.status != 503:
        problems.append(f"HTTP {answer.status}")
    if answer.headers.get("content-encoding") == "gzip" and not _accepts_gzip(answer.sent):
        problems.append("gzip sent though the client refused it")
    if answer.status == 200 and method == "GET" and answer.headers.get("content-type", "").startswith("text/calendar"):
        problems.extend(calendar_problems(answer.body, f"{method} {path}"))
    return problems


def _accepts_gzip(headers: dict[str, str]) -> bool:
    """RFC 9110 12.5.3: gzip (or *) listed with a q above zero."""
    value = next((v for k, v in headers.items() if k.lower() == "accept-encoding"), "")
    for item in value.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        if coding.lower() not in ("gzip", "x-gzip", "*"):
            continue
        q = 1.0
        for param in params:
            key, _, number = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(number)
                except ValueError:
                    q = 0.0
        if q > 0:
            return True
    return False


def feed_problems(db: str, seeded: Seeded) -> list[str]:
    """The seeded feeds fetched over HTTP (public by name, private by token), and every other stored feed
    built as the server builds it: each must answer and parse strictly."""
    from sqlmodel import col

    from calendar_app.app import App
    from calendar_app.config import Settings
    from calendar_app.db import read_session
    from calendar_app.web.cache import build_feed
    from exports.models import Feed

    problems = []
    paths = ["/feeds/pub.ics", f"/private/{seeded.token}.ics", "/"]
    for path, answer in zip(paths, http_answers(db, [("GET", p, {}) for p in paths]), strict=True):
        problems.extend(http_problems(answer, "GET", path))
    app = App.open(Settings(db_url=db, default_tz=USER_TZ))
    try:
        with read_session(app.store.engine) as session:
            others = sa.select(Feed).where(col(Feed.name).not_in(["pub", "staff"]))
            stored = list(session.execute(others).scalars())
            session.expunge_all()
        for feed in stored:
            try:
                built = build_feed(feed, engine=app.store.engine, now=NOW, kind_defaults=app.kind_defaults)
            except Exception as error:
                problems.append(f"feed {feed.name} cannot be built ({type(error).__name__}: {_first_line(error)})")
                continue
            problems.extend(calendar_problems(built.body, f"feed {feed.name}"))
    finally:
        app.close()
    return problems


def load_lines(path: Path) -> list[list[Any]]:
    """The JSON arrays of a corpus file, one a line; blank lines and `#` comments skipped."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise AssertionError(f"{path.name} line {number}: {error}") from None
    return rows
