"""Settings: one schema, parsed once per process into a frozen `Settings`.

Each setting comes from a command-line option where there is one, else the environment, else the
configuration file, else its default. The file is TOML with flat keys (`CALENDAR_APP_CONFIG`, else
`config.toml` in the user's configuration folder, `~/.config/calendar-app/` on Linux), for example:

    db = "postgresql+psycopg://calendar@db.example.org/calendar"
    timezone = "Asia/Bishkek"
    smtp_url = "smtp://calendar:secret@mail.example.org:587?starttls=1"
    mail_from = "calendar@ngo.kg"

Secrets such as the SMTP password belong there or in the environment, never on a command line.
`SCHEMA` is the one table of settings (as Radicale keeps its configuration): parsing, validation, the
README's table and `--help` texts all come from it.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any

from calendar_app.configfile import CONFIG_ENV, config_path
from calendar_app.i18n import default_language, parse_language
from events.errors import N_, CalendarAppError, InvalidInput, Notice, Words
from events.notify.planning import DEFAULT_GRACE, DEFAULT_HORIZON, MAX_HORIZON
from events.timeparse import parse_duration, zone

FALLBACK_TZ = "Asia/Ulaanbaatar"
DEFAULT_BASE_URL = "http://127.0.0.1:8080"


class InvalidConfigFile(CalendarAppError, ValueError):
    def __init__(self, path: Path, why: str) -> None:
        super().__init__(template=N_("cannot use the configuration file {path}: {why}; fix it, or point "
                                     "CALENDAR_APP_CONFIG at another file"), path=path, why=why)


class InvalidSetting(InvalidInput):
    def __init__(self, name: str, where: str, why: str) -> None:
        super().__init__(template=N_("the setting {setting} from {where} is unusable: {why}"), setting=name,
                         where=where, why=why)


def _user_data(name: str) -> Path:
    from platformdirs import user_data_path

    return user_data_path("calendar-app", appauthor=False) / name


def _database_url(raw: str) -> str:
    """A plain path (no `://`) means a SQLite file."""
    if "://" in raw:
        return raw
    return f"sqlite:///{Path(raw).expanduser().resolve()}"


def _default_database() -> str:
    path = _user_data("calendar.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def machine_zone() -> str:
    """The machine's IANA zone, read from TZ or /etc/localtime; the fallback where neither names one."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with suppress(OSError, IndexError):
        candidates.append(str(Path("/etc/localtime").resolve()).split("zoneinfo/", 1)[1])
    for name in candidates:
        if name and "/" in name:
            return name
    return FALLBACK_TZ


# Apprise schemes a contact's --chat may use unless the deployment says otherwise: chat services and JSON /
# form webhooks, each with its TLS form. Never file:// (it would let a contact write files here).
DEFAULT_CHAT_SCHEMES = ("tgram", "slack", "matrix", "matrixs", "mmost", "mmosts", "rocket", "rockets", "msteams",
                        "json", "jsons", "form", "forms")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]{0,31}$")
NEVER_CHAT = frozenset({"file"})


def _chat_schemes(raw: str) -> tuple[str, ...]:
    """`tgram, slack json`: the schemes, lower-case, in order, repeats dropped; file is refused."""
    names = tuple(dict.fromkeys(n.lower() for n in re.split(r"[\s,]+", raw.strip()) if n))
    if not names:
        raise ValueError(Notice(N_("give at least one Apprise scheme, e.g. tgram, slack")))
    for name in names:
        if not _SCHEME.match(name):
            raise ValueError(Notice(N_("{name!r} is not a URL scheme (letters, digits, + . -)"), name=name))
        if name in NEVER_CHAT:
            raise ValueError(Notice(N_("{name}:// is never allowed: it writes files on this machine"), name=name))
    return names


def default_actor() -> str:
    """Who makes the changes the history records: the user this process runs as."""
    import getpass

    try:
        return getpass.getuser() or "unknown"
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return "unknown"


def _actor(raw: str) -> str:
    name = raw.strip()
    if not name or len(name) > 120 or not name.isprintable():
        raise ValueError(Notice(N_("give a name of 1 to {high} printable characters"), high=120))
    return name


def _seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise ValueError(Notice(N_("give a number of seconds from {low} to {high}"), low=0, high=3600))
    return value


def _horizon(raw: str) -> timedelta:
    value = parse_duration(raw)
    if not timedelta(days=1) <= value <= MAX_HORIZON:
        raise ValueError(Notice(N_("give {low} to {high}"), low="1d", high=f"{MAX_HORIZON.days}d"))
    return value


@dataclass(frozen=True)
class Option:
    """One setting: its attribute, environment variable, parser of its text, default and help."""

    name: str  # the Settings attribute and the file's key
    env: str
    parse: Callable[[str], Any]
    default: Callable[[], Any]
    help: str


SCHEMA: tuple[Option, ...] = (
    Option("db", "CALENDAR_APP_DB", _database_url, _default_database,
           "database: a SQLite file path or an SQLAlchemy URL (calendar.db in your data folder)"),
    Option("timezone", "CALENDAR_APP_TZ", lambda raw: zone(raw).key, machine_zone,
           "your IANA zone for times typed without one (the machine's)"),
    Option("smtp_url", "CALENDAR_APP_SMTP_URL", str, lambda: None,
           "smtp://[user:password@]host:port, smtps://..., ?starttls=1 (none: mail goes to the outbox)"),
    Option("outbox", "CALENDAR_APP_OUTBOX", lambda raw: Path(raw).expanduser(), lambda: _user_data("outbox"),
           "Maildir folder for e-mail when no SMTP server is set (outbox in your data folder)"),
    Option("mail_from", "CALENDAR_APP_MAIL_FROM", str, lambda: "calendar-app@localhost",
           "sender address of reminders"),
    Option("workflows", "CALENDAR_APP_WORKFLOWS", str, lambda: None,
           "TOML file of the kinds' reminder rules and workflow steps (the shipped one)"),
    Option("reminder_grace", "CALENDAR_APP_REMINDER_GRACE", parse_duration, lambda: DEFAULT_GRACE,
           "how late a missed reminder may still go out, e.g. 6h (6h)"),
    Option("reminder_horizon", "CALENDAR_APP_REMINDER_HORIZON", _horizon, lambda: DEFAULT_HORIZON,
           "how far ahead a repeating event's reminders are planned, e.g. 60d (60d); the scheduler extends it"),
    Option("base_url", "CALENDAR_APP_BASE_URL", lambda raw: raw.rstrip("/"), lambda: None,
           "public address of the feed server, for subscribe links (the address serve listens on)"),
    Option("holidays", "CALENDAR_APP_HOLIDAYS", lambda raw: Path(raw).expanduser(),
           lambda: _user_data("holidays.toml"), "public-holiday overrides file (holidays.toml in your data folder)"),
    Option("feed_check_seconds", "CALENDAR_APP_FEED_CHECK_SECONDS", _seconds, lambda: 0.1,
           "how often the feed server looks for changes made by other processes, in seconds (0.1)"),
    Option("chat_schemes", "CALENDAR_APP_CHAT_SCHEMES", _chat_schemes, lambda: DEFAULT_CHAT_SCHEMES,
           "Apprise URL schemes a contact's chat address may use, comma-separated; never file "
           f"({', '.join(DEFAULT_CHAT_SCHEMES)})"),
    Option("lang", "CALENDAR_APP_LANG", parse_language, default_language,
           "language of messages and help: mn, ky, ru or en; the root option --lang wins (the locale's, else en)"),
    Option("actor", "CALENDAR_APP_ACTOR", _actor, default_actor,
           "the name the history records for changes made here (the user you are logged in as)"),
)
OPTIONS = {option.name: option for option in SCHEMA}


@dataclass(frozen=True)
class Settings:
    """Every setting, typed. Built by `load_settings` from the schema; tests build it directly."""

    db_url: str
    default_tz: str
    smtp_url: str | None = None
    outbox: Path = field(default_factory=lambda: _user_data("outbox"))
    mail_from: str = "calendar-app@localhost"
    workflows: str | None = None
    reminder_grace: timedelta = DEFAULT_GRACE
    reminder_horizon: timedelta = DEFAULT_HORIZON
    base_url: str | None = None
    holidays: Path = field(default_factory=lambda: _user_data("holidays.toml"))
    feed_check_seconds: float = 0.1
    chat_schemes: tuple[str, ...] = DEFAULT_CHAT_SCHEMES
    actor: str = field(default_factory=default_actor)
    # "configured" when default_tz was given (option, environment, file), "machine" when it is the machine's:
    # a contact's zone is never silently the machine's (events.notify.zones).
    default_tz_from: str = "configured"
    lang: str = "en"

    @property
    def public_url(self) -> str:
        """Where `serve` is reached from outside (a proxy's https:// address in production)."""
        return self.base_url or DEFAULT_BASE_URL

    @property
    def mail_domain(self) -> str:
        return self.mail_from.rpartition("@")[2] or "calendar-app"


# The Settings attribute of each schema name where the two differ.
_ATTRIBUTE = {"db": "db_url", "timezone": "default_tz"}
assert {_ATTRIBUTE.get(o.name, o.name) for o in SCHEMA} == {f.name for f in fields(Settings)} - {"default_tz_from"}


def _file_values(path: Path, required: bool) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise InvalidConfigFile(path, Words(N_("no such file"))) from None
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidConfigFile(path, Notice(N_("cannot read it ({error})"), error=str(error))) from error
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidConfigFile(path, Notice(N_("not valid TOML: {error}"), error=str(error))) from error
    unknown = sorted(set(data) - set(OPTIONS))
    if unknown:
        raise InvalidConfigFile(path, Notice(N_("unknown key {key!r} (known: {known})"), key=unknown[0],
                                             known=", ".join(OPTIONS)))
    for key, value in data.items():
        if not isinstance(value, str):
            raise InvalidConfigFile(path, Notice(N_("{key} must be a quoted string"), key=key))
    return data


def load_settings(
    db: str | None = None, tz: str | None = None, *, environ: Mapping[str, str] | None = None
) -> Settings:
    """The settings of this process: options (`--db`, `--tz`), else the environment, else the file, else
    the defaults. Called once, where the application is wired."""
    environ = os.environ if environ is None else environ
    path = config_path(environ)
    from_file = _file_values(path, required=bool(environ.get(CONFIG_ENV)))
    given = {"db": db, "timezone": tz}
    values: dict[str, Any] = {}
    for option in SCHEMA:
        where: str
        raw, where = given.get(option.name), Words(N_("the command line"))
        if not raw:
            raw, where = environ.get(option.env), option.env
        if not raw:
            raw, where = from_file.get(option.name), f"{path} ({option.name})"
        values[_ATTRIBUTE.get(option.name, option.name)] = _parsed(option, raw, where) if raw else option.default()
        if option.name == "timezone" and not raw:
            values["default_tz_from"] = "machine"
    return Settings(**values)


def _parsed(option: Option, raw: str, where: str) -> Any:
    try:
        return option.parse(raw)
    except CalendarAppError:
        raise
    except ValueError as error:
        why = error.args[0] if error.args and isinstance(error.args[0], Notice) else str(error)
        raise InvalidSetting(option.name, where, why) from error
