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


def chart_svg(report: ParticipantsReport) -> str:
    """Women, men and other per group (or the total alone), as stacked horizontal bars."""
    rows: list[tuple[str, Totals]] = list(report.rows)[::-1] or [("total", report.total)]
    figure = _new_figure(9, max(2.0, 0.42 * len(rows) + 1.2))
    axes: Any = figure.add_subplot()
    labels = [key for key, _ in rows]
    left = [0] * len(rows)
    for name, color in COLORS.items():
        values = [t.as_json()[name] for _, t in rows]
        axes.barh(labels, values, left=left, color=color, label=name.replace("_", " "))
        left = [a + b for a, b in zip(left, values, strict=True)]
    for index, total in enumerate(left):
        axes.text(total, index, f" {total}", va="center", fontsize=8)
    axes.set_xlabel("participants")
    axes.set_title("Participants by sex" + (f", by {report.by.value}" if report.by else ""), fontsize=10)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(fontsize=8, loc="lower right")
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;margin:2rem auto;
max-width:960px;color:#222;padding:0 1rem}h1{border-left:.5rem solid #8E24AA;padding-left:.6rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .6rem;
text-align:left}th{background:#f4f4f4}.figure svg{max-width:100%;height:auto}
"""


def report_html(report: ParticipantsReport) -> str:
    period = f"{report.start or '…'} – {report.end or '…'}"
    headers = [report.by.value if report.by else "group", *(c.replace("_", " ") for c in COLUMNS)]
    rows = [[key, *_values(t)] for key, t in report.rows] + [["total", *_values(report.total)]]
    parts = [
        f"<h1>Participants, {html.escape(period)}</h1>",
        f"<p>{report.total.participants} participants at {report.total.events} events: {report.total.women} "
        f"women, {report.total.men} men, {report.total.other} other or not stated; "
        f"{report.total.events_with_list} events counted from their attendance lists "
        f"({report.people} different people).</p>",
        '<div class="figure">' + chart_svg(report) + "</div>",
        _table(headers, rows),
    ]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>Participants {html.escape(period)}</title>"
        f"<link rel=\"icon\" href=\"data:,\"><style>{_STYLE}</style></head>"
        f"<body>{''.join(parts)}</body></html>\n"
    )
