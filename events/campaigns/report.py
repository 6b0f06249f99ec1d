"""Figures of a campaign edition, and how they compare with the previous edition. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from events.campaigns.programme import EditionInfo, active
from events.regions import RegionInfo, find_region, regions_of
from events.views import EventView

# Ulaanbaatar's districts count as reaching Ulaanbaatar; "regions not reached" lists the capital, the
# aimags, Osh city and the oblasts.
_PLACE_LEVELS = ("capital", "aimag", "city", "oblast")


@dataclass(frozen=True)
class Figures:
    events: int
    cancelled: int
    per_day: tuple[tuple[date, int], ...]
    per_region: tuple[tuple[str | None, int], ...]
    per_kind: tuple[tuple[str, int], ...]
    partners: tuple[tuple[str, int], ...]
    expected: int
    actual: int
    women: int
    men: int
    reached: tuple[str, ...]
    not_reached: tuple[str, ...]
    people: int  # actual participants where known, else expected ones


@dataclass(frozen=True)
class CampaignReport:
    edition: EditionInfo
    figures: Figures
    previous: EditionInfo | None = None
    previous_figures: Figures | None = None


def _place(slug: str) -> RegionInfo:
    region = find_region(slug)
    return find_region("ulaanbaatar") if region.level == "district" else region


def _counted(counter: Counter[Any]) -> tuple[tuple[Any, int], ...]:
    return tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or "")))


def figures_of(edition: EditionInfo, events: Sequence[EventView]) -> Figures:
    live = active(events)
    days = edition.window.days(lead_in=True)
    per_day = tuple((d, sum(1 for e in live if e.first_day <= d <= e.last_day)) for d in days)
    partners: Counter[str] = Counter(p for e in live for p in e.partners)
    places = {_place(e.region) for e in live if e.region}
    countries = sorted({p.country for p in places}) or ["MN", "KG"]
    reached = {p.slug for p in places}
    candidates = [r for c in countries for r in regions_of(c) if r.level in _PLACE_LEVELS]
    return Figures(
        events=len(live),
        cancelled=len(events) - len(live),
        per_day=per_day,
        per_region=_counted(Counter(e.region for e in live)),
        per_kind=_counted(Counter(e.kind for e in live)),
        partners=_counted(partners),
        expected=sum(e.participants_expected or 0 for e in live),
        actual=sum(e.participants_actual or 0 for e in live),
        women=sum(e.participants_women or 0 for e in live),
        men=sum(e.participants_men or 0 for e in live),
        reached=tuple(sorted(reached)),
        not_reached=tuple(r.slug for r in candidates if r.slug not in reached),
        people=sum(
            (e.participants_actual if e.participants_actual is not None else e.participants_expected) or 0
            for e in live
        ),
    )


def summary(figures: Figures) -> dict[str, int]:
    """The headline figures compared between editions."""
    return {
        "events": figures.events, "regions_reached": len(figures.reached), "partners": len(figures.partners),
        "participants": figures.people, "women": figures.women, "men": figures.men,
    }


def figures_json(figures: Figures) -> dict[str, Any]:
    return {
        "events": figures.events,
        "cancelled": figures.cancelled,
        "per_day": [{"date": d.isoformat(), "events": n} for d, n in figures.per_day],
        "per_region": [{"region": r, "events": n} for r, n in figures.per_region],
        "per_kind": [{"kind": k, "events": n} for k, n in figures.per_kind],
        "partners": [{"name": p, "events": n} for p, n in figures.partners],
        "participants": {"expected": figures.expected, "actual": figures.actual, "women": figures.women,
                         "men": figures.men, "total": figures.people},
        "regions_reached": list(figures.reached),
        "regions_not_reached": list(figures.not_reached),
    }


def comparison(report: CampaignReport) -> dict[str, dict[str, int | None]] | None:
    if report.previous_figures is None:
        return None
    now, before = summary(report.figures), summary(report.previous_figures)
    return {k: {"this": now[k], "previous": before[k], "change": now[k] - before[k]} for k in now}


def report_json(report: CampaignReport) -> dict[str, Any]:
    return {
        **report.edition.as_json(),
        "figures": figures_json(report.figures),
        "previous": None if report.previous is None else {
            "year": report.previous.year, "theme": report.previous.theme,
            "figures": figures_json(report.previous_figures) if report.previous_figures else None,
        },
        "comparison": comparison(report),
    }
