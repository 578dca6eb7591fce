"""The territories whose public holidays differ, and the department codes that belong to each.

French public holidays are national (Code du travail, article L3133-1) with local additions:

- **Alsace-Moselle** (Bas-Rhin 67, Haut-Rhin 68, Moselle 57) keeps its local law (article
  L3134-13, ordonnance of 16 August 1892): Good Friday and 26 December.
- **The overseas territories** add the day commemorating the abolition of slavery (article
  L3422-2, law n° 83-550 of 30 June 1983, decree n° 83-1003 of 23 November 1983 as amended by
  decree n° 2012-553 of 23 April 2012), and some keep customary days (Good Friday, Mi-Carême,
  Victor Schœlcher day).

Every other metropolitan department, Corsica (2A, 2B) included, follows the national list.
Saint-Pierre-et-Miquelon (975), Wallis-et-Futuna, French Polynesia and New Caledonia are not
modelled (their holidays were not researched): asking for them is an ``InvalidValue``.

>>> territory_for_department("67")
<Territory.ALSACE_MOSELLE: 'alsace-moselle'>
>>> territory_for_department("2A").label_fr
'Métropole'
"""

from __future__ import annotations

import enum

from formation.checks import shown
from formation.errors import InvalidValue

__all__ = ["Territory", "parse_territory", "territory_for_department"]


@enum.unique
class Territory(enum.Enum):
    """A part of France with its own list of public holidays.

    The value is a stable lower-case code, used on the command line and in JSON.
    """

    METROPOLE = "metropole"  # the national list (L3133-1): metropolitan France but 57, 67, 68
    ALSACE_MOSELLE = "alsace-moselle"  # Bas-Rhin, Haut-Rhin, Moselle: local law (L3134-13)
    GUADELOUPE = "guadeloupe"  # department 971
    MARTINIQUE = "martinique"  # department 972
    GUYANE = "guyane"  # department 973
    LA_REUNION = "la-reunion"  # department 974
    MAYOTTE = "mayotte"  # department 976
    SAINT_BARTHELEMY = "saint-barthelemy"  # overseas collectivity (code 977) since 2007
    SAINT_MARTIN = "saint-martin"  # overseas collectivity (code 978) since 2007

    # members are singletons compared by identity: hash them the same way, in C, rather than
    # with Enum's Python-level hash of the name (calendars look territories up in dicts)
    __hash__ = object.__hash__

    @property
    def label_fr(self) -> str:
        """The territory's name in French."""
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        """The territory's name in English."""
        return _LABELS[self][1]


_LABELS: dict[Territory, tuple[str, str]] = {
    Territory.METROPOLE: ("Métropole", "Metropolitan France"),
    Territory.ALSACE_MOSELLE: ("Alsace-Moselle", "Alsace-Moselle"),
    Territory.GUADELOUPE: ("Guadeloupe", "Guadeloupe"),
    Territory.MARTINIQUE: ("Martinique", "Martinique"),
    Territory.GUYANE: ("Guyane", "French Guiana"),
    Territory.LA_REUNION: ("La Réunion", "Réunion"),
    Territory.MAYOTTE: ("Mayotte", "Mayotte"),
    Territory.SAINT_BARTHELEMY: ("Saint-Barthélemy", "Saint Barthélemy"),
    Territory.SAINT_MARTIN: ("Saint-Martin", "Saint Martin"),
}

_OVERSEAS: dict[str, Territory] = {
    "971": Territory.GUADELOUPE,
    "972": Territory.MARTINIQUE,
    "973": Territory.GUYANE,
    "974": Territory.LA_REUNION,
    "976": Territory.MAYOTTE,
    "977": Territory.SAINT_BARTHELEMY,
    "978": Territory.SAINT_MARTIN,
}
_ALSACE_MOSELLE = frozenset({"57", "67", "68"})
_METROPOLITAN = frozenset(
    [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
) - _ALSACE_MOSELLE


def territory_for_department(code: str) -> Territory:
    """The territory whose holidays apply in a department (or overseas collectivity) code.

    Args:
        code: an INSEE department code: ``"01"``–``"95"`` (``"2A"``, ``"2B"`` for Corsica, which
            replaced ``"20"`` in 1976), ``"971"``–``"974"``, ``"976"``, or the collectivity codes
            ``"977"`` (Saint-Barthélemy) and ``"978"`` (Saint-Martin). ``"2a"`` is read as
            ``"2A"``; surrounding spaces are ignored.

    Returns:
        ``ALSACE_MOSELLE`` for 57, 67 and 68, the overseas territory for 97x, else ``METROPOLE``.

    Raises:
        InvalidValue: any other code, including ``"20"``, ``"975"`` (Saint-Pierre-et-Miquelon,
            whose holidays are not modelled) and non-strings.

    >>> territory_for_department("57").value
    'alsace-moselle'
    >>> territory_for_department("974")
    <Territory.LA_REUNION: 'la-reunion'>
    """
    if not isinstance(code, str):
        raise InvalidValue(f"a department code is a string such as '75' or '971', got {shown(code)}")
    key = code.strip().upper()
    if key in _OVERSEAS:
        return _OVERSEAS[key]
    if key in _ALSACE_MOSELLE:
        return Territory.ALSACE_MOSELLE
    if key in _METROPOLITAN:
        return Territory.METROPOLE
    if key == "975":
        raise InvalidValue(
            "department code '975' (Saint-Pierre-et-Miquelon): its holidays are not modelled; "
            "accepted: 01–95, 2A, 2B, 971–974, 976, 977, 978")
    raise InvalidValue(
        f"unknown department code {shown(code)}; accepted: 01–95 (2A and 2B for Corsica, not 20), "
        "971–974, 976, 977 (Saint-Barthélemy), 978 (Saint-Martin)")


def parse_territory(text: str) -> Territory:
    """Read a territory from its code (``"alsace-moselle"``) or a department code (``"67"``).

    >>> parse_territory("guyane")
    <Territory.GUYANE: 'guyane'>
    >>> parse_territory("68")
    <Territory.ALSACE_MOSELLE: 'alsace-moselle'>
    """
    if not isinstance(text, str):
        raise InvalidValue(f"a territory is a string such as 'metropole' or '67', got {shown(text)}")
    key = text.strip().lower().replace("_", "-")
    for territory in Territory:
        if territory.value == key:
            return territory
    if key == "975":
        return territory_for_department(key)  # raises, saying why
    try:
        return territory_for_department(text)
    except InvalidValue:
        accepted = ", ".join(t.value for t in Territory)
        raise InvalidValue(
            f"unknown territory {shown(text)}; accepted: {accepted}, or a department code "
            "such as 75, 2A or 971") from None
