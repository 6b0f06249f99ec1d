"""`region`, `db` and `demo` commands: reference data and operators' tasks."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from calendar_app.i18n import gettext as _
from commands.common import JsonOpt, WideOpt, app_of, emit_json, group, now, settings_of, show, terminal_width

region_app = group("The built-in regions of Mongolia and Kyrgyzstan.")
db_app = group("Database schema for operators.")
demo_app = group("Demo data from real press releases.")


# ---- region ---------------------------------------------------------------------------------------------

@region_app.command("list")
def region_list(
    country: Annotated[str | None, typer.Option(help="MN or KG.")] = None,
    wide: WideOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """List regions with their time zones (Mongolia has two: Asia/Hovd in the west).

    Example:

    \b
      calendar-app region list --country MN --json
    """
    from commands.output import events as output
    from events.regions import regions_of

    regions = regions_of(country)
    if as_json:
        emit_json(output.regions_json(regions))
    else:
        show(output.regions_table(regions, width=terminal_width(wide)), wide=wide)


# ---- db -------------------------------------------------------------------------------------------------

@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create the database or bring its schema up to date.

    Example:

    \b
      calendar-app --db postgresql+psycopg://calendar@db.example/calendar db upgrade
    """
    from calendar_app import admin

    revision = admin.upgrade_database(settings=settings_of(ctx))
    typer.echo(_("Database at revision {revision}").format(revision=revision))


@db_app.command("current")
def db_current(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the database's schema revision and the newest this version knows.

    Example:

    \b
      calendar-app db current
    """
    from calendar_app import admin
    from commands.output import events as output

    state = admin.database_revision(settings=settings_of(ctx))
    if as_json:
        emit_json(output.json_bytes(state))
    else:
        typer.echo(_("current: {current}  head: {head}  url: {url}").format(
            current=state["current"] or _("empty"), head=state["head"], url=state["url"]))


# ---- demo -----------------------------------------------------------------------------------------------

@demo_app.command("load")
def demo_load(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Load the demo events (real 2018-2023 events from Mongolia and Kyrgyzstan); loading twice adds nothing.

    Example:

    \b
      calendar-app --db demo.db demo load
    """
    from calendar_app import admin
    from commands.output import events as output

    result = admin.load_demo(app=app_of(ctx), now=now(ctx))
    if as_json:
        emit_json(output.json_bytes(result))
    else:
        typer.echo(_("Demo loaded: {added} added, {unchanged} already there").format(added=result["added"],
                                                                                 unchanged=result["unchanged"]))




def commands() -> dict[str, Any]:
    return {"region": region_app, "db": db_app, "demo": demo_app}
