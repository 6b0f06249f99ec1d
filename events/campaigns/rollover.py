"""Roll-over: next year's edition of a campaign with a copy of its yearly programme.

Only reads the earlier edition and its events: nothing of the earlier year changes (tested byte for byte).
Each copy is one INSERT ... SELECT of its source, all in one executemany, and the partner links one more, so
a national programme of thousands of events rolls in well under a second.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, bindparam, case, insert, literal, null, select
from sqlmodel import Session

from events.campaigns.errors import EditionExists, EditionNotFound
from events.campaigns.models import Campaign, CampaignEdition
from events.campaigns.services import add_edition, check_year, find_edition, local_days, previous_edition
from events.campaigns.windows import same_day_in
from events.drafts import all_day_span
from events.models import Event, EventPartner, EventStatus
from events.services import new_uid
from events.timeparse import zone

# Never carried over: identity, state, and the results of the earlier year.
_NOT_COPIED = frozenset({"id", "participants_actual", "cancel_reason"})
# Set anew on each copy, in this order (see _copy_statement).
_NEW = ("uid", "sequence", "status", "start_utc", "end_utc", "campaign_edition_id", "participants_actual",
        "cancel_reason", "created_at", "updated_at")
_SPLIT = ("participants_women", "participants_men")

# Called once with {earlier event id: its copy's id}, inside the transaction: reminders and workflows copy
# their plans for the new events here (issue 4).
CopyHook = Callable[[Mapping[int, int]], None]


@dataclass(frozen=True)
class RollResult:
    edition: CampaignEdition
    source_year: int
    copied: tuple[int, ...]  # ids of the new events, in the order of the earlier ones


def _shifted(row: Mapping[Any, Any], years: int) -> tuple[datetime, datetime]:
    """The same month-day and local time `years` later; the same length (in days for all-day events)."""
    first, last = local_days(row["start_utc"], row["end_utc"], row["timezone"])
    new_first = same_day_in(first, years)
    if row["all_day"]:
        span = all_day_span(new_first, new_first + (last - first), row["timezone"])
        return span.start_utc, span.end_utc
    tz = zone(row["timezone"])
    start = datetime.combine(new_first, row["start_utc"].astimezone(tz).time(), tzinfo=tz)
    return start, start + (row["end_utc"] - row["start_utc"])


def _copy_statement() -> Insert:
    """INSERT ... SELECT of one earlier event (`source_id`) as its copy: the database copies the columns
    kept as they are, only the new values travel as parameters."""
    table = Event.__table__  # type: ignore[attr-defined]
    source = table.alias("source")
    kept = [c.name for c in table.columns if c.name not in _NOT_COPIED | set(_NEW) | set(_SPLIT)]
    # The women/men split of an event with a result counted who came: a result, not a plan.
    split = [case((source.c.participants_actual.is_(None), source.c[name]), else_=null()) for name in _SPLIT]
    new = [bindparam("new_uid"), literal(0), literal(EventStatus.tentative.value),
           bindparam("new_start", type_=table.c.start_utc.type), bindparam("new_end", type_=table.c.end_utc.type),
           bindparam("edition_id"), null(), null(), bindparam("now", type_=table.c.created_at.type),
           bindparam("now", type_=table.c.updated_at.type)]
    return insert(table).from_select(
        [*kept, *_SPLIT, *_NEW],
        select(*(source.c[name] for name in kept), *split, *new).where(source.c.id == bindparam("source_id")))


def _copy_events(source: CampaignEdition, edition: CampaignEdition, *, session: Session, now: datetime
                 ) -> dict[int, int]:
    table = Event.__table__  # type: ignore[attr-defined]
    links = EventPartner.__table__  # type: ignore[attr-defined]
    # A series (or one changed occurrence of it) already comes back by its rule: roll copies single
    # events, else next year would hold each occurrence twice.
    copied = (table.c.campaign_edition_id == source.id, table.c.yearly.is_(True),
              table.c.status != EventStatus.cancelled.value, table.c.recurs.is_(False), table.c.series_id.is_(None))
    rows = session.execute(
        select(table.c.id, table.c.start_utc, table.c.end_utc, table.c.timezone, table.c.all_day)
        .where(*copied).order_by(table.c.start_utc, table.c.id)
    ).mappings().all()
    if not rows:
        return {}
    years = edition.year - source.year
    copies = [{"source_id": row["id"], "new_uid": new_uid(), "edition_id": edition.id, "now": now,
               **dict(zip(("new_start", "new_end"), _shifted(row, years), strict=True))} for row in rows]
    session.execute(_copy_statement(), copies)
    old_ids = [row["id"] for row in rows]
    new_uids = [copy["new_uid"] for copy in copies]
    # The new edition holds the copies and nothing else yet.
    id_of_uid = dict(session.execute(
        select(table.c.uid, table.c.id).where(table.c.campaign_edition_id == edition.id)).all())
    partners = session.execute(
        select(links.c.event_id, links.c.organisation_id)
        .where(links.c.event_id.in_(select(table.c.id).where(*copied)))
        .order_by(links.c.event_id, links.c.organisation_id)).all()
    new_id = {old: id_of_uid[uid] for old, uid in zip(old_ids, new_uids, strict=True)}
    if partners:
        session.execute(insert(links), [{"event_id": new_id[e], "organisation_id": o} for e, o in partners])
    return new_id


def roll_edition(
    campaign: Campaign, to_year: int, themes: Sequence[str] = (), *, from_year: int | None = None,
    session: Session, now: datetime, on_copy: CopyHook | None = None,
) -> RollResult:
    """Make the `to_year` edition and copy the yearly events of the latest earlier edition (or `from_year`)
    to the same days: new UIDs, status tentative, partners and expected participants kept, results cleared."""
    check_year(to_year)
    if find_edition(campaign, to_year, session=session) is not None:
        raise EditionExists(campaign.slug, to_year)
    if from_year is not None:
        source = find_edition(campaign, from_year, session=session)
        if source is None:
            raise EditionNotFound(campaign.slug, from_year)
    else:
        source = previous_edition(campaign, to_year, session=session)
        if source is None:
            raise EditionNotFound(campaign.slug, to_year - 1)
    edition = add_edition(campaign, to_year, themes, session=session, now=now)
    new_id = _copy_events(source, edition, session=session, now=now)
    if on_copy is not None and new_id:
        on_copy(new_id)
    return RollResult(edition, source.year, tuple(new_id.values()))
