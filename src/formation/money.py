"""Money in whole euro cents, and how to split it without losing a cent.

:class:`Euros` holds an ``int`` number of cents. Floats (and ``bool``) are refused with
``TypeError``: a CPF balance is exact, and ``0.1 + 0.2`` is not. Decimals appear only at the
edges: :meth:`Euros.parse` reads the forms people write (``"1234.5"``, ``"1 234,50 €"``) and
``str()`` writes the French form (``1 234,50 €``).

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

from formation.errors import InvalidValue

__all__ = ["Euros", "allocate"]

_AMOUNT = re.compile(
    r"""^(?P<sign>[-−])?\s*
    (?P<int>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)
    (?:[.,](?P<dec>\d+))?
    (?:\s*(?:€|EUR))?$""",
    re.VERBOSE,
)


def _refuse(value: object) -> NoReturn:
    if isinstance(value, (bool, float, Decimal)):
        raise TypeError(
            f"Euros takes whole cents as an int, not {type(value).__name__} {value!r}; "
            "use Euros.parse('12,34') for text"
        )
    raise InvalidValue(
        f"Euros takes whole cents as an int, got {type(value).__name__} {value!r}"
    )


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
        object.__setattr__(self, "cents", cents)

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
        return _make(euros * 100)

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
                f"Euros.parse takes a str such as '1 234,50 €', got {type(text).__name__} {text!r}"
            )
        match = _AMOUNT.match(text.strip())
        if match is None:
            raise InvalidValue(
                f"not an amount in euros: {text!r}; accepted forms are '1234.5', '1234,50' "
                "and '1 234,50 €'"
            )
        decimals = match["dec"] or ""
        if len(decimals) > 2:
            raise InvalidValue(
                f"{text!r} has {len(decimals)} decimals; an amount in euros has at most two "
                "(whole cents), and formation never rounds silently"
            )
        units = int(re.sub(r"\D", "", match["int"]))
        cents = units * 100 + int(decimals.ljust(2, "0"))
        return _make(-cents if match["sign"] else cents)

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
        raise AttributeError(f"Euros is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"Euros is immutable; cannot delete {name!r}")

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
            return _make(self.cents * factor)
        if isinstance(factor, (bool, float, Decimal)):
            raise TypeError(
                f"Euros can only be multiplied by an int, not {type(factor).__name__} "
                f"{factor!r}; use allocate() or a named rounding function to divide"
            )
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
    raise TypeError(f"cannot compare Euros with {type(other).__name__} {other!r}")


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
        TypeError: ``total`` is not ``Euros``.
    """
    if not isinstance(total, Euros):
        raise TypeError(f"allocate() splits Euros, got {type(total).__name__} {total!r}")
    if isinstance(weights, (str, bytes)) or not isinstance(weights, Sequence):
        raise InvalidValue(f"weights must be a sequence of ints, got {weights!r}")
    for weight in weights:
        if type(weight) is not int or weight < 0:
            raise InvalidValue(
                f"weights must be non-negative ints, got {weight!r} in {list(weights)!r}"
            )
    whole = sum(weights)
    if whole == 0:
        raise InvalidValue(f"weights need at least one positive value, got {list(weights)!r}")
    sign = -1 if total.cents < 0 else 1
    amount = abs(total.cents)
    shares = [divmod(amount * w, whole) for w in weights]
    left = amount - sum(q for q, _ in shares)
    ranked = sorted(range(len(shares)), key=lambda i: (-shares[i][1], i))
    bonus = set(ranked[:left])
    return tuple(
        _make(sign * (q + (1 if i in bonus else 0))) for i, (q, _) in enumerate(shares)
    )
