"""The credit ledger of a CPF account: append-only entries and their fold, kept incrementally.

Every movement of money on a CPF account is an :class:`Entry`: a yearly credit of rights, the
conversion of hours into euros on 1 January 2019, the DIF hours a holder entered, a top-up
(*abondement*) from a funder, a hold for a pending booking, its release, the debit at training
entry, a refund, a correction. Entries are never edited: a correction is a new entry. Each entry
carries an identifier chosen by the caller, so appending the same entry twice is a no-op
(idempotent replays), while another entry under a used identifier is :class:`DuplicateEntry`.

The balance (:class:`Balance`) is the fold of the entries effective on a day: ``rights`` (the
euros credited by work, conversion and DIF, less debits, plus refunds and corrections),
``top_ups`` (what is left of the funders' money), ``held`` (what pending bookings hold) and
``available = rights + top_ups - held``. Sources: ``cpf-rules.md`` sections 1 to 3 (Code du
travail L6323-4, L6323-11, R6323-1 to R6323-3).

Design: an append-only aggregate with an incrementally kept fold
------------------------------------------------------------------------
A :class:`Ledger` is the one mutable object of the core, on purpose. An immutable ledger that
copies itself on every append costs O(n) per append: with a million entries that is far from the
200 000 appends a second we want. So, as in event-sourced aggregates, the ledger only grows:

* entries are frozen records and are never edited nor removed;
* ``version`` counts the entries and grows by one per entry appended; ``expected_version``
  makes an append fail with :class:`ConflictError` when someone else appended first;
* an append that fails (a duplicate id, a hold above the available credit, a stale version)
  leaves the ledger exactly as it was, for one entry and for a batch (:meth:`Ledger.extend` is
  all or nothing);
* the rules that produce entries (accrual, DIF, conversion) are pure functions elsewhere
  (:mod:`formation.accrual`).

The fold is kept incrementally: running totals answer the current balance in O(1); per-day
totals over a sorted list of effective days, with prefix sums, answer a balance *as of* any
date with one binary search. Appends in date order extend the prefix sums in O(1); a back-dated
entry (a credit posted for a past day, a correction) marks the prefix sums stale from its day
on, and the next dated query rebuilds them once (O(days), not O(entries)). So
``balance(as_of=day)`` is always the fold of exactly the entries effective on or before ``day``.

Money never appears nor disappears: holds, releases, debits, refunds and negative corrections
are checked against the money of their source (the rights, or one given top-up) and a booking
can only release what it holds and get back what it was debited. Those "spending" movements of
one source must come in date order (a credit may be back-dated freely): then no balance, on any
date, ever has ``available`` below zero.

What each kind of entry does is written once, in :data:`MEANINGS` (a :class:`Meaning` per
:class:`EntryKind`: the balance component it moves and in which direction, whether it spends
money in date order, which tally of its booking it changes): :meth:`Ledger.append` checks and
applies an entry from it, :func:`fold` sums entries with it (:func:`effect`), the rollback of a
failed batch runs the application backwards from it, and a store's bulk import replays each
account through :meth:`Ledger.extend`. The shape of an entry (which kinds name a booking, move
hours, are earmarked) is checked once, by the record itself.

Hours (2015-2018) are kept beside the euros: :meth:`Ledger.hours` gives the CPF and DIF hours
not yet converted on a day.
"""

from __future__ import annotations

import enum
from bisect import bisect_right, insort
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from fractions import Fraction

import attrs

from formation.calendar.instants import check_date
from formation.errors import ConflictError, DuplicateEntry, InsufficientCredit, InvalidValue
from formation.ids import BookingId, EntryId, OfferId
from formation.money import Euros
from formation.rules.funders import Funder
from formation.topups import TopUp, _strings

__all__ = [
    "Balance",
    "Entry",
    "EntryKind",
    "HoursBalance",
    "Ledger",
    "MEANINGS",
    "Meaning",
    "Source",
    "Spending",
    "Tally",
    "effect",
    "fold",
]


@enum.unique
class Source(enum.Enum):
    """Where euros of rights come from (a top-up's source is its :class:`Funder`)."""

    RIGHTS = "droits"  # rights earned by work (and hours converted), the holder's own CPF money
    DIF = "dif"  # hours of the former droit individuel à la formation, entered by the holder


@enum.unique
class EntryKind(enum.Enum):
    """What an entry records."""

    ANNUAL_CREDIT = "annual-credit"  # the rights earned for one year of work (euro era)
    HOURS_CREDIT = "hours-credit"  # the hours earned for one year of work (2015-2018)
    HOURS_CONVERSION = "hours-conversion"  # hours turned into euros (15 € an hour, 2019-01-01)
    DIF = "dif"  # DIF hours entered by the holder (then converted into euros)
    TOP_UP = "top-up"  # a funder's money (abondement), outside the ceiling
    CORRECTIVE_TOP_UP = "corrective-top-up"  # the employer's corrective 3 000 € (L6315-1)
    HOLD = "hold"  # money set aside for a pending booking
    RELEASE = "release"  # a hold given back (withdrawal, cancellation, or at the debit)
    DEBIT = "debit"  # money spent on a booking (training entry, late cancellation)
    REFUND = "refund"  # money a booking gives back after a debit
    CORRECTION = "correction"  # a signed adjustment of rights or of a top-up, never an edit

    @property
    def is_credit(self) -> bool:
        """Whether it adds money to the rights or creates a top-up."""
        return _BY_VALUE[self._value_].credit

    @property
    def is_top_up(self) -> bool:
        """Whether it creates a top-up."""
        return _BY_VALUE[self._value_].top_up

    @property
    def needs_booking(self) -> bool:
        """Whether it moves money for a booking (hold, release, debit, refund)."""
        return _BY_VALUE[self._value_].tally is not None


# The components of a balance, in cents: the rights, the top-ups, and what bookings hold of each.
_RIGHTS, _TOP_UPS, _HELD_RIGHTS, _HELD_TOP_UPS = range(4)


@enum.unique
class Spending(enum.Enum):
    """Whether an entry is a spending movement of its money, to be dated in order."""

    NEVER = "never"  # a credit: it may be back-dated
    ALWAYS = "always"  # a hold, release, debit or refund
    WHEN_TAKING = "when taking"  # a correction: only a negative one spends


@enum.unique
class Tally(enum.Enum):
    """The money a booking holds, or was debited and not refunded, per source."""

    HELD = "it holds of"
    DEBITED = "was debited of"


@attrs.frozen
class Meaning:
    """What one kind of entry does to a ledger: defined once, for every kind, in :data:`MEANINGS`.

    Appending (its checks and its effect), the fold, the rollback of a failed batch and a
    store's bulk import all read this table: no other code tells the kinds apart by their
    effect.

    Attributes:
        on_rights: the balance component its amount changes when it moves the rights.
        on_top_up: the component it changes when it moves a top-up's money (or creates one).
        sign: ``+1`` when it adds its amount to that component, ``-1`` when it takes it.
        credit: whether it adds money (or hours) and may be back-dated (a top-up is one).
        top_up: whether it creates a top-up (its own pot of money).
        hours: whether it moves hours (the hours era: credits, DIF hours, the conversion).
        order: whether it is a spending movement, dated in order with the others of its money.
        tally: the tally of its booking it changes (``None``: it names no booking's money).
        tally_sign: ``+1`` when it adds to that tally, ``-1`` when it gives back from it (then
            it can give back no more than the tally holds).
    """

    on_rights: int
    on_top_up: int
    sign: int
    credit: bool = False
    top_up: bool = False
    hours: bool = False
    order: Spending = Spending.ALWAYS
    tally: Tally | None = None
    tally_sign: int = 0


_ADDS_RIGHTS = Meaning(_RIGHTS, _TOP_UPS, 1, credit=True, order=Spending.NEVER)
MEANINGS: dict[EntryKind, Meaning] = {
    EntryKind.ANNUAL_CREDIT: _ADDS_RIGHTS,
    EntryKind.HOURS_CREDIT: attrs.evolve(_ADDS_RIGHTS, hours=True),
    EntryKind.HOURS_CONVERSION: attrs.evolve(_ADDS_RIGHTS, hours=True),
    EntryKind.DIF: attrs.evolve(_ADDS_RIGHTS, hours=True),
    EntryKind.TOP_UP: Meaning(_TOP_UPS, _TOP_UPS, 1, credit=True, top_up=True,
                              order=Spending.NEVER),
    EntryKind.CORRECTIVE_TOP_UP: Meaning(_TOP_UPS, _TOP_UPS, 1, credit=True, top_up=True,
                                         order=Spending.NEVER),
    EntryKind.HOLD: Meaning(_HELD_RIGHTS, _HELD_TOP_UPS, 1, tally=Tally.HELD, tally_sign=1),
    EntryKind.RELEASE: Meaning(_HELD_RIGHTS, _HELD_TOP_UPS, -1, tally=Tally.HELD,
                               tally_sign=-1),
    EntryKind.DEBIT: Meaning(_RIGHTS, _TOP_UPS, -1, tally=Tally.DEBITED, tally_sign=1),
    EntryKind.REFUND: Meaning(_RIGHTS, _TOP_UPS, 1, tally=Tally.DEBITED, tally_sign=-1),
    EntryKind.CORRECTION: Meaning(_RIGHTS, _TOP_UPS, 1, order=Spending.WHEN_TAKING),
}
"""Each kind's :class:`Meaning` (``cpf-rules.md`` sections 1 to 3)."""
# The append path reads the table by the kind's string value (cheap to hash), each meaning
# unpacked once into a tuple: (on_rights, on_top_up, sign, credit, order, tally, tally_sign).
_BY_VALUE: dict[str, Meaning] = {kind.value: meaning for kind, meaning in MEANINGS.items()}
_NEVER, _ALWAYS, _WHEN_TAKING = Spending.NEVER, Spending.ALWAYS, Spending.WHEN_TAKING
_UNPACKED: dict[str, tuple[int, int, int, bool, Spending, Tally | None, int]] = {
    value: (m.on_rights, m.on_top_up, m.sign, m.credit, m.order, m.tally, m.tally_sign)
    for value, m in _BY_VALUE.items()
}
_CONVERSION_V = EntryKind.HOURS_CONVERSION.value


def effect(entry: Entry) -> tuple[int, int]:
    """The balance component an entry changes and by how many cents (from :data:`MEANINGS`)."""
    on_rights, on_top_up, sign, _, _, _, _ = _UNPACKED[entry.kind._value_]
    cents = entry.amount.cents
    return (on_rights if entry.top_up is None else on_top_up), (cents if sign > 0 else -cents)


_NO_HOURS = Fraction(0)
_NO_IDS: frozenset[str] = frozenset()


def _ids(value: object) -> frozenset[str]:
    """Identifiers checked as a top-up's earmarks are; a valid frozenset is kept as it is."""
    if value is _NO_IDS:
        return _NO_IDS
    if isinstance(value, frozenset) and all(isinstance(v, str) and v for v in value):
        return value
    return _strings(value)


def _hours(value: object) -> Fraction:
    if type(value) is Fraction:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    raise InvalidValue(f"hours must be an int or a Fraction, got {type(value).__name__} {value!r}")


@attrs.frozen(repr=False)
class Entry:
    """One movement of an account, immutable.

    Attributes:
        entry_id: the caller's identifier; the same entry appended twice is a no-op.
        kind: what it records.
        amount: euros, never negative except for a ``CORRECTION`` (signed, never zero).
        effective: the day it takes effect (the balance as of a day counts it from that day).
        source: where the money comes from: :attr:`Source.RIGHTS`, :attr:`Source.DIF`, or the
            :class:`Funder` of a top-up.
        top_up: for a movement of top-up money (hold, release, debit, refund, correction), the
            ``entry_id`` of the top-up it draws on; ``None`` otherwise.
        booking: the booking a hold, release, debit or refund is for.
        year: the year of work a credit is for.
        hours: the change of the hours not yet converted (hours era): positive for an hours
            credit or DIF hours entered before 2019, negative for a conversion, else 0.
        earmarked_offers: for a top-up, the only offers it may pay for (empty: any).
        earmarked_certifications: for a top-up, the only certification codes it may pay for.
        note: a free explanation (how a credit was computed, why a correction was made).
    """

    entry_id: EntryId
    kind: EntryKind
    amount: Euros
    effective: date
    source: Source | Funder = Source.RIGHTS
    top_up: EntryId | None = None
    booking: BookingId | None = None
    year: int | None = None
    hours: Fraction = attrs.field(default=_NO_HOURS, converter=_hours)
    earmarked_offers: frozenset[OfferId] = attrs.field(default=_NO_IDS, converter=_ids)
    earmarked_certifications: frozenset[str] = attrs.field(default=_NO_IDS, converter=_ids)
    note: str = ""

    def __attrs_post_init__(self) -> None:
        problem = _entry_problem(self)
        if problem:
            raise InvalidValue(f"entry {self.entry_id!r} ({self.kind}): {problem}")

    def __repr__(self) -> str:
        # the four fields every entry has, then only those that differ from their default
        shown = [repr(self.entry_id), str(self.kind), repr(self.amount), repr(self.effective)]
        for field in _OPTIONAL_FIELDS:
            value = getattr(self, field.name)
            if value != field.default:
                shown.append(f"{field.name}={value!r}")
        return f"Entry({', '.join(shown)})"

    @property
    def pot(self) -> EntryId | None:
        """The money it moves: ``None`` for the rights, else the top-up's entry id."""
        if self.kind.is_top_up:
            return self.entry_id
        return self.top_up

    def as_top_up(self, amount: Euros | None = None) -> TopUp:
        """This top-up entry as a :class:`TopUp` (``amount`` defaults to the entry's)."""
        if not self.kind.is_top_up or not isinstance(self.source, Funder):
            raise InvalidValue(f"entry {self.entry_id!r} is a {self.kind.value}, not a top-up")
        return TopUp(
            funder=self.source,
            amount=self.amount if amount is None else amount,
            earmarked_offers=self.earmarked_offers,
            earmarked_certifications=self.earmarked_certifications,
            reference=self.entry_id,
        )


_OPTIONAL_FIELDS = attrs.fields(Entry)[4:]


def _entry_problem(e: Entry) -> str:
    if not isinstance(e.entry_id, str) or not e.entry_id:
        return f"entry_id must be a non-empty str, got {e.entry_id!r}"
    raw_kind: object = e.kind
    if not isinstance(raw_kind, EntryKind):
        return f"kind must be an EntryKind, got {raw_kind!r}"
    kind = raw_kind
    if e.amount.__class__ is not Euros:
        return f"amount must be Euros, got {type(e.amount).__name__} {e.amount!r}"
    if e.effective.__class__ is not date and (
        isinstance(e.effective, datetime) or not isinstance(e.effective, date)
    ):
        return f"effective must be a datetime.date (not a datetime), got {e.effective!r}"
    cents = e.amount.cents
    raw_source: object = e.source
    if not isinstance(raw_source, (Source, Funder)):
        return f"source must be a Source or a Funder, got {raw_source!r}"
    source = raw_source
    if kind is EntryKind.CORRECTION:
        if cents == 0:
            return "a correction needs a non-zero amount"
    elif cents < 0:
        return f"amount must not be negative, got {e.amount}"
    if e.booking is not None and (not isinstance(e.booking, str) or not e.booking):
        return f"booking must be a non-empty str, got {e.booking!r}"
    meaning = _BY_VALUE[kind._value_]
    if meaning.tally is not None:
        if e.booking is None:
            return "a hold, release, debit or refund names its booking"
        if cents == 0:
            return "a hold, release, debit or refund moves a positive amount"
    elif e.booking is not None and kind is not EntryKind.CORRECTION:
        return "only holds, releases, debits, refunds and corrections name a booking"
    if e.year is not None and (type(e.year) is not int or not 1900 <= e.year <= 2200):
        return f"year must be an int between 1900 and 2200, got {e.year!r}"
    is_top_up = meaning.top_up
    if e.hours is not _NO_HOURS and e.hours and not meaning.hours:
        return "only hours credits, DIF entries and conversions move hours"
    if (e.earmarked_offers or e.earmarked_certifications) and not is_top_up:
        return "only a top-up may be earmarked"
    if is_top_up:
        if not isinstance(source, Funder):
            return f"a top-up's source is its Funder, got {source!r}"
        if cents == 0:
            return "a top-up adds a positive amount"
        if e.top_up is not None:
            return "a top-up is its own pot; leave top_up empty"
        if kind is EntryKind.CORRECTIVE_TOP_UP and source is not Funder.EMPLOYER:
            return "the corrective top-up is paid by the employer"
        return ""
    if kind is EntryKind.HOURS_CREDIT:
        if source is not Source.RIGHTS or e.hours <= 0 or cents:
            return "an hours credit adds positive hours of rights and no euros"
        return ""
    if kind is EntryKind.DIF:
        if source is not Source.DIF or e.hours <= 0 or cents:
            return ("a DIF entry adds positive DIF hours and no euros (a conversion turns them "
                    "into euros)")
        return ""
    if kind is EntryKind.HOURS_CONVERSION:
        if not isinstance(source, Source) or e.hours >= 0:
            return "a conversion takes hours (negative hours) of rights or DIF into euros"
        return ""
    if kind is EntryKind.ANNUAL_CREDIT:
        if source is not Source.RIGHTS:
            return "an annual credit adds rights (source RIGHTS)"
        return ""
    # hold, release, debit, refund, correction: rights or one top-up
    if isinstance(source, Funder):
        if e.top_up is None:
            return "a movement of a funder's money names the top-up (its entry id)"
    elif e.top_up is not None:
        return "a movement of top-up money has the top-up's Funder as source"
    elif source is Source.DIF and kind is not EntryKind.CORRECTION:
        return "DIF euros are rights: holds, releases, debits and refunds use Source.RIGHTS"
    return ""


@attrs.frozen
class Balance:
    """What an account holds on a day, all in euros.

    Attributes:
        rights: the holder's rights (work, converted hours, DIF), debits deducted.
        top_ups: what is left of the funders' top-ups.
        held: what pending bookings hold, of both.
        available: ``rights + top_ups - held``, what a new order can use; never negative.
    """

    rights: Euros
    top_ups: Euros
    held: Euros
    available: Euros

    @property
    def total(self) -> Euros:
        """``rights + top_ups``."""
        return self.rights + self.top_ups


@attrs.frozen
class HoursBalance:
    """Hours not yet converted to euros (hours era): CPF hours and DIF hours."""

    cpf: Fraction
    dif: Fraction


_ZERO_BALANCE = Balance(Euros(0), Euros(0), Euros(0), Euros(0))


def fold(entries: Iterable[Entry], as_of: date | None = None) -> Balance:
    """The balance of ``entries`` effective on or before ``as_of`` (all of them if ``None``).

    The reference definition of a balance, entry by entry, with no index: the ledger's
    incremental fold must always agree with it.

    >>> from formation.ids import EntryId
    >>> credit = Entry(EntryId("c1"), EntryKind.ANNUAL_CREDIT, Euros.whole(500), date(2020, 4, 15))
    >>> fold([credit]).available, fold([credit], as_of=date(2020, 4, 14)).available
    (Euros(50000), Euros(0))
    """
    totals = [0, 0, 0, 0]
    for entry in entries:
        if as_of is not None and entry.effective > as_of:
            continue
        index, delta = effect(entry)
        totals[index] += delta
    return _balance(*totals)


def _balance(rights: int, top_ups: int, held_rights: int, held_top_ups: int) -> Balance:
    held = held_rights + held_top_ups
    return Balance(Euros(rights), Euros(top_ups), Euros(held), Euros(rights + top_ups - held))


class Ledger:
    """The append-only entries of one account, with their fold kept incrementally.

    See the module docstring for the design. ``Ledger()`` is empty; ``Ledger(entries)`` appends
    them in order (all or nothing).

    >>> from formation.ids import BookingId, EntryId
    >>> ledger = Ledger()
    >>> ledger.append(Entry(EntryId("2020"), EntryKind.ANNUAL_CREDIT, Euros.whole(500),
    ...                     date(2021, 4, 15), year=2020))
    1
    >>> ledger.append(Entry(EntryId("h1"), EntryKind.HOLD, Euros.whole(200), date(2021, 5, 1),
    ...                     booking=BookingId("b1")))
    2
    >>> str(ledger.balance().available), str(ledger.balance(as_of=date(2021, 4, 30)).available)
    ('300,00 €', '500,00 €')
    """

    __slots__ = (
        "_booking_debited",
        "_booking_held",
        "_by_id",
        "_cached",
        "_cum",
        "_day_totals",
        "_days",
        "_dif_euros",
        "_entries",
        "_hours_moves",
        "_last_spend",
        "_pot_held",
        "_pot_latest",
        "_pot_moves",
        "_pot_pool",
        "_top_ups",
        "_totals",
    )

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._entries: list[Entry] = []
        self._by_id: dict[str, Entry] = {}
        self._totals = [0, 0, 0, 0]
        self._cached: Balance | None = _ZERO_BALANCE
        # per effective day (ordinal): the sum of the deltas of that day's entries
        self._days: list[int] = []
        self._day_totals: dict[int, list[int]] = {}
        # prefix sums over self._days, valid for the first len(self._cum) days (rows of
        # (rights, top_ups, held rights, held top-ups), private and only read by copy)
        self._cum: list[list[int]] = []
        # top-ups: entry, current pool and held, and dated moves for as-of queries
        self._top_ups: dict[str, Entry] = {}
        self._pot_pool: dict[str, int] = {}
        self._pot_held: dict[str, int] = {}
        self._pot_moves: dict[str, list[tuple[int, int, int]]] = {}
        self._pot_latest: dict[str, int] = {}  # the latest day a top-up moved
        # the day of the last spending movement of each pot ("" is the rights)
        self._last_spend: dict[str, int] = {}
        # per (booking, pot): held and debited (net of refunds)
        self._booking_held: dict[tuple[str, str], int] = {}
        self._booking_debited: dict[tuple[str, str], int] = {}
        # hours era: (ordinal, source, hours change)
        self._hours_moves: list[tuple[int, Source, Fraction]] = []
        self._dif_euros: list[tuple[int, int]] = []
        if entries:
            self._replay(entries)

    # -- reading ------------------------------------------------------------------------
    @property
    def version(self) -> int:
        """The number of entries appended so far (the optimistic-concurrency version)."""
        return len(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(tuple(self._entries))

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry, in the order appended."""
        return tuple(self._entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    def get(self, entry_id: EntryId) -> Entry | None:
        """The entry with this id, or ``None``."""
        return self._by_id.get(entry_id)

    def balance(self, as_of: date | None = None) -> Balance:
        """The fold of the entries effective on or before ``as_of`` (``None``: all of them).

        The current balance is O(1); a balance as of a day is one binary search once the
        prefix sums are up to date (see the module docstring).
        """
        if as_of is None:
            cached = self._cached
            if cached is None:
                cached = self._cached = _balance(*self._totals)
            return cached
        if as_of.__class__ is not date:
            check_date(as_of, "as_of")
        days = self._days
        if not days:
            return _ZERO_BALANCE
        ordinal = as_of.toordinal()
        if ordinal >= days[-1]:
            return self.balance()
        index = bisect_right(days, ordinal) - 1
        if index < 0:
            return _ZERO_BALANCE
        if index >= len(self._cum):
            self._rebuild()
        return _balance(*self._cum[index])

    def hours(self, as_of: date | None = None) -> HoursBalance:
        """The CPF and DIF hours not yet converted to euros, on ``as_of`` (``None``: now)."""
        return self._hours_by_source(as_of, earned_only=False)

    def hours_earned(self, as_of: date | None = None) -> HoursBalance:
        """The CPF hours credited and DIF hours entered by ``as_of``, conversions ignored."""
        return self._hours_by_source(as_of, earned_only=True)

    def _hours_by_source(self, as_of: date | None, *, earned_only: bool) -> HoursBalance:
        """The hours moved by ``as_of``, per source; with ``earned_only``, the credits only."""
        limit = None if as_of is None else check_date(as_of, "as_of").toordinal()
        cpf = dif = _NO_HOURS
        for ordinal, source, change in self._hours_moves:
            if (change > 0 or not earned_only) and (limit is None or ordinal <= limit):
                if source is Source.DIF:
                    dif += change
                else:
                    cpf += change
        return HoursBalance(cpf, dif)

    def dif_credited(self, as_of: date | None = None) -> Euros:
        """The euros DIF hours brought to the rights (entered in euros or converted)."""
        limit = None if as_of is None else check_date(as_of, "as_of").toordinal()
        return Euros(sum(c for o, c in self._dif_euros if limit is None or o <= limit))

    def top_up_entries(self) -> tuple[Entry, ...]:
        """The entries that created top-ups, in the order appended."""
        return tuple(self._top_ups.values())

    def top_up_available(self, top_up: EntryId, as_of: date | None = None) -> Euros:
        """What is left of one top-up, net of holds and debits, on ``as_of`` (``None``: now)."""
        if top_up not in self._top_ups:
            raise InvalidValue(f"no top-up {top_up!r} on this ledger")
        if as_of is None:
            return Euros(self._pot_pool[top_up] - self._pot_held[top_up])
        limit = check_date(as_of, "as_of").toordinal()
        if limit >= self._pot_latest[top_up]:
            return Euros(self._pot_pool[top_up] - self._pot_held[top_up])
        return Euros(sum(p - h for o, p, h in self._pot_moves[top_up] if o <= limit))

    def available_top_ups(self, as_of: date | None = None) -> tuple[TopUp, ...]:
        """The top-ups with money left on ``as_of``, as :class:`TopUp` records.

        Each amount is net of what is held or debited against it; ``reference`` is the top-up's
        entry id (hold or debit it with that id). Spent top-ups are left out.
        """
        found = []
        for entry_id, entry in self._top_ups.items():
            left = self.top_up_available(EntryId(entry_id), as_of)
            if left.cents > 0:
                found.append(entry.as_top_up(left))
        return tuple(found)

    def rights_available(self, as_of: date | None = None) -> Euros:
        """The rights not held by a booking, on ``as_of`` (``None``: now)."""
        if as_of is None:
            return Euros(self._totals[_RIGHTS] - self._totals[_HELD_RIGHTS])
        totals = self._totals_at(check_date(as_of, "as_of").toordinal())
        return Euros(totals[_RIGHTS] - totals[_HELD_RIGHTS])

    def held_for(self, booking: BookingId) -> tuple[Euros, tuple[tuple[EntryId, Euros], ...]]:
        """What ``booking`` holds now: the rights, and each top-up (by entry id) with money held."""
        return self._per_booking(self._booking_held, booking)

    def debited_for(self, booking: BookingId) -> tuple[Euros, tuple[tuple[EntryId, Euros], ...]]:
        """What was debited for ``booking`` and not refunded: rights, and each top-up."""
        return self._per_booking(self._booking_debited, booking)

    @staticmethod
    def _per_booking(
        table: dict[tuple[str, str], int], booking: BookingId
    ) -> tuple[Euros, tuple[tuple[EntryId, Euros], ...]]:
        rights = table.get((booking, ""), 0)
        top_ups = tuple(sorted(
            (EntryId(pot), Euros(cents))
            for (b, pot), cents in table.items() if b == booking and pot and cents
        ))
        return Euros(rights), top_ups

    def copy(self) -> Ledger:
        """An independent ledger with the same entries (replayed without re-checking them)."""
        twin = Ledger()
        for entry in self._entries:
            twin._apply(entry)
        return twin

    # -- appending ----------------------------------------------------------------------
    def append(self, entry: Entry, expected_version: int | None = None) -> int:
        """Append one entry; return the new version.

        Appending an entry equal to one already there is a no-op (the version is unchanged).

        Raises:
            ConflictError: ``expected_version`` is given and is not the current version.
            DuplicateEntry: another entry already uses this ``entry_id``.
            InsufficientCredit: a hold, debit or negative correction above the money of its
                source (the rights, or the top-up) on its day.
            InvalidValue: a release or refund above what the booking holds or was debited, a
                movement of an unknown top-up, or a spending movement dated before the last
                one of the same money.
        """
        if expected_version is not None and expected_version != len(self._entries):
            raise ConflictError(
                f"ledger is at version {len(self._entries)}, the append expected "
                f"{expected_version}: reload and retry"
            )
        if not isinstance(entry, Entry):
            raise InvalidValue(f"a ledger appends Entry records, got {entry!r}")
        known = self._by_id.get(entry.entry_id)
        if known is not None:
            if known == entry:
                return len(self._entries)
            raise DuplicateEntry(
                f"entry id {entry.entry_id!r} is already used by {known!r}; "
                f"cannot append {entry!r} (a correction is a new entry with a new id)"
            )
        self._check(entry)
        self._apply(entry)
        return len(self._entries)

    def extend(self, entries: Iterable[Entry], expected_version: int | None = None) -> int:
        """Append several entries, all or nothing; return the new version.

        Raises:
            Whatever :meth:`append` raises for the first entry refused; then none is kept.
        """
        if expected_version is not None and expected_version != len(self._entries):
            raise ConflictError(
                f"ledger is at version {len(self._entries)}, the append expected "
                f"{expected_version}: reload and retry"
            )
        done: list[tuple[Entry, int | None]] = []
        try:
            for entry in entries:
                if not isinstance(entry, Entry):
                    raise InvalidValue(f"a ledger appends Entry records, got {entry!r}")
                if entry.entry_id in self._by_id:
                    self.append(entry)  # a no-op, or DuplicateEntry
                    continue
                self._check(entry)
                done.append((entry, self._apply(entry)))
        except BaseException:
            for entry, previous_spend in reversed(done):
                self._undo(entry, previous_spend)
            raise
        return len(self._entries)

    # -- internals ----------------------------------------------------------------------
    def _replay(self, entries: Iterable[Entry]) -> None:
        """:meth:`extend` on a new ledger (its constructor): the same checks, one by one, and
        no rollback to prepare, since a refused entry means the ledger is never returned."""
        by_id = self._by_id
        check = self._check
        apply = self._apply
        for entry in entries:
            if not isinstance(entry, Entry):
                raise InvalidValue(f"a ledger appends Entry records, got {entry!r}")
            if entry.entry_id in by_id:
                self.append(entry)  # a no-op, or DuplicateEntry
                continue
            check(entry)
            apply(entry)

    def _totals_at(self, ordinal: int) -> tuple[int, int, int, int]:
        days = self._days
        if not days or ordinal >= days[-1]:
            t = self._totals
            return (t[0], t[1], t[2], t[3]) if days else (0, 0, 0, 0)
        index = bisect_right(days, ordinal) - 1
        if index < 0:
            return (0, 0, 0, 0)
        if index >= len(self._cum):
            self._rebuild()
        row = self._cum[index]
        return (row[0], row[1], row[2], row[3])

    def _rebuild(self) -> None:
        cum = self._cum
        days = self._days
        totals = self._day_totals
        r, t, hr, ht = cum[-1] if cum else (0, 0, 0, 0)
        for ordinal in days[len(cum):]:
            d = totals[ordinal]
            r += d[0]
            t += d[1]
            hr += d[2]
            ht += d[3]
            cum.append([r, t, hr, ht])

    def _check(self, entry: Entry) -> None:
        """Refuse an entry this ledger cannot take (its :class:`Meaning` says what to check)."""
        kind = entry.kind._value_
        on_rights, on_top_up, sign, _, order, tally, tally_sign = _UNPACKED[kind]
        if order is _NEVER:
            if kind == _CONVERSION_V:
                self._check_conversion(entry, entry.effective.toordinal())
            return  # credits, DIF hours and top-ups only add: nothing to check
        top_up = entry.top_up
        pot = top_up or ""
        if top_up is not None:
            found = self._top_ups.get(top_up)
            if found is None:
                raise InvalidValue(
                    f"entry {entry.entry_id!r} draws on top-up {top_up!r}, which is not on "
                    "this ledger"
                )
            if found.source is not entry.source:
                raise InvalidValue(
                    f"entry {entry.entry_id!r} names {entry.source} but top-up {top_up!r} "
                    f"comes from {found.source}"
                )
        cents = entry.amount.cents
        index = on_rights if top_up is None else on_top_up
        delta = cents if sign > 0 else -cents
        if not _spends(order, index, delta):
            return  # a positive correction only adds, like a credit: it may be back-dated
        ordinal = entry.effective.toordinal()
        last = self._last_spend.get(pot)
        if last is not None and ordinal < last:
            raise InvalidValue(
                f"{kind} {entry.entry_id!r} on {entry.effective} is dated before the last "
                f"hold, release, debit, refund or correction of the same money "
                f"({date.fromordinal(last)}); only credits may be back-dated"
            )
        if tally is not None and tally_sign < 0:  # a release, a refund: within the tally
            table = self._booking_held if tally is Tally.HELD else self._booking_debited
            have = table.get((entry.booking or "", pot), 0)
            if cents > have:
                left = " and not refunded" if tally is Tally.DEBITED else ""
                raise InvalidValue(
                    f"{kind} {entry.entry_id!r} of {entry.amount} for booking "
                    f"{entry.booking!r} is more than {tally.value} {_pot_name(pot)}{left} "
                    f"({Euros(have)})"
                )
            return
        change = _available_change(index, delta)
        if change >= 0:
            return
        # a hold, a debit or a negative correction: the money of its pot that day must cover it
        if top_up is not None:
            have = self.top_up_available(top_up, entry.effective).cents
        else:
            days = self._days
            if days and ordinal >= days[-1]:
                totals = self._totals
                have = totals[_RIGHTS] - totals[_HELD_RIGHTS]
            else:
                at = self._totals_at(ordinal)
                have = at[_RIGHTS] - at[_HELD_RIGHTS]
        if -change > have:
            raise InsufficientCredit(
                f"{kind} {entry.entry_id!r} of {Euros(-change)} on {entry.effective} is more "
                f"than the {_pot_name(pot)} available that day ({Euros(have)})"
            )

    def _check_conversion(self, entry: Entry, ordinal: int) -> None:
        last = self._last_spend.get(_hours_key(entry))
        if last is not None and ordinal < last:
            raise InvalidValue(
                f"conversion {entry.entry_id!r} on {entry.effective} is dated before the "
                f"last conversion of the same hours ({date.fromordinal(last)})"
            )
        hours = self.hours(entry.effective)
        have = hours.dif if entry.source is Source.DIF else hours.cpf
        if -entry.hours > have:
            raise InsufficientCredit(
                f"conversion {entry.entry_id!r} takes {-entry.hours} h but only {have} h "
                f"of {_source_name(entry.source)} are held on {entry.effective}"
            )

    def _apply(self, entry: Entry) -> int | None:
        """Add an entry to every index; return the previous spending day of its pot."""
        self._entries.append(entry)
        self._by_id[entry.entry_id] = entry
        on_rights, on_top_up, sign, credit, order, tally, tally_sign = _UNPACKED[entry.kind._value_]
        top_up = entry.top_up
        cents = entry.amount.cents
        index = on_rights if top_up is None else on_top_up
        delta = cents if sign > 0 else -cents
        self._totals[index] += delta
        self._cached = None
        # per-day index and prefix sums
        ordinal = entry.effective.toordinal()
        days = self._days
        day = self._day_totals.get(ordinal)
        if day is None:
            fresh = [0, 0, 0, 0]
            fresh[index] = delta
            self._day_totals[ordinal] = fresh
            if not days or ordinal > days[-1]:
                days.append(ordinal)
                cum = self._cum
                if len(cum) == len(days) - 1:
                    row = cum[-1].copy() if cum else [0, 0, 0, 0]
                    row[index] += delta
                    cum.append(row)
            else:
                insort(days, ordinal)
                self._stale_from(ordinal)
        else:
            day[index] += delta
            cum = self._cum
            if ordinal == days[-1] and len(cum) == len(days):
                cum[-1][index] += delta
            else:
                self._stale_from(ordinal)
        if credit:
            return self._apply_credit(entry, ordinal)
        # hold, release, debit, refund, correction
        pot = top_up or ""
        last_spend = self._last_spend
        previous = last_spend.get(pot)
        if _spends(order, index, delta) and (previous is None or ordinal > previous):
            last_spend[pot] = ordinal
        if top_up is not None:
            if index == _TOP_UPS:
                self._pot_pool[top_up] += delta
                self._pot_moves[top_up].append((ordinal, delta, 0))
            else:
                self._pot_held[top_up] += delta
                self._pot_moves[top_up].append((ordinal, 0, delta))
            if ordinal > self._pot_latest[top_up]:
                self._pot_latest[top_up] = ordinal
        if tally is not None:
            table = self._booking_held if tally is Tally.HELD else self._booking_debited
            key = (entry.booking or "", pot)
            table[key] = table.get(key, 0) + tally_sign * cents
        return previous

    def _apply_credit(self, entry: Entry, ordinal: int) -> int | None:
        if entry.hours:
            self._hours_moves.append(
                (ordinal, Source.DIF if entry.source is Source.DIF else Source.RIGHTS, entry.hours)
            )
        if entry.source is Source.DIF and entry.amount.cents:
            self._dif_euros.append((ordinal, entry.amount.cents))
        if _BY_VALUE[entry.kind._value_].top_up:
            new = entry.entry_id
            self._top_ups[new] = entry
            self._pot_pool[new] = entry.amount.cents
            self._pot_held[new] = 0
            self._pot_moves[new] = [(ordinal, entry.amount.cents, 0)]
            self._pot_latest[new] = ordinal
            return None
        if entry.kind._value_ == _CONVERSION_V:
            key = _hours_key(entry)
            previous = self._last_spend.get(key)
            if previous is None or ordinal > previous:
                self._last_spend[key] = ordinal
            return previous
        return None

    def _stale_from(self, ordinal: int) -> None:
        index = bisect_right(self._days, ordinal) - 1
        if index < len(self._cum):
            del self._cum[index:]

    def _undo(self, entry: Entry, previous_spend: int | None) -> None:
        """Take back the last entry applied (used to roll back a failed batch): :meth:`_apply`
        run backwards, from the same :class:`Meaning`."""
        popped = self._entries.pop()
        if popped is not entry:  # pragma: no cover - a programming error, never user input
            raise RuntimeError("ledger rollback out of order")
        del self._by_id[entry.entry_id]
        meaning = _BY_VALUE[entry.kind._value_]
        index, delta = effect(entry)
        ordinal = entry.effective.toordinal()
        self._totals[index] -= delta
        self._day_totals[ordinal][index] -= delta
        self._cached = None
        self._stale_from(ordinal)
        if entry.hours:
            self._hours_moves.pop()
        if entry.source is Source.DIF and entry.amount.cents:
            self._dif_euros.pop()
        if meaning.top_up:
            del self._top_ups[entry.entry_id]
            for pots in (self._pot_pool, self._pot_held, self._pot_latest):
                del pots[entry.entry_id]
            del self._pot_moves[entry.entry_id]
            return
        conversion = entry.kind._value_ == _CONVERSION_V
        if meaning.credit and not conversion:
            return
        key = _hours_key(entry) if conversion else entry.top_up or ""
        if conversion or _spends(meaning.order, index, delta):
            if previous_spend is None:
                self._last_spend.pop(key, None)
            else:
                self._last_spend[key] = previous_spend
        if conversion:
            return
        pot = entry.top_up or ""
        if pot:
            if index == _TOP_UPS:
                self._pot_pool[pot] -= delta
            else:
                self._pot_held[pot] -= delta
            self._pot_moves[pot].pop()
            self._pot_latest[pot] = max(o for o, _, _ in self._pot_moves[pot])
        tally = meaning.tally
        if tally is not None:
            table = self._booking_held if tally is Tally.HELD else self._booking_debited
            table[(entry.booking or "", pot)] -= meaning.tally_sign * entry.amount.cents


def _spends(order: Spending, index: int, delta: int) -> bool:
    """Whether a move is a spending movement of its money (dated in order with the others)."""
    if order is _WHEN_TAKING:
        return _available_change(index, delta) < 0
    return order is _ALWAYS


def _available_change(index: int, delta: int) -> int:
    """How a move of ``delta`` cents on balance component ``index`` changes what is available."""
    return delta if index < _HELD_RIGHTS else -delta


def _hours_key(entry: Entry) -> str:
    return "hours:dif" if entry.source is Source.DIF else "hours:rights"


def _source_name(source: Source | Funder) -> str:
    return str(source.value)


def _pot_name(pot: str) -> str:
    return f"top-up {pot!r}" if pot else "rights"
