"""Sets of session slots as bits of Python integers, cut in chunks.

A set is a list of ints, chunk ``k`` holding slots ``k × CHUNK`` to ``(k + 1) × CHUNK - 1`` as
its bits: ``&``, ``|`` and :meth:`int.bit_count` run over a whole chunk at C speed, so that
intersecting the sessions of a word with those of a region, or counting them, reads a few
kilobytes per chunk instead of visiting every session; adding or removing one slot rewrites one
chunk (8 KiB), not the whole set. A missing chunk at the end is empty.

>>> bits = bits_of([3, 70_000, 5], 70_001)
>>> count(bits), positions(bits), count(intersection([bits, bits_of([5], 6)]))
(3, [3, 5, 70000], 1)
>>> add(bits, 9); discard(bits, 3); positions(bits)
[5, 9, 70000]
>>> member = membership(bits); [s for s in (4, 5, 9) if member[s >> 3] >> (s & 7) & 1]
[5, 9]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import compress, zip_longest

__all__ = [
    "CHUNK",
    "add",
    "bits_of",
    "count",
    "difference",
    "discard",
    "intersection",
    "membership",
    "positions",
    "union",
]

CHUNK = 1 << 16
"""The slots of one chunk (8 KiB of bits)."""

_NONZERO = re.compile(rb"[^\x00]")
_FLAGS = bytes.maketrans(b"01", b"\x00\x01")
_OFFSETS = tuple(tuple(b for b in range(8) if byte >> b & 1) for byte in range(256))


def bits_of(slots: Iterable[int], size: int) -> list[int]:
    """The set of ``slots`` (each below ``size``)."""
    buffer = bytearray((size + 7) >> 3)
    for slot in slots:
        buffer[slot >> 3] |= 1 << (slot & 7)
    step = CHUNK >> 3
    return [int.from_bytes(buffer[k:k + step], "little") for k in range(0, len(buffer), step)]


def add(bits: list[int], slot: int) -> None:
    """Put ``slot`` in the set (in place)."""
    chunk = slot // CHUNK
    if chunk >= len(bits):
        bits.extend([0] * (chunk + 1 - len(bits)))
    bits[chunk] |= 1 << (slot % CHUNK)


def discard(bits: list[int], slot: int) -> None:
    """Take ``slot`` out of the set (in place), if it is in."""
    chunk = slot // CHUNK
    if chunk < len(bits):
        bits[chunk] &= ~(1 << (slot % CHUNK))


def intersection(sets: Sequence[list[int]]) -> list[int]:
    """The slots in every one of ``sets`` (at least one)."""
    out = sets[0]
    for other in sets[1:]:
        out = [a & b for a, b in zip(out, other)]  # noqa: B905 - a missing chunk is empty
    return out


def union(sets: Iterable[list[int]]) -> list[int]:
    """The slots in any of ``sets``."""
    out: list[int] = []
    for other in sets:
        out = [a | b for a, b in zip_longest(out, other, fillvalue=0)]
    return out


def difference(bits: list[int], other: list[int]) -> list[int]:
    """The slots of ``bits`` not in ``other``."""
    rest = list(other[:len(bits)]) + [0] * (len(bits) - len(other))
    return [a & ~b for a, b in zip(bits, rest, strict=True)]


def count(bits: list[int]) -> int:
    """How many slots the set holds."""
    return sum(chunk.bit_count() for chunk in bits)


def positions(bits: list[int]) -> list[int]:
    """The slots of the set, in increasing order."""
    out: list[int] = []
    extend, offsets, step = out.extend, _OFFSETS, CHUNK >> 3
    for k, chunk in enumerate(bits):
        if not chunk:
            continue
        base = k * CHUNK
        if chunk.bit_count() << 5 > CHUNK:  # dense: one flag byte per bit, picked in C
            flags = bin(chunk)[:1:-1].encode().translate(_FLAGS)
            extend(compress(range(base, base + len(flags)), flags))
            continue
        data = chunk.to_bytes(step, "little")
        for found in _NONZERO.finditer(data):
            i = found.start()
            start = base + (i << 3)
            extend(start + b for b in offsets[data[i]])
    return out


def membership(bits: list[int], size: int = 0) -> bytes:
    """The set as bytes: slot ``s`` is in it when ``data[s >> 3] >> (s & 7) & 1``, for every
    slot below ``size`` or below the end of the set."""
    step = CHUNK >> 3
    data = b"".join(chunk.to_bytes(step, "little") for chunk in bits)
    missing = ((size + 7) >> 3) - len(data)
    return data + bytes(missing) if missing > 0 else data
