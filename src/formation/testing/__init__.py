"""Helpers for testing apps built on ``formation``: Hypothesis strategies and contract tests.

``formation.testing.strategies`` holds public Hypothesis strategies for every entity. This
package needs the ``hypothesis`` package (the ``test`` extra); the core library does not.
"""

from __future__ import annotations

__all__: list[str] = []
