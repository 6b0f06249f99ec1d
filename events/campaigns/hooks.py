"""What feeds (issue 3) and readiness workflows (issue 4) need from a campaign edition. Pure.

- `edition_entry(info, ...)`: the edition as one all-day event over its window: DTSTART the first day,
  DTEND exclusive (the day after the last day), the theme in every language in the description, the
  campaign colour, a UID that never changes.
- `edition_anchors(info)`: the instants a readiness workflow counts from (materials -30d from the window
  start, national launch on the lead-in day, report +14d after the end), at local midnight of `tz`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache

from events.campaigns.programme import EditionInfo
from events.timeparse import zone

LANGUAGE_NAMES = {"mn": "Монгол", "ky": "Кыргызча", "ru": "Русский", "en": "English"}


@dataclass(frozen=True)
class EditionEntry:
    uid: str
    summary: str
    description: str
    first_day: date  # DTSTART;VALUE=DATE
    end_exclusive: date  # DTEND;VALUE=DATE, the day after the last day
    color_hex: str | None  # for X-APPLE-CALENDAR-COLOR and people
    color_name: str | None  # RFC 7986 COLOR takes a CSS3 colour name, not a hex value
    categories: tuple[str, ...]
    sequence: int
    last_modified: datetime | None


def edition_uid(slug: str, year: int) -> str:
    """Stable across runs and machines: a feed re-rendered gives the same bytes."""
    return f"campaign-{slug}-{year}@calendar-app"


@cache
def css_color_name(hex_color: str) -> str:
    """The nearest CSS colour name to `#RRGGBB` (matplotlib ships the CSS table)."""
    from matplotlib.colors import CSS4_COLORS, to_rgb

    target = to_rgb(hex_color)
    return min(CSS4_COLORS, key=lambda name: sum((a - b) ** 2 for a, b in zip(to_rgb(CSS4_COLORS[name]), target,
                                                                              strict=True)))


def edition_entry(info: EditionInfo) -> EditionEntry:
    lines = [f"{info.name} {info.year}: {info.window.first:%d %B} – {info.window.last:%d %B %Y}"]
    if info.theme:
        lines.append(info.theme)
    lines += [f"{LANGUAGE_NAMES.get(lang, lang)}: {text}" for lang, text in info.themes.items()]
    return EditionEntry(
        uid=edition_uid(info.slug, info.year),
        summary=f"{info.name} {info.year}",
        description="\n".join(lines),
        first_day=info.window.first,
        end_exclusive=info.window.end_exclusive,
        color_hex=info.color,
        color_name=css_color_name(info.color) if info.color else None,
        categories=("campaign", info.slug),
        sequence=info.sequence,
        last_modified=info.updated_at,
    )


def edition_anchors(info: EditionInfo, tz: str) -> dict[str, datetime]:
    """Named instants of an edition for workflow steps: `window_start`, `window_end` (the exclusive end),
    `lead_in` and `last_day`, each at local midnight in `tz`."""
    zone_info = zone(tz)
    at = {"window_start": info.window.first, "window_end": info.window.end_exclusive,
          "lead_in": info.window.lead_in, "last_day": info.window.last}
    return {name: datetime.combine(day, time(), tzinfo=zone_info) for name, day in at.items()}
