"""`event history`, `event undo` and `history`: who changed what, and taking a change back."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from calendar_app.i18n import gettext as _
from commands.common import JsonOpt, Ref, app_of, emit_json, now, settings_of, show, show_event, terminal_width


def event_history(ctx: typer.Context, ref: Ref, as_json: JsonOpt = False) -> None:
    """Every recorded change of one event, oldest first: when, who, which command, from what to what.
    A deleted event is named by its id.

    Example:

    \b
      calendar-app event history 7
    """
    from calendar_app.history.services import event_history as changes_of
    from commands.output import history as output

    changes = changes_of(ref, app=app_of(ctx))
    if as_json:
        emit_json(output.history_json(changes))
    else:
        show(output.history_table(changes, tz=settings_of(ctx).default_tz, width=terminal_width(), one_record=True))


def event_undo(ctx: typer.Context, ref: Ref, as_json: JsonOpt = False) -> None:
    """Take back the last recorded change of an event, as a new change in its history: fields get their
    earlier values (reminders and feeds follow), an undone cancel brings the event back, an undone add
    cancels it (it stays in feeds, those reminded are told), an undone delete restores it under its id;
    undo again to redo.

    Example:

    \b
      calendar-app event undo 7
    """
    from calendar_app.history.undo import undo_event
    from commands.output import history as output

    outcome = undo_event(ref, app=app_of(ctx), now=now(ctx))
    view = outcome.view
    summary = output.changes_text(outcome.changes, "undo", view.timezone)
    show_event(view, as_json, _("Undid the last change of event {id}: {changes}").format(id=view.id, changes=summary))


def register(event_app: typer.Typer) -> None:
    """Add `event history` and `event undo` to the `event` group."""
    event_app.command("history")(event_history)
    event_app.command("undo")(event_undo)


def history(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="Changes from this moment: 2026-12-01, today, "
                                              "'2026-12-01 09:00' (your zone).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Changes before this moment.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Changes made by this user (the name the history "
                                           "shows; set with CALENDAR_APP_ACTOR).")] = None,
    entity: Annotated[str | None, typer.Option("--entity", help="Only changes of: event, feed, contact, "
                                               "campaign, edition or participant.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many changes.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Who changed which event, feed, contact or campaign, when, from what to what.

    Every recorded change, oldest first; filters combine.

    Example:

    \b
      calendar-app history --since 2026-12-01 --by bolormaa --entity event
    """
    from calendar_app.history.services import history as changes_since
    from commands.output import history as output

    changes = changes_since(since, until, by, entity, app=app_of(ctx), now=now(ctx), limit=limit)
    if as_json:
        emit_json(output.history_json(changes))
    else:
        show(output.history_table(changes, tz=settings_of(ctx).default_tz, width=terminal_width()))


def commands() -> dict[str, Any]:
    return {"history": history}
