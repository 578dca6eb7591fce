"""A holder's CPF account: its ledger, its balance, and the money moves of a booking.

An :class:`Account` is the *compte personnel de formation* of one holder: an append-only
:class:`~formation.ledger.Ledger` of entries (yearly rights, hours converted on 1 January 2019,
DIF hours, top-ups by funder, holds, releases, debits, refunds, corrections) and the operations
that append them. ``account.balance(as_of=None)`` gives a :class:`Balance` (``rights``,
``top_ups``, ``held``, ``available``) for today or any past day.

How the other parts of the library use it:

* accrual (:func:`formation.accrual.credit_career`) posts the yearly credits;
* the funding plan reads :meth:`Account.balance` and :meth:`Account.available_top_ups` (each
  a :class:`~formation.topups.TopUp` whose ``reference`` is the top-up's entry id);
* a booking moves money with :meth:`Account.hold` (when the holder accepts the organism's
  proposal), :meth:`Account.release` (withdrawal, cancellation in time),
  :meth:`Account.debit` (training entry, late cancellation: the whole hold is released and the
  amounts debited) and :meth:`Account.refund` (partial completion, a cancelled debit).

Each operation takes a caller-chosen ``entry_id`` and appends one entry per source of money
(the rights, each top-up), with ids derived from it (``"<entry_id>:rights"``,
``"<entry_id>:<top-up id>"``; a debit adds ``"<entry_id>:release:…"``). All of them are appended
together or not at all; replaying the same operation is a no-op. A hold or debit above the
money available is :class:`~formation.errors.InsufficientCredit`; a top-up earmarked for other
trainings cannot pay for this one (:class:`~formation.errors.RuleViolation`, code
``top_up.earmarked_elsewhere``). Sources: ``cpf-rules.md`` sections 1 to 3, Code du travail
L6323-4 (top-ups outside the ceiling), décret of 14 April 2025 (earmarked top-ups).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import TypeAlias

import attrs

from formation.calendar.instants import check_date
from formation.errors import InvalidValue, RuleViolation, Violation
from formation.ids import AccountId, BookingId, EntryId, HolderId, OfferId
from formation.ledger import Balance, Entry, EntryKind, HoursBalance, Ledger, Source
from formation.money import Euros
from formation.rules.funders import Funder
from formation.rules.rulebook import Rulebook
from formation.topups import TopUp

__all__ = ["Account", "Balance", "BookingFunds", "TopUpParts"]

TopUpParts: TypeAlias = "Mapping[EntryId, Euros] | Iterable[tuple[EntryId, Euros]]"
"""Amounts per top-up: a mapping or pairs of (top-up entry id, amount)."""

_ZERO = Euros(0)


@attrs.frozen
class BookingFunds:
    """The money of one booking from one source to another: rights and top-ups.

    Attributes:
        booking: the booking.
        rights: euros of rights.
        top_ups: ``(top-up entry id, euros)`` pairs, sorted by id, without zero amounts.
    """

    booking: BookingId
    rights: Euros
    top_ups: tuple[tuple[EntryId, Euros], ...] = ()

    @property
    def total(self) -> Euros:
        """Rights plus every top-up."""
        return sum((amount for _, amount in self.top_ups), self.rights)

    def __bool__(self) -> bool:
        return bool(self.total)


def _parts(top_ups: TopUpParts | None) -> tuple[tuple[EntryId, Euros], ...]:
    if top_ups is None:
        return ()
    pairs = list(top_ups.items()) if isinstance(top_ups, Mapping) else list(top_ups)
    seen: set[str] = set()
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise InvalidValue(f"top-up amounts are (top-up entry id, Euros) pairs, got {pair!r}")
        top_up, amount = pair
        if not isinstance(top_up, str) or not top_up:
            raise InvalidValue(f"a top-up is named by its entry id, got {top_up!r}")
        if not isinstance(amount, Euros) or amount.cents < 0:
            raise InvalidValue(f"amount for top-up {top_up!r} must be Euros ≥ 0, got {amount!r}")
        if top_up in seen:
            raise InvalidValue(f"top-up {top_up!r} is named twice")
        seen.add(top_up)
    return tuple((EntryId(t), a) for t, a in pairs if a.cents)


def _euros(value: object, name: str) -> Euros:
    if not isinstance(value, Euros):
        raise InvalidValue(f"{name} must be Euros, got {type(value).__name__} {value!r}")
    if value.cents < 0:
        raise InvalidValue(f"{name} must not be negative, got {value}")
    return value


def _named_or_all(
    funds: BookingFunds, rights: Euros | None, top_ups: TopUpParts | None
) -> tuple[Euros, tuple[tuple[EntryId, Euros], ...]]:
    """The amounts named (rights, top-ups), or all of ``funds`` when neither is named."""
    if rights is None and top_ups is None:
        return funds.rights, funds.top_ups
    return (_ZERO if rights is None else _euros(rights, "rights")), _parts(top_ups)


class Account:
    """A holder's CPF account: an append-only ledger and the operations that feed it.

    Args:
        account_id: the account's identifier.
        holder_id: its holder.
        entries: entries to replay (from a store), appended all or nothing.

    >>> from formation.ids import AccountId, BookingId, EntryId, HolderId
    >>> account = Account(AccountId("A1"), HolderId("H1"))
    >>> _ = account.credit(EntryId("2024"), Euros.whole(500), date(2025, 4, 15), year=2024)
    >>> _ = account.hold(EntryId("b1-hold"), BookingId("b1"), date(2025, 5, 2),
    ...                  rights=Euros.whole(120))
    >>> account.balance()
    Balance(rights=Euros(50000), top_ups=Euros(0), held=Euros(12000), available=Euros(38000))
    """

    __slots__ = ("_account_id", "_holder_id", "_ledger")

    def __init__(
        self, account_id: AccountId, holder_id: HolderId, entries: Iterable[Entry] = ()
    ) -> None:
        for name, value in (("account_id", account_id), ("holder_id", holder_id)):
            if not isinstance(value, str) or not value:
                raise InvalidValue(f"{name} must be a non-empty str, got {value!r}")
        self._account_id = account_id
        self._holder_id = holder_id
        self._ledger = Ledger(entries)

    def __repr__(self) -> str:
        return (f"Account({self._account_id!r}, holder={self._holder_id!r}, "
                f"version={self.version}, balance={self.balance()!r})")

    # -- reading ------------------------------------------------------------------------
    @property
    def account_id(self) -> AccountId:
        """The account's identifier."""
        return self._account_id

    @property
    def holder_id(self) -> HolderId:
        """Its holder's identifier."""
        return self._holder_id

    @property
    def ledger(self) -> Ledger:
        """The ledger itself (append through the account to keep its checks)."""
        return self._ledger

    @property
    def version(self) -> int:
        """The number of entries: the optimistic-concurrency version."""
        return self._ledger.version

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry, in the order appended."""
        return self._ledger.entries

    def __len__(self) -> int:
        return len(self._ledger)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._ledger)

    def copy(self) -> Account:
        """An independent account with the same entries (for a store's snapshot)."""
        twin = Account(self._account_id, self._holder_id)
        twin._ledger = self._ledger.copy()
        return twin

    def balance(self, as_of: date | None = None) -> Balance:
        """The balance on ``as_of`` (``None``: with every entry), see :class:`Balance`."""
        return self._ledger.balance(as_of)

    def hours(self, as_of: date | None = None) -> HoursBalance:
        """The CPF and DIF hours not yet converted to euros (the hours era, 2015-2018)."""
        return self._ledger.hours(as_of)

    def available_top_ups(
        self,
        as_of: date | None = None,
        *,
        offer_id: OfferId | None = None,
        certification_code: str | None = None,
    ) -> tuple[TopUp, ...]:
        """The top-ups with money left, net of holds and debits, as :class:`TopUp` records.

        With ``offer_id`` or ``certification_code``, only the top-ups that may pay for that
        training (not earmarked, or earmarked to it). ``TopUp.reference`` is the top-up's entry
        id: pass it to :meth:`hold` or :meth:`debit`.
        """
        found = self._ledger.available_top_ups(as_of)
        if offer_id is None and certification_code is None:
            return found
        return tuple(t for t in found if t.applies_to(offer_id, certification_code))

    def held_for(self, booking: BookingId) -> BookingFunds:
        """What ``booking`` holds now."""
        rights, top_ups = self._ledger.held_for(booking)
        return BookingFunds(booking, rights, top_ups)

    def debited_for(self, booking: BookingId) -> BookingFunds:
        """What was debited for ``booking`` and not refunded yet."""
        rights, top_ups = self._ledger.debited_for(booking)
        return BookingFunds(booking, rights, top_ups)

    # -- appending ----------------------------------------------------------------------
    def append(self, entry: Entry, expected_version: int | None = None) -> int:
        """Append one entry (see :meth:`Ledger.append`); return the new version."""
        return self._ledger.append(entry, expected_version)

    def extend(self, entries: Iterable[Entry], expected_version: int | None = None) -> int:
        """Append entries all or nothing (see :meth:`Ledger.extend`); return the new version."""
        return self._ledger.extend(entries, expected_version)

    def credit(
        self,
        entry_id: EntryId,
        amount: Euros,
        on: date,
        *,
        year: int | None = None,
        note: str = "",
        expected_version: int | None = None,
    ) -> Entry:
        """Credit a year's rights in euros; return the entry.

        The amount is not checked against the ceiling here: :func:`formation.accrual.
        annual_credit` computes it, and :func:`formation.accrual.credit_career` posts it.
        """
        entry = Entry(entry_id, EntryKind.ANNUAL_CREDIT, _euros(amount, "amount"),
                      check_date(on, "on"), Source.RIGHTS, year=year, note=note)
        self._ledger.append(entry, expected_version)
        return entry

    def top_up(
        self,
        entry_id: EntryId,
        funder: Funder,
        amount: Euros,
        on: date,
        *,
        earmarked_offers: Iterable[OfferId] = (),
        earmarked_certifications: Iterable[str] = (),
        corrective: bool = False,
        note: str = "",
        rulebook: Rulebook | None = None,
        expected_version: int | None = None,
    ) -> Entry:
        """Add a funder's top-up (*abondement*), outside the ceiling; return the entry.

        Earmarking to offers or certifications is allowed from the day the rulebook's
        ``top_up_earmarking_allowed`` says so (17 April 2025, décret of 14 April 2025), and
        never for the holder's own top-up.

        Raises:
            RuleViolation: an earmark before it was allowed, or on the holder's own money.
        """
        if not isinstance(funder, Funder):
            raise InvalidValue(
                f"funder must be a Funder ({', '.join(f.name for f in Funder)}), got {funder!r}"
            )
        check_date(on, "on")
        offers = frozenset(earmarked_offers)
        certifications = frozenset(earmarked_certifications)
        if offers or certifications:
            rules = (rulebook or Rulebook.default()).at(on)
            violations = []
            if not rules.top_up_earmarking_allowed:
                violations.append(Violation(
                    "top_up.earmarking_not_allowed",
                    f"top-ups cannot be earmarked to chosen trainings on {on} (allowed from "
                    "17 April 2025, décret du 14 avril 2025)", entry_id))
            if funder is Funder.HOLDER:
                violations.append(Violation(
                    "top_up.holder_earmark",
                    "only a funder other than the holder may earmark a top-up", entry_id))
            if violations:
                raise RuleViolation(violations)
        kind = EntryKind.CORRECTIVE_TOP_UP if corrective else EntryKind.TOP_UP
        entry = Entry(entry_id, kind, _euros(amount, "amount"), on, funder,
                      earmarked_offers=offers, earmarked_certifications=certifications,
                      note=note)
        self._ledger.append(entry, expected_version)
        return entry

    def corrective_top_up(
        self,
        entry_id: EntryId,
        on: date,
        *,
        rulebook: Rulebook | None = None,
        expected_version: int | None = None,
    ) -> Entry:
        """The employer's corrective top-up (L6315-1, R6323-3), its amount from the rulebook.

        Raises:
            RuleViolation: the rule did not exist on ``on`` (before 2019).
        """
        amount = (rulebook or Rulebook.default()).at(check_date(on, "on")).corrective_top_up
        if amount is None:
            raise RuleViolation([Violation(
                "top_up.corrective_not_in_force",
                f"there was no corrective top-up on {on} (from 1 January 2019, L6315-1)",
                entry_id)])
        return self.top_up(entry_id, Funder.EMPLOYER, amount, on, corrective=True,
                           note="abondement correctif (L6315-1, R6323-3)",
                           expected_version=expected_version)

    def correct(
        self,
        entry_id: EntryId,
        amount: Euros,
        on: date,
        *,
        top_up: EntryId | None = None,
        reason: str,
        expected_version: int | None = None,
    ) -> Entry:
        """A signed correction of the rights (or of one top-up), never an edit of an entry.

        Raises:
            InsufficientCredit: a negative correction above the money available that day.
        """
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidValue("a correction needs a reason")
        source: Source | Funder = Source.RIGHTS
        if top_up is not None:
            found = self._ledger.get(top_up)
            if found is None or not found.kind.is_top_up:
                raise InvalidValue(f"no top-up {top_up!r} on account {self._account_id!r}")
            source = found.source
        if not isinstance(amount, Euros):
            raise InvalidValue(f"amount must be Euros, got {type(amount).__name__} {amount!r}")
        entry = Entry(entry_id, EntryKind.CORRECTION, amount, check_date(on, "on"), source,
                      top_up=top_up, note=reason)
        self._ledger.append(entry, expected_version)
        return entry

    # -- the money of a booking -----------------------------------------------------------
    def hold(
        self,
        entry_id: EntryId,
        booking: BookingId,
        on: date,
        *,
        rights: Euros = _ZERO,
        top_ups: TopUpParts | None = None,
        offer_id: OfferId | None = None,
        certification_code: str | None = None,
        expected_version: int | None = None,
    ) -> tuple[Entry, ...]:
        """Hold rights and top-ups for a pending booking; return the entries appended.

        Raises:
            InsufficientCredit: more than the rights, or a top-up, has available on ``on``.
            RuleViolation: a top-up earmarked for other trainings than this offer or
                certification (``top_up.earmarked_elsewhere``).
        """
        entries = self._moves(EntryKind.HOLD, entry_id, booking, on, _euros(rights, "rights"),
                              _parts(top_ups), offer_id, certification_code)
        if not entries:
            raise InvalidValue(f"hold {entry_id!r} for booking {booking!r} holds nothing")
        self._ledger.extend(entries, expected_version)
        return entries

    def release(
        self,
        entry_id: EntryId,
        booking: BookingId,
        on: date,
        *,
        rights: Euros | None = None,
        top_ups: TopUpParts | None = None,
        expected_version: int | None = None,
    ) -> tuple[Entry, ...]:
        """Give back what ``booking`` holds (all of it by default); return the entries.

        With ``rights`` or ``top_ups``, release only those amounts (the rest stays held).
        Releasing a booking that holds nothing appends nothing.

        Raises:
            InvalidValue: more than the booking holds.
        """
        amount, parts = _named_or_all(self.held_for(booking), rights, top_ups)
        entries = self._moves(EntryKind.RELEASE, entry_id, booking, on, amount, parts)
        self._ledger.extend(entries, expected_version)
        return entries

    def debit(
        self,
        entry_id: EntryId,
        booking: BookingId,
        on: date,
        *,
        rights: Euros | None = None,
        top_ups: TopUpParts | None = None,
        offer_id: OfferId | None = None,
        certification_code: str | None = None,
        expected_version: int | None = None,
    ) -> tuple[Entry, ...]:
        """Settle ``booking``: release all it holds, then debit; return the entries.

        By default the amounts debited are exactly those held (training entry). With
        ``rights`` or ``top_ups``, those amounts are debited instead (a late cancellation
        debiting a share): anything held beyond them goes back to the account, anything above
        the hold comes from what is available.

        Raises:
            InsufficientCredit: a debit above the hold plus what is available.
            RuleViolation: a top-up earmarked for other trainings.
        """
        held = self.held_for(booking)
        if rights is None and top_ups is None and not held:
            raise InvalidValue(f"booking {booking!r} holds nothing: name the amounts to debit")
        amount, parts = _named_or_all(held, rights, top_ups)
        releases = self._moves(EntryKind.RELEASE, EntryId(f"{entry_id}:release"), booking, on,
                               held.rights, held.top_ups)
        debits = self._moves(EntryKind.DEBIT, entry_id, booking, on, amount, parts,
                             offer_id, certification_code,
                             cleared=frozenset(t for t, _ in held.top_ups))
        self._ledger.extend(releases + debits, expected_version)
        return releases + debits

    def refund(
        self,
        entry_id: EntryId,
        booking: BookingId,
        on: date,
        *,
        rights: Euros | None = None,
        top_ups: TopUpParts | None = None,
        expected_version: int | None = None,
    ) -> tuple[Entry, ...]:
        """Give back money debited for ``booking`` to where it came from (all by default).

        Raises:
            InvalidValue: more than was debited for the booking and not refunded yet.
        """
        amount, parts = _named_or_all(self.debited_for(booking), rights, top_ups)
        entries = self._moves(EntryKind.REFUND, entry_id, booking, on, amount, parts)
        self._ledger.extend(entries, expected_version)
        return entries

    def _moves(
        self,
        kind: EntryKind,
        entry_id: EntryId,
        booking: BookingId,
        on: date,
        rights: Euros,
        top_ups: tuple[tuple[EntryId, Euros], ...],
        offer_id: OfferId | None = None,
        certification_code: str | None = None,
        *,
        cleared: frozenset[EntryId] = frozenset(),
    ) -> tuple[Entry, ...]:
        check_date(on, "on")
        if not isinstance(booking, str) or not booking:
            raise InvalidValue(f"booking must be a non-empty str, got {booking!r}")
        entries = []
        if rights.cents:
            entries.append(Entry(EntryId(f"{entry_id}:rights"), kind, rights, on,
                                 Source.RIGHTS, booking=booking))
        violations = []
        for top_up, amount in top_ups:
            found = self._ledger.get(top_up)
            if found is None or not found.kind.is_top_up:
                raise InvalidValue(f"no top-up {top_up!r} on account {self._account_id!r}")
            if (kind in (EntryKind.HOLD, EntryKind.DEBIT) and top_up not in cleared
                    and not found.as_top_up().applies_to(offer_id, certification_code)):
                violations.append(Violation(
                    "top_up.earmarked_elsewhere",
                    f"top-up {top_up!r} from {found.source.value} is earmarked for "
                    f"{_earmark(found)}, not for this training "
                    f"(offer {offer_id!r}, certification {certification_code!r})",
                    top_up))
                continue
            entries.append(Entry(EntryId(f"{entry_id}:{top_up}"), kind, amount, on,
                                 found.source, top_up=top_up, booking=booking))
        if violations:
            raise RuleViolation(violations)
        return tuple(entries)


def _earmark(entry: Entry) -> str:
    names = sorted(entry.earmarked_offers) + sorted(entry.earmarked_certifications)
    return ", ".join(names)
