"""The catalogue of eligible trainings: organisms, certifications, offers, options and sessions.

Mon Compte Formation lists *offers* (a training sold by an organism, toward a certification,
described by themes, a duration, a price and a modality) and their *sessions* (dated runs, in a
place or at a distance). An offer may carry *options*: priced add-ons the holder chooses (extra
hours, an exam fee, equipment), each marked as fundable by CPF rights or not; options that are
not fundable are paid by card. Source: ``cpf-rules.md`` section 7 (the fields of a catalogue
entry, from the open-data export and the EDOF payloads).

A *personalisable* offer also lists :class:`OptionGroup`\\ s: options among which the holder
picks exactly one, at most one, at least one or any (:class:`Pick`); an option may add hours
(a module) and require or exclude other options. The rules of a choice (every violation at
once, the price and the hours that follow) are in :mod:`formation.catalog.choices`.

These are plain frozen records validated on construction; the eligibility rules live in
:mod:`formation.catalog.eligibility` and the search in :mod:`formation.catalog.search`.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import attrs

from formation.calendar.instants import date_field, optional_date_field
from formation.catalog.geography import DEPARTMENTS, department
from formation.checks import check_id, check_text, shown
from formation.errors import InvalidType, InvalidValue
from formation.ids import OfferId, SessionId
from formation.money import Euros
from formation.rules.actions import ActionType

__all__ = [
    "Certification",
    "Modality",
    "Offer",
    "Option",
    "OptionGroup",
    "Organism",
    "Pick",
    "Place",
    "QualiopiCertification",
    "Registry",
    "Session",
    "is_valid_siret",
]


@enum.unique
class Registry(enum.Enum):
    """The national registers of certifications that CPF funds (L6323-6)."""

    RNCP = "RNCP"  # répertoire national des certifications professionnelles
    RS = "RS"  # répertoire spécifique (habilitations, CléA, TOSA…)


@enum.unique
class Modality(enum.Enum):
    """How a training is delivered (``modalite_presence`` in the open data)."""

    IN_PERSON = "presentiel"  # in a place
    DISTANCE = "distanciel"  # at a distance
    MIXED = "mixte"  # partly both


_SIRET = re.compile(r"^\d{14}$", re.ASCII)
_NDA = re.compile(r"^[0-9AB]{11}$", re.ASCII)
_FORMACODE = re.compile(r"^\d{5}$", re.ASCII)
_NSF = re.compile(r"^\d{3}[a-z]?$", re.ASCII)
_DEPARTMENT = re.compile(r"^(0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-8])$", re.ASCII)
_REGION = re.compile(r"^\d{2}$", re.ASCII)
_POSTCODE = re.compile(r"^\d{5}$", re.ASCII)
_LA_POSTE_SIREN = "356000000"
# the region of each of the 101 departments (the overseas collectivities 975, 977 and 978 have
# no INSEE region: any 2-digit code is accepted for them)
_REGION_OF_DEPARTMENT = {d.code: d.region for d in DEPARTMENTS}

Check = Callable[[Any, "attrs.Attribute[Any]", Any], None]
Convert = Callable[[Any], tuple[str, ...]]


def is_valid_siret(siret: str) -> bool:
    """Whether ``siret`` is 14 digits with a valid check digit.

    The check is Luhn's algorithm over the 14 digits; La Poste's establishments (SIREN
    356 000 000) are the known exception, whose digits must sum to a multiple of 5 (its head
    office, 356 000 000 00048, passes Luhn's check and is accepted too).

    >>> is_valid_siret("78959578200051"), is_valid_siret("78959578200052")
    (True, False)
    """
    if not isinstance(siret, str) or not _SIRET.fullmatch(siret):
        return False
    if siret.startswith(_LA_POSTE_SIREN) and sum(int(c) for c in siret) % 5 == 0:
        return True
    total = 0
    for index, char in enumerate(reversed(siret)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not str or not value.strip() or not value.isprintable():
        check_text(value, attribute.name)


def _id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_id(value, attribute.name)


def _pattern(pattern: re.Pattern[str], accepted: str, optional: bool = False) -> Check:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if optional and value is None:
            return
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise InvalidValue(f"{attribute.name} must be {accepted}, got {shown(value)}")
    return check




def _money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Euros):
        raise InvalidValue(f"{attribute.name} must be Euros, got {type(value).__name__} {shown(value)}")
    if value.cents < 0:
        raise InvalidValue(f"{attribute.name} cannot be negative, got {value}")


def _instance(kind: type, optional: bool = False) -> Check:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if optional and value is None:
            return
        if not isinstance(value, kind):
            raise InvalidValue(
                f"{attribute.name} must be a {kind.__name__}"
                f"{' or None' if optional else ''}, got {shown(value)}"
            )
    return check


def _non_negative_int(optional: bool = False) -> Check:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if optional and value is None:
            return
        if type(value) is not int or value < 0:
            raise InvalidValue(
                f"{attribute.name} must be a non-negative int{' or None' if optional else ''}, "
                f"got {shown(value)}"
            )
    return check


@attrs.frozen
class QualiopiCertification:
    """An organism's Qualiopi quality certification, required for CPF since 1 January 2022."""

    valid_from: date = attrs.field(validator=date_field)
    valid_until: date = attrs.field(validator=date_field)

    def __attrs_post_init__(self) -> None:
        if self.valid_until < self.valid_from:
            raise InvalidValue(
                f"Qualiopi valid_until {self.valid_until} is before valid_from {self.valid_from}"
            )

    def covers(self, day: date) -> bool:
        """Whether the certification is valid on ``day``."""
        return self.valid_from <= day <= self.valid_until


@attrs.frozen
class Organism:
    """A training organism (*organisme de formation*).

    Attributes:
        siret: the 14-digit SIRET of the establishment, check digit verified.
        name: its name.
        activity_declaration: its activity declaration number (NDA, 11 characters), if known.
        qualiopi: its Qualiopi certification, if known.
    """

    siret: str = attrs.field(validator=lambda i, a, v: _check_siret_field(i, a, v))
    name: str = attrs.field(validator=_text)
    activity_declaration: str | None = attrs.field(
        default=None, validator=_pattern(_NDA, "an 11-character activity declaration number", True))
    qualiopi: QualiopiCertification | None = attrs.field(
        default=None, validator=_instance(QualiopiCertification, optional=True))


def _check_siret_field(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _check_siret(value)


def _check_siret(value: object) -> None:
    if not isinstance(value, str) or not is_valid_siret(value):
        raise InvalidValue(
            f"siret must be 14 digits with a valid check digit (Luhn), got {shown(value)}"
        )


@attrs.frozen
class Certification:
    """A certification registered in the RNCP or the Répertoire spécifique.

    Attributes:
        registry: ``Registry.RNCP`` or ``Registry.RS``.
        code: its number in the registry (``"37873"``), digits only.
        title: its title.
        level: its exit level (RNCP 3 to 8), if any.
        registered_until: the end of its registration, if known (after it, not in force).
    """

    registry: Registry = attrs.field(validator=_instance(Registry))
    code: str = attrs.field(
        validator=_pattern(re.compile(r"^\d{1,6}$", re.ASCII), "1 to 6 digits"))
    title: str = attrs.field(validator=_text)
    level: int | None = attrs.field(default=None)
    registered_until: date | None = attrs.field(default=None, validator=optional_date_field)

    @level.validator
    def _level(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and (type(value) is not int or not 1 <= value <= 8):
            raise InvalidValue(f"level must be an int from 1 to 8 or None, got {shown(value)}")

    @property
    def key(self) -> str:
        """The registry and the code, as written on the platform: ``"RNCP37873"``, ``"RS6204"``."""
        return f"{self.registry.value}{self.code}"

    def in_force(self, day: date) -> bool:
        """Whether the registration is still running on ``day``."""
        return self.registered_until is None or day <= self.registered_until


def _option_ids(value: Any) -> tuple[str, ...]:
    if value == ():
        return ()
    if isinstance(value, str) or not isinstance(value, (tuple, list)):
        raise InvalidValue(f"expected a tuple of option ids, got {value!r}")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise InvalidValue(f"an option id is a non-empty string, got {item!r} in {value!r}")
    if len(set(value)) != len(value):
        raise InvalidValue(f"option ids are listed once each, got {value!r}")
    return tuple(value)


@attrs.frozen
class Option:
    """A priced add-on of an offer that the holder may choose.

    Attributes:
        option_id: its identifier within the offer.
        label: what it is (in French, as shown to holders).
        price: its price.
        cpf_fundable: whether CPF rights may pay for it (otherwise it is paid by card).
        hours: the hours of training it adds (coaching hours, a module of a modular path);
            ``0`` for an add-on that adds none (an exam fee, a book).
        requires: the ids of options of the same offer it needs chosen too.
        excludes: the ids of options of the same offer it cannot be chosen with (an
            exclusion holds both ways).
    """

    option_id: str = attrs.field(validator=_id)
    label: str = attrs.field(validator=_text)
    price: Euros = attrs.field(validator=_money)
    cpf_fundable: bool = attrs.field(default=True, validator=_instance(bool))
    hours: int = attrs.field(default=0, validator=_non_negative_int())
    requires: tuple[str, ...] = attrs.field(default=(), converter=_option_ids)
    excludes: tuple[str, ...] = attrs.field(default=(), converter=_option_ids)

    def __attrs_post_init__(self) -> None:
        if not (self.requires or self.excludes):
            return
        if self.option_id in self.requires or self.option_id in self.excludes:
            raise InvalidValue(f"option {self.option_id!r} cannot require or exclude itself")
        both = sorted(set(self.requires) & set(self.excludes))
        if both:
            raise InvalidValue(
                f"option {self.option_id!r} both requires and excludes {both!r}")


@enum.unique
class Pick(enum.Enum):
    """How many options of an :class:`OptionGroup` the holder picks."""

    EXACTLY_ONE = "exactly-one"  # one and only one (a format: evenings, weekends, intensive)
    AT_MOST_ONE = "at-most-one"  # none or one (an exam, or not)
    AT_LEAST_ONE = "at-least-one"  # one or more (the modules of a modular path)
    ANY = "any"  # none, one or several (add-ons)


def _group_options(value: Any) -> tuple[Option, ...]:
    found = _options(value)
    if not found:
        raise InvalidValue("an option group holds at least one Option")
    return found


@attrs.frozen
class OptionGroup:
    """Options of an offer among which the holder picks as :class:`Pick` says.

    A personalisable offer lists its choices as groups: a format to pick (``EXACTLY_ONE``),
    the exam or not (``AT_MOST_ONE``), the modules of a modular path (``AT_LEAST_ONE``), any
    add-ons (``ANY``). The rules of a choice are in :mod:`formation.catalog.choices`.

    Attributes:
        group_id: its identifier within the offer.
        label: what the holder chooses (in French, as shown to holders).
        options: the options of the group, at least one, ids unique.
        pick: how many of them the holder picks.
    """

    group_id: str = attrs.field(validator=_text)
    label: str = attrs.field(validator=_text)
    options: tuple[Option, ...] = attrs.field(converter=_group_options)
    pick: Pick = attrs.field(default=Pick.ANY, validator=_instance(Pick))


def _codes(pattern: re.Pattern[str], accepted: str) -> Convert:
    # Catalogues repeat the same few hundred code tuples: each distinct tuple is checked once.
    @functools.lru_cache(maxsize=8192)
    def checked(value: tuple[object, ...]) -> tuple[str, ...]:
        for code in value:
            if not isinstance(code, str) or not pattern.fullmatch(code):
                raise InvalidValue(f"expected {accepted}, got {shown(code)} in {shown(value)}")
        return value  # type: ignore[return-value]  # every item was checked to be a str

    def convert(value: object) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, (tuple, list)):
            raise InvalidValue(f"expected a tuple of {accepted}, got {shown(value)}")
        try:
            return checked(tuple(value))
        except TypeError:  # an unhashable item
            raise InvalidValue(f"expected {accepted}, got {shown(value)}") from None
    return convert


_FORMACODES = _codes(_FORMACODE, "5-digit Formacodes")
_NSF_CODES = _codes(_NSF, "NSF codes such as '326' or '326t'")


def _formacodes(value: Any) -> tuple[str, ...]:
    return _FORMACODES(value)


def _nsf_codes(value: Any) -> tuple[str, ...]:
    return _NSF_CODES(value)


def _options(value: object) -> tuple[Option, ...]:
    if value == ():
        return ()
    if not isinstance(value, (tuple, list)):
        raise InvalidValue(f"options must be a tuple of Option, got {shown(value)}")
    for option in value:
        if not isinstance(option, Option):
            raise InvalidValue(f"options must be Option records, got {shown(option)}")
    ids = [o.option_id for o in value]
    if len(set(ids)) != len(ids):
        raise InvalidValue(f"option ids must be unique within an offer, got {shown(ids)}")
    return tuple(value)


def _option_groups(value: object) -> tuple[OptionGroup, ...]:
    if value == ():
        return ()
    if not isinstance(value, (tuple, list)):
        raise InvalidValue(f"option_groups must be a tuple of OptionGroup, got {value!r}")
    for group in value:
        if not isinstance(group, OptionGroup):
            raise InvalidValue(f"option_groups must be OptionGroup records, got {group!r}")
    ids = [g.group_id for g in value]
    if len(set(ids)) != len(ids):
        raise InvalidValue(f"group ids must be unique within an offer, got {ids!r}")
    return tuple(value)


@attrs.frozen
class Offer:
    """A catalogue entry: a training an organism sells through Mon Compte Formation.

    Attributes:
        offer_id: its number (``numero_formation``).
        organism: who sells it.
        title: its title.
        certification: the certification it leads to (``None`` for a bilan de compétences).
        formacodes: its Formacode themes, 5-digit strings, the first the main one.
        price: its price, VAT included.
        duration_hours: its length in hours, ``None`` when not given.
        modality: in person, at a distance or mixed.
        action_type: the kind of action (RNCP, RS, VAE, bilan, driving licence…).
        summary: its strengths and content, plain text.
        nsf_codes: its NSF codes (``"326"``, ``"326t"``).
        options: priced add-ons the holder may choose, any of them (ungrouped options: they
            behave as one group of ``Pick.ANY``).
        option_groups: the choices of a personalisable offer (:class:`OptionGroup`): a
            format, the exam or not, the modules of a path…; ``()`` for a plain offer.
    """

    offer_id: OfferId = attrs.field(validator=_id)
    organism: Organism = attrs.field(validator=_instance(Organism))
    title: str = attrs.field(validator=_text)
    certification: Certification | None = attrs.field(
        validator=_instance(Certification, optional=True))
    formacodes: tuple[str, ...] = attrs.field(converter=_formacodes)
    price: Euros = attrs.field(validator=_money)
    duration_hours: int | None = attrs.field(validator=_non_negative_int(optional=True))
    modality: Modality = attrs.field(validator=_instance(Modality))
    action_type: ActionType = attrs.field(validator=_instance(ActionType))
    summary: str = attrs.field(default="", validator=_instance(str))
    nsf_codes: tuple[str, ...] = attrs.field(default=(), converter=_nsf_codes)
    options: tuple[Option, ...] = attrs.field(default=(), converter=_options)
    option_groups: tuple[OptionGroup, ...] = attrs.field(default=(), converter=_option_groups)

    def __attrs_post_init__(self) -> None:
        if self.option_groups or (self.options and any(o.requires or o.excludes
                                                       for o in self.options)):
            _check_choices(self)

    @property
    def all_options(self) -> tuple[Option, ...]:
        """Every option of the offer: the ungrouped ones, then each group's, in order."""
        if not self.option_groups:
            return self.options
        return self.options + tuple(o for g in self.option_groups for o in g.options)

    def option(self, option_id: str) -> Option:
        """The option with this id, ungrouped or in a group.

        Raises:
            InvalidValue: the offer has no such option (the message lists the ones it has).
        """
        for option in self.all_options:
            if option.option_id == option_id:
                return option
        raise InvalidValue(
            f"offer {shown(self.offer_id)} has no option {shown(option_id)}; its options are "
            f"{shown([o.option_id for o in self.all_options])}"
        )


def _check_choices(offer: Offer) -> None:
    """Option ids unique across the offer, and every requirement or exclusion names one."""
    ids = [o.option_id for o in offer.all_options]
    known = set(ids)
    if len(known) != len(ids):
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        raise InvalidValue(
            f"offer {offer.offer_id!r}: option ids must be unique across its options and "
            f"groups, got {repeated!r} more than once")
    for option in offer.all_options:
        unknown = [i for i in (*option.requires, *option.excludes) if i not in known]
        if unknown:
            raise InvalidValue(
                f"offer {offer.offer_id!r}: option {option.option_id!r} requires or excludes "
                f"{unknown!r}, which the offer does not have; its options are {ids!r}")


def _coordinate(low: float, high: float) -> Check:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            low <= value <= high
        ):
            raise InvalidValue(f"{attribute.name} must be a number from {low} to {high} or None, "
                               f"got {shown(value)}")
    return check


@attrs.frozen
class Place:
    """Where an in-person session happens.

    Attributes:
        department: the INSEE department code (``"06"``, ``"2A"``, ``"974"``).
        region: the INSEE region code (``"93"``), the department's own
            (:data:`formation.catalog.geography.DEPARTMENTS`).
        city: the city, if known.
        postcode: the 5-digit postcode, if known.
        latitude, longitude: WGS 84 degrees, when known (for searches by distance).
    """

    department: str = attrs.field(
        validator=_pattern(_DEPARTMENT, "an INSEE department code (01-95, 2A, 2B, 971-978)"))
    region: str = attrs.field(validator=_pattern(_REGION, "a 2-digit INSEE region code"))
    city: str | None = attrs.field(default=None, validator=_instance(str, optional=True))
    postcode: str | None = attrs.field(
        default=None, validator=_pattern(_POSTCODE, "a 5-digit postcode", optional=True))
    latitude: float | None = attrs.field(default=None, validator=_coordinate(-90.0, 90.0))
    longitude: float | None = attrs.field(default=None, validator=_coordinate(-180.0, 180.0))

    def __attrs_post_init__(self) -> None:
        if (self.latitude is None) != (self.longitude is None):
            raise InvalidValue(
                f"latitude and longitude go together, got {shown(self.latitude)}, {shown(self.longitude)}"
            )
        expected = _REGION_OF_DEPARTMENT.get(self.department)
        if expected is not None and self.region != expected:
            raise InvalidValue(
                f"department {self.department} is in region {expected}, not {shown(self.region)}"
            )

    @classmethod
    def in_department(cls, code_or_name: str, city: str | None = None) -> Place:
        """A place known only by its department (code or name), in the department's region.

        >>> Place.in_department("Alpes-Maritimes", city="Nice")
        Place(department='06', region='93', city='Nice', postcode=None, latitude=None, longitude=None)

        Raises:
            InvalidValue: no department has this code or name.
        """
        found = department(code_or_name)
        return cls(found.code, found.region, city)


@attrs.frozen
class Session:
    """One dated run of an offer.

    Attributes:
        session_id: its identifier.
        offer_id: the offer it runs.
        start, end: its first and last days (inclusive); both ``None`` when the dates are not
            published (the open-data export aggregates an offer's sessions by department and
            gives no dates). A date filter never matches a session without dates.
        place: where it happens, ``None`` at a distance.
        seats: seats left, ``None`` for unlimited.
        price: its own price when it differs from the offer's, else ``None``.
    """

    session_id: SessionId = attrs.field(validator=_text)
    offer_id: OfferId = attrs.field(validator=_id)
    start: date | None = attrs.field(validator=optional_date_field)
    end: date | None = attrs.field(validator=optional_date_field)
    place: Place | None = attrs.field(default=None, validator=_instance(Place, optional=True))
    seats: int | None = attrs.field(default=None, validator=_non_negative_int(optional=True))
    price: Euros | None = attrs.field(default=None)

    @price.validator
    def _price(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            _money(self, attribute, value)

    def __attrs_post_init__(self) -> None:
        if (self.start is None) != (self.end is None):
            raise InvalidValue(
                f"session {shown(self.session_id)}: start and end are both dates or both None, "
                f"got {shown(self.start)} and {shown(self.end)}"
            )
        if self.start is not None and self.end is not None and self.end < self.start:
            raise InvalidValue(
                f"session {shown(self.session_id)} ends on {self.end}, before it starts on {self.start}"
            )

    @property
    def full(self) -> bool:
        """Whether no seat is left."""
        return self.seats == 0

    def price_of(self, offer: Offer) -> Euros:
        """What this session costs: its own price, else the offer's."""
        if self.price is None and not isinstance(offer, Offer):
            raise InvalidType(f"offer must be an Offer, got {type(offer).__name__} {shown(offer)}")
        return self.price if self.price is not None else offer.price
