"""What the `campaign` commands call: one function per command, each one
transaction, returning data, never printing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from calendar_app.app import App
from calendar_app.campaigns.readiness import edition_task_rows, plan_edition, readiness_template
from calendar_app.history.tracking import record_added_events, record_row, row_state
from calendar_app.holidays import holiday_calendar, holiday_overrides
from calendar_app.notify.planning import plan_copies
from events import queries
from events.campaigns import services as campaigns
from events.campaigns.models import Campaign, CampaignEdition
from events.campaigns.programme import EditionInfo, ProgrammeView, build_programme
from events.campaigns.report import CampaignReport, figures_of
from events.campaigns.rollover import CopyHook, roll_edition
from events.models import Event
from events.public_holidays import public_holidays
from events.timeparse import zone
from events.views import EventView

CAMPAIGN = "campaign"
EDITION = "edition"


@dataclass(frozen=True)
class CampaignInfo:
    slug: str
    name: str
    window: str
    color: str | None
    description: str | None
    editions: tuple[EditionInfo, ...] = ()
    event_counts: dict[int, int] = field(default_factory=dict)  # year -> events linked
    tasks: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # year -> readiness tasks

    def as_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug, "name": self.name, "window": self.window, "color": self.color,
            "description": self.description,
            "editions": [{**e.as_json(), "events": self.event_counts.get(e.year, 0),
                          "tasks": self.tasks.get(e.year, [])} for e in self.editions],
        }


def edition_info(campaign: Campaign, edition: CampaignEdition) -> EditionInfo:
    return EditionInfo(
        slug=campaign.slug, name=campaign.name, year=edition.year,
        window=campaigns.edition_window(campaign, edition), color=campaign.color, theme=edition.theme,
        themes=dict(sorted(edition.themes.items())), sequence=edition.sequence, updated_at=edition.updated_at,
    )


def _campaign_info(campaign: Campaign, *, session: Session, year: int | None = None, tz: str = "UTC",
                   now: datetime | None = None) -> CampaignInfo:
    editions = campaigns.editions_of(campaign, session=session)
    if year is not None:
        editions = [campaigns.get_edition(campaign, year, session=session)]
    table = Event.__table__  # type: ignore[attr-defined]
    counts: dict[int, int] = {}
    for edition in editions:
        stmt = select(func.count()).select_from(table).where(table.c.campaign_edition_id == edition.id)
        counts[edition.year] = session.execute(stmt).scalar_one()
    tasks = {e.year: edition_task_rows(campaign, e, tz=tz, session=session, now=now)
             for e in editions} if now is not None else {}
    return CampaignInfo(
        campaign.slug, campaign.name, str(campaigns.yearly_window(campaign)), campaign.color,
        campaign.description, tuple(edition_info(campaign, e) for e in editions), counts, tasks,
    )


def add_campaign(
    slug: str | None, *, name: str | None, window: str | None, color: str | None, preset: str | None,
    app: App, now: datetime | None = None,
) -> CampaignInfo:
    with app.write() as session:
        campaign = campaigns.add_campaign(slug, name=name, window=window, color=color, preset=preset,
                                          session=session)
        record_row(CAMPAIGN, campaign.id, None, campaign, app=app, session=session, command="campaign add",
                   now=now or app.now())
        return _campaign_info(campaign, session=session)


def add_edition(
    slug: str, year: int, themes: Sequence[str], *, app: App, now: datetime, coordinator: str | None = None
) -> EditionInfo:
    """`campaign edition add`: the edition and its readiness tasks (docs/campaigns.md), in one transaction."""
    with app.write() as session:
        campaign = campaigns.get_campaign(slug, session=session)
        template = readiness_template(campaign.slug, app=app)
        edition = campaigns.add_edition(campaign, year, themes, session=session, now=now)
        record_row(EDITION, edition.id, None, edition, app=app, session=session, command="campaign edition add",
                   now=now)
        info = edition_info(campaign, edition)
        plan_edition(edition, info, template, coordinator, tz=app.settings.default_tz, session=session, now=now)
        return info


def set_theme(
    slug: str, year: int, themes: Sequence[str], *, app: App, now: datetime
) -> EditionInfo:
    with app.write() as session:
        campaign = campaigns.get_campaign(slug, session=session)
        before = row_state(campaigns.get_edition(campaign, year, session=session))
        edition = campaigns.set_theme(campaign, year, themes, session=session, now=now)
        record_row(EDITION, edition.id, before, edition, app=app, session=session, command="campaign theme", now=now)
        return edition_info(campaign, edition)


def list_campaigns(*, app: App) -> list[CampaignInfo]:
    with app.read() as session:
        return [_campaign_info(c, session=session) for c in campaigns.list_campaigns(session=session)]


def show_campaign(slug: str, year: int | None, *, app: App, now: datetime | None = None) -> CampaignInfo:
    """`campaign show`; with `now`, each edition's readiness tasks too."""
    with app.read() as session:
        campaign = campaigns.get_campaign(slug, session=session)
        return _campaign_info(campaign, session=session, year=year, tz=app.settings.default_tz, now=now)


def _edition_events(edition: CampaignEdition, *, session: Session, info: EditionInfo | None = None,
                    tz: str = "UTC") -> list[EventView]:
    """The edition's events; with `info`, a series linked to it as its occurrences in the window."""
    assert edition.id is not None
    views = queries.list_events(queries.EventQuery(editions=(edition.id,)), session=session)
    if info is None:
        return views
    zone_ = zone(tz)
    first = datetime.combine(info.window.lead_in - timedelta(days=1), time(), tzinfo=zone_)
    last = datetime.combine(info.window.last + timedelta(days=2), time(), tzinfo=zone_)
    return queries.with_occurrences(views, first, last, session=session)


def programme(slug: str, year: int | None, *, app: App) -> ProgrammeView:
    overrides = holiday_overrides(app.settings)
    with app.read() as session:
        campaign = campaigns.get_campaign(slug, session=session)
        edition = campaigns.get_edition(campaign, year, session=session)
        info = edition_info(campaign, edition)
        events = _edition_events(edition, session=session, info=info, tz=app.settings.default_tz)
    holidays = public_holidays(info.window.lead_in, info.window.last, overrides, calendar=holiday_calendar())
    return build_programme(info, events, holidays)


@dataclass(frozen=True)
class RollOutcome:
    edition: EditionInfo
    source_year: int
    copied: tuple[EventView, ...]


def roll(
    slug: str, to_year: int, themes: Sequence[str], *, from_year: int | None = None, app: App,
    now: datetime, on_copy: CopyHook | None = None, coordinator: str | None = None,
) -> RollOutcome:
    """`campaign roll`; each copy takes its source's reminder plan and gets its own deliveries and tasks
    (`on_copy` replaces that step), and the new edition gets its own readiness tasks (the earlier edition's
    stay as they are)."""
    with app.write() as session:
        campaign = campaigns.get_campaign(slug, session=session)
        template = readiness_template(campaign.slug, app=app)
        plan = on_copy or (lambda copies: plan_copies(copies, app=app, session=session, now=now))
        result = roll_edition(campaign, to_year, themes, from_year=from_year, session=session, now=now,
                              on_copy=plan)
        record_row(EDITION, result.edition.id, None, result.edition, app=app, session=session,
                   command="campaign roll", now=now)
        assert result.edition.id is not None
        # The new edition holds the copies and nothing else: one bound parameter, not a list of their ids.
        listed = queries.stored_and_listed(queries.EventQuery(editions=(result.edition.id,)),
                                           session=session) if result.copied else []
        record_added_events([(row, view.partners) for row, view in listed], app=app, session=session,
                            command="campaign roll", now=now)
        source = campaigns.find_edition(campaign, result.source_year, session=session)
        plan_edition(result.edition, edition_info(campaign, result.edition), template, coordinator,
                     tz=app.settings.default_tz, session=session, now=now, source=source)
        return RollOutcome(edition_info(campaign, result.edition), result.source_year,
                           tuple(view for _, view in listed))


def report(slug: str, year: int | None, *, app: App) -> CampaignReport:
    with app.read() as session:
        campaign = campaigns.get_campaign(slug, session=session)
        edition = campaigns.get_edition(campaign, year, session=session)
        info = edition_info(campaign, edition)
        tz = app.settings.default_tz
        figures = figures_of(info, _edition_events(edition, session=session, info=info, tz=tz))
        before = campaigns.previous_edition(campaign, edition.year, session=session)
        if before is None:
            return CampaignReport(info, figures)
        before_info = edition_info(campaign, before)
        return CampaignReport(info, figures, before_info,
                              figures_of(before_info, _edition_events(before, session=session, info=before_info,
                                                                      tz=tz)))
