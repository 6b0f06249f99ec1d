"""Operator tasks: schema upgrades and the demo data."""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from typing import Any

from calendar_app.app import App
from calendar_app.config import Settings
from calendar_app.db import check_connection, create_db_engine, storage_error
from calendar_app.schema import HEAD, current_revision, upgrade
from events.bulk import insert_events
from events.drafts import NewEventDraft


def upgrade_database(*, settings: Settings) -> str:
    engine = create_db_engine(settings.db_url)
    check_connection(engine)
    upgrade(engine)
    return HEAD


def database_revision(*, settings: Settings) -> dict[str, Any]:
    from sqlalchemy.exc import DBAPIError

    engine = create_db_engine(settings.db_url)
    url = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            current = current_revision(connection)
    except DBAPIError as error:
        raise storage_error(error, url) from error
    return {"current": current, "head": HEAD, "up_to_date": current == HEAD, "url": url}


def demo_drafts() -> list[NewEventDraft]:
    text = resources.files("events").joinpath("data/demo.json").read_text(encoding="utf-8")
    drafts = []
    for item in json.loads(text):
        item["participants_actual"] = item.pop("actual", None)
        drafts.append(NewEventDraft(**item))
    return drafts


def load_demo(*, app: App, now: datetime) -> dict[str, int]:
    with app.write() as session:
        result = insert_events(demo_drafts(), session=session, default_tz=app.settings.default_tz, now=now)
    return {"added": result.added, "unchanged": result.unchanged}
