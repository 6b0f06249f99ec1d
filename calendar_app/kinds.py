"""The kinds events may have: the built-in ones, and those an organisation adds (PRODUCT.md section 1).

An organisation adds a kind by giving it a `[kinds.NAME]` table in its workflows file
(CALENDAR_APP_WORKFLOWS), with the kind's reminder rules and workflow steps.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from events.drafts import BUILT_IN_KINDS, kind_name, kind_of

if TYPE_CHECKING:
    from calendar_app.app import App


def known_kinds(*, app: App) -> tuple[str, ...]:
    """The built-in kinds, then those the workflows file in force adds."""
    return BUILT_IN_KINDS + tuple(sorted(k for k in app.kind_defaults() if k not in BUILT_IN_KINDS))


def kinds_for(values: Iterable[str | None], *, app: App) -> tuple[str, ...]:
    """The kinds to check `values` against: the built-in ones when they suffice (the usual case reads no
    workflows file), else every known kind."""
    if all(value is None or kind_name(value) in BUILT_IN_KINDS for value in values):
        return BUILT_IN_KINDS
    return known_kinds(app=app)


def checked_kinds(values: Iterable[str], *, app: App) -> list[str]:
    """The kinds a filter names, spelt canonically; `UnknownChoice` (exit 2) for one that is not a kind."""
    names = list(values)
    kinds = kinds_for(names, app=app)
    return [kind_of(value, kinds) for value in names]
