"""The funding plan: rights, top-ups, the flat participation and the card (cpf-rules.md 3, 4).

Table tests cite the source of each expected figure; property tests state the laws every plan
obeys, over the situations of ``formation.testing.strategies.funding_situations``.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from formation import (
    ActionType,
    Euros,
    Exemption,
    Funder,
    FundingLine,
    FundingPlan,
    FundingSource,
    InvalidValue,
    LineKind,
    Option,
    Rulebook,
    RuleViolation,
    TopUp,
    TopUpKind,
    funding_violations,
    plan_funding,
)
from formation.funding import rights_cap
from formation.ids import EntryId
from formation.ledger import Entry, EntryKind
from formation.testing import strategies as fst
from formation.testing.strategies import FundingSituation

E = Euros.whole
BOOK = Rulebook.default()


def plan(price: Euros, balance: Euros, on: date, **kwargs: object) -> FundingPlan:
    return plan_funding(price, balance=balance, on=on, **kwargs)  # type: ignore[arg-type]


# -- published examples and boundaries -------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "balance", "rights", "card"),
    [
        # moneyvox 2024 (cpf-rules.md section 4): 1 000 € with a balance ≥ 1 000 € → 900 + 100.
        (E(1000), E(1000), E(900), E(100)),
        (E(1000), E(5000), E(900), E(100)),
        # moneyvox: balance 950 € → still 900 € of rights and 100 € by card (50 € stay).
        (E(1000), E(950), E(900), E(100)),
        # digital-langues 2026 (section 4): rights short by more than the participation → the
        # participation is absorbed in the larger card payment, not added on top.
        (E(1000), E(500), E(500), E(500)),
        (E(1000), E(0), E(0), E(1000)),
    ],
)
def test_published_examples_of_the_flat_participation(
    price: Euros, balance: Euros, rights: Euros, card: Euros
) -> None:
    result = plan(price, balance, date(2024, 6, 1))
    assert (result.rights_used, result.card_payment, result.participation) == (
        rights, card, E(100))
    assert result.rights_used + result.top_ups_used + result.card_payment == price


@pytest.mark.parametrize(
    ("day", "participation"),
    [
        # Décret n° 2024-394: in force on 2 May 2024, 100 €.
        (date(2024, 5, 1), Euros(0)),
        (date(2024, 5, 2), Euros(10000)),
        (date(2024, 12, 31), Euros(10000)),
        # Arrêté of 26 Dec 2024: 102,23 € from 1 January 2025.
        (date(2025, 1, 1), Euros(10223)),
        (date(2025, 12, 31), Euros(10223)),
        # Arrêté of 30 Dec 2025 (JO 1 Jan 2026): 103,20 €.
        (date(2026, 1, 1), Euros(10320)),
    ],
)
def test_the_participation_follows_its_dates(day: date, participation: Euros) -> None:
    result = plan(E(1000), E(5000), day)
    assert result.participation == participation
    assert result.rights_used == E(1000) - participation
    assert result.card_payment == participation


def test_a_price_under_the_participation_is_all_participation() -> None:
    # Section 4: the participation is never more than the price.
    result = plan(E(50), E(5000), date(2025, 6, 1))
    assert (result.rights_used, result.participation, result.card_payment) == (
        E(0), E(50), E(50))
    assert result.flat_participation == Euros(10223)


def test_a_balance_exactly_the_price_less_the_participation_leaves_no_complement() -> None:
    # moneyvox: price − participation is the most the rights pay.
    result = plan(E(1000), Euros(89777), date(2025, 6, 1))
    assert result.rights_used == Euros(89777)
    assert result.holder_complement == Euros(0)
    assert [line.kind for line in result.lines] == [LineKind.RIGHTS, LineKind.PARTICIPATION]
    one_cent_short = plan(E(1000), Euros(89776), date(2025, 6, 1))
    assert one_cent_short.holder_complement == Euros(1)
    assert one_cent_short.card_payment == Euros(10224)


@pytest.mark.parametrize(
    ("action", "day", "rights"),
    [
        # Décret n° 2026-127 (D6323-1 A), in force 26 Feb 2026; price 3 000 €, balance 5 000 €.
        (ActionType.RS, date(2026, 2, 25), Euros(289680)),
        (ActionType.RS, date(2026, 2, 26), E(1500)),
        (ActionType.CLEA, date(2026, 2, 26), Euros(289680)),
        (ActionType.SKILLS_ASSESSMENT, date(2026, 2, 25), Euros(289680)),
        (ActionType.SKILLS_ASSESSMENT, date(2026, 2, 26), E(1600)),
        (ActionType.RNCP, date(2026, 2, 26), Euros(289680)),
    ],
)
def test_per_action_caps_start_on_26_february_2026(
    action: ActionType, day: date, rights: Euros
) -> None:
    result = plan(E(3000), E(5000), day, action_type=action)
    assert result.rights_used == rights
    assert result.card_payment == E(3000) - rights
    assert result.capped is (rights in (E(1500), E(1600)))


def test_the_light_licence_cap_is_900_euros_with_co_funding() -> None:
    # Décret n° 2026-127: 900 €; loi de finances 2026 art. 203: third-party co-funding ≥ 100 €.
    result = plan(E(2000), E(5000), date(2026, 3, 2),
                  action_type=ActionType.DRIVING_LICENCE_LIGHT,
                  top_ups=[TopUp(Funder.REGION, E(150), reference="R")])
    assert result.rights_used == E(900)
    assert result.top_ups_used == E(150)
    assert result.participation == Euros(10320)
    assert result.card_payment == E(2000) - E(900) - E(150)


def test_the_licence_co_funding_alone_does_not_make_a_plan_capped() -> None:
    # 1 103,20 € − 103,20 € participation − 100 € co-funding leaves exactly the 900 € cap.
    exact = plan(Euros(110320), E(5000), date(2026, 3, 2),
                 action_type=ActionType.DRIVING_LICENCE_LIGHT,
                 top_ups=[TopUp(Funder.REGION, E(500))])
    assert exact.rights_used == E(900) and exact.top_ups_used == E(100)
    assert not exact.capped
    above = plan(Euros(110321), E(5000), date(2026, 3, 2),
                 action_type=ActionType.DRIVING_LICENCE_LIGHT,
                 top_ups=[TopUp(Funder.REGION, E(500))])
    assert above.capped


def test_a_light_licence_without_co_funding_is_refused_from_21_february_2026() -> None:
    # Loi de finances 2026 art. 203 (JO 20 Feb 2026, in force the 21st; cpf-rules.md 4.1 and
    # 14 item 4): job seekers, or a third party co-funds (100 €, a draft figure, U).
    with pytest.raises(RuleViolation) as caught:
        plan(E(1200), E(2000), date(2026, 2, 21), action_type=ActionType.DRIVING_LICENCE_LIGHT)
    assert caught.value.codes == ("funding.driving_licence_cofunding",)
    with pytest.raises(RuleViolation) as caught:
        plan(E(1200), E(2000), date(2026, 2, 26), action_type=ActionType.DRIVING_LICENCE_LIGHT)
    assert caught.value.codes == ("funding.driving_licence_cofunding",)
    assert "100,00 €" in str(caught.value)
    with pytest.raises(RuleViolation):
        plan(E(1200), E(2000), date(2026, 2, 26), action_type=ActionType.DRIVING_LICENCE_LIGHT,
             top_ups=[TopUp(Funder.REGION, Euros(9999))])
    with pytest.raises(RuleViolation):  # the holder's own money is not third-party co-funding
        plan(E(1200), E(2000), date(2026, 2, 26), action_type=ActionType.DRIVING_LICENCE_LIGHT,
             top_ups=[TopUp(Funder.HOLDER, E(500))])


def test_a_light_licence_needs_no_co_funding_before_the_law_nor_for_a_job_seeker() -> None:
    # The day before the law (20 Feb 2026): no co-funding needed, no cap yet.
    before = plan(E(1200), E(2000), date(2026, 2, 20),
                  action_type=ActionType.DRIVING_LICENCE_LIGHT)
    assert before.rights_used == E(1200) - Euros(10320)
    assert not funding_violations(E(1200), on=date(2026, 2, 20),
                                  action_type=ActionType.DRIVING_LICENCE_LIGHT)
    job_seeker = plan(E(1200), E(2000), date(2026, 2, 26), job_seeker=True,
                      action_type=ActionType.DRIVING_LICENCE_LIGHT)
    assert job_seeker.rights_used == E(900) and job_seeker.participation == Euros(0)


def test_the_licence_co_funding_is_drawn_even_when_rights_would_pay() -> None:
    # Without drawing it the plan would not meet the condition it checks (a choice, documented).
    result = plan(E(800), E(5000), date(2026, 3, 2), action_type=ActionType.DRIVING_LICENCE_LIGHT,
                  top_ups=[TopUp(Funder.FRANCE_TRAVAIL, E(300))])
    assert result.top_ups_by_funder == {Funder.FRANCE_TRAVAIL: E(100)}
    assert result.rights_used == E(800) - E(100) - Euros(10320)


# -- exemptions ------------------------------------------------------------------------------


def test_a_job_seeker_pays_no_participation() -> None:
    # Décret n° 2024-394: job seekers are exempt.
    result = plan(E(1000), E(5000), date(2025, 6, 1), job_seeker=True)
    assert result.rights_used == E(1000) and result.card_payment == Euros(0)
    assert result.exemption is Exemption.JOB_SEEKER


@pytest.mark.parametrize("funder", [Funder.EMPLOYER, Funder.AGREEMENT, Funder.C2P, Funder.AT_MP])
def test_an_exempting_top_up_that_is_drawn_exempts(funder: Funder) -> None:
    # Décret n° 2024-394: employer or agreement co-funding, C2P points, AT/MP retraining.
    result = plan(E(1500), E(1000), date(2025, 6, 1), top_ups=[TopUp(funder, E(800))])
    assert result.rights_used == E(1000)
    assert result.top_ups_used == E(500)
    assert result.card_payment == Euros(0)
    assert (result.exemption, result.exempting_funder) == (Exemption.FUNDER, funder)


def test_a_region_top_up_does_not_exempt() -> None:
    result = plan(E(1500), E(1000), date(2025, 6, 1), top_ups=[TopUp(Funder.REGION, E(800))])
    assert result.rights_used == E(1000)
    assert result.top_ups_used == E(1500) - E(1000) - Euros(10223)
    assert result.participation == Euros(10223) and result.exemption is None


def test_an_employer_top_up_left_undrawn_does_not_exempt() -> None:
    # The decree exempts a training that receives the top-up; rights paying all, it is not drawn.
    result = plan(E(1000), E(5000), date(2025, 6, 1), top_ups=[TopUp(Funder.EMPLOYER, E(500))])
    assert result.top_ups_used == Euros(0)
    assert result.participation == Euros(10223)


def test_declared_employer_co_funding_exempts() -> None:
    result = plan(E(1000), E(5000), date(2025, 6, 1), employer_co_funding=True)
    assert result.exemption is Exemption.DECLARED_CO_FUNDING
    assert result.rights_used == E(1000)


@pytest.mark.parametrize(("percent", "exempt"), [(None, True), (9, False), (10, True), (40, True)])
def test_the_at_mp_top_up_exempts_from_10_percent_incapacity(
    percent: int | None, exempt: bool
) -> None:
    # L432-12 CSS, décret n° 2024-394: permanent incapacity of at least 10 %.
    result = plan(E(1500), E(1000), date(2025, 6, 1), top_ups=[TopUp(Funder.AT_MP, E(800))],
                  at_mp_incapacity_percent=percent)
    assert (result.participation == Euros(0)) is exempt


def test_no_exemption_is_recorded_before_the_participation_exists() -> None:
    result = plan(E(1000), E(5000), date(2024, 1, 10), job_seeker=True)
    assert result.exemption is None and result.rights_used == E(1000)


# -- top-ups ---------------------------------------------------------------------------------


def test_top_ups_are_used_after_the_rights_in_priority_order() -> None:
    # cpformation (section 3): rights first, then top-ups in the arrêté's order.
    tops = [TopUp(Funder.REGION, E(400), reference="R"), TopUp(Funder.OPCO, E(300), reference="O")]
    result = plan(E(2200), E(1200), date(2025, 6, 1), top_ups=tops)
    assert [(line.kind, line.funder) for line in result.lines] == [
        (LineKind.RIGHTS, None), (LineKind.TOP_UP, Funder.OPCO), (LineKind.TOP_UP, Funder.REGION),
        (LineKind.PARTICIPATION, None), (LineKind.HOLDER_COMPLEMENT, None)]
    assert [line.reference for line in result.top_up_lines] == ["O", "R"]
    assert result.top_ups_by_funder == {Funder.OPCO: E(300), Funder.REGION: E(400)}


def test_the_priority_order_is_a_rulebook_parameter() -> None:
    book = BOOK.with_change(effective=date(2025, 1, 1),
                            top_up_priority=(Funder.REGION, Funder.OPCO))
    tops = [TopUp(Funder.OPCO, E(300)), TopUp(Funder.REGION, E(400))]
    result = plan(E(1500), E(1000), date(2025, 6, 1), top_ups=tops, rulebook=book)
    assert result.top_ups_by_funder == {Funder.REGION: E(1500) - E(1000) - Euros(10223)}


def test_an_earmarked_top_up_pays_only_for_what_it_names() -> None:
    # Décret du 14 avril 2025 (section 3): a funder may restrict its top-up to chosen trainings.
    top_up = TopUp(Funder.REGION, E(500), earmarked_certifications=frozenset({"RS6204"}))
    other = plan(E(1500), E(1000), date(2025, 6, 1), top_ups=[top_up],
                 certification_code="RS1234")
    named = plan(E(1500), E(1000), date(2025, 6, 1), top_ups=[top_up],
                 certification_code="RS6204")
    assert other.top_ups_used == Euros(0)
    assert "région fléché vers cette formation" in named.explain()
    assert "Décret du 14 avril 2025" in named.explain()
    assert named.top_ups_used == E(1500) - E(1000) - Euros(10223)


def test_an_earmark_before_17_april_2025_breaks_the_rules() -> None:
    top_up = TopUp(Funder.REGION, E(500), earmarked_offers=frozenset({"o-1"}))
    with pytest.raises(RuleViolation) as caught:
        plan(E(1500), E(1000), date(2025, 4, 16), top_ups=[top_up], offer_id="o-1")
    assert caught.value.codes == ("funding.earmark_not_in_force",)
    assert plan(E(1500), E(1000), date(2025, 4, 17), top_ups=[top_up],
                offer_id="o-1").top_ups_used > Euros(0)


# -- options, eligibility, input checks ------------------------------------------------------


def test_options_not_fundable_are_paid_by_card() -> None:
    chosen = (Option("o1", "Livre", E(40), cpf_fundable=False),
              Option("o2", "Examen", E(60), cpf_fundable=True))
    result = plan(E(1100), E(5000), date(2025, 6, 1), options=chosen)
    assert result.not_fundable == E(40)
    assert result.rights_used == E(1060) - Euros(10223)
    assert result.card_payment == E(40) + Euros(10223)


def test_options_worth_more_than_the_price_are_refused() -> None:
    with pytest.raises(InvalidValue, match="cost more than the price"):
        plan(E(10), E(0), date(2025, 6, 1), options=[Option("o", "x", E(20), cpf_fundable=False)])


def test_business_creation_is_refused_after_the_2025_budget_law() -> None:
    # Loi n° 2025-127 art. 190: removed from 16 February 2025.
    assert plan(E(500), E(5000), date(2025, 2, 15),
                action_type=ActionType.BUSINESS_CREATION).rights_used > Euros(0)
    with pytest.raises(RuleViolation) as caught:
        plan(E(500), E(5000), date(2025, 2, 16), action_type=ActionType.BUSINESS_CREATION)
    assert caught.value.codes == ("funding.action_not_eligible",)
    assert funding_violations(E(500), on=date(2025, 2, 16),
                              action_type=ActionType.BUSINESS_CREATION)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"price": Euros(-1)}, InvalidValue),
        ({"price": 1000}, InvalidValue),
        ({"balance": Euros(-5)}, InvalidValue),
        ({"on": datetime(2025, 6, 1, tzinfo=timezone.utc)}, InvalidValue),
        ({"job_seeker": 1}, InvalidValue),
        ({"action_type": "rncp"}, InvalidValue),
        ({"top_ups": [("employeur", 100)]}, InvalidValue),
        ({"at_mp_incapacity_percent": 120}, InvalidValue),
    ],
)
def test_bad_input_is_refused_with_invalid_value(kwargs: dict[str, object],
                                                 error: type[Exception]) -> None:
    arguments: dict[str, object] = {"price": E(1000), "balance": E(0), "on": date(2025, 6, 1)}
    arguments.update(kwargs)
    price = arguments.pop("price")
    with pytest.raises(error):
        plan_funding(price, **arguments)  # type: ignore[arg-type]


def test_rights_cap_reads_the_rulebook() -> None:
    rules = BOOK.at(date(2026, 2, 26))
    assert rights_cap(rules, ActionType.SKILLS_ASSESSMENT) == E(1600)
    assert rights_cap(rules, ActionType.VAE) is None


# -- the records -----------------------------------------------------------------------------


def test_a_plan_built_by_hand_must_sum_to_its_price() -> None:
    line = FundingLine(LineKind.RIGHTS, E(900))
    with pytest.raises(InvalidValue, match="sum to the price"):
        FundingPlan(E(1000), date(2025, 6, 1), ActionType.RNCP, E(5000), (line,))
    with pytest.raises(InvalidValue, match="exceed the balance"):
        FundingPlan(E(900), date(2025, 6, 1), ActionType.RNCP, E(800), (line,))
    with pytest.raises(InvalidValue):
        FundingLine(LineKind.TOP_UP, E(10))  # a top-up line names its funder
    with pytest.raises(InvalidValue):
        FundingLine(LineKind.RIGHTS, Euros(0))
    with pytest.raises(InvalidValue):
        FundingLine(LineKind.RIGHTS, E(10), funder="employeur")  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        FundingLine(LineKind.RIGHTS, E(10), parameters=("no_such_parameter",))


def test_explain_in_french_and_english_cites_the_rules() -> None:
    result = plan(E(2000), E(1200), date(2026, 3, 2), action_type=ActionType.RS,
                  top_ups=[TopUp(Funder.REGION, E(300), reference="R-1")])
    french = result.explain()
    english = result.explain("en")
    assert "1 200,00 €" in french and "Droits CPF" in french and "région [R-1]" in french
    assert "103,20 €" in french and "Arrêté du 30 décembre 2025" in french
    assert "CPF rights" in english and "Flat participation" in english
    assert "Source (Compulsory flat participation, C)" in english
    with pytest.raises(InvalidValue):
        result.explain("de")


def test_explain_names_the_cap_and_the_exemption() -> None:
    capped = plan(E(3000), E(5000), date(2026, 3, 2), action_type=ActionType.SKILLS_ASSESSMENT,
                  job_seeker=True)
    text = capped.explain()
    assert "plafonné à 1 600,00 €" in text and "demandeur d'emploi" in text
    assert "décret n° 2026-127" in text


# -- the order of use of décret n° 2025-1156 (cpf-rules.md 3 and 14 item 1) -----------------

DOTATION = TopUpKind.DOTATION


def employer_dotation(euros: int = 500) -> TopUp:
    return TopUp(Funder.EMPLOYER, E(euros), reference="dot-1", kind=DOTATION)


@pytest.mark.parametrize(
    ("day", "rights", "dotation", "participation", "exemption"),
    [
        # Until 4 Dec 2025 (cpformation): rights first; the dotation is not drawn, so the
        # employer's money does not exempt and the 102,23 € participation is due.
        (date(2025, 12, 4), Euros(89777), Euros(0), Euros(10223), None),
        # From 5 Dec 2025 (décret n° 2025-1156, R6333-3): the dotation first, then the rights;
        # the employer co-funds, so no participation (décret n° 2024-394).
        (date(2025, 12, 5), E(500), E(500), Euros(0), Exemption.FUNDER),
        # The example, today (2 Dec 2026): 2 000 € of rights, a 500 € employer
        # dotation, a 1 000 € training: 500 € of dotation, 500 € of rights, nothing by card
        # (the old order would have taken 896,80 € of rights and 103,20 € by card).
        (date(2026, 12, 2), E(500), E(500), Euros(0), Exemption.FUNDER),
    ],
)
def test_a_dotation_is_drawn_before_the_rights_from_5_december_2025(
    day: date, rights: Euros, dotation: Euros, participation: Euros, exemption: Exemption | None
) -> None:
    result = plan(E(1000), E(2000), day, top_ups=[employer_dotation()])
    assert result.rights_used == rights
    assert result.dotations_used == result.top_ups_used == dotation
    assert result.participation == result.card_payment == participation
    assert result.exemption is exemption
    assert result.rights_used + result.top_ups_used + result.card_payment == E(1000)
    if dotation:
        assert [(line.kind, line.top_up_kind) for line in result.lines] == [
            (LineKind.TOP_UP, DOTATION), (LineKind.RIGHTS, None)]
        assert result.unused_top_ups == ()
    else:
        assert result.unused_top_ups == (employer_dotation(),)


def test_the_old_order_of_use_keeps_2026_amounts_on_4_december_2025_plans() -> None:
    # The figure of the issue: on 2 Dec 2026 the old order would spend 896,80 € of rights.
    old = BOOK.with_change(effective=date(2025, 12, 5), source="the order until 4 Dec 2025",
                           order_of_use=(FundingSource.RIGHTS, FundingSource.TOP_UPS))
    result = plan(E(1000), E(2000), date(2026, 12, 2), top_ups=[employer_dotation()],
                  rulebook=old)
    assert (result.rights_used, result.participation) == (Euros(89680), Euros(10320))


def test_a_non_exempting_dotation_is_drawn_first_and_the_participation_is_due() -> None:
    # Décret n° 2025-1156: a region's dotation is tier 1°; the region does not exempt.
    region = TopUp(Funder.REGION, E(500), reference="reg", kind=DOTATION)
    result = plan(E(1000), E(2000), date(2025, 12, 5), top_ups=[region])
    assert result.dotations_used == E(500)
    assert result.rights_used == E(500) - Euros(10223)
    assert result.participation == Euros(10223)


def test_complementary_top_ups_come_after_the_rights_and_dotations_before() -> None:
    # R6333-3 I: 1° dotations (OPCO 300 €), 2° rights (1 200 €), 3° complementary (region).
    tops = [TopUp(Funder.REGION, E(400), reference="R"),
            TopUp(Funder.OPCO, E(300), reference="O", kind=DOTATION)]
    result = plan(E(1800), E(1200), date(2026, 3, 10), top_ups=tops)
    assert [(line.kind, line.funder, line.amount) for line in result.lines] == [
        (LineKind.TOP_UP, Funder.OPCO, E(300)), (LineKind.RIGHTS, None, E(1200)),
        (LineKind.TOP_UP, Funder.REGION, Euros(19680)), (LineKind.PARTICIPATION, None, Euros(10320))]
    assert [line.top_up_kind for line in result.top_up_lines] == [
        DOTATION, TopUpKind.COMPLEMENTARY]
    # The same order on 4 Dec 2025: the rights, then both top-ups by the funders' priority.
    before = plan(E(1800), E(1200), date(2025, 12, 4), top_ups=tops)
    assert [line.funder for line in before.lines] == [
        None, Funder.OPCO, Funder.REGION, None]


def test_explain_says_why_a_dotation_went_first_and_when_a_top_up_went_unused() -> None:
    # Décret n° 2025-1156 cited for the order; the complementary region top-up is not needed.
    result = plan(E(1000), E(2000), date(2026, 3, 10),
                  top_ups=[employer_dotation(300), TopUp(Funder.REGION, E(300), reference="R")])
    assert result.unused_top_ups == (TopUp(Funder.REGION, E(300), reference="R"),)
    french, english = result.explain(), result.explain("en")
    assert "dotation créditée sur le compte avant la commande" in french
    assert "utilisée avant les droits du titulaire" in french
    assert "Décret n° 2025-1156" in french
    assert "Non utilisé : abondement complémentaire région [R]" in french
    assert "Ordre de mobilisation depuis le 05/12/2025 : dotations, puis droits" in french
    assert "used before the holder's rights" in english
    assert "Unused: complementary top-up from region [R] of 300,00 €" in english
    old = plan(E(1000), E(5000), date(2025, 6, 1), top_ups=[employer_dotation()])
    text = old.explain()
    assert "Non utilisé : dotation employeur [dot-1]" in text
    assert "la participation forfaitaire reste donc due" in text


def test_a_ledger_top_up_is_a_dotation() -> None:
    # cpf-rules.md 3: money credited to the account before any booking is a dotation.
    entry = Entry(EntryId("t-1"), EntryKind.TOP_UP, E(500), date(2025, 1, 6), Funder.EMPLOYER)
    assert entry.as_top_up().kind is DOTATION
    assert TopUp(Funder.REGION, E(1)).kind is TopUpKind.COMPLEMENTARY
    with pytest.raises(InvalidValue, match="TopUpKind"):
        TopUp(Funder.REGION, E(1), kind="dotation")  # type: ignore[arg-type]


def test_a_top_up_line_names_its_kind_and_no_other_line_does() -> None:
    assert FundingLine(LineKind.TOP_UP, E(1), Funder.OPCO).top_up_kind is (
        TopUpKind.COMPLEMENTARY)
    with pytest.raises(InvalidValue, match="TopUpKind"):
        FundingLine(LineKind.RIGHTS, E(1), top_up_kind=DOTATION)
    with pytest.raises(InvalidValue, match="TopUpKind"):
        FundingLine(LineKind.TOP_UP, E(1), Funder.OPCO, top_up_kind="dotation")  # type: ignore[arg-type]


def test_an_order_of_use_that_misses_a_source_is_refused() -> None:
    book = BOOK.with_change(effective=date(2026, 1, 1),
                            order_of_use=(FundingSource.DOTATIONS, FundingSource.RIGHTS))
    with pytest.raises(InvalidValue, match="order_of_use names each source once"):
        plan(E(1000), E(2000), date(2026, 3, 1), rulebook=book)


def test_the_licence_needs_co_funding_from_21_february_but_its_cap_waits_for_the_26th() -> None:
    # Loi de finances 2026 art. 203 (21 Feb 2026); décret n° 2026-127 caps (26 Feb 2026).
    region = [TopUp(Funder.REGION, E(150), reference="R")]
    on_21 = plan(E(1200), E(2000), date(2026, 2, 21), top_ups=region,
                 action_type=ActionType.DRIVING_LICENCE_LIGHT)
    assert on_21.rights_cap is None
    assert on_21.top_ups_used == E(100) and on_21.rights_used == E(1100) - Euros(10320)
    on_26 = plan(E(1200), E(2000), date(2026, 2, 26), top_ups=region,
                 action_type=ActionType.DRIVING_LICENCE_LIGHT)
    assert on_26.rights_used == E(900) and on_26.top_ups_used == E(150)
    value = next(v for v in BOOK.history("light_driving_licence_min_cofunding")
                 if v.value is not None)
    assert (value.since, value.confidence.value) == (date(2026, 2, 21), "U")


# -- laws ------------------------------------------------------------------------------------


@given(fst.funding_situations())
def test_lines_sum_to_the_price_and_nothing_is_negative(situation: FundingSituation) -> None:
    result = situation.plan()
    assert sum(line.amount.cents for line in result.lines) == situation.price.cents
    assert result.rights_used + result.top_ups_used + result.card_payment == situation.price
    assert all(line.amount.cents > 0 for line in result.lines)
    assert result.participation <= result.card_payment


NEW_ORDER = date(2025, 12, 5)


@given(fst.funding_situations())
def test_dotations_come_before_the_rights_from_5_december_2025_and_after_them_before(
    situation: FundingSituation,
) -> None:
    # Décret n° 2025-1156 (R6333-3): dotations, rights, complementary top-ups; before it the
    # rights came first (cpformation). Nothing is negative, every earmark is respected.
    result = situation.plan()
    applicable = situation.applicable_top_ups()
    assert all(line.amount.cents > 0 for line in result.lines)
    assert {line.funder for line in result.top_up_lines} <= {t.funder for t in applicable}
    dotations = sum(t.amount.cents for t in applicable if t.kind is DOTATION)
    drawn = result.dotations_used.cents
    limit = situation.balance.cents if result.rights_cap is None else min(
        situation.balance.cents, result.rights_cap.cents)
    kinds = [line.kind for line in result.lines]
    if situation.on >= NEW_ORDER:
        if result.rights_used:
            assert drawn == dotations  # every dotation drawn in full before any right
            at = kinds.index(LineKind.RIGHTS)
            assert all(line.top_up_kind is DOTATION for line in result.lines[:at])
            assert all(line.top_up_kind is not DOTATION for line in result.lines[at + 1:])
    else:
        if result.top_ups_used:
            assert result.rights_used.cents == limit  # the rights were spent first
        if result.rights_used:
            assert kinds[0] is LineKind.RIGHTS


@given(fst.funding_situations(), st.sampled_from([date(2025, 12, 4), date(2025, 12, 5)]))
def test_the_lines_sum_to_the_price_on_both_sides_of_5_december_2025(
    situation: FundingSituation, day: date
) -> None:
    moved = attrs.evolve(situation, on=day)
    assume(moved.is_valid())
    result = moved.plan()
    assert sum(line.amount.cents for line in result.lines) == moved.price.cents
    assert result.rights_used + result.top_ups_used + result.card_payment == moved.price
    for top_up in result.unused_top_ups:  # an unused top-up applied to the order
        assert top_up in moved.applicable_top_ups()
    assert len(result.unused_top_ups) + len(result.top_up_lines) == len(
        moved.applicable_top_ups())


@given(fst.funding_situations())
def test_rights_never_exceed_the_balance_nor_the_cap(situation: FundingSituation) -> None:
    result = situation.plan()
    assert result.rights_used <= situation.balance
    cap = rights_cap(BOOK.at(situation.on), situation.action_type)
    if cap is not None:
        assert result.rights_used <= cap


@given(fst.funding_situations())
def test_the_card_pays_at_least_the_participation_when_not_exempt(
    situation: FundingSituation,
) -> None:
    result = situation.plan()
    rules = BOOK.at(situation.on)
    fundable = situation.price - result.not_fundable
    if result.exemption is None:
        assert result.participation == min(rules.flat_participation, fundable)
        assert result.card_payment >= result.participation + result.not_fundable
    else:
        assert result.participation == Euros(0)
    assert result.not_fundable == Euros(
        sum(o.price.cents for o in situation.options if not o.cpf_fundable))


@given(fst.funding_situations())
def test_top_ups_pay_at_most_their_amount_and_only_what_they_may(
    situation: FundingSituation,
) -> None:
    result = situation.plan()
    available: dict[Funder, int] = {}
    for top_up in situation.applicable_top_ups():
        available[top_up.funder] = available.get(top_up.funder, 0) + top_up.amount.cents
    for funder, used in result.top_ups_by_funder.items():
        assert used.cents <= available.get(funder, 0)


@given(fst.funding_situations())
def test_the_holder_pays_a_complement_only_when_rights_and_top_ups_are_spent(
    situation: FundingSituation,
) -> None:
    result = situation.plan()
    if result.holder_complement:
        cap = result.rights_cap
        limit = situation.balance if cap is None else min(situation.balance, cap)
        assert result.rights_used == limit
        assert result.top_ups_used.cents == sum(t.amount.cents
                                                for t in situation.applicable_top_ups())


@given(fst.funding_situations())
def test_a_plan_passes_its_own_public_validators(situation: FundingSituation) -> None:
    # plan_funding builds its records through their classes; rebuilding them changes nothing.
    result = situation.plan()
    rebuilt = attrs.evolve(result, lines=[attrs.evolve(line) for line in result.lines])
    assert rebuilt == result


@settings(max_examples=50)
@given(fst.funding_situations(valid_only=False))
def test_an_order_is_planned_exactly_when_it_breaks_no_rule(situation: FundingSituation) -> None:
    if situation.is_valid():
        situation.plan()
    else:
        with pytest.raises(RuleViolation):
            situation.plan()


@given(fst.funding_situations())
def test_more_rights_never_make_the_holder_pay_more_by_card_except_a_lost_exemption(
    situation: FundingSituation,
) -> None:
    # With more rights an exempting top-up may no longer be drawn: the participation is then
    # due (the decree exempts a training that receives the top-up), and only that is added.
    poorer = situation.plan()
    richer = attrs.evolve(situation, balance=situation.balance + E(100)).plan()
    lost = poorer.exemption is Exemption.FUNDER and richer.exemption is None
    allowance = richer.participation if lost else Euros(0)
    assert richer.card_payment <= poorer.card_payment + allowance


# -- a differential check against the formula written plainly ----------------------------


def reference(situation: FundingSituation, book: Rulebook = BOOK
              ) -> tuple[Euros, dict[Funder, Euros], Euros, Euros]:
    """cpf-rules.md sections 3 and 4, in Decimal euros, with the two documented choices of the
    module: an exempting top-up exempts when drawn; a licence's minimum co-funding is drawn
    first. The order of use: every top-up after the rights until 4 December 2025; from
    5 December 2025 (décret n° 2025-1156) the dotations, the rights, the complementary ones."""
    rules = book.at(situation.on)
    order = rules.order_of_use

    def tier(top: TopUp) -> FundingSource:
        if FundingSource.TOP_UPS in order:
            return FundingSource.TOP_UPS
        return (FundingSource.DOTATIONS if top.kind is TopUpKind.DOTATION
                else FundingSource.COMPLEMENTARY)

    def rank(top: TopUp) -> tuple[int, int]:
        priority = (rules.dotation_priority if tier(top) is FundingSource.DOTATIONS
                    and rules.dotation_priority is not None else rules.top_up_priority)
        return (order.index(tier(top)),
                priority.index(top.funder) if top.funder in priority else len(priority))

    tops = sorted(situation.applicable_top_ups(), key=rank)
    first = [i for i, top in enumerate(tops)
             if order.index(tier(top)) < order.index(FundingSource.RIGHTS)]
    price = situation.price.to_decimal()
    card_only = sum((o.price.to_decimal() for o in situation.options if not o.cpf_fundable),
                    Decimal(0))
    fundable = price - card_only
    caps = {ActionType.RS: rules.rights_cap_rs,
            ActionType.SKILLS_ASSESSMENT: rules.rights_cap_skills_assessment,
            ActionType.DRIVING_LICENCE_LIGHT: rules.rights_cap_light_driving_licence}
    cap = caps.get(situation.action_type)
    minimum = rules.light_driving_licence_min_cofunding
    reserve = (minimum.to_decimal() if minimum is not None and not situation.job_seeker
               and situation.action_type is ActionType.DRIVING_LICENCE_LIGHT else Decimal(0))

    def split(participation: Decimal) -> tuple[Decimal, list[Decimal]]:
        room = fundable - participation
        uses = [Decimal(0)] * len(tops)
        want = min(reserve, room)
        for i, top in enumerate(tops):
            if top.funder is not Funder.HOLDER and want > 0:
                uses[i] = min(top.amount.to_decimal(), want)
                want -= uses[i]
        for i in first:
            take = min(tops[i].amount.to_decimal() - uses[i], room - sum(uses, Decimal(0)))
            uses[i] += take
        rights = min(situation.balance.to_decimal(), room - sum(uses, Decimal(0)))
        if cap is not None:
            rights = min(rights, cap.to_decimal())
        gap = room - sum(uses, Decimal(0)) - rights
        for i, top in enumerate(tops):
            if i in first:
                continue
            take = min(top.amount.to_decimal() - uses[i], gap)
            uses[i] += take
            gap -= take
        return rights, uses

    in_force = rules.flat_participation.to_decimal()
    exempting = set(rules.flat_participation_exempting_funders)
    if (situation.at_mp_incapacity_percent is not None
            and situation.at_mp_incapacity_percent < rules.at_mp_min_incapacity_percent):
        exempting.discard(Funder.AT_MP)
    if situation.job_seeker or situation.employer_co_funding:
        participation = Decimal(0)
    else:
        participation = min(in_force, fundable)
    rights, uses = split(participation)
    if participation:
        free_rights, free_uses = split(Decimal(0))
        if any(u and t.funder in exempting for t, u in zip(tops, free_uses, strict=True)):
            participation, rights, uses = Decimal(0), free_rights, free_uses
    by_funder: dict[Funder, Euros] = {}
    for top, used in zip(tops, uses, strict=True):
        if used:
            by_funder[top.funder] = by_funder.get(top.funder, Euros(0)) + Euros.parse(str(used))
    card = price - rights - sum(uses, Decimal(0))
    return (Euros.parse(str(rights)), by_funder, Euros.parse(str(participation)),
            Euros.parse(str(card)))


@given(fst.funding_situations())
def test_plans_match_the_formula_written_plainly(situation: FundingSituation) -> None:
    result = situation.plan()
    assert (result.rights_used, dict(result.top_ups_by_funder), result.participation,
            result.card_payment) == reference(situation)


WHAT_IF_DAY = date(2019, 1, 1)


@st.composite
def what_if_changes(draw: st.DrawFn) -> dict[str, object]:
    """Other participations, caps, funder orders and exempting funders (from 2019 on)."""
    cap = st.one_of(st.none(), fst.euros(0, 300_000))
    return {
        "flat_participation": draw(fst.euros(0, 30_000)),
        "rights_cap_rs": draw(cap),
        "rights_cap_skills_assessment": draw(cap),
        "rights_cap_light_driving_licence": draw(cap),
        "top_up_priority": tuple(draw(st.permutations(list(Funder)))[:draw(st.integers(0, 15))]),
        "flat_participation_exempting_funders": draw(st.frozensets(st.sampled_from(list(Funder)))),
        "order_of_use": draw(st.one_of(
            st.permutations([FundingSource.RIGHTS, FundingSource.TOP_UPS]),
            st.permutations([FundingSource.DOTATIONS, FundingSource.RIGHTS,
                             FundingSource.COMPLEMENTARY])).map(tuple)),
        "dotation_priority": tuple(draw(st.permutations(list(Funder)))[:draw(st.integers(0, 15))]),
    }


@settings(max_examples=100)
@given(what_if_changes(), fst.funding_situations(valid_only=False))
def test_every_law_holds_under_what_if_rules(changes: dict[str, object],
                                             situation: FundingSituation) -> None:
    book = BOOK.with_change(effective=WHAT_IF_DAY, **changes)
    assume(situation.on >= WHAT_IF_DAY and situation.is_valid(book))
    result = situation.plan(book)
    rules = book.at(situation.on)
    assert result.rights_used + result.top_ups_used + result.card_payment == situation.price
    assert result.rights_used <= situation.balance
    if result.rights_cap is not None:
        assert result.rights_cap == rights_cap(rules, situation.action_type)
        assert result.rights_used <= result.rights_cap
    if result.exemption is None:
        fundable = situation.price - result.not_fundable
        assert result.participation == min(rules.flat_participation, fundable)
    assert (result.rights_used, dict(result.top_ups_by_funder), result.participation,
            result.card_payment) == reference(situation, book)
