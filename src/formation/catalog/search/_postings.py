"""Sorted postings: the lists of session slots a search reads, and the grid of places.

A :class:`SortedPosting` keeps session slots in the order of an integer key (a start day, a
price in cents), then of session id, with the keys beside them, so that a range of keys is two
bisections and a page in key order is a slice; it is cut in blocks so that adding or removing
one slot moves a block's tail, not the whole list's. :func:`split_by_code` cuts one such order into
one list per code (region, department) in a single pass. The grid cuts the globe into cells of
one degree: :func:`cell_of` names a point's cell, :func:`cells_near` the cells a circle may
touch. These are the building blocks of :class:`formation.catalog.search.CatalogIndex`.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate

from formation.catalog.search.geo import latitude_span_deg, longitude_span_deg

__all__ = ["BLOCK", "CELL_DEG", "SortedPosting", "cell_of", "cells_near", "split_by_code"]

BLOCK = 1024
"""The entries of a block of a :class:`SortedPosting` (it splits beyond twice as many)."""

CELL_DEG = 1.0
"""The side of a cell of the grid of places, in degrees."""


class SortedPosting:
    """Session slots kept in order of an integer key, then of session id.

    Stored as blocks of at most ``2 × BLOCK`` entries (each an array of keys and an array of
    slots), with the last key and the first position of every block beside them: finding a
    key is two bisections, reading positions ``i`` to ``j`` joins the blocks' slices, and an
    insertion or a deletion moves the tail of one block only (then splits a block grown too
    long, or drops an emptied one). Positions are over the whole posting.

    >>> posting = SortedPosting("i", [3, 5, 5, 9], [30, 50, 51, 90])
    >>> posting.bounds(4, 5), posting.slice(1, 4), posting.first_at_least(6, 0, 4)
    ((1, 3), [50, 51, 90], 3)
    """

    __slots__ = ("_firsts", "_fresh", "_keys", "_lasts", "_size", "_slots", "_typecode")

    def __init__(self, typecode: str, keys: Iterable[int] = (), slots: Iterable[int] = ()) -> None:
        every_key, every_slot = array(typecode, keys), array("i", slots)
        self._typecode = typecode
        self._keys = [every_key[k:k + BLOCK] for k in range(0, len(every_key), BLOCK)]
        self._slots = [every_slot[k:k + BLOCK] for k in range(0, len(every_slot), BLOCK)]
        self._index()

    def _index(self) -> None:
        """Work the last keys and first positions of the blocks out again."""
        self._lasts = [block[-1] for block in self._keys]
        firsts = []
        size = 0
        for block in self._keys:
            firsts.append(size)
            size += len(block)
        self._firsts = firsts
        self._size = size
        self._fresh = len(firsts)

    def _refresh(self) -> None:
        """Work out the first positions of the blocks from the first one a change made stale
        (a change moves the later blocks' positions; they are counted again when read)."""
        fresh = self._fresh
        if fresh < len(self._firsts):
            start = self._firsts[fresh - 1] + len(self._keys[fresh - 1]) if fresh else 0
            self._firsts[fresh:] = accumulate(map(len, self._keys[fresh:-1]), initial=start)
            self._fresh = len(self._firsts)

    def __len__(self) -> int:
        return self._size

    def _left(self, key: int) -> int:
        """The first position whose key is at least ``key``."""
        b = bisect_left(self._lasts, key)
        if b == len(self._lasts):
            return self._size
        self._refresh()
        return self._firsts[b] + bisect_left(self._keys[b], key)

    def _right(self, key: int) -> int:
        """The first position whose key is more than ``key``."""
        b = bisect_right(self._lasts, key)
        if b == len(self._lasts):
            return self._size
        self._refresh()
        return self._firsts[b] + bisect_right(self._keys[b], key)

    def __getitem__(self, position: int) -> int:
        """The slot at ``position``."""
        self._refresh()
        b = bisect_right(self._firsts, position) - 1
        return self._slots[b][position - self._firsts[b]]

    def _place(self, key: int, sid: str, sids: list[str]) -> tuple[int, int]:
        """The block and the place in it of the entry ``(key, sid)``: the first block whose last
        entry is not before it, and there the first entry not before it."""
        lasts, blocks = self._lasts, self._slots
        b = bisect_left(lasts, key)
        while b < len(lasts) - 1 and lasts[b] == key and sids[blocks[b][-1]] < sid:
            b += 1  # equal keys go on in the next block, by session id
        b = min(b, len(lasts) - 1)
        keys = self._keys[b]
        low, high = bisect_left(keys, key), bisect_right(keys, key)
        return b, bisect_left(blocks[b], sid, low, high, key=sids.__getitem__)

    def insert(self, slot: int, key: int, sids: list[str]) -> None:
        """Put ``slot`` (whose key is ``key``) in its place: by key, then by session id."""
        if not self._keys:
            self._keys.append(array(self._typecode, [key]))
            self._slots.append(array("i", [slot]))
            self._index()
            return
        b, local = self._place(key, sids[slot], sids)
        keys, slots = self._keys[b], self._slots[b]
        keys.insert(local, key)
        slots.insert(local, slot)
        if len(keys) > 2 * BLOCK:
            half = len(keys) // 2
            self._keys[b:b + 1] = [keys[:half], keys[half:]]
            self._slots[b:b + 1] = [slots[:half], slots[half:]]
            self._index()
            return
        self._lasts[b] = keys[-1]
        self._size += 1
        self._fresh = min(self._fresh, b + 1)

    def remove(self, slot: int, key: int, sids: list[str]) -> None:
        """Take ``slot`` (whose key is ``key``) out."""
        b, local = self._place(key, sids[slot], sids) if self._keys else (0, 0)
        if not self._keys or local >= len(self._slots[b]) or self._slots[b][local] != slot:
            raise RuntimeError(  # pragma: no cover - invariant
                f"search index out of step: slot {slot} not found")
        keys, slots = self._keys[b], self._slots[b]
        del keys[local]
        del slots[local]
        if not keys:
            del self._keys[b]
            del self._slots[b]
            self._index()
            return
        self._lasts[b] = keys[-1]
        self._size -= 1
        self._fresh = min(self._fresh, b + 1)

    def bounds(self, low: int | None, high: int | None) -> tuple[int, int]:
        """The positions ``[i, j)`` of the keys from ``low`` to ``high`` (inclusive)."""
        self._refresh()
        i = 0 if low is None else self._left(low)
        j = self._size if high is None else self._right(high)
        return i, max(i, j)

    def first_at_least(self, key: int, i: int, j: int) -> int:
        """The first position from ``i`` to ``j`` whose key is at least ``key`` (``j`` if none)."""
        return min(max(self._left(key), i), j)

    def slice(self, i: int, j: int) -> list[int]:
        """The slots at positions ``i`` to ``j`` (excluded), in order."""
        if i >= j:
            return []
        self._refresh()
        firsts, blocks = self._firsts, self._slots
        b = bisect_right(firsts, i) - 1
        first = firsts[b]
        if j - first <= len(blocks[b]):
            return blocks[b][i - first:j - first].tolist()
        out = blocks[b][i - first:].tolist()
        b += 1
        while b < len(blocks) and firsts[b] < j:
            out.extend(blocks[b][:j - firsts[b]].tolist())
            b += 1
        return out


def split_by_code(order: Sequence[int], codes: Sequence[int],
                  size: int) -> list[tuple[int, list[int]]]:
    """``order`` split by ``codes[slot]`` (from 0 to ``size - 1``; ``-1`` is dropped), each part
    keeping the order.

    >>> split_by_code([4, 0, 2, 1], [1, 0, -1, 1, 0], 2)
    [(0, [4, 1]), (1, [0])]
    """
    buckets: list[list[int]] = [[] for _ in range(size + 1)]  # the last one takes the -1
    appends = [bucket.append for bucket in buckets]
    for slot, code in zip(order, map(codes.__getitem__, order), strict=True):
        appends[code](slot)
    return [(code, bucket) for code, bucket in enumerate(buckets[:size]) if bucket]


def cell_of(latitude: float, longitude: float) -> tuple[str, int, int]:
    """The key of the grid cell holding a point: ``("c", row, column)``.

    >>> cell_of(45.76, 4.84), cell_of(-20.9, 55.5)
    (('c', 45, 4), ('c', -21, 55))
    """
    return ("c", math.floor(latitude / CELL_DEG), math.floor(longitude / CELL_DEG))


def cells_near(latitude: float, longitude: float, radius_km: float) -> list[tuple[str, int, int]]:
    """The keys of the grid cells that a circle of ``radius_km`` around a point may touch.

    >>> cells_near(45.5, 4.5, 30)
    [('c', 45, 4)]
    """
    dlat = latitude_span_deg(radius_km)
    dlon = longitude_span_deg(latitude, radius_km)
    per_turn = round(360 / CELL_DEG)
    rows = range(math.floor((latitude - dlat) / CELL_DEG),
                 math.floor((latitude + dlat) / CELL_DEG) + 1)
    if dlon >= 180.0:
        columns = range(-per_turn // 2, per_turn // 2)
    else:
        columns = range(math.floor((longitude - dlon) / CELL_DEG),
                        math.floor((longitude + dlon) / CELL_DEG) + 1)
    keys: dict[tuple[str, int, int], None] = {}
    for i in rows:
        for raw in columns:
            j = (raw + per_turn // 2) % per_turn - per_turn // 2  # across the antimeridian
            keys[("c", i, j)] = None
    return list(keys)
