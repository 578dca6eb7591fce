"""Days and instants: the one home of "is this a date, is this an instant, which time zone".

The core reasons in dates (``datetime.date``); what happens at a moment (a request sent, a
proposal accepted) is an *instant*, a timezone-aware ``datetime``. A ``datetime`` is never
silently taken for a date (``datetime`` subclasses ``date``: :func:`check_date` refuses it), and
an instant becomes a local date once, at the edge, in the time zone of the territory whose
calendar counts the days (:data:`TIME_ZONES`, :func:`local_date`): a request sent at 23:30 UTC
on a Sunday in winter is a Monday request in Paris (``cpf-rules.md`` 5.2: deadlines run to the
end of a local day).

>>> from datetime import timezone
>>> local_date(datetime(2026, 1, 4, 23, 30, tzinfo=timezone.utc))  # Monday 00:30 in Paris
datetime.date(2026, 1, 5)
>>> local_date(datetime(2026, 1, 4, 23, 30, tzinfo=timezone.utc), Territory.GUYANE)
datetime.date(2026, 1, 4)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from formation.calendar.territories import Territory
from formation.errors import InvalidValue

__all__ = [
    "Placed",
    "TIME_ZONES",
    "check_date",
    "check_instant",
    "check_optional_date",
    "date_field",
    "instant_field",
    "local_date",
    "optional_date_field",
    "time_zone",
]

TIME_ZONES: Mapping[Territory, ZoneInfo] = MappingProxyType({
    Territory.METROPOLE: ZoneInfo("Europe/Paris"),
    Territory.ALSACE_MOSELLE: ZoneInfo("Europe/Paris"),
    Territory.GUADELOUPE: ZoneInfo("America/Guadeloupe"),
    Territory.MARTINIQUE: ZoneInfo("America/Martinique"),
    Territory.GUYANE: ZoneInfo("America/Cayenne"),
    Territory.LA_REUNION: ZoneInfo("Indian/Reunion"),
    Territory.MAYOTTE: ZoneInfo("Indian/Mayotte"),
    Territory.SAINT_BARTHELEMY: ZoneInfo("America/St_Barthelemy"),
    Territory.SAINT_MARTIN: ZoneInfo("America/Marigot"),
})
"""The IANA time zone in which each territory's days begin and end."""


class Placed(Protocol):
    """Anything that belongs to a territory (a :class:`~formation.BusinessCalendar`)."""

    @property
    def territory(self) -> Territory:
        """The territory whose days it counts."""
        ...


def check_date(value: object, name: str = "day") -> date:
    """Return ``value`` if it is a ``date`` (and not a ``datetime``), else raise ``InvalidValue``."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidValue(
            f"{name} must be a datetime.date (not a datetime), got {type(value).__name__} {value!r}"
        )
    return value


def check_optional_date(value: object, name: str = "day") -> date | None:
    """``None``, or a date checked by :func:`check_date`."""
    return None if value is None else check_date(value, name)


def check_instant(value: object, name: str = "at") -> datetime:
    """Return ``value`` if it is an aware ``datetime``, else raise ``InvalidValue``."""
    if not isinstance(value, datetime):
        raise InvalidValue(
            f"{name} must be a timezone-aware datetime, got {type(value).__name__} {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(
            f"{name} must be timezone-aware (an instant), got the naive datetime {value!r}; "
            "add tzinfo=ZoneInfo('Europe/Paris') or timezone.utc")
    return value


def date_field(_instance: object, attribute: Any, value: Any) -> None:
    """An attrs validator: the field is a date (:func:`check_date`, named by the field)."""
    if value.__class__ is not date:  # the common case first: a plain date is fine
        check_date(value, attribute.name)


def optional_date_field(_instance: object, attribute: Any, value: Any) -> None:
    """An attrs validator: the field is ``None`` or a date."""
    if value is not None and value.__class__ is not date:
        check_date(value, attribute.name)


def instant_field(_instance: object, attribute: Any, value: Any) -> None:
    """An attrs validator: the field is an instant (:func:`check_instant`)."""
    check_instant(value, attribute.name)


def time_zone(where: Territory | Placed | None = None) -> ZoneInfo:
    """The time zone of a territory, or of a calendar's territory (the metropole by default)."""
    territory = Territory.METROPOLE if where is None else (
        where if isinstance(where, Territory) else where.territory)
    found = TIME_ZONES.get(territory)
    if found is None:
        raise InvalidValue(f"no time zone for {where!r}; known territories: "
                           + ", ".join(t.value for t in TIME_ZONES))
    return found


def local_date(instant: datetime, where: Territory | Placed | None = None) -> date:
    """The local date of an aware instant in a territory (or a calendar's; metropole by default).

    Raises:
        InvalidValue: a naive datetime, or anything else than a datetime.
    """
    return check_instant(instant, "instant").astimezone(time_zone(where)).date()
