"""Hypothesis strategies for funding: prices, top-ups, chosen options and whole funding situations.

A :class:`FundingSituation` is everything :func:`formation.plan_funding` reads for one order;
``situation.plan()`` computes its plan. The strategies lean toward the amounts where the rules
change (around the flat participation, the per-action caps, the 100 € licence co-funding) and
the days where they change (2 May 2024, each 1 January, 17 April 2025, 5 December 2025,
21 and 26 February 2026). Top-ups are dotations or complementary top-ups.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import attrs
from hypothesis import strategies as st

from formation.catalog.offers import Option
from formation.funding import FundingPlan, funding_violations, plan_funding
from formation.ids import OfferId
from formation.money import Euros
from formation.rules.actions import ActionType
from formation.rules.funders import Funder
from formation.rules.rulebook import Rulebook
from formation.topups import TopUp, TopUpKind

__all__ = [
    "FundingSituation",
    "funding_days",
    "funding_situations",
    "options",
    "prices",
    "top_ups",
]

# Amounts (cents) where a funding rule changes: participations, caps, the licence co-funding.
_EDGES = (0, 1, 10000, 10223, 10320, 90000, 150000, 160000, 500000)
# Days where a funding rule changes.
_DAYS = (date(2024, 5, 1), date(2024, 5, 2), date(2024, 12, 31), date(2025, 1, 1),
         date(2025, 4, 16), date(2025, 4, 17), date(2025, 12, 4), date(2025, 12, 5),
         date(2025, 12, 31), date(2026, 1, 1), date(2026, 2, 20), date(2026, 2, 21),
         date(2026, 2, 25), date(2026, 2, 26))
_OFFERS = (OfferId("offer-a"), OfferId("offer-b"))
_CERTIFICATIONS = ("RNCP37873", "RS6204")


def prices(max_cents: int = 1_000_000) -> st.SearchStrategy[Euros]:
    """Prices from 0 to ``max_cents`` (default 10 000 €), often near a rule's edge."""
    near_edges = st.tuples(st.sampled_from(_EDGES), st.integers(-2, 2)).map(
        lambda pair: max(0, min(max_cents, pair[0] + pair[1])))
    return st.one_of(near_edges, st.integers(0, max_cents)).map(Euros)


def funding_days() -> st.SearchStrategy[date]:
    """Order days from 2019 to 2027, often on the day a funding rule changes or the day before."""
    return st.one_of(st.sampled_from(_DAYS),
                     st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31)))


def top_ups(*, earmarks: bool = True, max_cents: int = 300_000,
            kinds: Sequence[TopUpKind] = tuple(TopUpKind)) -> st.SearchStrategy[TopUp]:
    """Top-ups from any funder, of the given ``kinds`` (dotations or complementary top-ups),
    sometimes earmarked to one of two offers or certifications."""
    earmarked = st.one_of(
        st.just((frozenset[OfferId](), frozenset[str]())),
        st.tuples(st.frozensets(st.sampled_from(_OFFERS), max_size=1),
                  st.frozensets(st.sampled_from(_CERTIFICATIONS), max_size=1)),
    ) if earmarks else st.just((frozenset[OfferId](), frozenset[str]()))
    return st.builds(
        lambda funder, cents, marks, reference, kind: TopUp(
            funder, Euros(cents), earmarked_offers=marks[0], earmarked_certifications=marks[1],
            reference=reference, kind=kind),
        st.sampled_from(list(Funder)),
        st.one_of(st.sampled_from((9999, 10000, 10001, 30000)), st.integers(1, max_cents)),
        earmarked,
        st.text("abcdef0123456789", max_size=6),
        st.sampled_from(tuple(kinds)),
    )


def options(max_size: int = 3) -> st.SearchStrategy[tuple[Option, ...]]:
    """Chosen options, each fundable by CPF or not (``formation.catalog.offers.Option``)."""
    one = st.builds(
        lambda index, cents, fundable: Option(f"opt-{index}", f"Option {index}", Euros(cents),
                                              fundable),
        st.integers(0, 99), st.integers(0, 100_000), st.booleans())
    return st.lists(one, max_size=max_size).map(tuple)


@attrs.frozen
class FundingSituation:
    """One order as :func:`formation.plan_funding` sees it (the price includes the options)."""

    price: Euros
    balance: Euros
    on: date
    top_ups: tuple[TopUp, ...] = ()
    job_seeker: bool = False
    action_type: ActionType = ActionType.RNCP
    options: tuple[Option, ...] = ()
    offer_id: OfferId | None = None
    certification_code: str | None = None
    employer_co_funding: bool = False
    at_mp_incapacity_percent: int | None = None

    def plan(self, rulebook: Rulebook | None = None) -> FundingPlan:
        """The funding plan of this order."""
        return plan_funding(
            self.price, balance=self.balance, on=self.on, top_ups=self.top_ups,
            job_seeker=self.job_seeker, action_type=self.action_type, rulebook=rulebook,
            options=self.options, offer_id=self.offer_id,
            certification_code=self.certification_code,
            employer_co_funding=self.employer_co_funding,
            at_mp_incapacity_percent=self.at_mp_incapacity_percent)

    def applicable_top_ups(self) -> tuple[TopUp, ...]:
        """The top-ups whose earmarks (if any) match this order."""
        return tuple(t for t in self.top_ups
                     if t.applies_to(self.offer_id, self.certification_code))

    def is_valid(self, rulebook: Rulebook | None = None) -> bool:
        """Whether the order breaks no funding rule (so ``plan()`` does not raise)."""
        return not funding_violations(
            self.price, on=self.on, top_ups=self.applicable_top_ups(),
            job_seeker=self.job_seeker, action_type=self.action_type, rulebook=rulebook)


def _build(base: Euros, chosen: Sequence[Option], balance: Euros, on: date,
           top_ups: tuple[TopUp, ...], job_seeker: bool, action_type: ActionType,
           offer_id: OfferId | None, certification_code: str | None,
           employer_co_funding: bool, at_mp_incapacity_percent: int | None) -> FundingSituation:
    total = base + Euros(sum(option.price.cents for option in chosen))
    return FundingSituation(
        price=total, balance=balance, on=on, top_ups=top_ups, job_seeker=job_seeker,
        action_type=action_type, options=tuple(chosen), offer_id=offer_id,
        certification_code=certification_code, employer_co_funding=employer_co_funding,
        at_mp_incapacity_percent=at_mp_incapacity_percent)


def funding_situations(*, valid_only: bool = True, max_top_ups: int = 3,
                       rulebook: Rulebook | None = None) -> st.SearchStrategy[FundingSituation]:
    """Whole orders: a price with options, a balance, a day, top-ups, the holder's situation.

    With ``valid_only`` (the default) only orders that break no funding rule are drawn, so
    ``situation.plan()`` never raises ``RuleViolation``.
    """
    strategy = st.builds(
        _build,
        prices(),
        options(),
        balance=st.one_of(prices(max_cents=800_000), st.just(Euros(0))),
        on=funding_days(),
        top_ups=st.lists(top_ups(), max_size=max_top_ups).map(tuple),
        job_seeker=st.booleans(),
        action_type=st.sampled_from(list(ActionType)),
        offer_id=st.one_of(st.none(), st.sampled_from(_OFFERS)),
        certification_code=st.one_of(st.none(), st.sampled_from(_CERTIFICATIONS)),
        employer_co_funding=st.sampled_from((False, False, False, True)),
        at_mp_incapacity_percent=st.one_of(st.none(), st.integers(0, 100)),
    )
    if valid_only:
        return strategy.filter(lambda situation: situation.is_valid(rulebook))
    return strategy
