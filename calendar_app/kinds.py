"""The kinds events may have: the built-in ones, and those an organisation adds (PRODUCT.md section 1).

An organisation adds a kind by giving it a `[kinds.NAME]` table in its workflows file
(CALENDAR_APP_WORKFLOWS), with the kind's reminder rules and workflow steps.
"""

from __future__ import annotations

from collections.abc import Iterable

from events.drafts import BUILT_IN_KINDS, kind_name, kind_of


def known_kinds() -> tuple[str, ...]:
    """The built-in kinds, then those the workflows file in force adds."""
    from calendar_app.notify.planning import workflows  # the reminder models: only when a kind is not built in

    return BUILT_IN_KINDS + tuple(sorted(k for k in workflows() if k not in BUILT_IN_KINDS))


def kinds_for(values: Iterable[str | None]) -> tuple[str, ...]:
    """The kinds to check `values` against: the built-in ones when they suffice (the usual case reads no
    workflows file), else every known kind."""
    if all(value is None or kind_name(value) in BUILT_IN_KINDS for value in values):
        return BUILT_IN_KINDS
    return known_kinds()


def checked_kinds(values: Iterable[str]) -> list[str]:
    """The kinds a filter names, spelt canonically; `UnknownChoice` (exit 2) for one that is not a kind."""
    names = list(values)
    kinds = kinds_for(names)
    return [kind_of(value, kinds) for value in names]
