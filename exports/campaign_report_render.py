"""A campaign report as CSV and as a self-contained HTML page with two charts.

The charts are drawn by matplotlib (object API, no pyplot state, Agg-free SVG backend) and inlined as SVG
with text as paths, so the page needs no fonts, scripts or files beside it and opens offline.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable
from typing import Any

from events.campaigns.report import CampaignReport, comparison, figures_json, summary
from events.regions import find_region

DEFAULT_COLOR = "#F26B21"


def report_csv(report: CampaignReport) -> str:
    """One row per figure: section, item, value, and the previous edition's value where it compares."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "item", "value", "previous"])
    info = report.edition
    writer.writerow(["edition", "campaign", info.slug, ""])
    writer.writerow(["edition", "year", info.year, report.previous.year if report.previous else ""])
    writer.writerow(["edition", "theme", info.theme or "", report.previous.theme or "" if report.previous else ""])
    writer.writerow(["edition", "window", f"{info.window.first}..{info.window.last}", ""])
    before = summary(report.previous_figures) if report.previous_figures else {}
    for key, value in summary(report.figures).items():
        writer.writerow(["summary", key, value, before.get(key, "")])
    data = figures_json(report.figures)
    writer.writerow(["summary", "cancelled", data["cancelled"], ""])
    for key, value in data["participants"].items():
        writer.writerow(["participants", key, value, ""])
    for row in data["per_day"]:
        writer.writerow(["day", row["date"], row["events"], ""])
    for row in data["per_region"]:
        writer.writerow(["region", row["region"] or "", row["events"], ""])
    for row in data["per_kind"]:
        writer.writerow(["kind", row["kind"], row["events"], ""])
    for row in data["partners"]:
        writer.writerow(["partner", row["name"], row["events"], ""])
    for slug in data["regions_not_reached"]:
        writer.writerow(["not_reached", slug, "", ""])
    return out.getvalue()


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # drop the XML prolog and doctype: the SVG sits inside HTML


def _new_figure(width: float, height: float) -> Any:
    import matplotlib

    matplotlib.rcParams["svg.fonttype"] = "path"
    matplotlib.rcParams["svg.hashsalt"] = "calendar-app"  # same data, same bytes
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100)


def timeline_svg(report: CampaignReport) -> str:
    """Events per day over the window (lead-in day in grey), the previous edition as a line."""
    figures = report.figures
    labels = [d.strftime("%d %b") for d, _ in figures.per_day]
    counts = [n for _, n in figures.per_day]
    color = report.edition.color or DEFAULT_COLOR
    colors = ["#9E9E9E" if report.edition.window.is_lead_in(d) else color for d, _ in figures.per_day]
    figure = _new_figure(9, 3.2)
    axes = figure.add_subplot()
    from matplotlib.patches import Patch

    axes.bar(range(len(counts)), counts, color=colors)
    handles: list[Any] = [Patch(color=color, label=str(report.edition.year)),
                          Patch(color="#9E9E9E", label="lead-in day")]
    if report.previous_figures is not None and report.previous is not None:
        before = [n for _, n in report.previous_figures.per_day]
        (line,) = axes.plot(range(len(before)), before, color="#333333", marker="o", linewidth=1.5,
                            label=str(report.previous.year))
        handles.append(line)
    axes.set_xticks(range(len(labels)), labels, rotation=60, fontsize=8)
    axes.set_ylabel("events")
    axes.set_title(f"Events per day, {report.edition.name} {report.edition.year}", fontsize=10)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(handles=handles, fontsize=8, loc="upper right")
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def _region_name(slug: str | None) -> str:
    if slug is None:
        return "no region"
    region = find_region(slug)
    return f"{region.name_local} ({region.name_en})"


def regions_svg(report: CampaignReport) -> str:
    """A map-free horizontal bar chart: events per region, most first."""
    rows = list(report.figures.per_region)[::-1]
    figure = _new_figure(9, max(2.0, 0.38 * len(rows) + 1.0))
    axes = figure.add_subplot()
    if rows:
        axes.barh([_region_name(r) for r, _ in rows], [n for _, n in rows],
                  color=report.edition.color or DEFAULT_COLOR)
        for index, (_, n) in enumerate(rows):
            axes.text(n, index, f" {n}", va="center", fontsize=8)
    axes.set_xlabel("events")
    axes.set_title("Events per region", fontsize=10)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def _table(headers: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;margin:2rem auto;
max-width:960px;color:#222;padding:0 1rem}
h1{border-left:.5rem solid var(--accent);padding-left:.6rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .6rem;
text-align:left}th{background:#f4f4f4}.figure svg{max-width:100%;height:auto}.up{color:#2e7d32}
.down{color:#c62828}.theme{font-style:italic}
"""


def report_html(report: CampaignReport) -> str:
    info, figures = report.edition, report.figures
    data = figures_json(figures)
    people = data["participants"]
    parts = [
        f"<h1>{html.escape(info.name)} {info.year}</h1>",
        f"<p>{info.window.first:%d %B %Y} – {info.window.last:%d %B %Y} "
        f"(lead-in day {info.window.lead_in:%d %B})</p>",
    ]
    if info.theme:
        parts.append(f'<p class="theme">{html.escape(info.theme)}</p>')
    for language, text in info.themes.items():
        parts.append(f'<p class="theme" lang="{html.escape(language)}">{html.escape(text)}</p>')
    parts.append("<h2>Summary</h2>")
    parts.append(_table(
        ["events", "cancelled", "regions reached", "partners", "participants", "women", "men"],
        [[figures.events, figures.cancelled, len(figures.reached), len(figures.partners), people["total"],
          people["women"], people["men"]]],
    ))
    compared = comparison(report)
    if compared and report.previous is not None:
        parts.append(f"<h2>Compared with {report.previous.year}</h2>")
        rows = []
        for key, row in compared.items():
            change = row["change"] or 0
            sign = "up" if change > 0 else "down" if change < 0 else ""
            rows.append([key.replace("_", " "), row["this"], row["previous"], f"{change:+d}", sign])
        parts.append(_table(["figure", str(info.year), str(report.previous.year), "change", ""], rows))
    parts.append('<h2>Timeline</h2><div class="figure">' + timeline_svg(report) + "</div>")
    parts.append('<h2>Regions</h2><div class="figure">' + regions_svg(report) + "</div>")
    if figures.not_reached:
        names = ", ".join(_region_name(s) for s in figures.not_reached)
        parts.append(f"<p><b>Regions not reached:</b> {html.escape(names)}</p>")
    parts.append("<h2>Kinds</h2>" + _table(["kind", "events"], figures.per_kind))
    parts.append("<h2>Partners</h2>" + _table(["partner", "events"], figures.partners))
    accent = html.escape(info.color or DEFAULT_COLOR)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{html.escape(info.name)} {info.year}: report</title>"
        f"<link rel=\"icon\" href=\"data:,\"><style>:root{{--accent:{accent}}}{_STYLE}</style></head>"
        f"<body>{''.join(parts)}</body></html>\n"
    )
