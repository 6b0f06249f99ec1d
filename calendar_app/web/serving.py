"""`serve`: the feed server in the foreground, with the reminder dispatcher beside it when asked.

Returns nothing and prints nothing: what to show once the socket is bound goes to `on_ready` as a
`ServeInfo`, which the command prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from calendar_app.app import App
from calendar_app.feeds import FeedInfo, list_feeds
from calendar_app.web.guard import Limits
from events.errors import N_, Notice


@dataclass(frozen=True)
class ServeInfo:
    """What a person starting the server wants to know."""

    listen: str  # where the server listens
    base_url: str  # where subscribe links point
    feeds: tuple[FeedInfo, ...]
    reminders: str | None  # where reminder mail goes, when the dispatcher runs beside the server


def _reminder_channel(app: App) -> str:
    settings = app.settings
    if settings.smtp_url:
        return Notice(N_("e-mail over SMTP"))
    return Notice(N_("e-mail into the outbox {outbox}"), outbox=str(settings.outbox))


def serve(app: App, *, host: str, port: int, workers: int = 1, reminders: bool = True, access_log: bool = True,
          limits: Limits = Limits(), on_ready: Callable[[ServeInfo], None] = lambda info: None) -> None:
    """Serve until interrupted; with `workers` > 1 that many processes share the port (each keeps its own
    built feeds; the rendered events they share live in the database). With `reminders`, the dispatcher
    runs beside them in this process, once whatever `workers` is. With `access_log`, each request is one
    line on standard error; `limits` bound what slow or many clients can hold (per process)."""
    from calendar_app.web.app import WebSpec
    from calendar_app.web.runner import serve as run_server

    app.kind_defaults()  # a broken workflows file stops the start with its error (exit 2)
    if not app.settings.base_url:  # links on / and in messages point at this server
        local = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        app = replace(app, settings=replace(app.settings, base_url=f"http://{local}:{port}"))
    info = ServeInfo(f"http://{host}:{port}/", app.settings.public_url, tuple(list_feeds(app=app)),
                     _reminder_channel(app) if reminders else None)

    def start_reminders() -> Any:
        from calendar_app.notify.scheduler import start_in_background

        return start_in_background(app)

    run_server(WebSpec(app.settings, access_log=access_log), host=host, port=port, workers=max(1, workers),
               limits=limits,
               on_ready=lambda: on_ready(info), start_background=start_reminders if reminders else None)
