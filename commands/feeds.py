"""calendar-app commands of the feeds area: `feed ...`, `export`, `import` and `serve`.

Registered by cli.py with `register(app)`; the same rules hold as in every command module: parse, call
one service function, print; heavy imports inside the commands.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from calendar_app.i18n import gettext as _
from commands.common import JsonOpt, StreamOpt, app_of, emit_json, group, now, shown, with_filters
from events.bounds import MAX_RETENTION_DAYS
from events.errors import N_

feed_app = group("iCalendar feeds staff subscribe to (public, or private behind a secret URL).")

KindOpt = Annotated[list[str] | None, typer.Option("--kind", help="Event kind (repeatable).")]
RegionOpt = Annotated[list[str] | None, typer.Option("--region", help="Region slug or name (repeatable).")]
PartnerOpt = Annotated[list[str] | None, typer.Option("--partner", help="Partner organisation (repeatable).")]
ProgrammeOpt = Annotated[list[str] | None, typer.Option("--programme", help="Programme name (repeatable).")]
CampaignOpt = Annotated[list[str] | None, typer.Option(
    "--campaign", help="Campaign slug (repeatable): its editions as all-day entries, and its events.")]
StatusOpt = Annotated[list[str] | None, typer.Option("--status", help="Event status (repeatable).")]
VisibilityOpt = Annotated[list[str] | None, typer.Option(
    "--visibility", help="public, internal or confidential (repeatable); confidential only with --private "
    "(a public feed asking for it is refused).")]
DetailOpt = Annotated[str, typer.Option(help="full, or busy (times only: no title, description, location, "
                                        "partners).")]
KeepOpt = Annotated[int, typer.Option("--keep-cancelled", help="Days a cancelled event stays in the feed, "
                                      f"marked, before it leaves (0 to {MAX_RETENTION_DAYS}).")]


def _json(value: Any) -> None:
    from commands.output.events import json_bytes

    emit_json(json_bytes(value))


def _show_feed(info: Any, as_json: bool, message: str) -> None:
    if as_json:
        _json(info.as_json())
        return
    typer.echo(message)
    filters = ", ".join(f"{k}={'|'.join(v)}" for k, v in info.filters.items() if v) or _("all events")
    line = _("  {access}, detail {detail}, {filters}, cancelled events kept {days} days").format(
        access=_("private") if info.private else _("public"), detail=info.detail, filters=filters,
        days=info.cancelled_days)
    typer.echo(line + (_(", with tasks") if info.tasks else "") + (_(", with attendees") if info.attendees else ""))
    if info.alarms or info.alarms_from_reminders:
        fixed = [_("{minutes} min before the start").format(minutes=m) for m in info.alarms]
        plan = [_("each event's reminder plan")] if info.alarms_from_reminders else []
        typer.echo(_("  alarms: {alarms}").format(alarms=", ".join(plan + fixed)))
    if info.url:
        from calendar_app.feeds import webcal

        typer.echo(_("  subscribe: {url}").format(url=webcal(info.url)))
        typer.echo(info.url)


@feed_app.command("add")
def feed_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Short name; part of a public feed's URL (letters, digits, - _).")],
    kind: KindOpt = None, region: RegionOpt = None, partner: PartnerOpt = None, programme: ProgrammeOpt = None,
    status: StatusOpt = None, visibility: VisibilityOpt = None, campaign: CampaignOpt = None,
    private: Annotated[bool, typer.Option("--private", help="Publish behind a secret token URL.")] = False,
    detail: DetailOpt = "full",
    keep_cancelled: KeepOpt = 30,
    color: Annotated[str | None, typer.Option(help="Calendar colour: a CSS3 colour name (e.g. teal) or "
                                              "#rgb / #rrggbb.")] = None,
    description: Annotated[str | None, typer.Option(help="What the calendar is, shown by clients.")] = None,
    alarm: Annotated[list[str] | None, typer.Option("--alarm", help="Add a reminder this long before each "
                                                    "event (repeatable: --alarm 1d --alarm 2h); default none.")] = None,
    alarms_from_reminders: Annotated[bool, typer.Option(
        "--alarms-from-reminders", help="Add each event's own reminders as alarms: its kind's defaults "
        "(e.g. a consultation: 1 day and 2 hours before) or its --remind rules; off by default, full detail "
        "only.")] = False,
    tasks: Annotated[bool, typer.Option("--tasks", help="Private feeds only: add the workflow tasks of the "
                                        "feed's events as to-dos (VTODO), with assignee and due time.")] = False,
    attendees: Annotated[bool, typer.Option("--attendees", help="Private full-detail feeds only: list each "
                                            "event's participants (name, role, answer) as ATTENDEE lines; never for "
                                            "confidential events.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Make a feed; prints its URL last (a private feed's secret URL is shown only now and by `rotate`).

    Example:

    \b
      calendar-app feed add staff-busy --private --detail busy --visibility public --visibility internal
      calendar-app feed add 16-days --campaign 16-days --color orange
      calendar-app feed add my-consultations --private --kind consultation --alarms-from-reminders
      calendar-app feed add ub-tasks --private --tasks --region ulaanbaatar
      calendar-app feed add organisers --private --attendees
    """
    from calendar_app import feeds
    from exports.feeds import FeedSpec

    spec = with_filters(FeedSpec, name=name, kinds=kind, regions=region, partners=partner, programmes=programme,
                        statuses=status, visibilities=visibility, campaigns=campaign, private=private,
                        detail=detail, cancelled_days=keep_cancelled, color=color, description=description,
                        alarms=alarm or (), alarms_from_reminders=alarms_from_reminders, tasks=tasks,
                        attendees=attendees)
    info = feeds.add_feed(spec, app=app_of(ctx), now=now(ctx))
    _show_feed(info, as_json, _("Feed {name} added.").format(name=info.name))


@feed_app.command("list")
def feed_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the feeds with their filters (private feeds' URLs are secret and not kept).

    Example:

    \b
      calendar-app feed list --json
    """
    from calendar_app import feeds

    infos = feeds.list_feeds(app=app_of(ctx))
    if as_json:
        _json([i.as_json() for i in infos])
        return
    if not infos:
        typer.echo(_("No feeds yet: make one with 'calendar-app feed add public-events --visibility public'"))
    for info in infos:
        filters = ", ".join(f"{k}={'|'.join(v)}" for k, v in info.filters.items() if v) or _("all events")
        where = info.url or _("(secret URLs: see 'feed token list')")
        tasks = "  " + _("tasks") if info.tasks else ""
        access = _("private") if info.private else _("public")
        typer.echo(f"{info.name}  {access}  {info.detail}{tasks}  {filters}  {where}")


@feed_app.command("url")
def feed_url(ctx: typer.Context, name: Annotated[str, typer.Argument()], as_json: JsonOpt = False) -> None:
    """Print a public feed's URL (last line). A private feed's secret URL is not kept: use `feed rotate`.

    Example:

    \b
      calendar-app feed url public-events
    """
    from calendar_app import feeds
    from exports.errors import PrivateFeedUrl

    info = feeds.feed_info(name, app=app_of(ctx))
    if info.url is None:
        raise PrivateFeedUrl(info.name)
    _show_feed(info, as_json, _("Feed {name}:").format(name=info.name))


@feed_app.command("rotate")
def feed_rotate(ctx: typer.Context, name: Annotated[str, typer.Argument()], as_json: JsonOpt = False) -> None:
    """Give a private feed a new secret URL; every old one answers 404 from now on.

    To replace one lost URL without breaking the other subscribers, use 'feed token add' and
    'feed token revoke' instead.

    Example:

    \b
      calendar-app feed rotate staff-busy
    """
    from calendar_app import feeds

    info = feeds.rotate_feed(name, app=app_of(ctx), now=now(ctx))
    message = _("Feed {name} has a new secret URL; the old ones no longer work.").format(name=info.name)
    _show_feed(info, as_json, message)


@feed_app.command("remove")
def feed_remove(ctx: typer.Context, name: Annotated[str, typer.Argument()], as_json: JsonOpt = False) -> None:
    """Remove a feed; its URL answers 404 from now on. The events stay.

    Example:

    \b
      calendar-app feed remove staff-busy
    """
    from calendar_app import feeds

    info = feeds.remove_feed(name, app=app_of(ctx), now=now(ctx))
    if as_json:
        _json(info.as_json())
    else:
        typer.echo(_("Feed {name} removed.").format(name=info.name))


def export(
    ctx: typer.Context,
    kind: KindOpt = None, region: RegionOpt = None, partner: PartnerOpt = None, programme: ProgrammeOpt = None,
    status: StatusOpt = None, campaign: CampaignOpt = None,
    visibility: Annotated[list[str] | None, typer.Option(
        "--visibility", help="public, internal or confidential (repeatable; default public and internal: "
        "confidential events only when named).")] = None,
    start: Annotated[str | None, typer.Option("--from", help="Events ending after this: 01.11.2026, "
                                                                 "2026-11-01, today.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Events starting before this.")] = None,
    detail: DetailOpt = "full",
    name: Annotated[str, typer.Option(help="The calendar's name as clients show it.")] = "calendar-app",
    keep_cancelled: KeepOpt = 30,
    output: Annotated[str | None, typer.Option("-o", "--output", help="File to write, replaced atomically; "
                                               "- or none: stdout.")] = None,
    stream: StreamOpt = False,
    alarms_from_reminders: Annotated[bool, typer.Option(
        "--alarms-from-reminders", help="Add each event's reminder plan as alarms (full detail only).")] = False,
) -> None:
    """Write events as one iCalendar file (streamed: 100,000 events do not sit in memory).

    Example:

    \b
      calendar-app export --region bishkek --from 2025-11-01 -o bishkek.ics
      calendar-app export --campaign 16-days --from 2025-01-01 -o 16-days.ics
    """
    from calendar_app import feeds

    request = with_filters(
        feeds.ExportRequest, kinds=kind, regions=region, partners=partner, programmes=programme, statuses=status,
        visibilities=visibility, campaigns=campaign, start=start, end=end, detail=detail, name=name,
        cancelled_days=keep_cancelled, alarms_from_reminders=alarms_from_reminders,
    )
    app = app_of(ctx)
    count = feeds.export_to_file(request, output or "-", app=app, now=app.now(), stream=stream)
    if output not in (None, "-"):
        typer.echo(_("Exported {count} events to {output}").format(count=count, output=output), err=True)


# The import summary's words, by the report's status (exports/upsert.py STATUSES).
IMPORT_COUNTS = {"added": N_("{count} added"), "updated": N_("{count} updated"),
                 "unchanged": N_("{count} unchanged"), "skipped": N_("{count} skipped"),
                 "rejected": N_("{count} rejected")}
IMPORT_STATUSES = {"added": N_("added"), "updated": N_("updated"), "unchanged": N_("unchanged"),
                   "skipped": N_("skipped"), "rejected": N_("rejected")}


def import_(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="An .ics file (Google, Outlook, Thunderbird or calendar-app export).")],
    kind: Annotated[str | None, typer.Option(help="Kind for events that carry none (default meeting).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report; change nothing.")] = False,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Import the good events, report the bad "
                                           "(default: a bad event rejects the whole file).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import events from an .ics file: upsert by UID (a higher SEQUENCE wins), never a duplicate.

    A recurring series stays one series (RRULE, RDATE, EXDATE; open-ended too); a moved or cancelled
    occurrence (RECURRENCE-ID) is attached to its series in the file or the store, and one whose series is
    nowhere is imported as a single event, said so. Every component is accounted for: added, updated,
    unchanged, skipped (to-dos, journal entries) or rejected, with its line and UID; --json lists them all.

    Example:

    \b
      calendar-app import partners.ics --kind meeting --dry-run
    """
    from calendar_app import feeds

    report = feeds.import_file(path, kind=kind, dry_run=dry_run, skip_bad=skip_bad, app=app_of(ctx),
                               now=now(ctx))
    if as_json:
        _json(report.as_json())
        return
    prefix = _("Dry run, nothing written: ") if dry_run else ""
    counts = report.counts()
    typer.echo(prefix + ", ".join(_(IMPORT_COUNTS[status]).format(count=count) for status, count in counts.items()))
    for entry in report.entries:  # every component not simply added, updated or unchanged, and every note
        if entry.status in ("skipped", "rejected") or entry.reason:
            status = _(IMPORT_STATUSES[entry.status])
            typer.echo(f"  {status} {entry.component} {shown(entry.where)}: {shown(entry.reason)}")


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    workers: Annotated[int, typer.Option(help="Server processes sharing the port (one per CPU is a good "
                                         "start).")] = 1,
    reminders: Annotated[bool, typer.Option("--reminders/--no-reminders", help="Run the reminder dispatcher "
                                            "beside the server (off when a separate 'scheduler run' does).")] = True,
    access_log: Annotated[bool, typer.Option("--access-log/--no-access-log", help="One line per request on "
                                             "stderr: method, path (private tokens masked), status, bytes, "
                                             "milliseconds.")] = True,
    header_timeout: Annotated[float, typer.Option(min=0.1, max=300, help="Seconds a client has to send a "
                                                  "request's headers before it is disconnected.")] = 5.0,
    max_connections: Annotated[int, typer.Option(min=1, max=100_000, help="Connections served at once per "
                                                 "process; beyond them requests are answered 503.")] = 1000,
) -> None:
    """Serve the feeds over HTTP (ETag, 304, gzip) and send reminders; `/` lists the public feeds.

    Example:

    \b
      CALENDAR_APP_BASE_URL=https://calendar.example.org calendar-app serve --port 8080
    """
    from calendar_app.feeds import public_path
    from calendar_app.web.guard import Limits
    from calendar_app.web.serving import ServeInfo
    from calendar_app.web.serving import serve as serve_feeds

    def ready(info: ServeInfo) -> None:
        typer.echo(_("Serving feeds on {listen} (public links use {base_url}); Ctrl-C stops.").format(
            listen=info.listen, base_url=info.base_url))
        for feed in info.feeds:
            private = _("private: new secret URL by 'feed rotate'")
            typer.echo(f"  {feed.name}: {private if feed.private else info.base_url + public_path(feed.name)}")
        if info.reminders:
            typer.echo(_("Reminders: the dispatcher runs beside the server ({how}).").format(
                how=shown(info.reminders)))

    limits = Limits(header_seconds=header_timeout, max_connections=max_connections)
    serve_feeds(app_of(ctx), host=host, port=port, workers=workers, reminders=reminders, access_log=access_log,
                limits=limits, on_ready=ready)


def _add_token_group() -> None:
    from commands.feed_tokens import token_app

    feed_app.add_typer(token_app, name="token")


_add_token_group()


def commands() -> dict[str, Any]:
    return {"feed": feed_app, "export": export, "import": import_, "serve": serve}
