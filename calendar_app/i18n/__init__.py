"""The language the CLI speaks: mn, ky, ru or en, from gettext catalogues compiled with Babel.

The language is chosen once per command: `--lang`, else `CALENDAR_APP_LANG`, else the configuration file's
`lang`, else the locale (the first of LC_ALL, LC_MESSAGES, LANG that is set; one we do not speak gives
English), else English. Texts are English in the source and marked for the catalogues (`N_`, help texts and
docstrings of commands: see `calendar_app.i18n.extract`); they are translated where they are shown, never in
the services, and only the words change: `--json` keys and exit codes are the same in every language.

Cheap to import: `--help` is translated before any heavy module loads.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
from collections.abc import Mapping
from pathlib import Path

from events.errors import N_, InvalidInput

LANGUAGES = ("mn", "ky", "ru", "en")
SOURCE_LANGUAGE = "en"  # the language of the msgids: it needs no catalogue
LANG_ENV = "CALENDAR_APP_LANG"
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).parent / "locale"
_LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")
_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[_-][A-Za-z0-9]+)?(?:\.[\w-]+)?(?:@\w+)?$")
_ALIASES = {"mon": "mn", "kir": "ky", "rus": "ru", "eng": "en", "kg": "ky"}  # ISO 639-2 codes; kg: the country

__all__ = ["LANGUAGES", "N_", "UnknownLanguage", "choose", "gettext", "help_text", "language", "ngettext",
           "parse_language", "use"]


class UnknownLanguage(InvalidInput):
    def __init__(self, text: str, where: str) -> None:
        super().__init__(template=N_("unknown language {value!r} (from {where}): use one of mn, ky, ru or en"),
                         value=text, where=where)


def language_code(text: str) -> str | None:
    """The language we speak named by `text` (`ru`, `ru_RU.UTF-8`, `mn-MN`, `kir`), or None."""
    found = _CODE.match(text.strip())
    if found is None:
        return None
    code = found.group(1).lower()
    code = _ALIASES.get(code, code)
    return code if code in LANGUAGES else None


def parse_language(text: str, where: str = N_("the settings")) -> str:
    """A language asked for by name (an option, a variable, the file): one we do not speak is an error."""
    code = language_code(text)
    if code is None:
        raise UnknownLanguage(text, where)
    return code


def default_language(environ: Mapping[str, str] | None = None) -> str:
    """The locale's language, or English when the locale names none we speak (C, POSIX, de_DE...)."""
    environ = os.environ if environ is None else environ
    for name in _LOCALE_VARS:
        value = environ.get(name)
        if value:
            return language_code(value) or SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def choose(given: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language of this command (see the module's docstring); raises `UnknownLanguage` for a bad one."""
    environ = os.environ if environ is None else environ
    if given is not None:
        return parse_language(given, "--lang")
    if environ.get(LANG_ENV):
        return parse_language(environ[LANG_ENV], LANG_ENV)
    from calendar_app.configfile import peek

    in_file = peek(environ, "lang")
    if isinstance(in_file, str) and in_file:
        return parse_language(in_file, "the configuration file")
    return default_language(environ)


_catalogues: dict[str, _gettext.NullTranslations] = {}
_current: _gettext.NullTranslations = _gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def _catalogue(code: str) -> _gettext.NullTranslations:
    if code not in _catalogues:
        _catalogues[code] = _gettext.translation(DOMAIN, LOCALE_DIR, [code], fallback=True)
    return _catalogues[code]


def use(code: str) -> None:
    """Speak `code` (one of LANGUAGES) from now on in this process."""
    global _current, _language
    _current, _language = _catalogue(code), code


def language() -> str:
    return _language


def gettext(message: str) -> str:
    return _current.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _current.ngettext(singular, plural, count)


def help_text(text: str) -> str:
    """A help text or docstring translated paragraph by paragraph; examples (`\\b` blocks and indented
    paragraphs) stay as written."""
    return "\n\n".join(p if is_example(p) else gettext(p) for p in text.split("\n\n"))


def is_example(paragraph: str) -> bool:
    return paragraph.startswith((" ", "\b")) or not paragraph.strip()
