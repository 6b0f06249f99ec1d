"""Reminders and workflows: contacts, event recipients, reminder plans, deliveries and tasks.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("email", sa.String(320), unique=True),
        sa.Column("chat_url", sa.Text),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("organisation_id", sa.Integer, sa.ForeignKey("organisation.id"), index=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "event_recipient",
        sa.Column("event_id", sa.Integer, sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("contact_id", sa.Integer, sa.ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True,
                  index=True),
    )
    op.create_table(
        "contact_group",
        sa.Column("contact_id", sa.Integer, sa.ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.String(80), primary_key=True, index=True),
    )
    op.create_table(
        "event_recipient_group",
        sa.Column("event_id", sa.Integer, sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.String(80), primary_key=True),
    )
    op.create_table(
        "event_reminder_plan",
        sa.Column("event_id", sa.Integer, sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("use_defaults", sa.Boolean, nullable=False),
        sa.Column("rules", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "task",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("step", sa.String(60), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("due_utc", UTCDateTime, nullable=False, index=True),
        sa.Column("assignee", sa.String(320), index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("done_at", UTCDateTime),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("event_id", "step", name="uq_task_step"),
    )
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("contact_id", sa.Integer, sa.ForeignKey("contact.id", ondelete="SET NULL"), index=True),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("rule_key", sa.String(60), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("event_start_utc", UTCDateTime, nullable=False),
        sa.Column("due_utc", UTCDateTime, nullable=False),
        sa.Column("ready_utc", UTCDateTime, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("lease_until", UTCDateTime),
        sa.Column("claimed_by", sa.String(80)),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", UTCDateTime),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("task.id", ondelete="CASCADE")),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint(
            "event_id", "contact_id", "purpose", "rule_key", "channel", "event_start_utc", name="uq_delivery_once"
        ),
        sa.Index("ix_delivery_ready", "status", "ready_utc"),
    )


def downgrade() -> None:
    for table in ("delivery", "task", "event_reminder_plan", "event_recipient_group", "contact_group",
                  "event_recipient", "contact"):
        op.drop_table(table)
