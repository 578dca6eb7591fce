"""The validators every record and public function uses, each raising a clear ``InvalidValue``.

A validator takes the value and the name of the field, returns the value (coerced where that is
safe: an enum from its value) and otherwise raises :class:`formation.errors.InvalidValue` with a
stable code (``int.out_of_range``, ``date.wrong_type``…), the field, the value shortened by
:func:`shown` and what is accepted, in English and French (:mod:`formation.messages`).

:func:`shown` never fails: an ``int`` of more than 4 300 digits (whose ``str`` raises
``ValueError`` since Python 3.11), a string of a million characters, a list nested a thousand
times deep or an object whose ``repr`` raises are all shown in a few dozen characters.

Dates are bounded to :data:`FIRST_DAY`–:data:`LAST_DAY` (the rulebook starts in 1900, the
calendar ends in 2200): nothing the CPF handles falls outside, and day arithmetic on such a date
never overflows. Instants are aware datetimes within the same years.

>>> check_int(3, "seats", minimum=0)
3
>>> check_int(-1, "seats", minimum=0)
Traceback (most recent call last):
...
formation.errors.InvalidValue: seats must be at least 0, got -1
>>> shown(10 ** 5000)
'an int of 5001 digits'
"""

from __future__ import annotations

import enum
import math
import reprlib
from collections.abc import Callable, Hashable, Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar

from formation.errors import FormationError, InvalidType, InvalidValue

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "MAX_ID_LENGTH",
    "check_bool",
    "check_date",
    "check_enum",
    "check_finite",
    "check_id",
    "check_instance",
    "check_instant",
    "check_int",
    "check_iterable",
    "check_text",
    "instance_of",
    "shown",
    "validator",
]

FIRST_DAY = date(1900, 1, 1)
"""The first day ``formation`` accepts."""

LAST_DAY = date(2200, 12, 31)
"""The last day ``formation`` accepts."""

MAX_ID_LENGTH = 256
"""The longest identifier accepted, in characters."""

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)

_MAX_SHOWN_DIGITS = 30


class _Shown(reprlib.Repr):
    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxstring = 60
        self.maxother = 60
        self.maxlong = 40

    def repr_int(self, x: int, level: int) -> str:
        if abs(x) < 10 ** _MAX_SHOWN_DIGITS:
            return repr(x)
        digits = len(str(abs(x))) if x.bit_length() < 14_000 else int(
            x.bit_length() * math.log10(2)) + 1
        return f"an int of {digits} digits"

    def repr_float(self, x: float, level: int) -> str:
        return repr(x)

    def repr_date(self, x: date, level: int) -> str:
        return x.isoformat()

    def repr_datetime(self, x: datetime, level: int) -> str:
        return x.isoformat()


_SHOWN = _Shown()


def shown(value: object) -> str:
    """``value`` as a short, safe text for a message: never raises, never long.

    >>> shown("x" * 1000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxx...xxxxxxxxxxxxxxxxxxxxxxxxxxxx' (1000 characters)"
    >>> shown([[[[[1]]]]])
    '[[[[...]]]]'
    """
    try:
        text = _SHOWN.repr(value)
        if isinstance(value, (str, bytes)) and len(value) > _SHOWN.maxstring:
            text += f" ({len(value)} characters)"
        return text
    except Exception:
        return f"a {type(value).__name__}"


def _type_name(value: object) -> str:
    return type(value).__name__


def _refuse(code: str, field: str, value: object, **params: object) -> InvalidValue:
    return InvalidValue(code=code, field=field, value=f"{_type_name(value)} {shown(value)}",
                        **params)


def check_instance(value: object, kind: type[T] | tuple[type, ...], field: str,
                   accepted: str = "", accepted_fr: str = "") -> T:
    """``value`` if it is an instance of ``kind``, else :class:`~formation.errors.InvalidType`
    (an ``InvalidValue`` that is also a ``TypeError``, like ``attrs.validators.instance_of``)."""
    if not isinstance(value, kind):
        names = _names(kind)
        raise InvalidType(code="value.wrong_type", field=field,
                          value=f"{_type_name(value)} {shown(value)}",
                          accepted=accepted or f"a {names}",
                          accepted_fr=accepted_fr or f"de type {names}")
    return value  # type: ignore[return-value]


def instance_of(kind: type | tuple[type, ...], optional: bool = False
                ) -> Callable[[Any, Any, Any], None]:
    """An attrs validator like ``attrs.validators.instance_of`` raising ``InvalidValue``."""
    def check(instance: object, attribute: Any, value: object) -> None:
        if optional and value is None:
            return
        check_instance(value, kind, attribute.name)
    return check


def validator(check: Callable[..., object], **options: object) -> Callable[[Any, Any, Any], None]:
    """An attrs validator running ``check(value, field_name, **options)``.

    >>> import attrs
    >>> @attrs.frozen
    ... class Room:
    ...     seats: int = attrs.field(validator=validator(check_int, minimum=0))
    >>> Room(-2)
    Traceback (most recent call last):
    ...
    formation.errors.InvalidValue: seats must be at least 0, got -2
    """
    def run(instance: object, attribute: Any, value: object) -> None:
        check(value, attribute.name, **options)
    return run


def check_int(value: object, field: str, minimum: int | None = None,
              maximum: int | None = None) -> int:
    """``value`` if it is an ``int`` (not a ``bool``, not a ``float``) within the bounds."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise _refuse("int.wrong_type", field, value)
    if minimum is not None and value < minimum:
        if maximum is not None:
            raise InvalidValue(code="int.out_of_range", field=field, value=shown(value),
                               minimum=minimum, maximum=maximum)
        raise InvalidValue(code="value.too_small", field=field, value=shown(value),
                           minimum=minimum)
    if maximum is not None and value > maximum:
        if minimum is not None:
            raise InvalidValue(code="int.out_of_range", field=field, value=shown(value),
                               minimum=minimum, maximum=maximum)
        raise InvalidValue(code="value.too_large", field=field, value=shown(value),
                           maximum=maximum)
    return int(value)


def check_bool(value: object, field: str) -> bool:
    """``value`` if it is ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise _refuse("bool.wrong_type", field, value)
    return value


def check_finite(value: object, field: str, minimum: float | None = None,
                 maximum: float | None = None) -> float:
    """``value`` if it is a finite ``int`` or ``float`` (not ``nan``, not ``inf``) in bounds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _refuse("value.wrong_type", field, value, accepted="a number",
                      accepted_fr="un nombre")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidValue(code="value.not_finite", field=field, value=shown(value))
    if isinstance(value, int) and abs(value) > 10 ** 18:
        raise InvalidValue(code="value.out_of_range", field=field, value=shown(value),
                           minimum=minimum if minimum is not None else -10 ** 18,
                           maximum=maximum if maximum is not None else 10 ** 18)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise InvalidValue(code="value.out_of_range", field=field, value=shown(value),
                           minimum=minimum, maximum=maximum)
    return value


def _control(text: str) -> bool:
    return not text.isprintable() and any(
        (ord(c) < 32 and c not in "\t\n\r") or c == "\x7f" for c in text)


def check_text(value: object, field: str, empty: bool = False,
               max_length: int | None = None) -> str:
    """``value`` if it is a ``str``, non-blank unless ``empty``, with no NUL nor control
    character other than tabs and line breaks, at most ``max_length`` characters."""
    if not isinstance(value, str):
        raise _refuse("value.wrong_type", field, value, accepted="a str",
                      accepted_fr="un texte (str)")
    if not empty and not value.strip():
        raise InvalidValue(code="text.empty", field=field, value=shown(value))
    if max_length is not None and len(value) > max_length:
        raise InvalidValue(code="text.too_long", field=field, maximum=max_length,
                           length=len(value))
    if _control(value):
        raise InvalidValue(code="text.control_character", field=field, value=shown(value))
    return value


def check_id(value: object, field: str) -> str:
    """``value`` if it is a non-blank ``str`` of at most :data:`MAX_ID_LENGTH` characters
    without control characters (an identifier: a holder, an offer, an entry…)."""
    if not isinstance(value, str):
        raise _refuse("id.wrong_type", field, value)
    if not value.strip():
        raise InvalidValue(code="id.empty", field=field, value=shown(value))
    if len(value) > MAX_ID_LENGTH:
        raise InvalidValue(code="id.too_long", field=field, maximum=MAX_ID_LENGTH,
                           length=len(value))
    if not value.isprintable():
        raise InvalidValue(code="id.control_character", field=field, value=shown(value))
    return value


def check_date(value: object, field: str = "day") -> date:
    """``value`` if it is a ``date`` (not a ``datetime``) from :data:`FIRST_DAY` to
    :data:`LAST_DAY`."""
    if type(value) is not date and (isinstance(value, datetime) or not isinstance(value, date)):
        raise _refuse("date.wrong_type", field, value)
    if not FIRST_DAY <= value <= LAST_DAY:
        raise InvalidValue(code="date.out_of_range", field=field, value=shown(value),
                           minimum=FIRST_DAY.isoformat(), maximum=LAST_DAY.isoformat())
    return value


# compared with the wall time of the instant (its own offset is under a day)
_FIRST_INSTANT = datetime(FIRST_DAY.year, 1, 2, tzinfo=timezone.utc).replace(tzinfo=None)
_LAST_INSTANT = datetime(LAST_DAY.year, 12, 30, tzinfo=timezone.utc).replace(tzinfo=None)


def check_instant(value: object, field: str = "at") -> datetime:
    """``value`` if it is an aware ``datetime`` within the years of :data:`FIRST_DAY` to
    :data:`LAST_DAY` (a day of margin each side, so that any time zone's local date is in
    range)."""
    if not isinstance(value, datetime):
        raise _refuse("instant.wrong_type", field, value)
    try:
        offset = value.utcoffset()
    except Exception:  # a tzinfo that fails: not an instant
        offset = None
    if offset is None:
        raise InvalidValue(code="instant.naive", field=field, value=shown(value))
    if abs(offset) >= timedelta(days=1):  # pragma: no cover - datetime refuses such offsets
        raise InvalidValue(code="instant.naive", field=field, value=shown(value))
    naive = value.replace(tzinfo=None)
    if not _FIRST_INSTANT <= naive <= _LAST_INSTANT:
        raise InvalidValue(code="instant.out_of_range", field=field, value=shown(value),
                           minimum=_FIRST_INSTANT.date().isoformat(),
                           maximum=_LAST_INSTANT.date().isoformat())
    return value


def check_enum(value: object, kind: type[E], field: str) -> E:
    """``value`` as a member of ``kind``: a member, or a member's value (``"presentiel"``).

    >>> import enum
    >>> class Colour(enum.Enum):
    ...     RED = "red"
    >>> check_enum("red", Colour, "colour")
    <Colour.RED: 'red'>
    >>> check_enum("blue", Colour, "colour")
    Traceback (most recent call last):
    ...
    formation.errors.InvalidValue: colour must be one of ['red'], got str 'blue'
    """
    if isinstance(value, kind):
        return value
    if isinstance(value, Hashable) and not isinstance(value, (bool, float)):
        try:
            return kind(value)
        except (ValueError, TypeError):
            pass
    raise _refuse("enum.unknown", field, value, accepted=shown([m.value for m in kind]))


def check_iterable(value: object, field: str, kind: type[T] | tuple[type, ...] | None = None,
                   limit: int | None = None) -> tuple[T, ...]:
    """``value`` as a tuple: a tuple, list, set, frozenset or other non-text iterable, each item
    an instance of ``kind`` when given, at most ``limit`` items."""
    if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Iterable):
        raise _refuse("collection.wrong_type", field, value,
                      accepted="a tuple or list" + (f" of {_names(kind)}" if kind else ""),
                      accepted_fr="un tuple ou une liste" + (f" de {_names(kind)}" if kind else ""))
    try:
        items = tuple(value)
    except FormationError:
        raise
    except Exception:
        raise _refuse("collection.wrong_type", field, value, accepted="an iterable",
                      accepted_fr="une suite lisible") from None
    if limit is not None and len(items) > limit:
        raise InvalidValue(code="value.too_large", field=f"{field} (items)", value=len(items),
                           maximum=limit)
    if kind is not None:
        for item in items:
            if not isinstance(item, kind):
                raise _refuse("collection.wrong_type", field, item,
                              accepted=f"a tuple or list of {_names(kind)}",
                              accepted_fr=f"un tuple ou une liste de {_names(kind)}")
    return items


def _names(kind: type | tuple[type, ...] | None) -> str:
    if kind is None:
        return ""
    if isinstance(kind, type):
        return kind.__name__
    return " or ".join(k.__name__ for k in kind)

