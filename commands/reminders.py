"""`contact`, `reminder`, `workflow`, `task` and `scheduler` commands (issue 4, docs/reminders.md)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from commands.common import JsonOpt, app_of, emit_json, group, now, show, terminal_width
from commands.output import reminders as notify_output
from commands.output.tables import TableSpec

contact_app = group("People reminders and tasks go to.")
reminder_app = group("Reminder deliveries: what is due, a preview, the log.")
workflow_app = group("Workflow templates per kind of event (data in a TOML file).")
task_app = group("Tasks made from workflow steps.")
scheduler_app = group("The reminder dispatcher.")

ContactRef = Annotated[str, typer.Argument(help="The contact's id or e-mail.")]


def _print_json(value: Any) -> None:
    from commands.output import events as output

    emit_json(output.json_bytes(value))


def _print_rows(rows: Any, as_json: bool, table: TableSpec) -> None:
    """`rows` as JSON, or as a table fitted to the terminal."""
    if as_json:
        _print_json(rows)
    else:
        from commands.output.tables import fitted_table

        show(fitted_table(rows, table, width=terminal_width()))


@contact_app.command("add")
def contact_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The person's name, in any script.")],
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
    chat: Annotated[str | None, typer.Option(help="Chat/webhook address as an Apprise URL, "
                                             "e.g. tgram://TOKEN/CHAT; only the schemes of the chat_schemes "
                                             "setting (never file://).")] = None,
    language: Annotated[str | None, typer.Option(help="Language of the messages: mn, ky, ru or en (en).")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="IANA zone of the messages' times; default: from "
                                           "--region, the organisation's usual region, the language (mn, ky), "
                                           "else yours.")] = None,
    region: Annotated[str | None, typer.Option(help="Where the person is (ulaanbaatar, khovd, bishkek, osh, "
                                               "...; 'region list'): gives the zone.")] = None,
    organisation: Annotated[str | None, typer.Option(help="Partner organisation: told about its events.")] = None,
    group: Annotated[list[str] | None, typer.Option(help="Group it belongs to (repeatable); "
                                                    "events notify it with --notify group:NAME.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a contact; without --tz its zone comes from where the person is, and the reply says which.

    Example:

    \b
      calendar-app contact add "Оюунчимэг Батбаяр" --email oyunchimeg@example.mn --language mn --region ulaanbaatar
    """
    from calendar_app.notify import services as notify_services
    from events.notify.contacts import ContactDraft

    draft = ContactDraft(name=name, email=email, chat=chat, language=language, tz=tz, organisation=organisation,
                         groups=group or [], region=region)
    row = notify_services.add_contact(draft, app=app_of(ctx), now=now(ctx))
    note = notify_output.zone_note(row)
    if not as_json:
        typer.echo(f"Added contact {row['id']}: time zone {row['timezone']} ({note})")
    if row["timezone_from"] == "machine":
        typer.echo(f"note: contact {row['id']} has {row['timezone']}, {note}; if the person is elsewhere: "
                   f"calendar-app contact edit {row['id']} --region NAME (or --tz ZONE)", err=True)
    _print_rows([row], as_json, notify_output.CONTACT_TABLE)


@contact_app.command("list")
def contact_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List contacts.

    Example:

    \b
      calendar-app contact list --json
    """
    from calendar_app.notify import services as notify_services

    rows = notify_services.list_contacts(app=app_of(ctx))
    if not as_json:
        rows = [{**r, "groups": " ".join(r["groups"])} for r in rows]
    _print_rows(rows, as_json, notify_output.CONTACT_TABLE)


@contact_app.command("edit")
def contact_edit(
    ctx: typer.Context,
    ref: ContactRef,
    name: Annotated[str | None, typer.Option()] = None,
    email: Annotated[str | None, typer.Option()] = None,
    chat: Annotated[str | None, typer.Option(help="Apprise URL (a scheme of the chat_schemes setting); an "
                                             "empty string removes it.")] = None,
    language: Annotated[str | None, typer.Option()] = None,
    tz: Annotated[str | None, typer.Option("--tz")] = None,
    region: Annotated[str | None, typer.Option(help="Where the person is now; the zone follows it unless --tz "
                                               "is given.")] = None,
    organisation: Annotated[str | None, typer.Option(help="An empty string removes it.")] = None,
    group: Annotated[list[str] | None, typer.Option(help="Replaces its groups (repeatable; '' for none).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a contact; pending reminders follow the new address, language and zone.

    Example:

    \b
      calendar-app contact edit 3 --language ky --tz Asia/Bishkek
    """
    from calendar_app.notify import services as notify_services
    from events.notify.contacts import ContactDraft

    draft = ContactDraft(name=name, email=email, chat=chat, language=language, tz=tz, organisation=organisation,
                         groups=group, region=region)
    row = notify_services.edit_contact(ref, draft, app=app_of(ctx), now=now(ctx))
    _print_rows([row], as_json, notify_output.CONTACT_TABLE)


@contact_app.command("remove")
def contact_remove(ctx: typer.Context, ref: ContactRef, as_json: JsonOpt = False) -> None:
    """Remove a contact; its pending reminders are cancelled, the log of sent ones stays.

    Example:

    \b
      calendar-app contact remove oyunchimeg@example.mn
    """
    from calendar_app.notify import services as notify_services

    row = notify_services.remove_contact(ref, app=app_of(ctx), now=now(ctx))
    if not as_json:
        typer.echo(f"Removed contact {row['id']} ({row['name']})")
    else:
        _print_json(row)


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

    \b
      calendar-app reminder list --event 3 --status pending --json
    """
    from calendar_app.notify import services as notify_services

    rows = notify_services.list_deliveries(status, event, app=app_of(ctx))
    _print_rows(rows, as_json, notify_output.DELIVERY_TABLE)


@reminder_app.command("preview")
def reminder_preview(
    ctx: typer.Context,
    at: Annotated[str, typer.Option(help="When: '24.12.2026 08:00', "
                                         "'2026-12-24 08:00', 'tomorrow 09:00', 'next monday 09:00', +2d.")],
    as_json: JsonOpt = False,
) -> None:
    """Show what a dispatcher running at --at would send: to whom, in which language, with which subject.

    Example:

    \b
      calendar-app reminder preview --at "2020-05-05 10:00"
    """
    from calendar_app.notify import services as notify_services

    rows = notify_services.preview(at, app=app_of(ctx), now=now(ctx))
    _print_rows(rows, as_json, notify_output.PREVIEW_TABLE)


@reminder_app.command("log")
def reminder_log(
    ctx: typer.Context,
    event: Annotated[str | None, typer.Option(help="Only this event (id or uid).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every delivery: when due, when sent, to whom, channel, status, error.

    Example:

    \b
      calendar-app reminder log --json
    """
    from calendar_app.notify import services as notify_services

    rows = notify_services.delivery_log(event, app=app_of(ctx))
    _print_rows(rows, as_json, notify_output.LOG_TABLE)


@workflow_app.command("list")
def workflow_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The kinds with their reminder rules and workflow steps (from CALENDAR_APP_WORKFLOWS or the shipped file).

    Example:

    \b
      calendar-app workflow list
    """
    from calendar_app.notify import services as notify_services

    rows = notify_services.list_workflows(app=app_of(ctx))
    if not as_json:
        rows = [{**r, "reminders": " ".join(r["reminders"]), "steps": len(r["steps"])} for r in rows]
    _print_rows(rows, as_json, notify_output.WORKFLOW_TABLE)


@workflow_app.command("show")
def workflow_show(ctx: typer.Context,
                  kind: Annotated[str, typer.Argument(help="consultation, signing, round_table, ..., or "
                                                      "campaign:SLUG for a campaign's readiness workflow")],
                  as_json: JsonOpt = False) -> None:
    """Show one kind's reminder rules and steps (campaign:SLUG: the readiness steps an edition gets).

    Example:

    \b
      calendar-app workflow show consultation
      calendar-app workflow show campaign:16-days
    """
    from calendar_app.notify import services as notify_services

    row = notify_services.show_workflow(kind, app=app_of(ctx))
    if as_json:
        _print_json(row)
        return
    typer.echo(f"{row['kind']}: reminders {' '.join(row['reminders']) or 'none'}")
    _print_rows(row["steps"], False, notify_output.STEP_TABLE)


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

    \b
      calendar-app task list --overdue --mine oyunchimeg@example.mn
    """
    from calendar_app.notify import services as notify_services

    rows = notify_services.list_tasks(overdue=overdue, mine=mine, include_done=all_, app=app_of(ctx),
                                      now=now(ctx))
    _print_rows(rows, as_json, notify_output.TASK_TABLE)


@task_app.command("done")
def task_done(ctx: typer.Context, ref: Annotated[str, typer.Argument(help="The task's id.")],
              as_json: JsonOpt = False) -> None:
    """Mark a task done (its pending notification is cancelled).

    Example:

    \b
      calendar-app task done 12
    """
    from calendar_app.notify import services as notify_services

    row = notify_services.task_done(ref, app=app_of(ctx), now=now(ctx))
    if not as_json:
        typer.echo(f"Task {row['id']} done: {row['title']}")
    else:
        _print_json(row)


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

    \b
      CALENDAR_APP_SMTP_URL=smtp://127.0.0.1:8025 calendar-app scheduler run
    """
    from calendar_app.notify import scheduler
    from calendar_app.notify import services as notify_services
    from commands.output.reminders import run_scheduler

    notify_services.check_workflows(app=app_of(ctx))
    run_scheduler(scheduler, app=app_of(ctx), once=once, poll=poll, lease=lease, batch=batch,
                  max_attempts=max_attempts, backoff=backoff)


from commands.people import contact_forget  # noqa: E402 - with the other people commands

contact_app.command("forget")(contact_forget)


def commands() -> dict[str, Any]:
    return {"contact": contact_app, "reminder": reminder_app, "workflow": workflow_app, "task": task_app,
            "scheduler": scheduler_app}
