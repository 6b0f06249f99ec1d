"""The participants report page opens in headless Chromium in mn, ky, ru and en without console messages,
and its screenshot is not blank (the chart is drawn)."""

from __future__ import annotations

from pathlib import Path

import pytest

from calendar_app.app import App
from calendar_app.people.report import participants_report
from exports.participants_report_render import report_html
from tests.conftest import NOW
from tests.people_fixture import build_round_table
from tests.test_campaign_report_html import chromium, ink, open_page

__all__ = ["chromium"]  # the fixture, shared


@pytest.mark.parametrize("language", ["mn", "ky", "ru", "en"])
def test_report_page_in_every_language(chromium: str, sqlite_app: App, tmp_path: Path, language: str) -> None:
    build_round_table(sqlite_app, tmp_path)
    report = participants_report("2019-12-01", "2019-12-31", "kind", app=sqlite_app, now=NOW)
    page = tmp_path / f"people-{language}.html"
    page.write_text(report_html(report, language=language), encoding="utf-8")
    console, shot = open_page(chromium, page, tmp_path)
    assert console == []
    share, colours = ink(shot)
    assert share > 0.03 and colours > 20, (share, colours)
