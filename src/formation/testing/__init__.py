"""Helpers for testing apps built on ``formation``: Hypothesis strategies and contract tests.

``formation.testing.strategies`` holds public Hypothesis strategies for every entity. This
package needs the ``hypothesis`` package (the ``test`` extra); the core library does not.
:func:`synthetic_catalog` and :func:`synthetic_ratings` (a catalogue shaped like Mon Compte
Formation's, for benchmarks and demos) need nothing beyond the library.
"""

from __future__ import annotations

from formation.testing.catalog import SyntheticRating, synthetic_catalog, synthetic_ratings

__all__ = ["SyntheticRating", "synthetic_catalog", "synthetic_ratings"]
