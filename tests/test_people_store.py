"""Participants on both databases: invite, answers, attendance, figures from the list, the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from calendar_app import services
from calendar_app.app import App
from calendar_app.campaigns import services as campaign_services
from calendar_app.notify import services as notify_services
from calendar_app.people import services as people
from calendar_app.people.report import participants_report
from events.drafts import NewEventDraft
from events.errors import ContradictoryValues, EventNotFound, UnknownChoice
from events.notify.contacts import ContactDraft
from events.notify.errors import ContactNotFound
from events.people.errors import EmptyGroup, ParticipantNotFound
from events.people.report import report_json
from events.people.services import ParticipantChanges
from tests.conftest import NOW
from tests.people_fixture import MEN, WOMEN, build_round_table


def _contact(app: App, name: str, email: str, groups: list[str] | None = None) -> int:
    draft = ContactDraft(name=name, email=email, language="mn", groups=groups or [])
    return int(notify_services.add_contact(draft, app=app, now=NOW)["id"])


def _event(app: App, **extra: object) -> int:
    draft = NewEventDraft(title="Зөвлөлдөх уулзалт", kind="consultation", start="2026-12-10 10:00", duration="2h",
                          region="ulaanbaatar", language="mn", **extra)  # type: ignore[arg-type]
    return services.add_event(draft, app=app, now=NOW).view.id


def test_invite_contacts_groups_and_new_people_once(app: App) -> None:
    event = _event(app)
    _contact(app, "Оюунчимэг Батбаяр", "oyunaa@example.mn", ["gbv-network"])
    _contact(app, "Болормаа Д.", "bolormaa@example.mn", ["gbv-network"])
    added = people.invite(str(event), ["group:gbv-network", "oyunaa@example.mn", "Сарнай Г. <sarnai@example.mn>"],
                          app=app, now=NOW)
    assert [a["email"] for a in added] == ["bolormaa@example.mn", "oyunaa@example.mn", "sarnai@example.mn"]
    assert {a["status"] for a in added} == {"needs-action"} and {a["role"] for a in added} == {"required"}
    # The new person became a contact in the event's zone and language.
    made = [c for c in notify_services.list_contacts(app=app) if c["email"] == "sarnai@example.mn"]
    assert made[0]["name"] == "Сарнай Г." and made[0]["language"] == "mn"
    assert made[0]["timezone"] == "Asia/Ulaanbaatar"
    again = people.invite(str(event), ["group:gbv-network", "sarnai@example.mn"], role="chair", app=app, now=NOW)
    assert again == []  # nobody twice
    listed = people.list_participants(str(event), app=app)
    assert len(listed) == 3 and {p["role"] for p in listed} == {"required"}


def test_invite_refuses_unknown_people_and_empty_groups_writing_nothing(app: App) -> None:
    event = _event(app)
    _contact(app, "Оюунчимэг Батбаяр", "oyunaa@example.mn")
    with pytest.raises(ContactNotFound):
        people.invite(str(event), ["oyunaa@example.mn", "nobody@example.mn"], app=app, now=NOW)
    with pytest.raises(EmptyGroup):
        people.invite(str(event), ["oyunaa@example.mn", "group:nobody"], app=app, now=NOW)
    with pytest.raises(UnknownChoice):
        people.invite(str(event), ["oyunaa@example.mn"], role="boss", app=app, now=NOW)
    with pytest.raises(EventNotFound):
        people.invite("999", ["oyunaa@example.mn"], app=app, now=NOW)
    assert people.list_participants(str(event), app=app) == []


def test_set_answer_attendance_role_and_remove(app: App) -> None:
    event = _event(app)
    _contact(app, "Оюунчимэг Батбаяр", "oyunaa@example.mn")
    people.invite(str(event), ["oyunaa@example.mn"], app=app, now=NOW)
    row = people.set_participant(str(event), "oyunaa@example.mn", ParticipantChanges(
        status="Accepted", role="chair", attended=True, sex="woman", organisation="ХЗДХЯ", comment="илтгэгч"),
        app=app, now=NOW)
    assert (row["status"], row["role"], row["attended"], row["sex"]) == ("accepted", "chair", True, "woman")
    assert row["organisation"] == "ХЗДХЯ" and row["comment"] == "илтгэгч"
    row = people.set_participant(str(event), "oyunaa@example.mn", ParticipantChanges(
        status="needs_action", absent=True, sex="", organisation=""), app=app, now=NOW)
    assert (row["status"], row["attended"], row["sex"], row["organisation"]) == ("needs-action", False, None, None)
    with pytest.raises(ContradictoryValues):
        people.set_participant(str(event), "oyunaa@example.mn", ParticipantChanges(attended=True, absent=True),
                               app=app, now=NOW)
    with pytest.raises(UnknownChoice):
        people.set_participant(str(event), "oyunaa@example.mn", ParticipantChanges(status="maybe"), app=app, now=NOW)
    with pytest.raises(ParticipantNotFound):
        people.set_participant(str(event), "nobody@example.mn", ParticipantChanges(status="accepted"), app=app,
                               now=NOW)
    other = _event(app)
    people.invite(str(other), ["oyunaa@example.mn"], app=app, now=NOW)
    services.delete_event(str(other), app=app)  # its participants go with it, the contact stays
    with app.store.engine.connect() as connection:
        import sqlalchemy as sa

        assert connection.execute(sa.text(f"SELECT count(*) FROM participant WHERE event_id = {other}")).scalar() == 0
    assert len(notify_services.list_contacts(app=app)) == 1
    removed = people.remove_participant(str(event), "oyunaa@example.mn", app=app, now=NOW)
    assert removed["email"] == "oyunaa@example.mn"
    assert people.list_participants(str(event), app=app) == []
    with pytest.raises(ParticipantNotFound):
        people.remove_participant(str(event), "oyunaa@example.mn", app=app, now=NOW)


def test_the_round_table_counts_17_people_12_women_5_men_from_its_list(app: App, tmp_path: Path) -> None:
    ids = build_round_table(app, tmp_path)
    view = services.show_event(str(ids["round_table"]), app=app)
    assert (view.participants_actual, view.participants_women, view.participants_men) == (17, 12, 5)
    assert view.participants_source == "list" and view.participants_expected == 25  # typed, kept
    training = services.show_event(str(ids["training"]), app=app)
    assert (training.participants_actual, training.participants_women, training.participants_men) == (40, 30, 10)
    assert training.participants_source == "typed"
    listed = people.list_participants(str(ids["round_table"]), app=app)
    assert len(listed) == 20 and sum(p["attended"] is True for p in listed) == 17
    assert {p["name"] for p in listed if p["attended"]} == set(WOMEN + MEN)


def test_report_participants_totals_by_kind_partner_month(app: App, tmp_path: Path) -> None:
    ids = build_round_table(app, tmp_path)
    report = participants_report("2019-12-01", "2019-12-31", "kind", app=app, now=NOW)
    data = report_json(report)
    assert data["from"] == "2019-12-01" and data["to"] == "2019-12-31"
    assert data["total"] == {"events": 2, "events_with_list": 1, "events_without_figures": 0, "participants": 57,
                             "women": 42, "men": 15, "other_or_unstated": 0}
    assert data["different_people"] == 17
    rows = {r["group"]: r for r in data["rows"]}
    table = rows["round_table"]
    assert (table["participants"], table["women"], table["men"]) == (17, 12, 5)
    assert rows["training"]["participants"] == 40
    by_partner = {r["group"]: r for r in report_json(participants_report(
        "2019-12-01", "2019-12-31", "partner", app=app, now=NOW))["rows"]}
    assert by_partner["Швейцария элчилиги"]["women"] == 12 and by_partner["UN Women"]["women"] == 30
    by_month = report_json(participants_report("2019-12-01", "2019-12-31", "month", app=app, now=NOW))["rows"]
    assert [(r["group"], r["participants"]) for r in by_month] == [("2019-12", 57)]
    by_region = {r["group"]: r["men"] for r in report_json(participants_report(
        "2019-12-16", "2019-12-16", "region", app=app, now=NOW))["rows"]}
    assert by_region == {"bishkek": 5}  # the training of the 18th is outside the day
    # Cancelling the training takes it out of the figures.
    services.cancel_event(str(ids["training"]), None, app=app, now=NOW)
    assert report_json(participants_report("2019-12-01", "2019-12-31", None, app=app, now=NOW))["total"][
        "participants"] == 17
    with pytest.raises(UnknownChoice):
        participants_report(None, None, "ministry", app=app, now=NOW)


def test_campaign_reports_use_the_list(app: App) -> None:
    from events.campaigns.links import CampaignLink
    from events.campaigns.report import figures_json

    campaign_services.add_campaign(None, name=None, window=None, color=None, preset="16-days", app=app)
    campaign_services.add_edition("16-days", 2019, ["Orange the World"], app=app, now=NOW)
    draft = NewEventDraft(title="Жүрүш", kind="campaign_day", start="2019-12-05 11:00", duration="2h",
                          region="bishkek", status="held", participants_actual=50, women=30, men=20)
    event = services.add_event(draft, CampaignLink(campaign="16-days"), app=app, now=NOW).view.id
    before = figures_json(campaign_services.report("16-days", 2019, app=app).figures)["participants"]
    assert (before["actual"], before["women"], before["men"]) == (50, 30, 20)
    people.invite(str(event), ["Айгүл <aigul@example.kg>", "Нурия <nuria@example.kg>", "Бакыт <bakyt@example.kg>"],
                  app=app, now=NOW)
    for address, sex in (("aigul@example.kg", "woman"), ("nuria@example.kg", "woman"), ("bakyt@example.kg", "man")):
        people.set_participant(str(event), address, ParticipantChanges(attended=True, sex=sex), app=app, now=NOW)
    after = figures_json(campaign_services.report("16-days", 2019, app=app).figures)["participants"]
    assert (after["actual"], after["women"], after["men"]) == (3, 2, 1)
