"""Refunds of a funding plan (cpf-rules.md 5.2, 5.3, and 12 items 1 and 2).

Where the law is unknown the behaviour is a rulebook parameter; the tests below pin the default
choices and show that overriding the parameters changes them.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from formation import (
    Ending,
    Euros,
    Funder,
    InvalidValue,
    LineKind,
    Refund,
    RefundLine,
    Rulebook,
    TopUp,
    plan_funding,
    refund_plan,
)
from formation.refunds import kept_share
from formation.testing import strategies as fst
from formation.testing.strategies import FundingSituation

E = Euros.whole
BOOK = Rulebook.default()
# 2 000 € ordered on 3 March 2025 with 1 200 € of rights and a 500 € region top-up:
# rights 1 200 €, region 500 €, participation 102,23 €, complement 197,77 €.
PLAN = plan_funding(E(2000), balance=E(1200), on=date(2025, 3, 3),
                    top_ups=[TopUp(Funder.REGION, E(500), reference="R1")])


def test_the_example_plan_is_as_described() -> None:
    assert [line.amount for line in PLAN.lines] == [E(1200), E(500), Euros(10223), Euros(19777)]


def test_a_cancellation_in_time_gives_everything_back() -> None:
    # CGU 2019 (cpf-rules.md 5.2): rights re-credited and card payments refunded.
    refund = refund_plan(PLAN, 0)
    assert refund.rights_recredited == E(1200)
    assert refund.top_ups_returned_by_funder == {Funder.REGION: E(500)}
    assert refund.card_refunded == PLAN.card_payment
    assert refund.kept == Euros(0) and refund.refunded == PLAN.price
    assert [line.reference for line in refund.lines] == ["", "R1", "", ""]


def test_a_no_show_keeps_the_whole_price_by_default() -> None:
    # certi-cpf (cpf-rules.md 5.2): the full price is debited on a no-show.
    refund = refund_plan(PLAN, 0, at_fault=Ending.NO_SHOW)
    assert refund.refunded == Euros(0) and refund.kept == PLAN.price


def test_a_late_cancellation_keeps_the_rulebook_share() -> None:
    # cpformation (5.2): "100 % of the price" by default; a what-if rulebook keeps half.
    assert refund_plan(PLAN, 0, at_fault=Ending.LATE_CANCELLATION).kept == PLAN.price
    half = BOOK.with_change(effective=date(2025, 1, 1), late_cancellation_debit_rate=Fraction(1, 2))
    refund = refund_plan(PLAN, 0, at_fault=Ending.LATE_CANCELLATION, rulebook=half)
    # The participation is kept in full; half of the other 1 897,77 € is kept (half up).
    assert refund.kept == Euros(10223) + Euros(94889)
    assert refund.lines[2].refunded == Euros(0)


def test_partial_completion_without_fault_refunds_the_uncompleted_part() -> None:
    # EDOF help (5.3): the completion rate drives what is re-credited; split prorata (a choice).
    refund = refund_plan(PLAN, 40)
    # 60 % of 1 897,77 € = 1 138,662 → 1 138,66 € back, by largest remainder over the sources.
    assert refund.refunded == Euros(113866)
    assert refund.rights_recredited == E(720)
    assert refund.top_ups_returned == E(300)
    assert refund.card_refunded == Euros(11866)
    assert refund.lines[2].kind is LineKind.PARTICIPATION and refund.lines[2].refunded == Euros(0)


def test_partial_completion_with_the_holder_at_fault_keeps_everything_by_default() -> None:
    # holder_fault_uncompleted_charge_rate = 1 (U, cpf-rules.md 12.2).
    assert refund_plan(PLAN, 40, at_fault=True).refunded == Euros(0)
    lenient = BOOK.with_change(effective=date(2025, 1, 1),
                               holder_fault_uncompleted_charge_rate=Fraction(1, 2))
    refund = refund_plan(PLAN, 40, at_fault=True, rulebook=lenient)
    # kept share 40 % + 60 % × 1/2 = 70 %; 30 % of 1 897,77 € = 569,331 → 569,33 € back.
    assert refund.refunded == Euros(56933)


def test_the_participation_can_be_prorated_instead() -> None:
    prorate = BOOK.with_change(effective=date(2025, 1, 1),
                               flat_participation_kept_when_charged=False)
    refund = refund_plan(PLAN, 50, rulebook=prorate)
    assert refund.refunded == E(1000)
    assert refund.lines[2].refunded == Euros(5112)  # 51,115 € rounded by largest remainder


def test_the_kept_part_is_rounded_half_up() -> None:
    plan = plan_funding(Euros(1001), balance=E(100), on=date(2023, 1, 1))
    assert refund_plan(plan, 50).kept == Euros(501)  # 5,005 € kept → 5,01 €
    assert refund_plan(plan, 50).refunded == Euros(500)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((101,), {}),
        ((-1,), {}),
        ((True,), {}),
        ((50.0,), {}),
        ((10,), {"at_fault": Ending.NO_SHOW}),
        ((10,), {"at_fault": "holder"}),
        ((10,), {"on": datetime(2025, 3, 3, tzinfo=timezone.utc)}),
    ],
)
def test_bad_input_is_refused(args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidValue):
        refund_plan(PLAN, *args, **kwargs)  # type: ignore[arg-type]


def test_a_refund_built_by_hand_must_match_its_plan() -> None:
    with pytest.raises(InvalidValue):
        Refund(PLAN, 0, Ending.NO_FAULT, ())
    with pytest.raises(InvalidValue):
        RefundLine(LineKind.RIGHTS, paid=E(10), refunded=E(11))


def test_kept_share_by_ending() -> None:
    day = date(2025, 6, 1)
    assert kept_share(0, Ending.NO_FAULT, on=day) == 0
    assert kept_share(75, Ending.NO_FAULT, on=day) == Fraction(3, 4)
    assert kept_share(75, Ending.HOLDER_FAULT, on=day) == 1
    assert kept_share(0, Ending.NO_SHOW, on=day) == 1


def test_explain_in_both_languages_with_the_rules_behind_the_share() -> None:
    refund = refund_plan(PLAN, 40)
    assert "taux de réalisation 40 %" in refund.explain()
    assert "rendu 720,00 €" in refund.explain()
    assert "completion rate 40 %" in refund.explain("en")
    assert "kept whenever part of the price is charged: yes" in refund.explain("en")
    no_show = refund_plan(PLAN, 0, at_fault=Ending.NO_SHOW).explain()
    assert "Part du prix débitée en cas d'absence injustifiée : 1 — https://www.certi-cpf.fr" in (
        no_show)
    lenient = BOOK.with_change(effective=date(2025, 1, 1),
                               holder_fault_uncompleted_charge_rate=Fraction(1, 2))
    assert ": 1/2 — what-if change [U]" in refund_plan(PLAN, 40, at_fault=True,
                                                       rulebook=lenient).explain("en")


# -- laws ------------------------------------------------------------------------------------


@given(fst.funding_situations())
def test_a_cancelled_plan_restores_every_source_exactly(situation: FundingSituation) -> None:
    plan = situation.plan()
    refund = refund_plan(plan, 0)
    assert all(line.refunded == line.paid for line in refund.lines)
    assert refund.rights_recredited == plan.rights_used
    assert refund.top_ups_returned_by_funder == plan.top_ups_by_funder
    assert refund.card_refunded == plan.card_payment


@given(fst.funding_situations(), st.integers(0, 100), st.sampled_from([False, True]))
def test_a_refund_never_gives_back_more_than_was_paid(
    situation: FundingSituation, rate: int, holder_fault: bool
) -> None:
    plan = situation.plan()
    refund = refund_plan(plan, rate, at_fault=holder_fault)
    assert all(Euros(0) <= line.refunded <= line.paid for line in refund.lines)
    assert refund.refunded + refund.kept == plan.price
    assert refund.rights_recredited <= plan.rights_used
    # attrs validators accept it, and it is exactly what was computed
    assert attrs.evolve(refund) == refund


@given(fst.funding_situations(), st.integers(0, 99))
def test_more_completion_never_refunds_more(situation: FundingSituation, rate: int) -> None:
    plan = situation.plan()
    assert refund_plan(plan, rate + 1).refunded <= refund_plan(plan, rate).refunded


@given(fst.funding_situations(), st.integers(0, 100))
def test_the_kept_part_is_the_completed_share_of_the_price(
    situation: FundingSituation, rate: int
) -> None:
    plan = situation.plan()
    refund = refund_plan(plan, rate)
    base = plan.price - (plan.participation if rate else Euros(0))
    exact = Fraction(base.cents * rate, 100)
    assert abs(Fraction((refund.kept - (plan.price - base)).cents) - exact) <= Fraction(1, 2)


rates = st.fractions(min_value=0, max_value=1, max_denominator=1000)


@given(fst.funding_situations(), st.integers(0, 100), st.sampled_from(list(Ending)), rates,
       rates, rates, st.booleans())
def test_refund_laws_hold_under_what_if_rates(
    situation: FundingSituation, rate: int, ending: Ending, late: Fraction, no_show: Fraction,
    holder: Fraction, keep_participation: bool,
) -> None:
    book = BOOK.with_change(
        effective=date(2015, 1, 1), late_cancellation_debit_rate=late, no_show_debit_rate=no_show,
        holder_fault_uncompleted_charge_rate=holder,
        flat_participation_kept_when_charged=keep_participation)
    plan = situation.plan()
    if ending in (Ending.LATE_CANCELLATION, Ending.NO_SHOW):
        rate = 0
    refund = refund_plan(plan, rate, at_fault=ending, rulebook=book)
    assert all(Euros(0) <= line.refunded <= line.paid for line in refund.lines)
    assert refund.refunded + refund.kept == plan.price
    share = kept_share(rate, ending, on=plan.on, rulebook=book)
    if share == 0:
        assert refund.kept == Euros(0)
    if share == 1:
        assert refund.refunded == Euros(0)


# -- the card credit (cpf-rules.md 5.2 and 14.5) ------------------------------------------------

@pytest.mark.parametrize("ending", [Ending.LATE_CANCELLATION, Ending.NO_SHOW])
def test_the_card_paid_on_a_late_cancellation_or_a_no_show_is_kept_as_a_credit(
        ending: Ending) -> None:
    # maformation, certi-cpf (5.2; section 14 item 5): not refunded, not lost, an avoir.
    refund = refund_plan(PLAN, 0, at_fault=ending)
    assert refund.card_refunded == Euros(0)
    assert refund.card_credit == PLAN.card_payment == Euros(10223) + Euros(19777)


def test_a_card_credit_is_what_the_card_keeps_when_part_of_the_price_is_given_back() -> None:
    half = BOOK.with_change(effective=date(2025, 1, 1), late_cancellation_debit_rate=Fraction(1, 2))
    refund = refund_plan(PLAN, 0, at_fault=Ending.LATE_CANCELLATION, rulebook=half)
    assert refund.card_credit == PLAN.card_payment - refund.card_refunded
    assert Euros(0) < refund.card_credit < PLAN.card_payment


@pytest.mark.parametrize("ending", [Ending.NO_FAULT, Ending.HOLDER_FAULT])
def test_no_other_ending_gives_a_card_credit(ending: Ending) -> None:
    assert refund_plan(PLAN, 40, at_fault=ending).card_credit == Euros(0)
    assert refund_plan(PLAN, 0).card_credit == Euros(0)


def test_a_rulebook_without_the_credit_keeps_the_card_payment_for_nothing() -> None:
    lost = BOOK.with_change(effective=date(2025, 1, 1), card_payment_kept_as_credit=False)
    assert refund_plan(PLAN, 0, at_fault=Ending.NO_SHOW, rulebook=lost).card_credit == Euros(0)
