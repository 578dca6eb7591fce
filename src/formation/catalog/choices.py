"""The holder's choice of a personalisable offer: its rules, its price and its hours.

An offer lists its choices as data (:class:`~formation.catalog.offers.OptionGroup`, each with a
:class:`~formation.catalog.offers.Pick`, and options that add hours, require or exclude other
options); the holder's *choice* is the set of option ids they pick. This module says whether a
choice is allowed, with every reason it is not at once (:func:`choice_violations`), and what it
costs and lasts (:func:`price_choice`):

- the price is the session's (the offer's without a session) plus every chosen option's;
- the hours are the offer's plus every chosen option's (a *modular* offer lists a small base,
  or none, and modules the holder composes into their own path);
- the price splits into a part CPF rights may fund and a part paid by card (the options not
  fundable, ``cpf-rules.md`` section 7); :attr:`PricedChoice.options` goes straight to
  :func:`formation.funding.plan_funding` (``options=``), which funds each part by its rules.

The options of :attr:`Offer.options <formation.catalog.offers.Offer.options>` that are in no
group behave as one group of ``Pick.ANY``: an offer of round one, with a flat list of options,
is a personalisable offer whose every choice is allowed.

Violation codes (``Violation.subject`` names the option or the group):

=============================== ============================================================
``choice.unknown_option``       the offer has no option with this id
``choice.repeated_option``      the same option is chosen twice
``choice.changed_option``       an ``Option`` given is not the offer's option of that id
``choice.missing_pick``         a group of ``EXACTLY_ONE`` or ``AT_LEAST_ONE`` has no pick
``choice.too_many_picks``       a group of ``EXACTLY_ONE`` or ``AT_MOST_ONE`` has several
``choice.missing_requirement``  a chosen option requires one that is not chosen
``choice.excluded_together``    two chosen options exclude each other
=============================== ============================================================

>>> from formation.examples import personalised_offer
>>> offer = personalised_offer()
>>> priced = price_choice(offer, ["soirs", "examen"])
>>> str(priced.price), priced.duration_hours, str(priced.not_fundable)
('1 590,00 €', 42, '0,00 €')
>>> [v.code for v in choice_violations(offer, ["soirs", "intensif", "coaching"])]
['choice.too_many_picks', 'choice.missing_requirement']
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from formation.catalog.offers import Offer, Option, OptionGroup, Pick, Session
from formation.errors import InvalidValue, RuleViolation, Violation
from formation.ids import OfferId
from formation.money import Euros

__all__ = [
    "PricedChoice",
    "choice_violations",
    "price_choice",
]

_ONE_AT_LEAST = frozenset({Pick.EXACTLY_ONE, Pick.AT_LEAST_ONE})
_ONE_AT_MOST = frozenset({Pick.EXACTLY_ONE, Pick.AT_MOST_ONE})


def _picks(chosen: Iterable[str | Option]) -> tuple[str | Option, ...]:
    if isinstance(chosen, (str, Option)):
        raise InvalidValue(f"chosen is a collection of option ids, got {chosen!r}")
    try:
        return tuple(chosen)
    except TypeError:
        raise InvalidValue(f"chosen is a collection of option ids, got {chosen!r}") from None


def _ids(offer: Offer, picks: tuple[str | Option, ...]) -> tuple[list[str], list[Violation]]:
    """The chosen ids in the order given, and the violations of the picks themselves."""
    if not isinstance(offer, Offer):
        raise InvalidValue(f"offer must be an Offer, got {offer!r}")
    known = {o.option_id: o for o in offer.all_options}
    ids: list[str] = []
    violations: list[Violation] = []
    seen: set[str] = set()
    repeated: set[str] = set()
    for pick in picks:
        if isinstance(pick, Option):
            option_id = pick.option_id
            if option_id in known and known[option_id] != pick:
                violations.append(Violation(
                    "choice.changed_option",
                    f"option {option_id!r} given as {pick!r} is not the offer's "
                    f"{known[option_id]!r}", option_id))
                continue
        elif isinstance(pick, str):
            option_id = pick
        else:
            raise InvalidValue(f"a chosen option is an option id or an Option, got {pick!r}")
        if option_id in seen:
            if option_id in repeated:
                continue
            repeated.add(option_id)
            violations.append(Violation(
                "choice.repeated_option", f"option {option_id!r} is chosen more than once",
                option_id))
            continue
        seen.add(option_id)
        if option_id not in known:
            violations.append(Violation(
                "choice.unknown_option",
                f"offer {offer.offer_id!r} has no option {option_id!r}; its options are "
                f"{sorted(known)!r}", option_id))
        else:
            ids.append(option_id)
    return ids, violations


def _group_violations(group: OptionGroup, chosen: set[str]) -> list[Violation]:
    picked = [o.option_id for o in group.options if o.option_id in chosen]
    if not picked and group.pick in _ONE_AT_LEAST:
        how = "exactly one" if group.pick is Pick.EXACTLY_ONE else "at least one"
        return [Violation(
            "choice.missing_pick",
            f"choose {how} of {group.label!r}: "
            f"{[o.option_id for o in group.options]!r}", group.group_id)]
    if len(picked) > 1 and group.pick in _ONE_AT_MOST:
        how = "exactly one" if group.pick is Pick.EXACTLY_ONE else "at most one"
        return [Violation(
            "choice.too_many_picks",
            f"choose {how} of {group.label!r}, not {len(picked)}: {picked!r}",
            group.group_id)]
    return []


def choice_violations(offer: Offer, chosen: Iterable[str | Option]) -> tuple[Violation, ...]:
    """Every rule the choice ``chosen`` of ``offer`` breaks (empty when it is allowed).

    Args:
        offer: the offer chosen from.
        chosen: the options picked: their ids (or the offer's ``Option`` records).

    Returns:
        The violations: the picks themselves (unknown, repeated or changed options), then each
        group in the offer's order, then each chosen option's requirements and exclusions.

    Raises:
        InvalidValue: ``offer`` is not an ``Offer`` or ``chosen`` is not a collection of ids.
    """
    return _violations(offer, _picks(chosen))


def _violations(offer: Offer, picks: tuple[str | Option, ...]) -> tuple[Violation, ...]:
    ids, violations = _ids(offer, picks)
    picked = set(ids)
    for group in offer.option_groups:
        violations.extend(_group_violations(group, picked))
    for option in offer.all_options:
        if option.option_id not in picked:
            continue
        missing = [i for i in option.requires if i not in picked]
        if missing:
            violations.append(Violation(
                "choice.missing_requirement",
                f"option {option.option_id!r} requires {missing!r}, not chosen",
                option.option_id))
    # an exclusion holds both ways: each chosen pair is reported once, where first declared
    reported: set[frozenset[str]] = set()
    for option in offer.all_options:
        for other in option.excludes:
            pair = frozenset((option.option_id, other))
            if option.option_id in picked and other in picked and pair not in reported:
                reported.add(pair)
                violations.append(Violation(
                    "choice.excluded_together",
                    f"options {option.option_id!r} and {other!r} cannot be chosen together",
                    option.option_id))
    return tuple(violations)


@attrs.frozen
class PricedChoice:
    """An allowed choice of an offer with the price and the hours that follow.

    Build it with :func:`price_choice`.

    Attributes:
        offer_id: the offer chosen from.
        options: the chosen options, in the offer's order (ungrouped first, then by group);
            pass them to :func:`~formation.funding.plan_funding` as ``options=``.
        base_price: the session's price (the offer's without a session), options excluded.
        base_hours: the offer's hours, ``None`` when the offer gives none.
    """

    offer_id: OfferId
    options: tuple[Option, ...]
    base_price: Euros
    base_hours: int | None

    @property
    def price(self) -> Euros:
        """The price of the order: the base price and every chosen option."""
        return sum((o.price for o in self.options), self.base_price)

    @property
    def duration_hours(self) -> int | None:
        """The hours of the path: the offer's and every chosen option's (``None`` when the
        offer gives no hours and no chosen option adds any)."""
        added = sum(o.hours for o in self.options)
        if self.base_hours is None:
            return added if added else None
        return self.base_hours + added

    @property
    def not_fundable(self) -> Euros:
        """The options CPF rights may not fund: paid by card."""
        return sum((o.price for o in self.options if not o.cpf_fundable), Euros.zero())

    @property
    def fundable(self) -> Euros:
        """The part of the price CPF rights (and top-ups) may fund."""
        return self.price - self.not_fundable


def price_choice(offer: Offer, chosen: Iterable[str | Option], *,
                 session: Session | None = None) -> PricedChoice:
    """The price and the hours of an allowed choice of ``offer``.

    Args:
        offer: the offer chosen from.
        chosen: the options picked: their ids (or the offer's ``Option`` records).
        session: the session booked, whose own price replaces the offer's when it has one.

    Raises:
        RuleViolation: the choice is not allowed, with every violation
            (:func:`choice_violations`).
        InvalidValue: a bad argument, or a session of another offer.
    """
    picks = _picks(chosen)
    violations = _violations(offer, picks)
    if violations:
        raise RuleViolation(violations)
    if session is not None:
        if not isinstance(session, Session):
            raise InvalidValue(f"session must be a Session or None, got {session!r}")
        if session.offer_id != offer.offer_id:
            raise InvalidValue(f"session {session.session_id!r} belongs to offer "
                               f"{session.offer_id!r}, not {offer.offer_id!r}")
    picked = {o if isinstance(o, str) else o.option_id for o in picks}
    base = session.price_of(offer) if session is not None else offer.price
    return PricedChoice(offer.offer_id,
                        tuple(o for o in offer.all_options if o.option_id in picked),
                        base, offer.duration_hours)
