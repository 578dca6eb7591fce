"""CPF eligibility of an offer on a day: Qualiopi, certification in force, eligible action type.

Sources: cpf-rules.md section 7.1 (L6323-6; the official OF help page "quelles sont les offres
éligibles au CPF"; Qualiopi required since 1 January 2022, L6316-1), and section 4.1 (business
creation removed by the loi de finances 2025, from 16 February 2025).
"""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from formation import (
    ActionType,
    Certification,
    Euros,
    Modality,
    Offer,
    Organism,
    QualiopiCertification,
    Registry,
    Rulebook,
    Session,
)
from formation.catalog.eligibility import (
    action_type_violations,
    certification_violations,
    eligibility_violations,
    is_eligible,
    is_session_eligible,
    organism_violations,
    session_eligibility_violations,
)
from formation.errors import InvalidValue
from formation.ids import OfferId, SessionId
from formation.testing._catalog import offers, organisms, qualiopi_certifications, sessions

QUALIOPI = QualiopiCertification(date(2022, 1, 1), date(2027, 12, 31))
ORGANISM = Organism("78959578200051", "FORMALTIC", "76340933834", QUALIOPI)
TOSA = Certification(Registry.RS, "6204", "Tosa Photoshop", None, date(2026, 12, 31))
TP_CDA = Certification(Registry.RNCP, "37873", "TP Concepteur développeur d'applications", 6)


def offer(action: ActionType = ActionType.RS, certification: Certification | None = TOSA,
          organism: Organism = ORGANISM) -> Offer:
    return Offer(OfferId("78959578200051_M-FOR1512"), organism, "PhotoShop sur mesure",
                 certification, ("46006",), Euros.whole(2330), 21, Modality.IN_PERSON, action)


def codes(violations: tuple[object, ...]) -> list[str]:
    return [v.code for v in violations]  # type: ignore[attr-defined]


# (case, offer, day, expected codes, source)
CASES = [
    ("RS training, certified organism, certification in force", offer(), date(2026, 6, 1), [],
     "7.1 RNCP or RS certification"),
    ("certification registration ended the day before", offer(), date(2027, 1, 1),
     ["eligibility.certification_expired"], "7.1: the certification must be active"),
    ("certification still in force on its last day", offer(), date(2026, 12, 31), [],
     "7.1: registration end date not passed"),
    ("Qualiopi lapsed the day before", offer(ActionType.RNCP, TP_CDA), date(2028, 1, 1),
     ["eligibility.qualiopi_not_valid"], "7.1 provider conditions: Qualiopi-certified"),
    ("organism without Qualiopi after 2022",
     offer(organism=attrs.evolve(ORGANISM, qualiopi=None)), date(2022, 1, 1),
     ["eligibility.qualiopi_missing"], "7.1: Qualiopi-certified since 1 Jan 2022"),
    ("organism without Qualiopi before 2022 (not yet required)",
     offer(organism=attrs.evolve(ORGANISM, qualiopi=None)), date(2021, 12, 31), [],
     "7.1: Qualiopi-certified since 1 Jan 2022"),
    ("Qualiopi not yet valid on the day",
     offer(organism=attrs.evolve(ORGANISM, qualiopi=QualiopiCertification(
         date(2024, 3, 1), date(2027, 2, 28)))), date(2024, 2, 29),
     ["eligibility.qualiopi_not_valid"], "7.1 provider conditions"),
    ("RNCP training naming an RNCP certification", offer(ActionType.RNCP, TP_CDA),
     date(2026, 6, 1), [], "7.1 RNCP certification"),
    ("RNCP training naming an RS certification", offer(ActionType.RNCP, TOSA), date(2026, 6, 1),
     ["eligibility.certification_registry"], "7.1 / L6323-6"),
    ("RS training with no certification", offer(ActionType.RS, None), date(2026, 6, 1),
     ["eligibility.certification_missing"], "7.1: certification must exist"),
    ("CléA is an RS certification", offer(ActionType.CLEA, Certification(
        Registry.RS, "5080", "CléA")), date(2026, 6, 1), [], "7.1 (including CléA)"),
    ("bilan de compétences without certification", offer(ActionType.SKILLS_ASSESSMENT, None),
     date(2026, 6, 1), [], "7.1 Bilan de compétences: eligible"),
    ("VAE support toward an RNCP diploma in force", offer(ActionType.VAE, TP_CDA),
     date(2026, 6, 1), [], "7.1 VAE"),
    ("light driving licence", offer(ActionType.DRIVING_LICENCE_LIGHT, None), date(2026, 6, 1),
     [], "7.1 Driving licence"),
    ("heavy driving licence", offer(ActionType.DRIVING_LICENCE_HEAVY, None), date(2023, 6, 1),
     [], "7.1 Driving licence: heavy licences until 2023, all from 2024"),
    ("business creation while eligible", offer(ActionType.BUSINESS_CREATION, None),
     date(2025, 2, 15), [], "7.1 business creation, décret 2020-1228"),
    ("business creation after the loi de finances 2025", offer(ActionType.BUSINESS_CREATION, None),
     date(2025, 2, 16), ["eligibility.action_type"], "4.1 / 7.1: removed by the LFI 2025"),
    ("business creation before décret 2020-1228", offer(ActionType.BUSINESS_CREATION, None),
     date(2020, 10, 7), ["eligibility.action_type"], "7.1 business creation, décret 2020-1228"),
    ("every breach at once", offer(ActionType.BUSINESS_CREATION, TOSA,
                                   attrs.evolve(ORGANISM, qualiopi=None)), date(2027, 6, 1),
     ["eligibility.qualiopi_missing", "eligibility.certification_expired",
      "eligibility.action_type"], "7.1, all rules reported"),
]


@pytest.mark.parametrize(("case", "the_offer", "day", "expected", "source"), CASES,
                         ids=[c[0] for c in CASES])
def test_eligibility_table(case: str, the_offer: Offer, day: date, expected: list[str],
                           source: str) -> None:
    assert codes(eligibility_violations(the_offer, day)) == expected
    assert is_eligible(the_offer, day) is (not expected)


def test_an_organism_is_checked_on_its_own() -> None:
    assert organism_violations(ORGANISM, date(2026, 1, 1)) == ()
    assert codes(organism_violations(ORGANISM, date(2028, 1, 1))) == [
        "eligibility.qualiopi_not_valid"]
    [violation] = organism_violations(ORGANISM, date(2028, 1, 1))
    assert violation.subject == ORGANISM.siret
    assert "2027-12-31" in violation.message


def test_each_rule_is_available_on_its_own() -> None:
    bad = offer(ActionType.BUSINESS_CREATION, TOSA, attrs.evolve(ORGANISM, qualiopi=None))
    day = date(2027, 6, 1)
    assert codes(certification_violations(bad, day)) == ["eligibility.certification_expired"]
    assert codes(action_type_violations(bad, day)) == ["eligibility.action_type"]
    assert all(v.subject == bad.offer_id for v in eligibility_violations(bad, day))


def test_the_qualiopi_requirement_is_a_rulebook_parameter_that_can_be_overridden() -> None:
    without = offer(organism=attrs.evolve(ORGANISM, qualiopi=None))
    relaxed = Rulebook.default().with_change(effective=date(2026, 1, 1), qualiopi_required=False)
    assert codes(eligibility_violations(without, date(2026, 6, 1))) == [
        "eligibility.qualiopi_missing"]
    assert eligibility_violations(without, date(2026, 6, 1), relaxed) == ()


def test_the_eligible_action_types_come_from_the_rulebook() -> None:
    no_bilan = Rulebook.default().with_change(
        effective=date(2026, 1, 1),
        eligible_action_types=frozenset(ActionType) - {ActionType.SKILLS_ASSESSMENT})
    bilan = offer(ActionType.SKILLS_ASSESSMENT, None)
    assert codes(eligibility_violations(bilan, date(2026, 6, 1), no_bilan)) == [
        "eligibility.action_type"]
    assert eligibility_violations(bilan, date(2025, 6, 1), no_bilan) == ()


def test_a_session_is_checked_on_its_first_day() -> None:
    the_offer = offer()
    before = Session(SessionId("S1"), the_offer.offer_id, date(2026, 12, 31), date(2027, 1, 20))
    after = Session(SessionId("S2"), the_offer.offer_id, date(2027, 1, 4), date(2027, 1, 20))
    assert session_eligibility_violations(the_offer, before) == ()
    assert codes(session_eligibility_violations(the_offer, after)) == [
        "eligibility.certification_expired"]


def test_a_session_without_dates_cannot_be_checked() -> None:
    the_offer = offer()
    undated = Session(SessionId("S1"), the_offer.offer_id, None, None)
    [violation] = session_eligibility_violations(the_offer, undated)
    assert violation.code == "eligibility.session_undated"
    assert violation.subject == "S1"


def test_a_session_of_another_offer_is_refused() -> None:
    other = Session(SessionId("S1"), OfferId("AF999"), date(2026, 1, 5), date(2026, 1, 9))
    with pytest.raises(InvalidValue, match="AF999"):
        session_eligibility_violations(offer(), other)


@pytest.mark.parametrize("bad_day", [None, "2026-01-01", 20260101])
def test_a_day_that_is_not_a_date_is_refused(bad_day: object) -> None:
    with pytest.raises(InvalidValue):
        eligibility_violations(offer(), bad_day)  # type: ignore[arg-type]


def test_a_datetime_is_refused() -> None:
    from datetime import datetime, timezone

    with pytest.raises(InvalidValue):
        eligibility_violations(offer(), datetime(2026, 1, 1, tzinfo=timezone.utc))


def test_a_non_offer_is_refused() -> None:
    with pytest.raises(InvalidValue):
        eligibility_violations("AF001", date(2026, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        organism_violations("78959578200051", date(2026, 1, 1))  # type: ignore[arg-type]


# -- laws -----------------------------------------------------------------------------------

@given(offers(), st.dates(date(2015, 1, 1), date(2030, 12, 31)))
def test_the_violations_are_exactly_the_union_of_the_three_rules(the_offer: Offer, day: date) -> None:
    combined = eligibility_violations(the_offer, day)
    parts = (organism_violations(the_offer.organism, day)
             + certification_violations(the_offer, day) + action_type_violations(the_offer, day))
    assert codes(combined) == codes(parts)
    assert is_eligible(the_offer, day) is (combined == ())


@given(offers(organism=organisms(qualiopi=qualiopi_certifications())),
       st.dates(date(2022, 1, 1), date(2030, 12, 31)))
def test_an_organism_certified_on_the_day_never_breaches_the_qualiopi_rule(
    the_offer: Offer, day: date
) -> None:
    qualiopi = the_offer.organism.qualiopi
    assert qualiopi is not None
    breached = "eligibility.qualiopi_not_valid" in codes(eligibility_violations(the_offer, day))
    assert breached is (not qualiopi.covers(day))


@given(offers(), st.dates(date(2015, 1, 1), date(2030, 12, 31)))
def test_an_offer_without_certification_breaches_no_registration_end(
    the_offer: Offer, day: date
) -> None:
    found = codes(eligibility_violations(the_offer, day))
    if the_offer.certification is None or the_offer.certification.registered_until is None:
        assert "eligibility.certification_expired" not in found


@given(st.data())
def test_a_dated_session_is_checked_like_its_offer_on_its_start(data: st.DataObject) -> None:
    the_offer = data.draw(offers())
    session = data.draw(sessions(offer_id=the_offer.offer_id, dated=True))
    assert session.start is not None
    assert session_eligibility_violations(the_offer, session) == eligibility_violations(
        the_offer, session.start)


@given(st.data())
def test_a_session_is_eligible_exactly_when_it_has_no_violation(data: st.DataObject) -> None:
    the_offer = data.draw(offers(consistent=data.draw(st.booleans())))
    session = data.draw(sessions(offer_id=the_offer.offer_id))
    assert is_session_eligible(the_offer, session) is (
        session_eligibility_violations(the_offer, session) == ())


@given(offers(consistent=False), st.dates(date(2015, 1, 1), date(2030, 12, 31)))
def test_is_eligible_agrees_with_the_violations_for_inconsistent_offers_too(
    the_offer: Offer, day: date
) -> None:
    assert is_eligible(the_offer, day) is (eligibility_violations(the_offer, day) == ())


def test_is_session_eligible_refuses_a_session_of_another_offer() -> None:
    other = Session(SessionId("S1"), OfferId("AF999"), date(2026, 1, 5), date(2026, 1, 9))
    with pytest.raises(InvalidValue, match="AF999"):
        is_session_eligible(offer(), other)
