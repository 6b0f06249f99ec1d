"""Every argument of every command checked before the command runs: text is UTF-8 without control
characters and of a sane length, integers fit the databases' integer. The domain checks each field it
stores by its own bounds (`events.bounds`); this is the net under every option it does not know of
(contact names, feed descriptions, campaign themes...), with the option's own name in the message.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from typer._click.core import Command, Parameter  # typer vendors its own click
from typer.core import TyperOption

from events.bounds import MAX_INT, MAX_TEXT, check_int, check_text

# Options whose text may have several lines; every other text is one line.
MULTI_LINE = frozenset({"description", "reason", "theme"})
# Paths name files as the system spells them (any bytes but NUL): only NUL is refused.
PATHS = frozenset({"path", "output", "out", "db"})


def _label(param: Parameter) -> str:
    if isinstance(param, TyperOption):
        return max(param.opts, key=len)
    return f"the {param.name}"


def _check_value(param: Parameter, value: object) -> None:
    label = _label(param)
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int):
        check_int(value, label, MAX_INT, -MAX_INT)
    elif isinstance(value, str):
        if param.name in PATHS:
            if "\x00" in value:
                check_text(value, label)  # names the NUL
            return
        check_text(value, label, limit=MAX_TEXT, lines=param.name in MULTI_LINE)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_value(param, item)


def check_arguments(params: Iterable[Parameter], values: dict[str, Any]) -> None:
    """`InvalidInput` (exit 2, one line) for the first argument out of bounds."""
    for param in params:
        if param.name in values:
            _check_value(param, values[param.name])


def _guarded(callback: Callable[..., Any], params: list[Parameter]) -> Callable[..., Any]:
    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        check_arguments(params, kwargs)
        return callback(*args, **kwargs)

    return run


def guard(command: Command) -> Command:
    """`command` and every sub-command of it, each checking its arguments before it runs."""
    pending = [command]
    while pending:
        current = pending.pop()
        if current.callback is not None and not getattr(current.callback, "_checked", False):
            current.callback = _guarded(current.callback, current.params)
            current.callback._checked = True  # type: ignore[attr-defined]
        pending.extend(getattr(current, "commands", {}).values())
    return command
