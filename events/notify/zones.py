"""A contact's time zone when none is given (issue 13): from where the person is, never silently the server's.

In order: `--tz`; the contact's region; its organisation's usual region (where the organisation's events
as a partner are, else where its other contacts are); its language's country (mn: Mongolia, ky:
Kyrgyzstan; the configured zone when it lies in that country, so a Khovd office keeps Asia/Hovd, else the
capital's zone); the configured zone (`--tz` before the command, CALENDAR_APP_TZ, the config file); last,
the machine's zone, which the CLI then names as such so it is never taken silently.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, select

from events.models import Event, EventPartner
from events.notify.models import Contact
from events.regions import BISHKEK_TZ, REGIONS, ULAANBAATAR_TZ, find_region
from events.timeparse import checked_zone_name, zone

_LANGUAGE_COUNTRY = {"mn": ("MN", ULAANBAATAR_TZ), "ky": ("KG", BISHKEK_TZ)}
_COUNTRY_NAMES = {"mn": "Mongolia", "ky": "Kyrgyzstan"}


class ZoneFrom(StrEnum):
    """Where a contact's zone came from; the value is stable (`--json` key `timezone_from`)."""

    GIVEN = "given"
    REGION = "region"
    ORGANISATION = "organisation"
    LANGUAGE = "language"
    CONFIGURED = "configured"
    MACHINE = "machine"


@dataclass(frozen=True)
class ZoneChoice:
    zone: str
    source: ZoneFrom
    detail: str | None = None  # the region slug, organisation name or language it came from

    @property
    def words(self) -> str:
        """How the zone was chosen, in plain words for a confirmation line."""
        return {
            ZoneFrom.GIVEN: "as given",
            ZoneFrom.REGION: f"from the region {self.detail}",
            ZoneFrom.ORGANISATION: f"from {self.detail}'s usual region",
            ZoneFrom.LANGUAGE: f"from the language {self.detail} ({_COUNTRY_NAMES.get(str(self.detail), '')})",
            ZoneFrom.CONFIGURED: "the configured zone",
            ZoneFrom.MACHINE: "this machine's zone: nothing said where the person is",
        }[self.source]


@dataclass(frozen=True)
class Whereabouts:
    """What is known of where a contact is, besides a zone typed for it."""

    region: str | None = None  # a region slug
    organisation: str | None = None  # the organisation's name
    organisation_region: str | None = None  # its usual region's slug
    language: str | None = None


def choose_zone(tz: str | None, where: Whereabouts, *, default_tz: str, default_from: ZoneFrom) -> ZoneChoice:
    """The contact's zone by the order in the module's docstring. `default_from` says whether `default_tz`
    was configured (CONFIGURED) or is the machine's (MACHINE)."""
    given = checked_zone_name(tz)
    if given is not None:
        return ZoneChoice(given, ZoneFrom.GIVEN)
    if where.region:
        return ZoneChoice(find_region(where.region).timezone, ZoneFrom.REGION, where.region)
    if where.organisation_region:
        return ZoneChoice(find_region(where.organisation_region).timezone, ZoneFrom.ORGANISATION,
                          where.organisation)
    default = zone(default_tz).key
    if where.language in _LANGUAGE_COUNTRY:
        country, capital = _LANGUAGE_COUNTRY[where.language]
        in_country = default_from == ZoneFrom.CONFIGURED and any(
            r.country == country and r.timezone == default for r in REGIONS)
        return ZoneChoice(default if in_country else capital, ZoneFrom.LANGUAGE, where.language)
    return ZoneChoice(default, default_from)


def usual_region(organisation_id: int, *, session: Session) -> str | None:
    """The region most of the organisation's events as a partner are in, else most of its contacts; ties go
    to the most recent event (the highest contact id)."""
    events = session.exec(
        select(Event.region).join(EventPartner, col(EventPartner.event_id) == col(Event.id))
        .where(col(EventPartner.organisation_id) == organisation_id, col(Event.region).is_not(None))
        .order_by(col(Event.start_utc).desc())
    ).all()
    people = session.exec(select(Contact.region).where(
        col(Contact.organisation_id) == organisation_id, col(Contact.region).is_not(None))
        .order_by(col(Contact.id).desc())).all()
    for regions in (events, people):
        if regions:
            return Counter(r for r in regions if r).most_common(1)[0][0]
    return None

