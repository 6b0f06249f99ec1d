"""The CLI end to end through CliRunner: a few tests per command; the logic is tested at service level."""

from __future__ import annotations

import pytest

from tests.cli_helpers import run

TITLE = "Жендэрийн эрх тэгш байдлын зөвшилцөх уулзалт"
ADD = ["event", "add", TITLE, "--kind", "consultation", "--start", "2020-05-06 10:00", "--duration", "2h",
       "--region", "ulaanbaatar", "--partner", "Ministry of Education", "--visibility", "internal"]


def test_add_prints_id_and_uid_and_json_object(store_url: str) -> None:
    human = run(store_url, *ADD)
    assert human.code == 0, human.stderr
    assert human.stdout.startswith("Added event 1 (uid ")
    as_json = run(store_url, *ADD, "--json").json()
    for key in ("id", "uid", "title", "kind", "start", "end", "all_day", "timezone", "status", "visibility",
                "region", "location", "campaign", "partners", "sequence"):
        assert key in as_json
    assert as_json["start"] == "2020-05-06T10:00:00+08:00"
    assert as_json["end"] == "2020-05-06T12:00:00+08:00"
    assert as_json["partners"] == ["Ministry of Education"]
    assert as_json["id"] == 2


def test_mongolian_and_kyrgyz_text_round_trips_byte_for_byte(store_url: str) -> None:
    kyrgyz = "Аялдарга жана кыздарга карата зордук-зомбулукка каршы 16 күндүк активдүүлүк"
    run(store_url, *ADD, "--description", "Өвөрхангай, Хөвсгөл — ЖЭТБХ")
    run(store_url, "event", "add", kyrgyz, "--start", "2023-11-24 10:00", "--region", "Бишкек")
    listed = run(store_url, "event", "list", "--json")
    assert TITLE.encode() in listed.stdout_bytes and kyrgyz.encode() in listed.stdout_bytes
    titles = [e["title"] for e in listed.json()]
    assert titles == [TITLE, kyrgyz]
    assert listed.json()[0]["description"] == "Өвөрхангай, Хөвсгөл — ЖЭТБХ"


def test_list_filters_and_window(store_url: str) -> None:
    run(store_url, *ADD)
    run(store_url, "event", "add", "Round table", "--kind", "round_table", "--start", "2019-12-16 10:00",
        "--region", "bishkek")
    assert [e["kind"] for e in run(store_url, "event", "list", "--json", "--kind", "round-table").json()] == [
        "round_table"]
    window = run(store_url, "event", "list", "--from", "2020-05-01", "--days", "30", "--json").json()
    assert [e["title"] for e in window] == [TITLE]
    table = run(store_url, "event", "list", "--search", "зөвшилцөх")
    assert table.code == 0 and "зөвшилцөх" in table.stdout and "confirmed" in table.stdout


def test_show_edit_cancel_delete(store_url: str) -> None:
    run(store_url, *ADD)
    assert run(store_url, "event", "show", "1", "--json").json()["title"] == TITLE
    moved = run(store_url, "event", "edit", "1", "--start", "2020-05-07 14:00", "--json").json()
    assert (moved["start"], moved["end"], moved["sequence"]) == (
        "2020-05-07T14:00:00+08:00", "2020-05-07T16:00:00+08:00", 1)
    cancelled = run(store_url, "event", "cancel", "1", "--reason", "Хойшлуулсан", "--json").json()
    assert (cancelled["status"], cancelled["cancel_reason"], cancelled["sequence"]) == (
        "cancelled", "Хойшлуулсан", 2)
    refused = run(store_url, "event", "delete", "1")
    assert refused.code == 2 and "--yes" in refused.stderr
    assert run(store_url, "event", "delete", "1", "--yes").code == 0
    assert run(store_url, "event", "list", "--json").json() == []


def test_agenda_groups_by_day_in_each_events_zone(store_url: str) -> None:
    run(store_url, *ADD)
    run(store_url, "event", "add", "Ховд: сургалт", "--kind", "training", "--start", "2020-05-06 08:00",
        "--region", "khovd")
    run(store_url, "event", "add", "16 Days", "--start", "2020-05-05", "--end", "2020-05-07", "--all-day")
    days = run(store_url, "agenda", "--from", "2020-05-04", "--days", "3", "--json").json()
    assert [d["date"] for d in days] == ["2020-05-05", "2020-05-06"]
    assert [e["title"] for e in days[1]["events"]] == ["16 Days", "Ховд: сургалт", TITLE]
    assert days[1]["events"][1]["start"] == "2020-05-06T08:00:00+07:00"
    text = run(store_url, "agenda", "--from", "2020-05-04", "--days", "3").stdout
    assert "08:00" in text and "+07" in text and "[training]" in text


def test_region_list_and_country_filter(sqlite_url: str) -> None:
    regions = run(sqlite_url, "region", "list", "--json").json()
    assert len(regions) == 40
    mongolia = run(sqlite_url, "region", "list", "--country", "mn", "--json").json()
    assert {r["slug"] for r in mongolia if r["timezone"] == "Asia/Hovd"} == {"bayan-olgii", "khovd", "uvs"}
    assert len(run(sqlite_url, "region", "list", "--country", "KG", "--json").json()) == 9


def test_db_upgrade_and_current(store_url: str) -> None:
    assert run(store_url, "db", "current", "--json").json()["current"] is None
    assert run(store_url, "db", "upgrade").code == 0
    state = run(store_url, "db", "current", "--json").json()
    assert state["current"] == state["head"] and state["up_to_date"]


def test_demo_load_twice_adds_nothing_the_second_time(store_url: str) -> None:
    first = run(store_url, "demo", "load", "--json").json()
    second = run(store_url, "demo", "load", "--json").json()
    assert first == {"added": 9, "unchanged": 0}
    assert second == {"added": 0, "unchanged": 9}
    round_table = run(store_url, "event", "list", "--kind", "round_table", "--json").json()
    assert round_table[0]["participants"]["actual"] == 17
    assert round_table[0]["location"] == "Парк Отель, Бишкек"


def _leaf_commands() -> list[list[str]]:
    from cli import COMMANDS, build_command

    def walk(command, path):
        children = getattr(command, "commands", None)
        if not children:
            return [path]
        return [leaf for name, child in sorted(children.items()) for leaf in walk(child, [*path, name])]

    return [leaf for name in COMMANDS for leaf in walk(build_command(name), [name])]


def test_root_help_lines_match_the_commands_own_help() -> None:
    from cli import COMMANDS, build_command

    for name, (_, line) in COMMANDS.items():
        assert build_command(name).get_short_help_str(limit=300) == line, name


@pytest.mark.parametrize("command", _leaf_commands(), ids=" ".join)
def test_every_command_help_shows_a_real_example(sqlite_url: str, command: list[str]) -> None:
    out = run(sqlite_url, *command, "--help")
    assert out.code == 0
    example = out.stdout.split("Example", 1)[1].split("Options:", 1)[0]
    invocation = " ".join(example.split())
    assert "calendar-app " in invocation and " ".join(command) in invocation, example


def test_version() -> None:
    assert run("unused.db", "--version").stdout.startswith("calendar-app ")


LONG_TITLE = "«Монгол Улсад хүүхэд хамгааллын тогтолцоог бэхжүүлэх нь» төслийн II шатны санамж бичигт гарын үсэг зурах"


def test_list_table_fits_the_terminal_and_always_shows_the_status(sqlite_url: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    run(sqlite_url, "event", "add", LONG_TITLE, "--kind", "signing", "--start", "2018-06-29 11:00",
        "--region", "ulaanbaatar")
    run(sqlite_url, "event", "cancel", "1", "--reason", "moved")
    monkeypatch.setenv("COLUMNS", "80")
    narrow = run(sqlite_url, "event", "list").stdout.splitlines()
    assert max(len(line.rstrip()) for line in narrow) <= 80
    assert narrow[0].split() == ["id", "when", "title", "status"] and "cancelled" in narrow[2]
    assert set(LONG_TITLE.split()) <= set(" ".join(narrow).split())  # wrapped between words, none cut
    monkeypatch.setenv("COLUMNS", "200")
    wide = run(sqlite_url, "event", "list").stdout.splitlines()
    assert wide[0].split() == ["id", "when", "title", "kind", "region", "status", "visibility"]
    assert LONG_TITLE in wide[2]
    empty = run(sqlite_url, "event", "list", "--from", "2100-01-01")
    assert empty.code == 0 and len(empty.stdout.splitlines()) == 2 and empty.stdout.split()[0] == "id"
