"""Which events a feed or an export shows, read in batches so 100,000 events never sit in memory at once.

The confidentiality rule of PRODUCT.md lives here and only here: confidential events are admitted only
when the selection is private and its visibility filter names `confidential` explicitly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import String, func, select, true, type_coerce
from sqlmodel import Session

from events import queries
from events.campaigns.hooks import EditionEntry
from events.models import Event, EventStatus, Visibility
from events.views import EventView
from exports.render import OPEN_ENDED_YEARS, SeriesRef

BATCH = 2_000
# Bumped whenever the bytes of a VEVENT change for the same event, so cached chunks are re-rendered.
# 2: series carry RRULE/RDATE/EXDATE, overrides their series' UID and a RECURRENCE-ID (issue 11).
RENDER_VERSION = 2


def chunk_version(sequence: int, stamp: object) -> str:
    """What state of an event a stored chunk shows: its sequence and its raw `updated_at`."""
    return f"{RENDER_VERSION}:{sequence}:{stamp}"


@dataclass(frozen=True, kw_only=True)
class Selection(queries.ListFilters):
    """A feed's or an export's filters: the list filters, a window, whether it is private, and how long
    cancelled events stay. Its campaigns bring the events of their editions, and each edition itself as an
    all-day entry."""

    start: datetime | None = None
    end: datetime | None = None
    private: bool = False
    # Cancelled events stay this long after their cancellation (their last change), then leave.
    cancelled_for: timedelta = timedelta(days=30)

    def admitted_visibilities(self) -> list[str]:
        """The visibilities this selection may show: a public feed shows public events unless told more."""
        default = [Visibility.public, Visibility.internal] if self.private else [Visibility.public]
        wanted = [v.strip().lower() for v in self.visibilities] or default
        if not self.private:
            wanted = [v for v in wanted if v != Visibility.confidential]
        return [str(v) for v in dict.fromkeys(wanted)]


def event_query(selection: Selection) -> queries.EventQuery | None:
    """The events query of `selection`, or None when it admits no visibility at all (a public feed that
    names only `confidential`): an empty visibility list would mean "any" to the query."""
    if not selection.admitted_visibilities():
        return None
    lists = {**queries.filter_lists(selection), "visibilities": selection.admitted_visibilities()}
    return queries.EventQuery(start=selection.start, end=selection.end, **lists)


@dataclass(frozen=True)
class Plan:
    """The events of a selection at one moment: ids in feed order, the zones used, when it next changes."""

    ids: list[int]
    versions: list[str]  # per id: what state of the event a rendered chunk must show (see exports.cache)
    zones: set[str]
    years: tuple[int, int]  # first and last year a timed event starts in: the span VTIMEZONEs cover
    last_modified: datetime | None
    # When a cancelled event in it leaves the feed by age, so a cache of it must be rebuilt then.
    expires: datetime | None
    # The campaign editions the selection names, as all-day entries (see exports.campaign_feed).
    editions: tuple[EditionEntry, ...] = ()


def _as_utc(raw: object) -> datetime:
    """A stored instant read without type processing (SQLite: naive UTC text; PostgreSQL: aware)."""
    if isinstance(raw, datetime):
        return raw.astimezone(UTC) if raw.tzinfo else raw.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(raw)).replace(tzinfo=UTC)


def _selected_rows(selection: Selection, *, session: Session) -> tuple[Iterable[Any], dict[int, list[Any]]]:
    """The stored rows a selection shows, in feed order (no texts, sorted by the database), and the
    overrides of its series by series id (each series' overrides come with it, wherever they moved: an
    override follows its series' visibility and filters, never its own)."""
    query = event_query(selection)
    if query is None:
        return (), {}
    full = queries.matching_events(query, session=session).order_by(None).subquery()
    rows = session.execute(
        select(full.c.id, full.c.timezone, full.c.all_day, full.c.status, full.c.sequence,
               type_coerce(full.c.updated_at, String).label("stamp"),
               type_coerce(full.c.start_utc, String).label("start"), full.c.recurs,
               type_coerce(full.c.series_end_utc, String).label("series_end"))
        .where(full.c.series_id.is_(None)).order_by(full.c.start_utc, full.c.uid)).all()
    table = Event.__table__  # type: ignore[attr-defined]
    overrides: dict[int, list[Any]] = {}
    found = session.execute(
        select(table.c.id, table.c.timezone, table.c.all_day, table.c.status, table.c.sequence,
               type_coerce(table.c.updated_at, String).label("stamp"),
               type_coerce(table.c.start_utc, String).label("start"), table.c.series_id,
               type_coerce(full.c.updated_at, String).label("series_stamp"))
        .join(full, full.c.id == table.c.series_id)
        # series_id set: an index range of the overrides alone, not a walk over every event of the store
        .where(full.c.recurs.is_(true()), table.c.series_id.is_not(None))
        .order_by(table.c.recurrence_utc, table.c.id))
    for row in found:
        overrides.setdefault(row.series_id, []).append(row)
    return rows, overrides


def _year(raw: object) -> int:
    """The UTC year of a stored instant read raw; SQLite's text starts with it (parsing costs more than the
    rest of the plan)."""
    if isinstance(raw, str) and raw[:4].isdigit() and raw[4:5] == "-":
        return int(raw[:4])
    return _as_utc(raw).year


def _last_year(start: object, recurs: bool, series_end: object, now: datetime) -> int:
    """The last year a row's occurrences start in: an open-ended series goes on `OPEN_ENDED_YEARS`."""
    if not recurs:
        return _year(start)
    if series_end is None:
        return max(_year(start), now.year) + OPEN_ENDED_YEARS
    return _year(series_end)


def plan(selection: Selection, *, session: Session, now: datetime) -> Plan:
    """Two light queries over the filtered events and their series' overrides, then retention.

    `updated_at` is read raw: converting 10,000 instants costs more than the rest of the query.
    """
    rows, overrides = _selected_rows(selection, session=session)
    cutoff = now - selection.cancelled_for
    ids: list[int] = []
    versions: list[str] = []
    zones: set[str] = set()
    newest: object = None
    expires: datetime | None = None
    first: object = None  # earliest start of a timed override
    first_row: Any = None  # rows come by start: the first and the last timed one bound the span
    last_row: Any = None
    last_year = 1970
    for id_, timezone, all_day, status, sequence, stamp, start, recurs, series_end in rows:
        if status == EventStatus.cancelled:
            changed = _as_utc(stamp)
            if changed <= cutoff:
                continue
            leaves = changed + selection.cancelled_for
            expires = leaves if expires is None else min(expires, leaves)
        ids.append(id_)
        versions.append(chunk_version(sequence, stamp))
        if not all_day:
            zones.add(timezone)
            if first_row is None:
                first_row = start
            last_row = start
            if recurs:
                last_year = max(last_year, _last_year(start, recurs, series_end, now))
        newest = stamp if newest is None or stamp > newest else newest
        # A cancelled override stays while its series does: without it clients would show the occurrence.
        for override in overrides.get(id_, ()):
            ids.append(override.id)
            versions.append(f"{chunk_version(override.sequence, override.stamp)}:{override.series_stamp}")
            if not override.all_day:
                zones.add(override.timezone)
                first = override.start if first is None else min(first, override.start)
                last_year = max(last_year, _year(override.start))
            newest = override.stamp if override.stamp > newest else newest
    if last_row is not None:
        last_year = max(last_year, _year(last_row))
        first = first_row if first is None else min(first, first_row)
    last = _as_utc(newest) if newest is not None else None
    years = (_year(first), last_year) if first is not None else (1970, 1970)
    editions: tuple[EditionEntry, ...] = ()
    if selection.campaigns:
        from exports.campaign_feed import selected_editions

        editions = selected_editions(selection.campaigns, session=session, start=selection.start,
                                     end=selection.end)
        changes = [e.last_modified for e in editions if e.last_modified is not None]
        last = max([*changes, *([last] if last is not None else [])], default=None)
    return Plan(ids=ids, versions=versions, zones=zones, years=years, last_modified=last, expires=expires,
                editions=editions)


def iter_views(ids: Sequence[int], *, session: Session, batch: int = BATCH) -> Iterator[list[EventView]]:
    """The events of `ids`, in that order, a batch at a time."""
    for offset in range(0, len(ids), batch):
        chunk = list(ids[offset : offset + batch])
        views = {v.id: v for v in queries.list_events(queries.EventQuery(ids=chunk), session=session)}
        yield [views[i] for i in chunk if i in views]


def series_refs(series_ids: Iterable[int], *, session: Session) -> dict[int, SeriesRef]:
    """What the overrides of these series take from them when rendered (UID, class, RECURRENCE-ID form)."""
    table = Event.__table__  # type: ignore[attr-defined]
    wanted = sorted(set(series_ids))
    found: dict[int, SeriesRef] = {}
    for offset in range(0, len(wanted), 500):
        stmt = select(table.c.id, table.c.uid, table.c.visibility, table.c.timezone, table.c.all_day).where(
            table.c.id.in_(wanted[offset : offset + 500]))
        for id_, uid, visibility, timezone, all_day in session.execute(stmt):
            found[id_] = SeriesRef(uid, visibility, timezone, bool(all_day))
    return found


def store_state(*, session: Session) -> tuple[object, ...]:
    """A cheap fingerprint of everything a feed depends on; it changes whenever an event, a feed, a
    campaign, a campaign edition or a workflow task does.

    Events are summarised (count, newest change, highest id, sum of sequences); feeds, campaigns and their
    editions are few, so their rows are taken whole: a new theme or a new edition shows. Feed tokens are
    summarised (count, highest id, how many revoked): a token made, rotated or revoked shows at once.
    Tasks are summarised like events (count, highest id, newest change, sum of sequences: `task done` and
    a re-timing bump the sequence).
    """
    events = Event.__table__  # type: ignore[attr-defined]
    from events.campaigns.models import Campaign, CampaignEdition
    from exports.models import Feed

    feeds = Feed.__table__  # type: ignore[attr-defined]
    campaigns = Campaign.__table__  # type: ignore[attr-defined]
    editions = CampaignEdition.__table__  # type: ignore[attr-defined]
    campaign_rows = select(campaigns.c.id, campaigns.c.slug, campaigns.c.name, campaigns.c.window_start,
                           campaigns.c.window_end, campaigns.c.color).order_by(campaigns.c.id)
    edition_rows = select(editions.c.id, editions.c.campaign_id, editions.c.year, editions.c.sequence,
                          editions.c.updated_at, editions.c.theme, editions.c.themes).order_by(editions.c.id)
    summary = select(func.count(), func.max(events.c.updated_at), func.max(events.c.id),
                     func.sum(events.c.sequence)).select_from(events)
    feed_rows = select(feeds.c.id, feeds.c.name, feeds.c.updated_at, feeds.c.filters,
                       feeds.c.private, feeds.c.detail, feeds.c.cancelled_days, feeds.c.tasks,
                       feeds.c.attendees).order_by(feeds.c.id)
    from exports.models import FeedToken

    tokens = FeedToken.__table__  # type: ignore[attr-defined]
    # A token made or revoked changes these: the server forgets what it built for the old set of tokens.
    token_summary = select(func.count(), func.max(tokens.c.id), func.count(tokens.c.revoked_at)).select_from(tokens)
    from events.notify.models import Task

    tasks = Task.__table__  # type: ignore[attr-defined]
    task_summary = select(func.count(), func.max(tasks.c.id), func.max(tasks.c.updated_at),
                          func.sum(tasks.c.sequence)).select_from(tasks)
    return (tuple(session.execute(summary).one()), tuple(session.execute(task_summary).one()),
            tuple(tuple(r) for r in session.execute(feed_rows)), tuple(session.execute(token_summary).one()),
            tuple(tuple(r) for r in session.execute(campaign_rows)),
            tuple((*r[:-1], json.dumps(r[-1], sort_keys=True)) for r in session.execute(edition_rows)))
