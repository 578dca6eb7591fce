"""The documents of every entity: :data:`CODEC`, the JSON codec that knows every record type.

Built on :class:`formation.adapters.codec.Codec` (versioned documents
``{"type", "version", "data"}``, plain JSON data, errors that name the path of a bad field), it
knows:

- accounts with their ledgers (:class:`~formation.accounts.Account` is an aggregate, not an
  attrs record: its data is ``{"account_id", "holder_id", "entries": [...]}``, and decoding
  replays the entries through the ledger's checks, so a ledger that spends money it does not
  have is refused) and single ledger :class:`~formation.ledger.Entry` records;
- holders (:class:`~formation.holders.Holder`) and employer consent requests
  (:class:`~formation.consent.ConsentRequest`);
- the catalogue: :class:`~formation.catalog.offers.Offer`, :class:`~formation.catalog.offers.Session`,
  :class:`~formation.catalog.offers.Organism`;
- registration folders (:class:`~formation.bookings.Booking`) with their whole history and
  funding plan (:class:`~formation.funding.FundingPlan`);
- reviews (:class:`~formation.reviews.Review`, :class:`~formation.reviews.RatingSummary`);
- rulebook changes: a whole :class:`~formation.rules.rulebook.Rulebook` or single
  :class:`~formation.rules.rulebook.ParameterValue` records, whose ``value`` is decoded with the type
  of the :class:`~formation.rules.rulebook.Rules` field it names (a ``flat_participation`` is cents,
  a ``late_cancellation_debit_rate`` a fraction ``"n/d"``…);
- top-ups (:class:`~formation.topups.TopUp`).

A funding plan remembers the rulebook it was computed with, to explain itself; that rulebook is
not part of the plan's data (it does not take part in equality either): a plan read back
explains itself with the default rulebook.

Ledger entries are the bulk of a store (millions of rows), so they have a hand-written encoder
and decoder (:func:`entry_to_data`, :func:`entry_from_data`) that give the same data and the
same errors as the generic codec, several times faster. Fields at their default value are left
out of an entry's data.

>>> from datetime import date
>>> from formation.ids import AccountId, BookingId, EntryId, HolderId
>>> from formation.money import Euros
>>> account = Account(AccountId("A1"), HolderId("H1"))
>>> _ = account.credit(EntryId("2024"), Euros.whole(500), date(2025, 4, 15), year=2024)
>>> document = CODEC.encode(account)
>>> document["data"]["entries"]
[{'entry_id': '2024', 'kind': 'annual-credit', 'amount': 50000, 'effective': '2025-04-15', 'source': 'droits', 'year': 2024}]
>>> CODEC.decode(document, Account).balance().available
Euros(50000)
"""

from __future__ import annotations

import functools
import json
import json.encoder
from collections.abc import Iterable
from datetime import date
from fractions import Fraction
from typing import Any

import attrs

from formation.accounts import Account
from formation.adapters.codec import Codec, from_data, to_data
from formation.bookings import Booking
from formation.catalog.offers import (
    Certification,
    Modality,
    Offer,
    Option,
    OptionGroup,
    Organism,
    Place,
    Session,
)
from formation.checks import shown
from formation.consent import ConsentRequest
from formation.errors import FormationError, InvalidValue
from formation.funding import FundingPlan
from formation.holders import Holder
from formation.ids import AccountId, BookingId, EntryId, HolderId, OfferId
from formation.ledger import Entry, EntryKind, Source
from formation.money import Euros
from formation.reviews import RatingSummary, Review
from formation.rules.actions import ActionType
from formation.rules.funders import Funder
from formation.rules.rulebook import Confidence, ParameterValue, Rulebook, Rules
from formation.topups import TopUp

__all__ = [
    "CODEC",
    "OFFER_COLUMNS",
    "SESSION_COLUMNS",
    "account_from_data",
    "account_to_data",
    "booking_from_data",
    "booking_to_data",
    "catalog_from_data",
    "catalog_from_rows",
    "entry_from_data",
    "entry_text",
    "entry_to_data",
    "offer_from_data",
    "offer_row_data",
    "offer_to_data",
    "offer_to_row",
    "plain_account_rows",
    "session_row_data",
    "session_to_row",
]

_KINDS: dict[Any, EntryKind] = {k.value: k for k in EntryKind}
_SOURCES: dict[Any, Source | Funder] = {**{s.value: s for s in Source},
                                        **{f.value: f for f in Funder}}
_ENTRY_KEYS = frozenset({"entry_id", "kind", "amount", "effective", "source", "top_up", "booking",
                         "year", "hours", "earmarked_offers", "earmarked_certifications",
                         "note"})
_RULES_TYPES: dict[str, Any] = {
    f.name: f.type for f in attrs.fields(attrs.resolve_types(Rules))
}


# -- ledger entries (hand-written: they are the bulk of a store) ---------------------------

def entry_to_data(entry: Entry) -> dict[str, Any]:
    """The plain data of a ledger entry (fields at their default value left out)."""
    data: dict[str, Any] = {
        "entry_id": entry.entry_id,
        "kind": entry.kind.value,
        "amount": entry.amount.cents,
        "effective": entry.effective.isoformat(),
        "source": entry.source.value,
    }
    if entry.top_up is not None:
        data["top_up"] = entry.top_up
    if entry.booking is not None:
        data["booking"] = entry.booking
    if entry.year is not None:
        data["year"] = entry.year
    if entry.hours:
        data["hours"] = f"{entry.hours.numerator}/{entry.hours.denominator}"
    if entry.earmarked_offers:
        data["earmarked_offers"] = sorted(entry.earmarked_offers)
    if entry.earmarked_certifications:
        data["earmarked_certifications"] = sorted(entry.earmarked_certifications)
    if entry.note:
        data["note"] = entry.note
    return data


_quote = json.encoder.encode_basestring  # a JSON string as json.dumps(ensure_ascii=False)


def entry_text(entry: Entry) -> str:
    """The compact JSON text of :func:`entry_to_data` (what a store keeps), written directly.

    The fast path of ``json.dumps(entry_to_data(entry), ensure_ascii=False,
    separators=(",", ":"))``, its reference: ``tests/test_store_bulk.py`` holds them equal.
    """
    text = (f'{{"entry_id":{_quote(entry.entry_id)},"kind":"{entry.kind.value}",'
            f'"amount":{entry.amount.cents},"effective":"{entry.effective.isoformat()}",'
            f'"source":"{entry.source.value}"')
    if entry.top_up is not None:
        text += f',"top_up":{_quote(entry.top_up)}'
    if entry.booking is not None:
        text += f',"booking":{_quote(entry.booking)}'
    if entry.year is not None:
        text += f',"year":{entry.year}'
    hours = entry.hours
    if hours:
        text += f',"hours":"{hours.numerator}/{hours.denominator}"'
    if entry.earmarked_offers:
        text += ',"earmarked_offers":[' + ",".join(map(_quote, sorted(entry.earmarked_offers))) + "]"
    if entry.earmarked_certifications:
        text += (',"earmarked_certifications":['
                 + ",".join(map(_quote, sorted(entry.earmarked_certifications))) + "]")
    if entry.note:
        text += f',"note":{_quote(entry.note)}'
    return text + "}"


def _bad(path: str, expected: str, value: object) -> InvalidValue:
    return InvalidValue(f"{path}: expected {expected}, got {type(value).__name__} {shown(value)}")


def _text(data: dict[str, Any], key: str, path: str, optional: bool = False) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        if key not in data:
            raise InvalidValue(f"{path}.{key}: missing (a required field of Entry)")
        raise _bad(f"{path}.{key}", "a string", value)
    return value


@functools.lru_cache(maxsize=1 << 16)
def _iso_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


_PLAIN_KEYS = _ENTRY_KEYS - {"hours", "earmarked_offers", "earmarked_certifications"}


def entry_from_data(data: object, path: str = "data") -> Entry:
    """Rebuild a ledger entry from its plain data; an error names the path of the bad field.

    The common shape is read by :func:`_entry_from_plain_data` (the fast path), anything else
    by :func:`_checked_entry` (the reference, which checks each field on its own); a
    differential property test (``tests/test_documents.py``) holds the two equal.
    """
    entry = _entry_from_plain_data(data, path)
    return entry if entry is not None else _checked_entry(data, path)


def _entry_from_plain_data(data: object, path: str) -> Entry | None:
    """The fast path of :func:`_checked_entry`: the common shape read at once (every field of
    an exact JSON type, no hours nor earmarks), the record still built through ``Entry`` with
    its checks; ``None`` for anything unusual (the reference then names the problem)."""
    if data.__class__ is dict and data.keys() <= _PLAIN_KEYS:
        # the common shape, read at once; anything unusual goes the careful way below
        fields: dict[str, Any] = data
        get = fields.get
        try:
            kind = _KINDS.get(get("kind"))
            source = _SOURCES.get(get("source"))
        except TypeError:  # an unhashable value
            kind = source = None
        entry_id, amount, effective = get("entry_id"), get("amount"), get("effective")
        top_up: EntryId | None = get("top_up")
        booking: BookingId | None = get("booking")
        year, note = get("year"), get("note", "")
        if kind is not None and source is not None and amount.__class__ is int \
                and entry_id.__class__ is str and effective.__class__ is str \
                and (top_up is None or top_up.__class__ is str) \
                and (booking is None or booking.__class__ is str) \
                and (year is None or year.__class__ is int) and note.__class__ is str:
            day = _iso_day(effective)
            if day is not None:
                try:
                    if top_up is None and year is None and not note:  # a booking's move
                        return Entry(EntryId(entry_id), kind, Euros(amount), day, source,
                                     booking=booking)
                    return Entry(EntryId(entry_id), kind, Euros(amount), day, source,
                                 top_up=top_up, booking=booking, year=year, note=note)
                except FormationError as error:
                    raise InvalidValue(f"{path}: {error}") from None
    return None


def _checked_entry(data: object, path: str) -> Entry:
    """The reference decoder of an entry: each field checked on its own, then ``Entry``."""
    if not isinstance(data, dict):
        raise _bad(path, "an object for Entry", data)
    if not data.keys() <= _ENTRY_KEYS:
        unknown = sorted(set(data) - _ENTRY_KEYS)[0]
        raise InvalidValue(f"{path}.{unknown}: unknown field of Entry; its fields are "
                           + ", ".join(sorted(_ENTRY_KEYS)))
    kind = _KINDS.get(_text(data, "kind", path))
    if kind is None:
        raise _bad(f"{path}.kind", "one of " + ", ".join(map(repr, _KINDS)), data["kind"])
    amount = data.get("amount")
    if type(amount) is not int:
        raise _bad(f"{path}.amount", "an amount in cents (an integer)", amount)
    effective = _text(data, "effective", path)
    try:
        if len(effective) != 10:
            raise ValueError(effective)
        day = date.fromisoformat(effective)
    except ValueError:
        raise _bad(f"{path}.effective", "an ISO date YYYY-MM-DD", effective) from None
    source = _SOURCES.get(_text(data, "source", path))
    if source is None:
        raise _bad(f"{path}.source", "one of " + ", ".join(map(repr, _SOURCES)), data["source"])
    year = data.get("year")
    if year is not None and type(year) is not int:
        raise _bad(f"{path}.year", "an integer", year)
    hours: Fraction | int = 0
    if "hours" in data:
        text = data["hours"]
        try:
            numerator, denominator = text.split("/")
            hours = Fraction(int(numerator), int(denominator))
        except (AttributeError, ValueError, ZeroDivisionError):
            raise _bad(f"{path}.hours", "a fraction 'n/d'", text) from None
    earmarks: list[frozenset[str]] = []
    for key in ("earmarked_offers", "earmarked_certifications"):
        items = data.get(key, ())
        if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
            raise _bad(f"{path}.{key}", "a list of strings", items)
        earmarks.append(frozenset(items))
    note = data.get("note", "")
    if not isinstance(note, str):
        raise _bad(f"{path}.note", "a string", note)
    try:
        return Entry(
            EntryId(_text(data, "entry_id", path)), kind, Euros(amount), day, source,
            top_up=_text(data, "top_up", path, optional=True),
            booking=_text(data, "booking", path, optional=True), year=year, hours=hours,
            earmarked_offers=earmarks[0], earmarked_certifications=earmarks[1], note=note)
    except FormationError as error:
        raise InvalidValue(f"{path}: {error}") from None


# -- the catalogue, in bulk: organisms, certifications and places decoded once ------------

def _memo_key(value: object) -> object:
    """A hashable key for plain JSON data (``1``, ``1.0`` and ``True`` kept apart)."""
    if isinstance(value, dict):
        return ("{", *((k, _memo_key(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("[", *(_memo_key(v) for v in value))
    return (value.__class__, value)


class _Shared:
    """Decodes a record once per distinct data; equal data gives the same (immutable) record."""

    def __init__(self, hint: Any) -> None:
        self._hint = hint
        self._found: dict[object, Any] = {}

    def __call__(self, data: object, path: str) -> Any:
        key = _memo_key(data)
        found = self._found.get(key, self)
        if found is self:
            found = self._found[key] = from_data(self._hint, data, path)
        return found


def _bulk_decoder(cls: type, shared: dict[str, _Shared]) -> Any:
    """A decoder of ``cls`` whose ``shared`` fields are decoded once per distinct value.

    Anything unusual (an unknown or missing field, a failed check) is decoded again by the
    generic codec, which raises the same error, naming the same path.
    """
    fields = [f for f in attrs.fields(attrs.resolve_types(cls)) if f.init]
    specs = [((f.alias or f.name), f.type, f.default is attrs.NOTHING) for f in fields]
    known = {spec[0] for spec in specs}

    def decode(data: object, path: str) -> Any:
        if not isinstance(data, dict) or not data.keys() <= known:
            return from_data(cls, data, path)
        kwargs: dict[str, Any] = {}
        for key, hint, required in specs:
            if key in data:
                reader = shared.get(key)
                kwargs[key] = (reader(data[key], f"{path}.{key}") if reader is not None
                               else from_data(hint, data[key], f"{path}.{key}"))
            elif required:
                return from_data(cls, data, path)
        try:
            return cls(**kwargs)
        except (FormationError, TypeError, ValueError):
            return from_data(cls, data, path)

    return decode


_PLACE_KEYS = frozenset({"department", "region", "city", "postcode", "latitude", "longitude"})
_ORGANISM_KEYS = frozenset({"siret", "name", "activity_declaration", "qualiopi"})
_QUALIOPI_KEYS = frozenset({"valid_from", "valid_until"})
_CERTIFICATION_KEYS = frozenset({"registry", "code", "title", "level", "registered_until"})
_SESSION_KEYS = frozenset({"session_id", "offer_id", "start", "end", "place", "seats", "price"})
_SESSION_REQUIRED = frozenset({"session_id", "offer_id", "start", "end"})
_OFFER_KEYS = frozenset(f.alias or f.name for f in attrs.fields(Offer))
_OFFER_REQUIRED = frozenset(f.alias or f.name for f in attrs.fields(Offer)
                            if f.default is attrs.NOTHING)
_OPTION_KEYS = frozenset(f.alias or f.name for f in attrs.fields(Option))
_MODALITIES: dict[Any, Modality] = {m.value: m for m in Modality}
_ACTION_TYPES: dict[Any, ActionType] = {a.value: a for a in ActionType}


def _place_key(data: dict[str, Any]) -> tuple[object, ...] | None:
    """A key telling apart every Place's data the codec reads differently (``None``: unusual).

    Values equal to a string are strings and values equal to ``None`` are ``None``; only a
    coordinate could be ``true`` (refused) equal to ``1.0``, so its class is part of the key.
    """
    if not data.keys() <= _PLACE_KEYS:
        return None
    get = data.get
    latitude, longitude = get("latitude"), get("longitude")
    return (get("department"), get("region"), get("city"), get("postcode"), latitude,
            latitude.__class__, longitude, longitude.__class__)


def _option_key(data: dict[str, Any]) -> tuple[object, ...] | None:
    if not data.keys() <= _OPTION_KEYS:
        return None
    get = data.get
    price, fundable, hours = get("price"), get("cpf_fundable", True), get("hours", 0)
    requires, excludes = get("requires", []), get("excludes", [])
    return (get("option_id"), get("label"), price, price.__class__, fundable,
            fundable.__class__, hours, hours.__class__,
            tuple(requires) if requires.__class__ is list else requires,
            tuple(excludes) if excludes.__class__ is list else excludes)


def _certification_key(data: dict[str, Any]) -> tuple[object, ...] | None:
    if not data.keys() <= _CERTIFICATION_KEYS:
        return None
    get = data.get
    level = get("level")
    return (get("registry"), get("code"), get("title"), level, level.__class__,
            get("registered_until"))


class _Cached:
    """Decodes a flat record once per distinct key (see the ``_*_key`` functions above).

    Only data that decoded without error is kept; anything else (an unusual shape, an
    unhashable value, a new key) goes through the codec, which raises its own error.
    """

    def __init__(self, hint: Any, key: Any) -> None:
        self._hint = hint
        self._key = key
        self._found: dict[object, Any] = {}

    def __call__(self, data: object, path: str) -> Any:
        key = self._key(data) if data.__class__ is dict else None
        if key is not None:
            try:
                found = self._found.get(key)
            except TypeError:  # an unhashable value
                key = found = None
            if found is not None:
                return found
        value = from_data(self._hint, data, path)
        if key is not None:
            self._found[key] = value
        return value


def _day_or_none(text: object) -> date | bool | None:
    """A date read as the codec reads it, ``None`` for null, ``False`` for anything else."""
    if text is None:
        return None
    if text.__class__ is not str:
        return False
    day = _iso_day(text)  # a str, checked above
    return False if day is None else day


def _fast_sessions(place: _Cached) -> Any:
    """The fast path of ``from_data(Session, …)`` (its reference, through
    :func:`_bulk_decoder`): the common shape read field by field, every ``Session`` still built
    with its checks; ``tests/test_store_bulk.py`` holds the two equal on odd data."""
    slow = _bulk_decoder(Session, {"place": _Shared(Place | None)})

    def decode(data: object, path: str) -> Session:
        if data.__class__ is dict and data.keys() <= _SESSION_KEYS \
                and data.keys() >= _SESSION_REQUIRED:
            get = data.get
            session_id, offer_id, seats, price = (get("session_id"), get("offer_id"),
                                                  get("seats"), get("price"))
            start, end = _day_or_none(get("start")), _day_or_none(get("end"))
            where = get("place")
            if session_id.__class__ is str and offer_id.__class__ is str \
                    and start is not False and end is not False \
                    and (seats is None or seats.__class__ is int) \
                    and (price is None or price.__class__ is int) \
                    and (where is None or where.__class__ is dict):
                try:
                    return Session(session_id, offer_id, start, end,  # type: ignore[arg-type]
                                   None if where is None else place(where, f"{path}.place"),
                                   seats, None if price is None else Euros(price))
                except FormationError:
                    pass  # decoded again below, which names the field
        session: Session = slow(data, path)
        return session

    return decode


class _SameData:
    """Decodes an organism once per distinct data, found by its SIRET and compared whole.

    A valid organism's data holds only strings, ``null`` and objects of those: data equal to
    it (``==``) is the same data, decoded the same way.
    """

    def __init__(self) -> None:
        self._found: dict[object, tuple[object, Organism]] = {}

    def __call__(self, data: object, path: str) -> Organism:
        if data.__class__ is dict:
            try:
                seen = self._found.get(data.get("siret"))
            except TypeError:  # an unhashable value
                seen = None
            if seen is not None and seen[0] == data:
                return seen[1]
        organism: Organism = from_data(Organism, data, path)
        self._found[organism.siret] = (data, organism)
        return organism


def _fast_offers(organism: _SameData, certification: _Cached, option: _Cached) -> Any:
    """The fast path of ``from_data(Offer, …)`` (its reference, through :func:`_bulk_decoder`),
    held equal to it by ``tests/test_store_bulk.py`` like :func:`_fast_sessions`."""
    slow = _bulk_decoder(Offer, {"organism": _Shared(Organism),
                                 "certification": _Shared(Certification | None)})

    def decode(data: object, path: str) -> Offer:
        if data.__class__ is dict and data.keys() <= _OFFER_KEYS \
                and data.keys() >= _OFFER_REQUIRED:
            get = data.get
            offer_id, title, price, hours = (get("offer_id"), get("title"), get("price"),
                                             get("duration_hours"))
            who, what = get("organism"), get("certification")
            formacodes, nsf, options = get("formacodes"), get("nsf_codes", []), get("options", [])
            groups = get("option_groups", [])  # a personalisable offer: decoded below
            summary = get("summary", "")
            try:
                modality = _MODALITIES.get(get("modality"))
                action_type = _ACTION_TYPES.get(get("action_type"))
            except TypeError:  # an unhashable value
                modality = action_type = None
            if offer_id.__class__ is str and title.__class__ is str \
                    and price.__class__ is int and (hours is None or hours.__class__ is int) \
                    and who.__class__ is dict and (what is None or what.__class__ is dict) \
                    and modality is not None and action_type is not None \
                    and formacodes.__class__ is list and nsf.__class__ is list \
                    and options.__class__ is list and summary.__class__ is str \
                    and groups.__class__ is list and not groups:
                try:
                    return Offer(
                        OfferId(offer_id), organism(who, f"{path}.organism"), title,
                        None if what is None else certification(what, f"{path}.certification"),
                        tuple(formacodes), Euros(price), hours, modality, action_type, summary,
                        tuple(nsf),
                        tuple(option(o, f"{path}.options[{i}]")
                              for i, o in enumerate(options)))
                except FormationError:
                    pass  # decoded again below, which names the field
        offer: Offer = slow(data, path)
        return offer

    return decode


def catalog_from_data(
    offers: Iterable[object], sessions: Iterable[object]
) -> tuple[list[Offer], list[Session]]:
    """Offers and sessions from their plain data, in bulk (a store's whole catalogue).

    The same checks and errors as :data:`CODEC` (paths ``offer 12.title``, ``session 3.start``),
    but read field by field for the common shape (every record's own checks still run), and an
    organism, a certification or a place met again is decoded once and shared: a catalogue has
    far fewer of them than offers and sessions. Anything unusual is decoded by the codec, which
    names the bad field.
    """
    offer = _fast_offers(_SameData(), _Cached(Certification, _certification_key),
                         _Cached(Option, _option_key))
    session = _fast_sessions(_Cached(Place, _place_key))
    return ([offer(data, f"offer {n}") for n, data in enumerate(offers, 1)],
            [session(data, f"session {n}") for n, data in enumerate(sessions, 1)])


# -- the catalogue as typed rows (a store's columns) ----------------------------------------
#
# A store keeps an offer as one row of typed columns, and each sub-record or list (organism,
# certification, formacodes, NSF codes, options, a session's place) as the JSON text of its
# data in a table of parts, named by a part number: a catalogue has far fewer distinct parts
# than offers and sessions, so each is parsed and decoded once on open.

OFFER_COLUMNS = ("offer_id", "organism", "title", "certification", "formacodes", "price",
                 "duration_hours", "modality", "action_type", "summary", "nsf_codes", "options")
"""The columns of an offer's row, in order (the parts are part numbers)."""
SESSION_COLUMNS = ("session_id", "offer_id", "start", "end", "place", "seats", "price")
"""The columns of a session's row, in order (the place is a part number)."""
_OFFER_PARTS = frozenset({"organism", "certification", "formacodes", "nsf_codes", "options"})


def offer_to_row(offer: Offer, part: Any) -> tuple[object, ...]:
    """An offer's row: its codec data by column, ``part(data)`` giving a sub-record's number.

    The option groups of a personalisable offer share the part of its options: the part is
    then ``{"options": [...], "option_groups": [...]}`` instead of the list of options.
    """
    data = CODEC.encode(offer)["data"]
    groups = data.pop("option_groups", None)
    if groups:
        data["options"] = {"options": data["options"], "option_groups": groups}
    return tuple(None if data[name] is None else part(data[name]) if name in _OFFER_PARTS
                 else data[name] for name in OFFER_COLUMNS)


def session_to_row(session: Session, part: Any) -> tuple[object, ...]:
    """A session's row: its codec data by column, its place as ``part(data)``."""
    data = CODEC.encode(session)["data"]
    return tuple(part(data[name]) if name == "place" and data[name] is not None
                 else data[name] for name in SESSION_COLUMNS)


def _part_data(parts: Any, number: object, path: str) -> Any:
    text = parts.get(number) if number.__class__ is int else None
    if text.__class__ is not str:
        raise InvalidValue(f"{path}: part {shown(number)} is not stored")
    try:
        return json.loads(text)
    except ValueError:
        raise InvalidValue(f"{path}: part {shown(number)} is not JSON") from None


def offer_row_data(row: Iterable[object], parts: Any, path: str = "data") -> dict[str, Any]:
    """The codec data of an offer's row (:data:`OFFER_COLUMNS`), parts read from ``parts``."""
    values = tuple(row)
    if len(values) != len(OFFER_COLUMNS):
        raise InvalidValue(f"{path}: a row of {len(values)} columns, not {len(OFFER_COLUMNS)}")
    data = {name: (None if value is None else _part_data(parts, value, f"{path}.{name}"))
            if name in _OFFER_PARTS else value
            for name, value in zip(OFFER_COLUMNS, values, strict=True)}
    choices = data["options"]
    # a personalisable offer's options and groups share a part; anything else is left to the
    # codec, which names what is wrong with it
    if choices.__class__ is dict and choices.keys() == {"options", "option_groups"}:
        data["options"], data["option_groups"] = choices["options"], choices["option_groups"]
    return data


def session_row_data(row: Iterable[object], parts: Any, path: str = "data") -> dict[str, Any]:
    """The codec data of a session's row (:data:`SESSION_COLUMNS`)."""
    values = tuple(row)
    if len(values) != len(SESSION_COLUMNS):
        raise InvalidValue(f"{path}: a row of {len(values)} columns, not "
                           f"{len(SESSION_COLUMNS)}")
    return {name: (None if value is None else _part_data(parts, value, f"{path}.{name}"))
            if name == "place" else value
            for name, value in zip(SESSION_COLUMNS, values, strict=True)}


class _Parts(dict[object, Any]):
    """Sub-records of one kind by part number, each decoded once, when first looked up.

    ``parts[number]`` is a dict lookup; a number not found yet is decoded (``decode``) and
    kept if it decoded without error (else the error is raised, and nothing kept).
    """

    def __init__(self, parts: Any, decode: Any) -> None:
        super().__init__()
        self._parts = parts
        self._decode = decode

    def __missing__(self, number: object) -> Any:
        found = self[number] = self._decode(_part_data(self._parts, number, "part"))
        return found


class _Amounts(dict[object, Euros]):
    """``Euros`` by whole cents, each made (and checked) once, when first looked up."""

    def __missing__(self, cents: object) -> Euros:
        found = self[cents] = Euros(cents)  # type: ignore[arg-type]  # checked by Euros
        return found


class _Days(dict[object, "date | bool | None"]):
    """A stored day as the codec reads it (:func:`_day_or_none`), each text read once."""

    def __missing__(self, text: object) -> date | bool | None:
        found = self[text] = _day_or_none(text)
        return found


def _strings(data: Any) -> tuple[str, ...]:
    if data.__class__ is not list or any(x.__class__ is not str for x in data):
        raise InvalidValue(f"not a list of strings: {shown(data)}")
    return tuple(data)


def _options(data: Any) -> tuple[tuple[Option, ...], tuple[OptionGroup, ...]]:
    """A part of options: a list of them, or an object of options and option groups."""
    if data.__class__ is dict and data.keys() == {"options", "option_groups"}:
        return (from_data(tuple[Option, ...], data["options"], "part.options"),
                from_data(tuple[OptionGroup, ...], data["option_groups"], "part.option_groups"))
    if data.__class__ is not list:
        raise InvalidValue(f"not a list of options: {shown(data)}")
    return tuple(from_data(Option, o, "part") for o in data), ()


def catalog_from_rows(
    parts: Any, offers: Iterable[Iterable[object]], sessions: Iterable[Iterable[object]]
) -> tuple[list[Offer], list[Session]]:
    """Offers and sessions from a store's rows (:data:`OFFER_COLUMNS`, :data:`SESSION_COLUMNS`).

    ``parts`` maps a part number to its JSON text. Every record is built with its own checks
    (and each part decoded by the codec, once); a row that does not build is decoded again
    from its codec data (:func:`catalog_from_data`), so that an error is the codec's, naming
    the bad field (``offer 12.title``); a missing or unreadable part is an ``InvalidValue``.
    """
    organisms, certifications, places = (
        _Parts(parts, functools.partial(from_data, hint, path="part"))
        for hint in (Organism, Certification, Place))
    lists, choices = _Parts(parts, _strings), _Parts(parts, _options)
    euros = _Amounts()
    slow_offer = _fast_offers(_SameData(), _Cached(Certification, _certification_key),
                              _Cached(Option, _option_key))
    slow_session = _fast_sessions(_Cached(Place, _place_key))
    modalities, action_types = _MODALITIES, _ACTION_TYPES
    found_offers: list[Offer] = []
    add_offer = found_offers.append
    for n, row in enumerate(offers, 1):
        try:
            (offer_id, organism, title, certification, formacodes, price, hours, modality,
             action_type, summary, nsf, option_part) = row
            if offer_id.__class__ is str and title.__class__ is str \
                    and price.__class__ is int and (hours is None or hours.__class__ is int) \
                    and summary.__class__ is str:
                add_offer(Offer(
                    offer_id, organisms[organism], title,  # type: ignore[arg-type]
                    None if certification is None else certifications[certification],
                    lists[formacodes], euros[price], hours,
                    modalities[modality], action_types[action_type], summary,
                    lists[nsf], *choices[option_part]))
                continue
        except (FormationError, TypeError, ValueError, KeyError):
            pass  # decoded again below, which names the field
        add_offer(slow_offer(offer_row_data(row, parts, f"offer {n}"), f"offer {n}"))
    found_sessions: list[Session] = []
    add_session = found_sessions.append
    days = _Days()
    for n, row in enumerate(sessions, 1):
        try:
            session_id, offer_id, start, end, place, seats, price = row
            first, last = days[start], days[end]
            if session_id.__class__ is str and offer_id.__class__ is str \
                    and first is not False and last is not False \
                    and (seats is None or seats.__class__ is int) \
                    and (price is None or price.__class__ is int):
                add_session(Session(
                    session_id, offer_id, first, last,  # type: ignore[arg-type]
                    None if place is None else places[place], seats,
                    None if price is None else euros[price]))
                continue
        except (FormationError, TypeError, ValueError, KeyError):
            pass  # decoded again below, which names the field
        add_session(slow_session(session_row_data(row, parts, f"session {n}"), f"session {n}"))
    return found_offers, found_sessions


# -- accounts: an aggregate, encoded as its identity and its entries -----------------------

def account_to_data(account: Account) -> dict[str, Any]:
    """The plain data of an account: its ids and every entry, in the order appended."""
    return {"account_id": account.account_id, "holder_id": account.holder_id,
            "entries": [entry_to_data(e) for e in account.entries]}


def account_from_data(data: object, path: str = "data") -> Account:
    """Rebuild an account, replaying its entries through the ledger's checks."""
    if not isinstance(data, dict):
        raise _bad(path, "an object for Account", data)
    unknown = sorted(set(data) - {"account_id", "holder_id", "entries"})
    if unknown:
        raise InvalidValue(f"{path}.{unknown[0]}: unknown field of Account; its fields are "
                           "account_id, holder_id, entries")
    ids = []
    for key in ("account_id", "holder_id"):
        value = data.get(key)
        if not isinstance(value, str) or not value:
            raise _bad(f"{path}.{key}", "a non-empty string", value)
        ids.append(value)
    raw = data.get("entries", [])
    if not isinstance(raw, list):
        raise _bad(f"{path}.entries", "a list", raw)
    entries = [entry_from_data(item, f"{path}.entries[{i}]") for i, item in enumerate(raw)]
    try:
        return Account(AccountId(ids[0]), HolderId(ids[1]), entries)
    except FormationError as error:
        raise InvalidValue(f"{path}.entries: {error}") from None


def plain_account_rows(data: object) -> tuple[str, str, list[tuple[str, str]]] | None:
    """An account's data as a store keeps it, for a store's bulk import (``None``: refused).

    The account is decoded by :func:`account_from_data`: every entry built as an
    :class:`~formation.ledger.Entry` with its own checks, and the whole ledger replayed at
    once through :meth:`Ledger.extend <formation.ledger.Ledger.extend>` (the batch: the same
    checks as appending each). The result is the account id, the holder id and, per entry, its
    id and the JSON text of :func:`entry_to_data` (:func:`entry_text`, what a store keeps). ``None`` for data that
    :func:`account_from_data` refuses, and for a ledger that gives one entry twice (a no-op the
    codec keeps): decode it with :func:`account_from_data` then, which names the problem.
    """
    try:
        account = account_from_data(data)
    except FormationError:
        return None
    entries = account.entries
    if not isinstance(data, dict) or len(data.get("entries", ())) != len(entries):
        return None
    return (account.account_id, account.holder_id,
            [(e.entry_id, entry_text(e)) for e in entries])


# -- folders: the funding plan's rulebook stays out -----------------------------------------

def _pairs(cls: type) -> tuple[tuple[str, str], ...]:
    return tuple((f.alias or f.name, f.name) for f in attrs.fields(cls) if f.init)


_BOOKING_PAIRS = _pairs(Booking)
_PLAN_PAIRS = _pairs(FundingPlan)


def _plan_to_data(plan: FundingPlan) -> dict[str, Any]:
    return {key: None if name == "_rulebook" else to_data(getattr(plan, name))
            for key, name in _PLAN_PAIRS}


def booking_to_data(booking: Booking) -> dict[str, Any]:
    """The plain data of a folder, its history and its plan (without the plan's rulebook)."""
    return {key: (None if booking.plan is None else _plan_to_data(booking.plan))
            if name == "plan" else to_data(getattr(booking, name))
            for key, name in _BOOKING_PAIRS}


def booking_from_data(data: object, path: str = "data") -> Booking:
    """Rebuild a folder; every validator of the records runs."""
    booking: Booking = from_data(Booking, data, path)
    return booking


def _plan_from_data(data: object, path: str) -> FundingPlan:
    plan: FundingPlan = from_data(FundingPlan, data, path)
    return plan


# -- rulebook changes: a value decoded with the type of its parameter ------------------------

def _parameter_to_data(value: ParameterValue) -> dict[str, Any]:
    return {"name": value.name, "value": to_data(value.value), "since": value.since.isoformat(),
            "source": value.source, "confidence": value.confidence.value,
            "until": None if value.until is None else value.until.isoformat()}


def _parameter_from_data(data: object, path: str) -> ParameterValue:
    if not isinstance(data, dict):
        raise _bad(path, "an object for ParameterValue", data)
    name = data.get("name")
    if not isinstance(name, str) or name not in _RULES_TYPES:
        raise _bad(f"{path}.name", "the name of a rulebook parameter", name)
    unknown = sorted(set(data) - {"name", "value", "since", "source", "confidence", "until"})
    if unknown:
        raise InvalidValue(f"{path}.{unknown[0]}: unknown field of ParameterValue; its fields "
                           "are name, value, since, source, confidence, until")
    if "value" not in data:
        raise InvalidValue(f"{path}.value: missing (a required field of ParameterValue)")
    value = from_data(_RULES_TYPES[name], data["value"], f"{path}.value")
    since = from_data(date, data.get("since"), f"{path}.since")
    source = from_data(str, data.get("source"), f"{path}.source")
    confidence = from_data(Confidence, data.get("confidence", "C"), f"{path}.confidence")
    until = from_data(date | None, data.get("until"), f"{path}.until")
    try:
        return ParameterValue(name, value, since, source, confidence, until)
    except FormationError as error:
        raise InvalidValue(f"{path}: {error}") from None


def _rulebook_to_data(rulebook: Rulebook) -> dict[str, Any]:
    return {"values": [_parameter_to_data(v) for v in rulebook.values]}


def _rulebook_from_data(data: object, path: str) -> Rulebook:
    if not isinstance(data, dict) or set(data) != {"values"} or \
            not isinstance(data["values"], list):
        raise _bad(path, "an object {'values': [...]} for Rulebook", data)
    values = [_parameter_from_data(v, f"{path}.values[{i}]")
              for i, v in enumerate(data["values"])]
    try:
        return Rulebook(values=values)
    except FormationError as error:
        raise InvalidValue(f"{path}.values: {error}") from None


_OPTION_DEFAULTS = {f.alias or f.name: to_data(f.default) for f in attrs.fields(Option)
                    if f.name in ("hours", "requires", "excludes")}


def _lean_option(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items()
            if k not in _OPTION_DEFAULTS or _OPTION_DEFAULTS[k] != v}


def offer_to_data(offer: Offer) -> dict[str, Any]:
    """An offer's data, without the fields of personalisation at their default.

    An offer without option groups has no ``option_groups`` key, and an option that adds no
    hours, requires and excludes nothing has no ``hours``, ``requires`` nor ``excludes``: the
    data of a plain offer is what it was before offers could be personalised (stores and
    exports of that time read the same).
    """
    data: dict[str, Any] = to_data(offer)
    data["options"] = [_lean_option(o) for o in data["options"]]
    if data["option_groups"]:
        for group in data["option_groups"]:
            group["options"] = [_lean_option(o) for o in group["options"]]
    else:
        del data["option_groups"]
    return data


def offer_from_data(data: object, path: str = "data") -> Offer:
    """An offer from its data (:func:`offer_to_data`; the fields left out take their default)."""
    offer: Offer = from_data(Offer, data, path)
    return offer


CODEC = Codec(
    types={cls.__name__: cls for cls in (
        Account, Booking, ConsentRequest, Entry, FundingPlan, Holder, Offer, Organism,
        ParameterValue, RatingSummary, Review, Rulebook, Session, TopUp)},
    special={
        Account: (account_to_data, account_from_data),
        Booking: (booking_to_data, booking_from_data),
        Entry: (entry_to_data, entry_from_data),
        FundingPlan: (_plan_to_data, _plan_from_data),
        Offer: (offer_to_data, offer_from_data),
        ParameterValue: (_parameter_to_data, _parameter_from_data),
        Rulebook: (_rulebook_to_data, _rulebook_from_data),
    },
)
"""The codec of every entity of ``formation`` (see the module docstring)."""
