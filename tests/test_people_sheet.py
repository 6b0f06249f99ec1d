"""Registration sheets: headers in four languages, bad rows by line with nothing written, the sign-in
sheet export read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from calendar_app import services
from calendar_app.app import App
from calendar_app.people import services as people
from events.drafts import NewEventDraft
from events.people.errors import BadSheetRows, UnreadableSheet
from events.people.sheet import read_sheet
from tests.cli_helpers import run
from tests.conftest import NOW


def _event(app: App) -> int:
    draft = NewEventDraft(title="Тегерек стол", kind="round_table", start="2019-12-16 10:00", duration="3h",
                          region="bishkek", language="ky")
    return services.add_event(draft, app=app, now=NOW).view.id


@pytest.mark.parametrize("header", [
    "name,e-mail,organisation,sex,language",
    "ФИО;Эл. почта;Организация;Пол;Язык",
    "Овог нэр,И-мэйл,Байгууллага,Хүйс,Хэл",
    "Аты-жөнү,Электрондук почта,Уюм,Жынысы,Тил",
])
def test_headers_in_every_language(header: str) -> None:
    sep = ";" if ";" in header else ","
    body = sep.join(["Айгүл Токтосунова", "aigul@example.kg", "Бишкек", "аял", "кыргызча"])
    other = sep.join(["Bat-Erdene", "bat@example.mn", "", "M", "mn"])
    rows = read_sheet("\ufeff" + header + "\r\n" + body + "\r\n\r\n" + other + "\r\n")
    assert [(r.line, r.name, r.email, r.organisation, r.sex, r.language) for r in rows] == [
        (2, "Айгүл Токтосунова", "aigul@example.kg", "Бишкек", "woman", "ky"),
        (4, "Bat-Erdene", "bat@example.mn", None, "man", "mn"),
    ]


def test_bad_rows_are_named_by_line() -> None:
    text = ("name,email,sex,language\n"
            "Айгүл,aigul@example.kg,аял,ky\n"
            ",nameless@example.kg,,\n"
            "Бакыт,not-an-address,эркек,ky\n"
            "Нурия,nuria@example.kg,robot,ky\n"
            "Самара,samara@example.kg,аял,de\n"
            "\"Гүлнара\nАсанова\",gulnara@example.kg,аял,ky\n"
            "Айгүл again,AIGUL@example.kg,аял,ky\n")
    with pytest.raises(BadSheetRows) as caught:
        read_sheet(text, source="reg.csv")
    problems = caught.value.problems
    assert [p.split(":", 1)[0] for p in problems] == ["line 3", "line 4", "line 5", "line 6", "line 8", "line 9"]
    assert "name is empty" in problems[0] and "not an e-mail address" in problems[1]
    assert "robot" in problems[2] and "'de'" in problems[3]
    assert "line 2 already" in problems[5]
    assert str(caught.value).startswith("reg.csv: 6 bad row(s), nothing was imported: line 3")


def test_control_characters_and_long_texts_are_bad_rows() -> None:
    text = ("name,email,organisation\nАйгүл\x07,aigul@example.kg,\nБакыт,bakyt@example.kg,Уюм\x1b\n"
            "Нурия,nuria@example.kg," + "ж" * 301 + "\n")
    with pytest.raises(BadSheetRows) as caught:
        read_sheet(text)
    assert [p.split(":", 1)[0] for p in caught.value.problems] == ["line 2", "line 3", "line 4"]
    assert "control character" in caught.value.problems[0] and "300" in caught.value.problems[2]


def test_a_huge_file_is_refused_before_it_is_read(sqlite_app: App, tmp_path: Path) -> None:
    from calendar_app.people.services import MAX_SHEET_BYTES

    event = _event(sqlite_app)
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as out:
        out.write(b"name,email\n")
        out.truncate(MAX_SHEET_BYTES + 10)
    with pytest.raises(UnreadableSheet, match="larger than 10 MB"):
        people.import_sheet(str(event), str(huge), app=sqlite_app, now=NOW)
    with pytest.raises(UnreadableSheet, match="cannot read"):
        people.import_sheet(str(event), str(tmp_path), app=sqlite_app, now=NOW)  # a folder


def test_unreadable_sheets() -> None:
    with pytest.raises(UnreadableSheet, match="empty"):
        read_sheet("")
    with pytest.raises(UnreadableSheet, match="no column for email"):
        read_sheet("name,phone\nАйгүл,+996 555\n")


def test_import_is_all_or_nothing_and_updates_on_a_second_run(app: App, tmp_path: Path) -> None:
    event = _event(app)
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email,sex\nАйгүл,aigul@example.kg,аял\nБакыт,bakyt@,эркек\n", encoding="utf-8")
    with pytest.raises(BadSheetRows, match="line 3"):
        people.import_sheet(str(event), str(bad), app=app, now=NOW)
    assert people.list_participants(str(event), app=app) == []
    from calendar_app.notify import services as notify_services

    assert notify_services.list_contacts(app=app) == []  # no contact half-made either
    good = tmp_path / "good.csv"
    good.write_text("name,email,sex,language,organisation\nАйгүл,aigul@example.kg,аял,ky,Бишкек\n"
                    "Бакыт,bakyt@example.kg,,ru,\n", encoding="utf-8")
    dry = people.import_sheet(str(event), str(good), app=app, now=NOW, dry_run=True)
    assert dry["added"] == 2 and people.list_participants(str(event), app=app) == []
    first = people.import_sheet(str(event), str(good), app=app, now=NOW)
    assert (first["added"], first["updated"]) == (2, 0)
    good.write_text("name,email,sex,attended\nАйгүл,aigul@example.kg,,yes\nБакыт,bakyt@example.kg,эркек,жок\n",
                    encoding="utf-8")
    second = people.import_sheet(str(event), str(good), app=app, now=NOW)
    assert (second["added"], second["updated"]) == (0, 2)
    rows = {p["email"]: p for p in people.list_participants(str(event), app=app)}
    assert (rows["aigul@example.kg"]["sex"], rows["aigul@example.kg"]["attended"]) == ("woman", True)  # kept
    assert rows["aigul@example.kg"]["organisation"] == "Бишкек" and rows["aigul@example.kg"]["language"] == "ky"
    assert (rows["bakyt@example.kg"]["sex"], rows["bakyt@example.kg"]["attended"]) == ("man", False)


@pytest.mark.parametrize("language", ["ky", "ru", "mn", "en"])
def test_export_reads_back(sqlite_app: App, tmp_path: Path, language: str) -> None:
    event = _event(sqlite_app)
    sheet = tmp_path / "in.csv"
    sheet.write_text("name,email,organisation,sex,language,attended\n"
                     "Айгүл Токтосунова,aigul@example.kg,\"ЖӨБ, Ош\",аял,ky,yes\n"
                     "Бакыт Асанов,bakyt@example.kg,,эркек,ru,no\nSam,sam@example.org,,,,\n", encoding="utf-8")
    people.import_sheet(str(event), str(sheet), app=sqlite_app, now=NOW)
    text = people.export_sheet(str(event), app=sqlite_app, language=language)
    rows = read_sheet(text)
    assert sorted((r.email, r.name, r.organisation, r.sex, r.language, r.attended) for r in rows) == [
        ("aigul@example.kg", "Айгүл Токтосунова", "ЖӨБ, Ош", "woman", "ky", True),
        ("bakyt@example.kg", "Бакыт Асанов", None, "man", "ru", False),
        ("sam@example.org", "Sam", None, None, "ky", None),  # a new contact takes the event's language
    ]


def test_cli_import_errors_are_one_line_and_change_nothing(sqlite_url: str, tmp_path: Path) -> None:
    assert run(sqlite_url, "event", "add", "Тегерек стол", "--start", "2019-12-16 10:00").code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email\nАйгүл,aigul@example.kg\nБакыт,\n", encoding="utf-8")
    out = run(sqlite_url, "participant", "import", "1", str(bad))
    assert out.code == 2 and out.stderr.count("\n") == 1 and "line 3: the e-mail is empty" in out.stderr
    missing = run(sqlite_url, "participant", "import", "1", str(tmp_path / "none.csv"))
    assert missing.code == 2 and "cannot read none.csv" in missing.stderr
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name,email\nJosé,jose@example.org\n".encode("latin-1"))
    assert "not UTF-8" in run(sqlite_url, "participant", "import", "1", str(latin)).stderr
    assert run(sqlite_url, "participant", "import", "9", str(bad)).code == 2  # the sheet is checked first
    assert run(sqlite_url, "participant", "list", "1", "--json").json() == []
    good = tmp_path / "good.csv"
    good.write_text("Аты-жөнү,Электрондук почта,Жынысы\nАйгүл,aigul@example.kg,аял\n", encoding="utf-8")
    assert run(sqlite_url, "participant", "import", "9", str(good)).code == 1
    done = run(sqlite_url, "participant", "import", "1", str(good), "--json")
    assert done.code == 0 and done.json()["added"] == 1
    out_file = tmp_path / "sign-in.csv"
    assert run(sqlite_url, "participant", "export", "1", "-o", str(out_file), "--language", "ky").code == 0
    assert out_file.read_text(encoding="utf-8").splitlines()[0].startswith("аты-жөнү,электрондук почта")


def test_bad_rows_are_told_in_the_cli_language(sqlite_url: str, tmp_path: Path) -> None:
    assert run(sqlite_url, "event", "add", "Тегерек стол", "--start", "2019-12-16 10:00").code == 0
    bad = tmp_path / "bad.csv"
    rows = "".join(f"Адам {n},\n" for n in range(6))  # six rows without an address: five shown, one counted
    bad.write_text("name,email,sex\nАйгүл,aigul@example.kg,robot\n" + rows, encoding="utf-8")
    out = run(sqlite_url, "--lang", "ky", "participant", "import", "1", str(bad))
    assert out.code == 2 and out.stderr.count("\n") == 1
    assert "2-сап: жынысы 'robot' woman, man, other дегендердин бири эмес" in out.stderr
    assert "3-сап: электрондук почтанын дареги бош; 4-сап:" in out.stderr and "; жана дагы 2" in out.stderr
    english = run(sqlite_url, "participant", "import", "1", str(bad))
    assert "line 2: sex 'robot' is not one of woman, man, other" in english.stderr and "; and 2 more" in english.stderr
    assert run(sqlite_url, "participant", "list", "1", "--json").json() == []
