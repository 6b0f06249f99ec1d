"""Roll-over: next year's edition of a campaign with a copy of its yearly programme.

Only reads the earlier edition and its events: nothing of the earlier year changes (tested byte for byte).
Copies go in with one executemany per table, as in `events.bulk`, so a national programme of thousands of
events rolls in well under a second.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
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
_SPLIT = ("participants_women", "participants_men")
_CHUNK = 1000  # ids per IN list, under every backend's bound-parameter limit

# Called once with {earlier event id: its copy's id}, inside the transaction: reminders and workflows copy
# their plans for the new events here (issue 4).
CopyHook = Callable[[Mapping[int, int]], None]


@dataclass(frozen=True)
class RollResult:
    edition: CampaignEdition
    source_year: int
    copied: tuple[int, ...]  # ids of the new events, in the order of the earlier ones


def _shifted(row: Mapping[str, Any], years: int) -> tuple[datetime, datetime]:
    """The same month-day and local time `years` later; the same length (in days for all-day events)."""
    first, last = local_days(row["start_utc"], row["end_utc"], row["timezone"])
    new_first = same_day_in(first, years)
    if row["all_day"]:
        span = all_day_span(new_first, new_first + (last - first), row["timezone"])
        return span.start_utc, span.end_utc
    tz = zone(row["timezone"])
    start = datetime.combine(new_first, row["start_utc"].astimezone(tz).time(), tzinfo=tz)
    return start, start + (row["end_utc"] - row["start_utc"])


def _copy_row(row: Mapping[str, Any], edition_id: int, years: int, now: datetime) -> dict[str, Any]:
    values = {k: v for k, v in row.items() if k not in _NOT_COPIED}
    if row["participants_actual"] is not None:  # the women/men split counted who came: a result, not a plan
        values.update(dict.fromkeys(_SPLIT))
    start, end = _shifted(row, years)
    values.update(uid=new_uid(), sequence=0, status=EventStatus.tentative.value, start_utc=start, end_utc=end,
                  campaign_edition_id=edition_id, participants_actual=None, cancel_reason=None,
                  created_at=now, updated_at=now)
    return values


def _copy_events(source: CampaignEdition, edition: CampaignEdition, *, session: Session, now: datetime
                 ) -> dict[int, int]:
    table = Event.__table__  # type: ignore[attr-defined]
    links = EventPartner.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        select(table)
        # A series (or one changed occurrence of it) already comes back by its rule: roll copies single
        # events, else next year would hold each occurrence twice.
        .where(table.c.campaign_edition_id == source.id, table.c.yearly.is_(True),
               table.c.status != EventStatus.cancelled.value, table.c.recurs.is_(False),
               table.c.series_id.is_(None))
        .order_by(table.c.start_utc, table.c.id)
    ).mappings().all()
    if not rows:
        return {}
    assert edition.id is not None
    copies = [_copy_row(dict(row), edition.id, edition.year - source.year, now) for row in rows]
    session.execute(insert(table), copies)
    old_ids = [row["id"] for row in rows]
    new_uids = [copy["uid"] for copy in copies]
    id_of_uid: dict[str, int] = {}
    partners: list[tuple[int, int]] = []
    for offset in range(0, len(rows), _CHUNK):
        chunk = new_uids[offset : offset + _CHUNK]
        for uid, event_id in session.execute(select(table.c.uid, table.c.id).where(table.c.uid.in_(chunk))):
            id_of_uid[uid] = event_id
        partners += [(event_id, org_id) for event_id, org_id in session.execute(
            select(links.c.event_id, links.c.organisation_id)
            .where(links.c.event_id.in_(old_ids[offset : offset + _CHUNK]))
            .order_by(links.c.event_id, links.c.organisation_id)
        )]
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
