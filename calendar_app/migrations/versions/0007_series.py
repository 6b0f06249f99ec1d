"""Recurring series (issue 11): a rule, RDATEs and EXDATEs on a series, overrides pointing at their series.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("rrule", sa.Text, nullable=True))
        batch.add_column(sa.Column("rdates", sa.Text, nullable=True))
        batch.add_column(sa.Column("exdates", sa.Text, nullable=True))
        batch.add_column(sa.Column("recurs", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("series_end_utc", UTCDateTime, nullable=True))
        batch.add_column(sa.Column("series_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("recurrence_utc", UTCDateTime, nullable=True))
        batch.create_foreign_key("fk_event_series", "event", ["series_id"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_event_series_id", ["series_id"])
        batch.create_index("ix_event_series_window", ["recurs", "start_utc"])


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_index("ix_event_series_window")
        batch.drop_index("ix_event_series_id")
        batch.drop_constraint("fk_event_series", type_="foreignkey")
        for column in ("recurrence_utc", "series_id", "series_end_utc", "recurs", "exdates", "rdates", "rrule"):
            batch.drop_column(column)
