"""Service functions of `feed ...` and `export`: one transaction each, returning data, never printing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO

from sqlmodel import Session

from calendar_app.app import App
from calendar_app.history.tracking import record_row, row_state
from calendar_app.kinds import checked_kinds, kinds_for, known_kinds
from calendar_app.rendered import ChunkKeeper
from calendar_app.services import parse_window
from events.history.record import record_change
from events.queries import ListFilters, filter_lists
from exports import feed_tokens, feeds
from exports.cache import iter_feed
from exports.feed_tokens import TokenInfo
from exports.models import DEFAULT_CANCELLED_DAYS
from exports.render import CalendarHead, Detail
from exports.selection import Selection, plan
from exports.upsert import ImportReport

FEED = "feed"


def public_path(name: str) -> str:
    return f"/feeds/{name}.ics"


def private_path(token: str) -> str:
    return f"/private/{token}.ics"


def webcal(url: str) -> str:
    return "webcal://" + url.split("://", 1)[1]


@dataclass(frozen=True)
class FeedInfo:
    """A feed as `feed list` / `--json` show it; `url` is None for a private feed (its token is not kept)."""

    name: str
    private: bool
    detail: str
    filters: dict[str, list[str]]
    cancelled_days: int
    url: str | None
    alarms: tuple[int, ...] = ()
    alarms_from_reminders: bool = False
    tasks: bool = False  # carries the workflow tasks of its events as VTODOs
    attendees: bool = False  # carries the events' participants as ATTENDEE lines

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "private": self.private, "detail": self.detail, "filters": self.filters,
                "keep_cancelled_days": self.cancelled_days, "alarm_minutes": list(self.alarms),
                "alarms_from_reminders": self.alarms_from_reminders, "tasks": self.tasks, "attendees": self.attendees,
                "url": self.url}


def _info(feed: feeds.Feed, base_url: str, token: str | None = None) -> FeedInfo:
    url: str | None = base_url + public_path(feed.name)
    if feed.private:
        url = base_url + private_path(token) if token else None
    return FeedInfo(feed.name, feed.private, feed.detail, feeds.feed_filters(feed), feed.cancelled_days, url,
                    feeds.feed_alarms(feed), feeds.feed_alarm_plan(feed), bool(feed.tasks), bool(feed.attendees))


def add_feed(spec: feeds.FeedSpec, *, app: App, now: datetime) -> FeedInfo:
    with app.write() as session:
        feed, token = feeds.add_feed(spec, session=session, now=now, kinds=kinds_for(spec.kinds, app=app))
        record_row(FEED, feed.id, None, feed, app=app, session=session, command="feed add", now=now)
        return _info(feed, app.settings.public_url, token)


def list_feeds(*, app: App) -> list[FeedInfo]:
    with app.read() as session:
        return [_info(f, app.settings.public_url) for f in feeds.list_feeds(session=session)]


def feed_info(name: str, *, app: App) -> FeedInfo:
    with app.read() as session:
        return _info(feeds.find_feed(name, session=session), app.settings.public_url)


def _feed_state(feed: Any, *, session: Session) -> dict[str, Any]:
    """A feed as the history keeps it: its row, and the shown prefixes of its working tokens (never a secret)."""
    tokens = [row.prefix or "?" for row in feed_tokens.list_tokens(feed, session=session, include_revoked=False)]
    return {**(row_state(feed) or {}), "tokens": sorted(tokens)}


def _record_tokens(feed: Any, before: dict[str, Any], *, app: App, session: Session, command: str,
                   now: datetime) -> None:
    if feed.id is not None:
        record_change(session, FEED, feed.id, before, _feed_state(feed, session=session), actor=app.settings.actor,
                      command=command, now=now)


def rotate_feed(name: str, *, app: App, now: datetime) -> FeedInfo:
    with app.write() as session:
        before = _feed_state(feeds.find_feed(name, session=session), session=session)
        feed, token = feeds.rotate_token(name, session=session, now=now)
        _record_tokens(feed, before, app=app, session=session, command="feed rotate", now=now)
        return _info(feed, app.settings.public_url, token)


@dataclass(frozen=True)
class NewToken:
    """A token just made: what `feed token add` prints (the URL, shown this once) and its listing."""

    info: TokenInfo
    url: str

    def as_json(self) -> dict[str, object]:
        return {**self.info.as_json(), "url": self.url}


def add_token(name: str, label: str | None, *, app: App, now: datetime) -> NewToken:
    """`feed token add`: one more secret URL for a private feed; the others keep working."""
    with app.write() as session:
        feed = feeds.find_feed(name, session=session)
        before = _feed_state(feed, session=session)
        row, secret = feed_tokens.add_token(feed, label, session=session, now=now)
        _record_tokens(feed, before, app=app, session=session, command="feed token add", now=now)
        return NewToken(feed_tokens.token_info(row, feed), app.settings.public_url + private_path(secret))


def list_tokens(name: str, *, app: App, include_revoked: bool = False) -> list[TokenInfo]:
    with app.read() as session:
        feed = feeds.find_feed(name, session=session)
        rows = feed_tokens.list_tokens(feed, session=session, include_revoked=include_revoked)
        return [feed_tokens.token_info(row, feed) for row in rows]


def revoke_token(name: str, ref: str, *, app: App, now: datetime, allow_last: bool = False) -> TokenInfo:
    """`feed token revoke`: that token's URL answers 404 from now on; the feed's other tokens keep working."""
    with app.write() as session:
        feed = feeds.find_feed(name, session=session)
        before = _feed_state(feed, session=session)
        row = feed_tokens.revoke_token(feed, ref, session=session, now=now, allow_last=allow_last)
        _record_tokens(feed, before, app=app, session=session, command="feed token revoke", now=now)
        return feed_tokens.token_info(row, feed)


def remove_feed(name: str, *, app: App, now: datetime | None = None) -> FeedInfo:
    with app.write() as session:
        before = row_state(feeds.find_feed(name, session=session))
        feed = feeds.remove_feed(name, session=session)
        record_row(FEED, feed.id, before, None, app=app, session=session, command="feed remove",
                   now=now or app.now())
        return _info(feed, app.settings.public_url)


@dataclass(frozen=True, kw_only=True)
class ExportRequest(ListFilters):
    """`export` options as typed: the list filters, a window, and how the calendar is written."""

    start: str | None = None
    end: str | None = None
    detail: str = "full"
    name: str = "calendar-app"
    cancelled_days: int = DEFAULT_CANCELLED_DAYS
    alarms_from_reminders: bool = False


def export_calendar(
    request: ExportRequest, out: BinaryIO, *, app: App, now: datetime, stamp: datetime | None = None
) -> int:
    """Write the selected events to `out` as one calendar, a batch at a time; returns the event count
    (campaign editions, written first when `campaigns` are named, are not counted).

    An export is made by someone holding the database, so it is private: internal events are in it, and
    confidential ones only when `--visibility confidential` is given.
    """
    from events.drafts import choice

    start, end = parse_window(request.start, request.end, default_tz=app.settings.default_tz, now=now)
    selection = Selection(**{**filter_lists(request), "kinds": checked_kinds(request.kinds, app=app)}, private=True,
                          start=start, end=end,
                          cancelled_for=timedelta(days=feeds.check_keep_days(request.cancelled_days)))
    detail = choice(Detail, request.detail, "detail")
    reminder_defaults = None
    if request.alarms_from_reminders:
        if detail is Detail.busy:
            from events.errors import N_, InvalidInput

            raise InvalidInput(template=N_("{alarms_from_reminders} hints at what each event is: a busy-only export "
                               "cannot carry it; use {detail} full"))
        reminder_defaults = app.kind_defaults()
    with app.read() as session:
        chosen = plan(selection, session=session, now=now)
        for piece in iter_feed(chosen, CalendarHead(name=request.name), detail=detail, session=session,
                               stamp=stamp, reminder_defaults=reminder_defaults, store=ChunkKeeper(app.store.engine)):
            out.write(piece)
        return len(chosen.ids)


def export_to_file(request: ExportRequest, path: str, *, app: App, now: datetime, stream: bool = False) -> int:
    """Export into `path` by the rules of `calendar_app.outfile` (`-` is stdout; a regular file is replaced
    atomically, so a failed export leaves no half file; anything else only with `stream`)."""
    from calendar_app.outfile import output_file

    with output_file(path, stream=stream) as out:
        return export_calendar(request, out, app=app, now=now)


def import_file(
    path: str, *, kind: str | None, dry_run: bool, skip_bad: bool, app: App, now: datetime,
    max_bytes: int | None = None,
) -> ImportReport:
    """Import an .ics file in one transaction: all of it, or (with `skip_bad`) exactly its good events.

    The file is read a component at a time (memory does not grow with it) and written in batches; the
    report accounts for every component. A damaged file, or any bad component without `skip_bad`, raises
    and nothing is written; `dry_run` reads the store and writes nothing."""
    from pathlib import Path

    from events.errors import joined
    from exports.components import Components
    from exports.errors import BadEvents
    from exports.icsstream import MAX_BYTES, blocks, logical_lines, open_calendar
    from exports.upsert import Writer

    source = Path(path).name or path
    limit = max_bytes or MAX_BYTES
    components = Components(default_kind=kind, default_tz=app.settings.default_tz, kinds=known_kinds(app=app))
    with open_calendar(path, max_bytes=limit) as stream, (app.read() if dry_run else app.write()) as session:
        writer = Writer(session=session, now=now, dry_run=dry_run, skip_bad=skip_bad)
        try:
            for block in blocks(logical_lines(stream, source=source, max_bytes=limit), source=source):
                writer.take_all(components.take(block))
            writer.take_all(components.finish())
        finally:
            components.close()
        report = writer.finish()
        if writer.refused:
            bad = report.rejected
            raise BadEvents(source, [joined([where, reason], ": ") for where, reason in bad[:3]], len(bad))
        return report
