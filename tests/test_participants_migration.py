"""Migration 0009 (participants) goes up and down on both backends with data in the store: events,
contacts and feeds written before it read back unchanged, and participants can be stored after it."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from calendar_app import schema
from calendar_app.db import create_db_engine


def _stamp(connection: sa.Connection) -> str:
    return "2025-12-16 02:00:00" + ("+00" if connection.dialect.name == "postgresql" else "")


def test_participants_migration_up_down_up_keeps_rows(store_url: str) -> None:
    engine = create_db_engine(store_url)
    schema.upgrade(engine, "0008")
    with engine.begin() as connection:
        stamp = _stamp(connection)
        connection.execute(sa.text(
            "INSERT INTO event (id, uid, title, kind, all_day, start_utc, end_utc, timezone, status, visibility,"
            " sequence, search_text, created_at, updated_at, participants_actual, participants_women,"
            " participants_men, yearly) VALUES (1, 'rt@x', 'Дугуй ширээний ярилцлага', 'round_table', false,"
            f" '{stamp}', '{stamp}', 'Asia/Ulaanbaatar', 'held', 'internal', 0, '', '{stamp}', '{stamp}',"
            " 17, 12, 5, false)"))
        connection.execute(sa.text(
            "INSERT INTO contact (id, name, email, language, timezone, created_at) VALUES"
            f" (1, 'Айгүл Токтосунова', 'aigul@example.kg', 'ky', 'Asia/Bishkek', '{stamp}')"))
        connection.execute(sa.text(
            "INSERT INTO feed (id, name, filters, private, detail, cancelled_days, alarms, tasks, created_at,"
            f" updated_at) VALUES (1, 'staff', '{{}}', true, 'full', 30, '', false, '{stamp}', '{stamp}')"))
        before = {t: connection.execute(sa.text(f"SELECT * FROM {t} ORDER BY 1")).all()
                  for t in ("event", "contact", "feed")}
    schema.upgrade(engine, "0009")
    with engine.begin() as connection:
        assert schema.current_revision(connection) == "0009"  # this migration; later ones reshape feed
        for table, rows in before.items():
            columns = ", ".join(rows[0]._fields)
            assert connection.execute(sa.text(f"SELECT {columns} FROM {table} ORDER BY 1")).all() == rows, table
        assert not connection.execute(sa.text("SELECT attendees FROM feed")).scalar()
        connection.execute(sa.text(
            "INSERT INTO participant (event_id, contact_id, role, status, attended, sex, created_at, updated_at)"
            f" VALUES (1, 1, 'required', 'accepted', true, 'woman', '{_stamp(connection)}',"
            f" '{_stamp(connection)}')"))
    with engine.begin() as connection:  # one contact takes part in one event once
        try:
            connection.execute(sa.text(
                "INSERT INTO participant (event_id, contact_id, role, status, created_at, updated_at)"
                f" VALUES (1, 1, 'required', 'needs-action', '{_stamp(connection)}', '{_stamp(connection)}')"))
            duplicate_refused = False
        except sa.exc.IntegrityError:
            duplicate_refused = True
    assert duplicate_refused
    with engine.begin() as connection:
        command.downgrade(schema._alembic_config(connection), "0008")
        assert not sa.inspect(connection).has_table("participant")
        assert "attendees" not in {c["name"] for c in sa.inspect(connection).get_columns("feed")}
    schema.upgrade(engine, "0009")
    with engine.begin() as connection:
        for table, rows in before.items():
            columns = ", ".join(rows[0]._fields)
            assert connection.execute(sa.text(f"SELECT {columns} FROM {table} ORDER BY 1")).all() == rows, table
        assert connection.execute(sa.text("SELECT count(*) FROM participant")).scalar() == 0
    engine.dispose()


def test_participant_rows_follow_event_and_contact(store_url: str) -> None:
    """Deleting an event deletes its participants; deleting a contact keeps the row without the person."""
    engine = create_db_engine(store_url)
    schema.upgrade(engine)
    with engine.begin() as connection:
        stamp = _stamp(connection)
        for event_id in (1, 2):
            connection.execute(sa.text(
                "INSERT INTO event (id, uid, title, kind, all_day, start_utc, end_utc, timezone, status,"
                " visibility, sequence, search_text, created_at, updated_at, yearly) VALUES"
                f" ({event_id}, 'e{event_id}@x', 'Уулзалт', 'meeting', false, '{stamp}', '{stamp}',"
                f" 'Asia/Bishkek', 'held', 'internal', 0, '', '{stamp}', '{stamp}', false)"))
        connection.execute(sa.text(
            "INSERT INTO contact (id, name, email, language, timezone, created_at) VALUES"
            f" (1, 'Бакыт', 'bakyt@example.kg', 'ky', 'Asia/Bishkek', '{stamp}')"))
        for event_id in (1, 2):
            connection.execute(sa.text(
                "INSERT INTO participant (event_id, contact_id, role, status, attended, sex, created_at,"
                f" updated_at) VALUES ({event_id}, 1, 'required', 'accepted', true, 'man', '{stamp}', '{stamp}')"))
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM event WHERE id = 1"))
        connection.execute(sa.text("DELETE FROM contact WHERE id = 1"))
    with engine.begin() as connection:
        rows = connection.execute(sa.text("SELECT event_id, contact_id, sex, attended FROM participant")).all()
    assert [tuple(r) for r in rows] == [(2, None, "man", True)]
    engine.dispose()
