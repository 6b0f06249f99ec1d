"""What becomes of each top-level component of an imported calendar: every one is accounted for.

A VEVENT becomes an event (`Incoming`) or an `Entry` saying why not; a VTODO, VJOURNAL or other component is
skipped with a line of its own. A series stays a series (exports.recurring): the VEVENT with RRULE and/or
RDATE is one series row, open-ended or not, with its EXDATEs (one whose every occurrence is excluded is
kept, and its entry says "no occurrence left"); a rule the recurrence core refuses rejects that component
only. An override (RECURRENCE-ID) is one row keyed by the occurrence it replaces, stored under the UID
`<series uid>/<original start in UTC>`; it is checked against its series when the file has it, and left to
the writer to find in the store when not (exports.upsert says what becomes of an orphan).

Memory: a series, its overrides and any event naming a TZID whose VTIMEZONE has not come yet wait in a
spooled temporary file (on disk past a few MB) until the end of the file, when every VTIMEZONE is known and
every override has been seen; everything else is handed on one component at a time, unparsed (`Unread`): the
writer parses only the ones whose text it has not imported before.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from icalendar import Calendar, Component
from icalendar.parser import Contentline
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from events.bounds import MAX_UID, check_text
from events.errors import N_, CalendarAppError, Notice, as_notice, joined
from events.recurrence.rules import stamp
from exports.campaign_feed import EDITION_MARK
from exports.errors import BadCalendarFile, UndefinedZone
from exports.icsstream import Block
from exports.importer import Entry, Incoming, check_parsed, read_event, uid_of
from exports.plain_event import plain_event
from exports.recurring import is_occurrence, override_uid, recurrence_utc, this_and_future

# Bump when a change to reading events (exports.importer) may read the same text differently: the digests
# of earlier imports then match nothing and every event is read again.
READING_VERSION = 1


@dataclass(frozen=True)
class Unread:
    """A plain VEVENT (no series, no override, every TZID known) not parsed yet. Its digest covers its text
    and the import's options: the writer (exports.upsert) looks it up among the texts stored events were
    imported from, and calls `read` only when none matches, so re-importing an unchanged file parses
    nothing it has read before."""

    digest: str
    line: int
    uid: str | None  # as written
    read: Callable[[], Incoming | Entry]


Outcome = Incoming | Entry
SKIPPED = {
    "VTODO": N_("a to-do (VTODO): to-dos are not imported, only events"),
    "VJOURNAL": N_("a journal entry (VJOURNAL): only events are imported"),
    "VFREEBUSY": N_("free/busy times (VFREEBUSY): only events are imported"),
}
_READ_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError, IndexError, RecursionError)


@cache
def _tz_database() -> frozenset[str]:
    return frozenset(available_timezones())


@dataclass(frozen=True)
class _Spilled:
    uid: str | None  # as written
    line: int
    offset: int
    length: int
    tzids: frozenset[str]
    series: bool  # a series or an override: read with the rest of its UID at the end
    override: bool


@dataclass
class _Parsed:
    spilled: _Spilled
    text: str
    vevent: Any


class Components:
    """Feed it the blocks of one file with `take`, then call `finish`; each yields outcomes in turn."""

    def __init__(self, *, default_kind: str | None, default_tz: str, kinds: Sequence[str]) -> None:
        self.options: dict[str, Any] = {"default_kind": default_kind, "default_tz": default_tz, "kinds": kinds}
        # What the reading of a VEVENT depends on besides its text: part of its digest (see `Unread`).
        self.reading = repr((READING_VERSION, default_kind, default_tz, tuple(kinds)))
        self.zones: dict[str, str] = {}  # TZID -> VTIMEZONE text, for TZIDs the tz database lacks
        self.defined: set[str] = set()
        self.firsts: dict[str, int] = {}  # UID as written -> line of the first VEVENT (not override) with it
        self.spool = tempfile.SpooledTemporaryFile(max_size=4_000_000)  # noqa: SIM115 - closed by close()
        self.later: list[_Spilled] = []

    def close(self) -> None:
        self.spool.close()

    def take(self, block: Block) -> Iterator[Outcome | Unread]:
        if block.name == "VTIMEZONE":
            self._zone(block)
            return
        if block.name != "VEVENT":
            known = SKIPPED.get(block.name)
            reason = Notice(known) if known else Notice(N_("a {name} component: only events (VEVENT) are imported"),
                                                        name=block.name)
            yield Entry("skipped", block.uid, block.line, reason, block.name)
            return
        if block.too_big:
            yield Entry("rejected", block.uid, block.line,
                        Notice(N_("the event is over 4 MB of text: is it an event?")))
            return
        override = "RECURRENCE-ID" in block.props
        if not override and block.uid is not None:
            first = self.firsts.setdefault(block.uid, block.line)
            if first != block.line:
                yield Entry("rejected", block.uid, block.line, Notice(N_("the UID {uid!r} is used again in this file "
                            "(first at line {first}): UIDs must be unique"), uid=block.uid, first=first))
                return
        series = override or "RRULE" in block.props or "RDATE" in block.props
        if series or not all(self._known(tzid) for tzid in block.tzids):
            self._spill(block, series=series)
            return
        text, lines, line, uid, tzids = block.text, block.lines, block.line, block.uid, frozenset(block.tzids)
        yield Unread(self._digest(text), line, uid, lambda: self._single(text, line, uid, tzids, lines))

    def finish(self) -> Iterator[Outcome]:
        groups: dict[str | None, list[_Spilled]] = {}
        for item in self.later:
            if item.series:
                groups.setdefault(item.uid, []).append(item)
            else:
                yield self._single(self._load(item), item.line, item.uid, item.tzids)
        for items in groups.values():
            yield from self._series(items)

    def _zone(self, block: Block) -> None:
        if block.tzid:
            self.defined.add(block.tzid)
            if block.tzid not in _tz_database() and not block.too_big:
                self.zones[block.tzid] = block.text

    def _known(self, tzid: str) -> bool:
        return tzid in self.defined or tzid in WINDOWS_TO_OLSON or tzid in _tz_database()

    def _spill(self, block: Block, *, series: bool) -> None:
        data = block.text.encode()
        self.spool.seek(0, 2)
        self.later.append(_Spilled(block.uid, block.line, self.spool.tell(), len(data), frozenset(block.tzids),
                                   series, "RECURRENCE-ID" in block.props))
        self.spool.write(data)

    def _load(self, item: _Spilled) -> str:
        self.spool.seek(item.offset)
        return self.spool.read(item.length).decode()

    def _parse(self, text: str, tzids: frozenset[str], lines: list[str] | None = None) -> Any:
        """The VEVENT of `text` (whose content lines `lines` are, when given) parsed, with the VTIMEZONEs it
        names; refuses TZIDs defined nowhere."""
        unknown = sorted(tzid for tzid in tzids if not self._known(tzid))
        if unknown:
            raise UndefinedZone(unknown[0])
        zones = "".join(self.zones[tzid] for tzid in sorted(tzids) if tzid in self.zones)
        if not zones and lines is not None:  # the VEVENT alone, its lines already split and unfolded
            plain = plain_event(lines)
            if plain is not None:
                return plain
            # icalendar's parser takes content lines as well as text (its hints say text only); given the
            # lines, it does not unfold and split the text again.
            return _first_event(Component.from_ical(_content_lines(lines), multiple=True))  # type: ignore[call-overload]
        if not zones:  # wrapping the VEVENT in a calendar costs a fifth more to parse
            return _first_event(Component.from_ical(text, multiple=True))
        calendar = Calendar.from_ical("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + zones + text + "END:VCALENDAR\r\n")
        return _first_event(calendar.subcomponents)

    def _digest(self, text: str) -> str:
        return hashlib.sha256(f"{self.reading}\n{text}".encode()).hexdigest()

    def _single(self, text: str, line: int, raw_uid: str | None, tzids: frozenset[str],
                lines: list[str] | None = None) -> Outcome:
        try:
            vevent = self._parse(text, tzids, lines)
            check_parsed(vevent)
            if vevent.get(EDITION_MARK) is not None:
                return Entry("skipped", raw_uid, line, Notice(N_("a campaign edition of a campaign feed: campaigns are "
                             "kept by the campaign commands, not imported as events")))
            return read_event(vevent, uid_of(vevent), line, **self.options)
        except CalendarAppError as error:
            return Entry("rejected", raw_uid, line, as_notice(error))
        except _READ_ERRORS as error:
            return Entry("rejected", raw_uid, line, unreadable(error))

    def _series(self, items: list[_Spilled]) -> Iterator[Outcome]:
        """A series and its overrides (one UID): the series first, so the writer knows it before them."""
        parsed: list[_Parsed] = []
        for item in items:
            try:
                text = self._load(item)
                vevent = self._parse(text, item.tzids)
                check_parsed(vevent)
                uid_of(vevent)
                parsed.append(_Parsed(item, text, vevent))
            except CalendarAppError as error:
                yield Entry("rejected", item.uid, item.line, as_notice(error), _kind(item))
            except _READ_ERRORS as error:
                yield Entry("rejected", item.uid, item.line, unreadable(error), _kind(item))
        masters = [p for p in parsed if p.vevent.get("RECURRENCE-ID") is None]
        overrides = [p for p in parsed if p.vevent.get("RECURRENCE-ID") is not None]
        failed = [item.line for item in items if not item.override and all(p.spilled is not item for p in parsed)]
        if failed:
            for override in overrides:
                yield Entry("rejected", override.spilled.uid, override.spilled.line, _series_rejected(failed[0]),
                            "override")
            return
        master: Incoming | None = None
        if masters:
            outcome = self._read(masters[0], "series")
            yield outcome
            if isinstance(outcome, Entry):
                for override in overrides:
                    yield Entry("rejected", override.spilled.uid, override.spilled.line,
                                _series_rejected(outcome.line), "override")
                return
            master = outcome
        for override in overrides:
            yield self._override(override, master)

    def _read(self, parsed: _Parsed, component: str) -> Outcome:
        item = parsed.spilled
        try:
            return read_event(parsed.vevent, uid_of(parsed.vevent), item.line, component=component, **self.options)
        except CalendarAppError as error:
            return Entry("rejected", item.uid, item.line, as_notice(error), component)
        except _READ_ERRORS as error:
            return Entry("rejected", item.uid, item.line, unreadable(error), component)

    def _override(self, override: _Parsed, master: Incoming | None) -> Outcome:
        """An override (RECURRENCE-ID) as the row of the occurrence it replaces. Its series is the one of
        the file (its occurrence checked here) or, when the file has none, one in the store: the writer
        looks, and imports an override whose series is nowhere as a single event (exports.upsert)."""
        item = override.spilled
        if master is None and item.uid is not None and item.uid in self.firsts:
            return Entry("skipped", item.uid, item.line, Notice(N_("an override (RECURRENCE-ID) of the event of line "
                         "{line}, which does not repeat: nothing to override"), line=self.firsts[item.uid]), "override")
        outcome = self._read(override, "override")
        if isinstance(outcome, Entry):
            return outcome
        try:
            original = recurrence_utc(override.vevent, master.span if master is not None else outcome.span)
            outcome.series_uid = outcome.uid
            outcome.uid = check_text(override_uid(outcome.uid, original), N_("the UID of the occurrence"),
                                     limit=MAX_UID)
        except CalendarAppError as error:
            return Entry("rejected", item.uid, item.line, as_notice(error), "override")
        except _READ_ERRORS as error:
            return Entry("rejected", item.uid, item.line, unreadable(error), "override")
        outcome.recurrence_utc = original
        if master is not None:
            problem = is_occurrence(master.values, master.span, original)
            if problem:
                reason = Notice(N_("the occurrence it overrides ({start}) {problem}, line {line}"),
                                start=stamp(original), problem=problem, line=master.line)
                return Entry("skipped", item.uid, item.line, reason, "override")
        if this_and_future(override.vevent):
            outcome.note = joined([outcome.note, Notice(N_("RANGE=THISANDFUTURE is read as this occurrence only"))])
        return outcome


def _content_lines(lines: list[str]) -> list[Contentline]:
    return [Contentline(line) for line in lines]


def _first_event(components: list[Any]) -> Any:
    events = [c for c in components if c.name == "VEVENT"]
    if not events:
        raise BadCalendarFile(template=N_("the event cannot be read as iCalendar"))
    return events[0]


def _kind(item: _Spilled) -> str:
    return "override" if item.override else "series" if item.series else "VEVENT"


def _series_rejected(line: int) -> Notice:
    return Notice(N_("its series (line {line}) is rejected"), line=line)


def unreadable(error: BaseException) -> Notice:
    """A reason a person understands for an error the parser raised (never a Python internal)."""
    if isinstance(error, OverflowError):
        return Notice(N_("a date or time in it is before the year 1 or after the year 9999"))
    if isinstance(error, RecursionError):
        return Notice(N_("it is nested too deeply to be read"))
    if type(error).__module__.startswith("icalendar") and str(error):
        return Notice(N_("cannot read this event: {problem}"), problem=str(error).splitlines()[0][:160])
    return Notice(N_("cannot read this event: one of its dates, times or rules has a value of the wrong form"))
