"""The funding plan: rights, top-ups, the flat participation and the card (cpf-rules.md 3, 4)."""

from __future__ import annotations

from datetime import date

import pytest

from formation import ActionType, Euros, Funder, RuleViolation, TopUp, plan_funding

E = Euros.whole


@pytest.mark.parametrize(
    ("price", "balance", "rights", "card"),
    [
        # moneyvox 2024 (cpf-rules.md section 4): 1 000 € with a balance ≥ 1 000 € → 900 + 100.
        (E(1000), E(1000), E(900), E(100)),
        (E(1000), E(5000), E(900), E(100)),
        # moneyvox: balance 950 € → still 900 € of rights and 100 € by card.
        (E(1000), E(950), E(900), E(100)),
        # digital-langues 2026: rights short by more than the participation → absorbed.
        (E(1000), E(500), E(500), E(500)),
    ],
)
def test_published_examples_of_the_flat_participation(
    price: Euros, balance: Euros, rights: Euros, card: Euros
) -> None:
    plan = plan_funding(price, balance=balance, on=date(2024, 6, 1))
    assert (plan.rights_used, plan.card_payment, plan.participation) == (rights, card, E(100))
    assert plan.rights_used + plan.top_ups_used + plan.card_payment == price


def test_a_light_licence_without_co_funding_is_refused_from_26_february_2026() -> None:
    # Loi de finances 2026 art. 203.
    with pytest.raises(RuleViolation) as caught:
        plan_funding(E(1200), balance=E(2000), on=date(2026, 2, 26),
                     action_type=ActionType.DRIVING_LICENCE_LIGHT)
    assert caught.value.codes == ("funding.driving_licence_cofunding",)
    plan = plan_funding(E(1200), balance=E(2000), on=date(2026, 2, 26),
                        action_type=ActionType.DRIVING_LICENCE_LIGHT,
                        top_ups=[TopUp(Funder.REGION, E(100))])
    assert plan.rights_used == E(900)
