"""A contact's region (issue 13): where the person is, from which the contact's zone defaults.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contact") as batch:
        batch.add_column(sa.Column("region", sa.String(40), nullable=True))
        batch.create_foreign_key("fk_contact_region", "region", ["region"], ["slug"])


def downgrade() -> None:
    with op.batch_alter_table("contact") as batch:
        batch.drop_constraint("fk_contact_region", type_="foreignkey")
        batch.drop_column("region")
