"""A top-up (*abondement*) as the funding rules see it: who pays, how much, and for what.

Top-ups are money a third party (or the holder) adds to an account, outside the ceiling
(L6323-4 II; ``cpf-rules.md`` section 3). Since 17 April 2025 a funder other than the holder may
earmark its top-up to chosen trainings: such a top-up can only pay for the offers or
certifications it names. The ledger records top-ups as entries; the funding plan receives the
ones available to an order as :class:`TopUp` records.

Two kinds are told apart (:class:`TopUpKind`, décret n° 2025-1156, R6333-3): a **dotation**
(*alimentation supplémentaire*) is credited to the account before any booking, by an employer,
under an agreement or by another funder; a **complementary top-up** (*abondement en droits
complémentaires*, L6323-4 II) is asked for one booking, when the price exceeds what the account
holds. From 5 December 2025 the dotations pay before the holder's rights, the complementary
top-ups after them.
"""

from __future__ import annotations

import enum

import attrs

from formation.errors import InvalidValue
from formation.ids import OfferId
from formation.money import Euros
from formation.rules.funders import Funder

__all__ = ["TopUp", "TopUpKind"]


@enum.unique
class TopUpKind(enum.Enum):
    """Whether a top-up sits on the account before the order or is asked for it (R6333-3)."""

    DOTATION = "dotation"  # a supplementary feeding credited to the account before any booking
    COMPLEMENTARY = "complementary"  # a top-up asked for one booking (L6323-4 II)

    @property
    def label_fr(self) -> str:
        """The French name shown to holders."""
        return "dotation" if self is TopUpKind.DOTATION else "abondement complémentaire"

    @property
    def label_en(self) -> str:
        """The English name."""
        return "dotation" if self is TopUpKind.DOTATION else "complementary top-up"


def _positive(instance: object, attribute: attrs.Attribute[Euros], value: object) -> None:
    if not isinstance(value, Euros):
        raise InvalidValue(f"{attribute.name} must be Euros, got {type(value).__name__} {value!r}")
    if value.cents <= 0:
        raise InvalidValue(f"{attribute.name} must be positive, got {value}")


def _funder(instance: object, attribute: attrs.Attribute[Funder], value: object) -> None:
    if not isinstance(value, Funder):
        raise InvalidValue(
            f"funder must be a Funder ({', '.join(f.name for f in Funder)}), got {value!r}"
        )


def _kind(instance: object, attribute: attrs.Attribute[TopUpKind], value: object) -> None:
    if value.__class__ is not TopUpKind:
        raise InvalidValue(
            f"kind must be a TopUpKind ({', '.join(k.name for k in TopUpKind)}), got {value!r}")


def _strings(value: object) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, (frozenset, set, tuple, list)):
        raise InvalidValue(f"expected a collection of identifiers, got {value!r}")
    for item in value:
        if not isinstance(item, str) or not item:
            raise InvalidValue(f"identifiers must be non-empty strings, got {item!r}")
    return frozenset(value)


@attrs.frozen
class TopUp:
    """Money from one funder that may pay for a training.

    Attributes:
        funder: who pays.
        amount: how much is available (positive).
        earmarked_offers: if not empty, the only offers it may pay for.
        earmarked_certifications: if not empty, the only certification codes it may pay for
            (an RNCP or RS code such as ``"RNCP37873"`` or ``"RS6204"``).
        reference: the caller's identifier for it (a ledger entry id, an EDEF reference).
        kind: a dotation credited to the account beforehand, or a complementary top-up asked
            for this order (the default).

    A top-up earmarked to neither offers nor certifications pays for any training.
    """

    funder: Funder = attrs.field(validator=_funder)
    amount: Euros = attrs.field(validator=_positive)
    earmarked_offers: frozenset[OfferId] = attrs.field(default=frozenset(), converter=_strings)
    earmarked_certifications: frozenset[str] = attrs.field(
        default=frozenset(), converter=_strings
    )
    reference: str = ""
    kind: TopUpKind = attrs.field(default=TopUpKind.COMPLEMENTARY, validator=_kind)

    @property
    def earmarked(self) -> bool:
        """Whether it is restricted to some offers or certifications."""
        return bool(self.earmarked_offers or self.earmarked_certifications)

    def applies_to(self, offer_id: OfferId | None, certification_code: str | None) -> bool:
        """Whether it may pay for this offer (or this certification)."""
        if not self.earmarked:
            return True
        return (offer_id is not None and offer_id in self.earmarked_offers) or (
            certification_code is not None
            and certification_code in self.earmarked_certifications
        )
