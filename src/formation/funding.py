"""The funding plan: how the price of a training is split between rights, top-ups and the card.

When a holder orders a training on Mon Compte Formation, the platform computes who pays what
(``cpf-rules.md`` sections 3 and 4):

1. the **compulsory flat participation** (*participation forfaitaire obligatoire*, PFO) is
   set aside first: since 2 May 2024 the holder pays it by card even with enough rights
   (100 € in 2024, 102,23 € in 2025, 103,20 € in 2026; décret n° 2024-394, R6323-2). It is
   never more than the price, and a job seeker, a training co-funded by the employer (or under
   a company, group or branch agreement), C2P points and the AT/MP retraining top-up exempt
   from it;
2. the holder's **rights** pay the rest, up to the balance and, from 26 February 2026, up to
   the per-action cap (Répertoire spécifique except CléA 1 500 €, bilan de compétences
   1 600 €, light-vehicle driving licence 900 €; décret n° 2026-127);
3. the **top-ups** (*abondements*, L6323-4 II) that apply to the order pay what the rights
   leave, in the rulebook's priority order; an earmarked top-up pays only for the offers or
   certifications it names;
4. the holder pays the **remainder by card**, together with the participation (which is then
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
:meth:`formation.Rulebook.with_change`: the order among funders (``top_up_priority``), the
per-action caps and the licence's minimum co-funding (``rights_cap_*``,
``light_driving_licence_min_cofunding``, from secondary reports of the decree). Two choices of
this module are stated where they apply (:func:`plan_funding`): an exempting top-up exempts
only when the plan actually draws on it, and the minimum co-funding of a light-vehicle licence
is drawn from third-party top-ups before the rights, so that the plan meets the condition it
checks.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

import attrs

from formation.checks import instance_of
from formation.errors import InvalidValue, RuleViolation, Violation
from formation.ids import OfferId
from formation.money import Euros
from formation.rules.actions import ActionType
from formation.rules.funders import Funder
from formation.rules.rulebook import PARAMETER_NAMES, ParameterValue, Rulebook, Rules, check_date
from formation.topups import TopUp

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
    TOP_UP = "top-up"  # one funder's top-up (abondement)
    PARTICIPATION = "participation"  # the compulsory flat participation, paid by card
    HOLDER_COMPLEMENT = "complement"  # what rights and top-ups leave unpaid, paid by card
    NOT_FUNDABLE = "not-fundable"  # options CPF rights cannot pay for, paid by card

    @property
    def paid_by_card(self) -> bool:
        """Whether the holder pays this part by card."""
        return self in _CARD_KINDS


_CARD_KINDS = frozenset({LineKind.PARTICIPATION, LineKind.HOLDER_COMPLEMENT,
                         LineKind.NOT_FUNDABLE})


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


def _euros(instance: object, attribute: attrs.Attribute[Euros], value: object) -> None:
    if value.__class__ is not Euros:
        raise InvalidValue(
            f"{attribute.name} must be Euros, got {type(value).__name__} {value!r}")
    if value.cents < 0:
        raise InvalidValue(f"{attribute.name} must not be negative, got {value}")


def _kind(instance: object, attribute: attrs.Attribute[LineKind], value: object) -> None:
    if not isinstance(value, LineKind):
        raise InvalidValue(
            f"kind must be a LineKind ({', '.join(k.name for k in LineKind)}), got {value!r}")


def _parameters(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (tuple, list)):
        raise InvalidValue(f"parameters must be a tuple of rulebook parameter names, got {value!r}")
    for name in value:
        if name not in PARAMETER_NAMES:
            raise InvalidValue(f"parameters names rulebook parameters, got {name!r}; known: "
                               + ", ".join(PARAMETER_NAMES))
    return tuple(value)


@attrs.frozen
class FundingLine:
    """One part of the price and where it comes from.

    Attributes:
        kind: rights, a top-up, the participation, the holder's complement or the options
            CPF cannot pay for.
        amount: how much (positive).
        funder: who pays, for a top-up line; ``None`` otherwise.
        reference: the top-up's reference, for a top-up line (to release or debit it later).
        parameters: the rulebook parameters behind the amount (their sources explain it).
    """

    kind: LineKind = attrs.field(validator=_kind)
    amount: Euros = attrs.field(validator=_euros)
    funder: Funder | None = attrs.field(default=None)
    reference: str = attrs.field(default="", validator=instance_of(str))
    parameters: tuple[str, ...] = attrs.field(default=(), converter=_parameters)

    def __attrs_post_init__(self) -> None:
        if self.amount.cents == 0:
            raise InvalidValue(f"a funding line has a positive amount, got {self.amount}")
        if self.funder is not None and not isinstance(self.funder, Funder):
            raise InvalidValue(f"funder must be a Funder or None, got {self.funder!r}")
        if (self.kind is LineKind.TOP_UP) != (self.funder is not None):
            raise InvalidValue(
                f"a top-up line names its Funder and no other line does; got kind "
                f"{self.kind.name} with funder {self.funder!r}")

    @property
    def paid_by_card(self) -> bool:
        """Whether the holder pays this line by card."""
        return self.kind in _CARD_KINDS


def _lines(value: object) -> tuple[FundingLine, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)):
        raise InvalidValue(f"lines must be a tuple of FundingLine, got {value!r}")
    for line in value:
        if not isinstance(line, FundingLine):
            raise InvalidValue(f"lines must be FundingLine records, got {line!r}")
    return tuple(value)


def _optional_euros(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _euros(instance, attribute, value)


@attrs.frozen
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
        lines: the parts of the price, rights first, then top-ups in the order used, then what
            the holder pays by card.
        exemption: why no participation is due although one was in force, or ``None``.
        exempting_funder: the funder whose top-up exempts, for ``Exemption.FUNDER``.
        rights_cap: the cap on rights for this action that day, or ``None``.
        flat_participation: the participation in force that day (before the "never more than
            the price" limit and the exemptions).
    """

    price: Euros = attrs.field(validator=_euros)
    on: date = attrs.field(validator=lambda _i, _a, v: check_date(v, "on"))
    action_type: ActionType = attrs.field(validator=instance_of(ActionType))
    balance: Euros = attrs.field(validator=_euros)
    lines: tuple[FundingLine, ...] = attrs.field(converter=_lines)
    exemption: Exemption | None = attrs.field(
        default=None, validator=instance_of(Exemption, optional=True))
    exempting_funder: Funder | None = attrs.field(
        default=None, validator=instance_of(Funder, optional=True))
    rights_cap: Euros | None = attrs.field(default=None, validator=_optional_euros)
    flat_participation: Euros = attrs.field(default=Euros(0), validator=_euros)
    _rulebook: Rulebook | None = attrs.field(
        default=None, alias="rulebook", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        total = sum(line.amount.cents for line in self.lines)
        if total != self.price.cents:
            raise InvalidValue(
                f"the lines of a funding plan sum to the price; got {Euros(total)} for a price "
                f"of {self.price}")
        rights = self.rights_used
        if rights > self.balance:
            raise InvalidValue(f"rights used ({rights}) exceed the balance ({self.balance})")
        if self.rights_cap is not None and rights > self.rights_cap:
            raise InvalidValue(f"rights used ({rights}) exceed the cap ({self.rights_cap})")

    # -- derived amounts -----------------------------------------------------------------
    def _total(self, kinds: frozenset[LineKind]) -> Euros:
        return Euros(sum(line.amount.cents for line in self.lines if line.kind in kinds))

    @property
    def rights_used(self) -> Euros:
        """What the holder's CPF rights pay."""
        return self._total(_RIGHTS_KINDS)

    @property
    def top_ups_used(self) -> Euros:
        """What all the top-ups pay together."""
        return self._total(_TOP_UP_KINDS)

    @property
    def card_payment(self) -> Euros:
        """Everything the holder pays by card (participation, complement, options)."""
        return self._total(_CARD_KINDS)

    @property
    def participation(self) -> Euros:
        """The flat participation, a part of :attr:`card_payment`."""
        return self._total(_PARTICIPATION_KINDS)

    @property
    def holder_complement(self) -> Euros:
        """What the rights and top-ups leave unpaid on the fundable part, paid by card."""
        return self._total(_COMPLEMENT_KINDS)

    @property
    def not_fundable(self) -> Euros:
        """The options CPF rights cannot pay for, paid by card."""
        return self._total(_NOT_FUNDABLE_KINDS)

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
        beyond = self.holder_complement.cents + self.top_ups_used.cents
        if self.action_type is ActionType.DRIVING_LICENCE_LIGHT and (
                self.exemption is not Exemption.JOB_SEEKER):
            # The licence's minimum co-funding is drawn before the rights, cap or no cap.
            minimum = self.rulebook.at(self.on).light_driving_licence_min_cofunding
            if minimum is not None:
                beyond -= min(minimum.cents, self.top_ups_used.cents)
        return beyond > 0

    @property
    def rulebook(self) -> Rulebook:
        """The rulebook the plan was computed with."""
        return self._rulebook if self._rulebook is not None else Rulebook.default()

    def explain(self, lang: str = "fr") -> str:
        """The plan line by line, with the rule and the source behind each amount.

        Args:
            lang: ``"fr"`` (default) or ``"en"``.
        """
        return _explain(self, lang)


_RIGHTS_KINDS = frozenset({LineKind.RIGHTS})
_TOP_UP_KINDS = frozenset({LineKind.TOP_UP})
_PARTICIPATION_KINDS = frozenset({LineKind.PARTICIPATION})
_COMPLEMENT_KINDS = frozenset({LineKind.HOLDER_COMPLEMENT})
_NOT_FUNDABLE_KINDS = frozenset({LineKind.NOT_FUNDABLE})

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


# Enum members bound once: reading ``LineKind.RIGHTS`` goes through the enum metaclass.
_RIGHTS, _TOP_UP, _PARTICIPATION = LineKind.RIGHTS, LineKind.TOP_UP, LineKind.PARTICIPATION
_COMPLEMENT, _NOT_FUNDABLE = LineKind.HOLDER_COMPLEMENT, LineKind.NOT_FUNDABLE
_JOB_SEEKER, _DECLARED = Exemption.JOB_SEEKER, Exemption.DECLARED_CO_FUNDING
_BY_FUNDER, _HOLDER = Exemption.FUNDER, Funder.HOLDER

# -- the fast internal constructors --------------------------------------------------------
# plan_funding builds records whose invariants it guarantees by construction, so it bypasses
# the validators (which run for every record built by callers).
_new = object.__new__


def _slot(cls: type, name: str) -> Any:
    """The setter of a slot, bypassing the frozen ``__setattr__`` (for records built here)."""
    return cls.__dict__[name].__set__


_set_cents = _slot(Euros, "cents")
_set_kind, _set_amount, _set_funder, _set_reference, _set_parameters = (
    _slot(FundingLine, name) for name in ("kind", "amount", "funder", "reference", "parameters"))


def _make_line(kind: LineKind, cents: int | Euros, funder: Funder | None = None,
               reference: str = "", parameters: tuple[str, ...] = ()) -> FundingLine:
    line = _new(FundingLine)
    _set_kind(line, kind)
    if cents.__class__ is Euros:
        amount = cents
    else:
        amount = _new(Euros)
        _set_cents(amount, cents)
    _set_amount(line, amount)
    _set_funder(line, funder)
    _set_reference(line, reference)
    _set_parameters(line, parameters)
    return line


def _check_euros(value: object, name: str) -> int:
    if value.__class__ is not Euros:
        raise InvalidValue(f"{name} must be Euros, got {type(value).__name__} {value!r}")
    cents: int = value.cents
    if cents < 0:
        raise InvalidValue(f"{name} must not be negative, got {value}")
    return cents


_P_TOP_UP = ("top_up_priority",)
_P_TOP_UP_EARMARK = ("top_up_priority", "top_up_earmarking_allowed")
_P_LICENCE = ("light_driving_licence_min_cofunding", "top_up_priority")
_P_PARTICIPATION = ("flat_participation",)
_P_NOT_FUNDABLE: tuple[str, ...] = ()


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
    once earmarking exists (17 April 2025); and, from 26 February 2026, a light-vehicle driving
    licence needs a job seeker or at least ``light_driving_licence_min_cofunding`` (100 €,
    plausible, overridable) of third-party top-ups (loi de finances 2026, art. 203).
    ``top_ups`` are those that apply to the order (earmarks already matched).
    """
    _check_euros(price, "price")
    rules = (rulebook if rulebook is not None else _default()).at(on)
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


def _default() -> Rulebook:
    global _DEFAULT
    from formation.rules.defaults import DEFAULT_RULEBOOK

    _DEFAULT = DEFAULT_RULEBOOK
    return DEFAULT_RULEBOOK


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
    """Split ``price`` between the holder's rights, the top-ups and the card (module docstring).

    Args:
        price: the order's price: the session price plus the chosen ``options``.
        balance: the holder's available rights (not counting top-ups).
        on: the day of the order; the rules in force that day apply.
        top_ups: the top-ups available to the holder; those earmarked for other offers or
            certifications are left out, the others are used after the rights in the
            rulebook's ``top_up_priority`` order (ties keep the given order).
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
    the rights alone would pay everything, the top-up is not drawn and the participation is due
    (the decree exempts a training that *receives* such a top-up).

    Raises:
        InvalidValue: a negative or non-``Euros`` amount, options worth more than the price,
            a ``datetime`` for ``on``, a record of the wrong type.
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
    rules = (rulebook if rulebook is not None else _DEFAULT or _default()).at(on)
    prepared = _PREPARED.get(id(rules))
    if prepared is None or prepared.rules is not rules:
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
    if len(usable) > 1:
        usable.sort(key=prepared.rank_of)

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
            exemption = _JOB_SEEKER
        elif employer_co_funding:
            exemption = _DECLARED
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
        rights, uses = _split(0, fundable, balance_cents, cap_cents, reserve, usable)
        for top_up, used in zip(usable, uses, strict=True):
            if used and top_up.funder in exempting:
                exemption, exempting_funder, participation = _BY_FUNDER, top_up.funder, 0
                break
        else:
            rights, uses = _split(participation, fundable, balance_cents, cap_cents, reserve,
                                  usable)
    else:
        rights, uses = _split(participation, fundable, balance_cents, cap_cents, reserve, usable)

    lines: list[FundingLine] = []
    if rights:
        if rights == balance_cents:  # the whole balance: no rule held the rights back
            lines.append(_make_line(_RIGHTS, balance))
        else:
            lines.append(_make_line(_RIGHTS, rights, None, "", (
                _CAP_NAMES[action_index] if rights == cap_cents
                else _ROOM_PARAMETERS[participation > 0][reserve > 0])))
    used_total = 0
    for index, top_up in enumerate(usable):
        used = uses[index]
        if used:
            used_total += used
            lines.append(_make_line(
                _TOP_UP, top_up.amount if used == top_up.amount.cents else used,
                top_up.funder, top_up.reference,
                _P_LICENCE if reserve else (
                    _P_TOP_UP_EARMARK if earmarked and top_up.earmarked else _P_TOP_UP)))
    if participation:
        whole = prepared.participation_line
        lines.append(whole if whole is not None and participation == in_force
                     else _make_line(_PARTICIPATION, participation, None, "", _P_PARTICIPATION))
    complement = fundable - participation - rights - used_total
    if complement:
        lines.append(_make_line(_COMPLEMENT, complement, None, "",
                                _complement_parameters(action_type, cap_cents, rights)))
    if not_fundable:
        lines.append(_make_line(_NOT_FUNDABLE, not_fundable, None, "", _P_NOT_FUNDABLE))

    plan = _new(FundingPlan)
    _sp_price(plan, price)
    _sp_on(plan, on)
    _sp_action_type(plan, action_type)
    _sp_balance(plan, balance)
    _sp_lines(plan, tuple(lines))
    _sp_exemption(plan, exemption)
    _sp_exempting_funder(plan, exempting_funder)
    _sp_rights_cap(plan, cap)
    _sp_flat_participation(plan, prepared.flat_participation)
    _sp_rulebook(plan, rulebook)
    return plan


_ACTIONS: tuple[ActionType, ...] = tuple(ActionType)
_LICENCE_INDEX = _ACTIONS.index(ActionType.DRIVING_LICENCE_LIGHT)
# What held the rights back, by the line's parameters: the cap of the action, or the room the
# participation (and a licence's co-funding) left, indexed [participation > 0][reserve > 0].
_CAP_NAMES: tuple[tuple[str, ...], ...] = tuple(
    (_CAP_PARAMETER[action],) if action in _CAP_PARAMETER else () for action in _ACTIONS)
_ROOM_PARAMETERS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    ((), ("light_driving_licence_min_cofunding",)),
    (("flat_participation",), ("flat_participation", "light_driving_licence_min_cofunding")),
)


@attrs.frozen
class _Prepared:
    """What plan_funding reads from one day's rules, in the shapes that are fastest to use."""

    rules: Rules
    eligible: tuple[ActionType, ...]
    exempting: tuple[Funder, ...]
    exempting_without_at_mp: tuple[Funder, ...]
    priority: tuple[Funder, ...]
    caps: tuple[Euros | None, ...]
    min_cofunding: int | None
    in_force: int
    flat_participation: Euros
    participation_line: FundingLine | None  # the whole participation, shared by every plan

    def rank_of(self, top_up: TopUp) -> int:
        """The place of the top-up's funder in the priority order; unlisted funders come last."""
        try:
            return self.priority.index(top_up.funder)
        except ValueError:
            return len(self.priority)


# Keyed by id(rules); each entry keeps its Rules alive, so an id is never reused while cached.
_PREPARED: dict[int, _Prepared] = {}
_DEFAULT: Rulebook | None = None


def _prepare(rules: Rules) -> _Prepared:
    exempting = tuple(sorted(rules.flat_participation_exempting_funders, key=_ORDER.index))
    minimum = rules.light_driving_licence_min_cofunding
    prepared = _Prepared(
        rules=rules,
        eligible=tuple(rules.eligible_action_types),
        exempting=exempting,
        exempting_without_at_mp=tuple(f for f in exempting if f is not Funder.AT_MP),
        priority=rules.top_up_priority,
        caps=tuple(rights_cap(rules, action) for action in _ACTIONS),
        min_cofunding=minimum.cents if minimum is not None else None,
        in_force=rules.flat_participation.cents,
        flat_participation=rules.flat_participation,
        participation_line=FundingLine(_PARTICIPATION, rules.flat_participation,
                                       parameters=_P_PARTICIPATION)
        if rules.flat_participation.cents else None,
    )
    if len(_PREPARED) >= 1024:
        _PREPARED.clear()
    _PREPARED[id(rules)] = prepared
    return prepared


_ORDER: tuple[Funder, ...] = tuple(Funder)
(_sp_price, _sp_on, _sp_action_type, _sp_balance, _sp_lines, _sp_exemption, _sp_exempting_funder,
 _sp_rights_cap, _sp_flat_participation, _sp_rulebook) = (
    _slot(FundingPlan, field.name) for field in attrs.fields(FundingPlan))


def _complement_parameters(action_type: ActionType, cap: int | None,
                           rights: int) -> tuple[str, ...]:
    if cap is not None and rights == cap:
        return (_CAP_PARAMETER[action_type],)
    return ()


def _split(participation: int, fundable: int, balance: int, cap: int | None, reserve: int,
           usable: Sequence[TopUp]) -> tuple[int, list[int]]:
    """Rights and top-up amounts for the fundable part, the participation set aside.

    The licence co-funding ``reserve`` comes from third-party top-ups first, then the rights
    pay up to the balance and the cap, then the top-ups fill the gap in order.
    """
    room = fundable - participation
    uses = [0] * len(usable)
    reserved = 0
    if reserve:
        want = min(reserve, room)
        for i, top_up in enumerate(usable):
            if reserved >= want:
                break
            if top_up.funder is not _HOLDER:
                take = min(top_up.amount.cents, want - reserved)
                uses[i] = take
                reserved += take
    rights = room - reserved
    if balance < rights:
        rights = balance
    if cap is not None and cap < rights:
        rights = cap
    gap = room - reserved - rights
    if gap:
        for i, top_up in enumerate(usable):
            left = top_up.amount.cents - uses[i]
            if left <= 0:
                continue
            take = left if left < gap else gap
            uses[i] += take
            gap -= take
            if not gap:
                break
    return rights, uses


# -- explanations ------------------------------------------------------------------------
_FUNDER_EN: Mapping[Funder, str] = {
    Funder.EMPLOYER: "employer",
    Funder.AGREEMENT: "company, group or branch agreement",
    Funder.OPCO: "OPCO",
    Funder.C2P: "occupational prevention account (C2P)",
    Funder.AT_MP: "AT/MP branch (retraining)",
    Funder.STATE: "State",
    Funder.REGION: "region",
    Funder.FRANCE_TRAVAIL: "France Travail",
    Funder.AGEFIPH: "Agefiph",
    Funder.FAF: "training insurance fund (FAF)",
    Funder.CMA: "chamber of trades (CMA)",
    Funder.LOCAL_AUTHORITY: "local authority",
    Funder.SANTE_PUBLIQUE_FRANCE: "Santé publique France",
    Funder.UNEDIC: "Unédic",
    Funder.HOLDER: "holder",
}

_KIND_LABELS: Mapping[str, Mapping[LineKind, str]] = {
    "fr": {
        LineKind.RIGHTS: "Droits CPF",
        LineKind.TOP_UP: "Abondement",
        LineKind.PARTICIPATION: "Participation forfaitaire (carte)",
        LineKind.HOLDER_COMPLEMENT: "Complément du titulaire (carte)",
        LineKind.NOT_FUNDABLE: "Options non finançables (carte)",
    },
    "en": {
        LineKind.RIGHTS: "CPF rights",
        LineKind.TOP_UP: "Top-up",
        LineKind.PARTICIPATION: "Flat participation (card)",
        LineKind.HOLDER_COMPLEMENT: "Holder's complement (card)",
        LineKind.NOT_FUNDABLE: "Options not fundable (card)",
    },
}


def funder_label(funder: Funder, lang: str) -> str:
    """A funder's name in French (``"fr"``) or English (``"en"``)."""
    return funder.label_fr if lang == "fr" else _FUNDER_EN[funder]


def _day(day: date, lang: str) -> str:
    return f"{day:%d/%m/%Y}" if lang == "fr" else day.isoformat()


def _rule(plan: FundingPlan, line: FundingLine, lang: str,
          sources: Mapping[str, ParameterValue]) -> str:
    fr = lang == "fr"
    action = plan.action_type.label_fr if fr else plan.action_type.label_en
    kind = line.kind
    if kind is LineKind.RIGHTS:
        cap_name = _CAP_PARAMETER.get(plan.action_type)
        if plan.rights_cap is not None and cap_name in line.parameters:
            since = sources[cap_name].since
            return (f"plafonné à {plan.rights_cap} pour un(e) {action} depuis le "
                    f"{_day(since, lang)}" if fr else
                    f"capped at {plan.rights_cap} for a {action} since {_day(since, lang)}")
        if line.amount == plan.balance:
            return (f"tout le solde disponible ({plan.balance})" if fr
                    else f"the whole available balance ({plan.balance})")
        rest = plan.balance - line.amount
        if "light_driving_licence_min_cofunding" in line.parameters:
            return (f"le prix finançable moins la participation forfaitaire et le cofinancement "
                    f"tiers exigé; le reste du solde ({rest}) reste sur le compte" if fr else
                    f"the fundable price less the flat participation and the required "
                    f"third-party co-funding; the rest of the balance ({rest}) stays on the "
                    "account")
        if "flat_participation" in line.parameters:
            return (f"le prix finançable moins la participation forfaitaire; le reste du solde "
                    f"({rest}) reste sur le compte" if fr else
                    f"the fundable price less the flat participation; the rest of the balance "
                    f"({rest}) stays on the account")
        return (f"le prix finançable; le reste du solde ({rest}) reste sur le compte" if fr
                else f"the fundable price; the rest of the balance ({rest}) stays on the account")
    if kind is LineKind.TOP_UP:
        assert line.funder is not None  # a top-up line always names its funder
        name = funder_label(line.funder, lang)
        ref = f" [{line.reference}]" if line.reference else ""
        if "light_driving_licence_min_cofunding" in line.parameters:
            return (f"{name}{ref} : cofinancement tiers exigé pour le permis léger, puis "
                    "utilisé après les droits (L6323-4 II)" if fr else
                    f"{name}{ref}: third-party co-funding a light-vehicle licence needs, then "
                    "used after the rights (L6323-4 II)")
        if "top_up_earmarking_allowed" in line.parameters:
            ref += (" fléché vers cette formation" if fr else " earmarked to this training")
        return (f"{name}{ref} : utilisé après les droits, dans l'ordre de priorité des "
                "financeurs (L6323-4 II)" if fr else
                f"{name}{ref}: used after the rights, in the funders' priority order "
                "(L6323-4 II)")
    if kind is LineKind.PARTICIPATION:
        limited = line.amount < plan.flat_participation
        if fr:
            text = (f"participation forfaitaire obligatoire de {plan.flat_participation} en "
                    f"vigueur le {_day(plan.on, lang)}")
            text += ", limitée au prix finançable" if limited else ""
            return text + "; payée par carte à la validation, même avec assez de droits"
        text = (f"compulsory flat participation of {plan.flat_participation} in force on "
                f"{_day(plan.on, lang)}")
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


def _explain(plan: FundingPlan, lang: str) -> str:
    if lang not in ("fr", "en"):
        raise InvalidValue(f"lang must be 'fr' or 'en', got {lang!r}")
    fr = lang == "fr"
    sources = {value.name: value for value in plan.rulebook.parameters_at(plan.on)}

    def cite(names: tuple[str, ...]) -> list[str]:
        cited = []
        for name in names:
            value = sources[name]
            label = value.label_fr if fr else value.label_en
            colon = " :" if fr else ":"
            cited.append(f"      Source ({label}, {value.confidence.value}){colon} "
                         f"{value.source}")
        return cited

    action = plan.action_type.label_fr if fr else plan.action_type.label_en
    out = [
        (f"Plan de financement du {_day(plan.on, lang)} — {action}, prix {plan.price}, "
         f"solde disponible {plan.balance}" if fr else
         f"Funding plan of {_day(plan.on, lang)} — {action}, price {plan.price}, "
         f"available balance {plan.balance}"),
    ]
    labels = _KIND_LABELS[lang]
    width = max((len(str(line.amount)) for line in plan.lines), default=0)
    for line in plan.lines:
        out.append(f"  {str(line.amount).rjust(width)}  {labels[line.kind]} — "
                   f"{_rule(plan, line, lang, sources)}")
        out.extend(cite(line.parameters))
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
