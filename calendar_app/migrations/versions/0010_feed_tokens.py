"""Several secret tokens per private feed (issue 13): the `feed_token` table; each feed's current token
moves into it, so every URL handed out before keeps working; `feed.token_hash` goes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_token",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feed.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(8), nullable=True),
        sa.Column("label", sa.Text, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("revoked_at", UTCDateTime, nullable=True),
    )
    op.create_index("ix_feed_token_feed_id", "feed_token", ["feed_id"])
    # The current token of each private feed, made when the feed was last rotated (or made).
    op.execute("INSERT INTO feed_token (feed_id, token_hash, created_at) "
               "SELECT id, token_hash, updated_at FROM feed WHERE token_hash IS NOT NULL")
    with op.batch_alter_table("feed") as batch:
        batch.drop_column("token_hash")


def downgrade() -> None:
    with op.batch_alter_table("feed") as batch:
        batch.add_column(sa.Column("token_hash", sa.String(64), nullable=True))
    # Back to one token per feed: the newest one still working.
    op.execute("UPDATE feed SET token_hash = (SELECT t.token_hash FROM feed_token t WHERE t.feed_id = feed.id "
               "AND t.revoked_at IS NULL ORDER BY t.id DESC LIMIT 1)")
    with op.batch_alter_table("feed") as batch:
        batch.create_unique_constraint("uq_feed_token_hash", ["token_hash"])
    op.drop_index("ix_feed_token_feed_id", table_name="feed_token")
    op.drop_table("feed_token")
