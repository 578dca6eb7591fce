"""Money in whole euro cents, and how to split it without losing a cent.

:class:`Euros` holds an ``int`` number of cents. Floats (and ``bool``) are refused with
:class:`~formation.errors.InvalidType` (an ``InvalidValue`` that is also a ``TypeError``): a CPF balance is exact, and ``0.1 + 0.2`` is not. Decimals appear only at the
edges: :meth:`Euros.parse` reads the forms people write (``"1234.5"``, ``"1 234,50 €"``) and
``str()`` writes the French form (``1 234,50 €``). Only ASCII digits are read
(``Euros.parse("١٢٣,٤٥")`` is refused) and amounts are bounded by :data:`MAX_CENTS`.

:func:`allocate` splits an amount by integer weights with the largest-remainder method: the
parts always sum back to the total, each part is within one cent of its exact share, and ties go
to the lower index (never "the whole remainder to the last share").

``Euros`` is written by hand rather than with attrs because it sits on every hot path (a funding
plan does a dozen operations); it keeps the same contract as a frozen attrs record: immutable,
hashable, compared by value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NoReturn

from formation.checks import shown
from formation.errors import InvalidType, InvalidValue

__all__ = ["Euros", "MAX_CENTS", "allocate", "check_euros"]

_AMOUNT = re.compile(
    r"""^(?P<sign>[-−])?[\s\u00a0\u202f]*
    (?P<int>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)
    (?:[.,](?P<dec>\d+))?
    (?:[\s\u00a0\u202f]*(?:€|EUR))?$""",
    re.VERBOSE | re.ASCII,
)

MAX_CENTS = 10 ** 18 - 1
"""The largest amount in cents ``Euros`` builds or multiplies to (18 digits): far beyond any
account or catalogue, and small enough that every amount prints and fits a 64-bit column."""

_MAX_TEXT = 64


def _refuse(value: object) -> NoReturn:
    if isinstance(value, (bool, float, Decimal)):
        raise InvalidType(
            f"Euros takes whole cents as an int, not {type(value).__name__} {shown(value)}; "
            "use Euros.parse('12,34') for text",
            code="money.cents_type", value=f"{type(value).__name__} {shown(value)}",
        )
    raise InvalidValue(code="money.cents_type", value=f"{type(value).__name__} {shown(value)}")


def _bounded(cents: int) -> int:
    if -MAX_CENTS <= cents <= MAX_CENTS:
        return cents
    raise InvalidValue(code="money.too_large", field="amount", value=shown(cents),
                       maximum=f"{MAX_CENTS} cents")


def check_euros(value: object, field: str, negative: bool = False) -> Euros:
    """``value`` if it is ``Euros`` (and not negative unless ``negative``), else
    ``InvalidValue`` with the code ``money.wrong_type`` or ``money.negative``.

    >>> check_euros(Euros(-100), "price")
    Traceback (most recent call last):
    ...
    formation.errors.InvalidValue: price cannot be negative, got -1,00 €
    """
    if value.__class__ is not Euros:
        raise InvalidValue(code="money.wrong_type", field=field,
                           value=f"{type(value).__name__} {shown(value)}")
    if not negative and value.cents < 0:
        raise InvalidValue(code="money.negative", field=field, value=str(value))
    return value


class Euros:
    """An amount of money in whole euro cents.

    >>> Euros(123450)
    Euros(123450)
    >>> str(Euros.parse("1 234,5 €"))
    '1 234,50 €'
    >>> Euros.whole(500) - Euros(1)
    Euros(49999)
    """

    __slots__ = ("cents",)
    cents: int

    def __init__(self, cents: int) -> None:
        if type(cents) is not int:
            if isinstance(cents, int) and not isinstance(cents, bool):
                cents = int(cents)
            else:
                _refuse(cents)
        object.__setattr__(self, "cents", _bounded(cents))

    # -- constructors -------------------------------------------------------------------
    @classmethod
    def zero(cls) -> Euros:
        """Nothing: 0,00 €."""
        return _ZERO

    @classmethod
    def whole(cls, euros: int) -> Euros:
        """An amount in whole euros: ``Euros.whole(500) == Euros(50000)``."""
        if type(euros) is not int:
            _refuse(euros)
        return _make(_bounded(euros * 100))

    @classmethod
    def parse(cls, text: str) -> Euros:
        """Read an amount as people write it.

        Accepts ``"1234.5"``, ``"1234,50"``, ``"1 234,50 €"`` (spaces, no-break spaces or narrow
        no-break spaces between groups of three digits), an optional leading minus and an
        optional ``€`` or ``EUR``. More than two decimals is refused, never rounded.

        Raises:
            InvalidValue: for anything else, naming the text and the accepted forms.
        """
        if not isinstance(text, str):
            raise InvalidValue(
                f"Euros.parse takes a str such as '1 234,50 €', got {type(text).__name__} "
                f"{shown(text)}", code="money.unparsable",
                value=f"{type(text).__name__} {shown(text)}")
        match = _AMOUNT.match(text.strip()) if len(text) <= _MAX_TEXT else None
        if match is None:
            raise InvalidValue(code="money.unparsable", value=shown(text))
        decimals = match["dec"] or ""
        if len(decimals) > 2:
            raise InvalidValue(code="money.too_many_decimals", value=shown(text),
                               decimals=len(decimals))
        units = int(re.sub(r"\D", "", match["int"], flags=re.ASCII))
        cents = units * 100 + int(decimals.ljust(2, "0"))
        return _make(_bounded(-cents if match["sign"] else cents))

    # -- conversions --------------------------------------------------------------------
    def to_decimal(self) -> Decimal:
        """The amount in euros as an exact ``Decimal`` with two places."""
        return Decimal(self.cents).scaleb(-2)

    def __str__(self) -> str:
        sign = "-" if self.cents < 0 else ""
        units, cents = divmod(abs(self.cents), 100)
        return f"{sign}{units:,}".replace(",", " ") + f",{cents:02d} €"

    def __repr__(self) -> str:
        return f"Euros({self.cents})"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    # -- value semantics ----------------------------------------------------------------
    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"Euros is immutable; cannot set {shown(name)}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"Euros is immutable; cannot delete {shown(name)}")

    def __reduce__(self) -> tuple[type[Euros], tuple[int]]:
        return (Euros, (self.cents,))

    def __hash__(self) -> int:
        return hash((Euros, self.cents))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is Euros:
            return self.cents == other.cents
        return NotImplemented

    def __lt__(self, other: Euros) -> bool:
        return self.cents < _cents_of(other)

    def __le__(self, other: Euros) -> bool:
        return self.cents <= _cents_of(other)

    def __gt__(self, other: Euros) -> bool:
        return self.cents > _cents_of(other)

    def __ge__(self, other: Euros) -> bool:
        return self.cents >= _cents_of(other)

    def __bool__(self) -> bool:
        return self.cents != 0

    # -- arithmetic ---------------------------------------------------------------------
    def __add__(self, other: Euros) -> Euros:
        if other.__class__ is Euros:
            return _make(self.cents + other.cents)
        return NotImplemented

    def __radd__(self, other: Any) -> Euros:
        # Lets sum(amounts) start from the integer 0; any other number is refused.
        if type(other) is int and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Euros) -> Euros:
        if other.__class__ is Euros:
            return _make(self.cents - other.cents)
        return NotImplemented

    def __neg__(self) -> Euros:
        return _make(-self.cents)

    def __pos__(self) -> Euros:
        return self

    def __abs__(self) -> Euros:
        return self if self.cents >= 0 else _make(-self.cents)

    def __mul__(self, factor: int) -> Euros:
        if type(factor) is int:
            return _make(_bounded(self.cents * factor))
        if isinstance(factor, (bool, float, Decimal)):
            raise InvalidType(
                f"Euros can only be multiplied by an int, not {type(factor).__name__} "
                f"{shown(factor)}; use allocate() or a named rounding function to divide",
                code="money.cents_type", value=f"{type(factor).__name__} {shown(factor)}")
        return NotImplemented

    __rmul__ = __mul__


def _make(cents: int) -> Euros:
    """Build an ``Euros`` from an int already known to be valid (the hot-path constructor)."""
    amount = object.__new__(Euros)
    object.__setattr__(amount, "cents", cents)
    return amount


def _cents_of(other: object) -> int:
    if other.__class__ is Euros:
        return other.cents
    raise TypeError(f"cannot compare Euros with {type(other).__name__} {shown(other)}")


_ZERO = _make(0)


def allocate(total: Euros, weights: Sequence[int]) -> tuple[Euros, ...]:
    """Split ``total`` in proportion to integer ``weights``, to the cent.

    Largest-remainder method: each part first gets the floor of its exact share, then the cents
    left over go one each to the parts with the largest remainders, ties to the lower index. The
    parts always sum to ``total``; a zero weight gets nothing. A negative total is split like its
    opposite, then negated.

    >>> allocate(Euros(100), [1, 1, 1])
    (Euros(34), Euros(33), Euros(33))

    Raises:
        InvalidValue: weights empty, negative, not ints, or all zero.
        InvalidType: ``total`` is not ``Euros`` (also a ``TypeError``).
    """
    if not isinstance(total, Euros):
        raise InvalidType(code="money.wrong_type", field="total",
                          value=f"{type(total).__name__} {shown(total)}")
    if isinstance(weights, (str, bytes)) or not isinstance(weights, Sequence):
        raise InvalidValue(code="money.weights", value=shown(weights))
    for weight in weights:
        if type(weight) is not int or not 0 <= weight <= MAX_CENTS:
            raise InvalidValue(code="money.weights", value=shown(weights))
    whole = sum(weights)
    if whole == 0:
        raise InvalidValue(code="money.weights", value=shown(weights))
    sign = -1 if total.cents < 0 else 1
    amount = abs(total.cents)
    shares = [divmod(amount * w, whole) for w in weights]
    left = amount - sum(q for q, _ in shares)
    ranked = sorted(range(len(shares)), key=lambda i: (-shares[i][1], i))
    bonus = set(ranked[:left])
    return tuple(
        _make(sign * (q + (1 if i in bonus else 0))) for i, (q, _) in enumerate(shares)
    )
