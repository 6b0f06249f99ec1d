"""Typed errors of the domain.

Every error the user can cause is a `CalendarAppError`; each subclass also inherits the builtin that fits,
takes the offending value and builds a message that says what was wrong and how to fix it.

A message names what the user gave or can do as data, never as a command line: it is a template whose
placeholders are the error's values (`{ref!r}`), the input fields it points at (`{end}`, a `Field`) and the
actions that fix it (`{list_events}`, an `Action`). `str(error)` fills fields and actions with plain words
("give a later end or a duration"); a front end calls `error.render(fields=..., actions=...)` with its own
names (the CLI: `--end`, `'calendar-app event list'`, in `commands/errors.py`).

Templates are English and marked `N_(...)` for the translation catalogues; a front end passes
`render(translate=...)` to show them in the user's language: the template is translated, then formatted.
A template made of pieces (a fixed start and a caller's ending) is given as a tuple, each piece translated
on its own; values that are our own words rather than the user's input are `Words`, translated too.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum


def N_(message: str) -> str:
    """Marks `message` for the translation catalogues (gettext_noop); it is translated where it is shown."""
    return message


class Words(str):
    """A value of a message that is our own words (`"any edition"`), not the user's input: a front end
    translates it with the template. Mark its literal with `N_` so the catalogues hold it."""

    __slots__ = ()


class Field(StrEnum):
    """An input field an error can point at; its value is the placeholder in message templates."""

    START = "start"
    END = "end"
    DURATION = "duration"
    TO = "to"
    DAYS = "days"
    PARTICIPANTS = "participants"
    ACTUAL = "actual"
    WOMEN = "women"
    MEN = "men"
    CAMPAIGN = "campaign"
    YEARLY = "yearly"
    ALLOW_OUTSIDE = "allow_outside"
    PRESET = "preset"
    NAME = "name"
    WINDOW = "window"
    THEME = "theme"
    EMAIL = "email"
    CHAT = "chat"
    REMIND = "remind"
    PRIVATE = "private"
    TASKS = "tasks"
    DETAIL = "detail"
    KEEP_CANCELLED = "keep_cancelled"
    ALARM = "alarm"
    ALARMS_FROM_REMINDERS = "alarms_from_reminders"
    VISIBILITY = "visibility"
    SKIP_BAD = "skip_bad"
    FROM = "from"
    AT = "at"
    ALL_DAY = "all_day"
    TZ = "tz"
    LOCATION = "location"
    DESCRIPTION = "description"
    URL = "url"
    ORGANIZER = "organizer"
    PROGRAMME = "programme"
    PARTNER = "partner"
    NOTIFY = "notify"
    REASON = "reason"
    OUTPUT = "output"
    STREAM = "stream"
    SINCE = "since"
    LOG_UNTIL = "log_until"
    MY_ZONE = "my_zone"
    JSON = "json"
    FORMAT = "format"
    REVOKE_LAST = "revoke_last"
    REPEAT = "repeat"
    RRULE = "rrule"
    INTERVAL = "repeat_interval"
    ON = "repeat_on"
    UNTIL = "repeat_until"
    COUNT = "repeat_count"
    RDATE = "rdate"
    EXDATE = "exdate"
    OCCURRENCE = "occurrence"
    FROM_OCCURRENCE = "from_occurrence"
    ATTENDED = "attended"
    ABSENT = "absent"
    ATTENDEES = "attendees"
    STATUS = "status"
    ROLE = "role"
    SEX = "sex"
    BY = "by"
    STRICT = "strict"
    YES = "yes"
    RSVP_BY = "rsvp_by"

    @property
    def words(self) -> str:
        """The field in plain words, for front ends without a name of their own for it."""
        return _FIELD_WORDS.get(self, self.value.replace("_", " "))


_FIELD_WORDS: dict[Field, str] = {
    Field.REVOKE_LAST: "the option to revoke the last token",
    Field.SINCE: "start of the log period",
    Field.LOG_UNTIL: "end of the log period",
    Field.MY_ZONE: "the option for your own zone",
    Field.TO: "end of the period",
    Field.DAYS: "number of days",
    Field.PARTICIPANTS: "expected participants",
    Field.ACTUAL: "actual participants",
    Field.ALLOW_OUTSIDE: "allow outside the window",
    Field.EMAIL: "e-mail",
    Field.REMIND: "reminder",
    Field.KEEP_CANCELLED: "days to keep cancelled events",
    Field.SKIP_BAD: "the skip-bad option",
    Field.FROM: "start of the period",
    Field.AT: "moment",
    Field.ALL_DAY: "all-day choice",
    Field.TZ: "time zone",
    Field.URL: "URL",
    Field.NOTIFY: "people to remind",
    Field.OUTPUT: "output file",
    Field.STREAM: "stream choice",
    Field.REPEAT: "repetition",
    Field.RRULE: "recurrence rule",
    Field.INTERVAL: "repeat interval",
    Field.ON: "weekdays to repeat on",
    Field.UNTIL: "last day of the series",
    Field.COUNT: "number of occurrences",
    Field.RDATE: "extra date of the series",
    Field.EXDATE: "date left out of the series",
    Field.OCCURRENCE: "occurrence",
    Field.FROM_OCCURRENCE: "first occurrence to change",
    Field.ATTENDED: "attended mark",
    Field.ABSENT: "absent mark",
    Field.ATTENDEES: "attendee list",
    Field.STATUS: "answer",
    Field.BY: "grouping",
}


class Action(StrEnum):
    """Something the user can do to fix an error; its value is the placeholder in message templates.

    A front end's text for an action may use the values of the errors that name it: `add_campaign`,
    `add_preset_campaign` and `show_campaign` have `slug`; `show_edition` and `add_edition` have `slug`
    and `year`; `remove_feed` and `rotate_feed` have `feed`.
    """

    LIST_EVENTS = "list_events"
    LIST_REGIONS = "list_regions"
    LIST_CONTACTS = "list_contacts"
    ADD_CONTACT = "add_contact"
    EDIT_CONTACT = "edit_contact"
    LIST_TASKS = "list_tasks"
    LIST_CAMPAIGNS = "list_campaigns"
    ADD_CAMPAIGN = "add_campaign"
    ADD_PRESET_CAMPAIGN = "add_preset_campaign"
    SHOW_CAMPAIGN = "show_campaign"
    SHOW_EDITION = "show_edition"
    ADD_EDITION = "add_edition"
    ROLL_CAMPAIGN = "roll_campaign"
    LIST_FEEDS = "list_feeds"
    REMOVE_FEED = "remove_feed"
    ROTATE_FEED = "rotate_feed"
    MAKE_PRIVATE = "make_private"
    LIST_PARTICIPANTS = "list_participants"
    INVITE = "invite"
    LIST_TOKENS = "list_tokens"
    ADD_TOKEN = "add_token"

    @property
    def words(self) -> str:
        """The action in plain words (an imperative clause), for front ends without a text of their own."""
        return _ACTION_WORDS[self]


_ACTION_WORDS: dict[Action, str] = {
    Action.LIST_EVENTS: "list the events",
    Action.LIST_REGIONS: "list the regions",
    Action.LIST_CONTACTS: "list the contacts",
    Action.ADD_CONTACT: "add the contact",
    Action.EDIT_CONTACT: "edit that contact",
    Action.LIST_TASKS: "list the tasks",
    Action.LIST_CAMPAIGNS: "list the campaigns",
    Action.ADD_CAMPAIGN: "add the campaign",
    Action.ADD_PRESET_CAMPAIGN: "add the campaign from its built-in preset",
    Action.SHOW_CAMPAIGN: "look at the campaign",
    Action.SHOW_EDITION: "look at that edition",
    Action.ADD_EDITION: "add that edition",
    Action.ROLL_CAMPAIGN: "roll the last edition over",
    Action.LIST_FEEDS: "list the feeds",
    Action.REMOVE_FEED: "remove that feed",
    Action.ROTATE_FEED: "rotate its secret token",
    Action.MAKE_PRIVATE: "make the feed private",
    Action.LIST_PARTICIPANTS: "list the event's participants",
    Action.INVITE: "invite them to the event first",
    Action.LIST_TOKENS: "list the feed's tokens",
    Action.ADD_TOKEN: "add another token",
}

_FIELD_NAMES = frozenset(field.value for field in Field)
_ACTION_NAMES = frozenset(action.value for action in Action)
_FORMATTER = string.Formatter()


def _placeholders(template: str) -> list[str]:
    """The names a template refers to (`{ref!r}` and `{ref.x}` both give `ref`)."""
    names = (name for _, name, _, _ in _FORMATTER.parse(template) if name)
    return [name.split(".", 1)[0].split("[", 1)[0] for name in names]


class CalendarAppError(Exception):
    """Base of every error a user can cause; `exit_code` follows PRODUCT.md section 2.

    `CalendarAppError("text")` keeps a plain sentence as it is. Subclasses give a `template` instead, with
    the offending values as keywords; each `{name}` in it is one of those values, a `Field` or an `Action`.
    The error keeps `template`, `values`, `fields` (those of the template plus any given) and `actions`.
    """

    exit_code = 2

    def __init__(
        self, text: str = "", /, *, template: str | tuple[str, ...] | None = None, fields: Iterable[Field] = (),
        **values: object,
    ) -> None:
        if template is None:
            template = text.replace("{", "{{").replace("}", "}}")
        self.pieces = (template,) if isinstance(template, str) else template
        template = "".join(self.pieces)
        named = _placeholders(template)
        known = values.keys() | _FIELD_NAMES | _ACTION_NAMES
        unknown = [name for name in named if name not in known]
        clash = sorted(values.keys() & (_FIELD_NAMES | _ACTION_NAMES))
        if unknown or clash:  # a mistake in our code, not in the user's input
            raise TypeError(f"{type(self).__name__}: template names {unknown}, values hide {clash}")
        self.template = template
        self.values: dict[str, object] = values
        self.fields = tuple(dict.fromkeys([*fields, *(Field(name) for name in named if name in _FIELD_NAMES)]))
        self.actions = tuple(dict.fromkeys(Action(name) for name in named if name in _ACTION_NAMES))
        super().__init__(self.render())

    def render(self, fields: Mapping[Field, str] | None = None, actions: Mapping[Action, str] | None = None,
               translate: Callable[[str], str] | None = None) -> str:
        """The message with each field and action in a front end's terms (`actions` texts may use the
        error's values); plain words for those the tables leave out. `translate` (a gettext) turns the
        template's pieces and the `Words` values into the user's language before they are formatted."""
        names: dict[str, object] = dict(self.values)
        template = self.template
        if translate is not None:
            template = "".join(translate(piece) for piece in self.pieces)
            names = {k: _rendered(v, translate) if isinstance(v, Notice | Words) else v for k, v in names.items()}
        for field in self.fields:
            names[field.value] = (fields or {}).get(field, field.words)
        for action in self.actions:
            names[action.value] = _action_text(action, (actions or {}).get(action), self.values)
        try:
            return _FORMATTER.vformat(template, (), names)
        except (KeyError, IndexError, ValueError):  # a broken translation: the English template still works
            return _FORMATTER.vformat(self.template, (), {**names, **dict(self.values)})


def _rendered(value: object, translate: Callable[[str], str] | None) -> object:
    """A value of a message as shown: a `Notice` rendered, `Words` translated, a tuple of them joined."""
    if isinstance(value, Notice):
        return value.render(translate)
    if isinstance(value, CalendarAppError) and translate is not None:
        return value.render(translate=translate)
    if isinstance(value, Words):
        return translate(value) if translate is not None else str(value)
    if isinstance(value, tuple):
        return ", ".join(str(_rendered(v, translate)) for v in value)
    return value


class Notice(str):
    """A warning a service returns (a clash, a public holiday): the English line as a `str` (what `--json`
    and the logs show), with its `template` and `values` kept so a front end can show it translated.
    Values may be `Words`, other notices, or tuples of them (shown joined by commas)."""

    pieces: tuple[str, ...]
    values: dict[str, object]

    def __new__(cls, template: str | tuple[str, ...], /, **values: object) -> Notice:
        pieces = (template,) if isinstance(template, str) else template
        plain = {k: _rendered(v, None) for k, v in values.items()}
        self = super().__new__(cls, _FORMATTER.vformat("".join(pieces), (), plain))
        self.pieces = pieces
        self.values = values
        return self

    @property
    def template(self) -> str:
        return "".join(self.pieces)

    def render(self, translate: Callable[[str], str] | None = None) -> str:
        """The line in the user's language: each piece of the template and each `Words` value translated
        by `translate` (a gettext), then formatted; a broken translation falls back to the English."""
        if translate is None:
            return str(self)
        names = {k: _rendered(v, translate) for k, v in self.values.items()}
        try:
            return _FORMATTER.vformat("".join(translate(p) for p in self.pieces), (), names)
        except (KeyError, IndexError, ValueError):
            return str(self)


def joined(parts: Iterable[str], separator: str = "; ") -> str:
    """Notes or reasons as one line that stays translatable: each `Notice` among them is shown in the
    user's language (empty parts left out; '' when none is left)."""
    items = [part for part in parts if part]
    if len(items) <= 1:
        return items[0] if items else ""
    return Notice(separator.join(f"{{p{i}}}" for i in range(len(items))), **{f"p{i}": p for i, p in enumerate(items)})


def as_notice(error: CalendarAppError) -> Notice:
    """An error kept as a line of a report (a rejected component, a bad row): its English text as a `str`,
    shown translated like the error itself."""
    return Notice("{error}", error=error)


def _action_text(action: Action, text: str | None, values: Mapping[str, object]) -> str:
    if text is None:
        return action.words
    try:
        return text.format_map(values)
    except (KeyError, IndexError, ValueError):  # a front end's text wants a value this error lacks
        return action.words


class InvalidInput(CalendarAppError, ValueError):
    """Input that cannot be parsed or breaks a rule (exit code 2)."""


DATE_FORMS = ("2026-12-24, 24.12.2026, '24.12.2026 10:00', 2026-12-24T10:00+08:00, today, 'tomorrow 10:00', "
              "'next monday 10:00', 'следующий понедельник', 'ирэх Даваа', 'кийинки дүйшөмбү' or +3d")


class InvalidDate(InvalidInput):
    def __init__(self, text: str) -> None:
        super().__init__(template=N_("cannot read the date/time {text!r}: use {forms}"), text=text,
                         forms=DATE_FORMS)


class DayFirstDate(InvalidDate):
    """A numeric date only month-first can read (`12/24/2026`): refused, never guessed."""

    def __init__(self, text: str, day_first: str, iso: str) -> None:
        InvalidInput.__init__(
            self, template=N_("cannot read the date {text!r}: dates are written day first here, e.g. {day_first} "
            "or {iso}"), text=text, day_first=day_first, iso=iso,
        )


class InvalidDuration(InvalidInput):
    def __init__(self, text: str) -> None:
        super().__init__(template=N_("cannot read the duration {text!r}: use forms like 90m, 2h, 1h30m, 1d or 1w"),
                         text=text)


class UnknownTimeZone(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(
            template=N_("unknown time zone {zone!r}: use an IANA name such as Asia/Ulaanbaatar, Asia/Hovd or "
            "Asia/Bishkek"),
            zone=name,
        )


class UnknownRegion(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(template=N_("unknown region {region!r}: {list_regions} for the names it takes"),
                         region=name)


class UnknownChoice(InvalidInput):
    def __init__(self, what: str, value: str, choices: tuple[str, ...]) -> None:
        super().__init__(template=N_("unknown {what} {value!r}: use one of {choices}"),
                         what=Words(what), value=value, choices=", ".join(choices))


class InvalidTimeRange(InvalidInput):
    """An end not after its start. `fix` is a template too (marked `N_`): it names the fields to change."""

    def __init__(self, start: str, end: str, fix: str = N_("give a later {end} or a {duration}")) -> None:
        super().__init__(template=(N_("the end {last} is not after the start {first}: "), fix), first=start,
                         last=end)


class ContradictoryValues(InvalidInput):
    """Two inputs that decide the same thing, given together: refused rather than one silently winning."""

    def __init__(self, first: Field, second: Field) -> None:
        super().__init__(template=("{" + first.value + "}", N_(" and "), "{" + second.value + "}",
                                   N_(" decide the same thing: give only one of them")))


class AllDayWithTime(InvalidInput):
    def __init__(self, field: Field, text: str) -> None:
        super().__init__(template=(N_("{all_day} takes dates, but "), "{" + field.value + "}",
                                   N_(" {text!r} has a time of day: give a date alone, or leave out {all_day}")),
                         text=text)


class EmptyValue(InvalidInput):
    """An input given as an empty text where a value is needed (an empty time zone, say)."""

    def __init__(self, field: Field) -> None:
        super().__init__(template=("{" + field.value + "}", N_(" is empty: give a value, or leave it out")))


class InvalidParticipants(InvalidInput):
    """A participant count that is negative or whose women/men split exceeds the total."""


class NegativeParticipants(InvalidParticipants):
    def __init__(self, field: Field, count: int) -> None:
        super().__init__(template=("{" + field.value + "}", N_(" is {count}: participant counts cannot be negative")),
                         count=count)


class ParticipantSplitAboveTotal(InvalidParticipants):
    def __init__(self, split: int, total: int) -> None:
        super().__init__(
            template=N_("women + men = {split} is above the total of {total}: raise {participants} (or {actual}) "
            "or lower {women}/{men}"),
            split=split, total=total,
        )


class MissingValue(InvalidInput):
    """Something required was not given; `hint` is a template that may name fields and actions. Both are
    our words: mark their literals `N_`."""

    def __init__(self, what: str, hint: str) -> None:
        super().__init__(template=(N_("{what} is missing: "), hint), what=Words(what))


class EventNotFound(CalendarAppError, LookupError):
    exit_code = 1

    def __init__(self, ref: str | int) -> None:
        super().__init__(template=N_("no event with id or uid {ref!r}: {list_events} for the existing ones"), ref=ref)


class StorageError(CalendarAppError, OSError):
    """The database could not be opened, read or written; nothing was changed."""
