"""Typed errors of campaigns and editions (exit codes as in PRODUCT.md section 2)."""

from __future__ import annotations

from events.errors import CalendarAppError, InvalidInput


class InvalidWindow(InvalidInput):
    def __init__(self, window: str, why: str) -> None:
        super().__init__(f"cannot read the window {window!r}: {why}; write it as 11-25..12-10 (MM-DD..MM-DD)")


def _unknown_campaign_message(slug: str) -> str:
    return (f"unknown campaign {slug!r}: see 'calendar-app campaign list', or add it with "
            f"'calendar-app campaign add {slug} --name ... --window MM-DD..MM-DD'")


class UnknownCampaign(InvalidInput):
    """A campaign named in an option that does not exist (exit 2, as an unknown region)."""

    def __init__(self, slug: str) -> None:
        super().__init__(_unknown_campaign_message(slug))


class CampaignNotFound(CalendarAppError, LookupError):
    """The campaign a command acts on, named as its argument, does not exist (exit 1)."""

    exit_code = 1

    def __init__(self, slug: str) -> None:
        super().__init__(_unknown_campaign_message(slug))


class CampaignExists(InvalidInput):
    def __init__(self, slug: str) -> None:
        super().__init__(f"a campaign {slug!r} exists already: see 'calendar-app campaign show {slug}'")


class UnknownPreset(InvalidInput):
    def __init__(self, name: str, presets: tuple[str, ...]) -> None:
        super().__init__(f"unknown preset {name!r}: use one of {', '.join(presets)}")


class InvalidSlug(InvalidInput):
    def __init__(self, slug: str) -> None:
        super().__init__(f"cannot use {slug!r} as a campaign slug: use lower-case letters, digits and '-', "
                         "e.g. 16-days")


class InvalidColor(InvalidInput):
    def __init__(self, color: str) -> None:
        super().__init__(f"cannot read the colour {color!r}: give it as #RRGGBB, e.g. #E36C0A")


class InvalidYear(InvalidInput):
    def __init__(self, year: int) -> None:
        super().__init__(f"the year {year} is out of range: give a year between 1900 and 2200")


class EditionExists(InvalidInput):
    def __init__(self, slug: str, year: int) -> None:
        super().__init__(
            f"{slug} has a {year} edition already (see 'calendar-app campaign show {slug} --year {year}'): "
            "pick another year"
        )


class EditionMissing(InvalidInput):
    """An event or command needs an edition of a year the campaign does not have yet (exit 2)."""

    def __init__(self, slug: str, year: int) -> None:
        super().__init__(
            f"{slug} has no {year} edition: add it with 'calendar-app campaign edition add {slug} {year} "
            "--theme TEXT' (or roll the last one with 'calendar-app campaign roll')"
        )


class EditionNotFound(CalendarAppError, LookupError):
    """The edition a command acts on does not exist (exit 1)."""

    exit_code = 1

    def __init__(self, slug: str, year: int | None) -> None:
        what = f"{year} edition" if year is not None else "any edition"
        super().__init__(f"{slug} has no {what}: see 'calendar-app campaign show {slug}' for its editions")


class InvalidTheme(InvalidInput):
    def __init__(self, text: str, why: str) -> None:
        super().__init__(f"cannot use the theme {text!r}: {why}")


class OutsideWindow(InvalidInput):
    def __init__(self, slug: str, year: int, window: str, when: str) -> None:
        super().__init__(
            f"the event ({when}) is outside {slug} {year} ({window}): move it into the window, or pass "
            "--allow-outside to link it anyway"
        )
