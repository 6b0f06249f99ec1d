"""Campaign editions in feeds (issue 5, point 4): each edition of a campaign a feed names is one all-day
VEVENT over its window, placed before the feed's events.

- DTSTART is the first day, DTEND the day after the last day (RFC 5545: exclusive), both VALUE=DATE.
- The theme in every language is in DESCRIPTION; COLOR is the RFC 7986 CSS colour name nearest to the
  campaign colour (the hex value travels in X-CALENDAR-APP-COLOR).
- TRANSP:TRANSPARENT: sixteen days of campaign must not show anyone as busy.
- The same edition gives the same bytes: DTSTAMP and LAST-MODIFIED are the edition's last change, SEQUENCE
  its own counter, and no clock is read.

Editions are few (one per campaign and year), so their chunks are not stored in the database like the
events' (`exports.cache`): a chunk is rendered once per process and kept in memory, keyed by the entry
itself, so a changed edition (new theme, new sequence) is simply a new key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from functools import lru_cache

from icalendar import Event, vText
from sqlmodel import Session, col, select

from events.campaigns.hooks import EditionEntry, edition_entry
from events.campaigns.models import Campaign, CampaignEdition
from events.campaigns.programme import EditionInfo
from events.campaigns.services import edition_window, find_campaign
from exports.render import X_PREFIX, component_bytes

# Marks an edition's VEVENT, so `import` of a campaign feed skips it instead of making it an event.
EDITION_MARK = X_PREFIX + "CAMPAIGN-EDITION"


def edition_info(campaign: Campaign, edition: CampaignEdition) -> EditionInfo:
    return EditionInfo(
        slug=campaign.slug, name=campaign.name, year=edition.year, window=edition_window(campaign, edition),
        color=campaign.color, theme=edition.theme, themes=dict(sorted(edition.themes.items())),
        sequence=edition.sequence, updated_at=edition.updated_at,
    )


def _day(value: datetime) -> date:
    return value.astimezone(UTC).date()


def selected_editions(
    slugs: Sequence[str], *, session: Session, start: datetime | None = None, end: datetime | None = None
) -> tuple[EditionEntry, ...]:
    """The editions of the campaigns `slugs` whose window meets [start, end), ordered by first day and UID.

    An unknown slug raises `UnknownCampaign` (bad input, exit 2).
    """
    entries: list[EditionEntry] = []
    for slug in dict.fromkeys(s.strip().lower() for s in slugs):
        campaign = find_campaign(slug, session=session)
        stmt = select(CampaignEdition).where(col(CampaignEdition.campaign_id) == campaign.id)
        for edition in session.exec(stmt):
            entry = edition_entry(edition_info(campaign, edition))
            if start is not None and entry.end_exclusive <= _day(start):
                continue
            if end is not None and entry.first_day > _day(end):
                continue
            entries.append(entry)
    return tuple(sorted(entries, key=lambda e: (e.first_day, e.uid)))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def build_edition(entry: EditionEntry, *, stamp: datetime | None = None) -> Event:
    """The VEVENT of one edition."""
    event = Event()
    changed = entry.last_modified or _midnight(entry.first_day)
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp or changed)
    event.add("dtstart", entry.first_day)
    event.add("dtend", entry.end_exclusive)  # exclusive: the day after the last day
    event.add("sequence", entry.sequence)
    event.add("last-modified", changed)
    event.add("status", "CONFIRMED")
    event.add("class", "PUBLIC")
    event.add("transp", "TRANSPARENT")
    event.add("summary", entry.summary)
    event.add("description", entry.description)
    event.add("categories", list(entry.categories))
    if entry.color_name:
        event.add("color", entry.color_name)
    if entry.color_hex:
        event.add(X_PREFIX + "COLOR", vText(entry.color_hex))
    event.add(EDITION_MARK, vText(entry.uid))
    return event


@lru_cache(maxsize=256)
def _rendered(entry: EditionEntry) -> bytes:
    return component_bytes(build_edition(entry))


def render_edition(entry: EditionEntry, *, stamp: datetime | None = None) -> bytes:
    """One edition as folded CRLF bytes, `BEGIN:VEVENT` to `END:VEVENT\\r\\n`; kept per process unless a
    fixed `stamp` is given (golden tests)."""
    if stamp is not None:
        return component_bytes(build_edition(entry, stamp=stamp))
    return _rendered(entry)
