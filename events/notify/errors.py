"""Typed errors of reminders and workflows (see events.errors for the conventions)."""

from __future__ import annotations

from events.errors import CalendarAppError, InvalidInput


class ContactNotFound(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, ref: str | int) -> None:
        super().__init__(
            f"no contact with id or e-mail {ref!r}: see 'calendar-app contact list', or add one with "
            "'calendar-app contact add NAME --email ADDR --language mn'"
        )


class TaskNotFound(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, ref: str | int) -> None:
        super().__init__(f"no task with id {ref!r}: see 'calendar-app task list'")


class UnknownKind(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, kind: str, known: tuple[str, ...]) -> None:
        super().__init__(f"no workflow for the kind {kind!r}: use one of {', '.join(known)}")


class InvalidOffset(InvalidInput):
    def __init__(self, text: str, why: str = "") -> None:
        super().__init__(
            f"cannot use the reminder offset {text!r}{': ' + why if why else ''}: use 1d or 2h (before the "
            "start), start-1d, end+3d (after the end)"
        )


class ReminderAfterEvent(InvalidInput):
    def __init__(self, rule: str, due: str, start: str) -> None:
        super().__init__(
            f"the reminder {rule!r} would go out at {due}, not before the event it announces (starts {start}): "
            "give an offset before the start, e.g. --remind 1h"
        )


class InvalidEmail(InvalidInput):
    def __init__(self, text: str) -> None:
        super().__init__(f"{text!r} is not an e-mail address: give one like name@example.org")


class DuplicateContact(InvalidInput):
    def __init__(self, email: str) -> None:
        super().__init__(f"a contact with the e-mail {email!r} exists already: change it with 'contact edit'")


class WorkflowFileError(InvalidInput):
    def __init__(self, path: str, why: str) -> None:
        super().__init__(f"cannot use the workflow file {path}: {why}; fix it or unset CALENDAR_APP_WORKFLOWS")


class ChannelConfigError(InvalidInput):
    def __init__(self, what: str, why: str) -> None:
        super().__init__(f"the {what} configuration is unusable: {why}")


class UnknownAssignee(InvalidInput):
    """A workflow step assigned to a contact that does not exist (the workflows file is wrong, exit 2)."""

    def __init__(self, ref: str, step: str, kind: str) -> None:
        super().__init__(
            f"the {kind} step {step!r} is assigned to {ref!r}, who is not a contact: add the contact with "
            "'calendar-app contact add NAME --email ADDR', or fix the assignee in the workflows file "
            "(CALENDAR_APP_WORKFLOWS)"
        )
