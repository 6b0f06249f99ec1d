"""Request headers the feed path acts on, parsed as RFC 9110 says and never raising, whatever a client sends:
conditional requests (13.1.2 `If-None-Match`, 13.1.3 `If-Modified-Since`) and content codings (12.5.3
`Accept-Encoding` with q-values).

Written by hand on purpose: the parsers at hand get the hostile cases wrong (`email.utils` raises
OverflowError on a huge zone offset and returns naive datetimes for `-0000`; a generic Accept parser lets
`*;q=1` win over `gzip;q=0`), and these run on every feed request, so they stay small and allocation-light.
"""

from __future__ import annotations

import calendar
import re
from email.utils import parsedate_tz

# entity-tag = [ W/ ] DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text (a comma is allowed inside)
_ENTITY_TAG = re.compile(rb'\s*(?:W/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)')
_CODING = re.compile(r"^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*(?:;\s*q\s*=\s*([0-9.]{1,5})\s*)?$")


def entity_tags(value: bytes) -> frozenset[bytes] | None:
    """The opaque tags of an `If-None-Match` value (weak prefixes dropped: 13.1.2 compares weakly), `{b"*"}`
    for `*`, or None when the value is not a valid list (then the header is ignored). Empty list members
    (`"a", , "b"`) are allowed, as RFC 9110 5.6.1 asks of recipients."""
    stripped = value.strip()
    if stripped == b"*":
        return frozenset((b"*",))
    tags: set[bytes] = set()
    position = 0
    while position < len(stripped):
        if stripped[position] in b" \t,":
            position += 1
            continue
        found = _ENTITY_TAG.match(stripped, position)
        if found is None:
            return None
        tags.add(found.group(1))
        position = found.end()
    return frozenset(tags) if tags else None


def http_date(value: bytes) -> int | None:
    """Seconds since the epoch of an HTTP-date (IMF-fixdate, RFC 850 or asctime), or None when the value is
    not one a server can use: RFC 9110 13.1.3 says to ignore such an `If-Modified-Since`. Computed on
    integers, so no year or offset can overflow a datetime."""
    try:
        text = value.decode("ascii")
    except UnicodeDecodeError:
        return None
    if "," in text.split(" ", 1)[-1]:  # a list of dates (only the weekday may be followed by a comma)
        return None
    parsed = parsedate_tz(text)
    if parsed is None:
        return None
    year, month, day, hour, minute, second = parsed[:6]
    offset = parsed[9] or 0  # asctime has no zone and `-0000` parses as none: both are GMT here
    if not (1 <= month <= 12 and 1 <= day <= 31 and 0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 60
            and 1 <= year <= 9999 and abs(offset) <= 24 * 3600):
        return None
    return calendar.timegm((year, month, day, hour, minute, second)) - offset


def not_modified(headers: dict[bytes, bytes], etags: tuple[bytes, ...], last_modified: int) -> bool:
    """RFC 9110 13.2.2 for GET/HEAD of an existing feed: `If-None-Match` (weak comparison against any of
    `etags`) when it is a valid list, else `If-Modified-Since` when it is a valid date."""
    wanted = headers.get(b"if-none-match")
    if wanted is not None:
        tags = entity_tags(wanted)
        if tags is not None:
            return b"*" in tags or any(tag in tags for tag in etags)
    since = headers.get(b"if-modified-since")
    if since is not None:
        when = http_date(since)
        return when is not None and last_modified <= when
    return False


def _weights(value: bytes) -> dict[str, float] | None:
    """Codings and their q-values of an `Accept-Encoding` value, or None when a member is malformed."""
    try:
        text = value.decode("ascii").lower()
    except UnicodeDecodeError:
        return None
    weights: dict[str, float] = {}
    for member in text.split(","):
        if not member.strip():
            continue
        found = _CODING.match(member)
        if found is None:
            return None
        coding, q = found.group(1), found.group(2)
        try:
            weight = 1.0 if q is None else float(q)
        except ValueError:
            return None
        if not 0 <= weight <= 1:
            return None
        weights.setdefault("gzip" if coding == "x-gzip" else coding, weight)
    return weights


def choose_gzip(value: bytes | None) -> bool | None:
    """Whether to send the gzip form (RFC 9110 12.5.3): True for gzip, False for the identity bytes, None when
    the client accepts neither (`identity;q=0` or `*;q=0` without gzip): answer 406. A coding named is
    weighed by its own q, else by `*`; identity is acceptable unless excluded (`identity;q=0`, or `*;q=0`
    without an identity member) and loses to gzip unless it is named with a higher q. An absent or malformed
    header asks for nothing in particular: identity."""
    if value is None:
        return False
    weights = _weights(value)
    if weights is None:
        return False
    star = weights.get("*")
    gzip_q = weights.get("gzip", star if star is not None else 0.0)
    identity_q = weights.get("identity")
    identity_ok = identity_q > 0 if identity_q is not None else star != 0
    if gzip_q > 0 and (identity_q is None or gzip_q >= identity_q):
        return True
    return False if identity_ok else None
