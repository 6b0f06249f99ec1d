"""Every bad input: one stderr line naming the problem and the fix, the right exit code, nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.cli_helpers import Outcome, row_counts, run

ADD = ["event", "add", "Зөвшилцөх уулзалт", "--kind", "consultation", "--start", "2020-05-06 10:00",
       "--duration", "2h", "--region", "ulaanbaatar", "--partner", "Ministry of Education"]


def _seeded(url: str) -> dict[str, int]:
    assert run(url, *ADD).code == 0
    return row_counts(url)


def _one_clear_line(outcome: Outcome, code: int, *words: str) -> None:
    assert outcome.code == code, outcome.stderr
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1, outcome.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in outcome.stderr
    for word in words:
        assert word in lines[0], lines[0]


BAD_ADDS = [
    (["--start", "2020-13-45 10:00"], ("2020-13-45", "24.12.2026")),
    (["--start", "next blue moon"], ("next blue moon",)),
    (["--end", "2020-05-06 09:00"], ("not after the start", "later --end")),
    (["--tz", "Asia/Atlantis"], ("Asia/Atlantis", "IANA")),
    (["--region", "Атлантида"], ("Атлантида", "region list")),
    (["--kind", "party"], ("party", "consultation")),
    (["--participants", "-3"], ("negative",)),
    (["--participants", "10", "--women", "7", "--men", "5"], ("above the total",)),
    (["--duration", "forever"], ("forever", "90m")),
    (["--status", "maybe"], ("maybe", "tentative")),
    (["--visibility", "secret"], ("secret", "confidential")),
    (["--language", "fr"], ("fr", "mn")),
]


@pytest.mark.parametrize(("extra", "words"), BAD_ADDS, ids=[" ".join(a) for a, _ in BAD_ADDS])
def test_bad_add_changes_nothing(store_url: str, extra: list[str], words: tuple[str, ...]) -> None:
    before = _seeded(store_url)
    args = list(ADD)
    if "--end" in extra:
        args[args.index("--duration") : args.index("--duration") + 2] = []
    _one_clear_line(run(store_url, *args, *extra), 2, *words)
    assert row_counts(store_url) == before


@pytest.mark.parametrize("extra", [["--end", "2020-05-01"], ["--start", "yesterday-ish"], ["--women", "-1"]])
def test_bad_edit_changes_nothing(store_url: str, extra: list[str]) -> None:
    _seeded(store_url)
    before = run(store_url, "event", "show", "1", "--json").json()
    _one_clear_line(run(store_url, "event", "edit", "1", *extra), 2)
    assert run(store_url, "event", "show", "1", "--json").json() == before


@pytest.mark.parametrize("command", [["event", "show", "999", "--json"], ["event", "edit", "999", "--title", "x"],
                                     ["event", "cancel", "no-such-uid"], ["event", "delete", "999", "--yes"]])
def test_unknown_id_exits_1(store_url: str, command: list[str]) -> None:
    before = _seeded(store_url)
    outcome = run(store_url, *command)
    _one_clear_line(outcome, 1, "event list")
    assert outcome.stdout == ""
    assert row_counts(store_url) == before


def test_list_bad_window_and_unknown_region(store_url: str) -> None:
    _one_clear_line(run(store_url, "event", "list", "--from", "2020-06-01", "--to", "2020-05-01"), 2, "later --to")
    _one_clear_line(run(store_url, "event", "list", "--region", "Narnia"), 2, "Narnia")
    _one_clear_line(run(store_url, "region", "list", "--country", "KZ"), 2, "MN")


@pytest.mark.parametrize("url", [
    "/nonexistent-folder/x/calendar.db",
    "nosuchdialect://host/db",
    "postgresql+psycopg://postgres@127.0.0.1:1/test",
])
def test_database_that_cannot_be_opened(url: str) -> None:
    outcome = run(url, "event", "list")
    _one_clear_line(outcome, 2, "--db")


def test_read_only_database_refuses_the_write_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "calendar.db"
    url = f"sqlite:///{path}"
    before = _seeded(url)
    # root ignores file modes, so open the file read-only the way SQLite itself offers.
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    _one_clear_line(run(read_only, *ADD), 2, "read-only")
    assert run(read_only, "event", "list", "--json").code == 0
    assert row_counts(url) == before


def test_full_disk_during_a_write_leaves_nothing_half_written(tmp_path: Path) -> None:
    from calendar_app.app import Store
    from calendar_app.db import create_db_engine, write_session
    from events.drafts import NewEventDraft
    from events.errors import StorageError
    from events.services import create_event
    from tests.conftest import NOW

    url = f"sqlite:///{tmp_path / 'calendar.db'}"
    before = _seeded(url)
    Store.open(url).close()
    engine = create_db_engine(url)

    @sa.event.listens_for(engine, "connect")
    def _cap_file_size(dbapi_connection, _record):
        # SQLite's own "disk full" path: the file may not grow past its current pages.
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    from events.bounds import MAX_TEXT

    big = NewEventDraft(title="Сургалт", start="2020-05-06 10:00", description="х" * MAX_TEXT,  # the longest allowed
                        partners=["Нэг", "Хоёр"], programme="Шинэ хөтөлбөр")
    with pytest.raises(StorageError, match="disk is full"), write_session(engine) as session:
        create_event(big, session=session, default_tz="UTC", now=NOW)
    engine.dispose()
    assert row_counts(url) == before
