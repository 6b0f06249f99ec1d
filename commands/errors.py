"""How the CLI names what an error points at: each field by its option, each action by the command that
does it. Errors carry fields and actions as data (`events.errors`); a web front end has its own tables.
"""

from __future__ import annotations

from calendar_app import i18n
from events.errors import N_, Action, CalendarAppError, Field

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
    Field.SINCE: "--since",
    Field.LOG_UNTIL: "--until",
    Field.MY_ZONE: "--my-zone",
    Field.JSON: "--json",
    Field.FORMAT: "--format",
    Field.REVOKE_LAST: "--last",
    Field.REPEAT: "--repeat",
    Field.RRULE: "--rrule",
    Field.INTERVAL: "--interval",
    Field.ON: "--on",
    Field.UNTIL: "--until",
    Field.COUNT: "--count",
    Field.RDATE: "--rdate",
    Field.EXDATE: "--exdate",
    Field.OCCURRENCE: "--occurrence",
    Field.FROM_OCCURRENCE: "--from-occurrence",
    Field.ATTENDED: "--attended",
    Field.ABSENT: "--absent",
    Field.ATTENDEES: "--attendees",
    Field.STATUS: "--status",
    Field.ROLE: "--role",
    Field.SEX: "--sex",
    Field.BY: "--by",
    Field.STRICT: "--strict",
    Field.YES: "--yes",
    Field.RSVP_BY: "--rsvp-by",
}

# Each text may use the values of the errors naming the action (see `events.errors.Action`).
COMMANDS: dict[Action, str] = {
    Action.LIST_EVENTS: N_("see 'calendar-app event list'"),
    Action.LIST_REGIONS: N_("see 'calendar-app region list'"),
    Action.LIST_CONTACTS: N_("see 'calendar-app contact list'"),
    Action.ADD_CONTACT: N_("add one with 'calendar-app contact add NAME --email ADDR --language mn'"),
    Action.EDIT_CONTACT: N_("change it with 'calendar-app contact edit'"),
    Action.LIST_TASKS: N_("see 'calendar-app task list'"),
    Action.LIST_CAMPAIGNS: N_("see 'calendar-app campaign list'"),
    Action.ADD_CAMPAIGN: N_("add it with 'calendar-app campaign add {slug} --name ... --window MM-DD..MM-DD'"),
    Action.ADD_PRESET_CAMPAIGN: N_("add it with 'calendar-app campaign add {slug} --preset {slug}' (or with "
                                "--name ... --window MM-DD..MM-DD)"),
    Action.SHOW_CAMPAIGN: N_("see 'calendar-app campaign show {slug}'"),
    Action.SHOW_EDITION: N_("see 'calendar-app campaign show {slug} --year {year}'"),
    Action.ADD_EDITION: N_("add it with 'calendar-app campaign edition add {slug} {year} --theme TEXT'"),
    Action.ROLL_CAMPAIGN: N_("roll the last one with 'calendar-app campaign roll'"),
    Action.LIST_FEEDS: N_("see 'calendar-app feed list'"),
    Action.REMOVE_FEED: N_("remove it with 'calendar-app feed remove {feed}'"),
    Action.ROTATE_FEED: N_("run 'calendar-app feed rotate {feed}'"),
    Action.MAKE_PRIVATE: N_("make it with --private"),
    Action.LIST_PARTICIPANTS: N_("see 'calendar-app participant list {event}'"),
    Action.INVITE: N_("add them with 'calendar-app event invite {event} CONTACT'"),
    Action.LIST_TOKENS: N_("see 'calendar-app feed token list {feed}'"),
    Action.ADD_TOKEN: N_("add another with 'calendar-app feed token add {feed}'"),
}


def cli_message(error: CalendarAppError) -> str:
    """The error's message as the CLI prints it, in the user's language: options and commands where it
    names fields and actions."""
    actions = {action: i18n.gettext(text) for action, text in COMMANDS.items() if action in error.actions}
    return error.render(fields=OPTIONS, actions=actions, translate=i18n.gettext)
