"""Identifiers as ``typing.NewType``: swapping an offer id for a session id fails type checking.

Identifiers are supplied by the caller (the app, the open-data export, a test): the core never
invents one, so replaying the same operation gives the same records.
"""

from __future__ import annotations

from typing import NewType

__all__ = [
    "AccountId",
    "BookingId",
    "ConsentId",
    "EntryId",
    "HolderId",
    "OfferId",
    "OrganismId",
    "ReviewId",
    "SessionId",
]

HolderId = NewType("HolderId", str)
"""A holder (*titulaire*) of a CPF account."""

AccountId = NewType("AccountId", str)
"""A CPF account; in practice one per holder."""

EntryId = NewType("EntryId", str)
"""A ledger entry, chosen by the caller so that appends are idempotent."""

OrganismId = NewType("OrganismId", str)
"""A training organism (*organisme de formation*), usually its 14-digit SIRET."""

OfferId = NewType("OfferId", str)
"""A catalogue entry (``numero_formation`` in the open-data export)."""

SessionId = NewType("SessionId", str)
"""One dated session of an offer."""

BookingId = NewType("BookingId", str)
"""A registration folder (*dossier de formation*)."""

ReviewId = NewType("ReviewId", str)
"""A holder's review of a training."""

ConsentId = NewType("ConsentId", str)
"""A holder's request to their employer for leave to follow a training, as a store keeps it."""
