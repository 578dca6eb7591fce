"""A JSON codec for the records of ``formation``: plain dicts, versioned documents, exact paths.

Every record becomes a *document*::

    {"type": "Offer", "version": 1, "data": {...}}

whose data is plain JSON: dates and instants in ISO 8601 (instants keep their UTC offset),
money as its integer cents, enums by value, fractions as ``"n/d"``, tuples and frozensets as
lists (frozensets sorted, so a document is deterministic), nested records as objects keyed by
their field names. The codec reads the records' own type annotations (attrs fields), so a new
field is encoded without touching this module.

Decoding checks everything and names the exact path of a bad field: a document of an unknown
type or of a newer version, a missing or unknown field, a value of the wrong type, all raise
:class:`~formation.errors.InvalidValue` (``data.organism.siret: …``). Constructors run, so
domain validation applies as well.

Serialization lives here, outside the records (the attrs/cattrs habit): the core does not know
about JSON.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from fractions import Fraction
from typing import Any, TypeVar

import attrs

from formation.checks import check_text, shown
from formation.errors import FormationError, InvalidValue
from formation.money import Euros

__all__ = [
    "Codec",
    "SCHEMA_VERSION",
    "from_data",
    "to_data",
]

SCHEMA_VERSION = 1
"""The version written in every document; a newer one is refused on decoding."""

T = TypeVar("T")


def to_data(value: object) -> Any:
    """Turn a value into plain JSON data (see the module docstring for the mapping).

    The way to encode each type is worked out once, on its first value, and kept.
    """
    encoder = _ENCODERS.get(value.__class__)
    if encoder is None:
        encoder = _ENCODERS[value.__class__] = _encoder_for(value.__class__)
    try:
        return encoder(value)
    except RecursionError:
        raise InvalidValue(f"cannot encode {type(value).__name__}: nested too deep") from None


def _same(value: Any) -> Any:
    return value


def _instant(value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(f"cannot encode a naive datetime {shown(value)}: instants are aware")
    return value.isoformat()


def _unknown(value: object) -> Any:
    raise InvalidValue(f"cannot encode {type(value).__name__} {shown(value)} as JSON data")


def _encoder_for(cls: type) -> Callable[[Any], Any]:
    """How to encode a value of ``cls`` (in the order of the module docstring's mapping)."""
    if cls is type(None) or issubclass(cls, (bool, str)):
        return _same
    if issubclass(cls, int) and not issubclass(cls, enum.Enum):
        return _same
    if issubclass(cls, Euros):
        return lambda value: value.cents
    if issubclass(cls, datetime):
        return _instant
    if issubclass(cls, date):
        return lambda value: value.isoformat()
    if issubclass(cls, enum.Enum):
        return lambda value: to_data(value.value)
    if issubclass(cls, Fraction):
        return lambda value: f"{value.numerator}/{value.denominator}"
    if issubclass(cls, float):
        return _same
    if attrs.has(cls):
        pairs = tuple((f.alias or f.name, f.name) for f in attrs.fields(cls) if f.init)
        return lambda value: {key: to_data(getattr(value, name)) for key, name in pairs}
    if issubclass(cls, Mapping):
        return lambda value: {str(to_data(k)): to_data(v) for k, v in value.items()}
    if issubclass(cls, (frozenset, set)):
        return lambda value: sorted((to_data(v) for v in value), key=_sort_key)
    if issubclass(cls, (list, tuple)):
        return lambda value: [to_data(v) for v in value]
    return _unknown


_ENCODERS: dict[type, Callable[[Any], Any]] = {}


def _sort_key(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _fail(path: str, expected: str, data: object) -> typing.NoReturn:
    raise InvalidValue(f"{path}: expected {expected}, got {type(data).__name__} {shown(data)}")


def _hints(cls: type) -> dict[str, Any]:
    attrs.resolve_types(cls)
    return {f.name: f.type for f in attrs.fields(cls)}


def from_data(hint: Any, data: object, path: str = "data") -> Any:
    """Rebuild a value of type ``hint`` from plain JSON data; errors name ``path``.

    The decoder of each type is worked out once, on its first use, and kept.
    """
    check_text(path, "path")
    try:
        return _decoder(hint)(data, path)
    except RecursionError:
        raise InvalidValue(f"{path}: the data is nested too deep") from None


def _decoder(hint: Any) -> Decoder:
    try:
        return _DECODERS[hint]
    except KeyError:
        decoder = _DECODERS[hint] = _decoder_for(hint)
        return decoder
    except TypeError:  # an unhashable annotation
        return _decoder_for(hint)


Decoder = Callable[[Any, str], Any]
_DECODERS: dict[Any, Decoder] = {}


def _decoder_for(hint: Any) -> Decoder:
    supertype = getattr(hint, "__supertype__", None)
    if supertype is not None:  # a NewType
        return _decoder(supertype)
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return _union_decoder(typing.get_args(hint))
    if hint is Any or hint is object:
        return lambda data, path: data
    if hint is type(None):
        return _none
    if origin in (tuple, frozenset, list):
        return _sequence_decoder(origin, typing.get_args(hint))
    if origin in (dict, Mapping):
        key_hint, value_hint = typing.get_args(hint)

        def mapping(data: Any, path: str) -> Any:
            if not isinstance(data, dict):
                _fail(path, "an object", data)
            return {from_data(key_hint, k, f"{path}.<key>"):
                    from_data(value_hint, v, f"{path}.{k}") for k, v in data.items()}
        return mapping
    if not isinstance(hint, type):
        def unknown(data: Any, path: str) -> Any:
            raise InvalidValue(f"{path}: the codec does not know the type {shown(hint)}")
        return unknown
    scalar = _SCALARS.get(hint)
    if scalar is not None:
        return scalar
    if issubclass(hint, enum.Enum):
        return _enum_decoder(hint)
    if attrs.has(hint):
        return _record_decoder(hint)

    def foreign(data: Any, path: str) -> Any:
        raise InvalidValue(f"{path}: the codec does not know the type {hint.__name__}")
    return foreign


def _none(data: Any, path: str) -> None:
    if data is not None:
        _fail(path, "null", data)


def _union_decoder(arms: tuple[Any, ...]) -> Decoder:
    optional = type(None) in arms
    others = [arm for arm in arms if arm is not type(None)]
    names = " or ".join(_name(a) for a in arms)
    listed = " | ".join(_name(a) for a in arms)
    if optional and len(others) == 1:
        only = others[0]

        def maybe(data: Any, path: str) -> Any:
            return None if data is None else _decoder(only)(data, path)
        return maybe

    def union(data: Any, path: str) -> Any:
        if data is None:
            if optional:
                return None
            _fail(path, names, data)
        errors = []
        for arm in others:
            try:
                return _decoder(arm)(data, path)
            except InvalidValue as error:
                errors.append(str(error))
        raise InvalidValue(errors[0] if len(errors) == 1 else f"{path}: no type of "
                           f"{listed} accepts {shown(data)}")
    return union


def _sequence_decoder(origin: Any, args: tuple[Any, ...]) -> Decoder:
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        def fixed(data: Any, path: str) -> Any:
            if not isinstance(data, list):
                _fail(path, "a list", data)
            if len(data) != len(args):
                _fail(path, f"a list of {len(args)} items", data)
            return tuple(from_data(a, d, f"{path}[{i}]") for i, (a, d) in
                         enumerate(zip(args, data, strict=True)))
        return fixed
    item = args[0]

    def sequence(data: Any, path: str) -> Any:
        if not isinstance(data, list):
            _fail(path, "a list", data)
        decode = _decoder(item)
        items = [decode(d, f"{path}[{i}]") for i, d in enumerate(data)]
        return frozenset(items) if origin is frozenset else (
            tuple(items) if origin is tuple else items)
    return sequence


def _enum_decoder(cls: type[enum.Enum]) -> Decoder:
    members = {m.value: m for m in cls}
    expected = "one of " + ", ".join(repr(m.value) for m in cls)

    def member(data: Any, path: str) -> Any:
        try:
            found = members.get(data)
        except TypeError:  # an unhashable value
            found = None
        if found is None:
            _fail(path, expected, data)
        return found
    return member


def _record_decoder(cls: type) -> Decoder:
    specs: list[tuple[str, Decoder, bool]] = []
    known: set[str] = set()

    def record(data: Any, path: str) -> Any:
        if not specs:  # worked out on first use, so that records may refer to each other
            hints = _hints(cls)
            specs.extend(((f.alias or f.name), _decoder(hints[f.name]),
                          f.default is attrs.NOTHING)
                         for f in attrs.fields(typing.cast(Any, cls)) if f.init)
            known.update(spec[0] for spec in specs)
        if not isinstance(data, dict):
            _fail(path, f"an object for {cls.__name__}", data)
        if not data.keys() <= known:
            unknown = sorted(set(data) - known)
            raise InvalidValue(f"{path}.{unknown[0]}: unknown field of {cls.__name__}; its "
                               "fields are " + ", ".join(spec[0] for spec in specs))
        kwargs: dict[str, Any] = {}
        for key, decode, required in specs:
            if key in data:
                kwargs[key] = decode(data[key], f"{path}.{key}")
            elif required:
                raise InvalidValue(f"{path}.{key}: missing (a required field of {cls.__name__})")
        try:
            return cls(**kwargs)
        except FormationError as error:
            raise InvalidValue(f"{path}: {error}") from None
        except (TypeError, ValueError) as error:
            raise InvalidValue(f"{path}: {error}") from None
    return record


def _name(hint: Any) -> str:
    return getattr(hint, "__name__", str(hint))


def _int(data: object, path: str) -> int:
    if type(data) is not int:
        _fail(path, "an integer", data)
    return data


def _euros(data: object, path: str) -> Euros:
    if type(data) is not int:
        _fail(path, "an amount in cents (an integer)", data)
    return Euros(data)


def _str(data: object, path: str) -> str:
    if not isinstance(data, str):
        _fail(path, "a string", data)
    return data


def _bool(data: object, path: str) -> bool:
    if not isinstance(data, bool):
        _fail(path, "true or false", data)
    return data


def _float(data: object, path: str) -> float:
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        _fail(path, "a number", data)
    return float(data)


def _date(data: object, path: str) -> date:
    if not isinstance(data, str) or len(data) != 10:
        _fail(path, "an ISO date YYYY-MM-DD", data)
    try:
        return date.fromisoformat(data)
    except ValueError:
        _fail(path, "an ISO date YYYY-MM-DD", data)


def _datetime(data: object, path: str) -> datetime:
    if not isinstance(data, str):
        _fail(path, "an ISO instant with its UTC offset", data)
    try:
        value = datetime.fromisoformat(data)
    except ValueError:
        _fail(path, "an ISO instant with its UTC offset", data)
    if value.tzinfo is None:
        _fail(path, "an ISO instant with its UTC offset (an aware datetime)", data)
    return value


def _fraction(data: object, path: str) -> Fraction:
    if not isinstance(data, str) or data.count("/") != 1:
        _fail(path, "a fraction 'n/d'", data)
    numerator, denominator = data.split("/")
    try:
        return Fraction(int(numerator), int(denominator))
    except (ValueError, ZeroDivisionError):
        _fail(path, "a fraction 'n/d'", data)


_SCALARS: dict[type, Callable[[object, str], Any]] = {
    bool: _bool,
    int: _int,
    str: _str,
    float: _float,
    Euros: _euros,
    datetime: _datetime,
    date: _date,
    Fraction: _fraction,
}


@attrs.frozen
class Codec:
    """Encodes records as versioned documents and decodes them back.

    Attributes:
        types: the record types it knows, by name (the ``"type"`` of a document).
        special: for types whose data is not their attrs fields (an aggregate such as an
            account with its ledger, a rulebook), a pair of functions
            ``(to_data(value) -> data, from_data(data, path) -> value)``.
    """

    types: Mapping[str, type]
    special: Mapping[type, tuple[Callable[[Any], Any], Callable[[Any, str], Any]]] = attrs.field(
        factory=dict)

    def encode(self, value: object) -> dict[str, Any]:
        """The document of ``value``."""
        name = type(value).__name__
        if self.types.get(name) is not type(value):
            raise InvalidValue(f"the codec does not know {name}; it knows " + ", ".join(self.types))
        special = self.special.get(type(value))
        data = special[0](value) if special else to_data(value)
        return {"type": name, "version": SCHEMA_VERSION, "data": data}

    def decode(self, document: object, expected: type[T] | None = None) -> T:
        """The record a document holds.

        Raises:
            InvalidValue: not a document, an unknown type, another type than ``expected``, a
                newer or unknown version, or a bad field (its path is named).
        """
        if not isinstance(document, dict):
            _fail("document", "an object with type, version and data", document)
        unknown = sorted(set(document) - {"type", "version", "data"})
        if unknown:
            raise InvalidValue(f"document.{unknown[0]}: unknown key; a document has type, "
                               "version and data")
        name = document.get("type")
        cls = self.types.get(name) if isinstance(name, str) else None
        if cls is None:
            _fail("document.type", "one of " + ", ".join(self.types), name)
        if expected is not None and cls is not expected:
            _fail("document.type", repr(expected.__name__), name)
        version = document.get("version")
        if type(version) is not int or version < 1:
            _fail("document.version", "a positive integer", version)
        if version > SCHEMA_VERSION:
            raise InvalidValue(
                f"document.version: version {version} is newer than this library's "
                f"{SCHEMA_VERSION}; upgrade formation to read it"
            )
        if "data" not in document:
            raise InvalidValue("document.data: missing")
        special = self.special.get(cls)
        if special:
            value = special[1](document["data"], "data")
        else:
            value = from_data(cls, document["data"], "data")
        return typing.cast(T, value)
