"""The RSVP page, served by a real `calendar-app serve`, opens in headless Chromium in mn, ky, ru and en with
no console messages (a CSP violation would log one), passes the accessibility checks, and its screenshot is
not blank."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sqlmodel import col, select

from calendar_app.app import App
from events.notify.models import Contact
from events.people.models import Participant
from events.people.rsvp import mint_tokens
from tests.html_checks import accessibility_problems
from tests.rsvp_helpers import NOW, invited_event
from tests.server_helpers import running_server
from tests.test_campaign_report_html import FLAGS, chromium, ink

__all__ = ["chromium"]  # the fixture, shared

WORDS = {"mn": "Хариугаа илгээх", "ky": "Жоопту жөнөтүү", "ru": "Отправить ответ", "en": "Send my answer"}


def _tokens_by_language(app: App, event_id: int) -> dict[str, str]:
    found = {}
    with app.write() as session:
        rows = session.exec(select(Participant, Contact).join(Contact, col(Contact.id) == Participant.contact_id)
                            .where(col(Participant.event_id) == event_id)).all()
        for participant, contact in rows:
            assert participant.id is not None
            found[contact.language] = mint_tokens(participant.id, session=session, now=NOW)["tentative"]
    return found


def test_rsvp_page_in_chromium_in_every_language(chromium: str, sqlite_app: App, tmp_path: Path) -> None:
    event_id, _ = invited_event(sqlite_app)
    tokens = _tokens_by_language(sqlite_app, event_id)
    assert set(tokens) == set(WORDS)
    with running_server(sqlite_app.settings.db_url, options=["--no-reminders"]) as client:
        for language, token in tokens.items():
            page = client.get(f"/rsvp/{token}")
            assert page.status_code == 200 and f'lang="{language}"' in page.text and WORDS[language] in page.text
            assert 'value="tentative" checked' in page.text
            assert accessibility_problems(page.text) == []
            shot = tmp_path / f"rsvp-{language}.png"
            result = subprocess.run(
                [chromium, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
                 f"{client.base_url}/rsvp/{token}"],
                capture_output=True, text=True, timeout=90, check=False)
            assert result.returncode == 0, result.stderr[-2000:]
            console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
            assert console == [], console
            assert shot.exists() and shot.stat().st_size > 1000
            share, colours = ink(shot)
            assert share > 0.03 and colours > 20, (language, share, colours)
