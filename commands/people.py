"""`participant ...`, `event invite`, `contact forget` and `report participants` (issue 12, docs/people.md)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from calendar_app.i18n import gettext as _
from commands.common import JsonOpt, Ref, StreamOpt, app_of, emit_json, group, now, show, terminal_width
from commands.output.tables import TableSpec

participant_app = group("An event's participants: who was invited, who answered, who came.")
report_app = group("Reports for donors and partners (figures only, no personal data).")
rsvp_app = group("Answers to invitations sent back by e-mail.")

ContactRef = Annotated[str, typer.Argument(help="The participant's contact: id or e-mail.")]
PARTICIPANT_TABLE = TableSpec(("contact_id", "name", "email", "organisation", "role", "status", "attended", "sex",
                               "language"), wrap=("name", "organisation"), drop=("language", "organisation", "email"))
REPORT_TABLE = TableSpec(("group", "events", "listed", "participants", "women", "men", "other"), wrap=("group",),
                         drop=("listed", "other"), wrap_min=12)


def _json(value: Any) -> None:
    from commands.output.events import json_bytes

    emit_json(json_bytes(value))


def _rows(rows: list[dict[str, Any]], as_json: bool, table: TableSpec) -> None:
    if as_json:
        _json(rows)
        return
    from commands.output.tables import fitted_table

    shown = [{**r, "name": r["name"] if r.get("name") is not None else "(forgotten)"} for r in rows]
    show(fitted_table(shown, table, width=terminal_width()))


def event_invite(
    ctx: typer.Context,
    ref: Ref,
    people: Annotated[list[str], typer.Argument(help="Contacts: id, e-mail, group:NAME, or 'Name <e-mail>' "
                                                "for someone new (made a contact).")],
    role: Annotated[str, typer.Option(help="chair, required, optional or observer.")] = "required",
    rsvp_by: Annotated[str | None, typer.Option("--rsvp-by", help="Ask for answers by this date or time (the "
                                                "event's zone); those who have not answered get a nudge.")] = None,
    send: Annotated[bool, typer.Option("--send/--no-send", help="Send each one added an invitation by e-mail "
                                       "(iMIP, with links to answer).")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Invite people to an event: they become participants who have not answered yet (needs-action).

    Those already on the list stay as they are; prints the participants added. Each one added gets an
    invitation by e-mail in their language, with three links (yes, maybe, no) to answer without an account;
    the dispatcher (`serve` or `scheduler run`) sends it.

    Example:

    \b
      calendar-app event invite 3 group:gbv-network "Айгүл Токтосунова <aigul@example.kg>" --role required
      calendar-app event invite 3 bakyt@example.kg --role chair --rsvp-by 2019-12-10
    """
    from calendar_app.people import services

    added = services.invite(ref, people, role=role, app=app_of(ctx), now=now(ctx), rsvp_by=rsvp_by, send=send)
    if not as_json:
        typer.echo(_("Invited {count} to event {ref}").format(count=len(added), ref=ref))
    if added or as_json:
        _rows(added, as_json, PARTICIPANT_TABLE)


@participant_app.command("list")
def participant_list(ctx: typer.Context, ref: Ref, as_json: JsonOpt = False) -> None:
    """List an event's participants: role, answer, attendance, sex.

    Example:

    \b
      calendar-app participant list 3 --json
    """
    from calendar_app.people import services

    _rows(services.list_participants(ref, app=app_of(ctx)), as_json, PARTICIPANT_TABLE)


@participant_app.command("set")
def participant_set(
    ctx: typer.Context,
    ref: Ref,
    contact: ContactRef,
    status: Annotated[str | None, typer.Option(help="Their answer: needs-action, accepted, tentative, "
                                               "declined or delegated.")] = None,
    attended: Annotated[bool, typer.Option("--attended", help="They came.")] = False,
    absent: Annotated[bool, typer.Option("--absent", help="They did not come.")] = False,
    role: Annotated[str | None, typer.Option(help="chair, required, optional or observer.")] = None,
    sex: Annotated[str | None, typer.Option(help="woman, man or other; '' when not stated.")] = None,
    organisation: Annotated[str | None, typer.Option(help="Where they work ('' removes it).")] = None,
    language: Annotated[str | None, typer.Option(help="mn, ky, ru or en for messages to them ('' for the "
                                                 "contact's).")] = None,
    comment: Annotated[str | None, typer.Option(help="A note ('' removes it).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a participant's answer, attendance, role or sex.

    Once anyone is marked --attended, the event's participant figures (women, men) come from the list.

    Example:

    \b
      calendar-app participant set 3 aigul@example.kg --status accepted --attended --sex woman
    """
    from calendar_app.people import services
    from events.people.services import ParticipantChanges

    changes = ParticipantChanges(status=status, role=role, attended=attended, absent=absent, sex=sex,
                                 organisation=organisation, language=language, comment=comment)
    row = services.set_participant(ref, contact, changes, app=app_of(ctx), now=now(ctx))
    _rows([row], as_json, PARTICIPANT_TABLE)


@participant_app.command("remove")
def participant_remove(ctx: typer.Context, ref: Ref, contact: ContactRef, as_json: JsonOpt = False) -> None:
    """Take someone off an event's list (the contact stays).

    Example:

    \b
      calendar-app participant remove 3 aigul@example.kg
    """
    from calendar_app.people import services

    row = services.remove_participant(ref, contact, app=app_of(ctx), now=now(ctx))
    if as_json:
        _json(row)
    else:
        typer.echo(_("Removed {name} from event {ref}").format(name=row["name"], ref=ref))


@participant_app.command("import")
def participant_import(
    ctx: typer.Context,
    ref: Ref,
    path: Annotated[str, typer.Argument(help="A registration sheet as CSV (UTF-8): name, e-mail, organisation, "
                                        "sex, language (headers in en, ru, mn or ky; attended optional).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the sheet; write nothing.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Take a registration sheet into an event's participants: all rows, or none if any row is bad.

    Bad rows are reported by line number. New e-mail addresses become contacts.

    Example:

    \b
      calendar-app participant import 3 registration.csv
    """
    from calendar_app.people import services

    result = services.import_sheet(ref, path, app=app_of(ctx), now=now(ctx), dry_run=dry_run)
    if as_json:
        _json(result)
        return
    text = (_("Would add {added} and update {updated} participants of event {event} from {source}") if dry_run
            else _("Added {added} and updated {updated} participants of event {event} from {source}"))
    typer.echo(text.format(added=result["added"], updated=result["updated"], event=result["event_id"],
                           source=result["source"]))


@participant_app.command("export")
def participant_export(
    ctx: typer.Context,
    ref: Ref,
    out: Annotated[str, typer.Option("-o", "--output", help="Write to this file (replaced atomically); - is "
                                     "stdout.")] = "-",
    language: Annotated[str | None, typer.Option(help="Language of the headers: mn, ky, ru or en (default: the "
                                                 "event's).")] = None,
    stream: StreamOpt = False,
) -> None:
    """Write an event's participants as CSV, for a sign-in sheet (a signature column is left empty).

    Example:

    \b
      calendar-app participant export 3 -o sign-in.csv --language ky
    """
    from calendar_app.outfile import STDOUT, output_file
    from calendar_app.people import services

    text = services.export_sheet(ref, app=app_of(ctx), language=language)
    with output_file(out, stream=stream) as target:
        target.write(text.encode("utf-8"))
    if out != STDOUT:
        typer.echo(_("Wrote the sign-in sheet of event {ref} to {output}").format(ref=ref, output=out))


def contact_forget(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The person's e-mail (or contact id).")],
    as_json: JsonOpt = False,
) -> None:
    """Erase a person (name, address, organisation) everywhere; the counts they were part of stay.

    Their rows in participant lists keep only role, answer, attendance and sex; reminders to them are
    cancelled and their address leaves the delivery log.

    Example:

    \b
      calendar-app contact forget aigul@example.kg
    """
    from calendar_app.people.forget import forget

    result = forget(ref, app=app_of(ctx), now=now(ctx))
    if as_json:
        _json(result)
        return
    typer.echo(_("Forgot contact {id}: {rows} participant rows kept for the counts, {deliveries} deliveries and "
                 "{tasks} tasks cleared").format(id=result["contact_id"], rows=result["participant_rows"],
                                                 deliveries=result["deliveries"], tasks=result["tasks"]))


@report_app.command("participants")
def report_participants(
    ctx: typer.Context,
    start: Annotated[str | None, typer.Option("--from", help="First day (or instant) of the period.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day of the period (inclusive), or an instant.")] = None,
    by: Annotated[str | None, typer.Option(help="Group by kind, region, partner or month.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv or html (html has a chart).")] = "table",
    as_json: JsonOpt = False,
    out: Annotated[str | None, typer.Option("-o", "--output", help="Write to this file (replaced atomically) "
                                            "instead of the screen; - is stdout.")] = None,
    language: Annotated[str, typer.Option(help="Language of the html page: mn, ky, ru or en.")] = "en",
    stream: StreamOpt = False,
) -> None:
    """Participants by sex over a period: attendance lists where kept, typed figures elsewhere.

    A person counts once per event; cancelled events are left out.

    Example:

    \b
      calendar-app report participants --from 2019-12-01 --to 2019-12-31 --by kind --format html -o people.html
      calendar-app report participants --from 2019-01-01 --by month --format html --language ky -o 2019.html
    """
    from calendar_app.people.report import participants_report
    from events.drafts import language_of
    from events.errors import UnknownChoice

    language = language_of(language)
    formats = ("table", "json", "csv", "html")
    fmt = "json" if as_json else fmt
    if fmt not in formats:
        raise UnknownChoice("format", fmt, formats)
    report = participants_report(start, end, by, app=app_of(ctx), now=now(ctx))
    if fmt == "table" and out is None:
        from commands.output.tables import fitted_table

        show(fitted_table(_table_rows(report), REPORT_TABLE, width=terminal_width()))
        return
    text = _report_text(report, fmt, language)
    if out is None:
        typer.echo(text, nl=False)
        return
    from calendar_app.outfile import STDOUT, output_file

    with output_file(out, stream=stream) as target:
        target.write(text.encode("utf-8"))
    if out != STDOUT:
        typer.echo(_("Wrote the {format} participants report to {output}").format(format=fmt, output=out))


def _report_text(report: Any, fmt: str, language: str) -> str:
    if fmt == "json":
        from commands.output.events import json_bytes
        from events.people.report import report_json

        return json_bytes(report_json(report)).decode()
    if fmt == "csv":
        from exports.participants_report_render import report_csv

        return report_csv(report)
    if fmt == "html":
        from exports.participants_report_render import report_html

        return report_html(report, language=language)
    from io import StringIO

    from rich.console import Console

    from commands.output.tables import fitted_table

    buffer = StringIO()
    Console(file=buffer, width=120, soft_wrap=False).print(fitted_table(_table_rows(report), REPORT_TABLE, width=120))
    return buffer.getvalue()


def _table_rows(report: Any) -> list[dict[str, Any]]:
    """Rows for people: the groups, then the total; `listed` is the events counted from attendance lists."""
    def row(group: str, totals: Any) -> dict[str, Any]:
        data = totals.as_json()
        return {"group": group, "events": data["events"], "listed": data["events_with_list"],
                "participants": data["participants"], "women": data["women"], "men": data["men"],
                "other": data["other_or_unstated"]}

    return [row(key, t) for key, t in report.rows] + [row("total", report.total)]


@rsvp_app.command("import")
def rsvp_import(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="The reply: an .eml as saved by a mail client, or its .ics.")],
    as_json: JsonOpt = False,
) -> None:
    """Record answers sent back by e-mail (an iMIP REPLY): the answer (PARTSTAT) of the attendee for the
    event with that UID. A file that is not a reply, or names an unknown event or someone not invited,
    records nothing.

    Example:

    \b
      calendar-app rsvp import "Accepted: Тегерек стол.eml"
    """
    from calendar_app.people.replies import import_reply

    result = import_reply(path, app=app_of(ctx), now=now(ctx))
    if as_json:
        _json(result)
        return
    for row in result["recorded"]:
        typer.echo(_("Recorded {status} for {email} (event {event})").format(status=row["status"], email=row["email"],
                                                                           event=row["event_id"]))


def commands() -> dict[str, Any]:
    return {"participant": participant_app, "report": report_app, "rsvp": rsvp_app}
