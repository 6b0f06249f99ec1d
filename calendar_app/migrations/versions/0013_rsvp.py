"""Answers without an account (issue 12): RSVP link tokens (stored hashed) and answer deadlines.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rsvp_token",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participant.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("answer", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "rsvp_deadline",
        sa.Column("event_id", sa.Integer, sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("rsvp_by_utc", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rsvp_deadline")
    op.drop_table("rsvp_token")
