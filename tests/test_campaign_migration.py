"""Migration 0002 goes up and down on both backends, and events written before it read back unchanged."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from calendar_app import schema, services
from calendar_app.app import App, Store
from calendar_app.config import Settings
from calendar_app.db import create_db_engine
from events.drafts import NewEventDraft
from tests.conftest import NOW


def test_upgrade_downgrade_upgrade(store_url: str) -> None:
    engine = create_db_engine(store_url)
    schema.upgrade(engine, "0001")
    with engine.begin() as connection:
        assert schema.current_revision(connection) == "0001"
    with engine.begin() as connection:  # an event stored before campaigns existed
        stamp = "2025-11-26 04:00:00" + ("+00" if connection.dialect.name == "postgresql" else "")
        connection.execute(sa.text(
            "INSERT INTO event (uid, title, kind, all_day, start_utc, end_utc, timezone, status, visibility, "
            "sequence, search_text, created_at, updated_at) VALUES ('old@x', 'Before campaigns', 'meeting', "
            f"false, '{stamp}', '{stamp}', 'Asia/Bishkek', 'confirmed', 'internal', 0, '', '{stamp}', '{stamp}')"
        ))
    schema.upgrade(engine)
    app = App(Settings(db_url=store_url, default_tz="Asia/Ulaanbaatar"), Store(store_url))
    view = services.show_event("old@x", app=app)
    assert view.campaign is None and view.yearly is False
    services.add_event(NewEventDraft(title="After", start="2025-11-26 10:00", region="bishkek"),
                       app=app, now=NOW)
    with engine.begin() as connection:
        command.downgrade(schema._alembic_config(connection), "0001")
        assert not sa.inspect(connection).has_table("campaign")
    schema.upgrade(engine)
    with engine.begin() as connection:
        assert schema.current_revision(connection) == schema.HEAD == schema.script_head()
        assert {"campaign_edition_id", "yearly"} <= {c["name"] for c in sa.inspect(connection).get_columns("event")}
    assert services.show_event("old@x", app=app).title == "Before campaigns"
    engine.dispose()
    app.close()
