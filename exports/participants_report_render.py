"""The participants report as CSV and as a self-contained HTML page with a chart (women, men, other or
unstated per group, stacked), drawn as in exports.campaign_report_render: matplotlib's object API, SVG
inlined with text as paths, no scripts, fonts or files beside it.

A report is for sharing: it carries figures only, never a participant's name or address.
"""

from __future__ import annotations

import csv
import html
import io
from typing import Any

from events.people.report import ParticipantsReport, Totals
from exports.campaign_report_render import _new_figure, _svg, _table

COLUMNS = ("events", "events_with_list", "participants", "women", "men", "other_or_unstated")
COLORS = {"women": "#8E24AA", "men": "#00897B", "other_or_unstated": "#BDBDBD"}


def _values(totals: Totals) -> list[int]:
    data = totals.as_json()
    return [data[c] for c in COLUMNS]


def report_csv(report: ParticipantsReport) -> str:
    """One row per group and a last `total` row: group, events, events with a list, participants, women,
    men, other or unstated."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([report.by.value if report.by else "group", *COLUMNS])
    for key, totals in report.rows:
        writer.writerow([key, *_values(totals)])
    writer.writerow(["total", *_values(report.total)])
    return out.getvalue()


# The page's words in the four languages (the figures' keys stay English in CSV and JSON).
LABELS: dict[str, dict[str, str]] = {
    "en": {"title": "Participants", "events": "events", "events_with_list": "events counted from attendance lists",
           "participants": "participants", "women": "women", "men": "men", "other_or_unstated": "other or not stated",
           "people": "different people", "total": "total", "group": "group", "kind": "kind", "region": "region",
           "partner": "partner", "month": "month", "chart": "Participants by sex", "period": "Period"},
    "ru": {"title": "Участники", "events": "мероприятия", "events_with_list": "мероприятия, посчитанные по спискам "
           "присутствия", "participants": "участники", "women": "женщины", "men": "мужчины",
           "other_or_unstated": "другой или не указан", "people": "разных людей", "total": "всего",
           "group": "группа", "kind": "вид", "region": "регион", "partner": "партнёр", "month": "месяц",
           "chart": "Участники по полу", "period": "Период"},
    "mn": {"title": "Оролцогчид", "events": "арга хэмжээ", "events_with_list": "ирцийн бүртгэлээр тоолсон арга "
           "хэмжээ", "participants": "оролцогч", "women": "эмэгтэй", "men": "эрэгтэй",
           "other_or_unstated": "бусад эсвэл заагаагүй", "people": "давхардаагүй хүн", "total": "нийт",
           "group": "бүлэг", "kind": "төрөл", "region": "бүс нутаг", "partner": "түнш байгууллага", "month": "сар",
           "chart": "Оролцогчид хүйсээр", "period": "Хугацаа"},
    "ky": {"title": "Катышуучулар", "events": "иш-чаралар", "events_with_list": "катышуу тизмеси боюнча "
           "эсептелген иш-чаралар", "participants": "катышуучулар", "women": "аялдар", "men": "эркектер",
           "other_or_unstated": "башка же көрсөтүлгөн эмес", "people": "ар башка адам", "total": "жалпы",
           "group": "топ", "kind": "түрү", "region": "аймак", "partner": "өнөктөш", "month": "ай",
           "chart": "Катышуучулар жынысы боюнча", "period": "Мезгил"},
}


def _words(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])


def chart_svg(report: ParticipantsReport, language: str = "en") -> str:
    """Women, men and other per group (or the total alone), as stacked horizontal bars."""
    words = _words(language)
    rows: list[tuple[str, Totals]] = list(report.rows)[::-1] or [(words["total"], report.total)]
    figure = _new_figure(9, max(2.0, 0.42 * len(rows) + 1.2))
    axes: Any = figure.add_subplot()
    labels = [key for key, _ in rows]
    left = [0] * len(rows)
    for name, color in COLORS.items():
        values = [t.as_json()[name] for _, t in rows]
        axes.barh(labels, values, left=left, color=color, label=words[name])
        left = [a + b for a, b in zip(left, values, strict=True)]
    for index, total in enumerate(left):
        axes.text(total, index, f" {total}", va="center", fontsize=8)
    axes.set_xlabel(words["participants"])
    axes.set_title(words["chart"] + (f" ({words[report.by.value]})" if report.by else ""), fontsize=10)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)  # beside, never on a bar
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;margin:2rem auto;
max-width:960px;color:#222;padding:0 1rem}h1{border-left:.5rem solid #8E24AA;padding-left:.6rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .6rem;
text-align:left}th{background:#f4f4f4}.figure svg{max-width:100%;height:auto}
"""


def report_html(report: ParticipantsReport, *, language: str = "en") -> str:
    """The page in `language` (mn, ky, ru or en): the headline figures, the chart and the table."""
    words = _words(language)
    language = language if language in LABELS else "en"
    period = f"{report.start or '…'} – {report.end or '…'}"
    headers = [words[report.by.value] if report.by else words["group"], *(words[c] for c in COLUMNS)]
    rows = [[key, *_values(t)] for key, t in report.rows] + [[words["total"], *_values(report.total)]]
    total = report.total.as_json()
    headline = [(words["period"], period), (words["events"], total["events"]),
                (words["participants"], total["participants"]), (words["women"], total["women"]),
                (words["men"], total["men"]), (words["other_or_unstated"], total["other_or_unstated"]),
                (words["events_with_list"], total["events_with_list"]), (words["people"], report.people)]
    facts = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in headline)
    parts = [
        f"<h1>{html.escape(words['title'])}, {html.escape(period)}</h1>",
        f'<dl class="facts">{facts}</dl>',
        '<div class="figure">' + chart_svg(report, language) + "</div>",
        _table(headers, rows),
    ]
    return (
        f"<!DOCTYPE html>\n<html lang=\"{language}\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{html.escape(words['title'])} {html.escape(period)}</title>"
        f"<link rel=\"icon\" href=\"data:,\"><style>{_STYLE}dl.facts{{display:grid;grid-template-columns:max-content "
        f"auto;gap:.2rem 1rem}}dd{{margin:0;font-weight:600}}</style></head>"
        f"<body>{''.join(parts)}</body></html>\n"
    )
