"""Workflow tasks in private feeds: the feed option, and a task's sequence and last change (its VTODO).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("feed", sa.Column("tasks", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("task", sa.Column("sequence", sa.Integer, nullable=False, server_default="0"))
    op.add_column("task", sa.Column("updated_at", UTCDateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.drop_column("updated_at")
        batch.drop_column("sequence")
    with op.batch_alter_table("feed") as batch:
        batch.drop_column("tasks")
