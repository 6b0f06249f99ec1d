"""Issue 13, "Zones by default from where people are": a contact's zone from its region, organisation or
language, never silently the server's; workflow tasks that start no overdue work and none for past events;
campaign tasks due in the campaign's zone; step titles in the assignee's language. Injected clock, SQLite
and PostgreSQL, a real outbox."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import col, select

from calendar_app import schema, services
from calendar_app.app import App
from calendar_app.campaigns import services as campaign_services
from calendar_app.config import Settings, load_settings
from calendar_app.db import create_db_engine, write_session
from calendar_app.notify import services as notify_services
from calendar_app.notify.channels import OutboxChannel
from events.campaigns.links import CampaignLink
from events.drafts import EventChanges, NewEventDraft
from events.errors import UnknownRegion
from events.notify.contacts import ContactDraft
from events.notify.models import Delivery
from events.notify.workflows import load_titles
from events.timeparse import zone
from tests.cli_helpers import run
from tests.conftest import NOW
from tests.reminder_helpers import add_contacts, add_event, make_dispatcher, outbox_mails

# NOW is 23 November 2026, 03:00 UTC: 11:00 in Ulaanbaatar, 09:00 in Bishkek.
BISHKEK = zone("Asia/Bishkek")


def _with(app: App, **settings: object) -> App:
    return App(replace(app.settings, **settings), app.store)  # type: ignore[arg-type]


def _add(app: App, **draft: object) -> dict:
    n = len(notify_services.list_contacts(app=app))
    fields: dict = {"name": f"Person {n}", "email": f"p{n}@example.org", **draft}
    return notify_services.add_contact(ContactDraft(**fields), app=app, now=NOW)


# ---- a contact's zone ---------------------------------------------------------------------------------------

def test_zone_from_language_region_organisation_or_configured(app: App) -> None:
    in_bishkek = _with(app, default_tz="Asia/Bishkek")
    # --language mn, no --tz: Mongolia's zone, though the office is configured for Bishkek
    mn = _add(in_bishkek, language="mn")
    assert (mn["timezone"], mn["timezone_from"], mn["region"]) == ("Asia/Ulaanbaatar", "language", None)
    # a Khovd office keeps its own Mongolian zone
    assert _add(_with(app, default_tz="Asia/Hovd"), language="mn")["timezone"] == "Asia/Hovd"
    assert _add(app, language="ky")["timezone"] == "Asia/Bishkek"
    # the region wins over the language and is kept
    khovd = _add(in_bishkek, language="mn", region="Ховд")
    assert (khovd["timezone"], khovd["timezone_from"], khovd["region"]) == ("Asia/Hovd", "region", "khovd")
    # Russian is spoken in both countries: the configured zone
    ru = _add(in_bishkek, language="ru")
    assert (ru["timezone"], ru["timezone_from"]) == ("Asia/Bishkek", "configured")
    # --tz wins over everything
    given = _add(in_bishkek, language="mn", region="khovd", tz="Europe/Zurich")
    assert (given["timezone"], given["timezone_from"]) == ("Europe/Zurich", "given")


def test_zone_from_the_organisations_usual_region(app: App) -> None:
    for day, region in (("2026-03-02 10:00", "osh-city"), ("2026-04-02 10:00", "osh-city"),
                        ("2026-05-02 10:00", "ulaanbaatar")):
        services.add_event(NewEventDraft(title="Тегерек стол", start=day, region=region,
                                         partners=["Ош аялдар борбору"]), app=app, now=NOW)
    contact = _add(app, organisation="Ош аялдар борбору", language="ru")
    assert (contact["timezone"], contact["timezone_from"]) == ("Asia/Bishkek", "organisation")
    # an organisation with no events yet: its other contacts' region
    _add(app, organisation="Ховд ТББ", region="khovd")
    assert _add(app, organisation="Ховд ТББ")["timezone"] == "Asia/Hovd"


def test_the_machines_zone_is_never_taken_silently(app: App) -> None:
    on_server = _with(app, default_tz="Etc/UTC", default_tz_from="machine")
    english = _add(on_server, language="en")
    assert (english["timezone"], english["timezone_from"]) == ("Etc/UTC", "machine")
    # with a language of here, the country's zone rather than the server's
    assert _add(on_server, language="mn")["timezone"] == "Asia/Ulaanbaatar"
    assert load_settings(db="x.db", environ={}).default_tz_from == "machine"
    assert load_settings(db="x.db", environ={"CALENDAR_APP_TZ": "Asia/Hovd"}).default_tz_from == "configured"


def test_region_edit_moves_the_zone_and_bad_region_changes_nothing(app: App) -> None:
    contact = _add(app, language="mn")
    moved = notify_services.edit_contact(str(contact["id"]), ContactDraft(region="khovd"), app=app, now=NOW)
    assert (moved["timezone"], moved["region"]) == ("Asia/Hovd", "khovd")
    with pytest.raises(UnknownRegion):
        _add(app, language="mn", region="Narnia")
    assert len(notify_services.list_contacts(app=app)) == 1


# ---- tasks ----------------------------------------------------------------------------------------------------

def _tasks(app: App, now: datetime = NOW, **filters: object) -> list[dict]:
    options = {"overdue": False, "mine": None, "include_done": True, **filters}
    return notify_services.list_tasks(app=app, now=now, **options)  # type: ignore[arg-type]


def _task_mails(app: App) -> dict[str, datetime]:
    with write_session(app.store.engine) as session:
        rows = session.exec(select(Delivery).where(col(Delivery.purpose) == "task")).all()
        return {d.rule_key: d.due_utc for d in rows}


def test_consultation_12_days_ahead_starts_with_work_due_today_not_overdue(app: App) -> None:
    emails = add_contacts(app, 1, now=NOW)
    start = NOW + timedelta(days=12)
    add_event(app, now=NOW, start=start, kind="consultation", notify=emails, organizer=emails[0])
    due = {t["step"]: t["due"] for t in _tasks(app)}
    assert due["invitations"] == "2026-11-23T23:59:00+08:00"  # 14 days before: today, at the end of the day
    assert due["concept-note"] == "2026-11-28T11:00:00+08:00"  # 7 days before: as planned
    assert _tasks(app, overdue=True) == []
    assert _task_mails(app)["task:invitations"] == NOW  # its assignee is told at once
    # The due time stays where it was put when the event changes later (no creeping "due now").
    later = NOW + timedelta(days=2)
    event_id = services.list_events(services.EventFilter(), app=app, now=NOW)[0].id
    services.edit_event(str(event_id), EventChanges(title="Зөвшилцөх уулзалт II"), app=app, now=later)
    assert {t["step"]: t["due"] for t in _tasks(app, now=later)}["invitations"] == "2026-11-23T23:59:00+08:00"
    assert [t["step"] for t in _tasks(app, now=later, overdue=True)] == ["invitations"]


def test_past_events_get_no_overdue_tasks(app: App) -> None:
    emails = add_contacts(app, 1, now=NOW)
    add_event(app, now=NOW, start=datetime(2019, 12, 16, 4, tzinfo=UTC), kind="consultation", notify=emails,
              organizer=emails[0])
    assert _tasks(app) == []
    # held yesterday, entered today: only the work still ahead (share the minutes 3 days after the end)
    add_event(app, now=NOW, start=NOW - timedelta(days=1), kind="consultation", notify=emails, organizer=emails[0])
    assert [t["step"] for t in _tasks(app)] == ["minutes"]
    assert set(_task_mails(app)) == {"task:minutes"}


def test_campaign_tasks_fall_due_in_the_campaigns_zone(app: App) -> None:
    on_server = _with(app, default_tz="Etc/UTC", workflows=None)
    _add(on_server, language="ky", name="Айгүл")
    coordinator = notify_services.list_contacts(app=app)[0]["email"]
    campaign_services.add_campaign(None, name=None, window=None, color=None, preset="16-days", app=on_server)
    campaign_services.add_edition("16-days", 2027, [], app=on_server, now=NOW, coordinator=coordinator)
    due = {t["step"]: datetime.fromisoformat(t["due"]) for t in _tasks(on_server)}
    assert due["national-launch"] == datetime(2027, 11, 24, tzinfo=BISHKEK)  # Bishkek midnight, not UTC's
    # no coordinator: the zone most of the campaign's events are held in
    services.add_event(NewEventDraft(title="Акция", start="2027-11-26 10:00", region="bishkek"),
                       CampaignLink(campaign="16-days"), app=on_server, now=NOW)
    campaign_services.add_edition("16-days", 2028, [], app=on_server, now=NOW)
    due = {t["step"]: datetime.fromisoformat(t["due"]) for t in _tasks(on_server) if t.get("year") == 2028}
    assert due["national-launch"] == datetime(2028, 11, 24, tzinfo=BISHKEK)


# ---- step titles in the assignee's language --------------------------------------------------------------------

def test_mongolian_task_mail_has_a_mongolian_title(app: App, tmp_path: Path) -> None:
    emails = add_contacts(app, 4, now=NOW)  # mn, ky, ru, en
    for organiser in emails:
        add_event(app, now=NOW, start=NOW + timedelta(days=30), kind="consultation", notify=[organiser],
                  organizer=organiser, remind=[], defaults=False)
    outbox = tmp_path / "outbox"
    make_dispatcher(app.settings.db_url, OutboxChannel(outbox)).run_pass(lambda: NOW + timedelta(days=16))
    subjects = {str(m["To"].addresses[0].addr_spec): str(m["Subject"]) for m in outbox_mails(outbox)}
    assert subjects == {emails[0]: "Даалгавар: Урилга илгээх", emails[1]: "Тапшырма: Чакырууларды жөнөтүү",
                        emails[2]: "Задача: Разослать приглашения", emails[3]: "Task due: Send the invitations"}
    preview = notify_services.preview("16.12.2026 11:30", app=app, now=NOW)  # 23 days ahead
    assert "Даалгавар: Үзэл баримтлалын товчийг тараах" in {p["subject"] for p in preview}


def test_every_shipped_step_title_has_mn_ky_ru() -> None:
    data = tomllib.loads(resources.files("events").joinpath("data/workflows.toml").read_text(encoding="utf-8"))
    titles = {s["title"] for spec in data["kinds"].values() for s in spec["steps"]}
    titles |= {s["title"] for spec in data["campaign"].values() for s in spec.get("steps", [])}
    shipped = load_titles()
    missing = [(t, lang) for t in sorted(titles) for lang in ("mn", "ky", "ru") if shipped.get(t, lang) == t]
    assert missing == []


def test_own_workflows_file_brings_its_own_titles(tmp_path: Path) -> None:
    own = tmp_path / "ngo.toml"
    (tmp_path / "ngo.titles.toml").write_text('["Send the invitations"]\nmn = "Урилгыг илгээх"\n'
                                              '["Book the hall"]\nky = "Зал ижарага алуу"\n', encoding="utf-8")
    titles = load_titles(str(own))
    assert titles.get("Send the invitations", "mn") == "Урилгыг илгээх"
    assert titles.get("Send the invitations", "ru") == "Разослать приглашения"  # the shipped one still
    assert titles.get("Book the hall", "ky") == "Зал ижарага алуу"
    assert titles.get("Book the hall", "mn") == "Book the hall"


# ---- CLI --------------------------------------------------------------------------------------------------------

def test_cli_says_which_zone_it_chose(sqlite_url: str) -> None:
    added = run(sqlite_url, "contact", "add", "Оюунчимэг", "--email", "oyuna@example.mn", "--language", "mn",
                tz="Asia/Bishkek")
    assert added.code == 0, added.stderr
    assert "time zone Asia/Ulaanbaatar (from the language mn (Mongolia))" in added.stdout
    shown = run(sqlite_url, "contact", "add", "Бакыт", "--email", "b@example.kg", "--region", "osh", "--json")
    assert (shown.json()[0]["timezone"], shown.json()[0]["region"]) == ("Asia/Bishkek", "osh-city")
    refused = run(sqlite_url, "contact", "add", "X", "--email", "x@example.kg", "--region", "Narnia")
    assert refused.code == 2 and "Narnia" in refused.stderr and "Traceback" not in refused.stderr
    assert len(run(sqlite_url, "contact", "list", "--json").json()) == 2


def test_cli_names_the_machines_zone(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALENDAR_APP_TZ", raising=False)
    monkeypatch.setenv("TZ", "Etc/UTC")
    added = run(sqlite_url, "contact", "add", "Anna", "--email", "anna@example.org", tz="")
    assert added.code == 0, added.stderr
    assert "Etc/UTC" in added.stderr and "--region" in added.stderr


# ---- migration ----------------------------------------------------------------------------------------------------

def test_migration_0008_keeps_contacts_and_adds_their_region(store_url: str) -> None:
    engine = create_db_engine(store_url)
    schema.upgrade(engine, "0007")
    stamp = "2026-11-20 04:00:00"
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO contact (id, name, email, language, timezone, created_at) VALUES "
            f"(1, 'Болор', 'bolor@example.mn', 'mn', 'Asia/Ulaanbaatar', '{stamp}')"))
    schema.upgrade(engine)
    with engine.begin() as connection:
        assert connection.execute(sa.text("SELECT name, timezone, region FROM contact")).one() == (
            "Болор", "Asia/Ulaanbaatar", None)
        connection.execute(sa.text("UPDATE contact SET region = 'khovd'"))
        command.downgrade(schema._alembic_config(connection), "0007")
        assert "region" not in {c["name"] for c in sa.inspect(connection).get_columns("contact")}
    schema.upgrade(engine)
    app = App.open(Settings(db_url=store_url, default_tz="Asia/Ulaanbaatar"))
    assert [c["name"] for c in notify_services.list_contacts(app=app)] == ["Болор"]
    app.close()
    engine.dispose()
