"""Reminders per occurrence (issue 11): how far ahead each series' deliveries are planned.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "series_plan",
        sa.Column("event_id", sa.Integer, sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("planned_until", UTCDateTime, nullable=False),
    )
    op.create_index("ix_series_plan_planned_until", "series_plan", ["planned_until"])


def downgrade() -> None:
    op.drop_index("ix_series_plan_planned_until", table_name="series_plan")
    op.drop_table("series_plan")
