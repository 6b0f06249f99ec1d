"""calendar-app: the coordinators' command line.

This module only parses arguments, calls one service function per command and prints the result.
Heavy modules (SQLAlchemy, rich) are imported inside the commands so `--help` and `--version` stay fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from events.errors import CalendarAppError

if TYPE_CHECKING:
    from calendar_app.config import Settings
    from calendar_app.services import EventFilter

__version__ = "0.1.0"


class _ErrorHandlingGroup(TyperGroup):
    """Turns our typed errors into one stderr line and the exit code of PRODUCT.md section 2."""

    def invoke(self, ctx: Any) -> Any:  # click.Context; typer >= 0.20 vendors its own click
        try:
            return super().invoke(ctx)
        except CalendarAppError as error:
            _fail(error)


def _fail(error: CalendarAppError) -> NoReturn:
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(error.exit_code)


app = typer.Typer(
    cls=_ErrorHandlingGroup,
    help="Event calendar and workflow scheduler for civil-society programmes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
event_app = typer.Typer(help="Add, change, cancel and look up events.", no_args_is_help=True)
region_app = typer.Typer(help="The built-in regions of Mongolia and Kyrgyzstan.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema for operators.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data from real press releases.", no_args_is_help=True)
app.add_typer(event_app, name="event")
app.add_typer(region_app, name="region")
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"calendar-app {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(help="Database: a SQLite file path or an SQLAlchemy URL "
                                           "[env: CALENDAR_APP_DB; default: calendar.db in your data folder]")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="Your time zone for dates typed without one "
                                           "[env: CALENDAR_APP_TZ; default: the machine's]")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    ctx.obj = {"db": db, "tz": tz}


def _settings(ctx: typer.Context) -> Settings:
    from calendar_app.config import load_settings

    root = ctx.find_root().obj or {}
    return load_settings(root.get("db"), root.get("tz"))


def _now():  # type: ignore[no-untyped-def]
    from calendar_app.clock import utc_now

    return utc_now()


def _print(renderable: Any) -> None:
    from rich.console import Console

    Console(soft_wrap=False).print(renderable)


def _print_event(view: Any, as_json: bool, message: str | None = None) -> None:
    from calendar_app import output
    from events.views import event_json

    if as_json:
        typer.echo(output.to_json(event_json(view)))
        return
    if message:
        typer.echo(message)
    _print(output.event_details(view))


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
Ref = Annotated[str, typer.Argument(help="The event's id or uid.")]
Many = Annotated[list[str] | None, typer.Option()]
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
                                      "campaign_day, meeting or other.")] = "meeting",
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
    as_json: JsonOpt = False,
) -> None:
    """Add an event and print it.

    Example:

      calendar-app event add "Жендэрийн эрх тэгш байдлын зөвшилцөх уулзалт" --kind consultation
      --start "2020-05-06 10:00" --duration 2h --region ulaanbaatar --partner "Ministry of Education"
      --visibility internal
    """
    from calendar_app import services
    from events.drafts import NewEventDraft

    draft = NewEventDraft(
        title=title, start=start, kind=kind, end=end, duration=duration, all_day=all_day, tz=tz,
        region=region, location=location, description=description, url=url, partners=partner or [],
        programme=programme, organizer=organizer, language=language, participants=participants,
        participants_actual=actual, women=women, men=men, status=status, visibility=visibility,
        notify=notify or [], remind=remind or [], default_reminders=not no_default_reminders,
    )
    view = services.add_event(draft, settings=_settings(ctx), now=_now())
    _print_event(view, as_json, f"Added event {view.id} (uid {view.uid})")


def _filter(**values: Any) -> EventFilter:
    from calendar_app.services import EventFilter

    lists = ("kinds", "regions", "partners", "programmes", "statuses", "visibilities")
    cleaned: dict[str, Any] = {k: (v or ()) if k in lists else v for k, v in values.items()}
    return EventFilter(**cleaned)


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
    limit: Annotated[int | None, typer.Option(min=1)] = None,
    as_json: JsonOpt = False,
) -> None:
    """List events, oldest first; filters repeat (--kind consultation --kind signing) and combine.

    Example:

      calendar-app event list --from 2020-05-01 --to 2020-06-01 --region ulaanbaatar --search зөвшилцөх
    """
    from calendar_app import output, services

    filters = _filter(start=start, end=end, days=days, kinds=kind, regions=region, partners=partner,
                      programmes=programme, statuses=status, visibilities=visibility, text=search, limit=limit)
    events = services.list_events(filters, settings=_settings(ctx), now=_now())
    if as_json:
        typer.echo(output.events_json(events))
    else:
        _print(output.events_table(events))


@event_app.command("show")
def event_show(ctx: typer.Context, ref: Ref, as_json: JsonOpt = False) -> None:
    """Show one event.

    Example:

      calendar-app event show 3 --json
    """
    from calendar_app import services

    _print_event(services.show_event(ref, settings=_settings(ctx)), as_json)


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
    as_json: JsonOpt = False,
) -> None:
    """Change an event; only the options given change (--notify and --remind replace their lists).

    Example (move the round table a day later, same length):

      calendar-app event edit 5 --start "2019-12-17 10:00" --status confirmed
    """
    from calendar_app import services
    from events.drafts import EventChanges

    changes = EventChanges(
        title=title, kind=kind, start=start, end=end, duration=duration, all_day=all_day, tz=tz,
        region=region, location=location, description=description, url=url, partners=partner,
        programme=programme, organizer=organizer, language=language, participants=participants,
        participants_actual=actual, women=women, men=men, status=status, visibility=visibility,
        notify=notify, remind=remind, default_reminders=default_reminders,
    )
    view = services.edit_event(ref, changes, settings=_settings(ctx), now=_now())
    _print_event(view, as_json, f"Updated event {view.id} (sequence {view.sequence})")


@event_app.command("cancel")
def event_cancel(
    ctx: typer.Context,
    ref: Ref,
    reason: Annotated[str | None, typer.Option(help="Why, for the people invited.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Cancel an event: it stays stored and feeds show it as cancelled.

    Example:

      calendar-app event cancel 4 --reason "Яам хуралдааны товыг хойшлуулсан"
    """
    from calendar_app import services

    view = services.cancel_event(ref, reason, settings=_settings(ctx), now=_now())
    _print_event(view, as_json, f"Cancelled event {view.id}")


@event_app.command("delete")
def event_delete(
    ctx: typer.Context,
    ref: Ref,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; needed without a terminal.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Delete an event for good (cancel it instead to keep it in feeds and reports).

    Example:

      calendar-app event delete 4 --yes
    """
    from calendar_app import services

    if not yes:
        view = services.show_event(ref, settings=_settings(ctx))
        if not sys.stdin.isatty() or not typer.confirm(f"Delete event {view.id} '{view.title}' for good?"):
            typer.echo("error: not deleted: confirm at the prompt or pass --yes", err=True)
            raise typer.Exit(2)
    view = services.delete_event(ref, settings=_settings(ctx))
    _print_event(view, as_json, f"Deleted event {view.id}")


# ---- agenda ---------------------------------------------------------------------------------------------

@app.command("agenda")
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

      calendar-app agenda --from 2020-05-04 --days 14 --region ulaanbaatar
    """
    from calendar_app import output, services

    filters = _filter(start=start, kinds=kind, regions=region, partners=partner, statuses=status,
                      visibilities=visibility)
    result = services.agenda(days, filters, settings=_settings(ctx), now=_now())
    if as_json:
        typer.echo(output.agenda_json(result))
    else:
        _print(output.agenda_text(result))


# ---- region ---------------------------------------------------------------------------------------------

@region_app.command("list")
def region_list(
    country: Annotated[str | None, typer.Option(help="MN or KG.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List regions with their time zones (Mongolia has two: Asia/Hovd in the west).

    Example:

      calendar-app region list --country MN --json
    """
    from calendar_app import output
    from events.regions import regions_of

    regions = regions_of(country)
    if as_json:
        typer.echo(output.regions_json(regions))
    else:
        _print(output.regions_table(regions))


# ---- db -------------------------------------------------------------------------------------------------

@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create the database or bring its schema up to date.

    Example:

      calendar-app --db postgresql+psycopg://calendar@db.example/calendar db upgrade
    """
    from calendar_app import admin

    revision = admin.upgrade_database(settings=_settings(ctx))
    typer.echo(f"Database at revision {revision}")


@db_app.command("current")
def db_current(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the database's schema revision and the newest this version knows.

    Example:

      calendar-app db current
    """
    from calendar_app import admin, output

    state = admin.database_revision(settings=_settings(ctx))
    if as_json:
        typer.echo(output.to_json(state))
    else:
        typer.echo(f"current: {state['current'] or 'empty'}  head: {state['head']}  url: {state['url']}")


# ---- demo -----------------------------------------------------------------------------------------------

@demo_app.command("load")
def demo_load(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Load the demo events (real 2018-2023 events from Mongolia and Kyrgyzstan); loading twice adds nothing.

    Example:

      calendar-app --db demo.db demo load
    """
    from calendar_app import admin, output

    result = admin.load_demo(settings=_settings(ctx), now=_now())
    if as_json:
        typer.echo(output.to_json(result))
    else:
        typer.echo(f"Demo loaded: {result['added']} added, {result['unchanged']} already there")


# ---- reminders, contacts, workflows, tasks, scheduler (docs/reminders.md) ------------------------------

contact_app = typer.Typer(help="People reminders and tasks go to.", no_args_is_help=True)
reminder_app = typer.Typer(help="Reminder deliveries: what is due, a preview, the log.", no_args_is_help=True)
workflow_app = typer.Typer(help="Workflow templates per kind of event (data in a TOML file).",
                           no_args_is_help=True)
task_app = typer.Typer(help="Tasks made from workflow steps.", no_args_is_help=True)
scheduler_app = typer.Typer(help="The reminder dispatcher.", no_args_is_help=True)
app.add_typer(contact_app, name="contact")
app.add_typer(reminder_app, name="reminder")
app.add_typer(workflow_app, name="workflow")
app.add_typer(task_app, name="task")
app.add_typer(scheduler_app, name="scheduler")

ContactRef = Annotated[str, typer.Argument(help="The contact's id or e-mail.")]


def _print_rows(rows: Any, as_json: bool, columns: tuple[str, ...], title: str | None = None) -> None:
    from calendar_app import notify_output

    if as_json:
        from calendar_app import output

        typer.echo(output.to_json(rows))
    else:
        _print(notify_output.table(rows, columns, title))


@contact_app.command("add")
def contact_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The person's name, in any script.")],
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
    chat: Annotated[str | None, typer.Option(help="Chat/webhook address as an Apprise URL, "
                                             "e.g. tgram://TOKEN/CHAT.")] = None,
    language: Annotated[str, typer.Option(help="Language of the messages: mn, ky, ru or en.")] = "en",
    tz: Annotated[str | None, typer.Option("--tz", help="IANA zone of the messages' times; default: yours.")] = None,
    organisation: Annotated[str | None, typer.Option(help="Partner organisation: told about its events.")] = None,
    group: Annotated[list[str] | None, typer.Option(help="Group it belongs to (repeatable); "
                                                    "events notify it with --notify group:NAME.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a contact.

    Example:

      calendar-app contact add "Оюунчимэг Батбаяр" --email oyunchimeg@example.mn --language mn --tz Asia/Ulaanbaatar
    """
    from calendar_app import notify_services
    from events.contacts import ContactDraft

    draft = ContactDraft(name=name, email=email, chat=chat, language=language, tz=tz, organisation=organisation,
                         groups=group or [])
    row = notify_services.add_contact(draft, settings=_settings(ctx), now=_now())
    if not as_json:
        typer.echo(f"Added contact {row['id']}")
    _print_rows([row], as_json, ("id", "name", "email", "language", "timezone", "organisation"))


@contact_app.command("list")
def contact_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List contacts.

    Example:

      calendar-app contact list --json
    """
    from calendar_app import notify_services

    rows = notify_services.list_contacts(settings=_settings(ctx))
    if not as_json:
        rows = [{**r, "groups": " ".join(r["groups"])} for r in rows]
    _print_rows(rows, as_json, ("id", "name", "email", "chat", "language", "timezone", "organisation", "groups"))


@contact_app.command("edit")
def contact_edit(
    ctx: typer.Context,
    ref: ContactRef,
    name: Annotated[str | None, typer.Option()] = None,
    email: Annotated[str | None, typer.Option()] = None,
    chat: Annotated[str | None, typer.Option(help="Apprise URL; an empty string removes it.")] = None,
    language: Annotated[str | None, typer.Option()] = None,
    tz: Annotated[str | None, typer.Option("--tz")] = None,
    organisation: Annotated[str | None, typer.Option(help="An empty string removes it.")] = None,
    group: Annotated[list[str] | None, typer.Option(help="Replaces its groups (repeatable; '' for none).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a contact; pending reminders follow the new address, language and zone.

    Example:

      calendar-app contact edit 3 --language ky --tz Asia/Bishkek
    """
    from calendar_app import notify_services
    from events.contacts import ContactDraft

    draft = ContactDraft(name=name, email=email, chat=chat, language=language, tz=tz, organisation=organisation,
                         groups=group)
    row = notify_services.edit_contact(ref, draft, settings=_settings(ctx), now=_now())
    _print_rows([row], as_json, ("id", "name", "email", "chat", "language", "timezone", "organisation"))


@contact_app.command("remove")
def contact_remove(ctx: typer.Context, ref: ContactRef, as_json: JsonOpt = False) -> None:
    """Remove a contact; its pending reminders are cancelled, the log of sent ones stays.

    Example:

      calendar-app contact remove oyunchimeg@example.mn
    """
    from calendar_app import notify_services

    row = notify_services.remove_contact(ref, settings=_settings(ctx), now=_now())
    if not as_json:
        typer.echo(f"Removed contact {row['id']} ({row['name']})")
    else:
        _print_rows(row, True, ())


DELIVERY_COLUMNS = ("id", "due", "status", "purpose", "rule", "to", "language", "channel", "event", "attempts",
                    "error")


@reminder_app.command("list")
def reminder_list(
    ctx: typer.Context,
    status: Annotated[list[str] | None, typer.Option(help="pending, claimed, sent, failed, skipped or cancelled "
                                                     "(repeatable; default pending and claimed).")] = None,
    event: Annotated[str | None, typer.Option(help="Only this event (id or uid).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List reminder deliveries, soonest first.

    Example:

      calendar-app reminder list --event 3 --status pending --json
    """
    from calendar_app import notify_services

    rows = notify_services.list_deliveries(status, event, settings=_settings(ctx))
    _print_rows(rows, as_json, DELIVERY_COLUMNS)


@reminder_app.command("preview")
def reminder_preview(
    ctx: typer.Context,
    at: Annotated[str, typer.Option(help="When: 2025-11-26 08:00, 'tomorrow 09:00', +2d.")],
    as_json: JsonOpt = False,
) -> None:
    """Show what a dispatcher running at --at would send: to whom, in which language, with which subject.

    Example:

      calendar-app reminder preview --at "2020-05-05 10:00"
    """
    from calendar_app import notify_services

    rows = notify_services.preview(at, settings=_settings(ctx), now=_now())
    _print_rows(rows, as_json, ("id", "due", "to", "language", "channel", "subject"))


@reminder_app.command("log")
def reminder_log(
    ctx: typer.Context,
    event: Annotated[str | None, typer.Option(help="Only this event (id or uid).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every delivery: when due, when sent, to whom, channel, status, error.

    Example:

      calendar-app reminder log --json
    """
    from calendar_app import notify_services

    rows = notify_services.delivery_log(event, settings=_settings(ctx))
    _print_rows(rows, as_json, ("id", "due", "sent_at", "status", "to", "channel", "purpose", "attempts", "error"))


@workflow_app.command("list")
def workflow_list(as_json: JsonOpt = False) -> None:
    """The kinds with their reminder rules and workflow steps (from CALENDAR_APP_WORKFLOWS or the shipped file).

    Example:

      calendar-app workflow list
    """
    from calendar_app import notify_services

    rows = notify_services.list_workflows()
    if not as_json:
        rows = [{**r, "reminders": " ".join(r["reminders"]), "steps": len(r["steps"])} for r in rows]
    _print_rows(rows, as_json, ("kind", "reminders", "steps"))


@workflow_app.command("show")
def workflow_show(kind: Annotated[str, typer.Argument(help="consultation, signing, round_table, ...")],
                  as_json: JsonOpt = False) -> None:
    """Show one kind's reminder rules and steps.

    Example:

      calendar-app workflow show consultation
    """
    from calendar_app import notify_services

    row = notify_services.show_workflow(kind)
    if as_json:
        _print_rows(row, True, ())
        return
    typer.echo(f"{row['kind']}: reminders {' '.join(row['reminders']) or 'none'}")
    _print_rows(row["steps"], False, ("key", "at", "title", "assignee", "notify"))


@task_app.command("list")
def task_list(
    ctx: typer.Context,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only open tasks past their due time.")] = False,
    mine: Annotated[str | None, typer.Option(help="Only tasks assigned to this e-mail.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Done and cancelled tasks too.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """List open tasks, soonest first.

    Example:

      calendar-app task list --overdue --mine oyunchimeg@example.mn
    """
    from calendar_app import notify_services

    rows = notify_services.list_tasks(overdue=overdue, mine=mine, include_done=all_, settings=_settings(ctx),
                                      now=_now())
    _print_rows(rows, as_json, ("id", "due", "title", "event", "assignee", "status", "overdue"))


@task_app.command("done")
def task_done(ctx: typer.Context, ref: Annotated[str, typer.Argument(help="The task's id.")],
              as_json: JsonOpt = False) -> None:
    """Mark a task done (its pending notification is cancelled).

    Example:

      calendar-app task done 12
    """
    from calendar_app import notify_services

    row = notify_services.task_done(ref, settings=_settings(ctx), now=_now())
    if not as_json:
        typer.echo(f"Task {row['id']} done: {row['title']}")
    else:
        _print_rows(row, True, ())


@scheduler_app.command("run")
def scheduler_run(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="One pass over what is due now, then exit "
                                       "(cron, tests).")] = False,
    poll: Annotated[str, typer.Option(help="How often to look for changes: 5s... (seconds) or 1m.")] = "5",
    lease: Annotated[str, typer.Option(help="How long a claim holds before another dispatcher may retry.")] = "2m",
    batch: Annotated[int, typer.Option(min=1, help="Deliveries claimed at a time.")] = 200,
    max_attempts: Annotated[int, typer.Option(min=1, help="Attempts before a delivery is marked failed.")] = 5,
    backoff: Annotated[str, typer.Option(help="First retry delay, doubled after each failure.")] = "30",
) -> None:
    """Run the reminder dispatcher in the foreground until Ctrl-C or SIGTERM.

    E-mail goes through CALENDAR_APP_SMTP_URL (smtp://host:port, smtps://..., ?starttls=1), else into the
    local outbox folder CALENDAR_APP_OUTBOX. Several dispatchers may share one database.

    Example:

      CALENDAR_APP_SMTP_URL=smtp://127.0.0.1:8025 calendar-app scheduler run
    """
    from calendar_app import notify_services, scheduler
    from calendar_app.notify_output import run_scheduler

    notify_services.check_workflows()
    run_scheduler(scheduler, settings=_settings(ctx), once=once, poll=poll, lease=lease, batch=batch,
                  max_attempts=max_attempts, backoff=backoff)


def main() -> None:
    app(prog_name="calendar-app")


if __name__ == "__main__":
    main()
