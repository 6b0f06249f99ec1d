"""Typed errors of campaigns and editions (exit codes as in PRODUCT.md section 2)."""

from __future__ import annotations

from events.errors import N_, CalendarAppError, Field, InvalidInput


class InvalidWindow(InvalidInput):
    def __init__(self, window: str, why: str) -> None:
        super().__init__(template=N_("cannot read the window {text!r}: {why}; write it as 11-25..12-10 (MM-DD..MM-DD)"),
                         text=window, why=why, fields=(Field.WINDOW,))


_UNKNOWN_CAMPAIGN = N_("unknown campaign {slug!r}: {list_campaigns}, or {add_campaign}")
# A slug that is also a built-in preset: the quickest fix is the preset, so the message names it too.
_UNKNOWN_PRESET_CAMPAIGN = N_("unknown campaign {slug!r}: {list_campaigns}, or {add_preset_campaign}")


def _unknown(slug: str) -> str:
    from events.campaigns.presets import PRESETS

    return _UNKNOWN_PRESET_CAMPAIGN if slug.strip() in PRESETS else _UNKNOWN_CAMPAIGN


class UnknownCampaign(InvalidInput):
    """A campaign named in an option that does not exist (exit 2, as an unknown region)."""

    def __init__(self, slug: str) -> None:
        super().__init__(template=_unknown(slug), slug=slug, fields=(Field.CAMPAIGN,))


class CampaignNotFound(CalendarAppError, LookupError):
    """The campaign a command acts on, named as its argument, does not exist (exit 1)."""

    exit_code = 1

    def __init__(self, slug: str) -> None:
        super().__init__(template=_unknown(slug), slug=slug)


class CampaignExists(InvalidInput):
    def __init__(self, slug: str) -> None:
        super().__init__(template=N_("a campaign {slug!r} exists already: {show_campaign}"), slug=slug)


class UnknownPreset(InvalidInput):
    def __init__(self, name: str, presets: tuple[str, ...]) -> None:
        super().__init__(template=N_("unknown preset {value!r}: use one of {presets}"), value=name,
                         presets=", ".join(presets), fields=(Field.PRESET,))


class InvalidSlug(InvalidInput):
    def __init__(self, slug: str) -> None:
        super().__init__(template=N_("cannot use {slug!r} as a campaign slug: use lower-case letters, digits and '-', "
                         "e.g. 16-days"), slug=slug)


class InvalidColor(InvalidInput):
    def __init__(self, color: str) -> None:
        super().__init__(template=N_("cannot read the colour {color!r}: give it as #RRGGBB, e.g. #E36C0A"), color=color)


class InvalidYear(InvalidInput):
    def __init__(self, year: int) -> None:
        super().__init__(template=N_("the year {year} is out of range: give a year between 1900 and 2200"), year=year)


class EditionExists(InvalidInput):
    def __init__(self, slug: str, year: int) -> None:
        super().__init__(template=N_("{slug} has a {year} edition already ({show_edition}): pick another year"),
                         slug=slug, year=year)


class EditionMissing(InvalidInput):
    """An event or command needs an edition of a year the campaign does not have yet (exit 2)."""

    def __init__(self, slug: str, year: int) -> None:
        super().__init__(template=N_("{slug} has no {year} edition: {add_edition} (or {roll_campaign})"),
                         slug=slug, year=year)


class EditionNotFound(CalendarAppError, LookupError):
    """The edition a command acts on does not exist (exit 1)."""

    exit_code = 1

    def __init__(self, slug: str, year: int | None) -> None:
        if year is None:
            super().__init__(template=N_("{slug} has no edition: {show_campaign} for its editions"), slug=slug,
                             year=year)
        else:
            super().__init__(template=N_("{slug} has no {year} edition: {show_campaign} for its editions"),
                             slug=slug, year=year)


class InvalidTheme(InvalidInput):
    def __init__(self, text: str, why: str) -> None:
        super().__init__(template=N_("cannot use the theme {text!r}: {why}"), text=text, why=why, fields=(Field.THEME,))


class OutsideWindow(InvalidInput):
    def __init__(self, slug: str, year: int, window: str, when: str) -> None:
        super().__init__(
            template=N_("the event ({when}) is outside {slug} {year} ({dates}): move it into the window, or pass "
            "{allow_outside} to link it anyway"),
            when=when, slug=slug, year=year, dates=window,
        )
