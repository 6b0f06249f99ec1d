"""Registration sheets: the CSV people fill in (name, e-mail, organisation, sex, language), read and written.

Pure: text in, rows out (and back). Headers and values are accepted in English, Russian, Mongolian and
Kyrgyz, as an office types them; a sheet saved by Excel (UTF-8 with a byte-order mark, `;` between
columns in Russian locales) reads as well as one written by us. The csv module does the quoting; the
header and value tables are ours, as no library knows these words.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from events.bounds import MAX_NAME, check_text
from events.errors import N_, CalendarAppError, Notice, Words
from events.models import LANGUAGES
from events.notify.contacts import checked_email, checked_name
from events.people.errors import BadSheetRows, UnreadableSheet
from events.people.models import Sex

COLUMNS = ("name", "email", "organisation", "sex", "language", "attended")
# Only name and e-mail must be there: a person is a name and an address.
REQUIRED = ("name", "email")

HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "participant", "имя", "фио", "ф.и.о.", "ф. и. о.", "имя и фамилия",
             "участник", "нэр", "овог нэр", "овог, нэр", "оролцогч", "аты", "аты-жөнү", "аты жөнү",
             "катышуучу"),
    "email": ("e-mail", "email", "mail", "e-mail address", "email address", "эл. почта", "электронная почта",
              "почта", "и-мэйл", "имэйл", "и-мейл", "цахим шуудан", "электрондук почта", "эл. дарек"),
    "organisation": ("organisation", "organization", "org", "организация", "байгууллага", "уюм", "мекеме"),
    "sex": ("sex", "gender", "пол", "хүйс", "жынысы", "жыныс"),
    "language": ("language", "lang", "язык", "хэл", "тил"),
    "attended": ("attended", "present", "присутствовал", "присутствие", "ирсэн", "ирц", "катышты", "келди"),
}

SEX_WORDS: dict[str, tuple[str, ...]] = {
    Sex.woman: ("woman", "female", "f", "w", "женщина", "жен", "ж", "женский", "эмэгтэй", "эм", "аял", "кыз"),
    Sex.man: ("man", "male", "m", "мужчина", "муж", "м", "мужской", "эрэгтэй", "эр", "эркек"),
    Sex.other: ("other", "другое", "другой", "бусад", "башка"),
}
UNSTATED = ("", "-", "—", "unstated", "not stated", "не указан", "не указано", "заагаагүй", "көрсөтүлгөн эмес")

LANGUAGE_WORDS: dict[str, tuple[str, ...]] = {
    "mn": ("mn", "mon", "mongolian", "монгол", "монгол хэл", "монгольский", "монголча"),
    "ky": ("ky", "kg", "kir", "kyrgyz", "кыргыз", "кыргызча", "кыргыз тили", "киргизский", "кыргызский"),
    "ru": ("ru", "rus", "russian", "русский", "орос", "орос хэл", "орусча", "орус тили"),
    "en": ("en", "eng", "english", "английский", "англи", "англи хэл", "англисче", "англис тили"),
}

YES = ("yes", "y", "x", "1", "true", "✓", "да", "+", "тийм", "ирсэн", "ооба", "келди", "катышты")
NO = ("no", "n", "0", "false", "нет", "үгүй", "ирээгүй", "жок", "келген жок")

# Our header row in each language (`participant export`), read back by `participant import`.
TITLES: dict[str, dict[str, str]] = {
    "en": {"name": "name", "email": "e-mail", "organisation": "organisation", "sex": "sex", "language": "language",
           "attended": "attended", "role": "role", "status": "answer", "signature": "signature"},
    "ru": {"name": "ФИО", "email": "эл. почта", "organisation": "организация", "sex": "пол", "language": "язык",
           "attended": "присутствовал", "role": "роль", "status": "ответ", "signature": "подпись"},
    "mn": {"name": "овог нэр", "email": "и-мэйл", "organisation": "байгууллага", "sex": "хүйс", "language": "хэл",
           "attended": "ирсэн", "role": "үүрэг", "status": "хариу", "signature": "гарын үсэг"},
    "ky": {"name": "аты-жөнү", "email": "электрондук почта", "organisation": "уюм", "sex": "жынысы",
           "language": "тил", "attended": "катышты", "role": "ролу", "status": "жооп", "signature": "колу"},
}
SEX_TITLES: dict[str, dict[str, str]] = {
    "en": {"woman": "woman", "man": "man", "other": "other"},
    "ru": {"woman": "женщина", "man": "мужчина", "other": "другое"},
    "mn": {"woman": "эмэгтэй", "man": "эрэгтэй", "other": "бусад"},
    "ky": {"woman": "аял", "man": "эркек", "other": "башка"},
}
YES_TITLES = {"en": ("yes", "no"), "ru": ("да", "нет"), "mn": ("тийм", "үгүй"), "ky": ("ооба", "жок")}

MAX_ROWS = 10_000  # a registration sheet, not a census
THE_SHEET = Words(N_("the sheet"))


@dataclass(frozen=True)
class SheetRow:
    line: int
    name: str
    email: str
    organisation: str | None = None
    sex: str | None = None
    language: str | None = None
    attended: bool | None = None


def _key(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").strip().strip("*:").casefold().split())


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_key(word): value for value, words in table.items() for word in words}


_HEADER = _lookup(HEADERS)
_SEX = _lookup(SEX_WORDS)
_LANGUAGE = _lookup(LANGUAGE_WORDS)


def _columns(header: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        column = _HEADER.get(_key(title))
        if column is not None and column not in found:
            found[column] = index
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise UnreadableSheet(THE_SHEET, Notice(N_("no column for {columns} in the header {header!r}"),
                                                      columns=" + ".join(missing),
                                                      header=", ".join(h.strip() for h in header)))
    return found


def _sex(text: str) -> str | None:
    key = _key(text)
    if key in _SEX:
        return _SEX[key]
    if key in {_key(w) for w in UNSTATED}:
        return None
    raise ValueError(Notice(N_("sex {value!r} is not one of woman, man, other (or empty)"), value=text.strip()))


def _language(text: str) -> str | None:
    key = _key(text)
    if not key:
        return None
    if key in _LANGUAGE:
        return _LANGUAGE[key]
    raise ValueError(Notice(N_("language {value!r} is not one of {choices}"), value=text.strip(),
                            choices=", ".join(LANGUAGES)))


def _attended(text: str) -> bool | None:
    key = _key(text)
    if not key:
        return None
    if key in {_key(w) for w in YES}:
        return True
    if key in {_key(w) for w in NO}:
        return False
    raise ValueError(Notice(N_("attended {value!r} is not yes or no (or empty)"), value=text.strip()))


def _row(cells: Sequence[str], columns: dict[str, int], line: int) -> SheetRow:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    name = checked_name(cell("name"))
    if not name:
        raise ValueError(Notice(N_("the name is empty")))
    address = cell("email")
    if not address:
        raise ValueError(Notice(N_("the e-mail is empty")))
    organisation = check_text(cell("organisation"), N_("the organisation"), limit=MAX_NAME)
    return SheetRow(line=line, name=name, email=checked_email(address), organisation=organisation or None,
                    sex=_sex(cell("sex")), language=_language(cell("language")), attended=_attended(cell("attended")))


def _problem(error: Exception) -> object:
    """What is wrong with a row, kept translatable: our error, or the `Notice` a check raised."""
    if isinstance(error, CalendarAppError):
        return error
    return error.args[0] if error.args and isinstance(error.args[0], Notice) else str(error)


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def read_sheet(text: str, *, source: str = THE_SHEET) -> list[SheetRow]:
    """Every row of a sheet, or `BadSheetRows` naming each bad one by its line (nothing is taken then).

    Empty lines are skipped; an address that comes twice is a bad row (a person counts once per event)."""
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        header = next(reader, None)
        if header is None:
            raise UnreadableSheet(source, Words(N_("it is empty")))
        try:
            columns = _columns(header)
        except UnreadableSheet as error:
            raise UnreadableSheet(source, error.values["why"]) from None  # type: ignore[arg-type]
        rows: list[SheetRow] = []
        problems: list[Notice] = []
        seen: dict[str, int] = {}
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(rows) + len(problems) >= MAX_ROWS:
                raise UnreadableSheet(source, Notice(N_("it has more than {count} rows"), count=MAX_ROWS))
            try:
                row = _row(cells, columns, line)
            except (ValueError, CalendarAppError) as error:
                problems.append(Notice(N_("line {line}: {problem}"), line=line, problem=_problem(error)))
                continue
            first = seen.setdefault(row.email.casefold(), line)
            if first != line:
                problems.append(Notice(N_("line {line}: {email} is on line {first} already"), line=line,
                                       email=row.email, first=first))
                continue
            rows.append(row)
    except csv.Error as error:
        raise UnreadableSheet(source, Notice(N_("line {line}: {problem}"), line=reader.line_num,
                                             problem=str(error))) from None
    if problems:
        raise BadSheetRows(source, problems)
    return rows


@dataclass(frozen=True)
class SheetLine:
    """One participant as the sign-in sheet shows them."""

    name: str
    email: str
    organisation: str | None
    sex: str | None
    language: str | None
    attended: bool | None
    role: str
    status: str


def write_sheet(lines: Iterable[SheetLine], *, language: str = "en") -> str:
    """The sign-in sheet as CSV (headers and values in `language`), with an empty signature column; it
    reads back with `read_sheet`."""
    titles = TITLES.get(language, TITLES["en"])
    sexes = SEX_TITLES.get(language, SEX_TITLES["en"])
    yes, no = YES_TITLES.get(language, YES_TITLES["en"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    order = ("name", "email", "organisation", "sex", "language", "role", "status", "attended", "signature")
    writer.writerow([titles[c] for c in order])
    for line in lines:
        came = "" if line.attended is None else yes if line.attended else no
        writer.writerow([line.name, line.email, line.organisation or "", sexes.get(line.sex or "", ""),
                         line.language or "", line.role, line.status, came, ""])
    return out.getvalue()
