"""Issue 10: property-based fuzzing (Hypothesis) of the CLI and of import.

Generated `event add` / `event edit` arguments (dates near the ends of the calendar, impossible and odd
forms, durations and reminder offsets of any size, texts with control characters, NUL and the surrogates
invalid UTF-8 becomes, real and made-up zones), generated read commands, generated `.ics` files and mutated
files of the hostile corpus. Each example runs on a fresh copy of one seeded SQLite database and keeps the
invariants of tests/hostile/invariants.py. `make test` runs the "default" profile of tests/conftest.py (60
examples a test, derandomized under CI=true); `make fuzz` the "long" one.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.hostile.invariants import (
    HERE,
    Database,
    Seeded,
    copy_sqlite,
    export_problems,
    invoke,
    run_problems,
    seed,
)

ZONES = ["Asia/Ulaanbaatar", "Asia/Hovd", "Asia/Bishkek", "America/New_York", "Europe/Berlin", "Pacific/Apia",
         "Australia/Lord_Howe", "America/Santiago", "Pacific/Kiritimati", "Etc/GMT+12", "Etc/GMT-14", "UTC"]
CONTROL = [chr(c) for c in (*range(0x20), 0x7F, 0x85, 0x9B)] + ["\u2028", "\ufeff", "\u202e", "\udcff", "\udc80"]
CORPUS_FILES = sorted(p for p in (HERE / "ics").rglob("*.ics") if p.stat().st_size <= 20_000)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Seeded]:
    path = tmp_path_factory.mktemp("fuzz") / "template.db"
    return path, seed(f"sqlite:///{path}")


@pytest.fixture(scope="module")
def fresh(template: tuple[Path, Seeded]) -> Iterator[object]:
    """Call it for a fresh copy of the seeded database (one per example: no state leaks between them)."""
    with tempfile.TemporaryDirectory() as folder:
        counter = iter(range(10**9))
        yield lambda: copy_sqlite(template[0], Path(folder) / f"{next(counter)}.db")


# ---- strategies
years = st.one_of(st.integers(0, 10_000), st.sampled_from([1, 2, 1970, 2026, 9998, 9999]))
clock = st.tuples(st.integers(0, 25), st.integers(0, 61))
offsets = st.one_of(st.none(), st.just("Z"), st.tuples(st.sampled_from("+-"), st.integers(0, 16), st.integers(0, 60))
                    .map(lambda o: f"{o[0]}{o[1]:02d}:{o[2]:02d}"))


@st.composite
def day_text(draw: st.DrawFn) -> str:
    year, month, day = draw(years), draw(st.integers(0, 13)), draw(st.integers(0, 32))
    return f"{year:04d}-{month:02d}-{day:02d}"


@st.composite
def when_text(draw: st.DrawFn) -> str:
    form = draw(st.sampled_from(["day", "time", "iso", "relative", "word", "junk"]))
    if form == "day":
        return draw(day_text())
    if form in ("time", "iso"):
        hour, minute = draw(clock)
        sep = " " if form == "time" else "T"
        offset = draw(offsets) if form == "iso" else None
        return f"{draw(day_text())}{sep}{hour:02d}:{minute:02d}{offset or ''}"
    if form == "relative":
        return f"{draw(st.sampled_from('+-'))}{draw(st.integers(0, 10**12))}d"
    if form == "word":
        return draw(st.sampled_from(["today", "tomorrow 10:00", "yesterday", "tomorrow 25:00", "now"]))
    return draw(odd_text(8))


durations = st.one_of(
    st.tuples(st.integers(-10, 10**13), st.sampled_from(["m", "h", "d", "w", ""])).map(lambda d: f"{d[0]}{d[1]}"),
    st.sampled_from(["", "0", "1.5h", "PT2H", "2h30m", "3660d", "3661d", "5256000m"]),
)
reminders = st.one_of(
    st.tuples(st.sampled_from(["", "start-", "start+", "end+", "end-"]), durations).map("".join),
    st.text(max_size=6),
)
zones = st.one_of(st.sampled_from(ZONES), st.text(max_size=12))


def odd_text(max_pieces: int = 6) -> st.SearchStrategy[str]:
    """Text made of ordinary runs, control characters, NUL and the lone surrogates of invalid UTF-8."""
    piece = st.one_of(st.text(max_size=12), st.sampled_from(CONTROL),
                      st.sampled_from(["Хурал", "Кеңеш", "ᠮᠣᠩᠭᠣᠯ", ";,\\:", "\r\n", "x" * 600]))
    return st.lists(piece, max_size=max_pieces).map("".join)


@st.composite
def event_options(draw: st.DrawFn) -> list[str]:
    chosen = draw(st.lists(st.sampled_from(["--end", "--duration", "--tz", "--all-day", "--remind", "--location",
                                            "--description", "--participants", "--women", "--status"]),
                           unique=True, max_size=5))
    values = {"--end": when_text(), "--duration": durations, "--tz": zones, "--remind": reminders,
              "--location": odd_text(), "--description": odd_text(),
              "--participants": st.integers(-5, 2**70).map(str), "--women": st.integers(-5, 2**40).map(str),
              "--status": st.sampled_from(["tentative", "confirmed", "postponed", "cancelled", "held", ""])}
    args: list[str] = []
    for option in chosen:
        args += [option] if option == "--all-day" else [option, draw(values[option])]
    return args


write_commands = st.one_of(
    st.builds(lambda title, start, rest: ["event", "add", title, "--start", start, *rest],
              odd_text(), when_text(), event_options()),
    st.builds(lambda ref, rest, title: ["event", "edit", ref, *rest, *(["--title", title] if title else [])],
              st.sampled_from(["1", "2", "3"]), event_options(), st.one_of(st.none(), odd_text())),
)
read_commands = st.one_of(
    st.builds(lambda a, b: ["event", "list", "--from", a, "--to", b], when_text(), when_text()),
    st.builds(lambda a, d: ["event", "list", "--from", a, "--days", d], when_text(), durations),
    st.builds(lambda a, d: ["agenda", "--from", a, "--days", str(d)], when_text(), st.integers(-2, 400)),
    st.builds(lambda a: ["export", "--from", a], when_text()),
    st.builds(lambda a: ["reminder", "preview", "--at", a], when_text()),
    st.builds(lambda ref: ["event", "show", ref],
              st.one_of(st.integers(-2, 2**80).map(str), odd_text(2))),
    st.builds(lambda text: ["event", "list", "--search", text], odd_text()),
)


# ---- generated calendars
def _ics_stamp(draw: st.DrawFn) -> str:
    year, month, day = draw(years), draw(st.integers(0, 13)), draw(st.integers(0, 32))
    hour, minute = draw(clock)
    return f"{year:04d}{month:02d}{day:02d}T{hour:02d}{minute:02d}00"


@st.composite
def vevent(draw: st.DrawFn) -> str:
    uid = draw(st.sampled_from(["a@fuzz", "a@fuzz ", "A@fuzz", "b@fuzz", ""]) | odd_text(2))
    stamp = _ics_stamp(draw)
    start = draw(st.sampled_from([f"DTSTART:{stamp}Z", f"DTSTART:{stamp}", f"DTSTART;VALUE=DATE:{stamp[:8]}"])
                 | st.sampled_from([*ZONES, "Nowhere/Zone", ""]).map(lambda z: f"DTSTART;TZID={z}:{stamp}"))
    lines = ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261120T000000Z", start]
    end = draw(st.sampled_from(["dtend", "duration", "none", "both"]))
    if end in ("dtend", "both"):
        until = _ics_stamp(draw)
        lines.append(f"DTEND:{until}Z" if draw(st.booleans()) else f"DTEND;VALUE=DATE:{until[:8]}")
    if end in ("duration", "both"):
        lines.append(f"DURATION:{draw(st.sampled_from(['P', '-P', 'PT']))}{draw(st.integers(0, 10**12))}"
                     f"{draw(st.sampled_from('DWHMS'))}")
    for name in draw(st.lists(st.sampled_from(["SUMMARY", "DESCRIPTION", "LOCATION"]), unique=True)):
        lines.append(f"{name}:{draw(odd_text())}")
    if draw(st.booleans()):
        lines.append(f"SEQUENCE:{draw(st.integers(-2, 2**65) | st.sampled_from([2**31 - 1, 2**31]))}")
    lines += draw(st.lists(st.sampled_from([
        "RRULE:FREQ=DAILY;COUNT=3", "RRULE:FREQ=WEEKLY;UNTIL=20200101T000000Z", "RRULE:FREQ=SECONDLY;COUNT=9999999",
        "RRULE:FREQ=YEARLY", "RRULE:FREQ=NEVER", f"RDATE:{stamp}Z", f"EXDATE:{stamp}Z", f"RECURRENCE-ID:{stamp}Z",
        "STATUS:CANCELLED", "STATUS:TENTATIVE", "CLASS:CONFIDENTIAL", "TRANSP:TRANSPARENT",
        "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-P99999999D\nEND:VALARM"]), unique=True, max_size=3))
    lines.append("END:VEVENT")
    return "\n".join(lines)


@st.composite
def calendar_bytes(draw: st.DrawFn) -> bytes:
    events = draw(st.lists(vevent(), min_size=1, max_size=3))
    text = "\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//fuzz//EN", *events, "END:VCALENDAR", ""])
    newline = draw(st.sampled_from(["\r\n", "\n"]))
    return text.replace("\n", newline).encode("utf-8", "surrogateescape")


@st.composite
def mutated_corpus_file(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(CORPUS_FILES)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        operation = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate"]))
        if operation == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif operation == "insert":
            data[at:at] = draw(st.binary(max_size=8) | st.sampled_from([b"\r\n", b"\x00", b"\r\n ", b";", b":"]))
        elif operation == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif operation == "truncate":
            del data[at:]
        elif operation == "duplicate":
            end = data.find(b"\n", at)
            if end != -1:
                data[at:at] = data[at : end + 1]
    return bytes(data)


# ---- the invariants, per example
def _check_run(url: str, args: list[str], *, tz: str = "Asia/Ulaanbaatar") -> tuple[int, bool, list[str]]:
    db = Database(url)
    before = db.fingerprint()
    outcome = invoke(url, args, tz=tz)
    after = db.fingerprint()
    problems = run_problems(outcome, before, after)
    changed = after != before
    if changed:
        problems += db.backwards_events() + export_problems(url)
    db.close()
    return outcome.code, changed, problems


@given(args=write_commands, tz=zones)
def test_fuzz_event_add_and_edit(fresh, args: list[str], tz: str) -> None:
    url = fresh()
    _, _, problems = _check_run(url, args, tz=tz)
    assert not problems, problems


@given(args=read_commands, tz=zones)
def test_fuzz_read_commands(fresh, args: list[str], tz: str) -> None:
    url = fresh()
    _, changed, problems = _check_run(url, args, tz=tz)
    assert not changed, "a read command changed the database"
    assert not problems, problems


@given(data=st.one_of(calendar_bytes(), mutated_corpus_file()))
def test_fuzz_import(fresh, data: bytes) -> None:
    url = fresh()
    path = Path(url.removeprefix("sqlite:///")).with_suffix(".ics")
    path.write_bytes(data)
    dry_code, dry_changed, problems = _check_run(url, ["import", str(path), "--dry-run"])
    assert not dry_changed, "--dry-run changed the database"
    code, _, more = _check_run(url, ["import", str(path)])
    problems += more
    if code == 2:
        problems += _check_run(url, ["import", str(path), "--skip-bad"])[2]
    assert code == dry_code, f"--dry-run exit {dry_code} but the import exit {code}"
    assert not problems, problems
