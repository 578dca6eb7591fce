"""Refunds: what goes back to each source of a funding plan when a training ends early.

A :class:`~formation.funding.FundingPlan` says where each euro of an order came from: the
holder's rights, each funder's top-up, the holder's card. When the order ends before the
training is fully delivered, :func:`refund_plan` says how much of each line goes back where it
came from (rights re-credited, top-ups returned to their funders, card refunded) and how much is
kept (``cpf-rules.md`` sections 5.2, 5.3 and 12):

* a **cancellation in time** (withdrawal, free cancellation, an organism or funder that
  cancels), completion rate 0 and nobody at fault: everything goes back, the flat participation
  included (2019 terms: "rights re-credited and card payments refunded");
* a **partial completion** at rate ``r`` % (hours done ÷ hours planned, a whole percent, as the
  organism declares it): the completed part is kept; the uncompleted part goes back when nobody
  is at fault, and when the holder is at fault (abandonment, absence) the rulebook's
  ``holder_fault_uncompleted_charge_rate`` of it is kept as well;
* a **late cancellation** or a **no-show**: the rulebook's ``late_cancellation_debit_rate`` or
  ``no_show_debit_rate`` of the price is kept (the whole price by default).

What the law leaves open (section 12, items 1 and 2) is a rulebook parameter, overridable with
:meth:`formation.Rulebook.with_change`: the three rates above (plausible or unverified) and
``flat_participation_kept_when_charged`` (unverified: whether the flat participation is kept in
full once anything is charged, rather than prorated like the rest). The amount kept is split
between the sources in proportion to what each paid, by largest remainder (a documented choice:
the sources do not say which source bears a partial charge), and the kept part of the price is
rounded half up to the cent.

>>> from datetime import date
>>> from formation.funding import plan_funding
>>> from formation.money import Euros
>>> plan = plan_funding(Euros.whole(1000), balance=Euros.whole(5000), on=date(2024, 6, 1))
>>> refund = refund_plan(plan, 0)
>>> str(refund.rights_recredited), str(refund.card_refunded)
('900,00 €', '100,00 €')
>>> half = refund_plan(plan, 50)
>>> str(half.rights_recredited), str(half.card_refunded), str(half.kept)
('450,00 €', '0,00 €', '550,00 €')
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date
from fractions import Fraction

import attrs

from formation.checks import instance_of
from formation.errors import InvalidValue
from formation.funding import FundingPlan, LineKind
from formation.labels import check_lang, label, yes_no
from formation.money import Euros, allocate
from formation.rules.funders import Funder
from formation.rules.rulebook import Rulebook, check_date

__all__ = ["Ending", "Refund", "RefundLine", "kept_share", "refund_plan"]


@enum.unique
class Ending(enum.Enum):
    """How an order ended early, as far as the refund is concerned.

    ``refund_plan(..., at_fault=False)`` is ``NO_FAULT`` and ``at_fault=True`` is
    ``HOLDER_FAULT``; a booking's force majeure or organism interruption is ``NO_FAULT``.
    """

    NO_FAULT = "no-fault"  # cancellation in time, withdrawal, force majeure, organism, funder
    HOLDER_FAULT = "holder-fault"  # the holder abandoned or was absent during the training
    LATE_CANCELLATION = "late-cancellation"  # the holder cancelled after the free period
    NO_SHOW = "no-show"  # the holder did not show up, without justification


def _amount(instance: object, attribute: attrs.Attribute[Euros], value: object) -> None:
    if not isinstance(value, Euros) or value.cents < 0:
        raise InvalidValue(f"{attribute.name} must be non-negative Euros, got {value!r}")


@attrs.frozen
class RefundLine:
    """What goes back to one source of the plan, and what it keeps paying.

    Attributes:
        kind: the kind of the plan line (rights, top-up, participation, card complement…).
        paid: what this source paid in the plan.
        refunded: what goes back to it (re-credited rights, returned top-up, card refund).
        funder: the funder, for a top-up line.
        reference: the top-up's reference, for a top-up line.
    """

    kind: LineKind = attrs.field(validator=instance_of(LineKind))
    paid: Euros = attrs.field(validator=_amount)
    refunded: Euros = attrs.field(validator=_amount)
    funder: Funder | None = attrs.field(
        default=None, validator=instance_of(Funder, optional=True))
    reference: str = attrs.field(default="", validator=instance_of(str))

    def __attrs_post_init__(self) -> None:
        if self.refunded > self.paid:
            raise InvalidValue(
                f"a refund line gives back at most what was paid; got {self.refunded} back of "
                f"{self.paid}")

    @property
    def kept(self) -> Euros:
        """What this source still pays."""
        return self.paid - self.refunded


def _percent(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if type(value) is not int or not 0 <= value <= 100:
        raise InvalidValue(
            f"{attribute.name} is a whole percentage from 0 to 100, got {value!r}")


def _refund_lines(value: object) -> tuple[RefundLine, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)):
        raise InvalidValue(f"lines must be a tuple of RefundLine, got {value!r}")
    return tuple(value)


@attrs.frozen
class Refund:
    """The refund of a funding plan: per source, what goes back and what is kept.

    Attributes:
        plan: the funding plan refunded.
        completion_rate: the completion rate, a whole percent (0 when nothing was delivered).
        ending: how the order ended.
        lines: one per line of the plan, in the same order.
        on: the day whose rules applied (default: the plan's order day).
    """

    plan: FundingPlan = attrs.field(validator=instance_of(FundingPlan))
    completion_rate: int = attrs.field(validator=_percent)
    ending: Ending = attrs.field(validator=instance_of(Ending))
    lines: tuple[RefundLine, ...] = attrs.field(converter=_refund_lines)
    on: date = attrs.field(
        default=attrs.Factory(lambda self: self.plan.on, takes_self=True),
        validator=lambda _i, _a, v: check_date(v, "on"))
    _rulebook: Rulebook | None = attrs.field(
        default=None, alias="rulebook", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        plan_lines = self.plan.lines
        if len(self.lines) != len(plan_lines) or any(
            not isinstance(mine, RefundLine) or mine.kind is not theirs.kind
            or mine.paid != theirs.amount or mine.funder is not theirs.funder
            for mine, theirs in zip(self.lines, plan_lines, strict=False)
        ):
            raise InvalidValue("a refund has one RefundLine per line of its plan, in order")

    def _total(self, kinds: frozenset[LineKind]) -> Euros:
        return Euros(sum(line.refunded.cents for line in self.lines if line.kind in kinds))

    @property
    def rights_recredited(self) -> Euros:
        """Rights that go back to the holder's account."""
        return self._total(frozenset({LineKind.RIGHTS}))

    @property
    def top_ups_returned(self) -> Euros:
        """Top-up money that goes back to the funders, all together."""
        return self._total(frozenset({LineKind.TOP_UP}))

    @property
    def top_ups_returned_by_funder(self) -> Mapping[Funder, Euros]:
        """Top-up money that goes back, per funder (funders getting nothing are left out)."""
        found: dict[Funder, Euros] = {}
        for line in self.lines:
            if line.funder is not None and line.refunded:
                found[line.funder] = found.get(line.funder, Euros(0)) + line.refunded
        return found

    @property
    def card_refunded(self) -> Euros:
        """What goes back to the holder's card (participation, complement, options)."""
        return self._total(frozenset(k for k in LineKind if k.paid_by_card))

    @property
    def card_credit(self) -> Euros:
        """What the holder paid by card and keeps as a credit (*avoir*) for a later booking.

        On a late cancellation or a no-show the card payment is not refunded but not lost
        either: while the rulebook's ``card_payment_kept_as_credit`` holds (``cpf-rules.md``
        5.2, section 14 item 5, a plausible rule), all the card kept becomes a credit on the
        account. Zero for every other ending.
        """
        if self.ending not in (Ending.LATE_CANCELLATION, Ending.NO_SHOW):
            return Euros(0)
        book = self._rulebook if self._rulebook is not None else self.plan.rulebook
        if not book.at(self.on).card_payment_kept_as_credit:
            return Euros(0)
        return self.plan.card_payment - self.card_refunded

    @property
    def refunded(self) -> Euros:
        """Everything that goes back."""
        return Euros(sum(line.refunded.cents for line in self.lines))

    @property
    def kept(self) -> Euros:
        """Everything that is still paid (to the organism, or debited)."""
        return self.plan.price - self.refunded

    def explain(self, lang: str = "fr") -> str:
        """What goes back to each source, in French (default) or English."""
        lang = check_lang(lang)
        fr = lang == "fr"
        names = _ENDINGS[lang][self.ending]
        out = [(f"Remboursement — {names}, taux de réalisation {self.completion_rate} %" if fr
                else f"Refund — {names}, completion rate {self.completion_rate} %")]
        book = self._rulebook if self._rulebook is not None else self.plan.rulebook
        sources = {value.name: value for value in book.parameters_at(self.on)}
        for name in _ENDING_PARAMETERS[self.ending] + (
                ("flat_participation_kept_when_charged",) if self.plan.participation
                and self.kept else ()):
            value = sources[name]
            name = label(value, lang)
            out.append(f"  {name} : {_show(value.value, lang)} — {value.source} "
                       f"[{value.confidence.value}]" if fr else
                       f"  {name}: {_show(value.value, lang)} — {value.source} "
                       f"[{value.confidence.value}]")
        for line in self.lines:
            source = line.kind.describe(lang)
            if line.funder is not None:
                source += f" ({label(line.funder, lang)})"
            out.append(
                f"  {source} : payé {line.paid}, rendu {line.refunded}, conservé {line.kept}"
                if fr else
                f"  {source}: paid {line.paid}, back {line.refunded}, kept {line.kept}")
        out.append(f"Total rendu {self.refunded}, conservé {self.kept}" if fr
                   else f"Total back {self.refunded}, kept {self.kept}")
        return "\n".join(out)


_ENDING_PARAMETERS: dict[Ending, tuple[str, ...]] = {
    Ending.NO_FAULT: (),
    Ending.HOLDER_FAULT: ("holder_fault_uncompleted_charge_rate",),
    Ending.LATE_CANCELLATION: ("late_cancellation_debit_rate",),
    Ending.NO_SHOW: ("no_show_debit_rate",),
}


def _show(value: object, lang: str) -> str:
    if isinstance(value, bool):
        return yes_no(value, lang)
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(
            value.numerator)
    return str(value)


_ENDINGS = {
    "fr": {Ending.NO_FAULT: "annulation ou interruption sans faute du titulaire",
           Ending.HOLDER_FAULT: "abandon ou absence du titulaire",
           Ending.LATE_CANCELLATION: "annulation tardive",
           Ending.NO_SHOW: "absence injustifiée"},
    "en": {Ending.NO_FAULT: "cancellation or interruption, holder not at fault",
           Ending.HOLDER_FAULT: "holder abandoned or was absent",
           Ending.LATE_CANCELLATION: "late cancellation",
           Ending.NO_SHOW: "no-show"},
}
def kept_share(completion_rate: int, ending: Ending, *, on: date,
               rulebook: Rulebook | None = None) -> Fraction:
    """The share of the price kept (not refunded) for an ending, under the rules of ``on``.

    >>> from datetime import date
    >>> kept_share(40, Ending.NO_FAULT, on=date(2025, 1, 1))
    Fraction(2, 5)
    >>> kept_share(40, Ending.HOLDER_FAULT, on=date(2025, 1, 1))
    Fraction(1, 1)

    Raises:
        InvalidValue: a rate that is not a whole percent from 0 to 100, or a late cancellation
            or no-show with a completion rate above 0.
    """
    if type(completion_rate) is not int or not 0 <= completion_rate <= 100:
        raise InvalidValue(
            f"completion_rate is a whole percentage from 0 to 100, got {completion_rate!r}")
    if not isinstance(ending, Ending):
        raise InvalidValue(f"ending must be an Ending ({', '.join(f.name for f in Ending)}), "
                           f"got {ending!r}")
    rules = (rulebook if rulebook is not None else Rulebook.default()).at(on)
    done = Fraction(completion_rate, 100)
    if ending in (Ending.LATE_CANCELLATION, Ending.NO_SHOW):
        if completion_rate:
            raise InvalidValue(
                f"a {ending.value} happens before the training starts; its completion rate is 0, "
                f"got {completion_rate}")
        return (rules.late_cancellation_debit_rate if ending is Ending.LATE_CANCELLATION
                else rules.no_show_debit_rate)
    if ending is Ending.HOLDER_FAULT:
        return done + (1 - done) * rules.holder_fault_uncompleted_charge_rate
    return done


def _kept_half_up(cents: int, share: Fraction) -> int:
    """``cents × share`` rounded half up to the cent (amounts here are never negative)."""
    numerator = cents * share.numerator
    quotient, remainder = divmod(numerator, share.denominator)
    return quotient + (1 if 2 * remainder >= share.denominator else 0)


def refund_plan(
    plan: FundingPlan,
    completion_rate: int,
    *,
    at_fault: bool | Ending = False,
    on: date | None = None,
    rulebook: Rulebook | None = None,
) -> Refund:
    """What goes back to each source of ``plan`` when the order ends (module docstring).

    Args:
        plan: the funding plan of the order.
        completion_rate: hours done ÷ hours planned, a whole percent; 0 for a cancellation
            before the start, a late cancellation or a no-show.
        at_fault: ``False`` (nobody, the default), ``True`` (the holder: abandonment or
            absence), or an :class:`Ending` (``LATE_CANCELLATION``, ``NO_SHOW``…).
        on: the day whose rules apply; default the plan's order day (the terms the holder
            accepted).
        rulebook: the rules; default the plan's rulebook.

    Every source gets back at most what it paid; a cancellation in time (rate 0, nobody at
    fault) gives everything back, so the holder's account, the funders and the card are
    exactly as before the order.

    Raises:
        InvalidValue: a rate outside 0–100 or not an int, a late cancellation or no-show with a
            rate above 0, a ``datetime`` for ``on``.
    """
    if not isinstance(plan, FundingPlan):
        raise InvalidValue(f"refund_plan takes a FundingPlan, got {plan!r}")
    if at_fault is True or at_fault is False:
        ending = Ending.HOLDER_FAULT if at_fault else Ending.NO_FAULT
    elif isinstance(at_fault, Ending):
        ending = at_fault
    else:
        raise InvalidValue(f"at_fault is a bool or an Ending, got {at_fault!r}")
    day = check_date(on, "on") if on is not None else plan.on
    book = rulebook if rulebook is not None else plan.rulebook
    share = kept_share(completion_rate, ending, on=day, rulebook=book)
    lines = plan.lines
    refunded = [0] * len(lines)
    keep_participation = bool(share) and book.at(day).flat_participation_kept_when_charged
    prorated = [i for i, line in enumerate(lines)
                if not (keep_participation and line.kind is LineKind.PARTICIPATION)]
    base = sum(lines[i].amount.cents for i in prorated)
    back = base - _kept_half_up(base, share)
    if back:
        parts = allocate(Euros(back), [lines[i].amount.cents for i in prorated])
        for i, part in zip(prorated, parts, strict=True):
            refunded[i] = part.cents
    return Refund(
        plan=plan,
        completion_rate=completion_rate,
        ending=ending,
        on=day,
        rulebook=rulebook,
        lines=tuple(
            RefundLine(kind=line.kind, paid=line.amount, refunded=Euros(cents),
                       funder=line.funder, reference=line.reference)
            for line, cents in zip(lines, refunded, strict=True)
        ),
    )
