"""Hypothesis strategies for employer consent requests (``formation.consent``)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from formation.consent import ConsentAnswer, ConsentRequest
from formation.ids import HolderId

__all__ = ["consent_requests"]


@st.composite
def consent_requests(draw: st.DrawFn, *, answered: bool | None = None) -> ConsentRequest:
    """Consent requests, answered within their period or not (``answered``: ``None`` either).

    The answer, when there is one, comes on a day between the request and its last day.
    """
    requested_on = draw(st.dates(date(2019, 1, 1), date(2030, 12, 31)))
    start = requested_on + timedelta(days=draw(st.integers(0, 400)))
    end = start + timedelta(days=draw(st.integers(0, 400)))
    during = draw(st.booleans())
    request = ConsentRequest(
        HolderId(draw(st.text("ABCDEFGH0123456789", min_size=1, max_size=8))),
        draw(st.text("0123456789", min_size=9, max_size=14)),
        requested_on, start, end, during, draw(st.integers(1, 60)))
    answer = draw(st.booleans()) if answered is None else answered
    if not answer or not during:
        return request
    on = requested_on + timedelta(days=draw(st.integers(0, request.answer_days)))
    reason = draw(st.sampled_from(["", "période chargée", "remplacement impossible"]))
    return ConsentRequest(request.holder_id, request.employer_id, requested_on, start, end,
                          during, request.answer_days,
                          ConsentAnswer(on, draw(st.booleans()), reason))
