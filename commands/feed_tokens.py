"""`feed token add|list|revoke`: several secret URLs per private feed, each revocable on its own."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from calendar_app.i18n import gettext as _
from commands.common import JsonOpt, app_of, emit_json, group, now

token_app = group("A private feed's secret URLs: one per office or person, each revocable on its own.")
FeedName = Annotated[str, typer.Argument(help="The private feed's name.")]


def _json(value: Any) -> None:
    from commands.output.events import json_bytes

    emit_json(json_bytes(value))


@token_app.command("add")
def token_add(
    ctx: typer.Context,
    name: FeedName,
    label: Annotated[str | None, typer.Option(help="Who it is for, e.g. 'Bishkek office'.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Give a private feed one more secret URL (printed last, shown only now); the others keep working.

    Example:

    \b
      calendar-app feed token add staff-busy --label "Bishkek office"
    """
    from calendar_app import feeds

    made = feeds.add_token(name, label, app=app_of(ctx), now=now(ctx))
    if as_json:
        _json(made.as_json())
        return
    shown = f" ({made.info.label})" if made.info.label else ""
    typer.echo(_("Feed {feed} has a new secret URL{label}, token {id}; keep it: it is not shown again.").format(
        feed=made.info.feed, label=shown, id=made.info.id))
    typer.echo(made.url)


@token_app.command("list")
def token_list(
    ctx: typer.Context,
    name: FeedName,
    all_: Annotated[bool, typer.Option("--all", help="Revoked tokens too.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """List a private feed's tokens: id, label, the first characters, when made (never the secret URL).

    Example:

    \b
      calendar-app feed token list staff-busy
    """
    from calendar_app import feeds
    from commands.common import settings_of, show, terminal_width
    from commands.output.tables import TableSpec, fitted_table
    from events.timeparse import zone

    tokens = feeds.list_tokens(name, app=app_of(ctx), include_revoked=all_)
    if as_json:
        _json([t.as_json() for t in tokens])
        return
    if not tokens:
        typer.echo(_("Feed {name} has no working secret URL: add one with 'calendar-app feed token add {name}'")
                   .format(name=name))
        return
    tz = zone(settings_of(ctx).default_tz)

    def when(moment: Any) -> str | None:
        return moment.astimezone(tz).isoformat(timespec="minutes") if moment else None

    rows = [{"id": t.id, "label": t.label or "", "starts_with": f"{t.prefix}…" if t.prefix else _("(older token)"),
             "created": when(t.created_at), "revoked": when(t.revoked_at)} for t in tokens]
    columns = ("id", "label", "starts_with", "created", "revoked")[:5 if all_ else 4]
    show(fitted_table(rows, TableSpec(columns, wrap=("label",), drop=("created",), wrap_min=14),
                      width=terminal_width()))


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context,
    name: FeedName,
    token: Annotated[str, typer.Argument(help="The token's id, label or first characters ('feed token list').")],
    last: Annotated[bool, typer.Option("--last", help="Revoke it even if it is the feed's last working "
                                       "token (the feed then has no URL until 'feed token add').")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Revoke one secret URL of a private feed (it answers 404 from now on); the others keep working.

    Example:

    \b
      calendar-app feed token revoke staff-busy "Bishkek office"
    """
    from calendar_app import feeds

    info = feeds.revoke_token(name, token, app=app_of(ctx), now=now(ctx), allow_last=last)
    if as_json:
        _json(info.as_json())
        return
    shown = f" ({info.label})" if info.label else ""
    typer.echo(_("Token {id}{label} of feed {feed} is revoked: its URL no longer works.").format(
        id=info.id, label=shown, feed=info.feed))
