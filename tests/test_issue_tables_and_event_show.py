"""Issue 13: tables say which columns they left out (and `--wide` shows them), `reminder log` filters by
status and time, newest first; `event show` tells the campaign edition, who is notified, the pending
reminders and the tasks, partners with commas unambiguous; an unknown preset campaign names `--preset`."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import update

from calendar_app.app import App
from calendar_app.notify import services as notify_services
from calendar_app.notify.event_details import event_details
from commands.output.events import event_show_text
from commands.output.reminders import CONTACT_TABLE
from commands.output.tables import fitted_table
from events.errors import InvalidTimeRange
from events.notify.contacts import ContactDraft
from events.notify.models import Delivery
from tests.cli_helpers import run
from tests.reminder_helpers import add_contacts, add_event

NAME, EMAIL, ORGANISATION = "Айгерим Садыкова", "aigerim.sadykova@example.kg", "Кыргызстандын аялдар бирикмеси"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
CONTACT: dict[str, object] = {"id": 1, "name": "Айгерим Садыкова", "email": "aigerim.sadykova@example.kg", "chat": None,
           "language": "ky", "timezone": "Asia/Bishkek", "organisation": "Кыргызстандын аялдар бирикмеси",
           "groups": "bishkek-office"}


def _printed(renderable: object, width: int) -> str:
    out = io.StringIO()
    Console(width=width, file=out, soft_wrap=False).print(renderable)
    return out.getvalue()


def test_a_table_at_80_columns_says_which_columns_it_left_out() -> None:
    text = _printed(fitted_table([CONTACT], CONTACT_TABLE, width=80), 80)
    last = " ".join(text.strip().splitlines()[-2:])  # the note may wrap at 80
    assert "left out" in last and "--wide" in last and "--json" in last
    header = text.splitlines()[0].split()
    for name in ("chat", "organisation", "groups"):
        assert name not in header and name in last


def test_a_table_that_fits_has_no_note_and_wide_has_every_column() -> None:
    text = _printed(fitted_table([CONTACT], CONTACT_TABLE, width=None), 400)
    assert "left out" not in text
    assert text.splitlines()[0].split() == list(CONTACT_TABLE.columns)
    assert "Кыргызстандын аялдар бирикмеси" in text


def test_cli_contact_list_at_80_columns_and_wide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    db = str(tmp_path / "c.db")
    assert run(db, "contact", "add", NAME, "--email", EMAIL, "--language", "ky", "--tz",
               "Asia/Bishkek", "--organisation", ORGANISATION, "--group", "bishkek-office").code == 0
    narrow = run(db, "contact", "list")
    assert narrow.code == 0
    assert "organisation" in narrow.stdout.split("──")[-1] and "--wide" in narrow.stdout
    wide = run(db, "contact", "list", "--wide")
    assert wide.code == 0 and "left out" not in wide.stdout
    assert wide.stdout.splitlines()[0].split() == list(CONTACT_TABLE.columns)
    assert ORGANISATION in wide.stdout


def _log_store(app: App) -> int:
    """Three deliveries of one event: due 18 Nov (failed), 19 Nov (sent) and 25 Nov (pending)."""
    emails = add_contacts(app, 1, now=NOW - timedelta(days=10))
    event_id = add_event(app, now=NOW - timedelta(days=10), start=datetime(2026, 11, 26, 2, 0, tzinfo=UTC),
                         notify=emails, remind=["8d", "7d", "1d"], defaults=False)
    with app.write() as session:
        for rule, status in (("start-8d", "failed"), ("start-7d", "sent")):
            session.execute(update(Delivery).where(Delivery.rule_key == rule).values(status=status))  # type: ignore[arg-type]
    return event_id


def test_reminder_log_newest_first_and_filtered(app: App) -> None:
    _log_store(app)
    log = notify_services.delivery_log(None, app=app, now=NOW)
    assert [r["rule"] for r in log] == ["start-1d", "start-7d", "start-8d"]
    oldest = notify_services.delivery_log(None, app=app, now=NOW, newest_first=False)
    assert [r["rule"] for r in oldest] == ["start-8d", "start-7d", "start-1d"]
    failed = notify_services.delivery_log(None, app=app, now=NOW, statuses=["failed", "sent"])
    assert [r["status"] for r in failed] == ["sent", "failed"]
    window = notify_services.delivery_log(None, app=app, now=NOW, since="2026-11-19", until="2026-11-25")
    assert [r["rule"] for r in window] == ["start-7d"]  # due 19 Nov 10:00 +08; the 25 Nov one is at the bound
    since_today = notify_services.delivery_log(None, app=app, now=NOW, since="today")
    assert [r["rule"] for r in since_today] == ["start-1d"]
    with pytest.raises(InvalidTimeRange):
        notify_services.delivery_log(None, app=app, now=NOW, since="2026-11-25", until="2026-11-19")


def test_reminder_log_cli_errors_are_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    backwards = run(db, "reminder", "log", "--since", "2026-11-25", "--until", "2026-11-19")
    assert backwards.code == 2 and backwards.stderr.count("\n") == 1 and "--until" in backwards.stderr
    bad = run(db, "reminder", "log", "--since", "someday")
    assert bad.code == 2 and bad.stderr.startswith("error: ") and "someday" in bad.stderr
    assert run(db, "reminder", "log", "--status", "lost").code == 2
    assert run(db, "reminder", "log", "--status", "sent", "--oldest-first", "--wide").code == 0


def test_event_show_tells_campaign_notified_reminders_tasks(app: App, tmp_path: Path) -> None:
    emails = add_contacts(app, 2, now=NOW)
    notify_services.add_contact(ContactDraft(name="Сарангэрэл", email="sarangerel@unfpa.example", language="mn",
                                             organisation="UNFPA, Mongolia"), app=app, now=NOW)
    notify_services.add_contact(ContactDraft(name="Бакыт", email="bakyt@example.kg", language="ky",
                                             tz="Asia/Bishkek", groups=["gbv-network"]), app=app, now=NOW)
    event_id = add_event(app, now=NOW, start=datetime(2026, 12, 20, 2, 0, tzinfo=UTC), kind="consultation",
                         notify=[emails[0], "group:gbv-network"], remind=["3h"])
    from events.drafts import EventChanges
    from events.services import edit_event

    with app.write() as session:
        edit_event(str(event_id), EventChanges(partners=["UNFPA, Mongolia", "Ministry of Justice"]),
                   session=session, now=NOW)
    details = event_details(str(event_id), app=app, now=NOW)
    shown = details.json()
    assert shown["partners"] == ["Ministry of Justice", "UNFPA, Mongolia"]  # JSON keeps a list
    assert [(c["email"], c["via"]) for c in shown["notify"]["contacts"]] == [
        (emails[0], ["named"]), ("sarangerel@unfpa.example", ["partner"]), ("bakyt@example.kg", ["group:gbv-network"])]
    assert shown["notify"]["groups"] == ["gbv-network"]
    assert {r["rule"] for r in shown["reminders"]} == {"start-1d", "start-2h", "start-3h"}
    assert all(r["status"] == "pending" for r in shown["reminders"])
    assert len(shown["tasks"]) == 5 and shown["tasks"][0]["title"] == "Send the invitations"
    text = event_show_text(details)
    lines = text.splitlines()
    assert any(line.endswith("  Ministry of Justice") for line in lines)
    assert any(line.strip() == "UNFPA, Mongolia" for line in lines)  # one per line: the comma is the name's
    assert f"<{emails[0]}>  (named)" in text and "<sarangerel@unfpa.example>  (partner)" in text
    assert "start-3h" in text and "Send the invitations" in text


def test_event_show_names_the_campaign_edition(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    assert run(db, "campaign", "add", "16-days", "--preset", "16-days").code == 0
    theme = "Бириккиле! Аялдарга жана кыздарга карата зомбулукка чекит коёлу"
    assert run(db, "campaign", "edition", "add", "16-days", "2026", "--theme", theme).code == 0
    added = run(db, "event", "add", "16 хоногийн аяны нээлт", "--start", "2026-11-25 10:00",
                "--region", "bishkek", "--campaign", "16-days", "--json")
    assert added.code == 0, added.stderr
    shown = run(db, "event", "show", "1")
    assert shown.code == 0
    assert "16-days 2026" in shown.stdout and "16 Days of Activism" in shown.stdout and theme in shown.stdout
    data = run(db, "event", "show", "1", "--json").json()
    assert data["campaign"]["slug"] == "16-days" and data["campaign"]["year"] == 2026
    assert data["campaign"]["name"].startswith("16 Days of Activism")
    assert data["notify"] == {"contacts": [], "groups": []} and data["tasks"] == []


def test_feed_campaign_before_it_exists_names_the_preset(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    result = run(db, "feed", "add", "gbv", "--campaign", "16-days")
    assert result.code == 2
    assert "campaign add 16-days --preset 16-days" in result.stderr and result.stderr.count("\n") == 1
    other = run(db, "feed", "add", "gbv", "--campaign", "tree-planting")
    assert other.code == 2 and "--preset" not in other.stderr and "--window MM-DD..MM-DD" in other.stderr
