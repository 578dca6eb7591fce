"""Refunds of a funding plan (cpf-rules.md 5.2, 5.3, 12.1–12.2)."""

from __future__ import annotations

from datetime import date

from formation import Ending, Euros, Funder, TopUp, plan_funding, refund_plan

E = Euros.whole
PLAN = plan_funding(E(2000), balance=E(1200), on=date(2025, 3, 3),
                    top_ups=[TopUp(Funder.REGION, E(500), reference="R1")])


def test_a_cancellation_in_time_gives_everything_back() -> None:
    # CGU 2019 (cpf-rules.md 5.2): rights re-credited and card payments refunded.
    refund = refund_plan(PLAN, 0)
    assert refund.rights_recredited == PLAN.rights_used
    assert refund.top_ups_returned_by_funder == {Funder.REGION: E(500)}
    assert refund.card_refunded == PLAN.card_payment
    assert refund.kept == E(0)


def test_a_no_show_keeps_the_whole_price_by_default() -> None:
    # certi-cpf (cpf-rules.md 5.2): the full price is debited on a no-show.
    refund = refund_plan(PLAN, 0, at_fault=Ending.NO_SHOW)
    assert refund.refunded == E(0) and refund.kept == PLAN.price
