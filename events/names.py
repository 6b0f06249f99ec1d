"""Get-or-create for named records (organisations, programmes), safe with concurrent writers."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlmodel import Session


def _insert_ignoring_duplicates(table: Any, dialect: str) -> Any:
    # Only the dialect in use is imported: the PostgreSQL one alone costs ~40 ms of a CLI command.
    module = importlib.import_module(f"sqlalchemy.dialects.{'postgresql' if dialect == 'postgresql' else 'sqlite'}")
    return module.insert(table).on_conflict_do_nothing(index_elements=["name"])


def ids_by_name(model: Any, names: Iterable[str], *, session: Session) -> dict[str, int]:
    """Ids of the named records, creating the missing ones.

    INSERT ... ON CONFLICT DO NOTHING: when another process adds the same name at the same moment, both
    end up with its one id instead of one failing on the unique constraint.
    """
    wanted = sorted({n.strip() for n in names if n and n.strip()})
    if not wanted:
        return {}
    table = model.__table__
    statement = _insert_ignoring_duplicates(table, session.get_bind().dialect.name)
    session.execute(statement, [{"name": n} for n in wanted])
    found: dict[str, int] = {}
    for offset in range(0, len(wanted), 1000):
        chunk = wanted[offset : offset + 1000]
        found.update(session.execute(select(table.c.name, table.c.id).where(table.c.name.in_(chunk))).all())
    return found
