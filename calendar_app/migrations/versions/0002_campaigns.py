"""Campaigns, their yearly editions, and the event's link to an edition.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(60), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("window_start", sa.String(5), nullable=False),
        sa.Column("window_end", sa.String(5), nullable=False),
        sa.Column("color", sa.String(7)),
        sa.Column("description", sa.Text),
    )
    op.create_table(
        "campaign_edition",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("theme", sa.Text),
        sa.Column("themes", sa.JSON, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("campaign_id", "year", name="uq_campaign_edition_year"),
    )
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("campaign_edition_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("yearly", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.create_foreign_key("fk_event_campaign_edition", "campaign_edition", ["campaign_edition_id"], ["id"])
        batch.create_index("ix_event_campaign_edition_id", ["campaign_edition_id"])


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_index("ix_event_campaign_edition_id")
        batch.drop_constraint("fk_event_campaign_edition", type_="foreignkey")
        batch.drop_column("yearly")
        batch.drop_column("campaign_edition_id")
    op.drop_table("campaign_edition")
    op.drop_table("campaign")
