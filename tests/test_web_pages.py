"""The index page `/`: from its Jinja2 template (autoescaped), served with the security headers, and
opened from a real server in headless Chromium (no console messages, not blank)."""

from __future__ import annotations

from pathlib import Path

from calendar_app import feeds as feed_service
from calendar_app.app import App
from calendar_app.config import Settings
from calendar_app.web.pages import index_page
from exports.feeds import FeedSpec
from exports.models import Feed
from tests.conftest import NOW
from tests.server_helpers import running_server
from tests.test_campaign_report_html import FLAGS, chromium, ink  # noqa: F401 - chromium is a fixture

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "Гэр бүл"'
BASE = "https://calendar.example.org"


def test_index_page_escapes_what_users_typed() -> None:
    feed = Feed(name="public-events", description=HOSTILE, created_at=NOW, updated_at=NOW)
    page = index_page([feed], base_url=BASE + "/")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page and "&amp; &#34;Гэр бүл&#34;" in page
    assert 'href="webcal://calendar.example.org/feeds/public-events.ics"' in page
    assert 'href="https://calendar.example.org/feeds/public-events.ics"' in page
    assert "Thunderbird" in page and "Google Calendar" in page  # the client instructions
    assert "No public feeds yet." in index_page([], base_url=BASE)


def _served_page(tmp_path: Path) -> App:
    app = App.open(Settings(db_url=f"sqlite:///{tmp_path / 'cal.db'}", default_tz="Asia/Ulaanbaatar"))
    feed_service.add_feed(FeedSpec("public-events", description=HOSTILE), app=app, now=NOW)
    feed_service.add_feed(FeedSpec("16-days", description="Жендэрт суурилсан хүчирхийллийн эсрэг 16 хоног"),
                          app=app, now=NOW)
    feed_service.add_feed(FeedSpec("board", private=True), app=app, now=NOW)
    return app


def test_served_index_has_security_headers_and_no_private_feed(tmp_path: Path) -> None:
    app = _served_page(tmp_path)
    with running_server(app.settings.db_url, env={"CALENDAR_APP_BASE_URL": BASE}, options=["--no-reminders"]) as client:
        page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "style-src 'sha256-" in policy and "script-src" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY" and page.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text
    assert "webcal://calendar.example.org/feeds/16-days.ics" in page.text and "board" not in page.text


def test_index_in_chromium(chromium: str, tmp_path: Path) -> None:  # noqa: F811 - the fixture
    import subprocess

    app = _served_page(tmp_path)
    shot = tmp_path / "index.png"
    with running_server(app.settings.db_url, options=["--no-reminders"]) as client:
        result = subprocess.run(
            [chromium, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
             str(client.base_url) + "/"],
            capture_output=True, text=True, timeout=90, check=False,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line or "Content Security" in line]
    assert console == []
    share, colours = ink(shot)
    assert share > 0.03 and colours > 50, (share, colours)
