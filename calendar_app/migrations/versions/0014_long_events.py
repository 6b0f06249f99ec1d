"""A partial index of the events longer than a month (issue 14): a window query reads an index range
that does not grow with the store (events.spans).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# Frozen here as events.spans spells them today: a later change there needs a migration of its own.
SQLITE_LONG = "end_utc > datetime(start_utc, '+31 days')"
POSTGRESQL_LONG = "(end_utc - start_utc) > interval '31 days'"


def upgrade() -> None:
    op.create_index("ix_event_long", "event", ["end_utc"], sqlite_where=sa.text(SQLITE_LONG),
                    postgresql_where=sa.text(POSTGRESQL_LONG))


def downgrade() -> None:
    op.drop_index("ix_event_long", table_name="event")
