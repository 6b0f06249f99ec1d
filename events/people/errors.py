"""Typed errors of participants (see events.errors for the conventions)."""

from __future__ import annotations

from collections.abc import Sequence

from events.errors import N_, CalendarAppError, InvalidInput, Notice


class ParticipantNotFound(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, event: int | str, ref: str) -> None:
        super().__init__(template=N_("{ref!r} is not a participant of event {event}: {list_participants}, or "
                         "{invite}"), ref=ref, event=event)


class EmptyGroup(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, name: str) -> None:
        super().__init__(template=N_("no contact is in the group {group!r}: {list_contacts}"), group=name)


class UnreadableSheet(InvalidInput):
    def __init__(self, source: str, why: str) -> None:
        super().__init__(template=N_("cannot read {source} as a registration sheet: {why}; save it as CSV (UTF-8) "
                         "with a header row: name, e-mail, organisation, sex, language"), source=source, why=why)


class BadSheetRows(InvalidInput):
    """Rows of a registration sheet that cannot be taken; nothing of the sheet was written."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        # The first five problems, each a value of its own, so that each is shown translated.
        pieces = tuple(f"{{p{i}}}" if i == 0 else f"; {{p{i}}}" for i in range(min(len(problems), 5)))
        more = (N_("; and {more} more"),) if len(problems) > 5 else ()
        shown = Notice(pieces + more, more=len(problems) - 5, **{f"p{i}": p for i, p in enumerate(problems[:5])})
        super().__init__(template=N_("{source}: {count} bad row(s), nothing was imported: {shown}; fix them and import "
                         "the sheet again"), source=source, count=len(problems), shown=shown)
        self.problems = list(problems)


class BadDeadline(InvalidInput):
    def __init__(self, value: str, why: str) -> None:
        super().__init__(template=N_("the answer deadline {value!r} cannot be used: {why}; give a date or time before "
                         "the event starts, or '' for none"), value=value, why=why)


class UnreadableReply(InvalidInput):
    """A file `rsvp import` cannot take; nothing was recorded."""

    def __init__(self, source: str, why: str) -> None:
        super().__init__(template=N_("cannot take {source} as an answer: {why}; give the .eml of the reply or its "
                         ".ics (METHOD:REPLY)"), source=source, why=why)


class ReplyNotMatched(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, source: str, why: str) -> None:
        super().__init__(template=N_("{source}: {why}; nothing was recorded: check the event (its UID) and the "
                         "attendee's address"), source=source,
                         why=why)
