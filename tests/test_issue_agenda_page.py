"""Issue 13, "Agenda for people": one zone for everyone (`--tz`, `--my-zone`) or each event's own (the
default), a location column, `--campaign` and `--search`, and the printable page in four languages,
opened in headless Chromium (screenshot not blank, no console messages), and as PDF."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from calendar_app import services
from calendar_app.agenda_page import KINDS, TEXTS, AgendaPage, agenda_html, agenda_pdf
from calendar_app.app import App
from calendar_app.services import EventFilter
from events.agenda import AgendaDay
from events.campaigns.links import CampaignLink
from events.drafts import NewEventDraft
from tests.cli_helpers import run
from tests.test_campaign_report_html import chromium, ink, open_page

NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
KHOVD = "Ховд аймгийн зөвлөлдөх уулзалт"
BISHKEK = "Тегерек үстөл: аялдардын укугу"
UB = "Зөвлөлдөх уулзалт, Улаанбаатар"
__all__ = ["chromium"]  # the fixture, shared with the campaign report's test


def _store(app: App) -> None:
    drafts = [
        NewEventDraft(title=UB, start="2026-12-20 10:00", duration="2h", kind="consultation", region="ulaanbaatar",
                      location="Төрийн ордон, 3 давхар", partners=["UNFPA"]),
        NewEventDraft(title=KHOVD, start="2026-12-21 10:00", duration="2h", kind="consultation", region="khovd",
                      location="Ховд, Засаг даргын тамгын газар"),
        NewEventDraft(title=BISHKEK, start="2026-12-21 15:00", duration="1h", kind="round_table", region="bishkek",
                      location="Бишкек, Чүй пр. 120"),
    ]
    for draft in drafts:
        services.add_event(draft, app=app, now=NOW)


def _titles(days: list[AgendaDay]) -> dict[str, list[tuple[str, str]]]:
    return {d.day.isoformat(): [(e.title, e.start.strftime("%H:%M%z")) for e in d.events] for d in days}


def test_each_event_at_its_own_time_by_default_or_all_in_one_zone(app: App) -> None:
    _store(app)
    filters = EventFilter(start="2026-12-20")
    own = _titles(services.agenda(3, filters, app=app, now=NOW))
    assert own["2026-12-21"] == [(KHOVD, "10:00+0700"), (BISHKEK, "15:00+0600")]
    mine = _titles(services.agenda(3, filters, app=app, now=NOW, tz="Asia/Ulaanbaatar"))
    assert mine["2026-12-21"] == [(KHOVD, "11:00+0800"), (BISHKEK, "17:00+0800")]
    late = _titles(services.agenda(2, EventFilter(start="2026-12-19"), app=app, now=NOW, tz="America/New_York"))
    assert late == {"2026-12-19": [(UB, "21:00-0500")], "2026-12-20": [(KHOVD, "22:00-0500")]}  # days too
    assert "2026-12-19" not in _titles(services.agenda(2, EventFilter(start="2026-12-19"), app=app, now=NOW))


def test_search_and_campaign_filter_the_agenda(app: App) -> None:
    _store(app)
    from calendar_app.campaigns import services as campaign_services

    campaign_services.add_campaign(None, name=None, window=None, color=None, preset="16-days", app=app)
    campaign_services.add_edition("16-days", 2026, ["Бириккиле!"], app=app, now=NOW)
    services.add_event(NewEventDraft(title="16 күндүк аянттын ачылышы", start="2026-11-25 10:00", region="osh"),
                       CampaignLink(campaign="16-days"), app=app, now=NOW)
    found = services.agenda(30, EventFilter(start="2026-12-01", text="Ховд"), app=app, now=NOW)
    assert [e.title for d in found for e in d.events] == [KHOVD]
    campaign = services.agenda(10, EventFilter(start="2026-11-24", campaigns=["16-days"]), app=app, now=NOW)
    assert [e.title for d in campaign for e in d.events] == ["16 күндүк аянттын ачылышы"]


def test_cli_agenda_text_has_the_location_and_refuses_contradictions(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    db = str(tmp_path / "a.db")
    assert run(db, "event", "add", KHOVD, "--start", "2026-12-21 10:00", "--region", "khovd", "--location",
               "Засаг даргын тамгын газар").code == 0
    text = run(db, "agenda", "--from", "2026-12-20", "--days", "3")
    assert "Засаг даргын тамгын газар" in text.stdout and "10:00–11:00 +07" in text.stdout
    mine = run(db, "agenda", "--from", "2026-12-20", "--days", "3", "--my-zone")
    assert "11:00–12:00 +08" in mine.stdout and "Times in Asia/Ulaanbaatar." in mine.stdout
    for args, words in ((("--tz", "Asia/Hovd", "--my-zone"), "--tz and --my-zone"),
                        (("--tz", "Mars/Base"), "unknown time zone"), (("--format", "html", "--lang", "de"),
                                                                      "unknown language"),
                        (("--format", "pdf"), "-o FILE.pdf"), (("--format", "doc"), "unknown format"),
                        (("--format", "html", "--json"), "--json and --format")):
        bad = run(db, "agenda", *args)
        assert bad.code == 2 and bad.stderr.startswith("error: ") and words in bad.stderr, (args, bad.stderr)
        assert bad.stderr.count("\n") == 1 and bad.stdout == ""
    assert not list(tmp_path.glob("*.html"))


def _page(app: App, lang: str) -> str:
    days = services.agenda(3, EventFilter(start="2026-12-20"), app=app, now=NOW, tz="Asia/Ulaanbaatar")
    page = AgendaPage(first=date(2026, 12, 20), last=date(2026, 12, 22), lang=lang, zone="Asia/Ulaanbaatar",
                      search="уулзалт")
    return agenda_html(days, page, now=NOW)


WEEKDAY_21 = {"mn": "даваа", "ky": "дүйшөмбү", "ru": "понедельник", "en": "Monday"}


@pytest.mark.parametrize("lang", ["mn", "ky", "ru", "en"])
def test_the_page_in_each_language_opens_in_chromium(lang: str, chromium: str, sqlite_app: App,
                                                     tmp_path: Path) -> None:
    _store(sqlite_app)
    html = _page(sqlite_app, lang)
    assert f'<html lang="{lang}">' in html and "<script" not in html and "@media print" in html
    assert TEXTS[lang]["title"] in html and TEXTS[lang]["location"] in html
    assert KINDS[lang]["round_table"] in html and WEEKDAY_21[lang] in html
    assert KHOVD in html and "Ховд, Засаг даргын тамгын газар" in html and "11:00" in html
    assert TEXTS[lang]["one_zone"].format(zone="Asia/Ulaanbaatar") in html
    page = tmp_path / f"agenda-{lang}.html"
    page.write_text(html, encoding="utf-8")
    console, shot = open_page(chromium, page, tmp_path)
    assert console == []
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    share, colours = ink(shot)
    assert 0.005 < share < 0.5 and colours > 20, (share, colours)


def test_the_page_escapes_titles_and_says_when_there_is_nothing(sqlite_app: App) -> None:
    services.add_event(NewEventDraft(title="<script>alert(1)</script> & co", start="2026-12-20 10:00"),
                       app=sqlite_app, now=NOW)
    html = _page(sqlite_app, "ru")
    assert "<script>" not in html and "&lt;script&gt;" in html
    empty = agenda_html([], AgendaPage(first=date(2027, 1, 1), last=date(2027, 1, 7), lang="ky"), now=NOW)
    assert TEXTS["ky"]["none"] in empty and TEXTS["ky"]["own_zone"] in empty


def test_cli_writes_the_page_and_a_pdf(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    assert run(db, "event", "add", BISHKEK, "--start", "2026-12-21 15:00", "--region", "bishkek").code == 0
    out = tmp_path / "agenda.html"
    wrote = run(db, "agenda", "--from", "2026-12-20", "--format", "html", "--lang", "ky", "-o", str(out))
    assert wrote.code == 0 and out.exists()
    html = out.read_text(encoding="utf-8")
    assert "Күн тартиби" in html and BISHKEK in html and "15:00" in html
    assert re.search(r"2026-ж\.,\s*21-декабрь", html)  # Babel's Kyrgyz date
    pdf = tmp_path / "agenda.pdf"
    assert run(db, "agenda", "--from", "2026-12-20", "--format", "pdf", "-o", str(pdf)).code == 0
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 2000


def test_pdf_of_a_page_is_a_pdf() -> None:
    html = agenda_html([], AgendaPage(first=date(2027, 1, 1), last=date(2027, 1, 7), lang="mn"), now=NOW)
    assert agenda_pdf(html).startswith(b"%PDF-")
