"""`event` commands and `agenda`: what coordinators type most."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from calendar_app.i18n import gettext as _
from calendar_app.i18n import language, parse_language
from commands.bulk import (
    DryRun,
    Refs,
    Strict,
    WhereCampaign,
    WhereFrom,
    WhereKind,
    WhereRegion,
    WhereStatus,
    WhereTo,
    Yes,
    one_series_only,
    run_bulk,
    selection,
)
from commands.common import (
    AllowOutsideOpt,
    CampaignOpt,
    JsonOpt,
    Many,
    Ref,
    StreamOpt,
    WideOpt,
    app_of,
    emit_json,
    event_filter,
    group,
    now,
    show,
    show_event,
    terminal_width,
    warn,
)
from commands.history import register as register_history

event_app = group("Add, change, cancel and look up events.")
Notify = Annotated[list[str] | None, typer.Option(help="Contact (id or e-mail) or group:NAME to remind "
                                                  "(repeatable).")]
Remind = Annotated[list[str] | None, typer.Option(help="Reminder: 1d, 2h (before the start), end+3d (repeatable).")]
RepeatOpt = Annotated[str | None, typer.Option("--repeat", help="Repeat daily, weekly, monthly or yearly.")]
IntervalOpt = Annotated[int | None, typer.Option("--interval", help="Every N days/weeks/months/years "
                                                 "(with --repeat).")]
OnOpt = Annotated[list[str] | None, typer.Option("--on", help="Weekdays to repeat on: MO,WE (with --repeat).")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Last day of the series (with --repeat).")]
CountOpt = Annotated[int | None, typer.Option("--count", help="Number of occurrences (with --repeat).")]
RruleOpt = Annotated[str | None, typer.Option("--rrule", help="The full RFC 5545 rule instead of --repeat: "
                                              "'FREQ=MONTHLY;BYDAY=-1FR'.")]
RdateOpt = Annotated[list[str] | None, typer.Option("--rdate", help="An extra occurrence (repeatable).")]
ExdateOpt = Annotated[list[str] | None, typer.Option("--exdate", help="An occurrence left out (repeatable).")]
OccurrenceOpt = Annotated[str | None, typer.Option("--occurrence", help="Only the occurrence of a series that "
                                                   "starts then: '2027-01-11 10:00' (or its date).")]
FromOccurrenceOpt = Annotated[str | None, typer.Option("--from-occurrence", help="That occurrence and all "
                                                       "later ones (the series is split there).")]


# ---- event ----------------------------------------------------------------------------------------------

@event_app.command("add")
def event_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="The event's title, in any language.")],
    start: Annotated[str, typer.Option(help="Start: '24.12.2026 10:00' (day first), "
                                       "'2026-12-24 10:00', 2026-12-24T10:00+08:00, 'tomorrow 10:00', "
                                       "'next monday 10:00', 'ирэх Даваа 10:00', +3d; a date alone makes an "
                                       "all-day event.")],
    kind: Annotated[str, typer.Option(help="consultation, signing, round_table, launch, training, "
                                      "campaign_day, meeting, other, or a kind your workflows file adds "
                                      "('workflow list').")] = "meeting",
    end: Annotated[str | None, typer.Option(help="End (inclusive last day for all-day events).")] = None,
    duration: Annotated[str | None, typer.Option(help="Length instead of --end: 90m, 2h, 1d, 1w.")] = None,
    all_day: Annotated[bool, typer.Option("--all-day", help="Dates, not times; --end is the last day.")] = False,
    tz: Annotated[str | None, typer.Option("--tz", help="IANA zone; default: the region's zone.")] = None,
    region: Annotated[str | None, typer.Option(help="Region slug, Cyrillic name or alias.")] = None,
    location: Annotated[str | None, typer.Option(help="Venue and address.")] = None,
    description: Annotated[str | None, typer.Option()] = None,
    url: Annotated[str | None, typer.Option()] = None,
    partner: Annotated[list[str] | None, typer.Option(help="Partner organisation (repeatable).")] = None,
    programme: Annotated[str | None, typer.Option(help="The project or programme it belongs to.")] = None,
    organizer: Annotated[str | None, typer.Option()] = None,
    language: Annotated[str | None, typer.Option(help="Language of the texts: mn, ky, ru or en.")] = None,
    participants: Annotated[int | None, typer.Option(help="Expected participants.")] = None,
    actual: Annotated[int | None, typer.Option(help="Actual participants, once held.")] = None,
    women: Annotated[int | None, typer.Option(help="Of the participants, women.")] = None,
    men: Annotated[int | None, typer.Option(help="Of the participants, men.")] = None,
    status: Annotated[str, typer.Option(help="tentative, confirmed, postponed, cancelled or held.")] = "confirmed",
    visibility: Annotated[str, typer.Option(help="public, internal or confidential.")] = "internal",
    notify: Notify = None,
    remind: Remind = None,
    no_default_reminders: Annotated[bool, typer.Option("--no-default-reminders",
                                                       help="Only the --remind rules, not the kind's.")] = False,
    campaign: CampaignOpt = None,
    allow_outside: AllowOutsideOpt = False,
    yearly: Annotated[bool, typer.Option("--yearly", help="Part of the campaign's yearly programme: "
                                         "'campaign roll' copies it to next year.")] = False,
    repeat: RepeatOpt = None,
    interval: IntervalOpt = None,
    on: OnOpt = None,
    until: UntilOpt = None,
    count: CountOpt = None,
    rrule: RruleOpt = None,
    rdate: RdateOpt = None,
    exdate: ExdateOpt = None,
    strict: Strict = False,
    as_json: JsonOpt = False,
) -> None:
    """Add an event and print it; a public holiday on its dates prints a warning, and so does another event
    with the same title and start, or overlapping it with the same partner, organiser or region (--strict
    refuses those instead).

    Example:

    \b
      calendar-app event add "Жендэрийн эрх тэгш байдлын зөвшилцөх уулзалт" --kind consultation \\
        --start "2020-05-06 10:00" --duration 2h --region ulaanbaatar \\
        --partner "Ministry of Education" --visibility internal

    In a campaign (the edition of the event's dates; the day before the window is its lead-in day):

    \b
      calendar-app event add "16 хоногийн аяны үндэсний нээлт" --kind launch \\
        --start "2025-11-24 10:00" --region ulaanbaatar --campaign 16-days --yearly

    A weekly staff meeting on Mondays until the end of June:

    \b
      calendar-app event add "Staff meeting" --start "2027-01-04 10:00" --region bishkek \\
        --repeat weekly --on MO --until 2027-06-30
    """
    from calendar_app import services
    from events.campaigns.links import CampaignLink
    from events.drafts import NewEventDraft
    from events.recurrence.store import Repeat

    draft = NewEventDraft(
        title=title, start=start, kind=kind, end=end, duration=duration, all_day=all_day, tz=tz,
        region=region, location=location, description=description, url=url, partners=partner or [],
        programme=programme, organizer=organizer, language=language, participants=participants,
        participants_actual=actual, women=women, men=men, status=status, visibility=visibility,
        notify=notify or [], remind=remind or [], default_reminders=not no_default_reminders,
        repeat=Repeat(freq=repeat, interval=interval, on=on or [], until=until, count=count, rrule=rrule,
                      rdates=rdate or [], exdates=exdate or []),
    )
    link = CampaignLink(campaign=campaign, allow_outside=allow_outside, yearly=yearly or None)
    outcome = services.add_event(draft, link, app=app_of(ctx), now=now(ctx), strict=strict)
    warn(outcome.warnings)
    view = outcome.view
    show_event(view, as_json, _("Added event {id} (uid {uid})").format(id=view.id, uid=view.uid))


@event_app.command("list")
def event_list(
    ctx: typer.Context,
    start: Annotated[str | None, typer.Option("--from", help="Events ending after this: 24.12.2026, "
                                                                 "2026-12-24, today, monday.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Events starting before this.")] = None,
    days: Annotated[str | None, typer.Option(help="Window length from --from (or now): 30, 30d, 2w.")] = None,
    kind: Many = None,
    region: Many = None,
    partner: Many = None,
    programme: Many = None,
    status: Many = None,
    visibility: Many = None,
    search: Annotated[str | None, typer.Option(help="Words in title, description, location or organizer.")] = None,
    campaign: Annotated[list[str] | None, typer.Option(help="Campaign slug: events of its editions.")] = None,
    limit: Annotated[int | None, typer.Option(min=1)] = None,
    wide: WideOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """List events, oldest first; filters repeat (--kind consultation --kind signing) and combine.

    Example:

    \b
      calendar-app event list --from 2020-05-01 --to 2020-06-01 --region ulaanbaatar --search зөвшилцөх
    """
    from calendar_app import services
    from commands.output import events as output

    filters = event_filter(start=start, end=end, days=days, kinds=kind, regions=region, partners=partner,
                      programmes=programme, statuses=status, visibilities=visibility, text=search, limit=limit,
                      campaigns=campaign)
    events = services.list_events(filters, app=app_of(ctx), now=now(ctx))
    if as_json:
        emit_json(output.events_json(events))
    else:
        show(output.events_table(events, width=terminal_width(wide)), wide=wide)


@event_app.command("show")
def event_show(ctx: typer.Context, ref: Ref, as_json: JsonOpt = False) -> None:
    """Show one event with its campaign edition, who is notified, the reminders still to go out and its
    tasks, partners one per line; a series also shows its rule in words and its next occurrences.

    Example:

    \b
      calendar-app event show 3 --json
    """
    from calendar_app import services
    from calendar_app.notify.event_details import event_details
    from commands.output import events as output

    app = app_of(ctx)
    details = event_details(ref, app=app, now=now(ctx))
    outline = services.series_outline(details.view, app=app, now=now(ctx), language=language())
    if as_json:
        shown = details.json()
        emit_json(output.json_bytes(shown if outline is None else {**shown,
                                                                   "recurrence": output.outline_json(outline)}))
        return
    typer.echo(output.event_show_text(details))
    if outline is not None:
        typer.echo(output.outline_text(outline))


@event_app.command("edit")
def event_edit(
    ctx: typer.Context,
    refs: Refs = None,
    title: Annotated[str | None, typer.Option()] = None,
    kind: Annotated[str | None, typer.Option()] = None,
    start: Annotated[str | None, typer.Option(help="New start; alone it moves the event, keeping its length.")] = None,
    end: Annotated[str | None, typer.Option()] = None,
    duration: Annotated[str | None, typer.Option()] = None,
    all_day: Annotated[bool | None, typer.Option("--all-day/--timed", help="Make it all-day or timed.")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="New zone; wall-clock times stay.")] = None,
    region: Annotated[str | None, typer.Option()] = None,
    location: Annotated[str | None, typer.Option()] = None,
    description: Annotated[str | None, typer.Option()] = None,
    url: Annotated[str | None, typer.Option()] = None,
    partner: Annotated[list[str] | None, typer.Option(help="Replaces the partner list (repeatable).")] = None,
    programme: Annotated[str | None, typer.Option()] = None,
    organizer: Annotated[str | None, typer.Option()] = None,
    language: Annotated[str | None, typer.Option()] = None,
    participants: Annotated[int | None, typer.Option()] = None,
    actual: Annotated[int | None, typer.Option()] = None,
    women: Annotated[int | None, typer.Option()] = None,
    men: Annotated[int | None, typer.Option()] = None,
    status: Annotated[str | None, typer.Option()] = None,
    visibility: Annotated[str | None, typer.Option()] = None,
    notify: Notify = None,
    remind: Remind = None,
    default_reminders: Annotated[bool | None, typer.Option("--default-reminders/--no-default-reminders",
                                                           help="Follow the kind's reminder rules or not.")] = None,
    campaign: CampaignOpt = None,
    no_campaign: Annotated[bool, typer.Option("--no-campaign", help="Unlink it from its campaign.")] = False,
    allow_outside: AllowOutsideOpt = False,
    yearly: Annotated[bool | None, typer.Option("--yearly/--not-yearly", help="In or out of the campaign's "
                                                "yearly programme.")] = None,
    occurrence: OccurrenceOpt = None,
    from_occurrence: FromOccurrenceOpt = None,
    repeat: RepeatOpt = None,
    interval: IntervalOpt = None,
    on: OnOpt = None,
    until: Annotated[str | None, typer.Option("--until", help="End the series with this day (alone: keeps "
                                              "its rule).")] = None,
    count: CountOpt = None,
    rrule: RruleOpt = None,
    rdate: RdateOpt = None,
    exdate: ExdateOpt = None,
    where_campaign: WhereCampaign = None,
    where_kind: WhereKind = None,
    where_region: WhereRegion = None,
    where_status: WhereStatus = None,
    where_from: WhereFrom = None,
    where_to: WhereTo = None,
    dry_run: DryRun = False,
    yes: Yes = False,
    strict: Strict = False,
    rsvp_by: Annotated[str | None, typer.Option("--rsvp-by", help="Ask participants to answer by this date or "
                                                "time ('' for no deadline); those who have not get a nudge.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change an event, or several (ids, or --where-* filters) in one all-or-nothing transaction; only the
    options given change. A campaign event must stay in its window. A change that makes it clash with
    another event (same title and start; same partner, organiser or region at the same time) warns, or with
    --strict refuses. A bulk change asks once (--yes skips the question) and --dry-run shows it first.

    A series changes as a whole unless --occurrence (that one) or --from-occurrence (that one and the
    following: the series is split) is given.

    Example (move the round table a day later, same length):

    \b
      calendar-app event edit 5 --start "2019-12-17 10:00" --status confirmed

    Into the 16 Days, as part of the yearly programme:

      calendar-app event edit 7 --campaign 16-days --yearly

    One week of a weekly meeting moved to Tuesday; the series ended in June:

    \b
      calendar-app event edit 12 --occurrence "2027-01-18 10:00" --start "2027-01-19 10:00"
      calendar-app event edit 12 --until 2027-06-30

    Every 16 Days event of 2026 in Bishkek made public, after a look at what would change:

    \b
      calendar-app event edit --where-campaign 16-days --where-region bishkek \\
        --where-from 2026-11-01 --where-to 2027-01-01 --visibility public --dry-run
      calendar-app event edit 7 8 9 --visibility public --yes
    """
    from calendar_app import services
    from events.campaigns.links import CampaignLink
    from events.drafts import EventChanges
    from events.recurrence.scopes import Scope
    from events.recurrence.store import Repeat

    changes = EventChanges(
        title=title, kind=kind, start=start, end=end, duration=duration, all_day=all_day, tz=tz,
        region=region, location=location, description=description, url=url, partners=partner,
        programme=programme, organizer=organizer, language=language, participants=participants,
        participants_actual=actual, women=women, men=men, status=status, visibility=visibility,
        notify=notify, remind=remind, default_reminders=default_reminders,
        repeat=Repeat(freq=repeat, interval=interval, on=on or [], until=until, count=count, rrule=rrule,
                      rdates=rdate or [], exdates=exdate or []),
    )
    link = CampaignLink(campaign=campaign, unlink=no_campaign, allow_outside=allow_outside, yearly=yearly)
    scope = Scope(occurrence=occurrence, from_occurrence=from_occurrence)
    chosen = selection(refs, campaign=where_campaign, kind=where_kind, region=where_region, status=where_status,
                       start=where_from, end=where_to)
    if not chosen.single or dry_run:
        from calendar_app.bulk import edit_events

        one_series_only(scope)
        run_bulk(ctx, chosen, "update", lambda ids, dry: edit_events(ids, changes, link, app=app_of(ctx), now=now(ctx),
                                                                      dry_run=dry, strict=strict),
                 dry_run=dry_run, yes=yes, as_json=as_json)
        return
    outcome = services.edit_event(chosen.refs[0], changes, link, app=app_of(ctx), now=now(ctx), scope=scope,
                                  strict=strict, rsvp_by=rsvp_by)
    warn(outcome.warnings)
    view = outcome.view
    show_event(view, as_json, _("Updated event {id} (sequence {sequence})").format(id=view.id,
                                                                                    sequence=view.sequence))


@event_app.command("cancel")
def event_cancel(
    ctx: typer.Context,
    refs: Refs = None,
    reason: Annotated[str | None, typer.Option(help="Why, for the people invited.")] = None,
    occurrence: OccurrenceOpt = None,
    from_occurrence: FromOccurrenceOpt = None,
    where_campaign: WhereCampaign = None,
    where_kind: WhereKind = None,
    where_region: WhereRegion = None,
    where_status: WhereStatus = None,
    where_from: WhereFrom = None,
    where_to: WhereTo = None,
    dry_run: DryRun = False,
    yes: Yes = False,
    as_json: JsonOpt = False,
) -> None:
    """Cancel an event: it stays stored and feeds show it as cancelled. Of a series: all of it, one
    occurrence (--occurrence), or that one and the following (--from-occurrence: the series ends before it).
    Several events (ids, or --where-* filters) are cancelled in one all-or-nothing transaction, after one
    question (--yes skips it).

    Example:

    \b
      calendar-app event cancel 4 --reason "Яам хуралдааны товыг хойшлуулсан"
      calendar-app event cancel 12 --occurrence 2027-02-01
      calendar-app event cancel --where-campaign 16-days --where-region osh-city --dry-run
    """
    from calendar_app import services
    from events.recurrence.scopes import Scope

    scope = Scope(occurrence=occurrence, from_occurrence=from_occurrence)
    chosen = selection(refs, campaign=where_campaign, kind=where_kind, region=where_region, status=where_status,
                       start=where_from, end=where_to)
    if not chosen.single or dry_run:
        from calendar_app.bulk import cancel_events

        one_series_only(scope)
        run_bulk(ctx, chosen, "cancel", lambda ids, dry: cancel_events(ids, reason, app=app_of(ctx), now=now(ctx),
                                                                        dry_run=dry),
                 dry_run=dry_run, yes=yes, as_json=as_json)
        return
    view = services.cancel_event(chosen.refs[0], reason, app=app_of(ctx), now=now(ctx), scope=scope)
    show_event(view, as_json, _("Cancelled event {id}").format(id=view.id))


@event_app.command("delete")
def event_delete(
    ctx: typer.Context,
    ref: Ref,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; needed without a terminal.")] = False,
    occurrence: Annotated[str | None, typer.Option("--occurrence", help="Only that occurrence of a series "
                                                   "(it is left out: an EXDATE).")] = None,
    from_occurrence: FromOccurrenceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Delete an event for good (cancel it instead to keep it in feeds and reports); a series goes with
    its changed occurrences, or only one occurrence (--occurrence) or the following ones (--from-occurrence).

    Example:

    \b
      calendar-app event delete 4 --yes
    """
    from calendar_app import services
    from events.recurrence.scopes import Scope

    if not yes:
        view = services.show_event(ref, app=app_of(ctx))
        if not sys.stdin.isatty() or not typer.confirm(
                _("Delete event {id} '{title}' for good?").format(id=view.id, title=view.title)):
            typer.echo(_("error: not deleted: confirm at the prompt or pass --yes"), err=True)
            raise typer.Exit(2)
    scope = Scope(occurrence=occurrence, from_occurrence=from_occurrence)
    view = services.delete_event(ref, app=app_of(ctx), now=now(ctx), scope=scope)
    if scope.text is not None:
        show_event(view, as_json, _("Left out of series {id}: {occurrence}").format(id=view.id, occurrence=scope.text))
        return
    show_event(view, as_json, _("Deleted event {id}").format(id=view.id))


# ---- agenda ---------------------------------------------------------------------------------------------

def agenda(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=1, max=366, help="How many days.")] = 7,
    start: Annotated[str | None, typer.Option("--from", help="First day (default today): 24.12.2026, monday, "
                                                                 "+7d.")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="Show every event (and the days) in this zone, "
                                           "e.g. Asia/Ulaanbaatar; default: each event at its own local time.")] = None,
    my_zone: Annotated[bool, typer.Option("--my-zone", help="Show every event in your zone (--tz of calendar-app, "
                                          "CALENDAR_APP_TZ or the config file).")] = False,
    kind: Many = None,
    region: Many = None,
    partner: Many = None,
    status: Many = None,
    visibility: Many = None,
    campaign: Annotated[list[str] | None, typer.Option(help="Campaign slug: only events of its editions "
                                                       "(repeatable).")] = None,
    search: Annotated[str | None, typer.Option(help="Words in title, description, location or organizer.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, json, html (a printable page) or pdf.")] = "text",
    out: Annotated[str | None, typer.Option("-o", "--output", help="Write to this file (replaced atomically); "
                                            "- is stdout (html's default; pdf needs a file).")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Language of the html/pdf page: mn, ky, ru or en "
                                             "(default: the language of the CLI).")] = None,
    stream: StreamOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Upcoming events grouped by day, each at its own local time.

    By default each event shows at its own local time (a Khovd meeting at +07); --tz ZONE or --my-zone show
    them all in one zone. --format html -o FILE writes a printable page (no scripts) in --lang.

    Example:

    \b
      calendar-app agenda --from 2020-05-04 --days 14 --region ulaanbaatar --my-zone
      calendar-app agenda --campaign 16-days --days 16 --format html --lang ky -o 16-days.html
    """
    from calendar_app import services
    from commands.output import events as output
    from events.errors import ContradictoryValues, Field, UnknownChoice
    from events.timeparse import checked_zone_name

    formats = ("text", "json", "html", "pdf")
    if fmt not in formats:
        raise UnknownChoice("format", fmt, formats)
    if tz is not None and my_zone:
        raise ContradictoryValues(Field.TZ, Field.MY_ZONE)
    if as_json and fmt not in ("text", "json"):
        raise ContradictoryValues(Field.JSON, Field.FORMAT)
    fmt = "json" if as_json else fmt
    page_lang = language() if lang is None else parse_language(lang, "--lang")
    app = app_of(ctx)
    reader = app.settings.default_tz if my_zone else checked_zone_name(tz)
    filters = event_filter(start=start, kinds=kind, regions=region, partners=partner, statuses=status,
                           visibilities=visibility, campaigns=campaign, text=search)
    result = services.agenda(days, filters, app=app, now=now(ctx), tz=reader)
    if fmt == "text" and out is None:
        show(output.agenda_text(result, reader))
        return
    if fmt == "json" and out is None:
        emit_json(output.agenda_json(result))
        return
    _write_agenda(ctx, result, fmt=fmt, out=out, stream=stream, lang=page_lang, zone=reader, days=days, start=start,
                  campaigns=campaign or (), search=search)


def _write_agenda(ctx: typer.Context, result: Any, *, fmt: str, out: str | None, stream: bool, lang: str,
                  zone: str | None, days: int, start: str | None, campaigns: Any, search: str | None) -> None:
    """`agenda` into `-o` (or stdout): text, JSON, or the printable page as HTML or PDF."""
    from calendar_app.outfile import STDOUT, output_file
    from commands.output import events as output

    target = out or STDOUT
    if fmt == "pdf" and target == STDOUT:
        from events.errors import N_, InvalidInput

        raise InvalidInput(template=N_("a PDF goes into a file: add {output} FILE.pdf"))
    if fmt in ("html", "pdf"):
        from calendar_app import agenda_page

        first, last = agenda_window(ctx, days, start, zone)
        page = agenda_page.AgendaPage(first=first, last=last, lang=lang, zone=zone, campaigns=tuple(campaigns),
                                      search=search)
        html = agenda_page.agenda_html(result, page, now=now(ctx))
        data = agenda_page.agenda_pdf(html) if fmt == "pdf" else html.encode("utf-8")
    elif fmt == "json":
        data = output.agenda_json(result)
    else:
        from io import StringIO

        from rich.console import Console

        buffer = StringIO()
        Console(file=buffer, width=120, soft_wrap=False).print(output.agenda_text(result, zone))
        data = buffer.getvalue().encode("utf-8")
    with output_file(target, stream=stream) as written:
        written.write(data)
    if target != STDOUT:
        typer.echo(_("Wrote the {format} agenda to {output}").format(format=fmt, output=target))


def agenda_window(ctx: typer.Context, days: int, start: str | None, zone: str | None) -> tuple[Any, Any]:
    """The first and last day the agenda covers, as `services.agenda` reads them."""
    from calendar_app.services import agenda_days_of

    return agenda_days_of(days, start, app=app_of(ctx), now=now(ctx), tz=zone)


register_history(event_app)


from commands.people import event_invite  # noqa: E402 - participants live in their own module

event_app.command("invite")(event_invite)


def commands() -> dict[str, Any]:
    return {"event": event_app, "agenda": agenda}
