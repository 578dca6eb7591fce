"""The services of formation: each operation on the store's records in one unit of work.

The booking services and the checkout (:mod:`formation.services.bookings`) and the review
services (:mod:`formation.services.reviews`) are re-exported here:
``from formation.services import quote, book, accept``.
"""

from __future__ import annotations

from formation.services.bookings import (
    Quote,
    accept,
    acknowledge,
    book,
    cancel,
    confirm_attendance,
    declare_entry,
    declare_exit,
    declare_no_show,
    declare_service_done,
    lapse,
    lapse_overdue,
    propose,
    quote,
    record_payment,
    refuse,
    validate_service_done,
    view_balance,
    view_booking,
    withdraw,
)
from formation.services.reviews import correct_review, review

__all__ = [
    "Quote",
    "accept",
    "acknowledge",
    "book",
    "cancel",
    "confirm_attendance",
    "correct_review",
    "declare_entry",
    "declare_exit",
    "declare_no_show",
    "declare_service_done",
    "lapse",
    "lapse_overdue",
    "propose",
    "quote",
    "record_payment",
    "refuse",
    "review",
    "validate_service_done",
    "view_balance",
    "view_booking",
    "withdraw",
]
