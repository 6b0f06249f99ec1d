"""Campaigns and editions in the store: add, look up, and link events to the edition of their dates.

Every function takes the session keyword-only; the caller owns the transaction, so an error leaves the
database as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from events.campaigns.errors import (
    CampaignExists,
    CampaignNotFound,
    EditionExists,
    EditionMissing,
    EditionNotFound,
    InvalidColor,
    InvalidSlug,
    InvalidTheme,
    InvalidYear,
    OutsideWindow,
    UnknownCampaign,
    UnknownPreset,
)
from events.campaigns.models import Campaign, CampaignEdition
from events.campaigns.presets import PRESETS
from events.campaigns.windows import Window, YearlyWindow, parse_month_day, parse_window
from events.errors import N_, MissingValue, Words
from events.models import LANGUAGES, Event
from events.timeparse import zone

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
_COLOR = re.compile(r"^#?([0-9a-fA-F]{6})$")
_LANG_PREFIX = re.compile(r"^([a-z]{2}):\s*(.*)$", re.DOTALL)
MIN_YEAR, MAX_YEAR = 1900, 2200


def yearly_window(campaign: Campaign) -> YearlyWindow:
    return YearlyWindow(parse_month_day(campaign.window_start), parse_month_day(campaign.window_end))


def edition_window(campaign: Campaign, edition: CampaignEdition) -> Window:
    return yearly_window(campaign).of_year(edition.year)


def _color(value: str | None) -> str | None:
    if value is None:
        return None
    match = _COLOR.match(value.strip())
    if not match:
        raise InvalidColor(value)
    return "#" + match.group(1).upper()


def check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidYear(year)
    return year


def add_campaign(
    slug: str | None, *, name: str | None = None, window: str | None = None, color: str | None = None,
    preset: str | None = None, session: Session,
) -> Campaign:
    """A new campaign; a preset fills what the options leave out."""
    base = None
    if preset is not None:
        base = PRESETS.get(preset.strip().lower())
        if base is None:
            raise UnknownPreset(preset, tuple(PRESETS))
    slug = (slug or (base.slug if base else "")).strip().lower()
    if not slug:
        raise MissingValue(N_("the campaign slug"), N_("give one, e.g. 16-days, or use a {preset}"))
    if not _SLUG.match(slug):
        raise InvalidSlug(slug)
    name = (name or (base.name if base else "")).strip()
    if not name:
        raise MissingValue(N_("the campaign name"), N_("give a {name}, e.g. '16 Days of Activism'"))
    window_text = window or (base.window if base else None)
    if not window_text:
        raise MissingValue(N_("the window"), N_("give a {window} as MM-DD..MM-DD, e.g. 11-25..12-10"))
    parsed = parse_window(window_text)
    if session.exec(select(Campaign).where(col(Campaign.slug) == slug)).first() is not None:
        raise CampaignExists(slug)
    campaign = Campaign(
        slug=slug, name=name, window_start=str(parsed.start), window_end=str(parsed.end),
        color=_color(color) if color else (base.color if base else None),
        description=base.description if base else None,
    )
    session.add(campaign)
    session.flush()
    return campaign


def find_campaign(slug: str, *, session: Session) -> Campaign:
    """The campaign an option names (`--campaign`): `UnknownCampaign`, exit 2, when there is none."""
    campaign = _campaign_or_none(slug, session=session)
    if campaign is None:
        raise UnknownCampaign(slug)
    return campaign


def get_campaign(slug: str, *, session: Session) -> Campaign:
    """The campaign a command acts on (`campaign show SLUG`): `CampaignNotFound`, exit 1, when there is none."""
    campaign = _campaign_or_none(slug, session=session)
    if campaign is None:
        raise CampaignNotFound(slug)
    return campaign


def _campaign_or_none(slug: str, *, session: Session) -> Campaign | None:
    return session.exec(select(Campaign).where(col(Campaign.slug) == slug.strip().lower())).first()


def list_campaigns(*, session: Session) -> list[Campaign]:
    return list(session.exec(select(Campaign).order_by(col(Campaign.slug))))


def editions_of(campaign: Campaign, *, session: Session) -> list[CampaignEdition]:
    stmt = select(CampaignEdition).where(col(CampaignEdition.campaign_id) == campaign.id)
    return list(session.exec(stmt.order_by(col(CampaignEdition.year))))


def find_edition(campaign: Campaign, year: int, *, session: Session) -> CampaignEdition | None:
    stmt = select(CampaignEdition).where(
        col(CampaignEdition.campaign_id) == campaign.id, col(CampaignEdition.year) == year
    )
    return session.exec(stmt).first()


def get_edition(campaign: Campaign, year: int | None, *, session: Session) -> CampaignEdition:
    """The edition of `year`, or the latest one when `year` is None; `EditionNotFound` otherwise."""
    if year is None:
        editions = editions_of(campaign, session=session)
        if not editions:
            raise EditionNotFound(campaign.slug, None)
        return editions[-1]
    edition = find_edition(campaign, year, session=session)
    if edition is None:
        raise EditionNotFound(campaign.slug, year)
    return edition


def previous_edition(campaign: Campaign, year: int, *, session: Session) -> CampaignEdition | None:
    earlier = [e for e in editions_of(campaign, session=session) if e.year < year]
    return earlier[-1] if earlier else None


def parse_themes(values: Sequence[str]) -> tuple[str | None, dict[str, str]]:
    """`--theme` values: `ky:TEXT` is a translation, a plain TEXT is the default-language theme."""
    default: str | None = None
    themes: dict[str, str] = {}
    for value in values:
        match = _LANG_PREFIX.match(value.strip())
        if match:
            language, text = match.group(1), match.group(2).strip()
            if language not in LANGUAGES:
                raise InvalidTheme(value, f"{language!r} is not a language we keep: prefix the theme with "
                                          f"{', '.join(f'{c}:' for c in LANGUAGES)}, or give it plain for "
                                          "the default language")
            if language in themes:
                raise InvalidTheme(value, f"the {language} theme is given twice: give one per language")
            target = text
            themes[language] = target
        else:
            target = value.strip()
            if default is not None:
                raise InvalidTheme(value, Words(N_("two themes without a language: prefix translations, e.g. ky:TEXT")))
            default = target
        if not target:
            raise InvalidTheme(value, Words(N_("it is empty")))
    return default, themes


def add_edition(
    campaign: Campaign, year: int, themes: Sequence[str] = (), *, session: Session, now: datetime
) -> CampaignEdition:
    check_year(year)
    default, translations = parse_themes(themes)
    if find_edition(campaign, year, session=session) is not None:
        raise EditionExists(campaign.slug, year)
    assert campaign.id is not None
    edition = CampaignEdition(campaign_id=campaign.id, year=year, theme=default, themes=translations,
                              created_at=now, updated_at=now)
    session.add(edition)
    session.flush()
    return edition


def set_theme(
    campaign: Campaign, year: int, themes: Sequence[str], *, session: Session, now: datetime
) -> CampaignEdition:
    """Replace the theme of an edition in the languages given (a plain TEXT: the default language); the
    other languages keep theirs. A real change bumps the edition's sequence, so feeds carry it (iCalendar
    clients take a VEVENT with a higher SEQUENCE as the newer one)."""
    if not themes:
        raise MissingValue(N_("the theme"), N_("give a {theme} as TEXT or ky:TEXT"))
    default, translations = parse_themes(themes)
    edition = find_edition(campaign, check_year(year), session=session)
    if edition is None:
        raise EditionNotFound(campaign.slug, year)
    new_default = default if default is not None else edition.theme
    new_themes = dict(sorted({**edition.themes, **translations}.items()))
    if new_default == edition.theme and new_themes == dict(sorted(edition.themes.items())):
        return edition
    edition.theme = new_default
    edition.themes = new_themes
    edition.sequence += 1
    edition.updated_at = now
    session.add(edition)
    session.flush()
    return edition


def local_days(start_utc: datetime, end_utc: datetime, timezone: str) -> tuple[date, date]:
    """The first and last local day (inclusive) of a span with an exclusive end, in `timezone`."""
    tz = zone(timezone)
    first = start_utc.astimezone(tz).date()
    last = (end_utc - timedelta(microseconds=1)).astimezone(tz).date()
    return first, max(first, last)


def event_days(event: Event) -> tuple[date, date]:
    """The first and last local day (inclusive) an event touches, in its own zone."""
    return local_days(event.start_utc, event.end_utc, event.timezone)


def _when(first: date, last: date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"


def edition_for_event(
    campaign: Campaign, event: Event, *, allow_outside: bool, session: Session
) -> CampaignEdition:
    """The edition whose window (lead-in day included) holds the event's days.

    Outside every window: `OutsideWindow`, unless `allow_outside`, which takes the edition of the year the
    event starts in. An edition that does not exist yet is `EditionMissing`: it is never made silently.
    """
    first, last = event_days(event)
    shape = yearly_window(campaign)
    for year in shape.editions_touching(first):
        if shape.of_year(year).holds(first, last):
            edition = find_edition(campaign, year, session=session)
            if edition is None:
                raise EditionMissing(campaign.slug, year)
            return edition
    if not allow_outside:
        year = first.year
        window = shape.of_year(year)
        raise OutsideWindow(campaign.slug, year,
                            f"{_when(window.first, window.last)}, lead-in day {window.lead_in.isoformat()}",
                            _when(first, last))
    edition = find_edition(campaign, first.year, session=session)
    if edition is None:
        raise EditionMissing(campaign.slug, first.year)
    return edition


def check_in_window(event: Event, *, session: Session) -> None:
    """After a move: an event still linked to an edition must stay in its window (or was allowed out)."""
    if event.campaign_edition_id is None:
        return
    edition = session.get(CampaignEdition, event.campaign_edition_id)
    assert edition is not None
    campaign = session.get(Campaign, edition.campaign_id)
    assert campaign is not None
    window = edition_window(campaign, edition)
    first, last = event_days(event)
    if not window.holds(first, last):
        raise OutsideWindow(campaign.slug, edition.year,
                            f"{_when(window.first, window.last)}, lead-in day {window.lead_in.isoformat()}",
                            _when(first, last))
