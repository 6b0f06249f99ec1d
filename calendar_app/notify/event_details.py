"""`event show`: an event with what hangs on it: its campaign edition, who is notified, the reminders still
to go out and the workflow tasks. One read transaction; returns data, never prints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from calendar_app.app import App
from calendar_app.notify.services import PENDING, delivery_json, delivery_rows
from calendar_app.notify.views import task_json
from events import queries
from events.campaigns.models import Campaign, CampaignEdition
from events.models import Event, EventPartner
from events.notify.models import ContactGroup, EventRecipient, EventRecipientGroup, Task
from events.notify.recipients import recipient_contacts
from events.services import find_event
from events.views import EventView, event_json


@dataclass(frozen=True)
class EventDetails:
    """An event as `event show` prints it; `json()` is the event's stable object plus the added keys."""

    view: EventView
    campaign_name: str | None
    edition_theme: str | None
    contacts: tuple[dict[str, Any], ...]  # id, name, email and `via` of everyone reminded
    groups: tuple[str, ...]  # groups named with --notify group:NAME
    reminders: tuple[dict[str, Any], ...]  # deliveries still to go out (pending, claimed, held), soonest first
    tasks: tuple[dict[str, Any], ...]

    def json(self) -> dict[str, Any]:
        shown = event_json(self.view)
        if shown["campaign"] is not None:
            shown["campaign"] = {**shown["campaign"], "name": self.campaign_name, "theme": self.edition_theme}
        return {**shown, "notify": {"contacts": list(self.contacts), "groups": list(self.groups)},
                "reminders": list(self.reminders), "tasks": list(self.tasks)}


def event_details(ref: str, *, app: App, now: datetime) -> EventDetails:
    with app.read() as session:
        event = find_event(ref, session=session)
        assert event.id is not None
        view = queries.view_event(event.id, session=session)
        name, theme = _edition(view, session)
        rows = delivery_rows(session, statuses=PENDING, event_ref=str(event.id))
        groups = _groups(event.id, session)
        return EventDetails(
            view=view, campaign_name=name, edition_theme=theme,
            contacts=tuple(_contacts(event, groups, session)), groups=tuple(groups),
            reminders=tuple(delivery_json(*row, mail_domain=app.settings.mail_domain) for row in rows),
            tasks=tuple(_tasks(event, session, now)),
        )


def _edition(view: EventView, session: Session) -> tuple[str | None, str | None]:
    if view.campaign is None:
        return None, None
    row = session.exec(select(Campaign.name, CampaignEdition.theme)
                       .join(CampaignEdition, col(CampaignEdition.campaign_id) == Campaign.id)
                       .where(col(Campaign.slug) == view.campaign, col(CampaignEdition.year) == view.campaign_year)
                       ).first()
    return (row[0], row[1]) if row else (None, None)


def _contacts(event: Event, groups: list[str], session: Session) -> list[dict[str, Any]]:
    """Everyone the reminders go to (`recipient_contacts`), each with why: named with --notify, a member
    of a named group, of a partner organisation, or the organiser."""
    named = set(session.exec(select(EventRecipient.contact_id)
                             .where(col(EventRecipient.event_id) == event.id)).all())
    partner_orgs = set(session.exec(select(EventPartner.organisation_id)
                                    .where(col(EventPartner.event_id) == event.id)).all())
    shown = []
    for contact in recipient_contacts(event, session=session):
        member_of = set(session.exec(select(ContactGroup.name).where(col(ContactGroup.contact_id) == contact.id)).all())
        via = (["named"] if contact.id in named else []) + [f"group:{g}" for g in groups if g in member_of]
        if contact.organisation_id is not None and contact.organisation_id in partner_orgs:
            via.append("partner")
        if not via:
            via.append("organizer")
        shown.append({"id": contact.id, "name": contact.name, "email": contact.email, "via": via})
    return shown


def _groups(event_id: int, session: Session) -> list[str]:
    return list(session.exec(select(EventRecipientGroup.name)
                             .where(col(EventRecipientGroup.event_id) == event_id)
                             .order_by(col(EventRecipientGroup.name))).all())


def _tasks(event: Event, session: Session, now: datetime) -> list[dict[str, Any]]:
    found = session.exec(select(Task).where(col(Task.event_id) == event.id)
                         .order_by(col(Task.due_utc), col(Task.id))).all()
    return [task_json(task, event, now) for task in found]
