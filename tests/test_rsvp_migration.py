"""Migration 0013 (RSVP tokens and answer deadlines) goes up and down on both backends with data in the
store: events, contacts and participants written before it read back unchanged; a participant's tokens go
with the participant, a deadline with its event."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from calendar_app import schema
from calendar_app.db import create_db_engine


def _stamp(connection: sa.Connection) -> str:
    return "2026-12-16 04:00:00" + ("+00" if connection.dialect.name == "postgresql" else "")


def _count(connection: sa.Connection, table: str) -> int:
    return int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() or 0)


def test_rsvp_migration_up_down_up_keeps_rows(store_url: str) -> None:
    engine = create_db_engine(store_url)
    schema.upgrade(engine, "0012")
    with engine.begin() as connection:
        stamp = _stamp(connection)
        connection.execute(sa.text(
            "INSERT INTO event (id, uid, title, kind, all_day, start_utc, end_utc, timezone, status, visibility,"
            " sequence, search_text, created_at, updated_at, yearly) VALUES (1, 'rt@x', 'Тегерек стол',"
            f" 'round_table', false, '{stamp}', '{stamp}', 'Asia/Bishkek', 'confirmed', 'internal', 0, '',"
            f" '{stamp}', '{stamp}', false)"))
        connection.execute(sa.text(
            "INSERT INTO contact (id, name, email, language, timezone, created_at) VALUES"
            f" (1, 'Айгүл Токтосунова', 'aigul@example.kg', 'ky', 'Asia/Bishkek', '{stamp}')"))
        connection.execute(sa.text(
            "INSERT INTO participant (id, event_id, contact_id, role, status, created_at, updated_at)"
            f" VALUES (1, 1, 1, 'chair', 'tentative', '{stamp}', '{stamp}')"))
        before = {t: connection.execute(sa.text(f"SELECT * FROM {t} ORDER BY 1")).all()
                  for t in ("event", "contact", "participant")}
    schema.upgrade(engine)
    with engine.begin() as connection:
        assert schema.current_revision(connection) == schema.HEAD
        for table, rows in before.items():
            assert connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1")).all() == rows, table
        stamp = _stamp(connection)
        for answer in ("accepted", "tentative", "declined"):
            connection.execute(sa.text(
                "INSERT INTO rsvp_token (token_hash, participant_id, answer, created_at) VALUES"
                f" ('{answer:0<64}', 1, '{answer}', '{stamp}')"))
        connection.execute(sa.text(f"INSERT INTO rsvp_deadline (event_id, rsvp_by_utc) VALUES (1, '{stamp}')"))
    with engine.begin() as connection:  # a token hash is unique
        try:
            connection.execute(sa.text(
                "INSERT INTO rsvp_token (token_hash, participant_id, answer, created_at) VALUES"
                f" ('{'accepted':0<64}', 1, 'accepted', '{_stamp(connection)}')"))
            duplicate_refused = False
        except sa.exc.IntegrityError:
            duplicate_refused = True
    assert duplicate_refused
    with engine.begin() as connection:
        command.downgrade(schema._alembic_config(connection), "0012")
        assert not sa.inspect(connection).has_table("rsvp_token")
        assert not sa.inspect(connection).has_table("rsvp_deadline")
        for table, rows in before.items():
            assert connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1")).all() == rows, table
    schema.upgrade(engine)
    with engine.begin() as connection:
        assert _count(connection, "rsvp_token") == 0
    engine.dispose()


def test_tokens_go_with_the_participant_and_deadline_with_the_event(store_url: str) -> None:
    engine = create_db_engine(store_url)
    schema.upgrade(engine)
    with engine.begin() as connection:
        stamp = _stamp(connection)
        connection.execute(sa.text(
            "INSERT INTO event (id, uid, title, kind, all_day, start_utc, end_utc, timezone, status, visibility,"
            " sequence, search_text, created_at, updated_at, yearly) VALUES (1, 'rt@x', 'Тегерек стол',"
            f" 'round_table', false, '{stamp}', '{stamp}', 'Asia/Bishkek', 'confirmed', 'internal', 0, '',"
            f" '{stamp}', '{stamp}', false)"))
        for contact in (1, 2):
            connection.execute(sa.text(
                "INSERT INTO contact (id, name, email, language, timezone, created_at) VALUES"
                f" ({contact}, 'Person {contact}', 'p{contact}@example.kg', 'ky', 'Asia/Bishkek', '{stamp}')"))
            connection.execute(sa.text(
                "INSERT INTO participant (id, event_id, contact_id, role, status, created_at, updated_at)"
                f" VALUES ({contact}, 1, {contact}, 'required', 'needs-action', '{stamp}', '{stamp}')"))
            connection.execute(sa.text(
                "INSERT INTO rsvp_token (token_hash, participant_id, answer, created_at) VALUES"
                f" ('{contact:0>64}', {contact}, 'accepted', '{stamp}')"))
        connection.execute(sa.text(f"INSERT INTO rsvp_deadline (event_id, rsvp_by_utc) VALUES (1, '{stamp}')"))
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM participant WHERE id = 1"))
        assert _count(connection, "rsvp_token") == 1
        connection.execute(sa.text("DELETE FROM event WHERE id = 1"))
        assert (_count(connection, "rsvp_token"), _count(connection, "rsvp_deadline")) == (0, 0)
    engine.dispose()
