"""What bulk `event edit` and `event cancel` share: the `--where-*` filters, `--dry-run`, one confirmation."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from calendar_app.i18n import N_
from calendar_app.i18n import gettext as _
from commands.common import JsonOpt, app_of, emit_json, event_filter, now, shown, warn

if TYPE_CHECKING:
    from calendar_app.bulk import Selection
    from calendar_app.services import EventOutcome

Refs = Annotated[list[str] | None, typer.Argument(help="The events' ids or uids: one, or several for a bulk change.",
                                                  show_default=False)]
WhereCampaign = Annotated[list[str] | None, typer.Option("--where-campaign", help="Bulk: events of this campaign "
                                                         "(repeatable).")]
WhereKind = Annotated[list[str] | None, typer.Option("--where-kind", help="Bulk: events of this kind (repeatable).")]
WhereRegion = Annotated[list[str] | None, typer.Option("--where-region", help="Bulk: events in this region "
                                                       "(repeatable).")]
WhereStatus = Annotated[list[str] | None, typer.Option("--where-status", help="Bulk: events with this status "
                                                       "(repeatable).")]
WhereFrom = Annotated[str | None, typer.Option("--where-from", help="Bulk: events ending after this: 2026-11-25.")]
WhereTo = Annotated[str | None, typer.Option("--where-to", help="Bulk: events starting before this.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Bulk: list what would change and change nothing.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Bulk: do not ask; needed without a terminal.")]
Strict = Annotated[bool, typer.Option("--strict", help="Refuse (exit 2, nothing saved) instead of warning when "
                                      "the event duplicates another (same title and start) or overlaps one of "
                                      "the same partner, organiser or region.")]


def selection(refs: Sequence[str] | None, *, campaign: Sequence[str] | None, kind: Sequence[str] | None,
              region: Sequence[str] | None, status: Sequence[str] | None, start: str | None,
              end: str | None) -> Selection:
    from calendar_app.bulk import Selection

    where = event_filter(campaigns=campaign, kinds=kind, regions=region, statuses=status, start=start, end=end)
    filtered = any([campaign, kind, region, status, start is not None, end is not None])
    return Selection(refs=tuple(refs or ()), where=where, filtered=filtered)


def one_series_only(scope: Any) -> None:
    """`--occurrence` and `--from-occurrence` name a time in one series: not for a bulk change."""
    if scope.text is not None:
        typer.echo(_("error: --occurrence and --from-occurrence act on one series: give one id, without --where-* "
                     "or --dry-run"), err=True)
        raise typer.Exit(2)


_REFUSALS = {
    "update": N_("error: this would update {count} events ({shown}): add --yes to do it without a prompt, or "
                 "--dry-run to see what would change"),
    "cancel": N_("error: this would cancel {count} events ({shown}): add --yes to do it without a prompt, or "
                 "--dry-run to see what would change"),
}
_QUESTIONS = {"update": N_("Update {count} events ({shown})?"), "cancel": N_("Cancel {count} events ({shown})?")}


def confirm(ids: Sequence[int], verb: str, yes: bool) -> None:
    """One question for the whole batch; without a terminal, `--yes` is needed."""
    if yes:
        return
    shown = ", ".join(str(i) for i in ids[:10]) + (", ..." if len(ids) > 10 else "")
    if not sys.stdin.isatty():
        refusal = _REFUSALS.get(verb, _REFUSALS["update"])
        typer.echo(_(refusal).format(count=len(ids), shown=shown), err=True)
        raise typer.Exit(2)
    question = _QUESTIONS.get(verb, _QUESTIONS["update"])
    if not typer.confirm(_(question).format(count=len(ids), shown=shown)):
        typer.echo(_("error: nothing was changed: not confirmed"), err=True)
        raise typer.Exit(2)


def run_bulk(ctx: typer.Context, chosen: Selection, verb: str, change: Callable[[list[int], bool], list[EventOutcome]],
             *, dry_run: bool, yes: bool, as_json: JsonOpt) -> None:
    """Choose the events, ask once (unless a dry run), change them all in one transaction, report each."""
    from calendar_app.bulk import select_events
    from commands.output import history as output

    ids = select_events(chosen, app=app_of(ctx), now=now(ctx))
    if not ids:
        warn([_("no event matches: nothing was changed")])
    elif not dry_run:
        confirm(ids, verb, yes)
    outcomes = change(ids, dry_run) if ids else []
    for outcome in outcomes:
        warn(_("event {id}: {warning}").format(id=outcome.view.id, warning=shown(line)) for line in outcome.warnings)
    if as_json:
        emit_json(output.bulk_json(outcomes, dry_run=dry_run))
    else:
        typer.echo("\n".join(output.bulk_lines(outcomes, verb=verb, dry_run=dry_run)))
