"""The rulebook: every legal parameter of the CPF as dated data, with its source.

A CPF rule is rarely a constant: the flat participation was 0 € before 2 May 2024, 100 € then,
102,23 € in 2025 and 103,20 € in 2026; the withdrawal period depends on the version of the
platform's terms. So the library never writes a legal number inside a function. Each parameter
is a timeline of :class:`ParameterValue` (a value, the day it takes effect, its source and how
sure we are of it: confirmed, plausible or unverified, the marks of ``cpf-rules.md``), and a
:class:`Rulebook` answers "what was in force that day" with :meth:`Rulebook.at`, a typed
:class:`Rules` record.

Parameters marked plausible (P) or unverified (U) are there precisely so that an app, a test or
a notebook can override them: :meth:`Rulebook.with_change` returns a new rulebook (the default
is never mutated) in which the given parameters take new values from a given day on.

>>> from datetime import date
>>> from formation.money import Euros
>>> book = Rulebook.default()
>>> str(book.at(date(2025, 6, 1)).flat_participation)
'102,23 €'
>>> what_if = book.with_change(effective=date(2027, 1, 1), flat_participation=Euros.whole(150))
>>> str(what_if.at(date(2027, 3, 1)).flat_participation), str(book.at(date(2027, 3, 1)).flat_participation)
('150,00 €', '103,20 €')
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import attrs

from formation.calendar.instants import check_date
from formation.checks import check_iterable, shown
from formation.errors import InvalidValue
from formation.rules.defaults import DEFAULT_VALUES
from formation.rules.parameters import (
    ORIGIN,
    PARAMETER_NAMES,
    Confidence,
    ParameterDifference,
    ParameterValue,
    Rules,
    accepts_none,
)

__all__ = [
    "Confidence",
    "DEFAULT_RULEBOOK",
    "ORIGIN",
    "PARAMETER_NAMES",
    "ParameterDifference",
    "ParameterValue",
    "Rulebook",
    "Rules",
    "check_date",
]

def _timelines(values: Iterable[ParameterValue]) -> dict[str, tuple[ParameterValue, ...]]:
    by_name: dict[str, list[ParameterValue]] = {name: [] for name in PARAMETER_NAMES}
    for value in check_iterable(values, "values", ParameterValue):
        if not isinstance(value, ParameterValue):
            raise InvalidValue(f"a rulebook holds ParameterValue records, got {value!r}")
        by_name[value.name].append(value)
    timelines: dict[str, tuple[ParameterValue, ...]] = {}
    for name, found in by_name.items():
        found.sort(key=lambda v: v.since)
        if not found:
            raise InvalidValue(f"the rulebook has no value for parameter {name!r}")
        if found[0].since != ORIGIN:
            first = found[0]
            if not accepts_none(name):
                raise InvalidValue(
                    f"parameter {name!r} starts on {first.since}, but it has no 'not in force' "
                    f"value and needs a value from {ORIGIN}"
                )
            found.insert(0, ParameterValue(
                name, None, ORIGIN, f"no such rule before {first.since} ({first.source})",
                first.confidence,
            ))
        for before, after in itertools.pairwise(found):
            if before.since == after.since:
                raise InvalidValue(f"parameter {shown(name)} has two values from {after.since}")
        timelines[name] = tuple(
            attrs.evolve(v, until=(nxt.since.fromordinal(nxt.since.toordinal() - 1)))
            if nxt is not None else attrs.evolve(v, until=None)
            for v, nxt in zip(found, [*found[1:], None], strict=True)
        )
    return timelines


def _same(first: object, second: object) -> bool:
    return type(first) is type(second) and first == second


@attrs.frozen
class Rulebook:
    """Every legal parameter as a timeline of dated values (see the module docstring).

    Build it with :meth:`default` (the rules of ``cpf-rules.md``) or from your own
    :class:`ParameterValue` records; derive what-if rulebooks with :meth:`with_change`.
    """

    _timelines: Mapping[str, tuple[ParameterValue, ...]] = attrs.field(
        converter=_timelines, alias="values"
    )
    _starts: tuple[int, ...] = attrs.field(init=False, eq=False, repr=False)
    _segments: tuple[Rules, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        starts = sorted({v.since.toordinal() for tl in self._timelines.values() for v in tl})
        segments = []
        for start in starts:
            day = date.fromordinal(start)
            values: dict[str, Any] = {
                name: self._value_on(timeline, day) for name, timeline in self._timelines.items()
            }
            segments.append(Rules(**values))
        object.__setattr__(self, "_starts", tuple(starts))
        object.__setattr__(self, "_segments", tuple(segments))

    @staticmethod
    def _value_on(timeline: tuple[ParameterValue, ...], day: date) -> object:
        value = timeline[0]
        for candidate in timeline:
            if candidate.since <= day:
                value = candidate
        return value.value

    @classmethod
    def default(cls) -> Rulebook:
        """The rules of ``cpf-rules.md`` (sections 1 to 6), each with its source."""
        return DEFAULT_RULEBOOK

    def at(self, day: date) -> Rules:
        """The parameters in force on ``day`` (a value that starts that day is in force)."""
        check_date(day)
        if day < ORIGIN:
            raise InvalidValue(f"the rulebook answers from {ORIGIN} on, got {day}")
        return self._segments[bisect_right(self._starts, day.toordinal()) - 1]

    def parameters_at(self, day: date) -> tuple[ParameterValue, ...]:
        """Each parameter's value in force on ``day``, with its dates and source."""
        check_date(day)
        if day < ORIGIN:
            raise InvalidValue(f"the rulebook answers from {ORIGIN} on, got {day}")
        found = []
        for timeline in self._timelines.values():
            current = timeline[0]
            for candidate in timeline:
                if candidate.since <= day:
                    current = candidate
            found.append(current)
        return tuple(found)

    def history(self, name: str) -> tuple[ParameterValue, ...]:
        """Every value parameter ``name`` has had, oldest first."""
        if not isinstance(name, str) or name not in self._timelines:
            raise InvalidValue(
                f"unknown rulebook parameter {shown(name)}; known parameters: "
                + ", ".join(PARAMETER_NAMES)
            )
        return self._timelines[name]

    def diff(self, other: Rulebook, *, on: date) -> tuple[ParameterDifference, ...]:
        """Every parameter whose value in force on ``on`` differs in ``other``, in field order.

        Only values are compared (not their sources or marks), so that a notebook can show what
        a change of the law changes on a day.

        >>> from datetime import date
        >>> from formation.money import Euros
        >>> book = Rulebook.default()
        >>> what_if = book.with_change(effective=date(2027, 1, 1), flat_participation=Euros(15000))
        >>> [(d.name, str(d.before.value), str(d.after.value))
        ...  for d in book.diff(what_if, on=date(2027, 3, 1))]
        [('flat_participation', '103,20 €', '150,00 €')]
        >>> book.diff(what_if, on=date(2026, 12, 31))
        ()
        """
        if not isinstance(other, Rulebook):
            raise InvalidValue(f"diff compares with a Rulebook, got {type(other).__name__}")
        ours, theirs = self.parameters_at(on), other.parameters_at(on)
        return tuple(
            ParameterDifference(mine.name, on, mine, yours)
            for mine, yours in zip(ours, theirs, strict=True)
            if not _same(mine.value, yours.value)
        )

    @property
    def values(self) -> tuple[ParameterValue, ...]:
        """All the dated values, parameter by parameter."""
        return tuple(v for tl in self._timelines.values() for v in tl)

    def with_change(
        self,
        *,
        effective: date,
        source: str = "what-if change",
        confidence: Confidence = Confidence.UNVERIFIED,
        **parameters: object,
    ) -> Rulebook:
        """A new rulebook where each named parameter takes its new value from ``effective`` on.

        The new value replaces every value of that parameter from ``effective`` on, later
        scheduled changes included; the days before keep their history. ``self`` is unchanged.

        Raises:
            InvalidValue: an unknown parameter name, or a value of the wrong type.
        """
        check_date(effective, "effective")
        if not parameters:
            raise InvalidValue("with_change needs at least one parameter=value")
        unknown = sorted(set(parameters) - set(self._timelines))
        if unknown:
            raise InvalidValue(
                f"unknown rulebook parameter(s) {', '.join(map(repr, unknown))}; known "
                "parameters: " + ", ".join(PARAMETER_NAMES)
            )
        changed = [
            ParameterValue(name, value, effective, source, confidence)
            for name, value in parameters.items()
        ]
        kept = [
            attrs.evolve(v, until=None)
            for v in self.values
            if v.name not in parameters or v.since < effective
        ]
        return Rulebook(values=kept + changed)


DEFAULT_RULEBOOK = Rulebook(values=DEFAULT_VALUES)
"""The rulebook of ``cpf-rules.md`` (sections 1 to 6): :meth:`Rulebook.default`."""
