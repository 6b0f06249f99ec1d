"""A built feed's gzip form and digest, from segments compressed and hashed once each.

The feed's pieces are cut into segments (a run of VEVENT chunks ends after each event whose id is a multiple
of `SPAN`; the other pieces form segments of their own), and each segment is compressed on its own as raw
deflate ending on a full flush: byte-aligned and referring to nothing before it, so the segments concatenate
into one valid deflate stream (as pigz builds its output). After one event changed, only its segment is
compressed and hashed again; the rest are taken from the feed's previous build. Written here because zlib
and gzip compress a whole buffer at once. The cuts depend on the data only, so the same feed gives the same
gzip bytes and digest in every process.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from exports.cache import PieceKey

SPAN = 64  # about 90 KB of VEVENTs per segment: far past deflate's 32 KB window, so the cuts cost no ratio
LEVEL = 1
# gzip member header: magic, deflate, no flags, mtime 0, "fastest" (level 1), OS unknown (RFC 1952)
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x04\xff"
_LAST_BLOCK = b"\x03\x00"  # an empty final block with fixed codes: ends the deflate stream

SegmentKey = tuple[tuple[int, str], ...]
Part = tuple[PieceKey, bytes | memoryview]


@dataclass(frozen=True)
class Segment:
    deflated: bytes
    digest: bytes  # SHA-256 of the segment's identity bytes


@dataclass(frozen=True)
class Packed:
    gzipped: bytes
    digest: str  # hex, of the segments' digests: equal bytes give an equal digest
    segments: Mapping[SegmentKey, Segment]  # the segments of VEVENT chunks, for the next build


def _cut(parts: Iterable[Part]) -> Iterator[tuple[SegmentKey | None, list[bytes | memoryview]]]:
    """Segments of `parts` in order, each with its key (None for the pieces that are not VEVENT chunks)."""
    keys: list[tuple[int, str]] = []
    pieces: list[bytes | memoryview] = []
    for key, piece in parts:
        if pieces and (key is None) != (not keys):  # a VEVENT after other pieces, or the other way round
            yield (tuple(keys) if keys else None), pieces
            keys, pieces = [], []
        pieces.append(piece)
        if key is not None:
            keys.append(key)
            if key[0] % SPAN == 0:
                yield tuple(keys), pieces
                keys, pieces = [], []
    if pieces:
        yield (tuple(keys) if keys else None), pieces


def _segment(pieces: list[bytes | memoryview]) -> Segment:
    raw = b"".join(pieces)
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return Segment(compressor.compress(raw) + compressor.flush(zlib.Z_FULL_FLUSH), hashlib.sha256(raw).digest())


def pack(body: bytes, parts: Iterable[Part], previous: Mapping[SegmentKey, Segment]) -> Packed:
    """The gzip form and digest of `body`, which joins `parts`; segments found in `previous` are reused."""
    out = [_HEADER]
    digests = []
    kept: dict[SegmentKey, Segment] = {}
    for key, pieces in _cut(parts):
        found = previous.get(key) if key is not None else None
        segment = found if found is not None else _segment(pieces)
        if key is not None:
            kept[key] = segment
        out.append(segment.deflated)
        digests.append(segment.digest)
    out += [_LAST_BLOCK, zlib.crc32(body).to_bytes(4, "little"), (len(body) & 0xFFFFFFFF).to_bytes(4, "little")]
    return Packed(b"".join(out), hashlib.sha256(b"".join(digests)).hexdigest()[:40], kept)
