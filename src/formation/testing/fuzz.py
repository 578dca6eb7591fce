"""A fuzz of public callables: bad values in, only ``FormationError`` out.

Every public callable of ``formation`` (or of an app's own wrappers) must answer a bad argument
with a :class:`~formation.errors.FormationError` naming it, never with a plain Python exception
(``TypeError``, ``KeyError``, ``OverflowError``, ``RecursionError``…) that an app cannot tell
from a bug. This module finds the callables by introspection (:func:`targets`), calls each with
one argument replaced by a bad value (:data:`BAD_VALUES`: wrong types, ``None``, ``nan`` and
``inf``, ints of 5 000 digits, huge, empty and NUL strings, non-ASCII digits, far dates, naive
and aware datetimes near years 1 and 9999, unhashable and non-iterable values, junk for enums)
and the others good (:func:`specimens`, drawn from :mod:`formation.testing.strategies`), and
reports each call that raised anything else (:func:`run`).

An app checks its own wrappers the same way::

    from formation.testing import fuzz

    found = fuzz.run(fuzz.targets([my_app.api]), fuzz.specimens(), calls=5_000)
    assert not found, found

Methods are called on a specimen of their class (a class without a specimen has only its
constructor called). Enum classes are not called (``Modality("junk")`` raising ``ValueError``
is Python's contract for enums), nor are dunder methods. A call that runs longer than
``time_limit`` seconds is reported as a ``TimeoutError``. Run it in a scratch directory:
callables that take a path (a store) create the files they are given.
"""

from __future__ import annotations

import enum
import inspect
import math
import random
import signal
import threading
import types
import warnings
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta, timezone
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import HealthCheck, find, settings

import formation as fm
from formation.adapters.memory import MemoryStore
from formation.adapters.opendata import load_sample_catalog
from formation.checks import shown
from formation.errors import FormationError
from formation.testing import strategies as fst

__all__ = ["BAD_VALUES", "Finding", "Target", "call_once", "run", "specimens", "targets"]


class _Junk:
    """An object of no known type, whose attributes all fail."""

    def __repr__(self) -> str:
        return "<junk>"


def _deep(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


_UTC = timezone.utc
_FAR_EAST = timezone(timedelta(hours=14))
_FAR_WEST = timezone(timedelta(hours=-12))

BAD_VALUES: tuple[object, ...] = (
    None, True, 0, -1, 2 ** 63, -(2 ** 63), 10 ** 40, 10 ** 5000, -(10 ** 5000),
    0.5, math.nan, math.inf, -math.inf, Fraction(1, 3), 1j,
    "", " ", "x", "\x00", "a\x00b", "x" * 100_000, "١٢٣,٤٥", "٣", "²", "nan", "inf", "-1",
    "9" * 5000, "NaN", "junk", "2026-13-45", "\ud800",
    b"", b"\xff\xfe", bytearray(b"x"),
    date(1, 1, 1), date(9999, 12, 31), date(1899, 12, 31), date(2201, 1, 1),
    datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59), datetime(2026, 3, 2, 9),  # noqa: DTZ001 - naive on purpose
    datetime(1, 1, 1, tzinfo=_FAR_EAST), datetime(9999, 12, 31, 23, 59, tzinfo=_FAR_WEST),
    datetime(1, 1, 1, tzinfo=_UTC), datetime(9999, 12, 31, 23, 59, 59, tzinfo=_UTC),
    time(12), timedelta(days=10 ** 8), timedelta(days=-(10 ** 8)),
    [], [None], [[]], {}, {"x": 1}, set(), {1, 2}, frozenset({"x"}), (), (None,),
    ("x", 10 ** 5000), _deep(50_000), iter(()), object(), _Junk(), type, len,
)
"""The bad values of the fuzz, one of each family."""


def _fresh_bad(value: object) -> object:
    """``value``, or a new one for values that a call may consume (an iterator)."""
    if isinstance(value, types.GeneratorType) or type(value).__name__.endswith("iterator"):
        return iter(())
    return value


@attrs.frozen
class Target:
    """A public callable and how to call it.

    Attributes:
        name: its dotted name (``"formation.Euros.parse"``, ``"formation.Offer"``).
        function: the callable (a method already bound to a specimen).
        parameters: the names of its parameters, in order, with their annotations as text.
    """

    name: str
    function: Callable[..., object]
    parameters: tuple[tuple[str, str, inspect.Parameter], ...]


@attrs.frozen
class Finding:
    """A call that raised something else than a ``FormationError``."""

    target: str
    parameter: str
    value: str
    error: str

    def __str__(self) -> str:
        return f"{self.target}({self.parameter}={self.value}) raised {self.error}"


def _annotation_text(parameter: inspect.Parameter) -> str:
    annotation = parameter.annotation
    if annotation is inspect.Parameter.empty:
        return ""
    return annotation if isinstance(annotation, str) else getattr(
        annotation, "__name__", str(annotation))


def _parameters(function: Callable[..., object]) -> tuple[tuple[str, str, inspect.Parameter], ...]:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return ()
    return tuple(
        (p.name, _annotation_text(p), p) for p in signature.parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))


def _is_public(name: str) -> bool:
    return not name.startswith("_")


def targets(namespaces: Iterable[object],
            instances: Mapping[type, object] | None = None) -> list[Target]:
    """The public callables of ``namespaces`` (modules or classes): the names of their
    ``__all__`` (else their public names) that are functions or classes, and each class's
    public methods, bound to the specimen of ``instances`` when there is one.

    A new public name is found without being listed anywhere.
    """
    found: dict[str, Target] = {}
    specimens_by_type = dict(instances or {})
    for namespace in namespaces:
        prefix = getattr(namespace, "__name__", type(namespace).__name__)
        names = getattr(namespace, "__all__", None) or [
            n for n in dir(namespace) if _is_public(n)]
        for name in names:
            value = getattr(namespace, name, None)
            qualified = f"{prefix}.{name}"
            if isinstance(value, type):
                if issubclass(value, enum.Enum):
                    continue
                found.setdefault(qualified, Target(qualified, value, _parameters(value)))
                specimen = specimens_by_type.get(value)
                if specimen is None:
                    continue
                for method_name in dir(value):
                    if not _is_public(method_name):
                        continue
                    attribute = inspect.getattr_static(value, method_name, None)
                    if isinstance(attribute, property) or not callable(
                            getattr(specimen, method_name, None)):
                        continue
                    if isinstance(attribute, (staticmethod, classmethod)):
                        bound = getattr(value, method_name)
                    else:
                        bound = getattr(specimen, method_name)
                    key = f"{qualified}.{method_name}"
                    found.setdefault(key, Target(key, bound, _parameters(bound)))
            elif inspect.isfunction(value) or inspect.isbuiltin(value):
                found.setdefault(qualified, Target(qualified, value, _parameters(value)))
    return [found[k] for k in sorted(found)]


def _draw(strategy: Any) -> object:
    """The simplest value of ``strategy``: the same at every run."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return find(strategy, lambda _: True, settings=settings(
            database=None, derandomize=True, suppress_health_check=list(HealthCheck)))


def specimens() -> dict[str, object]:
    """Good values by the name of their type (``"Offer"``, ``"date"``, ``"Euros"``…), drawn from
    :mod:`formation.testing.strategies`; also the good value of an argument named so
    (``"on"``, ``"now"``, ``"store"``…).

    The values are the simplest each strategy gives, the same at every run. Call it outside a
    Hypothesis test.
    """
    catalog = load_sample_catalog()
    offer = catalog.offers[0]
    session = next(s for s in catalog.sessions if s.offer_id == offer.offer_id)
    now = datetime(2026, 3, 2, 9, tzinfo=_UTC)
    book = fm.Rulebook.default()
    good: dict[str, object] = {
        "str": "x1", "int": 1, "bool": True, "float": 1.0, "Fraction": Fraction(1),
        "date": date(2026, 3, 2), "datetime": now, "Euros": fm.Euros(100_000),
        "Offer": offer, "Session": session, "Organism": offer.organism,
        "Certification": offer.certification, "Place": fm.Place.in_department("69"),
        "Rulebook": book, "Rules": book.at(date(2026, 3, 2)),
        "CatalogIndex": fm.CatalogIndex(catalog.offers, catalog.sessions),
        "Query": fm.Query(text="excel"), "Store": MemoryStore(), "MemoryStore": MemoryStore(),
        "Territory": fm.Territory.METROPOLE, "ActionType": fm.ActionType.RS,
        "Funder": fm.Funder.EMPLOYER, "Modality": fm.Modality.IN_PERSON,
        "Point": fm.Point(45.76, 4.84),
    }
    for name, strategy in (
            ("Account", fst.accounts()), ("Holder", fst.holders()), ("Booking", fst.bookings()),
            ("Review", fst.reviews()), ("RatingSummary", fst.rating_summaries()),
            ("Needs", fst.needs()), ("Scores", fst.review_scores()),
            ("BusinessCalendar", fst.business_calendars()), ("TopUp", fst.top_ups()),
            ("Proposal", fst.proposals()), ("Period", fst.periods()),
            ("WorkYear", fst.work_years()), ("Near", fst.nears())):
        good[name] = _draw(strategy)
    good.update({"on": date(2026, 3, 2), "day": date(2026, 3, 2), "today": date(2026, 3, 2),
                 "now": now, "at": now, "store": MemoryStore(), "index": good["CatalogIndex"]})
    return good


def _good_value(name: str, annotation: str, parameter: inspect.Parameter,
                good: Mapping[str, object]) -> object:
    if parameter.default is not inspect.Parameter.empty:
        return parameter.default
    if name in good:
        return good[name]
    for part in annotation.replace("|", " ").replace("[", " ").replace("]", " ").split():
        part = part.split(".")[-1]
        if part in good:
            return good[part]
        if part.endswith("Id"):
            return "x1"
    return None


class _TimeLimit:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.usable = (seconds > 0 and hasattr(signal, "setitimer")
                       and threading.current_thread() is threading.main_thread())

    def __enter__(self) -> None:
        if self.usable:
            self.previous = signal.signal(signal.SIGALRM, self._expired)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        if self.usable:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)

    @staticmethod
    def _expired(signum: int, frame: object) -> None:
        raise TimeoutError("the call did not return in time")


def call_once(target: Target, index: int, bad: object, good: Mapping[str, object],
              time_limit: float = 2.0) -> Finding | None:
    """Call ``target`` with its parameter ``index`` set to ``bad`` (the others good); the
    finding, or ``None`` when it returned or raised a ``FormationError``."""
    positional: list[object] = []
    keywords: dict[str, object] = {}
    name = target.parameters[index][0] if target.parameters else "()"
    for position, (param, annotation, parameter) in enumerate(target.parameters):
        value = _fresh_bad(bad) if position == index else _good_value(
            param, annotation, parameter, good)
        if parameter.kind is parameter.KEYWORD_ONLY:
            keywords[param] = value
        else:
            positional.append(value)
    try:
        with _TimeLimit(time_limit):
            target.function(*positional, **keywords)
    except FormationError:
        return None
    except Exception as error:
        return Finding(target.name, name, shown(bad), type(error).__name__)
    return None


def run(found: Iterable[Target], good: Mapping[str, object], *, calls: int = 10_000,
        seed: int = 0, values: tuple[object, ...] = BAD_VALUES,
        time_limit: float = 2.0) -> list[Finding]:
    """Make ``calls`` calls of the ``found`` callables, each with one bad argument; every
    (callable, parameter, value family) is tried once before any is tried again. Returns the
    findings, one per (callable, parameter, exception type)."""
    plan = [(t, i) for t in found for i in range(max(1, len(t.parameters)))]
    if not plan:
        return []
    chooser = random.Random(seed)
    findings: dict[tuple[str, str, str], Finding] = {}
    done = 0
    sweep = [(t, i, v) for t, i in plan for v in range(len(values))]
    chooser.shuffle(sweep)
    while done < calls:
        for target, index, which in sweep:
            if done >= calls:
                break
            done += 1
            if not target.parameters and index > 0:
                continue
            finding = call_once(target, index, values[which], good, time_limit) if (
                target.parameters) else _call_bare(target, time_limit)
            if finding is not None:
                findings.setdefault((finding.target, finding.parameter, finding.error), finding)
        chooser.shuffle(sweep)
    return sorted(findings.values(), key=lambda f: (f.target, f.parameter, f.error))


def _call_bare(target: Target, time_limit: float) -> Finding | None:
    try:
        with _TimeLimit(time_limit):
            target.function()
    except FormationError:
        return None
    except Exception as error:
        return Finding(target.name, "()", "", type(error).__name__)
    return None

