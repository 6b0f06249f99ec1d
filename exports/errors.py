"""Typed errors of feeds, export and import (see events.errors for the rules they follow)."""

from __future__ import annotations

from events.errors import N_, CalendarAppError, Field, InvalidInput, joined


class FeedNotFound(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, name: str) -> None:
        super().__init__(template=N_("no feed named {feed!r}: {list_feeds} for the existing ones"), feed=name)


class DuplicateFeed(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(template=N_("a feed named {feed!r} exists already: pick another name or {remove_feed} first"),
                         feed=name, fields=(Field.NAME,))


class InvalidFeedName(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(
            template=N_("cannot use {feed!r} as a feed name: use 1-64 letters, digits, '-' or '_' "
            "(it becomes part of the feed's URL), e.g. public-events"),
            feed=name, fields=(Field.NAME,),
        )


class PublicFeedSecret(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(template=N_("feed {feed!r} is public and has no secret token to rotate: {make_private}"),
                         feed=name, fields=(Field.PRIVATE,))


class BadCalendarFile(InvalidInput):
    """An .ics file that cannot be imported; the message names the line or UID and what to do."""


class NotACalendar(BadCalendarFile):
    def __init__(self, source: str, line: int) -> None:
        super().__init__(template=N_("{source}, line {line}: does not start with BEGIN:VCALENDAR: is it an .ics file?"),
                         source=source, line=line)


class UndefinedZone(BadCalendarFile):
    def __init__(self, tzid: str) -> None:
        super().__init__(template=N_("TZID {tzid} is defined nowhere (no VTIMEZONE, not a tz database name): export "
                                     "the file again with its time zones"), tzid=tzid)


class PrivateFeedUrl(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(
            template=N_("feed {feed!r} is private: its URL holds a secret token that is not kept; {rotate_feed} for "
            "a new URL (the old one stops working)"),
            feed=name,
        )


class TasksNeedPrivate(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(
            template=N_("feed {feed!r}: {tasks} needs {private} (tasks name their assignees and are internal); "
            "add {private}, or leave out {tasks}"),
            feed=name,
        )


class AttendeesNeedPrivate(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(
            template=N_("feed {feed!r}: {attendees} needs {private} (attendees are people with names and addresses); "
            "add {private}, or leave out {attendees}"),
            feed=name,
        )


class AttendeesNeedFullDetail(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(
            template=N_("feed {feed!r}: {attendees} cannot go with {detail} busy (a busy-only feed names no one); "
            "use {detail} full, or leave out {attendees}"),
            feed=name,
        )


class TasksNeedFullDetail(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(
            template=N_("feed {feed!r}: {tasks} cannot go with {detail} busy (a busy-only feed shows no texts, and "
            "a task is all text); use {detail} full, or leave out {tasks}"),
            feed=name,
        )


class NegativeKeepDays(InvalidInput):
    def __init__(self, days: int) -> None:
        super().__init__(template=N_("{keep_cancelled} is {count}: give 0 or more days"), count=days)


class AlarmsNeedFullDetail(InvalidInput):
    """Alarms from reminder plans asked of a busy-only feed: they would hint at what each event is."""

    def __init__(self) -> None:
        super().__init__(
            template=N_("{alarms_from_reminders} shows each event's reminders, which hint at what the event is: a "
            "busy-only feed cannot carry them; use {detail} full or fixed {alarm} offsets")
        )


class KeepDaysOutOfRange(InvalidInput):
    """`--keep-cancelled` outside 0..`events.bounds.MAX_RETENTION_DAYS`: refused when the feed is stored."""

    def __init__(self, days: int, high: int) -> None:
        super().__init__(template=N_("{keep_cancelled} is {count}: give 0 to {high} days"), count=days, high=high)


class InvalidFeedColor(InvalidInput):
    def __init__(self, text: str) -> None:
        super().__init__(template=N_("the colour {value!r} is not a CSS3 colour: give a name such as teal or "
                                     "orange, or #rgb / #rrggbb"), value=text)


class ConfidentialNeedsPrivate(InvalidInput):
    """A public feed asked for confidential events: they appear only in private feeds made to include them."""

    def __init__(self, name: str) -> None:
        super().__init__(template=N_("feed {feed!r} is public and cannot show confidential events: add {private}, or "
                         "leave confidential out of {visibility}"), feed=name)


class FileTooBig(BadCalendarFile):
    """An .ics file over the import limit, refused before it is read (`size` None: not known in advance)."""

    def __init__(self, source: str, size: int | None, limit: int) -> None:
        if size is None:
            super().__init__(template=N_("{source} is longer, over the import limit of {limit} MB: split it (e.g. "
                                         "export one year at a time) and import the parts"),
                             source=source, limit=f"{limit / 1e6:g}")
            return
        super().__init__(template=N_("{source} has {size} MB, over the import limit of {limit} MB: split it (e.g. "
                                     "export one year at a time) and import the parts"),
                         source=source, size=f"{size / 1e6:.1f}", limit=f"{limit / 1e6:g}")


class NotUtf8(BadCalendarFile):
    def __init__(self, source: str, line: int, position: int, byte: int) -> None:
        super().__init__(
            template=N_("{source}, line {line}: not UTF-8 (byte 0x{byte:02x} at byte position {position}): iCalendar "
            "files are UTF-8; re-save it as UTF-8 and import again"),
            source=source, line=line, position=position, byte=byte,
        )


class BadEvents(BadCalendarFile):
    """Components of a file that cannot be imported: the file is refused whole unless the bad ones are skipped."""

    def __init__(self, source: str, problems: list[str], count: int) -> None:
        more = N_(" (and {more} more)") if count > len(problems) else ""
        super().__init__(
            template=(N_("{source}: nothing imported, {count} bad component(s): {shown}"), more,
                      N_("; fix them or use {skip_bad} to import only the good ones")),
            source=source, count=count, shown=joined(problems), more=count - len(problems),
        )


class TokenNotFound(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, feed: str, ref: str) -> None:
        super().__init__(template=N_("feed {feed!r} has no working token {ref!r}: give its id, label or first "
                         "characters; {list_tokens}"), feed=feed, ref=ref)


class TokenLabelAmbiguous(InvalidInput):
    def __init__(self, feed: str, ref: str) -> None:
        super().__init__(template=N_("more than one working token of feed {feed!r} matches {ref!r}: give its id; "
                         "{list_tokens}"), feed=feed, ref=ref)


class DuplicateTokenLabel(InvalidInput):
    def __init__(self, feed: str, label: str) -> None:
        super().__init__(template=N_("feed {feed!r} already has a working token labelled {label!r}: choose another "
                         "label, or revoke that token first"), feed=feed, label=label)


class LastTokenOfFeed(InvalidInput):
    def __init__(self, feed: str) -> None:
        super().__init__(template=N_("that is the last working token of feed {feed!r}: revoking it would leave no "
                         "URL; {add_token} first, {rotate_feed}, or give {revoke_last}"), feed=feed)
