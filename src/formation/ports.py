"""The ports: what the services need from a store, as ``typing.Protocol``s.

The services (``formation.services``) never know where folders and accounts live. They open a
:class:`UnitOfWork` from a :class:`Store`, read and change records through its two
repositories, and commit: everything staged in one unit of work is saved together or not at
all. Concurrency is optimistic, as in event-sourced stores: each record has a version; a save
based on a version someone else has moved on since is a :class:`~formation.errors.ConflictError`
at commit, and the whole unit of work is dropped. Two bookings racing for the same rights thus
never both hold them: the second commit finds the account's ledger moved on.

Two adapters implement these ports: :class:`formation.adapters.memory.MemoryStore` (a fake
that is a real adapter, for tests and notebooks) and the SQLite store. Both pass the same
contract tests.

The catalogue (:class:`CatalogRepository`) is read in the unit of work too, with the seats of
each session: a seat is taken by a folder (:meth:`CatalogRepository.take_seat`) and given back
(:meth:`CatalogRepository.give_back_seat`) in the same unit of work as the folder's change, and
the commit checks again, inside the store's transaction, that no session has more seats taken
than it offers (``Session.seats``; ``None`` is unlimited), whatever other threads and processes
committed meanwhile. Holders (:class:`HolderRepository`), reviews (:class:`ReviewRepository`)
and employer consent requests (:class:`ConsentRepository`) are versioned records too: each save
moves a record's version on by one, and a record must be read in the unit of work before it is
saved, so that the commit checks the version the change was based on. A store also carries the rules it works under (:attr:`Store.rulebook`,
:attr:`Store.calendar`), so that every service reads the same ones.

The contract, for every implementation:

- ``get`` returns a private copy (changing it changes nothing stored) or raises
  :class:`~formation.errors.NotFound`;
- ``add`` stages a new record; an id already stored (or staged) is
  :class:`~formation.errors.DuplicateEntry` — at the latest at commit;
- ``save`` stages a changed record, checked at commit against the version it was read at;
- ``commit`` applies everything staged, all or nothing, and raises ``ConflictError`` if any
  record moved on; leaving the ``with`` block without committing drops everything staged.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType
from typing import Protocol

from formation.accounts import Account
from formation.bookings import Booking, BookingStatus
from formation.calendar.business_days import BusinessCalendar
from formation.catalog.offers import Offer, Session
from formation.consent import ConsentRequest
from formation.holders import Holder
from formation.ids import (
    AccountId,
    BookingId,
    ConsentId,
    HolderId,
    OfferId,
    OrganismId,
    ReviewId,
    SessionId,
)
from formation.reviews import Review
from formation.rules.rulebook import Rulebook
from formation.search import CatalogIndex

__all__ = [
    "AccountRepository",
    "BookingRepository",
    "CatalogRepository",
    "ConsentRepository",
    "HolderRepository",
    "ReviewRepository",
    "SESSION_FULL",
    "Store",
    "UnitOfWork",
]

SESSION_FULL = "booking.session_full"
"""The code of the :class:`~formation.errors.Violation` of a seat asked in a full session."""


class BookingRepository(Protocol):
    """Registration folders, by id, with a version each (:attr:`Booking.version`)."""

    def get(self, booking_id: BookingId) -> Booking:
        """The folder as stored; ``NotFound`` if there is none."""
        ...

    def add(self, booking: Booking) -> None:
        """Stage a new folder (its ``version`` is 0)."""
        ...

    def save(self, booking: Booking) -> None:
        """Stage a changed folder; at commit, its ``version`` must still be the stored one."""
        ...

    def find(
        self,
        *,
        statuses: Iterable[BookingStatus] | None = None,
        holder_id: HolderId | None = None,
        organism_id: OrganismId | None = None,
        limit: int | None = None,
        after: BookingId | None = None,
    ) -> tuple[Booking, ...]:
        """The folders in those states, of that holder and of that organism (``None``: any),
        by id, with this unit's staged changes: in pages of ``limit`` (``None``: all), each
        page starting after ``after``, the last id of the previous page.

        Raises:
            InvalidValue: a status that is not a ``BookingStatus``, a limit that is not a
                positive int.
        """
        ...


class AccountRepository(Protocol):
    """Accounts with their append-only ledger; the version is the ledger's length."""

    def get(self, account_id: AccountId) -> Account:
        """A private copy of the account; ``NotFound`` if there is none."""
        ...

    def add(self, account: Account) -> None:
        """Stage a new account with its entries."""
        ...

    def save(self, account: Account) -> None:
        """Stage the entries appended to an account read with :meth:`get` in this unit.

        At commit, the stored ledger must still be at the version it was read at.
        """
        ...


class CatalogRepository(Protocol):
    """The stored catalogue as a unit of work reads it, and the seats taken in each session.

    A seat belongs to a folder: taking it twice for the same folder, or giving back a seat the
    folder does not hold, changes nothing (idempotent per folder). Seat changes are staged and
    saved at commit with everything else of the unit of work.
    """

    def offer(self, offer_id: OfferId) -> Offer:
        """The stored offer; ``NotFound`` if there is none."""
        ...

    def session(self, session_id: SessionId) -> Session:
        """The stored session; ``NotFound`` if there is none."""
        ...

    def seats_taken(self, session_id: SessionId) -> int:
        """How many seats of the session are taken, with this unit's staged changes."""
        ...

    def seat_holders(self, session_id: SessionId) -> frozenset[BookingId]:
        """The folders holding a seat of the session, with this unit's staged changes."""
        ...

    def take_seat(self, session_id: SessionId, booking_id: BookingId) -> None:
        """Stage a seat of the session for the folder (nothing if it holds one already).

        Raises:
            NotFound: no such session.
            RuleViolation: ``booking.session_full``, every seat is taken; at commit too, when
                other units took the last seats meanwhile (then nothing of the unit is saved).
        """
        ...

    def give_back_seat(self, session_id: SessionId, booking_id: BookingId) -> None:
        """Stage the return of the folder's seat (nothing if it holds none)."""
        ...


class HolderRepository(Protocol):
    """Account holders with their dated statuses, by holder id, versioned."""

    def get(self, holder_id: HolderId) -> Holder:
        """The holder as stored; ``NotFound`` if there is none."""
        ...

    def version(self, holder_id: HolderId) -> int:
        """The version the holder was read at in this unit (0 for one added in it)."""
        ...

    def add(self, holder: Holder) -> None:
        """Stage a new holder; a used id is ``DuplicateEntry``."""
        ...

    def save(self, holder: Holder) -> None:
        """Stage a changed holder, read with :meth:`get` in this unit (else ``InvalidValue``);
        at commit its stored version must still be the one read (else ``ConflictError``)."""
        ...


class ReviewRepository(Protocol):
    """Reviews with their corrections (:attr:`Review.history`), by review id, one per folder."""

    def get(self, review_id: ReviewId) -> Review:
        """The review as stored; ``NotFound`` if there is none."""
        ...

    def version(self, review_id: ReviewId) -> int:
        """The version the review was read at in this unit (0 for one added in it)."""
        ...

    def add(self, review: Review) -> None:
        """Stage a new review; a used id, or a folder reviewed already, is ``DuplicateEntry``."""
        ...

    def save(self, review: Review) -> None:
        """Stage a corrected review read in this unit; it keeps its folder, holder, offer and
        organism (else ``InvalidValue``)."""
        ...

    def for_folder(self, booking_id: BookingId) -> Review | None:
        """The folder's review, or ``None``."""
        ...

    def find(self, *, offer_id: OfferId | None = None,
             holder_id: HolderId | None = None) -> tuple[Review, ...]:
        """The reviews of that offer and that holder (``None``: any), by review id."""
        ...


class ConsentRepository(Protocol):
    """Employer consent requests (:class:`ConsentRequest`), by the id the caller gives them."""

    def get(self, consent_id: ConsentId) -> ConsentRequest:
        """The request as stored; ``NotFound`` if there is none."""
        ...

    def version(self, consent_id: ConsentId) -> int:
        """The version the request was read at in this unit (0 for one added in it)."""
        ...

    def add(self, consent_id: ConsentId, request: ConsentRequest) -> None:
        """Stage a new request under ``consent_id``; a used id is ``DuplicateEntry``."""
        ...

    def save(self, consent_id: ConsentId, request: ConsentRequest) -> None:
        """Stage a changed request (an answer) read in this unit; it keeps its holder and
        employer (else ``InvalidValue``)."""
        ...

    def find(self, *, holder_id: HolderId | None = None, employer_id: str | None = None
             ) -> tuple[tuple[ConsentId, ConsentRequest], ...]:
        """The requests of that holder to that employer (``None``: any), by id."""
        ...


class UnitOfWork(Protocol):
    """One atomic change: read, stage, then :meth:`commit` (or leave to drop everything)."""

    @property
    def bookings(self) -> BookingRepository:
        """The folders."""
        ...

    @property
    def accounts(self) -> AccountRepository:
        """The accounts."""
        ...

    @property
    def catalog(self) -> CatalogRepository:
        """The catalogue and the seats taken."""
        ...

    @property
    def holders(self) -> HolderRepository:
        """The holders."""
        ...

    @property
    def reviews(self) -> ReviewRepository:
        """The reviews."""
        ...

    @property
    def consents(self) -> ConsentRepository:
        """The employer consent requests."""
        ...

    def commit(self) -> None:
        """Save everything staged, all or nothing; ``ConflictError`` on a stale version."""
        ...

    def rollback(self) -> None:
        """Drop everything staged."""
        ...

    def __enter__(self) -> UnitOfWork:
        ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        ...


class Store(Protocol):
    """Where folders, accounts and the catalogue live; opens units of work.

    A store is made with the rules it works under (``rulebook=``, ``calendar=``; by default
    :meth:`Rulebook.default` and metropolitan France), and the services read them from it.
    """

    @property
    def rulebook(self) -> Rulebook:
        """The legal parameters every service on this store applies."""
        ...

    @property
    def calendar(self) -> BusinessCalendar:
        """The business days every deadline on this store is counted in."""
        ...

    @property
    def catalog(self) -> CatalogIndex:
        """The search index of the stored catalogue."""
        ...

    def save_catalog(self, offers: Iterable[Offer] = (),
                     sessions: Iterable[Session] = ()) -> None:
        """Store offers and sessions (replacing those with the same ids), all or nothing.

        Raises:
            InvalidValue: not offers and sessions.
            NotFound: a session of an offer neither stored nor given.
        """
        ...

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work (use it in a ``with`` block)."""
        ...
