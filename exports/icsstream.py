"""Reading an .ics file one top-level component at a time, so memory does not grow with the file.

icalendar parses a whole calendar at once (a 29 MB file cost 467 MB); it parses one VEVENT's text just as
well. This module does the part no library does for a stream: check the size before reading, refuse bytes
that are not UTF-8 with their position, unfold content lines (RFC 5545 3.1) and cut the calendar at its
components' BEGIN/END lines, keeping each one's first line number for messages. What a component means is
decided elsewhere (exports.components).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

from events.errors import N_, Words
from exports.errors import BadCalendarFile, FileTooBig, NotACalendar, NotUtf8

MAX_BYTES = 32_000_000
MAX_LINE_BYTES = 1_000_000  # one physical line; the longest text we store is 20,000 characters
MAX_COMPONENT_CHARS = 4_000_000  # one component's text: beyond it the component is rejected, not kept
_BOM = b"\xef\xbb\xbf"
_NAME_END = re.compile(r"[;:]")
_TZID = re.compile(r';TZID=("[^"]*"|[^;:]*)', re.IGNORECASE)


@dataclass
class Block:
    """One top-level component of the calendar: its unfolded content lines and what the splitter saw."""

    name: str  # VEVENT, VTODO, VTIMEZONE, ... (upper case)
    line: int  # the line number of its BEGIN
    lines: list[str] = field(default_factory=list)
    props: set[str] = field(default_factory=set)  # names of its own properties (not of nested VALARMs)
    uid: str | None = None  # its own UID exactly as written (escapes and spaces kept)
    tzid: str | None = None  # a VTIMEZONE's own TZID
    tzids: set[str] = field(default_factory=set)  # TZID parameters used anywhere in it
    size: int = 0
    too_big: bool = False

    @property
    def text(self) -> str:
        return "\r\n".join(self.lines) + "\r\n"

    def add(self, line: str) -> None:
        self.size += len(line) + 2
        if self.size > MAX_COMPONENT_CHARS:
            self.too_big, self.lines = True, self.lines[:1]
        if not self.too_big:
            self.lines.append(line)


@contextmanager
def open_calendar(path: str, *, max_bytes: int = MAX_BYTES) -> Iterator[BinaryIO]:
    """`path` opened for reading after its size is checked: a regular file by its size on disk; anything
    else (a pipe, a device) is read up to `max_bytes` + 1 bytes by `logical_lines` and refused beyond."""
    name = os.path.basename(path) or path
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below, after the caller is done
    except OSError as error:
        raise BadCalendarFile(template=N_("cannot read {path}: {why}: check the path"), path=path,
                              why=_os_reason(error)) from error
    try:
        info = os.fstat(stream.fileno())
        if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
            raise FileTooBig(name, info.st_size, max_bytes)
        yield stream
    finally:
        stream.close()


def _os_reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return Words(N_("no such file"))
    if isinstance(error, PermissionError):
        return Words(N_("permission denied"))
    if isinstance(error, IsADirectoryError):
        return Words(N_("it is a folder"))
    return error.strerror or str(error)


def logical_lines(stream: BinaryIO, *, source: str, max_bytes: int = MAX_BYTES) -> Iterator[tuple[int, str]]:
    """(line number, unfolded content line) of `stream`, empty lines left out; raises on bytes that are not
    UTF-8, on a line over `MAX_LINE_BYTES` and once more than `max_bytes` were read."""
    pending: tuple[int, list[str]] | None = None
    length = 0
    for number, line in _physical_lines(stream, source=source, max_bytes=max_bytes):
        if line[:1] in (" ", "\t") and pending is not None:
            pending[1].append(line[1:])
            length += len(line)
            if length > MAX_LINE_BYTES:
                raise BadCalendarFile(template=N_("{source}, line {line}: one property is over 1 MB long: is it an "
                                                  ".ics file?"), source=source, line=pending[0])
            continue
        if pending is not None:
            yield pending[0], "".join(pending[1])
        pending, length = ((number, [line]), len(line)) if line.strip() else (None, 0)
    if pending is not None:
        yield pending[0], "".join(pending[1])


def _physical_lines(stream: BinaryIO, *, source: str, max_bytes: int) -> Iterator[tuple[int, str]]:
    offset = 0
    number = 0
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        start, offset = offset, offset + len(raw)
        if offset > max_bytes:
            raise FileTooBig(source, None, max_bytes)
        if len(raw) > MAX_LINE_BYTES:
            raise BadCalendarFile(template=N_("{source}, line {line}: the line is over 1 MB long: is it an .ics "
                                              "file?"), source=source, line=number)
        skip = len(_BOM) if number == 1 and raw.startswith(_BOM) else 0
        try:
            text = raw[skip:].decode("utf-8")
        except UnicodeDecodeError as error:
            position = start + skip + error.start
            raise NotUtf8(source, number, position, raw[skip + error.start]) from error
        yield number, text.rstrip("\r\n")


def _head(line: str) -> tuple[str, str]:
    """The property name (upper case) and its value; the value starts after the first ':' outside quotes."""
    name = _NAME_END.split(line, maxsplit=1)[0].strip().upper()
    if '"' not in line:
        colon = line.find(":")
        return name, ("" if colon < 0 else line[colon + 1:])
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return name, line[index + 1:]
    return name, ""


def blocks(lines: Iterator[tuple[int, str]], *, source: str) -> Iterator[Block]:
    """The top-level components of the calendar(s) in `lines`, in order; raises if the file is not a
    calendar, is truncated or nests its BEGIN/END lines wrongly (a damaged file is refused whole)."""
    inside = False  # within BEGIN:VCALENDAR ... END:VCALENDAR
    seen = False
    current: Block | None = None
    stack: list[tuple[str, int]] = []
    last = 0
    for number, line in lines:
        last = number
        name, value = _head(line)
        word = value.strip().upper()
        if not inside:
            if name == "BEGIN" and word == "VCALENDAR":
                inside, seen = True, True
                continue
            if not seen:
                raise NotACalendar(source, number)
            raise BadCalendarFile(template=N_("{source}, line {line}: text after END:VCALENDAR: the file is damaged"),
                                  source=source, line=number)
        if current is None:
            if name == "BEGIN":
                current, stack = Block(word, number), [(word, number)]
                current.add(line)
            elif name == "END":
                if word != "VCALENDAR":
                    raise BadCalendarFile(template=N_("{source}, line {line}: END:{prop} without its BEGIN: the "
                                                      "file is damaged"), source=source, line=number, prop=word)
                inside = False
            continue
        current.add(line)
        if name == "BEGIN":
            stack.append((word, number))
        elif name == "END":
            if word != stack[-1][0]:
                raise BadCalendarFile(template=N_("{source}, line {line}: END:{prop} does not close BEGIN:{open} of "
                                                  "line {first}: the file is damaged"), source=source, line=number,
                                      prop=word, open=stack[-1][0], first=stack[-1][1])
            stack.pop()
            if not stack:
                yield current
                current = None
        else:
            _note(current, name, value, line, own=len(stack) == 1)
    if not seen:
        raise NotACalendar(source, 1)
    if inside:
        raise BadCalendarFile(template=N_("{source}, line {line}: no END:VCALENDAR at the end: the file is truncated; "
                                          "export it again"), source=source, line=last)


def _note(block: Block, name: str, value: str, line: str, *, own: bool) -> None:
    if own:
        block.props.add(name)
        if name == "UID" and block.uid is None:
            block.uid = value
        elif name == "TZID" and block.tzid is None:
            block.tzid = value.strip()
    if ";" in line:
        head = line.split(":", 1)[0] if '"' not in line else line[: len(line) - len(value) - 1]
        block.tzids.update(match.strip('"') for match in _TZID.findall(head))
