"""Typed errors of feeds, export and import (see events.errors for the rules they follow)."""

from __future__ import annotations

from events.errors import CalendarAppError, InvalidInput


class FeedNotFound(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, name: str) -> None:
        super().__init__(f"no feed named {name!r}: see 'calendar-app feed list' for the existing ones")


class DuplicateFeed(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(f"a feed named {name!r} exists already: pick another name or 'feed remove' it first")


class InvalidFeedName(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"cannot use {name!r} as a feed name: use 1-64 letters, digits, '-' or '_' "
            "(it becomes part of the feed's URL), e.g. public-events"
        )


class PublicFeedSecret(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(f"feed {name!r} is public and has no secret token to rotate: make it with --private")


class BadCalendarFile(InvalidInput):
    """An .ics file that cannot be imported; the message names the line or UID and what to do."""


class PrivateFeedUrl(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"feed {name!r} is private: its URL holds a secret token that is not kept; run "
            f"'calendar-app feed rotate {name}' for a new URL (the old one stops working)"
        )


class TasksNeedPrivate(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"feed {name!r}: --tasks needs --private (tasks name their assignees and are internal); "
            "add --private, or leave out --tasks"
        )


class TasksNeedFullDetail(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"feed {name!r}: --tasks cannot go with --detail busy (a busy-only feed shows no texts, and a "
            "task is all text); use --detail full, or leave out --tasks"
        )
