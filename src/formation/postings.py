"""Sorted postings: the lists of session slots a search reads, and the grid of places.

A :class:`SortedPosting` keeps session slots in the order of an integer key (a start day, a
price in cents), then of session id, with the keys beside them, so that a range of keys is two
bisections and a page in key order is a slice. :func:`split_by_code` cuts one such order into
one list per code (region, department) in a single pass. The grid cuts the globe into cells of
one degree: :func:`cell_of` names a point's cell, :func:`cells_near` the cells a circle may
touch. These are the building blocks of :class:`formation.search.CatalogIndex`.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

from formation.geo import latitude_span_deg, longitude_span_deg

__all__ = ["CELL_DEG", "SortedPosting", "cell_of", "cells_near", "split_by_code"]

CELL_DEG = 1.0
"""The side of a cell of the grid of places, in degrees."""


class SortedPosting:
    """Session slots kept in order of an integer key, then of session id.

    ``keys[i]`` is the key of ``slots[i]``; a range of keys is found by bisection.
    """

    __slots__ = ("keys", "slots")

    def __init__(self, typecode: str, keys: Iterable[int] = (), slots: Iterable[int] = ()) -> None:
        self.keys = array(typecode, keys)
        self.slots = array("i", slots)

    def __len__(self) -> int:
        return len(self.slots)

    def _position(self, key: int, sid: str, sids: list[str]) -> int:
        low = bisect_left(self.keys, key)
        high = bisect_right(self.keys, key, low)
        return bisect_left(self.slots, sid, low, high, key=sids.__getitem__)

    def insert(self, slot: int, key: int, sids: list[str]) -> None:
        at = self._position(key, sids[slot], sids)
        self.keys.insert(at, key)
        self.slots.insert(at, slot)

    def remove(self, slot: int, key: int, sids: list[str]) -> None:
        at = self._position(key, sids[slot], sids)
        if at >= len(self.slots) or self.slots[at] != slot:  # pragma: no cover - invariant
            raise RuntimeError(f"search index out of step: slot {slot} not at {at}")
        del self.keys[at]
        del self.slots[at]

    def bounds(self, low: int | None, high: int | None) -> tuple[int, int]:
        """The positions ``[i, j)`` of the keys from ``low`` to ``high`` (inclusive)."""
        i = 0 if low is None else bisect_left(self.keys, low)
        j = len(self.keys) if high is None else bisect_right(self.keys, high)
        return i, max(i, j)


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
