"""Typed errors of reminders and workflows (see events.errors for the conventions)."""

from __future__ import annotations

from events.errors import N_, CalendarAppError, Field, InvalidInput


class ContactNotFound(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, ref: str | int) -> None:
        super().__init__(template=N_("no contact with id or e-mail {ref!r}: {list_contacts}, or {add_contact}"),
                         ref=ref)


class TaskNotFound(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, ref: str | int) -> None:
        super().__init__(template=N_("no task with id {ref!r}: {list_tasks}"), ref=ref)


class UnknownKind(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, kind: str, known: tuple[str, ...]) -> None:
        super().__init__(template=N_("no workflow for the kind {kind!r}: use one of {known}"), kind=kind,
                         known=", ".join(known))


class InvalidOffset(InvalidInput):
    def __init__(self, text: str, why: str = "") -> None:
        super().__init__(
            template=N_("cannot use the reminder offset {text!r}{why}: use 1d or 2h (before the start), start-1d, "
            "end+3d (after the end)"),
            text=text, why=": " + why if why else "",
        )


class ReminderAfterEvent(InvalidInput):
    def __init__(self, rule: str, due: str, start: str) -> None:
        super().__init__(
            template=N_("the reminder {rule!r} would go out at {due}, not before the event it announces (starts "
            "{starts}): give an offset before the start, e.g. {remind} 1h"),
            rule=rule, due=due, starts=start,
        )


class InvalidEmail(InvalidInput):
    def __init__(self, text: str) -> None:
        super().__init__(template=N_("{text!r} is not an e-mail address: give one like name@example.org"), text=text,
                         fields=(Field.EMAIL,))


class DuplicateContact(InvalidInput):
    def __init__(self, email: str) -> None:
        super().__init__(template=N_("a contact with the e-mail {address!r} exists already: {edit_contact}"),
                         address=email, fields=(Field.EMAIL,))


class WorkflowFileError(InvalidInput):
    def __init__(self, path: str, why: str) -> None:
        super().__init__(template=N_("cannot use the workflow file {path}: {why}; fix it or unset "
                                     "CALENDAR_APP_WORKFLOWS"),
                         path=path, why=why)


class ChannelConfigError(InvalidInput):
    def __init__(self, what: str, why: str) -> None:
        super().__init__(template=N_("the {what} configuration is unusable: {why}"), what=what, why=why)


class UnknownAssignee(InvalidInput):
    """A workflow step assigned to a contact that does not exist (the workflows file is wrong, exit 2)."""

    def __init__(self, ref: str, step: str, kind: str) -> None:
        super().__init__(
            template=N_("the {kind} step {step!r} is assigned to {ref!r}, who is not a contact: {add_contact}, or fix "
            "the assignee in the workflows file (CALENDAR_APP_WORKFLOWS)"),
            kind=kind, step=step, ref=ref,
        )


class ChatSchemeNotAllowed(InvalidInput):
    """A chat address whose Apprise scheme the deployment does not allow; the address itself is not repeated
    (it often holds a bot token)."""

    def __init__(self, scheme: str, allowed: tuple[str, ...]) -> None:
        super().__init__(template=N_("{chat} may not use {scheme!r}: use an Apprise URL with one of {allowed} "
                         "(the chat_schemes setting)"), scheme=scheme, allowed=", ".join(allowed))


class NotAChatUrl(InvalidInput):
    def __init__(self, allowed: tuple[str, ...]) -> None:
        super().__init__(template=N_("{chat} is not an Apprise URL: give one like tgram://BOT_TOKEN/CHAT_ID, with one "
                         "of {allowed}"), allowed=", ".join(allowed))
