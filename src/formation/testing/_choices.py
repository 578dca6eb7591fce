"""Strategies for personalisable offers: option groups, their offers, and choices of them."""

from __future__ import annotations

import itertools

import attrs
from hypothesis import strategies as st

from formation.catalog.choices import choice_violations
from formation.catalog.offers import Offer, Option, OptionGroup, Pick
from formation.money import Euros
from formation.testing._catalog import offers

__all__ = [
    "any_choices",
    "choices",
    "option_groups",
    "personalisable_offers",
    "picks",
    "valid_choices",
]

_MOST_OPTIONS = 8  # so that every choice can be enumerated (2**8 subsets)


def picks() -> st.SearchStrategy[Pick]:
    """Any way of picking in a group."""
    return st.sampled_from(list(Pick))


@st.composite
def option_groups(draw: st.DrawFn, max_groups: int = 3, max_options: int = _MOST_OPTIONS,
                  taken: tuple[str, ...] = ()) -> tuple[OptionGroup, ...]:
    """Up to ``max_groups`` groups of at most ``max_options`` options in all, option ids
    unique (and not in ``taken``); options may add hours, be fundable or not, and require
    or exclude other options of the groups or of ``taken``."""
    count = draw(st.integers(1, max_groups))
    sizes = [draw(st.integers(1, 3)) for _ in range(count)]
    while sum(sizes) > max_options:
        sizes[sizes.index(max(sizes))] -= 1
    sizes = [s for s in sizes if s]
    ids = [f"o{n}" for n in range(sum(sizes))]
    known = [*taken, *ids]
    built: list[Option] = []
    for option_id in ids:
        others = [i for i in known if i != option_id]
        linked = draw(st.lists(st.sampled_from(others), max_size=2, unique=True)) if others else []
        split = draw(st.integers(0, len(linked)))
        built.append(Option(
            option_id, f"Option {option_id}", Euros(draw(st.integers(0, 300_000))),
            cpf_fundable=draw(st.booleans()), hours=draw(st.integers(0, 70)),
            requires=tuple(linked[:split]), excludes=tuple(linked[split:])))
    groups = []
    start = 0
    for number, size in enumerate(sizes):
        groups.append(OptionGroup(f"g{number}", f"Groupe {number}",
                                  tuple(built[start:start + size]), draw(picks())))
        start += size
    return tuple(groups)


@st.composite
def personalisable_offers(draw: st.DrawFn) -> Offer:
    """Offers (:func:`formation.testing.strategies.offers`) with option groups, and at most
    :data:`_MOST_OPTIONS` options in all (so that :func:`valid_choices` can list them)."""
    offer = draw(offers())
    taken = tuple(o.option_id for o in offer.options)
    room = _MOST_OPTIONS - len(taken)
    groups = draw(option_groups(max_options=room, taken=taken))
    return attrs.evolve(offer, option_groups=groups)


def valid_choices(offer: Offer) -> tuple[tuple[str, ...], ...]:
    """Every allowed choice of a small offer (every subset of its options, checked), in the
    offer's order of options."""
    ids = [o.option_id for o in offer.all_options]
    return tuple(chosen for size in range(len(ids) + 1)
                 for chosen in itertools.combinations(ids, size)
                 if not choice_violations(offer, chosen))


def choices(offer: Offer) -> st.SearchStrategy[tuple[str, ...]]:
    """The allowed choices of a small offer (nothing when it has none)."""
    allowed = valid_choices(offer)
    return st.sampled_from(allowed) if allowed else st.nothing()


def any_choices(offer: Offer) -> st.SearchStrategy[list[str]]:
    """Choices right or wrong: the offer's option ids and a few unknown ones, possibly
    repeated, in any order."""
    ids = [o.option_id for o in offer.all_options] + ["inconnue", "autre"]
    return st.lists(st.sampled_from(ids), max_size=len(ids) + 2)
