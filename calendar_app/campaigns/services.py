"""What the `campaign` commands (and `event add/edit --campaign`) call: one function per command, each one
transaction, returning data, never printing."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from calendar_app.campaigns.holiday_cache import cached_calendar
from calendar_app.campaigns.readiness import edition_task_rows, plan_edition, readiness_template
from calendar_app.config import Settings
from calendar_app.db import session_scope
from calendar_app.notify.planning import plan_copies
from calendar_app.services import create_planned_event, edit_planned_event, open_store
from events import public_holidays as public_holidays_module
from events import queries
from events.campaigns import services as campaigns
from events.campaigns.links import CampaignLink, apply_link
from events.campaigns.models import Campaign, CampaignEdition
from events.campaigns.programme import EditionInfo, ProgrammeView, build_programme
from events.campaigns.report import CampaignReport, figures_of
from events.campaigns.rollover import CopyHook, roll_edition
from events.drafts import EventChanges, NewEventDraft
from events.models import Event
from events.public_holidays import HolidayOverrides, YearCalendar, country_of, load_overrides, public_holidays
from events.views import EventView

HOLIDAYS_ENV = "CALENDAR_APP_HOLIDAYS"
SHIPPED_HOLIDAYS = Path(public_holidays_module.__file__).with_name("data") / "holidays.toml"
MAX_WARNED_DAYS = 31  # a long event warns about the holidays of its first month only


def holiday_files() -> list[Path]:
    """The overrides shipped with the code, then the user's file (CALENDAR_APP_HOLIDAYS, or holidays.toml in
    the user's data folder)."""
    user = os.environ.get(HOLIDAYS_ENV)
    if user:
        return [SHIPPED_HOLIDAYS, Path(user).expanduser()]
    from platformdirs import user_data_path

    return [SHIPPED_HOLIDAYS, user_data_path("calendar-app", appauthor=False) / "holidays.toml"]


def holiday_calendar() -> YearCalendar:
    from platformdirs import user_cache_path

    return cached_calendar(user_cache_path("calendar-app", appauthor=False))


def holiday_overrides() -> HolidayOverrides:
    return load_overrides(holiday_files())


@dataclass(frozen=True)
class EventOutcome:
    view: EventView
    warnings: tuple[str, ...] = ()


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
    settings: Settings,
) -> CampaignInfo:
    with session_scope(open_store(settings)) as session:
        campaign = campaigns.add_campaign(slug, name=name, window=window, color=color, preset=preset,
                                          session=session)
        return _campaign_info(campaign, session=session)


def add_edition(
    slug: str, year: int, themes: Sequence[str], *, settings: Settings, now: datetime, coordinator: str | None = None
) -> EditionInfo:
    """`campaign edition add`: the edition and its readiness tasks (docs/campaigns.md), in one transaction."""
    with session_scope(open_store(settings)) as session:
        campaign = campaigns.get_campaign(slug, session=session)
        template = readiness_template(campaign.slug)
        edition = campaigns.add_edition(campaign, year, themes, session=session, now=now)
        info = edition_info(campaign, edition)
        plan_edition(edition, info, template, coordinator, tz=settings.default_tz, session=session, now=now)
        return info


def set_theme(
    slug: str, year: int, themes: Sequence[str], *, settings: Settings, now: datetime
) -> EditionInfo:
    with session_scope(open_store(settings)) as session:
        campaign = campaigns.get_campaign(slug, session=session)
        return edition_info(campaign, campaigns.set_theme(campaign, year, themes, session=session, now=now))


def list_campaigns(*, settings: Settings) -> list[CampaignInfo]:
    with session_scope(open_store(settings)) as session:
        return [_campaign_info(c, session=session) for c in campaigns.list_campaigns(session=session)]


def show_campaign(slug: str, year: int | None, *, settings: Settings, now: datetime | None = None) -> CampaignInfo:
    """`campaign show`; with `now`, each edition's readiness tasks too."""
    with session_scope(open_store(settings)) as session:
        campaign = campaigns.get_campaign(slug, session=session)
        return _campaign_info(campaign, session=session, year=year, tz=settings.default_tz, now=now)


def holiday_warnings(view: EventView, overrides: HolidayOverrides) -> tuple[str, ...]:
    """One line per public holiday the event falls on, in the country of its region (or zone)."""
    country = country_of(view.region, view.timezone)
    if country is None:
        return ()
    last = min(view.last_day, view.first_day + timedelta(days=MAX_WARNED_DAYS - 1))
    found = public_holidays(view.first_day, last, overrides, countries=(country,), calendar=holiday_calendar())
    return tuple(
        f"{day.isoformat()} is a public holiday in {h.country} ({h.name}): check that people can attend"
        for day, items in found.items() for h in items
    )


def add_event(draft: NewEventDraft, link: CampaignLink, *, settings: Settings, now: datetime) -> EventOutcome:
    """`event add`, with its campaign link and public-holiday warnings."""
    overrides = holiday_overrides()
    with session_scope(open_store(settings), write=True) as session:
        event = create_planned_event(draft, session=session, settings=settings, now=now)
        apply_link(event, link, session=session)
        assert event.id is not None
        view = queries.view_event(event.id, session=session)
    return EventOutcome(view, holiday_warnings(view, overrides))


def edit_event(
    ref: str, changes: EventChanges, link: CampaignLink, *, settings: Settings, now: datetime
) -> EventOutcome:
    """`event edit`: a linked event that moves must stay in its window unless `--allow-outside`."""
    overrides = holiday_overrides()
    with session_scope(open_store(settings), write=True) as session:
        event = edit_planned_event(ref, changes, session=session, now=now)
        apply_link(event, link, session=session)
        assert event.id is not None
        view = queries.view_event(event.id, session=session)
    moved = changes.start is not None or changes.end is not None or changes.duration is not None
    return EventOutcome(view, holiday_warnings(view, overrides) if moved else ())


def _edition_events(edition: CampaignEdition, *, session: Session) -> list[EventView]:
    assert edition.id is not None
    return queries.list_events(queries.EventQuery(editions=(edition.id,)), session=session)


def programme(slug: str, year: int | None, *, settings: Settings) -> ProgrammeView:
    overrides = holiday_overrides()
    with session_scope(open_store(settings)) as session:
        campaign = campaigns.get_campaign(slug, session=session)
        edition = campaigns.get_edition(campaign, year, session=session)
        info = edition_info(campaign, edition)
        events = _edition_events(edition, session=session)
    holidays = public_holidays(info.window.lead_in, info.window.last, overrides, calendar=holiday_calendar())
    return build_programme(info, events, holidays)


@dataclass(frozen=True)
class RollOutcome:
    edition: EditionInfo
    source_year: int
    copied: tuple[EventView, ...]


def roll(
    slug: str, to_year: int, themes: Sequence[str], *, from_year: int | None = None, settings: Settings,
    now: datetime, on_copy: CopyHook | None = None, coordinator: str | None = None,
) -> RollOutcome:
    """`campaign roll`; each copy takes its source's reminder plan and gets its own deliveries and tasks
    (`on_copy` replaces that step), and the new edition gets its own readiness tasks (the earlier edition's
    stay as they are)."""
    with session_scope(open_store(settings)) as session:
        campaign = campaigns.get_campaign(slug, session=session)
        template = readiness_template(campaign.slug)
        plan = on_copy or (lambda copies: plan_copies(copies, session=session, now=now))
        result = roll_edition(campaign, to_year, themes, from_year=from_year, session=session, now=now,
                              on_copy=plan)
        source = campaigns.find_edition(campaign, result.source_year, session=session)
        plan_edition(result.edition, edition_info(campaign, result.edition), template, coordinator,
                     tz=settings.default_tz, session=session, now=now, source=source)
        views = queries.list_events(queries.EventQuery(ids=result.copied), session=session) if result.copied else []
        return RollOutcome(edition_info(campaign, result.edition), result.source_year, tuple(views))


def report(slug: str, year: int | None, *, settings: Settings) -> CampaignReport:
    with session_scope(open_store(settings)) as session:
        campaign = campaigns.get_campaign(slug, session=session)
        edition = campaigns.get_edition(campaign, year, session=session)
        info = edition_info(campaign, edition)
        figures = figures_of(info, _edition_events(edition, session=session))
        before = campaigns.previous_edition(campaign, edition.year, session=session)
        if before is None:
            return CampaignReport(info, figures)
        before_info = edition_info(campaign, before)
        return CampaignReport(info, figures, before_info,
                              figures_of(before_info, _edition_events(before, session=session)))
