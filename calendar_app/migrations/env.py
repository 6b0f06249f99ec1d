"""Alembic environment: runs on the connection that `calendar_app.schema` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)

with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Two processes starting on a fresh database: one migrates, the other waits for it.
        connection.execute(text("SELECT pg_advisory_xact_lock(724961)"))
    context.run_migrations()
