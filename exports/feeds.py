"""Feeds: named selections published as iCalendar, public by name or private behind a secret token.

Tokens have 256 random bits (`secrets.token_urlsafe(32)`); only their sha256 is stored, so a private
feed's URL can be shown when it is made or rotated, never again.

Settings are checked when the feed is stored, so a GET never meets one it cannot serve: the days cancelled
events stay and the alarm offsets within `events.bounds`, the colour as CSS3 names it (or `#rgb`/`#rrggbb`),
texts without control characters, and confidential events only for a private feed.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlmodel import Session, col, select

from events.bounds import MAX_RETENTION_DAYS, MAX_TEXT, check_offset, check_text
from events.drafts import BUILT_IN_KINDS, choice, kind_of
from events.models import EventStatus, Visibility
from events.queries import FILTER_LISTS, ListFilters
from events.regions import find_region
from exports.errors import (
    AlarmsNeedFullDetail,
    AttendeesNeedFullDetail,
    AttendeesNeedPrivate,
    ConfidentialNeedsPrivate,
    DuplicateFeed,
    FeedNotFound,
    InvalidFeedColor,
    InvalidFeedName,
    KeepDaysOutOfRange,
    PublicFeedSecret,
    TasksNeedFullDetail,
    TasksNeedPrivate,
)
from exports.models import DEFAULT_CANCELLED_DAYS, PLAN_TOKEN, Feed
from exports.render import CalendarHead, Detail
from exports.selection import Selection

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class FeedSpec(ListFilters):
    """A feed as typed by a coordinator: its name, the list filters (keyword-only), and how it is published.
    Its campaigns bring their editions (as all-day entries) and their events."""

    name: str
    _: KW_ONLY  # the name alone is positional: FeedSpec("staff", private=True)
    private: bool = False
    detail: str = "full"
    cancelled_days: int = DEFAULT_CANCELLED_DAYS
    color: str | None = None
    description: str | None = None
    alarms: Sequence[str] = ()  # durations before the start: 1d, 2h, 30m
    alarms_from_reminders: bool = False  # each event's reminder plan as VALARMs (see exports.alarm_plan)
    tasks: bool = False  # private feeds only: the workflow tasks of the events as VTODOs
    attendees: bool = False  # private full-detail feeds only: participants as ATTENDEE lines (exports.attendees)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _checked_filters(spec: FeedSpec, *, session: Session, kinds: Sequence[str]) -> dict[str, list[str]]:
    """Filter values checked and normalised now, so a typo fails at `feed add`, not at every GET."""
    from events.campaigns.services import find_campaign

    return {
        "campaigns": list(dict.fromkeys(find_campaign(c, session=session).slug for c in spec.campaigns)),
        "kinds": [kind_of(k, kinds) for k in spec.kinds],
        "regions": [find_region(r).slug for r in spec.regions],
        "partners": [check_text(p.strip(), "the partner") for p in spec.partners if p.strip()],
        "programmes": [check_text(p.strip(), "the programme") for p in spec.programmes if p.strip()],
        "statuses": [choice(EventStatus, s, "status").value for s in spec.statuses],
        "visibilities": [choice(Visibility, v, "visibility").value for v in spec.visibilities],
    }


def alarm_minutes(durations: Sequence[str]) -> list[int]:
    """Alarm offsets as typed (`1d`, `2h`) in minutes, largest first, repeats dropped."""
    from events.errors import Field
    from events.timeparse import parse_duration

    offsets = (check_offset(parse_duration(d, Field.ALARM), Field.ALARM) for d in durations)
    return sorted({int(offset.total_seconds() // 60) for offset in offsets}, reverse=True)


def checked_color(text: str | None) -> str | None:
    """A feed's colour as CSS3 knows it: a named colour (lower-case) or `#rrggbb` (`#rgb` widened); None for
    none. webcolors holds the CSS3 table."""
    import webcolors

    value = (text or "").strip().lower()
    if not value:
        return None
    try:
        if value.startswith("#"):
            return webcolors.normalize_hex(value)
        webcolors.name_to_hex(value, spec="css3")
    except ValueError:
        raise InvalidFeedColor(text or "") from None
    return value


@cache
def color_name(stored: str | None) -> str | None:
    """The calendar's COLOR: RFC 7986 takes a CSS3 name, so a `#rrggbb` colour gives the nearest one (by RGB
    distance: no library picks a nearest name). A value stored before colours were checked that is neither
    is left out rather than poisoning the feed."""
    import webcolors

    try:
        value = checked_color(stored)
    except InvalidFeedColor:
        return None
    if value is None or not value.startswith("#"):
        return value
    target = webcolors.hex_to_rgb(value)
    return min(webcolors.names("css3"), key=lambda name: sum(
        (a - b) ** 2 for a, b in zip(webcolors.name_to_rgb(name, spec="css3"), target, strict=True)))


def check_keep_days(days: int) -> int:
    """`days` if a feed or an export may keep cancelled events that long (0..`events.bounds.MAX_RETENTION_DAYS`)."""
    if not 0 <= days <= MAX_RETENTION_DAYS:
        raise KeepDaysOutOfRange(days, MAX_RETENTION_DAYS)
    return days


def kept_days(days: int) -> int:
    """`Feed.cancelled_days` within bounds (a row stored before they were checked must not fail a GET)."""
    return min(max(days, 0), MAX_RETENTION_DAYS)


def feed_alarms(feed: Feed) -> tuple[int, ...]:
    """The feed's fixed alarm offsets, minutes before the start."""
    return tuple(int(m) for m in feed.alarms.split(",") if m and m != PLAN_TOKEN)


def feed_alarm_plan(feed: Feed) -> bool:
    """True when the feed shows each event's reminder plan as VALARMs (`--alarms-from-reminders`)."""
    return PLAN_TOKEN in feed.alarms.split(",")


def stored_alarms(spec: FeedSpec) -> str:
    """`Feed.alarms` of a spec: the plan token first when asked for, then the fixed offsets."""
    return ",".join([*([PLAN_TOKEN] if spec.alarms_from_reminders else []),
                     *(str(m) for m in alarm_minutes(spec.alarms))])


def find_feed(name: str, *, session: Session) -> Feed:
    feed = session.exec(select(Feed).where(col(Feed.name) == name.strip())).first()
    if feed is None:
        raise FeedNotFound(name)
    return feed


def feed_by_token(token: str, *, session: Session) -> Feed | None:
    """The private feed of this token, or None (the caller answers a plain 404 either way)."""
    return session.exec(
        select(Feed).where(col(Feed.token_hash) == hash_token(token), col(Feed.private).is_(True))
    ).first()


def public_feed(name: str, *, session: Session) -> Feed | None:
    return session.exec(select(Feed).where(col(Feed.name) == name, col(Feed.private).is_(False))).first()


def add_feed(spec: FeedSpec, *, session: Session, now: datetime,
             kinds: Sequence[str] = BUILT_IN_KINDS) -> tuple[Feed, str | None]:
    """The new feed and, for a private one, its secret token (shown once: only the hash is kept); the kinds
    it filters on must be among `kinds`."""
    name = spec.name.strip()
    if not _NAME.match(name):
        raise InvalidFeedName(spec.name)
    if session.exec(select(Feed).where(col(Feed.name) == name)).first() is not None:
        raise DuplicateFeed(name)
    check_keep_days(spec.cancelled_days)
    detail = choice(Detail, spec.detail, "detail")
    if spec.alarms_from_reminders and detail is Detail.busy:
        raise AlarmsNeedFullDetail()
    if spec.tasks and not spec.private:
        raise TasksNeedPrivate(name)
    if spec.tasks and detail is Detail.busy:
        raise TasksNeedFullDetail(name)
    if spec.attendees and not spec.private:
        raise AttendeesNeedPrivate(name)
    if spec.attendees and detail is Detail.busy:
        raise AttendeesNeedFullDetail(name)
    filters = _checked_filters(spec, session=session, kinds=kinds)
    if not spec.private and Visibility.confidential in filters["visibilities"]:
        raise ConfidentialNeedsPrivate(name)
    description = check_text(spec.description, "the feed description", limit=MAX_TEXT,
                             lines=True) if spec.description else None
    token = new_token() if spec.private else None
    feed = Feed(
        name=name, filters=json.dumps(filters, ensure_ascii=False, sort_keys=True),
        private=spec.private, detail=detail.value, token_hash=hash_token(token) if token else None,
        cancelled_days=spec.cancelled_days, color=checked_color(spec.color), description=description,
        alarms=stored_alarms(spec), tasks=spec.tasks, attendees=spec.attendees,
        created_at=now, updated_at=now,
    )
    session.add(feed)
    session.flush()
    return feed, token


def rotate_token(name: str, *, session: Session, now: datetime) -> tuple[Feed, str]:
    """A new token for a private feed; the old one stops working at once."""
    feed = find_feed(name, session=session)
    if not feed.private:
        raise PublicFeedSecret(feed.name)
    token = new_token()
    feed.token_hash = hash_token(token)
    feed.updated_at = now
    session.add(feed)
    session.flush()
    return feed, token


def remove_feed(name: str, *, session: Session) -> Feed:
    feed = find_feed(name, session=session)
    session.delete(feed)
    session.flush()
    return feed


def list_feeds(*, session: Session) -> list[Feed]:
    return list(session.exec(select(Feed).order_by(col(Feed.name))).all())


def feed_filters(feed: Feed) -> dict[str, list[str]]:
    stored = json.loads(feed.filters or "{}")
    return {key: list(stored.get(key, [])) for key in FILTER_LISTS}


def feed_selection(feed: Feed) -> Selection:
    return Selection(**feed_filters(feed), private=feed.private,  # type: ignore[arg-type]
                     cancelled_for=timedelta(days=kept_days(feed.cancelled_days)))


def feed_head(feed: Feed) -> CalendarHead:
    return CalendarHead(name=feed.name, description=feed.description, color=color_name(feed.color))
