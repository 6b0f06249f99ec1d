"""Looking events up: one window-and-filter query that returns plain read-only views.

Reads go through SQLAlchemy Core rather than ORM objects: `event list` over a large store must cost
little more than the raw query (see bench/).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, false, or_, select, true
from sqlmodel import Session

from events.campaigns.errors import UnknownCampaign
from events.campaigns.models import Campaign, CampaignEdition
from events.drafts import choice, kind_name
from events.models import (
    Event,
    EventPartner,
    EventStatus,
    Organisation,
    Programme,
    Visibility,
)
from events.recurrence.views import expanded
from events.regions import find_region
from events.spans import meets_window
from events.views import EventView, view_from_row


@dataclass(frozen=True, kw_only=True)
class ListFilters:
    """The list filters every selection of events shares (the CLI's, a feed's, an export's, the query's);
    each list is an OR of its values, and the filters AND together."""

    kinds: Sequence[str] = ()
    regions: Sequence[str] = ()
    partners: Sequence[str] = ()
    programmes: Sequence[str] = ()
    statuses: Sequence[str] = ()
    visibilities: Sequence[str] = ()
    campaigns: Sequence[str] = ()  # campaign slugs: events of any of their editions (issue 5)


# Their names, in declaration order: what code that copies or checks every list filter goes through.
FILTER_LISTS = tuple(f.name for f in fields(ListFilters))


def filter_lists(source: ListFilters) -> dict[str, Any]:
    """The list filters of any shape built on ListFilters, to hand to another: `EventQuery(**filter_lists(x))`."""
    return {name: getattr(source, name) for name in FILTER_LISTS}


@dataclass(frozen=True, kw_only=True)
class EventQuery(ListFilters):
    """Filters for a lookup: the list filters, and a window, words of text, ids, editions and a row limit."""

    start: datetime | None = None  # events that end after this instant
    end: datetime | None = None  # events that start before this instant
    text: str | None = None
    limit: int | None = None
    ids: Sequence[int] = field(default_factory=tuple)
    editions: Sequence[int] = ()  # campaign edition ids (issue 5)


_EDITIONS = CampaignEdition.__table__  # type: ignore[attr-defined]
_CAMPAIGNS = Campaign.__table__  # type: ignore[attr-defined]
_COLUMNS = (
    *Event.__table__.columns,  # type: ignore[attr-defined]
    Programme.__table__.c.name.label("programme"),  # type: ignore[attr-defined]
    _CAMPAIGNS.c.slug.label("campaign_slug"),
    _EDITIONS.c.year.label("campaign_year"),
)


def _window(query: EventQuery) -> list[Any]:
    """Single events (and overrides) that meet the window."""
    table = Event.__table__  # type: ignore[attr-defined]
    return list(meets_window(table.c.start_utc, table.c.end_utc, query.start, query.end))


def _series_window(query: EventQuery) -> list[Any]:
    """Series whose span (first start to last end, open-ended when NULL) meets the window."""
    table = Event.__table__  # type: ignore[attr-defined]
    conditions: list[Any] = [table.c.recurs.is_(true())]
    if query.start is not None:
        conditions.append(or_(table.c.series_end_utc.is_(None), table.c.series_end_utc > query.start))
    if query.end is not None:
        conditions.append(table.c.start_utc < query.end)
    return conditions


def _windowed(query: EventQuery) -> bool:
    return query.start is not None or query.end is not None


def _conditions(query: EventQuery, partner_ids: list[int] | None) -> list[Any]:
    table = Event.__table__  # type: ignore[attr-defined]
    conditions: list[Any] = _window(query)
    if _windowed(query):  # series come in expanded, by `_series_views`
        conditions.append(table.c.recurs.is_(false()))
    if query.kinds:
        # Checked where they were typed (their kinds may include the organisation's own): only spelt here.
        conditions.append(table.c.kind.in_([kind_name(k) for k in query.kinds]))
    if query.statuses:
        conditions.append(table.c.status.in_([choice(EventStatus, s, "status").value for s in query.statuses]))
    if query.visibilities:
        wanted = [choice(Visibility, v, "visibility").value for v in query.visibilities]
        conditions.append(table.c.visibility.in_(wanted))
    if query.regions:
        conditions.append(table.c.region.in_([find_region(r).slug for r in query.regions]))
    if query.programmes:
        names = [p.strip() for p in query.programmes]
        conditions.append(Programme.__table__.c.name.in_(names))  # type: ignore[attr-defined]
    if partner_ids is not None:
        links = EventPartner.__table__  # type: ignore[attr-defined]
        linked = select(links.c.event_id).where(links.c.organisation_id.in_(partner_ids))
        conditions.append(table.c.id.in_(linked))
    if query.text:
        words = query.text.casefold().split()
        conditions.append(and_(*(table.c.search_text.contains(w, autoescape=True) for w in words)))
    if query.ids:
        conditions.append(table.c.id.in_(list(query.ids)))
    if query.editions:
        conditions.append(table.c.campaign_edition_id.in_(list(query.editions)))
    if query.campaigns:
        conditions.append(_CAMPAIGNS.c.slug.in_([c.strip().lower() for c in query.campaigns]))
    return conditions


def _joined() -> Any:
    """Events with their programme and campaign edition: the FROM of every event lookup."""
    table = Event.__table__  # type: ignore[attr-defined]
    return (
        table.outerjoin(Programme.__table__)  # type: ignore[attr-defined]
        .outerjoin(_EDITIONS, _EDITIONS.c.id == table.c.campaign_edition_id)
        .outerjoin(_CAMPAIGNS, _CAMPAIGNS.c.id == _EDITIONS.c.campaign_id)
    )


def _filter_conditions(query: EventQuery, partner_ids: list[int] | None) -> list[Any]:
    """The conditions of `query` but its window."""
    return _conditions(replace(query, start=None, end=None), partner_ids)


def _filtered(conditions: list[Any], limit: int | None) -> Select[tuple[object, ...]]:
    table = Event.__table__  # type: ignore[attr-defined]
    stmt = select(*_COLUMNS).select_from(_joined()).where(*conditions)
    stmt = stmt.order_by(table.c.start_utc, table.c.id)
    return stmt.limit(limit) if limit else stmt


def _organisation_ids(names: Sequence[str], *, session: Session) -> list[int]:
    """Ids of organisations named in any case; Python casefolds, as SQLite's lower() knows ASCII only."""
    wanted = {n.strip().casefold() for n in names}
    orgs = Organisation.__table__  # type: ignore[attr-defined]
    return [id_ for id_, name in session.execute(select(orgs.c.id, orgs.c.name)) if name.casefold() in wanted]


def partner_names(conditions: list[Any], *, session: Session) -> dict[int, list[str]]:
    """Partner names of the events that meet `conditions`, in one query beside the main one."""
    table = Event.__table__  # type: ignore[attr-defined]
    links = EventPartner.__table__  # type: ignore[attr-defined]
    orgs = Organisation.__table__  # type: ignore[attr-defined]
    matching = select(table.c.id).select_from(_joined()).where(*conditions)
    stmt = (
        select(links.c.event_id, orgs.c.name)
        .join(orgs, orgs.c.id == links.c.organisation_id)
        .where(links.c.event_id.in_(matching))
        .order_by(links.c.event_id, orgs.c.name)
    )
    names: dict[int, list[str]] = defaultdict(list)
    for event_id, name in session.execute(stmt).all():
        names[event_id].append(name)
    return names


def _check_campaigns(slugs: Sequence[str], *, session: Session) -> None:
    """An option naming an unknown campaign is bad input, not an empty result."""
    known = set(session.execute(select(_CAMPAIGNS.c.slug)).scalars())
    for slug in slugs:
        if slug.strip().lower() not in known:
            raise UnknownCampaign(slug)


def matching_events(query: EventQuery, *, session: Session) -> Select[tuple[object, ...]]:
    """The stored rows behind `list_events` (every event column, joined), for callers that read a few
    columns or render rows as stored: a series is its one row when its span meets the window."""
    if query.campaigns:
        _check_campaigns(query.campaigns, session=session)
    partner_ids = _organisation_ids(query.partners, session=session) if query.partners else None
    conditions = _filter_conditions(query, partner_ids)
    if _windowed(query):
        table = Event.__table__  # type: ignore[attr-defined]
        singles = and_(table.c.recurs.is_(false()), *_window(query))
        conditions.append(or_(singles, and_(*_series_window(query))))
    return _filtered(conditions, query.limit)


def _views(conditions: list[Any], limit: int | None, *, session: Session) -> list[EventView]:
    return _rows_and_views(conditions, limit, session=session)[1]


def stored_and_listed(query: EventQuery, *, session: Session) -> list[tuple[dict[str, Any], EventView]]:
    """The events of `query` (without a window) as `list_events` lists them, each view beside the stored row
    it was made from (every column of the event table): one read for a caller that needs both."""
    assert not _windowed(query), "a window expands series into occurrences, which have no stored row"
    rows, views = _rows_and_views(_conditions(query, None), query.limit, session=session)
    return list(zip(rows, views, strict=True))


def _rows_and_views(conditions: list[Any], limit: int | None, *,
                    session: Session) -> tuple[list[dict[str, Any]], list[EventView]]:
    result = session.execute(_filtered(conditions, limit))
    # Plain dicts: reading 28 attributes off SQLAlchemy rows costs more than building the dict.
    keys = list(result.keys())
    rows = [dict(zip(keys, row, strict=True)) for row in result.all()]
    partners = partner_names(conditions, session=session) if rows else {}
    views = [view_from_row(row, partners.get(row["id"], [])) for row in rows]
    if views:
        from events.people.figures import apply_attendance, attendance_of

        apply_attendance(views, attendance_of((v.id for v in views), session=session))
    return rows, views


def list_events(query: EventQuery, *, session: Session) -> list[EventView]:
    """The events that meet `query`, oldest first. With a window, a series gives its occurrences in it
    (each with `series_id` and `recurrence_id`); without one, a series is one row, as stored."""
    if query.campaigns:
        _check_campaigns(query.campaigns, session=session)
    partner_ids = _organisation_ids(query.partners, session=session) if query.partners else None
    views = _views(_conditions(query, partner_ids), query.limit, session=session)
    if not _windowed(query):
        return views
    series_conditions = _filter_conditions(query, partner_ids) + _series_window(query)
    series = _views(series_conditions, None, session=session)
    merged = _with_series(views, series, query.start, query.end, session=session)
    return merged[: query.limit] if query.limit else merged


def with_occurrences(views: list[EventView], start: datetime, end: datetime, *,
                     session: Session) -> list[EventView]:
    """`views` listed without a window, each series replaced by its occurrences in [start, end)."""
    series = [v for v in views if v.rrule or v.rdates]
    singles = [v for v in views if not (v.rrule or v.rdates)]
    return _with_series(singles, series, start, end, session=session)


def _with_series(singles: list[EventView], series: list[EventView], start: datetime | None, end: datetime | None,
                 *, session: Session) -> list[EventView]:
    """`singles` and the occurrences of `series` in [start, end), oldest first."""
    if not series:
        return singles
    replaced = overridden_starts([v.id for v in series], session=session)
    merged = singles + expanded(series, start, end, replaced)
    merged.sort(key=_start_and_id)
    return merged


def _start_and_id(view: EventView) -> tuple[datetime, int]:
    # In UTC: aware datetimes of one tzinfo compare without asking each zone its offset (2x faster sorting).
    return view.start.astimezone(UTC), view.id


def overridden_starts(series_ids: Sequence[int], *, session: Session) -> dict[int, set[datetime]]:
    """The original starts each series' overrides replace."""
    table = Event.__table__  # type: ignore[attr-defined]
    found: dict[int, set[datetime]] = defaultdict(set)
    for chunk in range(0, len(series_ids), 500):
        ids = series_ids[chunk:chunk + 500]
        stmt = select(table.c.series_id, table.c.recurrence_utc).where(table.c.series_id.in_(ids))
        for series_id, start in session.execute(stmt):
            if start is not None:
                found[series_id].add(start)
    return found


def view_event(event_id: int, *, session: Session) -> EventView:
    (view,) = list_events(EventQuery(ids=(event_id,)), session=session)
    return view
