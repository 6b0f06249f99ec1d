"""Typed errors of the domain.

Every error the user can cause is a `CalendarAppError`; each subclass also inherits the builtin that fits,
takes the offending value and builds a message that says what was wrong and how to fix it.
"""

from __future__ import annotations


class CalendarAppError(Exception):
    """Base of every error a user can cause; `exit_code` follows PRODUCT.md section 2."""

    exit_code = 2


class InvalidInput(CalendarAppError, ValueError):
    """Input that cannot be parsed or breaks a rule (exit code 2)."""


class InvalidDate(InvalidInput):
    def __init__(self, text: str) -> None:
        super().__init__(
            f"cannot read the date/time {text!r}: use 2025-11-26, '2025-11-26 10:00', "
            "2025-11-26T10:00+08:00, today, 'tomorrow 10:00' or +3d"
        )


class InvalidDuration(InvalidInput):
    def __init__(self, text: str) -> None:
        super().__init__(f"cannot read the duration {text!r}: use forms like 90m, 2h, 1h30m, 1d or 1w")


class UnknownTimeZone(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"unknown time zone {name!r}: use an IANA name such as Asia/Ulaanbaatar, Asia/Hovd or Asia/Bishkek"
        )


class UnknownRegion(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown region {name!r}: see 'calendar-app region list' for the names it takes")


class UnknownChoice(InvalidInput):
    def __init__(self, what: str, value: str, choices: tuple[str, ...]) -> None:
        super().__init__(f"unknown {what} {value!r}: use one of {', '.join(choices)}")


class InvalidTimeRange(InvalidInput):
    def __init__(self, start: str, end: str, fix: str = "give a later --end or a --duration") -> None:
        super().__init__(f"the end {end} is not after the start {start}: {fix}")


class InvalidParticipants(InvalidInput):
    """A participant count that is negative or whose women/men split exceeds the total."""


class MissingValue(InvalidInput):
    def __init__(self, what: str, hint: str) -> None:
        super().__init__(f"{what} is missing: {hint}")


class EventNotFound(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, ref: str | int) -> None:
        super().__init__(
            f"no event with id or uid {ref!r}: see 'calendar-app event list' for the existing ones"
        )


class StorageError(CalendarAppError, OSError):
    """The database could not be opened, read or written; nothing was changed."""
