"""The HTML report opens in headless Chromium (Debian's `chromium`) without console messages, and its
screenshot is not blank. This test installs nothing: without `chromium` it skips, and under CI=true fails."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from calendar_app.app import App
from calendar_app.campaigns import services as campaign_services
from exports.campaign_report_render import report_html
from tests.campaign_fixture import build_programme
from tests.conftest import NOW

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--enable-logging=stderr", "--v=0",
         "--window-size=1000,2200"]


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Debian's chromium must be installed in CI (apt-get install -y chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return path


def open_page(chromium: str, page: Path, tmp_path: Path) -> tuple[list[str], Path]:
    """Console lines Chromium logged for the page, and the screenshot."""
    shot = tmp_path / f"{page.stem}.png"
    result = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, text=True, timeout=90, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return [line for line in result.stderr.splitlines() if ":CONSOLE" in line], shot


def ink(png: Path) -> tuple[float, int]:
    """The share of pixels that are not background white, and the number of distinct colours."""
    from PIL import Image

    with Image.open(png) as image:
        rgb = image.convert("RGB")
        counts = rgb.getcolors(maxcolors=rgb.width * rgb.height) or []
        total = rgb.width * rgb.height
    white = sum(n for n, colour in counts if colour == (255, 255, 255))
    return (total - white) / total, len(counts)


def test_html_report_opens_without_console_messages_and_is_not_blank(
    chromium: str, sqlite_app: App, tmp_path: Path
) -> None:
    build_programme(sqlite_app)
    campaign_services.roll("16-days", 2026, ["Next year"], app=sqlite_app, now=NOW)
    page = tmp_path / "report.html"
    page.write_text(report_html(campaign_services.report("16-days", 2026, app=sqlite_app)),
                    encoding="utf-8")
    console, shot = open_page(chromium, page, tmp_path)
    assert console == []
    share, colours = ink(shot)
    assert share > 0.03 and colours > 50, (share, colours)


def test_console_errors_would_be_seen(chromium: str, tmp_path: Path) -> None:
    """The check above can fail: a page that logs an error shows up."""
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><meta charset="utf-8"><p>x</p><script>console.error("boom")</script>',
                    encoding="utf-8")
    console, _ = open_page(chromium, page, tmp_path)
    assert any("boom" in line for line in console)
