"""Errors of recurring series."""

from __future__ import annotations

from events.errors import CalendarAppError, InvalidInput


class InvalidRecurrence(InvalidInput):
    """`fix` is a template too: it may name fields (`{repeat_until}`), which each front end spells its way."""

    def __init__(self, rule: str, fix: str) -> None:
        super().__init__(template="the recurrence {rule!r} cannot be used: " + fix, rule=rule)


class NotASeries(InvalidInput):
    def __init__(self, ref: object) -> None:
        super().__init__(template="event {ref} does not repeat: leave out {occurrence} and {from_occurrence}, "
                         "or give the id of a recurring event", ref=ref)


class UnknownOccurrence(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, ref: object, start: str) -> None:
        super().__init__(template="event {ref} has no occurrence starting {when}: {list_events} with {from} "
                         "and {to} around that date to see its occurrences", ref=ref, when=start)
