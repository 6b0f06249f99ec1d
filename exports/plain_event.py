"""A plain VEVENT built from its content lines without icalendar's content-line parser.

Most events of a large file are plain: a handful of the common properties, each once, none with parameters,
nothing nested. For those the general parser's work (splitting each line into name, parameters and value
again, building parameters) was the larger half of an import. The values are still read by icalendar's own
types, exactly as its parser reads them, into an icalendar `Event`; anything else (a parameter, another
property, a value those types refuse) returns None and the caller parses the text the general way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from icalendar import Event
from icalendar.parser import unescape_backslash

# The properties a plain event may have: those exports.importer reads, and common ones nobody reads (a
# broken value of those is ignored the general way too, so they are not read here).
_FACTORIES: dict[str, Any] = {name: Event.types_factory.for_property(name) for name in (
    "UID", "DTSTART", "DTEND", "DURATION", "SUMMARY", "LOCATION", "DESCRIPTION", "SEQUENCE", "STATUS", "CLASS")}
_IGNORED = frozenset(("DTSTAMP", "CREATED", "LAST-MODIFIED", "TRANSP"))
_READ_ERRORS = (ValueError, TypeError, OverflowError, IndexError)


def plain_event(lines: Sequence[str]) -> Event | None:
    """The VEVENT of these unfolded content lines (BEGIN and END included), or None when it is not plain."""
    event = Event()
    for line in lines[1:-1]:
        colon = line.find(":")
        name = line[:colon].upper() if colon > 0 else ""
        if name in _IGNORED:
            continue
        factory = _FACTORIES.get(name)
        if factory is None or name in event:
            return None
        try:
            event[name] = factory(factory.from_ical(unescape_backslash(line[colon + 1:])))
        except _READ_ERRORS:
            return None
    return event
