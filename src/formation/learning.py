"""Learning for free: resources outside the catalogue, whose price is the learner's effort.

Beside the paid trainings of Mon Compte Formation, tutorials, MOOCs and open courses answer the
same needs for little or no money: their price is the effort and the time they ask. An app
supplies them as :class:`LearningResource` records (a title, a provider, an address, Formacode
themes, the hours of effort, the cost, the certification it can lead to);
:func:`formation.matching.recommend` lists those that fit a holder's need beside the funded
sessions (``resources=``), with the hours and the weeks they ask.

A :class:`ResourceIndex` finds the resources of a need without reading them all: by Formacode,
and by the words of their titles (folded as :mod:`formation.text` folds them; every word of a
free-text theme must occur in the title). Build it once for a large set and pass it to
``recommend``; a plain sequence of resources is indexed on each call.

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
        by_code: dict[str, list[int]] = {}
        by_word: dict[str, list[int]] = {}
        seen: set[str] = set()
        for slot, resource in enumerate(found):
            if not isinstance(resource, LearningResource):
                raise InvalidValue(f"resources holds LearningResource records, got {resource!r}")
            if resource.resource_id in seen:
                raise InvalidValue(f"resource id {resource.resource_id!r} is given twice")
            seen.add(resource.resource_id)
            for code in dict.fromkeys(resource.formacodes):
                by_code.setdefault(code, []).append(slot)
            for word in dict.fromkeys(words(resource.title)):
                by_word.setdefault(word, []).append(slot)
        self._resources = found
        self._by_code = by_code
        self._by_word = by_word

    def __len__(self) -> int:
        return len(self._resources)

    def __iter__(self) -> Iterator[LearningResource]:
        return iter(self._resources)

    @property
    def resources(self) -> tuple[LearningResource, ...]:
        """Every resource, in the order given."""
        return self._resources

    def with_formacodes(self, codes: Iterable[str]) -> tuple[LearningResource, ...]:
        """The resources having one of ``codes`` among their Formacodes, in the order given."""
        slots: set[int] = set()
        for code in codes:
            slots.update(self._by_code.get(code, ()))
        return tuple(self._resources[s] for s in sorted(slots))

    def with_words(self, text: str) -> tuple[LearningResource, ...]:
        """The resources whose title holds every word of ``text`` (none for a text without
        words), in the order given."""
        wanted = words(text)
        if not wanted:
            return ()
        postings: list[Sequence[int]] = sorted(
            (self._by_word.get(w, ()) for w in dict.fromkeys(wanted)), key=len)
        slots = set(postings[0])
        for posting in postings[1:]:
            slots.intersection_update(posting)
            if not slots:
                return ()
        return tuple(self._resources[s] for s in sorted(slots))
