"""The people commands through the CLI: invite, list, set, remove, report; errors are one line, exit 1/2,
and change nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.cli_helpers import run
from tests.people_fixture import sheet_text


def _round_table(db: str, tmp_path: Path) -> None:
    assert run(db, "event", "add", "Тегерек стол", "--kind", "round_table", "--start", "2019-12-16 10:00",
               "--duration", "3h", "--region", "bishkek", "--language", "ky", "--status", "held",
               "--partner", "Швейцария элчилиги").code == 0
    sheet = tmp_path / "registration.csv"
    sheet.write_text(sheet_text(), encoding="utf-8")
    assert run(db, "participant", "import", "1", str(sheet)).code == 0


def test_invite_set_list_remove(sqlite_url: str) -> None:
    assert run(sqlite_url, "event", "add", "Зөвлөлдөх уулзалт", "--start", "2026-12-10 10:00").code == 0
    assert run(sqlite_url, "contact", "add", "Оюунчимэг", "--email", "oyunaa@example.mn", "--group", "gbv").code == 0
    out = run(sqlite_url, "event", "invite", "1", "group:gbv", "Сарнай <sarnai@example.mn>", "--role", "optional",
              "--json")
    assert out.code == 0 and [p["email"] for p in out.json()] == ["oyunaa@example.mn", "sarnai@example.mn"]
    again = run(sqlite_url, "event", "invite", "1", "oyunaa@example.mn")
    assert again.code == 0 and again.stdout.startswith("Invited 0 to event 1")
    out = run(sqlite_url, "participant", "set", "1", "oyunaa@example.mn", "--status", "accepted", "--attended",
              "--sex", "woman", "--json")
    assert out.json()[0]["status"] == "accepted" and out.json()[0]["attended"] is True
    table = run(sqlite_url, "participant", "list", "1")
    assert "Оюунчимэг" in table.stdout and "accepted" in table.stdout and "optional" in table.stdout
    shown = run(sqlite_url, "event", "show", "1")
    assert "1 (1 women, 0 men), from the attendance list" in shown.stdout
    assert run(sqlite_url, "participant", "remove", "1", "sarnai@example.mn").code == 0
    assert [p["email"] for p in run(sqlite_url, "participant", "list", "1", "--json").json()] == ["oyunaa@example.mn"]


def test_bad_input_is_one_line_and_changes_nothing(sqlite_url: str) -> None:
    assert run(sqlite_url, "event", "add", "Зөвлөлдөх уулзалт", "--start", "2026-12-10 10:00").code == 0
    assert run(sqlite_url, "event", "invite", "1", "Оюунчимэг <oyunaa@example.mn>").code == 0
    before = run(sqlite_url, "participant", "list", "1", "--json").json()
    cases = [
        (["event", "invite", "9", "oyunaa@example.mn"], 1, "no event with id or uid '9'"),
        (["event", "invite", "1", "nobody@example.mn"], 1, "no contact"),
        (["event", "invite", "1", "group:nobody"], 1, "no contact is in the group 'nobody'"),
        (["event", "invite", "1", "Someone <not-an-address>"], 2, "not an e-mail address"),
        (["event", "invite", "1", "oyunaa@example.mn", "--role", "boss"], 2, "unknown role 'boss'"),
        (["participant", "set", "1", "oyunaa@example.mn", "--attended", "--absent"], 2,
         "--attended and --absent decide the same thing"),
        (["participant", "set", "1", "oyunaa@example.mn", "--status", "maybe"], 2, "unknown answer 'maybe'"),
        (["participant", "set", "1", "oyunaa@example.mn", "--sex", "robot"], 2, "unknown sex 'robot'"),
        (["participant", "set", "1", "oyunaa@example.mn", "--language", "de"], 2, "unknown language 'de'"),
        (["participant", "set", "1", "oyunaa@example.mn", "--comment", "a\x00b"], 2, "control character"),
        (["participant", "set", "1", "nobody@example.mn", "--attended"], 1,
         "see 'calendar-app participant list 1'"),
        (["participant", "remove", "1", "nobody@example.mn"], 1, "is not a participant of event 1"),
        (["participant", "list", "x"], 1, "no event"),
        (["report", "participants", "--by", "ministry"], 2, "unknown grouping 'ministry'"),
        (["report", "participants", "--format", "pdf"], 2, "unknown format 'pdf'"),
        (["report", "participants", "--from", "2019-12-31", "--to", "2019-12-01"], 2, "is not after the start"),
    ]
    for args, code, text in cases:
        out = run(sqlite_url, *args)
        assert out.code == code, (args, out.stderr)
        assert out.stderr.count("\n") == 1 and out.stderr.startswith("error: ") and text in out.stderr, out.stderr
        assert "Traceback" not in out.stderr
    assert run(sqlite_url, "participant", "list", "1", "--json").json() == before
    assert [c["email"] for c in run(sqlite_url, "contact", "list", "--json").json()] == ["oyunaa@example.mn"]


def test_report_formats(sqlite_url: str, tmp_path: Path) -> None:
    _round_table(sqlite_url, tmp_path)
    for address in [f"w{i:02d}@example.kg" for i in range(12)] + [f"m{i:02d}@example.kg" for i in range(5)]:
        assert run(sqlite_url, "participant", "set", "1", address, "--attended").code == 0
    data = run(sqlite_url, "report", "participants", "--from", "2019-12-01", "--to", "2019-12-31", "--json").json()
    assert (data["total"]["participants"], data["total"]["women"], data["total"]["men"]) == (17, 12, 5)
    table = run(sqlite_url, "report", "participants", "--from", "2019-12-01", "--to", "2019-12-31", "--by", "kind")
    assert "round_table" in table.stdout and "total" in table.stdout
    text = run(sqlite_url, "report", "participants", "--from", "2019-12-01", "--to", "2019-12-31", "--by", "partner",
               "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["partner"] == "Швейцария элчилиги" and rows[-1]["partner"] == "total"
    assert (rows[-1]["participants"], rows[-1]["women"], rows[-1]["men"]) == ("17", "12", "5")
    page = tmp_path / "people.html"
    out = run(sqlite_url, "report", "participants", "--from", "2019-12-01", "--to", "2019-12-31", "--by", "month",
              "--format", "html", "-o", str(page))
    assert out.code == 0 and out.stdout.startswith("Wrote the html participants report")
    html = page.read_text(encoding="utf-8")
    assert "<svg" in html and "<script" not in html
    assert "<dt>participants</dt><dd>17</dd><dt>women</dt><dd>12</dd><dt>men</dt><dd>5</dd>" in html
    out = run(sqlite_url, "report", "participants", "--from", "2019-12-01", "--to", "2019-12-31", "--format", "html",
              "--language", "ky", "-o", str(page))
    html = page.read_text(encoding="utf-8")
    assert '<html lang="ky">' in html and "<dt>аялдар</dt><dd>12</dd><dt>эркектер</dt><dd>5</dd>" in html
    assert run(sqlite_url, "report", "participants", "--language", "de").code == 2
