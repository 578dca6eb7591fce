"""Business days: the *jours ouvrés*, *jours ouvrables* and calendar days the CPF rules count.

French law counts delays in three kinds of day (``cpf-rules.md`` section 9.5, the glossary of
code.travail.gouv.fr), and a rule says which one it counts:

- a **jour ouvré** (:attr:`DayKind.JOUR_OUVRE`): Monday to Friday, not a public holiday. Every
  deadline of the Mon Compte Formation registration life cycle counts these ("2 jours ouvrés").
- a **jour ouvrable** (:attr:`DayKind.JOUR_OUVRABLE`): Monday to Saturday, not a public holiday
  (every day but the weekly rest day and the holidays).
- a **jour calendaire** (:attr:`DayKind.JOUR_CALENDAIRE`): any day.

The public holidays are those of a :class:`~formation.calendar.territories.Territory`, from the rules of
:mod:`formation.calendar.holiday_rules` (national list L3133-1, Alsace-Moselle L3134-13, overseas L3422-2).

Conventions (``API.md``), stated once for every kind of day:

- ``add_business_days(day, n)``: for ``n > 0`` the n-th business day strictly after ``day``;
  for ``n < 0`` the |n|-th strictly before; for ``n == 0``, ``day`` itself, business day or not.
- ``count_business_days(start, end)``: the days counted walking from ``start`` to ``end``,
  ``start`` excluded and ``end`` included. Forward (``end >= start``) that is the half-open
  interval (start, end]; backward (``end < start``) it is minus the business days in
  [end, start). So **count(a, add(a, n)) == n for every date a, business day or not, and
  every n**. The price of that law: when an end is not a business day, count(a, b) and
  count(b, a) need not be opposite (from Saturday back to Friday counts -1, from Friday to
  Saturday counts 0).
- Years 1950–2200 are supported; a day, or a result, outside them is an ``InvalidValue``, and so
  is a ``datetime`` given for a date.

Speed: per territory and kind of day, the first use builds (in 5 to 20 milliseconds) two
immutable tables over 1950–2200, the running count of counted days per day and the k-th counted
day as a ready ``date``; then adding is two lookups, counting two lookups (about 0.25 µs a call,
see ``docs/performance.md``). The tables are kept per territory for the life of the process and
never change; those of calendars with ``worked_holidays`` in a small least-recently-used cache.

>>> cal = BusinessCalendar()
>>> cal.add_business_days(date(2013, 10, 30), 2)  # 1 November 2013 is a Friday, and a holiday
datetime.date(2013, 11, 4)
>>> cal.count_business_days(date(2013, 10, 30), date(2013, 11, 4))
2
>>> cal.add_days(date(2026, 12, 24), 1, DayKind.JOUR_OUVRABLE)  # Saturday 26 is ouvrable
datetime.date(2026, 12, 26)
"""

from __future__ import annotations

import enum
import functools
import operator
from array import array
from collections.abc import Mapping
from datetime import date, timedelta
from itertools import accumulate, compress, repeat
from types import MappingProxyType

import attrs
from dateutil.easter import EASTER_WESTERN, easter

from formation.calendar.holiday_rules import (
    FIRST_YEAR,
    HOLIDAY_RULES,
    LAST_YEAR,
    EasterOffset,
    check_year,
    holidays_in,
    rule_keys,
)
from formation.calendar.instants import check_date
from formation.calendar.territories import Territory
from formation.checks import shown
from formation.errors import InvalidValue

__all__ = ["BusinessCalendar", "DayKind"]


@enum.unique
class DayKind(enum.Enum):
    """The kinds of day French law counts a delay in; the value is the legal term."""

    JOUR_OUVRE = "jour ouvré"  # Monday–Friday, not a public holiday: a business day
    JOUR_OUVRABLE = "jour ouvrable"  # Monday–Saturday, not a public holiday
    JOUR_CALENDAIRE = "jour calendaire"  # every day

    # singletons compared by identity: a C-level identity hash for the table lookups
    __hash__ = object.__hash__

    @property
    def label_en(self) -> str:
        """The term in English."""
        return _KIND_EN[self]


_KIND_EN = {
    DayKind.JOUR_OUVRE: "business day (Monday–Friday, not a holiday)",
    DayKind.JOUR_OUVRABLE: "working day (Monday–Saturday, not a holiday)",
    DayKind.JOUR_CALENDAIRE: "calendar day",
}

_FIRST = date(FIRST_YEAR, 1, 1).toordinal()
_LAST = date(LAST_YEAR, 12, 31).toordinal()
_SPAN = _LAST - _FIRST + 1

# which weekdays (Monday = 0) a kind of day counts, before the holidays are taken out
_WEEK = {
    DayKind.JOUR_OUVRE: bytes([1, 1, 1, 1, 1, 0, 0]),
    DayKind.JOUR_OUVRABLE: bytes([1, 1, 1, 1, 1, 1, 0]),
}


class _Table:
    """The precomputed, immutable tables of one territory and one kind of day.

    ``flags[i]`` is 1 when day ``_FIRST + i`` counts; ``running[i]`` is how many counted days
    come before day ``_FIRST + i`` (so ``running[i + 1]`` includes it); ``days[k]`` is the
    counted day preceded by ``k`` counted days (the date objects are made once, here: making a
    date costs more than the two lookups of an addition).
    """

    __slots__ = ("days", "flags", "kind", "running", "size", "territory", "worked")

    def __init__(self, territory: Territory, kind: DayKind, worked: frozenset[str],
                 flags: bytes) -> None:
        self.territory = territory
        self.kind = kind
        self.worked = worked
        self.flags = flags
        # two bytes a day when the counts fit (jours ouvrés do): a smaller table stays in cache
        counts = len(flags) - flags.count(0)
        self.running = array("H" if counts < 1 << 16 else "i", accumulate(flags, initial=0))
        self.days: tuple[date, ...] = tuple(compress(_all_days(), flags))
        self.size = len(self.days)

    def __reduce__(self) -> tuple[object, tuple[Territory, DayKind, frozenset[str]]]:
        # pickled and copied by reference: the tables are rebuilt (or found) on the other side
        return _table, (self.territory, self.kind, self.worked)


_NONE: frozenset[str] = frozenset()
# Built on first use, never changed. The tables of calendars without worked holidays (at most
# two per territory) are kept for the life of the process; those with worked holidays in a small
# least-recently-used cache, so that many variants cannot pile up.
_HOLIDAY_FLAGS: dict[Territory, bytes] = {}
_TABLES: dict[tuple[Territory, DayKind], _Table] = {}


@functools.cache
def _all_days() -> tuple[date, ...]:
    """Every day of 1950–2200 as a date, made once and shared by every table.

    Adding one day at a time is about three times faster than ``date.fromordinal``.
    """
    return tuple(accumulate(repeat(timedelta(days=1), _SPAN - 1), operator.add,
                            initial=date.fromordinal(_FIRST)))


def _holiday_flags(territory: Territory, worked: frozenset[str] = _NONE) -> bytes:
    """One byte per day of 1950–2200: 1 on the territory's public holidays not ``worked``."""
    flags = None if worked else _HOLIDAY_FLAGS.get(territory)
    if flags is None:
        found = bytearray(_SPAN)
        years = range(FIRST_YEAR, LAST_YEAR + 1)
        easters = [easter(year, EASTER_WESTERN).toordinal() - _FIRST for year in years]
        for rule in HOLIDAY_RULES:
            if territory not in rule.territories or rule.key in worked:
                continue
            last = LAST_YEAR if rule.until is None else min(rule.until, LAST_YEAR)
            for year in range(max(rule.since, FIRST_YEAR), last + 1):
                when = rule.when
                if isinstance(when, EasterOffset):
                    found[easters[year - FIRST_YEAR] + when.days] = 1
                else:
                    found[date(year, when.month, when.day).toordinal() - _FIRST] = 1
        flags = bytes(found)
        if not worked:
            flags = _HOLIDAY_FLAGS.setdefault(territory, flags)
    return flags


def _build(territory: Territory, kind: DayKind, worked: frozenset[str]) -> _Table:
    week = _WEEK[kind]
    start = date.fromordinal(_FIRST).weekday()
    weeks = (week[start:] + week[:start]) * (_SPAN // 7 + 1)
    # each byte is 0 or 1: a bitwise "and not" on the whole span at once
    counted = (int.from_bytes(weeks[:_SPAN], "big")
               & ~int.from_bytes(_holiday_flags(territory, worked), "big"))
    return _Table(territory, kind, worked, counted.to_bytes(_SPAN, "big"))


_build_worked = functools.lru_cache(maxsize=16)(_build)


def _table(territory: Territory, kind: DayKind, worked: frozenset[str] = _NONE) -> _Table:
    """The tables of ``territory`` for ``kind``, built on first use (a few milliseconds)."""
    if worked:
        return _build_worked(territory, kind, worked)
    table = _TABLES.get((territory, kind))
    if table is None:
        table = _TABLES.setdefault((territory, kind), _build(territory, kind, _NONE))
    return table


@functools.cache
def _holiday_map(territory: Territory, year: int) -> Mapping[date, str]:
    """The read-only holidays of a year (at most 9 × 251 of them are ever made)."""
    return MappingProxyType(dict(holidays_in(year, territory)))


def _index(day: date, name: str) -> int:
    """The table index of ``day``, after checking it is a date in the supported years."""
    if type(day) is not date:
        day = check_date(day, name)
    index = day.toordinal() - _FIRST
    if not 0 <= index < _SPAN:
        raise InvalidValue(
            f"{name} {day} is outside the supported years {FIRST_YEAR}–{LAST_YEAR}")
    return index


def _check_n(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise InvalidValue(f"n must be an int (a number of days), got {shown(n)}")
    return n


def _out_of_range(day: date, n: int, kind: DayKind) -> InvalidValue:
    return InvalidValue(
        f"{day} {'+' if n >= 0 else '-'} {shown(abs(n))} {kind.value}(s) falls outside the supported "
        f"years {FIRST_YEAR}–{LAST_YEAR}")


def _check_territory(_: object, __: object, territory: object) -> None:
    if not isinstance(territory, Territory):
        accepted = ", ".join(f"Territory.{t.name}" for t in Territory)
        raise InvalidValue(f"territory must be a Territory ({accepted}), got {shown(territory)}")


def _worked_keys(keys: object) -> frozenset[str]:
    if isinstance(keys, str) or not isinstance(keys, (set, frozenset, list, tuple)):
        raise InvalidValue(
            f"worked_holidays is a set of holiday keys such as {{'whit_monday'}}, got {shown(keys)}")
    for key in keys:
        if not isinstance(key, str):
            raise InvalidValue(f"a holiday key is a str such as 'whit_monday', got {shown(key)}")
    return frozenset(keys)


def _check_kind(kind: object) -> DayKind:
    if not isinstance(kind, DayKind):
        raise InvalidValue(f"kind must be a DayKind, got {shown(kind)}")
    return kind


@attrs.frozen
class BusinessCalendar:
    """The business days of a territory: its public holidays and the day counts built on them.

    Frozen and hashable: two calendars of the same territory and worked holidays are equal, and
    share the same precomputed tables, so making one again is cheap (about two microseconds).

    Attributes:
        territory: whose public holidays apply (default: metropolitan France, the national list
            of article L3133-1).
        worked_holidays: the keys (``HolidayRule.key``, see ``holiday_rules.rule_keys``) of
            holidays an employer works, such as ``{"whit_monday"}`` when its journée de
            solidarité is Whit Monday (L3133-7, L3133-8; ``cpf-rules.md`` 9.4 asks for this
            override). They stay public holidays (:meth:`holidays`, :meth:`is_holiday`) but
            count as jours ouvrés and ouvrables. Default: none, every holiday is off. 1 May
            cannot be worked this way (L3133-4, L3133-8).

    >>> cal = BusinessCalendar(Territory.ALSACE_MOSELLE)
    >>> cal.holidays(2026)[date(2026, 12, 26)]
    'Saint-Étienne'
    >>> cal.is_business_day(date(2026, 4, 3))  # Good Friday, a holiday in Alsace-Moselle only
    False
    >>> BusinessCalendar().is_business_day(date(2026, 4, 3))
    True
    """

    territory: Territory = attrs.field(default=Territory.METROPOLE, validator=_check_territory)
    worked_holidays: frozenset[str] = attrs.field(default=_NONE, converter=_worked_keys,
                                                  kw_only=True)
    # the shared, immutable jour ouvré tables of the territory, found on first use: derived, not
    # part of the value (set once with object.__setattr__, as attrs allows for frozen classes)
    _ouvre: _Table | None = attrs.field(init=False, default=None, repr=False, eq=False,
                                        hash=False)

    def __attrs_post_init__(self) -> None:
        known = rule_keys(self.territory) if self.worked_holidays else _NONE
        for key in sorted(self.worked_holidays):
            if key == "labour_day":
                raise InvalidValue(
                    "1 May (labour_day) cannot be a worked holiday: it is the one day off by "
                    "law (L3133-4) and never the journée de solidarité (L3133-8)")
            if key not in known:
                raise InvalidValue(
                    f"unknown holiday key {shown(key)} for {self.territory.value}; accepted: "
                    f"{', '.join(sorted(known - {'labour_day'}))}")

    def _tables(self) -> _Table:
        """The jour ouvré tables, built (or found) and kept on first use."""
        table = self._ouvre
        if table is None:
            table = _table(self.territory, DayKind.JOUR_OUVRE, self.worked_holidays)
            object.__setattr__(self, "_ouvre", table)
        return table

    # -- holidays --------------------------------------------------------------------------

    def holidays(self, year: int) -> Mapping[date, str]:
        """The public holidays of ``year``, by date, with their French names (read-only).

        Raises:
            InvalidValue: a year that is not an ``int`` in 1950–2200.

        >>> print(", ".join(list(BusinessCalendar().holidays(2026).values())[:3]))
        Jour de l'an, Lundi de Pâques, Fête du Travail
        """
        return _holiday_map(self.territory, check_year(year))

    def is_holiday(self, day: date) -> bool:
        """Whether ``day`` is a public holiday in the territory (whatever its weekday)."""
        return _holiday_flags(self.territory)[_index(day, "day")] == 1

    # -- jours ouvrés ----------------------------------------------------------------------

    def is_business_day(self, day: date) -> bool:
        """Whether ``day`` is a *jour ouvré*: Monday to Friday and not a public holiday.

        A holiday listed in ``worked_holidays`` is a business day on a weekday.
        """
        return self._tables().flags[_index(day, "day")] == 1

    def add_business_days(self, day: date, n: int) -> date:
        """The n-th business day strictly after ``day`` (before, if ``n < 0``); ``day`` if 0.

        ``count_business_days(day, add_business_days(day, n)) == n`` for every ``day`` and
        ``n``, ``day`` being a business day or not.

        Raises:
            InvalidValue: ``day`` not a ``date`` (a ``datetime`` is refused), ``n`` not an
                ``int``, or ``day`` or the result outside 1950–2200.

        >>> BusinessCalendar().add_business_days(date(2026, 5, 1), -1)  # a Friday, a holiday
        datetime.date(2026, 4, 30)
        """
        if type(day) is not date:
            check_date(day)
        if type(n) is not int:
            _check_n(n)
        index = day.toordinal() - _FIRST
        if not 0 <= index < _SPAN:
            _index(day, "day")
        table = self._ouvre or self._tables()
        if n > 0:
            k = table.running[index + 1] + n - 1
        elif n < 0:
            k = table.running[index] + n
        else:
            return day
        if not 0 <= k < table.size:
            raise _out_of_range(day, n, DayKind.JOUR_OUVRE)
        return table.days[k]

    def count_business_days(self, start: date, end: date) -> int:
        """The business days from ``start`` (excluded) to ``end`` (included); negative backward.

        Forward it counts the half-open interval (start, end]; backward (``end < start``) it is
        minus the business days in [end, start), so that ``count(a, add(a, n)) == n`` always.

        Raises:
            InvalidValue: a bound that is not a ``date`` or is outside 1950–2200.

        >>> cal = BusinessCalendar()
        >>> cal.count_business_days(date(2026, 11, 26), date(2026, 11, 30))  # Thu → Mon
        2
        >>> cal.count_business_days(date(2026, 11, 30), date(2026, 11, 26))
        -2
        """
        if type(start) is not date:
            check_date(start, "start")
        if type(end) is not date:
            check_date(end, "end")
        i = start.toordinal() - _FIRST
        j = end.toordinal() - _FIRST
        if not (0 <= i < _SPAN and 0 <= j < _SPAN):
            _index(start, "start")
            _index(end, "end")
        running = (self._ouvre or self._tables()).running
        if j >= i:
            return running[j + 1] - running[i + 1]
        return running[j] - running[i]

    def next_business_day(self, day: date) -> date:
        """``day`` if it is a business day, else the first business day after it.

        >>> BusinessCalendar().next_business_day(date(2026, 12, 25))  # Christmas, a Friday
        datetime.date(2026, 12, 28)
        """
        if self.is_business_day(day):
            return day
        return self.add_business_days(day, 1)

    def previous_business_day(self, day: date) -> date:
        """``day`` if it is a business day, else the last business day before it."""
        if self.is_business_day(day):
            return day
        return self.add_business_days(day, -1)

    # -- any kind of day -------------------------------------------------------------------

    def is_day_of_kind(self, day: date, kind: DayKind) -> bool:
        """Whether ``day`` counts as a day of ``kind`` (a *jour ouvrable*, say) here."""
        index = _index(day, "day")
        if _check_kind(kind) is DayKind.JOUR_CALENDAIRE:
            return True
        return _table(self.territory, kind, self.worked_holidays).flags[index] == 1

    def add_days(self, day: date, n: int, kind: DayKind = DayKind.JOUR_OUVRE) -> date:
        """The n-th day of ``kind`` strictly after ``day`` (before if ``n < 0``); ``day`` if 0.

        The conventions of :meth:`add_business_days`, for any kind of day:
        ``count_days(day, add_days(day, n, kind), kind) == n``.

        >>> cal = BusinessCalendar()
        >>> cal.add_days(date(2026, 11, 27), 1, DayKind.JOUR_OUVRABLE)  # Friday → Saturday
        datetime.date(2026, 11, 28)
        >>> cal.add_days(date(2026, 11, 27), 30, DayKind.JOUR_CALENDAIRE)
        datetime.date(2026, 12, 27)
        """
        index = _index(day, "day")
        _check_n(n)
        if _check_kind(kind) is DayKind.JOUR_CALENDAIRE:
            if not 0 <= index + n < _SPAN:
                raise _out_of_range(day, n, kind)
            return day + timedelta(days=n)
        if n == 0:
            return day
        table = _table(self.territory, kind, self.worked_holidays)
        k = table.running[index + 1] + n - 1 if n > 0 else table.running[index] + n
        if not 0 <= k < table.size:
            raise _out_of_range(day, n, kind)
        return table.days[k]

    def count_days(self, start: date, end: date, kind: DayKind = DayKind.JOUR_OUVRE) -> int:
        """The days of ``kind`` from ``start`` (excluded) to ``end`` (included); negative backward.

        The conventions of :meth:`count_business_days`, for any kind of day. For calendar days
        it is simply ``(end - start).days``.

        >>> BusinessCalendar().count_days(date(2026, 11, 26), date(2026, 11, 30),
        ...                               DayKind.JOUR_OUVRABLE)
        3
        """
        i = _index(start, "start")
        j = _index(end, "end")
        if _check_kind(kind) is DayKind.JOUR_CALENDAIRE:
            return j - i
        running = _table(self.territory, kind, self.worked_holidays).running
        if j >= i:
            return running[j + 1] - running[i + 1]
        return running[j] - running[i]
