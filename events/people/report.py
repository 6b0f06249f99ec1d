"""`report participants`: sex-disaggregated totals over a period, grouped by kind, region, partner or month.

Pure: given the events (their figures already from their attendance lists where they have one, see
events.people.figures) it returns the rows. A person counts once per event (the participant table holds a
contact once per event); an event with several partners counts in each partner's row, so partner rows may
add up to more than the total, which is counted once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from events.campaigns.programme import active
from events.people.figures import LIST
from events.views import EventView


class GroupBy(StrEnum):
    kind = "kind"
    region = "region"
    partner = "partner"
    month = "month"


@dataclass
class Totals:
    """Figures of a set of events: `participants` is actual where known, else expected; women and men as
    given or counted; `other` is the rest of the actual participants (other or not stated)."""

    events: int = 0
    events_with_list: int = 0
    events_without_figures: int = 0
    participants: int = 0
    women: int = 0
    men: int = 0
    other: int = 0

    def add(self, view: EventView) -> None:
        self.events += 1
        self.events_with_list += view.participants_source == LIST
        actual = view.participants_actual
        count = actual if actual is not None else view.participants_expected
        if count is None:
            self.events_without_figures += 1
            return
        women, men = view.participants_women or 0, view.participants_men or 0
        self.participants += count
        self.women += women
        self.men += men
        self.other += max(count - women - men, 0) if actual is not None else 0

    def as_json(self) -> dict[str, int]:
        return {"events": self.events, "events_with_list": self.events_with_list,
                "events_without_figures": self.events_without_figures, "participants": self.participants,
                "women": self.women, "men": self.men, "other_or_unstated": self.other}


@dataclass
class ParticipantsReport:
    start: date | None
    end: date | None  # inclusive last day
    by: GroupBy | None
    total: Totals = field(default_factory=Totals)
    rows: list[tuple[str, Totals]] = field(default_factory=list)
    people: int = 0  # different people marked attended over the period (lists only)


def _keys(by: GroupBy) -> Callable[[EventView], list[str]]:
    if by is GroupBy.kind:
        return lambda v: [v.kind]
    if by is GroupBy.region:
        return lambda v: [v.region or "-"]
    if by is GroupBy.partner:
        return lambda v: list(v.partners) or ["-"]
    return lambda v: [f"{v.start:%Y-%m}"]


def build_report(views: Sequence[EventView], *, by: GroupBy | None, start: date | None, end: date | None,
                 people: int = 0) -> ParticipantsReport:
    """The totals of the events that took place or are planned (cancelled ones left out), and per group."""
    report = ParticipantsReport(start=start, end=end, by=by, people=people)
    groups: dict[str, Totals] = {}
    for view in active(views):
        report.total.add(view)
        if by is not None:
            for key in _keys(by)(view):
                groups.setdefault(key, Totals()).add(view)
    report.rows = sorted(groups.items(), key=lambda kv: kv[0] if by is GroupBy.month else (-kv[1].participants,
                                                                                             kv[0]))
    return report


def report_json(report: ParticipantsReport) -> dict[str, Any]:
    """The stable JSON of the report: keys are kept, new ones may be added."""
    return {
        "from": report.start.isoformat() if report.start else None,
        "to": report.end.isoformat() if report.end else None,
        "by": report.by.value if report.by else None,
        "total": report.total.as_json(),
        "different_people": report.people,
        "rows": [{"group": key, **totals.as_json()} for key, totals in report.rows],
    }
