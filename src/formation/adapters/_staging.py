"""The staging half of a unit of work, shared by the memory and the SQLite stores.

A unit of work (Cosmic Python) reads records, stages its changes without touching the store,
and applies them all at :meth:`commit` or drops them all. What it stages is the same whatever
the store:

- a folder: the version it was read at (``None`` for a new folder) and the folder to store;
  a second save in the same unit keeps the version first read;
- an account: the ledger length it was read at (``None`` for a new account) and the working
  copy; only the accounts added or saved are written at commit;
- a seat: per session and folder, taken (``True``) or given back (``False``); the last word
  wins, and a change that matches what is stored is a no-op at commit (seats are idempotent
  per folder);
- a holder, a review, a consent request (:class:`StagedRecords`): the version it was read at
  (``None`` for a new one) and the record to store; each saved record's version moves on by
  one, and a record must be read in the unit before it is saved, so that the version checked
  at commit is the one the change was based on.

:class:`StagingUnitOfWork` holds that state and the repositories over it
(:class:`StagedBookings`, :class:`StagedAccounts`, :class:`StagedCatalog`); each adapter
subclasses it and says how to read its store (:meth:`~StagingUnitOfWork._stored_booking`,
:meth:`~StagingUnitOfWork._stored_bookings`, :meth:`~StagingUnitOfWork._stored_account`,
:meth:`~StagingUnitOfWork._stored_seat_holders`, :meth:`~StagingUnitOfWork._catalog_index`)
and how to commit.
"""

from __future__ import annotations

import abc
import functools
import json
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar

import attrs

from formation.accounts import Account
from formation.adapters.documents import CODEC
from formation.bookings import Booking, BookingStatus
from formation.calendar.business_days import BusinessCalendar
from formation.calendar.territories import Territory
from formation.catalog.offers import Offer, Session
from formation.catalog.search import CatalogIndex
from formation.consent import ConsentRequest
from formation.errors import (
    DuplicateEntry,
    FormationError,
    InvalidValue,
    NotFound,
    RuleViolation,
    StorageError,
    Violation,
)
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
from formation.ports import SESSION_FULL
from formation.reviews import Review
from formation.rules.rulebook import Rulebook

__all__ = [
    "CONSENTS",
    "DurableUnitOfWork",
    "HOLDERS",
    "KINDS",
    "REVIEWS",
    "RecordKind",
    "StagedAccounts",
    "StagedBookings",
    "StagedCatalog",
    "StagedConsents",
    "StagedHolders",
    "StagedRecords",
    "StagedReviews",
    "StagingUnitOfWork",
    "StoreReads",
    "calendar_from_data",
    "catalog_changes",
    "check_rules",
    "index_catalog_changes",
    "kept_setting",
    "record_id",
    "rulebook_from_data",
    "session_full",
    "setting_data",
]

_Unit = TypeVar("_Unit", bound="StagingUnitOfWork")
R = TypeVar("R", Holder, Review, ConsentRequest)


@attrs.frozen
class RecordKind(Generic[R]):
    """A kind of versioned record a store keeps by id, beside folders and accounts.

    Attributes:
        name: its name in the store (``"holders"``), the key of its staged records.
        noun: how messages name one (``"holder"``).
        record: its class.
        filters: the fields ``find`` may filter on (each stored in a column of its own).
        fixed: the fields a save may not change (a review stays about its folder and offer).
    """

    name: str
    noun: str
    record: type[R]
    filters: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()


HOLDERS: RecordKind[Holder] = RecordKind("holders", "holder", Holder)
REVIEWS: RecordKind[Review] = RecordKind(
    "reviews", "review", Review, filters=("booking_id", "offer_id", "holder_id"),
    fixed=("booking_id", "holder_id", "offer_id", "organism"))
CONSENTS: RecordKind[ConsentRequest] = RecordKind(
    "consents", "consent request", ConsentRequest, filters=("holder_id", "employer_id"),
    fixed=("holder_id", "employer_id"))
KINDS: tuple[RecordKind[Holder] | RecordKind[Review] | RecordKind[ConsentRequest], ...] = (
    HOLDERS, REVIEWS, CONSENTS)
"""Every kind of versioned record, in the order a commit writes them."""


class StagedRecords(Generic[R]):
    """Versioned records of one kind in a unit of work: the staged ones first, then the
    store's; the version each was read at is remembered for the check at commit."""

    def __init__(self, uow: StagingUnitOfWork, kind: RecordKind[R]) -> None:
        self._uow = uow
        self._kind: RecordKind[R] = kind
        # id -> (version read, or None for a new record; the record to store)
        self._staged: dict[str, tuple[int | None, R]] = {}
        self._read: dict[str, tuple[int, R]] = {}

    def _get(self, key: str) -> R:
        staged = self._staged.get(key)
        if staged is not None:
            return staged[1]
        read = self._read.get(key)
        if read is None:
            found = self._uow._stored_record(self._kind, key)
            if found is None:
                raise NotFound(f"no {self._kind.noun} {key!r}")
            read = self._read[key] = found
        return read[1]

    def version(self, key: str) -> int:
        """The version the record was read at (0 for one added in this unit).

        Raises:
            NotFound: no such record.
        """
        self._get(key)
        staged = self._staged.get(key)
        if staged is not None and staged[0] is None:
            return 0
        return self._read[key][0]

    def _check(self, record: object) -> R:
        if not isinstance(record, self._kind.record):
            raise InvalidValue(f"a {self._kind.noun} repository stores "
                               f"{self._kind.record.__name__} records, got {record!r}")
        return record

    def _add(self, key: str, record: R) -> None:
        self._check(record)
        _text_id(key, f"a {self._kind.noun} id")
        if key in self._staged or key in self._read or \
                self._uow._stored_record(self._kind, key) is not None:
            raise DuplicateEntry(f"{self._kind.noun} {key!r} already exists")
        self._staged[key] = (None, record)

    def _save(self, key: str, record: R) -> None:
        self._check(record)
        staged = self._staged.get(key)
        if staged is not None and staged[0] is None:
            base = staged[1]
        elif key in self._read:
            base = self._read[key][1]
        else:
            raise InvalidValue(f"read {self._kind.noun} {key!r} with get() in this unit of "
                               "work before saving it (its version is checked at commit)")
        for name in self._kind.fixed:
            if getattr(record, name) != getattr(base, name):
                raise InvalidValue(f"a saved {self._kind.noun} keeps its {name} "
                                   f"({getattr(base, name)!r}), got {getattr(record, name)!r}")
        read = None if staged is not None and staged[0] is None else self._read[key][0]
        self._staged[key] = (read, record)

    def _find(self, filters: dict[str, str | None]) -> tuple[tuple[str, R], ...]:
        wanted = {name: value for name, value in filters.items() if value is not None}
        found = dict(self._uow._stored_records(self._kind, wanted))
        for key, (_, record) in self._staged.items():
            if all(getattr(record, name) == value for name, value in wanted.items()):
                found[key] = record
            else:
                found.pop(key, None)
        return tuple((key, found[key]) for key in sorted(found))


class StagedHolders(StagedRecords[Holder]):
    """The holders of a unit of work, by holder id."""

    def __init__(self, uow: StagingUnitOfWork) -> None:
        super().__init__(uow, HOLDERS)

    def get(self, holder_id: HolderId) -> Holder:
        return self._get(holder_id)

    def add(self, holder: Holder) -> None:
        self._add(self._check(holder).holder_id, holder)

    def save(self, holder: Holder) -> None:
        self._save(self._check(holder).holder_id, holder)


class StagedReviews(StagedRecords[Review]):
    """The reviews of a unit of work, by review id; one review per folder."""

    def __init__(self, uow: StagingUnitOfWork) -> None:
        super().__init__(uow, REVIEWS)

    def get(self, review_id: ReviewId) -> Review:
        return self._get(review_id)

    def add(self, review: Review) -> None:
        review = self._check(review)
        if self.for_folder(review.booking_id) is not None:
            raise DuplicateEntry(f"folder {review.booking_id!r} has a review already")
        self._add(review.review_id, review)

    def save(self, review: Review) -> None:
        self._save(self._check(review).review_id, review)

    def for_folder(self, booking_id: BookingId) -> Review | None:
        found = self._find({"booking_id": booking_id})
        if found:
            self._read_too(found[0][0])
            return found[0][1]
        return None

    def find(self, *, offer_id: OfferId | None = None,
             holder_id: HolderId | None = None) -> tuple[Review, ...]:
        return tuple(review for _, review in
                     self._find({"offer_id": offer_id, "holder_id": holder_id}))

    def _read_too(self, key: str) -> None:
        """Remember the version of a review found, so that it can be saved."""
        self._get(key)


class StagedConsents(StagedRecords[ConsentRequest]):
    """The employer consent requests of a unit of work, by the id the caller gives."""

    def __init__(self, uow: StagingUnitOfWork) -> None:
        super().__init__(uow, CONSENTS)

    def get(self, consent_id: ConsentId) -> ConsentRequest:
        return self._get(consent_id)

    def add(self, consent_id: ConsentId, request: ConsentRequest) -> None:
        self._add(consent_id, request)

    def save(self, consent_id: ConsentId, request: ConsentRequest) -> None:
        self._save(consent_id, request)

    def find(self, *, holder_id: HolderId | None = None,
             employer_id: str | None = None) -> tuple[tuple[ConsentId, ConsentRequest], ...]:
        return tuple((ConsentId(key), request) for key, request in
                     self._find({"holder_id": holder_id, "employer_id": employer_id}))


class StagedBookings:
    """The folders of a unit of work: the staged ones first, then the store's."""

    def __init__(self, uow: StagingUnitOfWork) -> None:
        self._uow = uow

    def get(self, booking_id: BookingId) -> Booking:
        staged = self._uow._staged_bookings.get(booking_id)
        if staged is not None:
            return staged[1]
        found = self._uow._stored_booking(booking_id)
        if found is None:
            raise NotFound(f"no folder {booking_id!r}")
        return found

    def add(self, booking: Booking) -> None:
        if not isinstance(booking, Booking):
            raise InvalidValue(f"a folder repository stores Booking records, got {booking!r}")
        if booking.version != 0:
            raise InvalidValue(f"a new folder has version 0, got {booking.version}")
        if booking.booking_id in self._uow._staged_bookings or \
                self._uow._stored_booking(booking.booking_id) is not None:
            raise DuplicateEntry(f"folder {booking.booking_id!r} already exists")
        self._uow._staged_bookings[booking.booking_id] = (None, booking)

    def save(self, booking: Booking) -> None:
        if not isinstance(booking, Booking):
            raise InvalidValue(f"a folder repository stores Booking records, got {booking!r}")
        staged = self._uow._staged_bookings.get(booking.booking_id)
        # a second change in the same unit: keep the version first read
        read = staged[0] if staged is not None else booking.version
        self._uow._staged_bookings[booking.booking_id] = (read, booking)

    def find(self, *, statuses: Iterable[BookingStatus] | None = None,
             holder_id: HolderId | None = None, organism_id: OrganismId | None = None,
             limit: int | None = None, after: BookingId | None = None) -> tuple[Booking, ...]:
        wanted = frozenset(statuses) if statuses is not None else None
        if wanted is not None and not all(isinstance(s, BookingStatus) for s in wanted):
            raise InvalidValue(f"statuses are BookingStatus members, got {sorted(map(str, wanted))}")
        if limit is not None and (type(limit) is not int or limit < 1):
            raise InvalidValue(f"limit must be a positive int or None, got {limit!r}")
        if after is not None and not isinstance(after, str):
            raise InvalidValue(f"after must be a folder id (the last of the previous page) or "
                               f"None, got {after!r}")
        staged = self._uow._staged_bookings
        # a staged change may take a stored folder out of the page: read that many more
        more = None if limit is None else limit + len(staged)
        found: dict[str, Booking] = {
            b.booking_id: b for b in self._uow._stored_bookings(
                wanted, holder_id, organism_id, after, more)}
        for booking_id, (_, booking) in staged.items():
            if (wanted is None or booking.status in wanted) and \
                    (holder_id is None or booking.holder_id == holder_id) and \
                    (organism_id is None or booking.organism_id == organism_id) and \
                    (after is None or booking_id > after):
                found[booking_id] = booking
            else:
                found.pop(booking_id, None)
        # the stored folders not read come after at least ``limit`` read ones that stay
        ordered = sorted(found)[:limit]
        return tuple(found[k] for k in ordered)


class StagedAccounts:
    """The accounts of a unit of work: each read once, then the same working copy."""

    def __init__(self, uow: StagingUnitOfWork) -> None:
        self._uow = uow

    def get(self, account_id: AccountId) -> Account:
        loaded = self._uow._loaded_accounts.get(account_id)
        if loaded is not None:
            return loaded[1]
        account = self._uow._stored_account(account_id)
        if account is None:
            raise NotFound(f"no account {account_id!r}")
        self._uow._loaded_accounts[account_id] = (account.version, account)
        return account

    def add(self, account: Account) -> None:
        if not isinstance(account, Account):
            raise InvalidValue(f"an account repository stores Account objects, got {account!r}")
        if account.account_id in self._uow._loaded_accounts or \
                self._uow._stored_account(account.account_id) is not None:
            raise DuplicateEntry(f"account {account.account_id!r} already exists")
        self._uow._loaded_accounts[account.account_id] = (None, account)
        self._uow._saved_accounts.add(account.account_id)

    def save(self, account: Account) -> None:
        loaded = self._uow._loaded_accounts.get(account.account_id)
        if loaded is None or loaded[1] is not account:
            raise InvalidValue(
                f"save the account object read with get() in this unit of work "
                f"({account.account_id!r})")
        self._uow._saved_accounts.add(account.account_id)


def session_full(session_id: str, taken: int, offered: int | None) -> RuleViolation:
    """The refusal of a seat in a session whose ``taken`` seats are all it ``offered``."""
    return RuleViolation([Violation(
        SESSION_FULL,
        f"session {session_id} has no seat left: {taken} taken of {offered} offered",
        str(session_id))])


def catalog_changes(offers: Iterable[Offer],
                    sessions: Iterable[Session]) -> tuple[list[Offer], list[Session]]:
    """The offers and sessions of a ``save_catalog`` call, checked, the last of each id kept.

    Raises:
        InvalidValue: a value that is not an offer (a session).
    """
    by_offer: dict[str, Offer] = {}
    by_session: dict[str, Session] = {}
    for offer in offers:
        if not isinstance(offer, Offer):
            raise InvalidValue(f"save_catalog takes Offer and Session records, got {offer!r}")
        by_offer[offer.offer_id] = offer
    for session in sessions:
        if not isinstance(session, Session):
            raise InvalidValue(f"save_catalog takes Offer and Session records, got {session!r}")
        by_session[session.session_id] = session
    return list(by_offer.values()), list(by_session.values())


def index_catalog_changes(index: CatalogIndex, offers: list[Offer],
                          sessions: list[Session]) -> None:
    """Bring ``index`` up to date with saved offers and sessions, in place: the new ones added,
    the others replaced (an offer keeps its sessions and its rating)."""
    def indexed(find: Callable[[], object]) -> bool:
        try:
            find()
        except NotFound:
            return False
        return True

    known_offers = {o.offer_id for o in offers
                    if indexed(functools.partial(index.offer, o.offer_id))}
    known_sessions = {s.session_id for s in sessions
                      if indexed(functools.partial(index.session, s.session_id))}
    index.add([o for o in offers if o.offer_id not in known_offers],
              [s for s in sessions if s.session_id not in known_sessions])
    index.replace([o for o in offers if o.offer_id in known_offers],
                  [s for s in sessions if s.session_id in known_sessions])


def check_rules(rulebook: object, calendar: object) -> tuple[Rulebook, BusinessCalendar]:
    """The rules a store is made with: ``None`` is the default rulebook (calendar).

    Raises:
        InvalidValue: not a ``Rulebook`` (a ``BusinessCalendar``).
    """
    if rulebook is None:
        rulebook = Rulebook.default()
    if not isinstance(rulebook, Rulebook):
        raise InvalidValue(f"rulebook must be a Rulebook or None, got {rulebook!r}")
    if calendar is None:
        calendar = BusinessCalendar()
    if not isinstance(calendar, BusinessCalendar):
        raise InvalidValue(f"calendar must be a BusinessCalendar or None, got {calendar!r}")
    return rulebook, calendar


def _text_id(value: object, what: str) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidValue(f"{what} must be a non-empty string, got {value!r}")


class StagedCatalog:
    """The catalogue of a unit of work: the store's offers and sessions, the seats staged."""

    def __init__(self, uow: StagingUnitOfWork) -> None:
        self._uow = uow

    def offer(self, offer_id: OfferId) -> Offer:
        try:
            return self._uow._catalog_index().offer(offer_id)
        except NotFound:
            raise NotFound(f"no offer {offer_id!r} in the stored catalogue") from None

    def session(self, session_id: SessionId) -> Session:
        try:
            return self._uow._catalog_index().session(session_id)
        except NotFound:
            raise NotFound(f"no session {session_id!r} in the stored catalogue") from None

    def seat_holders(self, session_id: SessionId) -> frozenset[BookingId]:
        _text_id(session_id, "a session id")
        holders = set(self._uow._stored_seat_holders(session_id))
        for (session, booking_id), taken in self._uow._staged_seats.items():
            if session == session_id:
                if taken:
                    holders.add(BookingId(booking_id))
                else:
                    holders.discard(BookingId(booking_id))
        return frozenset(holders)

    def seats_taken(self, session_id: SessionId) -> int:
        return len(self.seat_holders(session_id))

    def take_seat(self, session_id: SessionId, booking_id: BookingId) -> None:
        _text_id(booking_id, "a folder id")
        session = self.session(session_id)
        holders = self.seat_holders(session_id)
        if booking_id in holders:
            return
        if session.seats is not None and len(holders) >= session.seats:
            raise session_full(session.session_id, len(holders), session.seats)
        self._uow._staged_seats[(session_id, booking_id)] = True

    def give_back_seat(self, session_id: SessionId, booking_id: BookingId) -> None:
        _text_id(session_id, "a session id")
        _text_id(booking_id, "a folder id")
        if booking_id in self.seat_holders(session_id):  # else: nothing to give back
            self._uow._staged_seats[(session_id, booking_id)] = False


class StagingUnitOfWork(abc.ABC):
    """What a unit of work staged; a store's unit of work adds how to read and to commit."""

    def __init__(self) -> None:
        # booking id -> (version read, or None for a new folder; the folder to store)
        self._staged_bookings: dict[str, tuple[int | None, Booking]] = {}
        # account id -> (ledger length read, or None for a new account; the working copy)
        self._loaded_accounts: dict[str, tuple[int | None, Account]] = {}
        self._saved_accounts: set[str] = set()
        # (session id, booking id) -> True: the folder takes a seat; False: gives it back
        self._staged_seats: dict[tuple[str, str], bool] = {}
        self._bookings = StagedBookings(self)
        self._accounts = StagedAccounts(self)
        self._catalog = StagedCatalog(self)
        self._holders = StagedHolders(self)
        self._reviews = StagedReviews(self)
        self._consents = StagedConsents(self)
        self.committed = False

    @property
    def bookings(self) -> StagedBookings:
        """The folders."""
        return self._bookings

    @property
    def accounts(self) -> StagedAccounts:
        """The accounts."""
        return self._accounts

    @property
    def catalog(self) -> StagedCatalog:
        """The catalogue and the seats taken."""
        return self._catalog

    @property
    def holders(self) -> StagedHolders:
        """The holders with their dated statuses."""
        return self._holders

    @property
    def reviews(self) -> StagedReviews:
        """The reviews, with their corrections."""
        return self._reviews

    @property
    def consents(self) -> StagedConsents:
        """The employer consent requests."""
        return self._consents

    def _staged_records(self) -> Iterator[tuple[RecordKind[Any], str, int | None, object]]:
        """Every staged holder, review and consent request: (kind, id, version read, record),
        kind by kind, by id."""
        for kind, staged in ((HOLDERS, self._holders._staged),
                             (REVIEWS, self._reviews._staged),
                             (CONSENTS, self._consents._staged)):
            for key in sorted(staged):
                read, record = staged[key]
                yield kind, key, read, record

    def _seat_changes(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """The staged seats, by session: the folders taking one, the folders giving one back."""
        takes: dict[str, set[str]] = {}
        returns: dict[str, set[str]] = {}
        for (session_id, booking_id), taken in self._staged_seats.items():
            (takes if taken else returns).setdefault(session_id, set()).add(booking_id)
        return takes, returns

    def __enter__(self: _Unit) -> _Unit:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.rollback()

    def rollback(self) -> None:
        """Drop everything staged (reads are forgotten too)."""
        self._staged_bookings.clear()
        self._loaded_accounts.clear()
        self._saved_accounts.clear()
        self._staged_seats.clear()
        for records in (self._holders, self._reviews, self._consents):
            records._staged.clear()
            records._read.clear()

    @abc.abstractmethod
    def commit(self) -> None:
        """Apply everything staged, all or nothing."""

    @abc.abstractmethod
    def _stored_booking(self, booking_id: str) -> Booking | None:
        """The stored folder, or ``None`` if there is none."""

    @abc.abstractmethod
    def _stored_bookings(self, statuses: frozenset[BookingStatus] | None,
                         holder_id: str | None, organism_id: str | None = None,
                         after: str | None = None,
                         limit: int | None = None) -> Iterable[Booking]:
        """The stored folders in those states, of that holder and organism (``None``: any),
        by id: the first ``limit`` (``None``: all) after the id ``after``."""

    @abc.abstractmethod
    def _stored_account(self, account_id: str) -> Account | None:
        """A private copy of the stored account, or ``None`` if there is none."""

    @abc.abstractmethod
    def _stored_seat_holders(self, session_id: str) -> frozenset[BookingId]:
        """The folders holding a seat of the session, as stored."""

    @abc.abstractmethod
    def _catalog_index(self) -> CatalogIndex:
        """The index of the stored catalogue."""

    @abc.abstractmethod
    def _stored_record(self, kind: RecordKind[R], key: str) -> tuple[int, R] | None:
        """The stored record of that kind and id with its version, or ``None``."""

    @abc.abstractmethod
    def _stored_records(self, kind: RecordKind[R],
                        filters: dict[str, str]) -> Iterable[tuple[str, R]]:
        """The stored records of that kind whose fields have those values, with their ids."""


# -- what the durable stores (SQLite, PostgreSQL) share ----------------------------------------

def record_id(kind: RecordKind[Any], key: str, record: object) -> str:
    """The id a record carries itself (a consent request carries none: its key)."""
    if isinstance(record, Holder):
        return record.holder_id
    if isinstance(record, Review):
        return record.review_id
    return key


def setting_data(value: Rulebook | BusinessCalendar) -> object:
    """The data a store keeps one of its rules as: a codec document for a rulebook."""
    if isinstance(value, BusinessCalendar):
        return {"territory": value.territory.value,
                "worked_holidays": sorted(value.worked_holidays)}
    return CODEC.encode(value)


_Kept = TypeVar("_Kept", Rulebook, BusinessCalendar)


def kept_setting(where: str, name: str, wanted: _Kept | None, default: _Kept,
                 decode: Callable[[object], _Kept], stored: str | None) -> _Kept:
    """The rulebook (calendar) a store works under: the one it keeps (``stored``, its JSON
    text), else the one given, else the default; another one than it keeps is refused.

    Raises:
        StorageError: the kept one cannot be read, or another one was given.
    """
    if stored is None:
        return default if wanted is None else wanted
    try:
        kept = decode(json.loads(stored))
    except (ValueError, TypeError, FormationError) as error:
        raise StorageError(f"{where}: the stored {name} cannot be read ({error})") from None
    if wanted is not None and wanted != kept:
        raise StorageError(
            f"{where} keeps its own {name}, and another one was given: open it without "
            f"{name}= (or with the {name} it keeps); nothing was changed")
    return kept


def rulebook_from_data(data: object) -> Rulebook:
    """The rulebook a store keeps (:func:`setting_data`)."""
    return CODEC.decode(data, Rulebook)


def calendar_from_data(data: object) -> BusinessCalendar:
    """The calendar a store keeps (:func:`setting_data`)."""
    if not isinstance(data, dict) or set(data) != {"territory", "worked_holidays"} or \
            not isinstance(data["worked_holidays"], list):
        raise InvalidValue(f"a calendar is {{'territory': ..., 'worked_holidays': [...]}}, "
                           f"got {data!r}")
    return BusinessCalendar(Territory(data["territory"]),
                            worked_holidays=frozenset(data["worked_holidays"]))


class StoreReads(Protocol):
    """How a durable store reads what its units of work ask for."""

    @property
    def catalog(self) -> CatalogIndex: ...

    def _booking(self, booking_id: str) -> Booking | None: ...

    def _find(self, statuses: frozenset[BookingStatus] | None, holder_id: str | None,
              organism_id: str | None = None, after: str | None = None,
              limit: int | None = None) -> list[Booking]: ...

    def _account(self, account_id: str) -> Account | None: ...

    def _seat_holders(self, session_id: str) -> frozenset[BookingId]: ...

    def _record(self, kind: RecordKind[R], key: str) -> tuple[int, R] | None: ...

    def _find_records(self, kind: RecordKind[R],
                      filters: dict[str, str]) -> list[tuple[str, R]]: ...


class DurableUnitOfWork(StagingUnitOfWork):
    """A unit of work whose reads go to a durable store (:class:`StoreReads`); each adapter
    writes its own :meth:`commit`."""

    def __init__(self, reads: StoreReads) -> None:
        self._reads = reads
        super().__init__()

    def _stored_booking(self, booking_id: str) -> Booking | None:
        return self._reads._booking(booking_id)

    def _stored_bookings(self, statuses: frozenset[BookingStatus] | None,
                         holder_id: str | None, organism_id: str | None = None,
                         after: str | None = None, limit: int | None = None) -> list[Booking]:
        return self._reads._find(statuses, holder_id, organism_id, after, limit)

    def _stored_account(self, account_id: str) -> Account | None:
        return self._reads._account(account_id)

    def _stored_seat_holders(self, session_id: str) -> frozenset[BookingId]:
        return self._reads._seat_holders(session_id)

    def _catalog_index(self) -> CatalogIndex:
        return self._reads.catalog

    def _stored_record(self, kind: RecordKind[R], key: str) -> tuple[int, R] | None:
        return self._reads._record(kind, key)

    def _stored_records(self, kind: RecordKind[R],
                        filters: dict[str, str]) -> list[tuple[str, R]]:
        return self._reads._find_records(kind, filters)
