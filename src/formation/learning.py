"""Learning for free: resources outside the catalogue, whose price is the learner's effort.

Beside the paid trainings of Mon Compte Formation, tutorials, MOOCs and open courses answer the
same needs for little or no money: their price is the effort and the time they ask. An app
supplies them as :class:`LearningResource` records (a title, a provider, an address, Formacode
themes, the hours of effort, the cost, the certification it can lead to);
:func:`formation.matching.recommend` lists those that fit a holder's need beside the funded
sessions (``resources=``), with the hours and the weeks they ask.

A :class:`ResourceIndex` finds the best resources of a need without reading them all: by
Formacode, and by the words of their titles (folded as :mod:`formation.text` folds them; every
word of a free-text theme must occur in the title). Build it once for a large set and pass it
to ``recommend``; a plain sequence of resources is indexed on each call.

These resources are not CPF-eligible trainings: CPF rights never pay for them, and a
certification they "lead to" is taken apart (an exam the holder may then book and fund).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NewType

import attrs

from formation.catalog.offers import Certification
from formation.errors import InvalidValue
from formation.money import Euros
from formation.text import words

__all__ = [
    "LearningResource",
    "ResourceId",
    "ResourceIndex",
    "rank_key",
]

ResourceId = NewType("ResourceId", str)
"""A learning resource, named by the app that supplies it."""

_FORMACODE = re.compile(r"^\d{5}$")
_URL = re.compile(r"^https?://[^\s/]+\S*$")
_MAX_EFFORT_HOURS = 10_000


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(f"{attribute.name} must be a non-empty string, got {value!r}")


def _url(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not _URL.match(value):
        raise InvalidValue(f"url must be an http(s) address such as 'https://example.org/x', "
                           f"got {value!r}")


def _formacodes(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (tuple, list)):
        raise InvalidValue(f"formacodes must be a tuple of 5-digit Formacodes, got {value!r}")
    for code in value:
        if not isinstance(code, str) or not _FORMACODE.match(code):
            raise InvalidValue(f"expected 5-digit Formacodes, got {code!r} in {value!r}")
    return tuple(value)


def _effort(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or not 1 <= value <= _MAX_EFFORT_HOURS:
        raise InvalidValue(f"effort_hours must be a whole number of hours from 1 to "
                           f"{_MAX_EFFORT_HOURS}, got {value!r}")


def _cost(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Euros) or value.cents < 0:
        raise InvalidValue(f"cost must be non-negative Euros, got {value!r}")


def _certification(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, Certification):
        raise InvalidValue(f"certification must be a Certification or None, got {value!r}")


@attrs.frozen
class LearningResource:
    """Free or cheap learning content outside the catalogue (a MOOC, a tutorial, a course).

    Attributes:
        resource_id: its identifier, chosen by the app.
        title: its title.
        provider: who publishes it.
        url: where to follow it (an http or https address).
        formacodes: its Formacode themes, the first the main one.
        effort_hours: the hours of effort it asks, estimated (a whole number, at least 1).
        cost: what it costs the learner (``Euros.zero()`` for free content); never paid by
            CPF rights.
        certification: the certification it can lead to (an exam taken apart), or ``None``.
    """

    resource_id: ResourceId = attrs.field(validator=_text)
    title: str = attrs.field(validator=_text)
    provider: str = attrs.field(validator=_text)
    url: str = attrs.field(validator=_url)
    formacodes: tuple[str, ...] = attrs.field(converter=_formacodes)
    effort_hours: int = attrs.field(validator=_effort)
    cost: Euros = attrs.field(default=Euros(0), validator=_cost)
    certification: Certification | None = attrs.field(default=None, validator=_certification)

    @property
    def free(self) -> bool:
        """Whether it costs nothing."""
        return self.cost.cents == 0


class ResourceIndex:
    """Learning resources found by Formacode and by the words of their titles.

    Each resource has a *rank*: its place in the order of :meth:`best` within one theme
    (leading to a certification first, then the cost, the effort and the id). The resources
    of each Formacode (as main theme, and as another theme) and of each title word are kept
    in rank order, so that the best few of a need are read from the heads of a few lists.

    Args:
        resources: the resources; ids must be unique.

    Raises:
        InvalidValue: a record that is not a ``LearningResource``, or an id given twice.
    """

    def __init__(self, resources: Iterable[LearningResource] = ()) -> None:
        if isinstance(resources, (str, LearningResource)):
            raise InvalidValue(f"resources is a collection of LearningResource, got {resources!r}")
        try:
            found = tuple(resources)
        except TypeError:
            raise InvalidValue(
                f"resources is a collection of LearningResource, got {resources!r}") from None
        seen: set[str] = set()
        for resource in found:
            if not isinstance(resource, LearningResource):
                raise InvalidValue(f"resources holds LearningResource records, got {resource!r}")
            if resource.resource_id in seen:
                raise InvalidValue(f"resource id {resource.resource_id!r} is given twice")
            seen.add(resource.resource_id)
        ranked = sorted(found, key=rank_key)
        main: dict[str, list[int]] = {}
        other: dict[str, list[int]] = {}
        by_word: dict[str, list[int]] = {}
        titles: list[frozenset[str]] = []
        seen_titles: dict[str, frozenset[str]] = {}
        for rank, resource in enumerate(ranked):
            codes = resource.formacodes
            if codes:
                main.setdefault(codes[0], []).append(rank)
                for code in dict.fromkeys(codes[1:]):
                    if code != codes[0]:
                        other.setdefault(code, []).append(rank)
            title = seen_titles.get(resource.title)
            if title is None:  # many resources share a title's words: each is folded once
                title = seen_titles[resource.title] = frozenset(words(resource.title))
            titles.append(title)
            for word in title:
                by_word.setdefault(word, []).append(rank)
        self._resources = found
        self._ranked = tuple(ranked)
        self._titles = titles
        self._main, self._other, self._by_word = main, other, by_word

    def __len__(self) -> int:
        return len(self._resources)

    def __iter__(self) -> Iterator[LearningResource]:
        return iter(self._resources)

    @property
    def resources(self) -> tuple[LearningResource, ...]:
        """Every resource, in the order given."""
        return self._resources

    def _heads(self, ranks: Sequence[int], budget: int, limit: int,
               wanted: frozenset[str] = frozenset()) -> Iterator[int]:
        """The first ``limit`` ranks of a list whose resource costs at most ``budget`` cents
        (and, with ``wanted``, whose title holds every wanted word)."""
        taken = 0
        ranked, titles = self._ranked, self._titles
        for rank in ranks:
            if ranked[rank].cost.cents <= budget and (not wanted or wanted <= titles[rank]):
                yield rank
                taken += 1
                if taken == limit:
                    return

    def best(self, formacodes: Iterable[str], texts: Iterable[str], *, budget: Euros,
             limit: int) -> tuple[tuple[bool, LearningResource], ...]:
        """The ``limit`` best resources of a need, each with whether its main theme is wanted.

        A resource fits when one of its Formacodes is in ``formacodes`` or its title holds
        every word of one of ``texts``, and it costs at most ``budget``. The best come first:
        those whose main Formacode is wanted, then by rank (:func:`rank_key`).
        """
        wanted = frozenset(formacodes)
        cents = budget.cents
        found: dict[int, int] = {}  # rank → 0 when its main theme is wanted, else 1
        for code in wanted:
            for rank in self._heads(self._main.get(code, ()), cents, limit):
                found[rank] = 0
        for code in wanted:
            for rank in self._heads(self._other.get(code, ()), cents, limit):
                found.setdefault(rank, 1)
        for text in texts:
            needed = frozenset(words(text))
            if not needed:
                continue
            postings = [self._by_word.get(w, ()) for w in needed]
            shortest = min(postings, key=len)
            for rank in self._heads(shortest, cents, limit, needed if len(needed) > 1
                                    else frozenset()):
                found.setdefault(rank, 1)
        best = sorted((theme, rank) for rank, theme in found.items())[:limit]
        return tuple((theme == 0, self._ranked[rank]) for theme, rank in best)


def rank_key(resource: LearningResource) -> tuple[bool, int, int, str]:
    """The order of resources within one theme: those leading to a certification first, then
    the cheapest, the shortest, and by id."""
    return (resource.certification is None, resource.cost.cents, resource.effort_hours,
            resource.resource_id)
