"""services layer of formation."""

from __future__ import annotations

from formation.services.reviews import correct_review, review

__all__: list[str] = ["correct_review", "review"]
