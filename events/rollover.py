"""Roll-over: next year's edition of a campaign with a copy of its yearly programme.

Only reads the earlier edition and its events: nothing of the earlier year changes (tested byte for byte).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlmodel import Session, col

from events.campaign_errors import EditionExists, EditionNotFound
from events.campaign_models import Campaign, CampaignEdition
from events.campaigns import add_edition, check_year, event_days, find_edition, previous_edition
from events.drafts import all_day_span
from events.models import Event, EventPartner, EventStatus
from events.services import new_uid
from events.timeparse import zone
from events.windows import same_day_in

# Never carried over: identity, state, and the results of the earlier year.
_NOT_COPIED = frozenset({
    "id", "uid", "sequence", "status", "cancel_reason", "participants_actual", "created_at", "updated_at",
    "campaign_edition_id", "start_utc", "end_utc",
})
_SPLIT = ("participants_women", "participants_men")

# Called with (earlier event, its copy) inside the transaction: reminders and workflows copy their plans.
CopyHook = Callable[[Event, Event], None]


@dataclass(frozen=True)
class RollResult:
    edition: CampaignEdition
    source_year: int
    copied: tuple[int, ...]  # ids of the new events


def _shifted(event: Event, years: int) -> tuple[datetime, datetime]:
    first, last = event_days(event)
    new_first = same_day_in(first, years)
    if event.all_day:
        span = all_day_span(new_first, new_first + (last - first), event.timezone)
        return span.start_utc, span.end_utc
    tz = zone(event.timezone)
    local_start = event.start_utc.astimezone(tz)
    start = datetime.combine(new_first, local_start.time(), tzinfo=tz)
    return start, start + (event.end_utc - event.start_utc)


def _copy(event: Event, edition: CampaignEdition, years: int, *, session: Session, now: datetime) -> Event:
    values = {k: v for k, v in event.model_dump().items() if k not in _NOT_COPIED}
    if event.participants_actual is not None:  # the women/men split counted who came: a result, not a plan
        values.update(dict.fromkeys(_SPLIT))
    start, end = _shifted(event, years)
    copy = Event(**values, uid=new_uid(), sequence=0, status=EventStatus.tentative, start_utc=start,
                 end_utc=end, campaign_edition_id=edition.id, created_at=now, updated_at=now)
    session.add(copy)
    session.flush()
    links = EventPartner.__table__  # type: ignore[attr-defined]
    org_ids = session.execute(
        select(links.c.organisation_id).where(links.c.event_id == event.id).order_by(links.c.organisation_id)
    ).scalars().all()
    if org_ids:
        session.execute(insert(links), [{"event_id": copy.id, "organisation_id": o} for o in org_ids])
    return copy


def roll_edition(
    campaign: Campaign, to_year: int, themes: Sequence[str] = (), *, from_year: int | None = None,
    session: Session, now: datetime, on_copy: CopyHook | None = None,
) -> RollResult:
    """Make the `to_year` edition and copy the yearly events of the latest earlier edition (or `from_year`)
    to the same days: new UIDs, status tentative, expected participants kept, results cleared."""
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
    stmt = (
        select(Event)
        .where(col(Event.campaign_edition_id) == source.id, col(Event.yearly).is_(True),
               col(Event.status) != EventStatus.cancelled)
        .order_by(col(Event.start_utc), col(Event.id))
    )
    copied = []
    for event in session.execute(stmt).scalars().all():
        copy = _copy(event, edition, to_year - source.year, session=session, now=now)
        if on_copy is not None:
            on_copy(event, copy)
        assert copy.id is not None
        copied.append(copy.id)
    return RollResult(edition, source.year, tuple(copied))


