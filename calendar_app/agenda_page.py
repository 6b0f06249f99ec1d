"""The agenda as a printable page (`agenda --format html|pdf`), in the reader's language.

HTML comes from the Jinja2 template `web/templates/agenda.html` (autoescaped, no JavaScript, print CSS);
dates and times are written by Babel's CLDR data in the chosen language; the page's fixed texts, the
kinds and the statuses are in the tables below, in Mongolian, Kyrgyz, Russian and English. A PDF is the
same page rendered by WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from calendar_app.i18n import parse_language
from events.agenda import AgendaDay
from events.errors import N_, InvalidInput
from events.views import EventView

# The fixed texts of the page. `{zone}`, `{first}`, `{last}`, `{date}` are filled in.
TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Agenda", "period": "{first} – {last}", "time": "Time", "event": "Event", "location": "Location",
        "region": "Region", "all_day": "All day", "none": "No events in this period.",
        "own_zone": "Times are each event's local time.", "one_zone": "Times in {zone}.",
        "printed": "Printed {date}", "campaign": "Campaign", "search": "Search",
    },
    "mn": {
        "title": "Хуваарь", "period": "{first} – {last}", "time": "Цаг", "event": "Арга хэмжээ",
        "location": "Байршил", "region": "Бүс нутаг", "all_day": "Өдөржин",
        "none": "Энэ хугацаанд арга хэмжээ алга.",
        "own_zone": "Цагийг арга хэмжээ бүрийн орон нутгийн цагаар харуулав.",
        "one_zone": "Цагийг {zone} бүсийн цагаар харуулав.", "printed": "Хэвлэсэн: {date}", "campaign": "Аян",
        "search": "Хайлт",
    },
    "ky": {
        "title": "Күн тартиби", "period": "{first} – {last}", "time": "Убакыт", "event": "Иш-чара",
        "location": "Өтүүчү жер", "region": "Аймак", "all_day": "Күнү бою",
        "none": "Бул мезгилде иш-чаралар жок.",
        "own_zone": "Убакыт ар бир иш-чаранын жергиликтүү убактысы менен көрсөтүлдү.",
        "one_zone": "Убакыт {zone} убакыт алкагы боюнча көрсөтүлдү.", "printed": "Басылган күнү: {date}",
        "campaign": "Кампания", "search": "Издөө",
    },
    "ru": {
        "title": "Расписание", "period": "{first} – {last}", "time": "Время", "event": "Мероприятие",
        "location": "Место", "region": "Регион", "all_day": "Весь день",
        "none": "В этот период мероприятий нет.",
        "own_zone": "Время указано местное для каждого мероприятия.",
        "one_zone": "Время указано по часовому поясу {zone}.", "printed": "Напечатано: {date}",
        "campaign": "Кампания", "search": "Поиск",
    },
}

# Built-in kinds and the statuses people see; a kind an organisation adds is shown by its own name.
KINDS: dict[str, dict[str, str]] = {
    "en": {"consultation": "consultation", "signing": "signing", "round_table": "round table", "launch": "launch",
           "training": "training", "campaign_day": "campaign day", "meeting": "meeting", "other": "other"},
    "mn": {"consultation": "зөвлөлдөх уулзалт", "signing": "гарын үсэг зурах ёслол",
           "round_table": "дугуй ширээний уулзалт", "launch": "нээлт", "training": "сургалт",
           "campaign_day": "аяны өдөр", "meeting": "уулзалт", "other": "бусад"},
    "ky": {"consultation": "консультация", "signing": "кол коюу", "round_table": "тегерек үстөл",
           "launch": "ишке киргизүү", "training": "тренинг", "campaign_day": "кампания күнү",
           "meeting": "жолугушуу", "other": "башка"},
    "ru": {"consultation": "консультация", "signing": "подписание", "round_table": "круглый стол",
           "launch": "запуск", "training": "тренинг", "campaign_day": "день кампании", "meeting": "встреча",
           "other": "другое"},
}
STATUSES: dict[str, dict[str, str]] = {
    "en": {"tentative": "tentative", "postponed": "postponed", "cancelled": "cancelled", "held": "held"},
    "mn": {"tentative": "урьдчилсан", "postponed": "хойшлогдсон", "cancelled": "цуцлагдсан", "held": "болсон"},
    "ky": {"tentative": "алдын ала", "postponed": "жылдырылган", "cancelled": "жокко чыгарылган",
           "held": "өткөрүлдү"},
    "ru": {"tentative": "предварительно", "postponed": "перенесено", "cancelled": "отменено", "held": "проведено"},
}


class PdfUnavailable(InvalidInput):
    def __init__(self, why: str) -> None:
        super().__init__(template=N_("cannot write a PDF here ({why}): install WeasyPrint and the Pango library, or "
                         "give {format} html and print the page from a browser"), why=why)


@dataclass(frozen=True)
class AgendaPage:
    """What the page shows besides its days: the period, the zone (None: each event's own), the filters."""

    first: date
    last: date
    lang: str = "en"
    zone: str | None = None
    campaigns: Sequence[str] = ()
    search: str | None = None


@cache
def _template() -> Any:
    from jinja2 import Environment, PackageLoader

    env = Environment(loader=PackageLoader("calendar_app.web", "templates"), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    return env.get_template("agenda.html")


def _event_row(event: EventView, lang: str) -> dict[str, Any]:
    from babel.dates import format_time

    texts = TEXTS[lang]
    if event.all_day:
        when = texts["all_day"]
    else:
        start, end = format_time(event.start, "short", locale=lang), format_time(event.end, "short", locale=lang)
        when = f"{start}–{end} ({event.start:%Z})"
    return {"id": event.id, "when": when, "title": event.title, "location": event.location or "",
            "region": _region_name(event.region, lang), "kind": KINDS[lang].get(event.kind, event.kind),
            "status": STATUSES[lang].get(event.status), "cancelled": event.status == "cancelled"}


def _region_name(slug: str | None, lang: str) -> str:
    """The region as people of `lang` write it: the local (Cyrillic) name, or the English one in English."""
    if not slug:
        return ""
    from events.errors import CalendarAppError
    from events.regions import find_region

    try:
        region = find_region(slug)
    except CalendarAppError:  # a region this version no longer lists: its slug, as stored
        return slug
    return region.name_en if lang == "en" else region.name_local


def agenda_html(days: Sequence[AgendaDay], page: AgendaPage, *, now: datetime) -> str:
    """The printable agenda page of `days`, in `page.lang`; `now` dates the printout."""
    from babel.dates import format_date

    lang = parse_language(page.lang)
    texts = TEXTS[lang]
    shown = [{"heading": format_date(day.day, "full", locale=lang),
              "events": [_event_row(e, lang) for e in day.events]} for day in days]
    period = texts["period"].format(first=format_date(page.first, "long", locale=lang),
                                    last=format_date(page.last, "long", locale=lang))
    zone_note = texts["one_zone"].format(zone=page.zone) if page.zone else texts["own_zone"]
    return str(_template().render(
        lang=lang, t=texts, days=shown, period=period, zone_note=zone_note, campaigns=", ".join(page.campaigns),
        search=page.search, printed=texts["printed"].format(date=format_date(now.date(), "long", locale=lang)),
    ))


def agenda_pdf(html: str) -> bytes:
    """The page as PDF (WeasyPrint: pure Python over the Pango library of the system)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # OSError: WeasyPrint present, the Pango library missing
        raise PdfUnavailable(str(error).splitlines()[0] if str(error) else type(error).__name__) from error
    return bytes(HTML(string=html).write_pdf())
