"""Euros and allocate: exact money, French rendering, largest-remainder splits."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formation import Euros, InvalidValue, allocate

cents = st.integers(min_value=-10**12, max_value=10**12)
amounts = cents.map(Euros)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.5", 123450),
        ("1234,50", 123450),
        ("1 234,50 €", 123450),
        ("1\u202f234,50\u00a0€", 123450),
        ("1\u00a0234,5 €", 123450),
        ("12 345 678,09 EUR", 1234567809),
        ("0", 0),
        ("-12,3", -1230),
        ("  7  ", 700),
        ("103,20 €", 10320),
    ],
)
def test_parse_reads_the_forms_people_write(text: str, expected: int) -> None:
    assert Euros.parse(text) == Euros(expected)


@pytest.mark.parametrize(
    "text", ["1,234", "12.345", "1.001", "", "€", "1 23,00", "1,2,3", "abc", "12.", "1e3",
             "1_000", "--1", "1 234.567 €"],
)
def test_parse_refuses_anything_else_with_invalid_value(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        Euros.parse(text)
    assert repr(text) in str(caught.value)


def test_more_than_two_decimals_is_refused_not_rounded() -> None:
    with pytest.raises(InvalidValue, match="3 decimals"):
        Euros.parse("10,005")


def test_str_is_french() -> None:
    assert str(Euros(123450)) == "1 234,50 €"
    assert str(Euros(-5)) == "-0,05 €"
    assert str(Euros(100000000)) == "1 000 000,00 €"
    assert str(Euros.zero()) == "0,00 €"


@pytest.mark.parametrize("bad", [1.5, True, False, Decimal("1.00"), 0.0])
def test_floats_bools_and_decimals_are_type_errors(bad: object) -> None:
    with pytest.raises(TypeError):
        Euros(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Euros(100) * bad  # type: ignore[operator]


@pytest.mark.parametrize("bad", ["100", None, [1], Fraction(1, 2)])
def test_other_types_are_invalid_values(bad: object) -> None:
    with pytest.raises(InvalidValue):
        Euros(bad)  # type: ignore[arg-type]


def test_euros_is_immutable_and_hashable() -> None:
    amount = Euros(5)
    with pytest.raises(AttributeError):
        amount.cents = 6  # type: ignore[misc]
    assert {Euros(5), Euros(5)} == {Euros(5)}
    assert Euros(5) != 5


def test_mixing_euros_and_plain_numbers_is_refused() -> None:
    with pytest.raises(TypeError):
        Euros(5) + 5  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = Euros(5) < 6  # type: ignore[operator]


def test_to_decimal_is_exact() -> None:
    assert Euros(123456).to_decimal() == Decimal("1234.56")
    assert Euros.whole(500) == Euros(50000)
    assert sum([Euros(1), Euros(2)]) == Euros(3)


@given(amounts)
def test_parse_of_str_round_trips(amount: Euros) -> None:
    assert Euros.parse(str(amount)) == amount


@given(amounts)
def test_to_decimal_round_trips_through_parse(amount: Euros) -> None:
    assert Euros.parse(str(amount.to_decimal())) == amount


@given(amounts, amounts, amounts)
def test_addition_is_associative_and_commutative(a: Euros, b: Euros, c: Euros) -> None:
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a
    assert a + Euros.zero() == a
    assert a - a == Euros.zero()
    assert -(-a) == a
    assert (a + b) - b == a


@given(amounts, st.integers(-1000, 1000), st.integers(-1000, 1000))
def test_multiplication_distributes(a: Euros, m: int, n: int) -> None:
    assert a * (m + n) == a * m + a * n
    assert m * a == a * m


@given(amounts, amounts)
def test_ordering_follows_cents(a: Euros, b: Euros) -> None:
    assert (a < b) == (a.cents < b.cents)
    assert (a <= b) == (a.cents <= b.cents)
    assert (a == b) == (hash(a) == hash(b) and a.cents == b.cents)


@given(st.floats(allow_nan=True))
def test_every_float_is_refused(value: float) -> None:
    with pytest.raises(TypeError):
        Euros(value)  # type: ignore[arg-type]


@given(st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.binary(),
                 st.lists(st.integers()), st.decimals()))
def test_parse_only_ever_raises_invalid_value(value: object) -> None:
    try:
        result = Euros.parse(value)  # type: ignore[arg-type]
    except InvalidValue:
        return
    assert isinstance(result, Euros)


@given(st.text(alphabet="0123456789 ,.€-\u00a0\u202fE", max_size=20))
def test_parse_on_amount_like_text_only_raises_invalid_value(text: str) -> None:
    with contextlib.suppress(InvalidValue):
        Euros.parse(text)


# -- allocate -----------------------------------------------------------------------------

def test_allocate_gives_the_extra_cent_to_the_lower_index() -> None:
    assert allocate(Euros(100), [1, 1, 1]) == (Euros(34), Euros(33), Euros(33))
    assert allocate(Euros(5), [1, 1]) == (Euros(3), Euros(2))
    assert allocate(Euros(-100), [1, 1, 1]) == (Euros(-34), Euros(-33), Euros(-33))


def test_allocate_follows_largest_remainder_not_index_order() -> None:
    # exact shares 0.3, 0.7 → the 0.7 gets the cent.
    assert allocate(Euros(1), [3, 7]) == (Euros(0), Euros(1))


@pytest.mark.parametrize("weights", [[], [0, 0], [-1, 2], [1.5, 1], [True, 1], "12"])
def test_allocate_refuses_bad_weights(weights: object) -> None:
    with pytest.raises(InvalidValue):
        allocate(Euros(100), weights)  # type: ignore[arg-type]


def test_allocate_refuses_a_non_euros_total() -> None:
    with pytest.raises(TypeError):
        allocate(100, [1])  # type: ignore[arg-type]


weights_st = st.lists(st.integers(0, 10_000), min_size=1, max_size=12).filter(any)


@given(amounts, weights_st)
def test_allocated_parts_sum_to_the_total(total: Euros, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts, Euros.zero()) == total


@given(amounts, weights_st)
def test_each_part_is_within_one_cent_of_its_exact_share(total: Euros, weights: list[int]) -> None:
    whole = sum(weights)
    for part, weight in zip(allocate(total, weights), weights, strict=True):
        exact = Fraction(total.cents * weight, whole)
        assert abs(part.cents - exact) < 1
        if weight == 0:
            assert part == Euros.zero()


@given(amounts, weights_st)
def test_allocate_is_deterministic(total: Euros, weights: list[int]) -> None:
    assert allocate(total, weights) == allocate(total, list(weights))
