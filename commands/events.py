"""`event` commands and `agenda`: what coordinators type most."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from commands.common import (
    AllowOutsideOpt,
    CampaignOpt,
    JsonOpt,
    Many,
    Ref,
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

event_app = group("Add, change, cancel and look up events.")
Notify = Annotated[list[str] | None, typer.Option(help="Contact (id or e-mail) or group:NAME to remind "
                                                  "(repeatable).")]
Remind = Annotated[list[str] | None, typer.Option(help="Reminder: 1d, 2h (before the start), end+3d (repeatable).")]


# ---- event ----------------------------------------------------------------------------------------------

@event_app.command("add")
def event_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="The event's title, in any language.")],
    start: Annotated[str, typer.Option(help="Start: 2025-11-26 10:00, 2025-11-26T10:00+08:00, "
                                       "'tomorrow 10:00', +3d; a date alone makes an all-day event.")],
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
    as_json: JsonOpt = False,
) -> None:
    """Add an event and print it; a public holiday on its dates prints a warning.

    Example:

    \b
      calendar-app event add "Жендэрийн эрх тэгш байдлын зөвшилцөх уулзалт" --kind consultation \\
        --start "2020-05-06 10:00" --duration 2h --region ulaanbaatar \\
        --partner "Ministry of Education" --visibility internal

    In a campaign (the edition of the event's dates; the day before the window is its lead-in day):

    \b
      calendar-app event add "16 хоногийн аяны үндэсний нээлт" --kind launch \\
        --start "2025-11-24 10:00" --region ulaanbaatar --campaign 16-days --yearly
    """
    from calendar_app import services
    from events.campaigns.links import CampaignLink
    from events.drafts import NewEventDraft

    draft = NewEventDraft(
        title=title, start=start, kind=kind, end=end, duration=duration, all_day=all_day, tz=tz,
        region=region, location=location, description=description, url=url, partners=partner or [],
        programme=programme, organizer=organizer, language=language, participants=participants,
        participants_actual=actual, women=women, men=men, status=status, visibility=visibility,
        notify=notify or [], remind=remind or [], default_reminders=not no_default_reminders,
    )
    link = CampaignLink(campaign=campaign, allow_outside=allow_outside, yearly=yearly or None)
    outcome = services.add_event(draft, link, app=app_of(ctx), now=now(ctx))
    warn(outcome.warnings)
    view = outcome.view
    show_event(view, as_json, f"Added event {view.id} (uid {view.uid})")


@event_app.command("list")
def event_list(
    ctx: typer.Context,
    start: Annotated[str | None, typer.Option("--from", help="Events ending after this: 2025-11-25, today.")] = None,
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
        show(output.events_table(events, width=terminal_width()))


@event_app.command("show")
def event_show(ctx: typer.Context, ref: Ref, as_json: JsonOpt = False) -> None:
    """Show one event.

    Example:

    \b
      calendar-app event show 3 --json
    """
    from calendar_app import services

    show_event(services.show_event(ref, app=app_of(ctx)), as_json)


@event_app.command("edit")
def event_edit(
    ctx: typer.Context,
    ref: Ref,
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
    rsvp_by: Annotated[str | None, typer.Option("--rsvp-by", help="Ask participants to answer by this date or "
                                                "time ('' for no deadline); those who have not get a nudge.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change an event; only the options given change. A campaign event must stay in its window.

    Example (move the round table a day later, same length):

    \b
      calendar-app event edit 5 --start "2019-12-17 10:00" --status confirmed

    Into the 16 Days, as part of the yearly programme:

      calendar-app event edit 7 --campaign 16-days --yearly
    """
    from calendar_app import services
    from events.campaigns.links import CampaignLink
    from events.drafts import EventChanges

    changes = EventChanges(
        title=title, kind=kind, start=start, end=end, duration=duration, all_day=all_day, tz=tz,
        region=region, location=location, description=description, url=url, partners=partner,
        programme=programme, organizer=organizer, language=language, participants=participants,
        participants_actual=actual, women=women, men=men, status=status, visibility=visibility,
        notify=notify, remind=remind, default_reminders=default_reminders,
    )
    link = CampaignLink(campaign=campaign, unlink=no_campaign, allow_outside=allow_outside, yearly=yearly)
    outcome = services.edit_event(ref, changes, link, app=app_of(ctx), now=now(ctx), rsvp_by=rsvp_by)
    warn(outcome.warnings)
    view = outcome.view
    show_event(view, as_json, f"Updated event {view.id} (sequence {view.sequence})")


@event_app.command("cancel")
def event_cancel(
    ctx: typer.Context,
    ref: Ref,
    reason: Annotated[str | None, typer.Option(help="Why, for the people invited.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Cancel an event: it stays stored and feeds show it as cancelled.

    Example:

    \b
      calendar-app event cancel 4 --reason "Яам хуралдааны товыг хойшлуулсан"
    """
    from calendar_app import services

    view = services.cancel_event(ref, reason, app=app_of(ctx), now=now(ctx))
    show_event(view, as_json, f"Cancelled event {view.id}")


@event_app.command("delete")
def event_delete(
    ctx: typer.Context,
    ref: Ref,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; needed without a terminal.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Delete an event for good (cancel it instead to keep it in feeds and reports).

    Example:

    \b
      calendar-app event delete 4 --yes
    """
    from calendar_app import services

    if not yes:
        view = services.show_event(ref, app=app_of(ctx))
        if not sys.stdin.isatty() or not typer.confirm(f"Delete event {view.id} '{view.title}' for good?"):
            typer.echo("error: not deleted: confirm at the prompt or pass --yes", err=True)
            raise typer.Exit(2)
    view = services.delete_event(ref, app=app_of(ctx))
    show_event(view, as_json, f"Deleted event {view.id}")


# ---- agenda ---------------------------------------------------------------------------------------------

def agenda(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=1, max=366, help="How many days.")] = 7,
    start: Annotated[str | None, typer.Option("--from", help="First day (default today).")] = None,
    kind: Many = None,
    region: Many = None,
    partner: Many = None,
    status: Many = None,
    visibility: Many = None,
    as_json: JsonOpt = False,
) -> None:
    """Upcoming events grouped by day, each at its own local time.

    Example:

    \b
      calendar-app agenda --from 2020-05-04 --days 14 --region ulaanbaatar
    """
    from calendar_app import services
    from commands.output import events as output

    filters = event_filter(start=start, kinds=kind, regions=region, partners=partner, statuses=status,
                      visibilities=visibility)
    result = services.agenda(days, filters, app=app_of(ctx), now=now(ctx))
    if as_json:
        emit_json(output.agenda_json(result))
    else:
        show(output.agenda_text(result))




from commands.people import event_invite  # noqa: E402 - participants live in their own module

event_app.command("invite")(event_invite)


def commands() -> dict[str, Any]:
    return {"event": event_app, "agenda": agenda}
