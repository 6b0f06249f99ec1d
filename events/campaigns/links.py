"""Linking an event to a campaign edition when it is added or edited (`--campaign`, `--allow-outside`,
`--yearly`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from events.campaigns.services import check_in_window, edition_for_event, find_campaign
from events.errors import N_, MissingValue
from events.models import Event


@dataclass(frozen=True)
class CampaignLink:
    """What the coordinator asked for; all `None`/False means: leave the event's link as it is."""

    campaign: str | None = None  # a campaign slug: link to the edition of the event's dates
    unlink: bool = False
    allow_outside: bool = False
    yearly: bool | None = None


def apply_link(event: Event, link: CampaignLink, *, session: Session) -> None:
    """Set the event's edition and yearly flag; an event that stays linked must stay in its window unless
    `allow_outside`. Raises a typed error (the caller rolls back)."""
    if link.unlink:
        event.campaign_edition_id = None
        event.yearly = False
    elif link.campaign:
        campaign = find_campaign(link.campaign, session=session)
        edition = edition_for_event(campaign, event, allow_outside=link.allow_outside, session=session)
        event.campaign_edition_id = edition.id
    elif not link.allow_outside:
        check_in_window(event, session=session)
    if link.yearly is not None and not link.unlink:
        if link.yearly and event.campaign_edition_id is None:
            raise MissingValue(N_("the campaign"), N_("{yearly} marks part of a campaign's yearly programme: "
                                               "add a {campaign}"))
        event.yearly = link.yearly
    session.add(event)
    session.flush()
