"""Participants as people (issue 12): the participant table, and the feed option to show attendees.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "participant",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("event.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("contact_id", sa.Integer, sa.ForeignKey("contact.id", ondelete="SET NULL"), index=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attended", sa.Boolean, nullable=True),
        sa.Column("sex", sa.String(10)),
        sa.Column("organisation", sa.Text),
        sa.Column("language", sa.String(8)),
        sa.Column("comment", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("event_id", "contact_id", name="uq_participant_once"),
    )
    op.add_column("feed", sa.Column("attendees", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("feed") as batch:
        batch.drop_column("attendees")
    op.drop_table("participant")
