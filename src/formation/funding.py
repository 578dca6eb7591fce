"""The funding plan: how the price of a training is split between top-ups, rights and the card.

When a holder orders a training on Mon Compte Formation, the platform computes who pays what
(``cpf-rules.md`` sections 3 and 4):

1. the **compulsory flat participation** (*participation forfaitaire obligatoire*, PFO) is
   set aside first: since 2 May 2024 the holder pays it by card even with enough rights
   (100 € in 2024, 102,23 € in 2025, 103,20 € in 2026; décret n° 2024-394, R6323-2). It is
   never more than the price, and a job seeker, a training co-funded by the employer (or under
   a company, group or branch agreement), C2P points and the AT/MP retraining top-up exempt
   from it;
2. the rest is paid in the rulebook's **order of use** (``order_of_use``). Until 4 December
   2025: the holder's **rights**, then the **top-ups** (*abondements*, L6323-4 II). From
   5 December 2025 (décret n° 2025-1156, R6333-3): the **dotations** credited to the account
   beforehand, then the rights, then the **complementary top-ups** asked for the order. Inside
   a tier, top-ups follow the rulebook's funder order (``dotation_priority``,
   ``top_up_priority``); an earmarked top-up pays only for the offers or certifications it
   names. The rights pay up to the balance and, from 26 February 2026, up to the per-action
   cap (Répertoire spécifique except CléA 1 500 €, bilan de compétences 1 600 €,
   light-vehicle driving licence 900 €; décret n° 2026-127);
3. the holder pays the **remainder by card**, together with the participation (which is then
   absorbed into the larger amount, not added on top) and the options that CPF rights cannot
   pay for.

The published examples (moneyvox, 2024): a 1 000 € training with a balance of 1 000 € or more
is paid 900 € by rights and 100 € by card; with a balance of 950 € it is still 900 € + 100 €
(the other 50 € stay on the account).

>>> from datetime import date
>>> from formation.money import Euros
>>> plan = plan_funding(Euros.whole(1000), balance=Euros.whole(950), on=date(2024, 6, 1))
>>> str(plan.rights_used), str(plan.card_payment), str(plan.participation)
('900,00 €', '100,00 €', '100,00 €')

Every number comes from the rulebook of the order's day. Those the sources do not settle are
plausible or unverified parameters that you may override with
:meth:`formation.Rulebook.with_change`: the order among funders inside each tier (the arrêtés
were not seen), the per-action caps and the licence's minimum co-funding. Two choices of this
module are stated where they apply (:func:`plan_funding`): an exempting top-up exempts only when
the plan actually draws on it, and the minimum co-funding of a light-vehicle licence is drawn
from third-party top-ups before the rights, so that the plan meets the condition it checks.

Every record returned is built through its class, so its checks run (the plan's lines sum to
its price); what a day's rules give the planner is reshaped once per :class:`Rules` record, in a
``functools`` cache keyed by that record.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

import attrs

from formation.errors import InvalidValue, RuleViolation, Violation
from formation.ids import OfferId
from formation.labels import check_lang, day_text, label
from formation.money import Euros
from formation.rules.actions import ActionType
from formation.rules.funders import Funder, FundingSource
from formation.rules.rulebook import (
    DEFAULT_RULEBOOK,
    ORIGIN,
    PARAMETER_NAMES,
    ParameterValue,
    Rulebook,
    Rules,
)
from formation.topups import TopUp, TopUpKind

__all__ = [
    "Exemption",
    "FundingLine",
    "FundingPlan",
    "LineKind",
    "PricedOption",
    "funder_label",
    "funding_violations",
    "plan_funding",
    "rights_cap",
]


@enum.unique
class LineKind(enum.Enum):
    """Where one part of the price comes from."""

    RIGHTS = "rights"  # the holder's CPF rights
    TOP_UP = "top-up"  # one funder's top-up (abondement): a dotation or a complementary one
    PARTICIPATION = "participation"  # the compulsory flat participation, paid by card
    HOLDER_COMPLEMENT = "complement"  # what rights and top-ups leave unpaid, paid by card
    NOT_FUNDABLE = "not-fundable"  # options CPF rights cannot pay for, paid by card

    @property
    def paid_by_card(self) -> bool:
        """Whether the holder pays this part by card."""
        return self in _CARD_KINDS

    @property
    def label_fr(self) -> str:
        """The French name shown to holders."""
        return _KIND_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """The English name."""
        return _KIND_LABELS[self][1]

    def describe(self, lang: str) -> str:
        """The name, with "(carte)" or "(card)" for the parts the holder pays by card."""
        name = label(self, lang)
        if self in _CARD_KINDS:
            return name + (" (carte)" if lang == "fr" else " (card)")
        return name


_CARD_KINDS = frozenset({LineKind.PARTICIPATION, LineKind.HOLDER_COMPLEMENT,
                         LineKind.NOT_FUNDABLE})
_KIND_LABELS: Mapping[LineKind, tuple[str, str]] = {
    LineKind.RIGHTS: ("Droits CPF", "CPF rights"),
    LineKind.TOP_UP: ("Abondement", "Top-up"),
    LineKind.PARTICIPATION: ("Participation forfaitaire", "Flat participation"),
    LineKind.HOLDER_COMPLEMENT: ("Complément du titulaire", "Holder's complement"),
    LineKind.NOT_FUNDABLE: ("Options non finançables", "Options not fundable"),
}


@enum.unique
class Exemption(enum.Enum):
    """Why a plan carries no flat participation although one was in force (décret 2024-394)."""

    JOB_SEEKER = "job-seeker"  # the holder is a job seeker
    FUNDER = "funder"  # the plan draws on a top-up of an exempting funder (employer, C2P…)
    DECLARED_CO_FUNDING = "declared-co-funding"  # the caller says the employer co-funds


class PricedOption(Protocol):
    """What the plan reads from a chosen option (``formation.catalog.offers.Option`` fits)."""

    @property
    def price(self) -> Euros: ...  # pragma: no cover

    @property
    def cpf_fundable(self) -> bool: ...  # pragma: no cover


def _check_euros(value: object, name: str) -> int:
    """The cents of ``value``, which must be non-negative ``Euros``."""
    if value.__class__ is not Euros:
        raise InvalidValue(f"{name} must be Euros, got {type(value).__name__} {value!r}")
    cents: int = value.cents
    if cents < 0:
        raise InvalidValue(f"{name} must not be negative, got {value}")
    return cents


_KNOWN_PARAMETERS = frozenset(PARAMETER_NAMES)


def _parameters(value: object) -> tuple[str, ...]:
    if value.__class__ is not tuple:
        if isinstance(value, str) or not isinstance(value, (tuple, list)):
            raise InvalidValue(
                f"parameters must be a tuple of rulebook parameter names, got {value!r}")
        value = tuple(value)
    if not value or _KNOWN_PARAMETERS.issuperset(value):
        return value
    for name in value:
        if name.__class__ is not str or name not in _KNOWN_PARAMETERS:
            raise InvalidValue(f"parameters names rulebook parameters, got {name!r}; known: "
                               + ", ".join(PARAMETER_NAMES))
    return value  # pragma: no cover (a str subclass equal to a known name)


def _default_top_up_kind(line: FundingLine) -> TopUpKind | None:
    # A top-up line stored before top-ups had kinds reads as a complementary one.
    return TopUpKind.COMPLEMENTARY if line.kind is LineKind.TOP_UP else None


@attrs.frozen(slots=False)
class FundingLine:
    """One part of the price and where it comes from.

    Attributes:
        kind: rights, a top-up, the participation, the holder's complement or the options
            CPF cannot pay for.
        amount: how much (positive).
        funder: who pays, for a top-up line; ``None`` otherwise.
        reference: the top-up's reference, for a top-up line (to release or debit it later).
        parameters: the rulebook parameters behind the amount (their sources explain it).
        top_up_kind: for a top-up line, a dotation or a complementary top-up (default
            complementary); ``None`` for every other line.

    Every field is checked when the line is built (in one pass, :meth:`__attrs_post_init__`).
    """

    kind: LineKind
    amount: Euros
    funder: Funder | None = None
    reference: str = ""
    parameters: tuple[str, ...] = ()
    top_up_kind: TopUpKind | None = attrs.field(
        default=attrs.Factory(_default_top_up_kind, takes_self=True))

    def __attrs_post_init__(self) -> None:
        kind, amount, funder, top_up_kind = self.kind, self.amount, self.funder, self.top_up_kind
        if kind.__class__ is not LineKind:
            raise InvalidValue(
                f"kind must be a LineKind ({', '.join(k.name for k in LineKind)}), got {kind!r}")
        if (amount.__class__ is not Euros or amount.cents <= 0) and _check_euros(
                amount, "amount") == 0:
            raise InvalidValue(f"a funding line has a positive amount, got {amount}")
        if self.reference.__class__ is not str:
            raise InvalidValue(f"reference must be a str, got {self.reference!r}")
        parameters = self.parameters
        if parameters.__class__ is not tuple or (
                parameters and not _KNOWN_PARAMETERS.issuperset(parameters)):
            object.__setattr__(self, "parameters", _parameters(parameters))
        if kind is _TOP_UP:
            if funder.__class__ is not Funder or top_up_kind.__class__ is not TopUpKind:
                self._refuse()
        elif funder is not None or top_up_kind is not None:
            self._refuse()

    def _refuse(self) -> None:
        if self.funder is not None and self.funder.__class__ is not Funder:
            raise InvalidValue(f"funder must be a Funder or None, got {self.funder!r}")
        if (self.kind is _TOP_UP) is (self.funder is None):
            raise InvalidValue(
                f"a top-up line names its Funder and no other line does; got kind "
                f"{self.kind.name} with funder {self.funder!r}")
        raise InvalidValue(
            f"a top-up line has a TopUpKind and no other line has one; got kind "
            f"{self.kind.name} with top_up_kind {self.top_up_kind!r}")

    @property
    def paid_by_card(self) -> bool:
        """Whether the holder pays this line by card."""
        return self.kind in _CARD_KINDS


def _lines(value: object) -> tuple[FundingLine, ...]:
    if value.__class__ is not tuple:
        if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)):
            raise InvalidValue(f"lines must be a tuple of FundingLine, got {value!r}")
        value = tuple(value)
    return value


def _top_ups(value: object) -> tuple[TopUp, ...]:
    if value.__class__ is not tuple:
        if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)):
            raise InvalidValue(f"unused_top_ups must be a tuple of TopUp, got {value!r}")
        value = tuple(value)
    for top_up in value:
        if top_up.__class__ is not TopUp:
            raise InvalidValue(f"unused_top_ups holds TopUp records, got {top_up!r}")
    return value


@attrs.frozen(slots=False)
class FundingPlan:
    """Who pays what for one order; its lines always sum to the price, to the cent.

    Build it with :func:`plan_funding`. The amounts are derived from the lines:
    ``rights_used + top_ups_used + card_payment == price``, and the participation is a part of
    the card payment.

    Attributes:
        price: the price of the order (session price plus the chosen options).
        on: the day of the order, whose rules apply.
        action_type: the kind of action ordered.
        balance: the holder's available rights when the plan was made.
        lines: the parts of the price in the order of use (from 5 December 2025 the dotations,
            the rights, then the complementary top-ups; before, the rights then the top-ups),
            then what the holder pays by card.
        exemption: why no participation is due although one was in force, or ``None``.
        exempting_funder: the funder whose top-up exempts, for ``Exemption.FUNDER``.
        rights_cap: the cap on rights for this action that day, or ``None``.
        flat_participation: the participation in force that day (before the "never more than
            the price" limit and the exemptions).
        unused_top_ups: the top-ups that applied to the order but paid nothing (the sources
            used before them covered the price).

    Every field is checked when the plan is built, with the sum of the lines, the balance and
    the cap (in one pass, :meth:`__attrs_post_init__`).
    """

    price: Euros
    on: date
    action_type: ActionType
    balance: Euros
    lines: tuple[FundingLine, ...]
    exemption: Exemption | None = None
    exempting_funder: Funder | None = None
    rights_cap: Euros | None = None
    flat_participation: Euros = attrs.field(default=Euros(0))
    _rulebook: Rulebook | None = attrs.field(
        default=None, alias="rulebook", eq=False, repr=False)
    unused_top_ups: tuple[TopUp, ...] = ()

    def __attrs_post_init__(self) -> None:
        price, balance, cap, flat = self.price, self.balance, self.rights_cap, self.flat_participation
        if price.__class__ is not Euros or price.cents < 0:
            _check_euros(price, "price")
        if balance.__class__ is not Euros or balance.cents < 0:
            _check_euros(balance, "balance")
        if flat.__class__ is not Euros or flat.cents < 0:
            _check_euros(flat, "flat_participation")
        if cap is not None and (cap.__class__ is not Euros or cap.cents < 0):
            _check_euros(cap, "rights_cap")
        on = self.on
        if on.__class__ is not date and (isinstance(on, datetime) or not isinstance(on, date)):
            raise InvalidValue(
                f"on must be a datetime.date (not a datetime), got {type(on).__name__} {on!r}")
        if self.action_type.__class__ is not ActionType:
            raise InvalidValue(f"action_type must be an ActionType, got {self.action_type!r}")
        if self.exemption is not None and self.exemption.__class__ is not Exemption:
            raise InvalidValue(f"exemption must be an Exemption or None, got {self.exemption!r}")
        if self.exempting_funder is not None and self.exempting_funder.__class__ is not Funder:
            raise InvalidValue(
                f"exempting_funder must be a Funder or None, got {self.exempting_funder!r}")
        lines = self.lines
        if lines.__class__ is not tuple:
            object.__setattr__(self, "lines", lines := _lines(lines))
        if self.unused_top_ups:
            object.__setattr__(self, "unused_top_ups", _top_ups(self.unused_top_ups))
        elif self.unused_top_ups.__class__ is not tuple:
            object.__setattr__(self, "unused_top_ups", ())
        total = rights = 0
        for line in lines:
            if line.__class__ is not FundingLine:
                raise InvalidValue(f"lines must be FundingLine records, got {line!r}")
            cents = line.amount.cents
            total += cents
            if line.kind is _RIGHTS:
                rights += cents
        if total != price.cents:
            raise InvalidValue(
                f"the lines of a funding plan sum to the price; got {Euros(total)} for a price "
                f"of {self.price}")
        if rights > balance.cents:
            raise InvalidValue(f"rights used ({Euros(rights)}) exceed the balance ({self.balance})")
        if cap is not None and rights > cap.cents:
            raise InvalidValue(f"rights used ({Euros(rights)}) exceed the cap ({cap})")
        if self._rulebook is not None and self._rulebook.__class__ is not Rulebook:
            raise InvalidValue(f"rulebook must be a Rulebook or None, got {self._rulebook!r}")

    # -- derived amounts -----------------------------------------------------------------
    def _total(self, kind: LineKind) -> Euros:
        return Euros(sum(line.amount.cents for line in self.lines if line.kind is kind))

    @property
    def rights_used(self) -> Euros:
        """What the holder's CPF rights pay."""
        return self._total(LineKind.RIGHTS)

    @property
    def top_ups_used(self) -> Euros:
        """What all the top-ups pay together (dotations and complementary top-ups)."""
        return self._total(LineKind.TOP_UP)

    @property
    def dotations_used(self) -> Euros:
        """What the dotations pay (a part of :attr:`top_ups_used`)."""
        return Euros(sum(line.amount.cents for line in self.lines
                         if line.top_up_kind is TopUpKind.DOTATION))

    @property
    def card_payment(self) -> Euros:
        """Everything the holder pays by card (participation, complement, options)."""
        return Euros(sum(line.amount.cents for line in self.lines if line.kind in _CARD_KINDS))

    @property
    def participation(self) -> Euros:
        """The flat participation, a part of :attr:`card_payment`."""
        return self._total(LineKind.PARTICIPATION)

    @property
    def holder_complement(self) -> Euros:
        """What the rights and top-ups leave unpaid on the fundable part, paid by card."""
        return self._total(LineKind.HOLDER_COMPLEMENT)

    @property
    def not_fundable(self) -> Euros:
        """The options CPF rights cannot pay for, paid by card."""
        return self._total(LineKind.NOT_FUNDABLE)

    @property
    def top_up_lines(self) -> tuple[FundingLine, ...]:
        """The top-up lines, in the order they were used."""
        return tuple(line for line in self.lines if line.kind is LineKind.TOP_UP)

    @property
    def top_ups_by_funder(self) -> Mapping[Funder, Euros]:
        """What each funder pays (funders that pay nothing are left out)."""
        found: dict[Funder, Euros] = {}
        for line in self.lines:
            if line.funder is not None:
                found[line.funder] = found.get(line.funder, Euros(0)) + line.amount
        return found

    @property
    def capped(self) -> bool:
        """Whether the cap on rights kept the rights from paying more."""
        if (self.rights_cap is None or self.rights_used != self.rights_cap
                or self.balance <= self.rights_cap):
            return False
        kinds = [line.kind for line in self.lines]
        after = self.lines[kinds.index(LineKind.RIGHTS) + 1:]
        later = sum(line.amount.cents for line in after if line.kind is LineKind.TOP_UP)
        beyond = self.holder_complement.cents + later
        if self.action_type is ActionType.DRIVING_LICENCE_LIGHT and (
                self.exemption is not Exemption.JOB_SEEKER):
            # The licence's minimum co-funding is drawn before the rights, cap or no cap.
            minimum = self.rulebook.at(self.on).light_driving_licence_min_cofunding
            if minimum is not None:
                before = sum(line.amount.cents for line in self.lines[:kinds.index(
                    LineKind.RIGHTS)] if line.funder is not None and line.funder.third_party)
                beyond -= min(max(minimum.cents - before, 0), later)
        return beyond > 0

    @property
    def rulebook(self) -> Rulebook:
        """The rulebook the plan was computed with."""
        return self._rulebook if self._rulebook is not None else DEFAULT_RULEBOOK

    def explain(self, lang: str = "fr") -> str:
        """The plan line by line, with the rule and the source behind each amount.

        It says why a dotation was drawn before the rights (the order of use of décret
        n° 2025-1156) and which top-ups went unused, and why.

        Args:
            lang: ``"fr"`` (default) or ``"en"``.
        """
        return _explain(self, lang)


_RIGHTS, _TOP_UP, _PARTICIPATION = LineKind.RIGHTS, LineKind.TOP_UP, LineKind.PARTICIPATION
_COMPLEMENT, _NOT_FUNDABLE = LineKind.HOLDER_COMPLEMENT, LineKind.NOT_FUNDABLE

# Which rulebook parameter caps the rights used for each action type (décret n° 2026-127).
_CAP_PARAMETER: Mapping[ActionType, str] = {
    ActionType.RS: "rights_cap_rs",
    ActionType.SKILLS_ASSESSMENT: "rights_cap_skills_assessment",
    ActionType.DRIVING_LICENCE_LIGHT: "rights_cap_light_driving_licence",
}


def rights_cap(rules: Rules, action_type: ActionType) -> Euros | None:
    """The cap on the rights an order of ``action_type`` may use under ``rules``, or ``None``.

    From 26 February 2026 (décret n° 2026-127, D6323-1 A): Répertoire spécifique except CléA
    1 500 €, bilan de compétences 1 600 €, light-vehicle driving licence 900 €. The amounts are
    rulebook parameters (plausible, overridable).

    >>> from datetime import date
    >>> rules = Rulebook.default().at(date(2026, 3, 1))
    >>> str(rights_cap(rules, ActionType.RS)), rights_cap(rules, ActionType.CLEA)
    ('1 500,00 €', None)
    """
    name = _CAP_PARAMETER.get(action_type)
    if name is None:
        return None
    cap: Euros | None = getattr(rules, name)
    return cap


def funding_violations(
    price: Euros,
    *,
    on: date,
    top_ups: Sequence[TopUp] = (),
    job_seeker: bool = False,
    action_type: ActionType = ActionType.RNCP,
    rulebook: Rulebook | None = None,
) -> tuple[Violation, ...]:
    """The funding rules an order breaks, all of them (an empty tuple when none).

    Checked: the action type is eligible that day (L6323-6); an earmarked top-up is used only
    once earmarking exists (17 April 2025); and, from 21 February 2026, a light-vehicle driving
    licence needs a job seeker or at least ``light_driving_licence_min_cofunding`` (100 €,
    unverified, overridable) of third-party top-ups (loi de finances 2026, art. 203).
    ``top_ups`` are those that apply to the order (earmarks already matched).
    """
    _check_euros(price, "price")
    rules = (rulebook if rulebook is not None else DEFAULT_RULEBOOK).at(on)
    return _violations(rules, on, top_ups, job_seeker, action_type)


def _violations(rules: Rules, on: date, usable: Sequence[TopUp], job_seeker: bool,
                action_type: ActionType) -> tuple[Violation, ...]:
    found: list[Violation] = []
    if action_type not in rules.eligible_action_types:
        found.append(Violation(
            "funding.action_not_eligible",
            f"{action_type.label_fr} is not eligible for CPF rights on {on.isoformat()} "
            "(Code du travail L6323-6)", action_type.value))
    if not rules.top_up_earmarking_allowed:
        for top_up in usable:
            if top_up.earmarked:
                found.append(Violation(
                    "funding.earmark_not_in_force",
                    f"a top-up from {top_up.funder.label_fr} is earmarked, but earmarking is not "
                    f"in force on {on.isoformat()} (it exists from 17 April 2025, décret du 14 "
                    "avril 2025)",
                    top_up.reference or top_up.funder.value))
    minimum = rules.light_driving_licence_min_cofunding
    if (action_type is ActionType.DRIVING_LICENCE_LIGHT and minimum is not None
            and not job_seeker):
        third_party = sum(t.amount.cents for t in usable if t.funder is not Funder.HOLDER)
        if third_party < minimum.cents:
            found.append(Violation(
                "funding.driving_licence_cofunding",
                f"on {on.isoformat()} a light-vehicle driving licence is funded by CPF rights "
                f"only for a job seeker or with at least {minimum} of third-party co-funding; "
                f"the top-ups that apply bring {Euros(third_party)} (loi de finances 2026, "
                "art. 203)", action_type.value))
    return tuple(found)


def plan_funding(
    price: Euros,
    *,
    balance: Euros,
    on: date,
    top_ups: Iterable[TopUp] = (),
    job_seeker: bool = False,
    action_type: ActionType = ActionType.RNCP,
    rulebook: Rulebook | None = None,
    options: Iterable[PricedOption] = (),
    offer_id: OfferId | None = None,
    certification_code: str | None = None,
    employer_co_funding: bool = False,
    at_mp_incapacity_percent: int | None = None,
) -> FundingPlan:
    """Split ``price`` between the top-ups, the holder's rights and the card (module docstring).

    Args:
        price: the order's price: the session price plus the chosen ``options``.
        balance: the holder's available rights (not counting top-ups).
        on: the day of the order; the rules in force that day apply.
        top_ups: the top-ups available to the holder; those earmarked for other offers or
            certifications are left out, the others are used in the rulebook's
            ``order_of_use`` (from 5 December 2025 the dotations before the rights, the
            complementary top-ups after them; before, every top-up after the rights) and,
            inside a tier, in its funder order (ties keep the given order).
        job_seeker: the holder is a job seeker (no participation; a light-vehicle licence
            needs no co-funding).
        action_type: the kind of action ordered (caps and eligibility depend on it).
        rulebook: the rules; default :meth:`Rulebook.default`.
        options: the chosen options, included in ``price``; those not fundable by CPF rights
            are paid by card.
        offer_id: the offer ordered, matched against earmarked top-ups.
        certification_code: the certification it prepares (``"RS6204"``), matched likewise.
        employer_co_funding: the employer (or a company, group or branch agreement) co-funds
            the training outside the top-ups listed: no participation (décret 2024-394).
        at_mp_incapacity_percent: the holder's permanent incapacity rate, when known. An
            AT/MP retraining top-up exempts from the participation unless this rate is given
            and below ``at_mp_min_incapacity_percent`` (10 %, L432-12 CSS); the top-up itself
            is granted only above it.

    Exemption by a top-up (employer, agreement, C2P, AT/MP: the rulebook's
    ``flat_participation_exempting_funders``) holds when the plan draws on that top-up; when
    the sources used before it pay everything, the top-up is not drawn and the participation
    is due (the decree exempts a training that *receives* such a top-up). An employer's
    dotation, drawn first from 5 December 2025, therefore exempts whenever the price is not 0.

    Raises:
        InvalidValue: a negative or non-``Euros`` amount, options worth more than the price,
            a ``datetime`` for ``on``, a record of the wrong type, a rulebook whose
            ``order_of_use`` does not name every source once.
        RuleViolation: the order breaks a funding rule (:func:`funding_violations`).
    """
    if price.__class__ is not Euros or price.cents < 0:
        _check_euros(price, "price")
    if balance.__class__ is not Euros or balance.cents < 0:
        _check_euros(balance, "balance")
    price_cents = price.cents
    balance_cents = balance.cents
    if action_type.__class__ is not ActionType:
        raise InvalidValue(f"action_type must be an ActionType, got {action_type!r}")
    if job_seeker is not True and job_seeker is not False:
        raise InvalidValue(f"job_seeker must be a bool, got {job_seeker!r}")
    if employer_co_funding is not True and employer_co_funding is not False:
        raise InvalidValue(f"employer_co_funding must be a bool, got {employer_co_funding!r}")
    if at_mp_incapacity_percent is not None and (
            type(at_mp_incapacity_percent) is not int
            or not 0 <= at_mp_incapacity_percent <= 100):
        raise InvalidValue(
            "at_mp_incapacity_percent must be a whole percentage from 0 to 100 or None, got "
            f"{at_mp_incapacity_percent!r}")
    rules = (rulebook if rulebook is not None else DEFAULT_RULEBOOK).at(on)
    prepared = _prepare(rules)
    action_index = _ACTIONS.index(action_type)

    not_fundable = 0
    for option in options:
        cents = _check_euros(option.price, "an option's price")
        if option.cpf_fundable is False:
            not_fundable += cents
        elif option.cpf_fundable is not True:
            raise InvalidValue(f"an option's cpf_fundable is a bool, got {option.cpf_fundable!r}")
    if not_fundable > price_cents:
        raise InvalidValue(
            f"the options not fundable by CPF ({Euros(not_fundable)}) cost more than the price "
            f"({price}); the price includes the chosen options")

    usable: list[TopUp] = []
    earmarked = False
    for top_up in top_ups:
        if top_up.__class__ is not TopUp:
            raise InvalidValue(f"top_ups holds TopUp records, got {top_up!r}")
        if top_up.earmarked_offers or top_up.earmarked_certifications:
            if not top_up.applies_to(offer_id, certification_code):
                continue
            earmarked = True
        usable.append(top_up)
    if len(usable) == 2:  # the common case, without the machinery of a sort
        keys = prepared.keys
        first, second = usable
        if (keys[second.kind is _DOTATION][_FUNDERS.index(second.funder)]
                < keys[first.kind is _DOTATION][_FUNDERS.index(first.funder)]):
            usable.reverse()
    elif len(usable) > 2:
        usable.sort(key=prepared.sort_key)
    before = 0  # how many top-ups come before the rights (a prefix of the sorted ones)
    if prepared.before_rights:
        for top_up in usable:
            if top_up.kind not in prepared.before_rights:
                break
            before += 1

    licence = action_index == _LICENCE_INDEX and prepared.min_cofunding is not None
    if (action_type not in prepared.eligible or licence
            or (earmarked and not rules.top_up_earmarking_allowed)):
        violations = _violations(rules, on, usable, job_seeker, action_type)
        if violations:
            raise RuleViolation(violations)

    fundable = price_cents - not_fundable
    cap = prepared.caps[action_index]
    cap_cents = cap.cents if cap is not None else None
    reserve = (prepared.min_cofunding or 0) if licence and not job_seeker else 0
    in_force = prepared.in_force

    exemption: Exemption | None = None
    exempting_funder: Funder | None = None
    exempting: tuple[Funder, ...] = ()
    if in_force:
        if job_seeker and rules.flat_participation_job_seeker_exempt:
            exemption = Exemption.JOB_SEEKER
        elif employer_co_funding:
            exemption = Exemption.DECLARED_CO_FUNDING
        elif (at_mp_incapacity_percent is not None
                and at_mp_incapacity_percent < rules.at_mp_min_incapacity_percent):
            exempting = prepared.exempting_without_at_mp
        else:
            exempting = prepared.exempting

    participation = 0 if exemption is not None else min(in_force, fundable)
    candidate = False
    if exempting:
        for top_up in usable:
            if top_up.funder in exempting:
                candidate = True
                break
    if candidate:
        # Try the plan without the participation; keep it if an exempting top-up is drawn.
        rights, uses = _split(fundable, balance_cents, cap_cents, reserve, usable, before)
        for top_up, used in zip(usable, uses, strict=True):
            if used and top_up.funder in exempting:
                exemption, exempting_funder, participation = Exemption.FUNDER, top_up.funder, 0
                break
        else:
            rights, uses = _split(fundable - participation, balance_cents, cap_cents, reserve,
                                  usable, before)
    else:
        rights, uses = _split(fundable - participation, balance_cents, cap_cents, reserve,
                              usable, before)

    lines: list[FundingLine] = []
    used_total = 0
    parameters = prepared.top_up_parameters[reserve > 0]
    for index, top_up in enumerate(usable):
        if index == before and rights:
            lines.append(_rights_line(rights, balance, cap_cents, action_index, participation,
                                      reserve, used_total))
        used = uses[index]
        if used:
            used_total += used
            amount = top_up.amount
            kind = top_up.kind
            lines.append(FundingLine(
                _TOP_UP, amount if used == amount.cents else Euros(used), top_up.funder,
                top_up.reference, parameters[earmarked and top_up.earmarked][kind is _DOTATION],
                kind))
    if rights and before == len(usable):
        lines.append(_rights_line(rights, balance, cap_cents, action_index, participation,
                                  reserve, used_total))
    if participation:
        whole = prepared.participation_line
        lines.append(whole if whole is not None and participation == in_force
                     else FundingLine(_PARTICIPATION, Euros(participation), None, "",
                                      _P_PARTICIPATION, None))
    complement = fundable - participation - rights - used_total
    if complement:
        lines.append(FundingLine(_COMPLEMENT, Euros(complement), None, "",
                                 _CAP_NAMES[action_index] if rights == cap_cents else (), None))
    if not_fundable:
        lines.append(FundingLine(_NOT_FUNDABLE, Euros(not_fundable), None, "", (), None))
    unused: tuple[TopUp, ...] = ()
    if 0 in uses:
        unused = tuple(top_up for top_up, used in zip(usable, uses, strict=True) if not used)
    return FundingPlan(price, on, action_type, balance, tuple(lines), exemption,
                       exempting_funder, cap, prepared.flat_participation, rulebook, unused)


def _rights_line(rights: int, balance: Euros, cap: int | None, action_index: int,
                 participation: int, reserve: int, drawn_before: int) -> FundingLine:
    """The line of the rights, with the parameters that held them back."""
    if rights == balance.cents:  # the whole balance: no rule held the rights back
        return FundingLine(_RIGHTS, balance, None, "", (), None)
    return FundingLine(_RIGHTS, Euros(rights), None, "", (
        _CAP_NAMES[action_index] if rights == cap
        else _ROOM_PARAMETERS[participation > 0][reserve > 0][drawn_before > 0]), None)


_DOTATION = TopUpKind.DOTATION
_HOLDER = Funder.HOLDER
_ACTIONS: tuple[ActionType, ...] = tuple(ActionType)
_FUNDERS: tuple[Funder, ...] = tuple(Funder)
_LICENCE_INDEX = _ACTIONS.index(ActionType.DRIVING_LICENCE_LIGHT)
_P_PARTICIPATION = ("flat_participation",)
# What held the rights back, by the line's parameters: the cap of the action, or the room the
# participation, a licence's co-funding and the dotations drawn first left, indexed
# [participation > 0][reserve > 0][top-ups drawn before the rights].
_CAP_NAMES: tuple[tuple[str, ...], ...] = tuple(
    (_CAP_PARAMETER[action],) if action in _CAP_PARAMETER else () for action in _ACTIONS)
_ROOM_PARAMETERS: tuple[tuple[tuple[tuple[str, ...], ...], ...], ...] = tuple(
    tuple(
        tuple(
            (("flat_participation",) if participation else ())
            + (("light_driving_licence_min_cofunding",) if reserve else ())
            + (("order_of_use",) if first else ())
            for first in (False, True))
        for reserve in (False, True))
    for participation in (False, True))


@attrs.frozen
class _Prepared:
    """What plan_funding reads from one day's rules, in the shapes that are fastest to use."""

    eligible: tuple[ActionType, ...]
    exempting: tuple[Funder, ...]
    exempting_without_at_mp: tuple[Funder, ...]
    # The sort key of a top-up, by [is a dotation][funder's index]: its tier, then its rank.
    keys: tuple[tuple[int, ...], tuple[int, ...]]
    before_rights: tuple[TopUpKind, ...]  # the kinds whose tier comes before the rights
    caps: tuple[Euros | None, ...]
    min_cofunding: int | None
    in_force: int
    flat_participation: Euros
    participation_line: FundingLine | None  # the whole participation, shared by every plan
    # A top-up line's parameters, by [licence reserve][earmarked][is a dotation].
    top_up_parameters: tuple[tuple[tuple[tuple[str, ...], ...], ...], ...]

    def sort_key(self, top_up: TopUp) -> int:
        """Where the top-up comes in the order of use: its tier, then its funder's rank."""
        return self.keys[top_up.kind is _DOTATION][_FUNDERS.index(top_up.funder)]


def _tier_of(kind: TopUpKind, order: tuple[FundingSource, ...]) -> FundingSource:
    if FundingSource.TOP_UPS in order:
        return FundingSource.TOP_UPS
    return FundingSource.DOTATIONS if kind is TopUpKind.DOTATION else FundingSource.COMPLEMENTARY


@functools.lru_cache(maxsize=256)
def _prepare(rules: Rules) -> _Prepared:
    """Reshape one day's rules for the planner (a pure function of the ``Rules`` record)."""
    order = rules.order_of_use
    expected = ({FundingSource.RIGHTS, FundingSource.TOP_UPS} if FundingSource.TOP_UPS in order
                else {FundingSource.RIGHTS, FundingSource.DOTATIONS, FundingSource.COMPLEMENTARY})
    if len(order) != len(expected) or set(order) != expected:
        raise InvalidValue(
            "order_of_use names each source once: RIGHTS with TOP_UPS, or RIGHTS with DOTATIONS "
            f"and COMPLEMENTARY; got {', '.join(source.name for source in order)}")
    dotation_order = (rules.dotation_priority if rules.dotation_priority is not None
                      else rules.top_up_priority)
    width = len(_FUNDERS) + 1

    def keys(kind: TopUpKind) -> tuple[int, ...]:
        tier = _tier_of(kind, order)
        priority = (dotation_order if tier is FundingSource.DOTATIONS
                    else rules.top_up_priority)
        base = order.index(tier) * width
        return tuple(base + (priority.index(funder) if funder in priority else len(priority))
                     for funder in _FUNDERS)

    rights_at = order.index(FundingSource.RIGHTS)
    dotation_name = ("dotation_priority" if rules.dotation_priority is not None
                     else "top_up_priority")
    dotation_tier = _tier_of(TopUpKind.DOTATION, order) is FundingSource.DOTATIONS

    def parameters(reserve: bool, earmarked: bool, dotation: bool) -> tuple[str, ...]:
        return ((("light_driving_licence_min_cofunding",) if reserve else ())
                + ("order_of_use", dotation_name if dotation and dotation_tier
                   else "top_up_priority")
                + (("top_up_earmarking_allowed",) if earmarked else ()))

    top_up_parameters = tuple(
        tuple(tuple(parameters(reserve, earmarked, dotation) for dotation in (False, True))
              for earmarked in (False, True))
        for reserve in (False, True))
    exempting = tuple(sorted(rules.flat_participation_exempting_funders, key=_FUNDERS.index))
    minimum = rules.light_driving_licence_min_cofunding
    return _Prepared(
        eligible=tuple(rules.eligible_action_types),
        exempting=exempting,
        exempting_without_at_mp=tuple(f for f in exempting if f is not Funder.AT_MP),
        keys=(keys(TopUpKind.COMPLEMENTARY), keys(TopUpKind.DOTATION)),
        before_rights=tuple(kind for kind in TopUpKind
                            if order.index(_tier_of(kind, order)) < rights_at),
        caps=tuple(rights_cap(rules, action) for action in _ACTIONS),
        min_cofunding=minimum.cents if minimum is not None else None,
        in_force=rules.flat_participation.cents,
        flat_participation=rules.flat_participation,
        participation_line=FundingLine(_PARTICIPATION, rules.flat_participation,
                                       parameters=_P_PARTICIPATION)
        if rules.flat_participation.cents else None,
        top_up_parameters=top_up_parameters,
    )


def _split(room: int, balance: int, cap: int | None, reserve: int, usable: Sequence[TopUp],
           before: int) -> tuple[int, list[int]]:
    """Rights and top-up amounts for ``room`` cents (the fundable part less the participation).

    The licence co-funding ``reserve`` comes from third-party top-ups first (in the order of
    use); then the ``before`` first top-ups (the tiers before the rights), the rights up to
    the balance and the cap, and the other top-ups fill what is left, in order.
    """
    uses = [0] * len(usable)
    gap = room
    if reserve:
        want = room - min(reserve, room)  # the gap once the reserve is drawn
        for i, top_up in enumerate(usable):
            if gap <= want:
                break
            if top_up.funder is not _HOLDER:
                take = min(top_up.amount.cents, gap - want)
                uses[i] = take
                gap -= take
    for i in range(before):
        if not gap:
            break
        left = usable[i].amount.cents - uses[i]
        take = left if left < gap else gap
        uses[i] += take
        gap -= take
    rights = gap
    if balance < rights:
        rights = balance
    if cap is not None and cap < rights:
        rights = cap
    gap -= rights
    if gap:
        for i in range(before, len(usable)):
            left = usable[i].amount.cents - uses[i]
            if left <= 0:
                continue
            take = left if left < gap else gap
            uses[i] += take
            gap -= take
            if not gap:
                break
    return rights, uses


# -- explanations ------------------------------------------------------------------------
def funder_label(funder: Funder, lang: str) -> str:
    """A funder's name in French (``"fr"``) or English (``"en"``)."""
    return label(funder, lang)


def _new_order(sources: Mapping[str, ParameterValue]) -> bool:
    """Whether the order of use that day has separate tiers (dotations, complementary)."""
    order = sources["order_of_use"].value
    return isinstance(order, tuple) and FundingSource.TOP_UPS not in order


def _top_up_rule(plan: FundingPlan, line: FundingLine, lang: str,
                 sources: Mapping[str, ParameterValue]) -> str:
    fr = lang == "fr"
    assert line.funder is not None  # a top-up line always names its funder
    name = funder_label(line.funder, lang)
    ref = f" [{line.reference}]" if line.reference else ""
    if "top_up_earmarking_allowed" in line.parameters:
        ref += (" fléché vers cette formation" if fr else " earmarked to this training")
    since = day_text(sources["order_of_use"].since, lang)
    if "light_driving_licence_min_cofunding" in line.parameters:
        return (f"{name}{ref} : cofinancement tiers exigé pour le permis léger, tiré avant les "
                "droits (L6323-4 II)" if fr else
                f"{name}{ref}: third-party co-funding a light-vehicle licence needs, drawn "
                "before the rights (L6323-4 II)")
    if not _new_order(sources):
        kind = ""
        if line.top_up_kind is TopUpKind.DOTATION:
            kind = " (dotation)"
        return (f"{name}{ref}{kind} : utilisé après les droits, dans l'ordre de priorité des "
                "financeurs (L6323-4 II)" if fr else
                f"{name}{ref}{kind}: used after the rights, in the funders' priority order "
                "(L6323-4 II)")
    if line.top_up_kind is TopUpKind.DOTATION:
        return (f"{name}{ref} : dotation créditée sur le compte avant la commande, utilisée "
                f"avant les droits du titulaire, qu'elle préserve (ordre de mobilisation en "
                f"vigueur depuis le {since}, R6333-3)" if fr else
                f"{name}{ref}: a dotation credited to the account before the order, used "
                f"before the holder's rights, which it spares (order of use in force since "
                f"{since}, R6333-3)")
    return (f"{name}{ref} : abondement complémentaire demandé pour cette formation, utilisé "
            "après les dotations et les droits (R6333-3, L6323-4 II)" if fr else
            f"{name}{ref}: a complementary top-up asked for this training, used after the "
            "dotations and the rights (R6333-3, L6323-4 II)")


def _rule(plan: FundingPlan, line: FundingLine, lang: str,
          sources: Mapping[str, ParameterValue]) -> str:
    fr = lang == "fr"
    action = label(plan.action_type, lang)
    kind = line.kind
    if kind is LineKind.RIGHTS:
        cap_name = _CAP_PARAMETER.get(plan.action_type)
        if plan.rights_cap is not None and cap_name in line.parameters:
            since = day_text(sources[cap_name].since, lang)
            return (f"plafonné à {plan.rights_cap} pour un(e) {action} depuis le {since}" if fr
                    else f"capped at {plan.rights_cap} for a {action} since {since}")
        if line.amount == plan.balance:
            return (f"tout le solde disponible ({plan.balance})" if fr
                    else f"the whole available balance ({plan.balance})")
        rest = plan.balance - line.amount
        less = []
        if "flat_participation" in line.parameters:
            less.append("la participation forfaitaire" if fr else "the flat participation")
        if "light_driving_licence_min_cofunding" in line.parameters:
            less.append("le cofinancement tiers exigé" if fr
                        else "the required third-party co-funding")
        if "order_of_use" in line.parameters:
            less.append("les dotations utilisées d'abord" if fr else "the dotations used first")
        if not less:
            return (f"le prix finançable; le reste du solde ({rest}) reste sur le compte" if fr
                    else f"the fundable price; the rest of the balance ({rest}) stays on the "
                    "account")
        joined = (", ".join(less[:-1]) + (" et " if fr else " and ") + less[-1]
                  if len(less) > 1 else less[0])
        return (f"le prix finançable moins {joined}; le reste du solde ({rest}) reste sur le "
                "compte" if fr else
                f"the fundable price less {joined}; the rest of the balance ({rest}) stays on "
                "the account")
    if kind is LineKind.TOP_UP:
        return _top_up_rule(plan, line, lang, sources)
    if kind is LineKind.PARTICIPATION:
        limited = line.amount < plan.flat_participation
        if fr:
            text = (f"participation forfaitaire obligatoire de {plan.flat_participation} en "
                    f"vigueur le {day_text(plan.on, lang)}")
            text += ", limitée au prix finançable" if limited else ""
            return text + "; payée par carte à la validation, même avec assez de droits"
        text = (f"compulsory flat participation of {plan.flat_participation} in force on "
                f"{day_text(plan.on, lang)}")
        text += ", limited to the fundable price" if limited else ""
        return text + "; paid by card on validation, even with enough rights"
    if kind is LineKind.HOLDER_COMPLEMENT:
        if plan.participation:
            return ("ce que les droits et les abondements ne couvrent pas; la participation "
                    "forfaitaire y est absorbée, pas ajoutée" if fr else
                    "what the rights and top-ups leave unpaid; the flat participation is "
                    "absorbed into it, not added on top")
        return ("ce que les droits et les abondements ne couvrent pas" if fr
                else "what the rights and top-ups leave unpaid")
    return ("options que les droits CPF ne financent pas" if fr
            else "options CPF rights cannot pay for")


def _exemption_text(plan: FundingPlan, lang: str) -> tuple[str, tuple[str, ...]] | None:
    if plan.exemption is None:
        return None
    fr = lang == "fr"
    if plan.exemption is Exemption.JOB_SEEKER:
        return (("Pas de participation forfaitaire : le titulaire est demandeur d'emploi"
                 if fr else "No flat participation: the holder is a job seeker"),
                ("flat_participation_job_seeker_exempt",))
    if plan.exemption is Exemption.FUNDER and plan.exempting_funder is not None:
        name = funder_label(plan.exempting_funder, lang)
        params: tuple[str, ...] = ("flat_participation_exempting_funders",)
        if plan.exempting_funder is Funder.AT_MP:
            params += ("at_mp_min_incapacity_percent",)
        return ((f"Pas de participation forfaitaire : la formation reçoit un abondement "
                 f"exonérant ({name})" if fr else
                 f"No flat participation: the training receives an exempting top-up ({name})"),
                params)
    return (("Pas de participation forfaitaire : l'employeur cofinance la formation" if fr
             else "No flat participation: the employer co-funds the training"),
            ("flat_participation_exempting_funders",))


def _order_text(plan: FundingPlan, lang: str, sources: Mapping[str, ParameterValue]) -> str:
    """The order of use of the plan's day, for a plan that was offered top-ups."""
    fr = lang == "fr"
    value = sources["order_of_use"]
    order = value.value if isinstance(value.value, tuple) else ()
    names = (", puis " if fr else ", then ").join(label(source, lang) for source in order)
    if value.since != ORIGIN:
        when = (f" depuis le {day_text(value.since, lang)}" if fr
                else f" since {day_text(value.since, lang)}")
    elif value.until is not None:
        when = (f" jusqu'au {day_text(value.until, lang)}" if fr
                else f" until {day_text(value.until, lang)}")
    else:
        when = ""
    return f"Ordre de mobilisation{when} : {names}" if fr else f"Order of use{when}: {names}"


def _unused_text(plan: FundingPlan, top_up: TopUp, lang: str,
                 sources: Mapping[str, ParameterValue]) -> str:
    fr = lang == "fr"
    name = funder_label(top_up.funder, lang)
    ref = f" [{top_up.reference}]" if top_up.reference else ""
    kind = label(top_up.kind, lang)
    if _new_order(sources) and top_up.kind is TopUpKind.COMPLEMENTARY:
        why = ("les dotations et les droits couvrent le prix, et un abondement complémentaire "
               "ne vient qu'après eux" if fr else
               "the dotations and the rights cover the price, and a complementary top-up only "
               "comes after them")
    elif not _new_order(sources):
        why = ("les droits couvrent le prix, et les abondements ne viennent qu'après eux" if fr
               else "the rights cover the price, and top-ups only come after them")
    else:
        why = ("les sources utilisées avant lui couvrent le prix" if fr
               else "the sources used before it cover the price")
    text = (f"  Non utilisé : {kind} {name}{ref} de {top_up.amount} — {why}" if fr else
            f"  Unused: {kind} from {name}{ref} of {top_up.amount} — {why}")
    if plan.participation and top_up.funder in plan.rulebook.at(
            plan.on).flat_participation_exempting_funders:
        text += ("; la participation forfaitaire reste donc due (l'exonération suppose que la "
                 "formation reçoive l'abondement)" if fr else
                 "; so the flat participation is due (the exemption needs the training to "
                 "receive the top-up)")
    return text


def _explain(plan: FundingPlan, lang: str) -> str:
    lang = check_lang(lang)
    fr = lang == "fr"
    sources = {value.name: value for value in plan.rulebook.parameters_at(plan.on)}

    def cite(names: tuple[str, ...]) -> list[str]:
        cited = []
        for name in names:
            value = sources[name]
            colon = " :" if fr else ":"
            cited.append(f"      Source ({label(value, lang)}, {value.confidence.value}){colon} "
                         f"{value.source}")
        return cited

    action = label(plan.action_type, lang)
    day = day_text(plan.on, lang)
    out = [
        (f"Plan de financement du {day} — {action}, prix {plan.price}, "
         f"solde disponible {plan.balance}" if fr else
         f"Funding plan of {day} — {action}, price {plan.price}, "
         f"available balance {plan.balance}"),
    ]
    width = max((len(str(line.amount)) for line in plan.lines), default=0)
    for line in plan.lines:
        out.append(f"  {str(line.amount).rjust(width)}  {line.kind.describe(lang)} — "
                   f"{_rule(plan, line, lang, sources)}")
        out.extend(cite(line.parameters))
    for top_up in plan.unused_top_ups:
        out.append(_unused_text(plan, top_up, lang, sources))
    if plan.unused_top_ups or plan.top_ups_used:
        out.append("  " + _order_text(plan, lang, sources))
        if not any("order_of_use" in line.parameters for line in plan.lines):
            out.extend(cite(("order_of_use",)))
    exemption = _exemption_text(plan, lang)
    if exemption is None and not plan.flat_participation and plan.price:
        exemption = (("Pas de participation forfaitaire à cette date" if fr
                      else "No flat participation on that day"), ("flat_participation",))
    if exemption is not None:
        out.append("  " + exemption[0])
        out.extend(cite(exemption[1]))
    if fr:
        out.append(f"Droits : {plan.rights_used} ; abondements : {plan.top_ups_used} ; "
                   f"carte : {plan.card_payment} (dont participation {plan.participation})")
    else:
        out.append(f"Rights: {plan.rights_used}; top-ups: {plan.top_ups_used}; "
                   f"card: {plan.card_payment} (of which participation {plan.participation})")
    return "\n".join(out)
