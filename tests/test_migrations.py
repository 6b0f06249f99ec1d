"""Alembic migrations: the schema they build matches the models, and upgrades keep every row."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

# Every module that defines tables: importing them registers the tables on SQLModel.metadata.
import events.campaigns.models
import events.history.models
import events.models
import events.notify.models
import events.people.models  # noqa: F401
import exports.models  # noqa: F401
from calendar_app.db import create_db_engine
from calendar_app.schema import HEAD, ensure_schema, script_head, upgrade

FIRST = "0001"


def test_head_constant_matches_the_newest_migration() -> None:
    assert script_head() == HEAD, f"update HEAD in calendar_app/schema.py to {script_head()}"


def test_migrated_schema_matches_the_models(store_url: str) -> None:
    from alembic.autogenerate import compare_metadata

    engine = create_db_engine(store_url)
    ensure_schema(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_upgrade_from_first_schema_keeps_every_row(store_url: str) -> None:
    engine = create_db_engine(store_url)
    upgrade(engine, FIRST)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO organisation (id, name) VALUES (1, 'Хүүхдийг Ивээх Сан')"))
        connection.execute(sa.text("INSERT INTO programme (id, name) VALUES (1, 'Хүүхэд хамгаалал')"))
        connection.execute(sa.text(
            "INSERT INTO event (id, uid, title, kind, all_day, start_utc, end_utc, timezone, region, status,"
            " visibility, sequence, search_text, created_at, updated_at, programme_id) VALUES"
            " (1, 'u-1', 'Санамж бичигт гарын үсэг зурах', 'signing', false, '2018-06-29 03:00:00',"
            " '2018-06-29 04:00:00', 'Asia/Ulaanbaatar', 'ulaanbaatar', 'held', 'public', 2, '',"
            " '2018-06-01 00:00:00', '2018-06-02 00:00:00', 1)"))
        connection.execute(sa.text("INSERT INTO event_partner (event_id, organisation_id) VALUES (1, 1)"))
        before = {t: connection.execute(sa.text(f"SELECT * FROM {t} ORDER BY 1")).all()
                  for t in ("event", "organisation", "programme", "event_partner", "region")}
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == HEAD
        for table, rows in before.items():
            columns = rows[0]._fields
            after = connection.execute(sa.text(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1")).all()
            assert after == rows, table
    assert len(before["region"]) == 40
