"""How the CLI names what an error points at: each field by its option, each action by the command that
does it. Errors carry fields and actions as data (`events.errors`); a web front end has its own tables.
"""

from __future__ import annotations

from events.errors import Action, CalendarAppError, Field

OPTIONS: dict[Field, str] = {
    Field.START: "--start",
    Field.END: "--end",
    Field.DURATION: "--duration",
    Field.TO: "--to",
    Field.DAYS: "--days",
    Field.PARTICIPANTS: "--participants",
    Field.ACTUAL: "--actual",
    Field.WOMEN: "--women",
    Field.MEN: "--men",
    Field.CAMPAIGN: "--campaign",
    Field.YEARLY: "--yearly",
    Field.ALLOW_OUTSIDE: "--allow-outside",
    Field.PRESET: "--preset",
    Field.NAME: "--name",
    Field.WINDOW: "--window",
    Field.THEME: "--theme",
    Field.EMAIL: "--email",
    Field.CHAT: "--chat",
    Field.REMIND: "--remind",
    Field.PRIVATE: "--private",
    Field.TASKS: "--tasks",
    Field.DETAIL: "--detail",
    Field.KEEP_CANCELLED: "--keep-cancelled",
    Field.ALARM: "--alarm",
    Field.ALARMS_FROM_REMINDERS: "--alarms-from-reminders",
    Field.VISIBILITY: "--visibility",
    Field.SKIP_BAD: "--skip-bad",
    Field.FROM: "--from",
    Field.AT: "--at",
    Field.ALL_DAY: "--all-day",
    Field.TZ: "--tz",
    Field.LOCATION: "--location",
    Field.DESCRIPTION: "--description",
    Field.URL: "--url",
    Field.ORGANIZER: "--organizer",
    Field.PROGRAMME: "--programme",
    Field.PARTNER: "--partner",
    Field.NOTIFY: "--notify",
    Field.REASON: "--reason",
    Field.OUTPUT: "-o",
    Field.STREAM: "--stream",
    Field.ATTENDED: "--attended",
    Field.ABSENT: "--absent",
    Field.ATTENDEES: "--attendees",
    Field.STATUS: "--status",
    Field.ROLE: "--role",
    Field.SEX: "--sex",
    Field.BY: "--by",
    Field.RSVP_BY: "--rsvp-by",
}

# Each text may use the values of the errors naming the action (see `events.errors.Action`).
COMMANDS: dict[Action, str] = {
    Action.LIST_EVENTS: "see 'calendar-app event list'",
    Action.LIST_REGIONS: "see 'calendar-app region list'",
    Action.LIST_CONTACTS: "see 'calendar-app contact list'",
    Action.ADD_CONTACT: "add one with 'calendar-app contact add NAME --email ADDR --language mn'",
    Action.EDIT_CONTACT: "change it with 'calendar-app contact edit'",
    Action.LIST_TASKS: "see 'calendar-app task list'",
    Action.LIST_CAMPAIGNS: "see 'calendar-app campaign list'",
    Action.ADD_CAMPAIGN: "add it with 'calendar-app campaign add {slug} --name ... --window MM-DD..MM-DD'",
    Action.SHOW_CAMPAIGN: "see 'calendar-app campaign show {slug}'",
    Action.SHOW_EDITION: "see 'calendar-app campaign show {slug} --year {year}'",
    Action.ADD_EDITION: "add it with 'calendar-app campaign edition add {slug} {year} --theme TEXT'",
    Action.ROLL_CAMPAIGN: "roll the last one with 'calendar-app campaign roll'",
    Action.LIST_FEEDS: "see 'calendar-app feed list'",
    Action.REMOVE_FEED: "remove it with 'calendar-app feed remove {feed}'",
    Action.ROTATE_FEED: "run 'calendar-app feed rotate {feed}'",
    Action.MAKE_PRIVATE: "make it with --private",
    Action.LIST_PARTICIPANTS: "see 'calendar-app participant list {event}'",
    Action.INVITE: "add them with 'calendar-app event invite {event} CONTACT'",
}


def cli_message(error: CalendarAppError) -> str:
    """The error's message as the CLI prints it: options and commands where it names fields and actions."""
    return error.render(fields=OPTIONS, actions=COMMANDS)
