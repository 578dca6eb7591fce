"""Strategies for learning resources outside the catalogue."""

from __future__ import annotations

from hypothesis import strategies as st

from formation.catalog.offers import Certification, Registry
from formation.learning import LearningResource, ResourceId
from formation.money import Euros

__all__ = ["learning_resources", "resource_formacodes", "resource_words"]

_CODES = ("15234", "70322", "31054", "31067")
_WORDS = ("anglais", "excel", "python", "web", "débuter", "avancé")
_CERTIFICATIONS = (Certification(Registry.RS, "5252", "Tosa Excel"),
                   Certification(Registry.RS, "6204", "Linguaskill"))


def resource_formacodes() -> st.SearchStrategy[str]:
    """The few Formacodes :func:`learning_resources` uses (so that resources share them)."""
    return st.sampled_from(_CODES)


def resource_words() -> st.SearchStrategy[str]:
    """The few title words :func:`learning_resources` uses."""
    return st.sampled_from(_WORDS)


@st.composite
def learning_resources(draw: st.DrawFn, resource_id: str | None = None) -> LearningResource:
    """Resources on a few shared Formacodes and title words, free or cheap, some leading to a
    certification (ids ``R`` and a number unless ``resource_id`` is given)."""
    number = draw(st.integers(0, 10_000))
    title = " ".join(draw(st.lists(resource_words(), min_size=1, max_size=3)))
    return LearningResource(
        ResourceId(resource_id if resource_id is not None else f"R{number}"),
        title.capitalize(), "Exemple", f"https://example.org/{number}",
        tuple(draw(st.lists(resource_formacodes(), max_size=2))),
        draw(st.integers(1, 200)),
        Euros(draw(st.sampled_from((0, 0, 0, 500, 2900, 9000)))),
        draw(st.one_of(st.none(), st.sampled_from(_CERTIFICATIONS))))
