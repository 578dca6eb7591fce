"""The rules in force: the rulebook of dated legal parameters, its defaults, the kinds of
action and the funders.
"""

from __future__ import annotations

__all__: list[str] = []
