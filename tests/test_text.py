"""French folding for search: case, accents and ligatures ignored, words split on the rest."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formation.catalog.search.geo import haversine_km, longitude_span_deg
from formation.text import fold, words


@pytest.mark.parametrize(("text", "expected"), [
    ("Comptabilité", ("comptabilite",)),
    ("COMPTABILITÉ générale", ("comptabilite", "generale")),
    ("Œnologie & cœur", ("oenologie", "coeur")),
    ("Management d'équipe", ("management", "d", "equipe")),
    ("Soudure à l’arc – TIG/MIG", ("soudure", "a", "l", "arc", "tig", "mig")),
    ("CACES® R489 cat. 1A", ("caces", "r489", "cat", "1a")),
    ("", ()),
])
def test_words_fold_case_accents_and_ligatures(text, expected) -> None:
    assert words(text) == expected


@given(st.text())
def test_folding_twice_changes_nothing(text) -> None:
    assert fold(fold(text)) == fold(text)
    assert words(" ".join(words(text))) == words(text)


@given(st.sampled_from("aàâäeéèêëiîïoôöuùûüyÿcç"), st.booleans())
def test_an_accented_letter_folds_to_its_plain_letter(letter, upper) -> None:
    shown = letter.upper() if upper else letter
    assert len(fold(shown)) == 1 and fold(shown).isascii()


@given(st.floats(-80, 80), st.floats(-179, 179), st.floats(-80, 80), st.floats(-179, 179))
def test_distances_are_symmetric_and_bounded(lat1, lon1, lat2, lon2) -> None:
    there = haversine_km(lat1, lon1, lat2, lon2)
    assert there == pytest.approx(haversine_km(lat2, lon2, lat1, lon1), abs=1e-6)
    assert 0 <= there <= 20_016


@given(st.floats(-89, 89), st.floats(-179.9, 179.9), st.floats(0.1, 3000))
def test_a_circle_stays_within_its_longitude_span(lat, lon, radius) -> None:
    span = longitude_span_deg(lat, radius)
    if span < 180:
        # the point on the same latitude just outside the span is farther than the radius
        outside = lon + span * 1.001
        assert haversine_km(lat, lon, lat, outside) > radius * 0.999
