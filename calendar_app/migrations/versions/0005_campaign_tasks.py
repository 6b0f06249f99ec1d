"""Readiness workflows of campaign editions: a task belongs to an event or to a campaign edition.

`task.event_id` becomes nullable and `task.campaign_edition_id` points at the edition. On SQLite the
nullable change rebuilds the task table (batch mode; foreign keys are off during migrations and checked
afterwards, so deliveries keep pointing at their tasks).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.alter_column("event_id", existing_type=sa.Integer, nullable=True)
        batch.add_column(sa.Column("campaign_edition_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_task_campaign_edition", "campaign_edition", ["campaign_edition_id"], ["id"],
                                 ondelete="CASCADE")
    op.create_index("ix_task_campaign_edition_id", "task", ["campaign_edition_id"])
    op.create_index("uq_task_edition_step", "task", ["campaign_edition_id", "step"], unique=True)


def downgrade() -> None:
    op.execute("DELETE FROM task WHERE event_id IS NULL")
    op.drop_index("uq_task_edition_step", "task")
    op.drop_index("ix_task_campaign_edition_id", "task")
    with op.batch_alter_table("task") as batch:
        batch.drop_constraint("fk_task_campaign_edition", type_="foreignkey")
        batch.drop_column("campaign_edition_id")
        batch.alter_column("event_id", existing_type=sa.Integer, nullable=False)
