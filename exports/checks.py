"""A line-level conformance checker for the calendars we write (RFC 5545 section 3.1 and 3.3.11).

Written by hand on purpose: parsers are lenient by design (they unfold and unescape whatever comes), so
they cannot tell us whether our bytes are strict. This checks the bytes themselves.
"""

from __future__ import annotations

import re

MAX_OCTETS = 75
# Properties whose value is one TEXT: `,` and `;` must be escaped there.
SINGLE_TEXT = {"SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT", "NAME", "X-WR-CALNAME", "X-WR-CALDESC"}
_ESCAPE = re.compile(r"\\(.?)", re.S)


def _split(line: str) -> tuple[str, list[str], str]:
    """Name, parameters and value of an unfolded content line (quoted parameter values may hold `:`)."""
    in_quotes = False
    for index, char in enumerate(line):
        if char == '"':
            in_quotes = not in_quotes
        elif char == ":" and not in_quotes:
            head, value = line[:index], line[index + 1 :]
            name, *params = head.split(";")
            return name.upper(), params, value
    return line.upper(), [], ""


def _text_problems(name: str, value: str) -> list[str]:
    problems = []
    for match in _ESCAPE.finditer(value):
        if match.group(1) not in ("\\", ",", ";", "n", "N"):
            problems.append(f"{name}: backslash not followed by \\\\, \\,, \\; or \\n")
    if name in SINGLE_TEXT:
        bare = re.sub(r"\\.", "", value)
        if "," in bare or ";" in bare:
            problems.append(f"{name}: unescaped ',' or ';' in a text value")
    return problems


def check_calendar(data: bytes) -> list[str]:
    """Every problem found, each naming its line number; an empty list means the bytes pass."""
    problems: list[str] = []
    if not data.endswith(b"\r\n"):
        problems.append("the file does not end with CRLF")
    raw_lines = data.split(b"\r\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    logical: list[tuple[int, str]] = []
    for number, raw in enumerate(raw_lines, start=1):
        if b"\n" in raw or b"\r" in raw:
            problems.append(f"line {number}: bare LF or CR (lines must end with CRLF)")
        if len(raw) > MAX_OCTETS:
            problems.append(f"line {number}: {len(raw)} octets, more than {MAX_OCTETS}")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {number}: not UTF-8 on its own (folded inside a character?)")
            text = raw.decode("utf-8", "replace")
        if text.startswith((" ", "\t")):
            if not logical:
                problems.append(f"line {number}: continuation with nothing to continue")
                continue
            start, before = logical[-1]
            logical[-1] = (start, before + text[1:])
        else:
            logical.append((number, text))
    stack: list[str] = []
    uids: dict[str, int] = {}
    used_tzids: dict[str, int] = {}
    defined_tzids: set[str] = set()
    component_uid: str | None = None
    recurrence = False
    for number, line in logical:
        name, params, value = _split(line)
        if name == "BEGIN":
            stack.append(value.upper())
            component_uid, recurrence = None, False
        elif name == "END":
            if not stack or stack[-1] != value.upper():
                problems.append(f"line {number}: END:{value} does not close {stack[-1] if stack else 'anything'}")
            else:
                stack.pop()
            if value.upper() == "VEVENT" and component_uid is not None and not recurrence:
                if component_uid in uids:
                    problems.append(f"line {number}: UID {component_uid} also at line {uids[component_uid]}")
                uids[component_uid] = number
        elif name == "UID" and stack and stack[-1] == "VEVENT":
            component_uid = value
        elif name == "RECURRENCE-ID":
            recurrence = True
        elif name == "TZID" and stack and stack[-1] == "VTIMEZONE":
            defined_tzids.add(value)
        problems.extend(f"line {number}: {p}" for p in _text_problems(name, value)
                        if name in SINGLE_TEXT or name.startswith("X-"))
        for param in params:
            key, _, pvalue = param.partition("=")
            if key.upper() == "TZID":
                used_tzids.setdefault(pvalue.strip('"'), number)
    if stack:
        problems.append(f"unclosed components at the end: {', '.join(stack)}")
    for tzid, number in used_tzids.items():
        if tzid not in defined_tzids:
            problems.append(f"line {number}: TZID {tzid} has no VTIMEZONE")
    return problems
