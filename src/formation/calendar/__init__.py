"""Time: the territories, their public holidays as data, business days and the instants
turned into local dates.
"""

from __future__ import annotations

__all__: list[str] = []
