"""French regions and departments, as INSEE codes them, with lookups by code and by name.

The catalogue places a session in a *département* and a *région* (``code_departement`` and
``code_region`` of the Mon Compte Formation open data), and holders search by them. Since
1 January 2016 France has 18 regions (13 in metropolitan France and the 5 overseas
departments-regions), and 101 departments: ``01`` to ``95`` with Corsica split into ``2A`` and
``2B`` (no ``20``), and ``971`` to ``974`` and ``976`` overseas. Sources: loi n° 2015-29 du
16 janvier 2015 (the 13 metropolitan regions); INSEE, *Code officiel géographique* 2024
(region and department codes, names and chief towns), https://www.insee.fr/fr/information/7766585.

Each department also carries its chief town (*chef-lieu*, the prefecture) and the town's
approximate coordinates (WGS 84 degrees, to about a kilometre): enough to place a session or a
holder "near Lyon" when nothing finer is known. The holiday territories of each department are
another concern (:mod:`formation.calendar.territories`).

Lookups ignore case, accents, hyphens and apostrophes, so ``"provence alpes cote d azur"``
finds region ``93`` and ``"cotes d'armor"`` finds department ``22``:

>>> region("provence alpes cote d azur").code
'93'
>>> department("6.0").name, department("Côtes-d'Armor").code
('Alpes-Maritimes', '22')
>>> [d.code for d in departments_of("94")]
['2A', '2B']
"""

from __future__ import annotations

import re

import attrs

from formation.checks import shown
from formation.errors import InvalidValue
from formation.text import words

__all__ = [
    "DEPARTMENTS",
    "Department",
    "REGIONS",
    "Region",
    "department",
    "department_code",
    "departments_of",
    "name_key",
    "region",
    "region_code",
]


@attrs.frozen
class Region:
    """A region: its two-digit INSEE code (``"93"``) and its name."""

    code: str
    name: str


@attrs.frozen
class Department:
    """A department.

    Attributes:
        code: its INSEE code (``"06"``, ``"2A"``, ``"974"``).
        name: its name (``"Alpes-Maritimes"``).
        region: the INSEE code of its region (``"93"``).
        chief_town: its chief town (prefecture).
        latitude, longitude: the chief town's approximate WGS 84 coordinates, in degrees.
    """

    code: str
    name: str
    region: str
    chief_town: str
    latitude: float
    longitude: float


REGIONS: tuple[Region, ...] = tuple(Region(code, name) for code, name in (
    ("01", "Guadeloupe"),
    ("02", "Martinique"),
    ("03", "Guyane"),
    ("04", "La Réunion"),
    ("06", "Mayotte"),
    ("11", "Île-de-France"),
    ("24", "Centre-Val de Loire"),
    ("27", "Bourgogne-Franche-Comté"),
    ("28", "Normandie"),
    ("32", "Hauts-de-France"),
    ("44", "Grand Est"),
    ("52", "Pays de la Loire"),
    ("53", "Bretagne"),
    ("75", "Nouvelle-Aquitaine"),
    ("76", "Occitanie"),
    ("84", "Auvergne-Rhône-Alpes"),
    ("93", "Provence-Alpes-Côte d'Azur"),
    ("94", "Corse"),
))
"""The 18 regions in force since 1 January 2016, by INSEE code."""

DEPARTMENTS: tuple[Department, ...] = tuple(Department(*row) for row in (
    ("01", "Ain", "84", "Bourg-en-Bresse", 46.205, 5.225),
    ("02", "Aisne", "32", "Laon", 49.564, 3.620),
    ("03", "Allier", "84", "Moulins", 46.566, 3.333),
    ("04", "Alpes-de-Haute-Provence", "93", "Digne-les-Bains", 44.092, 6.236),
    ("05", "Hautes-Alpes", "93", "Gap", 44.559, 6.079),
    ("06", "Alpes-Maritimes", "93", "Nice", 43.710, 7.262),
    ("07", "Ardèche", "84", "Privas", 44.735, 4.599),
    ("08", "Ardennes", "44", "Charleville-Mézières", 49.773, 4.720),
    ("09", "Ariège", "76", "Foix", 42.965, 1.607),
    ("10", "Aube", "44", "Troyes", 48.297, 4.074),
    ("11", "Aude", "76", "Carcassonne", 43.213, 2.351),
    ("12", "Aveyron", "76", "Rodez", 44.350, 2.575),
    ("13", "Bouches-du-Rhône", "93", "Marseille", 43.296, 5.370),
    ("14", "Calvados", "28", "Caen", 49.183, -0.371),
    ("15", "Cantal", "84", "Aurillac", 44.926, 2.440),
    ("16", "Charente", "75", "Angoulême", 45.649, 0.156),
    ("17", "Charente-Maritime", "75", "La Rochelle", 46.160, -1.151),
    ("18", "Cher", "24", "Bourges", 47.081, 2.399),
    ("19", "Corrèze", "75", "Tulle", 45.267, 1.771),
    ("2A", "Corse-du-Sud", "94", "Ajaccio", 41.919, 8.738),
    ("2B", "Haute-Corse", "94", "Bastia", 42.697, 9.451),
    ("21", "Côte-d'Or", "27", "Dijon", 47.322, 5.041),
    ("22", "Côtes-d'Armor", "53", "Saint-Brieuc", 48.514, -2.765),
    ("23", "Creuse", "75", "Guéret", 46.171, 1.872),
    ("24", "Dordogne", "75", "Périgueux", 45.184, 0.721),
    ("25", "Doubs", "27", "Besançon", 47.238, 6.024),
    ("26", "Drôme", "84", "Valence", 44.933, 4.892),
    ("27", "Eure", "28", "Évreux", 49.027, 1.151),
    ("28", "Eure-et-Loir", "24", "Chartres", 48.446, 1.489),
    ("29", "Finistère", "53", "Quimper", 47.996, -4.102),
    ("30", "Gard", "76", "Nîmes", 43.837, 4.360),
    ("31", "Haute-Garonne", "76", "Toulouse", 43.605, 1.444),
    ("32", "Gers", "76", "Auch", 43.646, 0.586),
    ("33", "Gironde", "75", "Bordeaux", 44.838, -0.579),
    ("34", "Hérault", "76", "Montpellier", 43.611, 3.877),
    ("35", "Ille-et-Vilaine", "53", "Rennes", 48.117, -1.678),
    ("36", "Indre", "24", "Châteauroux", 46.811, 1.691),
    ("37", "Indre-et-Loire", "24", "Tours", 47.394, 0.685),
    ("38", "Isère", "84", "Grenoble", 45.188, 5.724),
    ("39", "Jura", "27", "Lons-le-Saunier", 46.675, 5.555),
    ("40", "Landes", "75", "Mont-de-Marsan", 43.890, -0.500),
    ("41", "Loir-et-Cher", "24", "Blois", 47.586, 1.336),
    ("42", "Loire", "84", "Saint-Étienne", 45.440, 4.387),
    ("43", "Haute-Loire", "84", "Le Puy-en-Velay", 45.043, 3.885),
    ("44", "Loire-Atlantique", "52", "Nantes", 47.218, -1.554),
    ("45", "Loiret", "24", "Orléans", 47.903, 1.909),
    ("46", "Lot", "76", "Cahors", 44.448, 1.441),
    ("47", "Lot-et-Garonne", "75", "Agen", 44.203, 0.616),
    ("48", "Lozère", "76", "Mende", 44.518, 3.501),
    ("49", "Maine-et-Loire", "52", "Angers", 47.474, -0.554),
    ("50", "Manche", "28", "Saint-Lô", 49.116, -1.091),
    ("51", "Marne", "44", "Châlons-en-Champagne", 48.957, 4.365),
    ("52", "Haute-Marne", "44", "Chaumont", 48.111, 5.139),
    ("53", "Mayenne", "52", "Laval", 48.073, -0.770),
    ("54", "Meurthe-et-Moselle", "44", "Nancy", 48.692, 6.184),
    ("55", "Meuse", "44", "Bar-le-Duc", 48.772, 5.160),
    ("56", "Morbihan", "53", "Vannes", 47.658, -2.760),
    ("57", "Moselle", "44", "Metz", 49.120, 6.176),
    ("58", "Nièvre", "27", "Nevers", 46.990, 3.159),
    ("59", "Nord", "32", "Lille", 50.629, 3.057),
    ("60", "Oise", "32", "Beauvais", 49.430, 2.081),
    ("61", "Orne", "28", "Alençon", 48.432, 0.091),
    ("62", "Pas-de-Calais", "32", "Arras", 50.291, 2.778),
    ("63", "Puy-de-Dôme", "84", "Clermont-Ferrand", 45.778, 3.087),
    ("64", "Pyrénées-Atlantiques", "75", "Pau", 43.295, -0.370),
    ("65", "Hautes-Pyrénées", "76", "Tarbes", 43.233, 0.078),
    ("66", "Pyrénées-Orientales", "76", "Perpignan", 42.699, 2.895),
    ("67", "Bas-Rhin", "44", "Strasbourg", 48.573, 7.752),
    ("68", "Haut-Rhin", "44", "Colmar", 48.079, 7.358),
    ("69", "Rhône", "84", "Lyon", 45.764, 4.836),
    ("70", "Haute-Saône", "27", "Vesoul", 47.622, 6.155),
    ("71", "Saône-et-Loire", "27", "Mâcon", 46.307, 4.828),
    ("72", "Sarthe", "52", "Le Mans", 48.006, 0.199),
    ("73", "Savoie", "84", "Chambéry", 45.564, 5.918),
    ("74", "Haute-Savoie", "84", "Annecy", 45.899, 6.129),
    ("75", "Paris", "11", "Paris", 48.857, 2.352),
    ("76", "Seine-Maritime", "28", "Rouen", 49.443, 1.099),
    ("77", "Seine-et-Marne", "11", "Melun", 48.540, 2.660),
    ("78", "Yvelines", "11", "Versailles", 48.805, 2.130),
    ("79", "Deux-Sèvres", "75", "Niort", 46.323, -0.464),
    ("80", "Somme", "32", "Amiens", 49.894, 2.296),
    ("81", "Tarn", "76", "Albi", 43.929, 2.148),
    ("82", "Tarn-et-Garonne", "76", "Montauban", 44.018, 1.355),
    ("83", "Var", "93", "Toulon", 43.124, 5.928),
    ("84", "Vaucluse", "93", "Avignon", 43.949, 4.806),
    ("85", "Vendée", "52", "La Roche-sur-Yon", 46.670, -1.426),
    ("86", "Vienne", "75", "Poitiers", 46.580, 0.340),
    ("87", "Haute-Vienne", "75", "Limoges", 45.834, 1.261),
    ("88", "Vosges", "44", "Épinal", 48.173, 6.450),
    ("89", "Yonne", "27", "Auxerre", 47.798, 3.567),
    ("90", "Territoire de Belfort", "27", "Belfort", 47.638, 6.863),
    ("91", "Essonne", "11", "Évry-Courcouronnes", 48.629, 2.441),
    ("92", "Hauts-de-Seine", "11", "Nanterre", 48.892, 2.207),
    ("93", "Seine-Saint-Denis", "11", "Bobigny", 48.908, 2.440),
    ("94", "Val-de-Marne", "11", "Créteil", 48.790, 2.455),
    ("95", "Val-d'Oise", "11", "Pontoise", 49.051, 2.101),
    ("971", "Guadeloupe", "01", "Basse-Terre", 15.998, -61.726),
    ("972", "Martinique", "02", "Fort-de-France", 14.616, -61.059),
    ("973", "Guyane", "03", "Cayenne", 4.938, -52.326),
    ("974", "La Réunion", "04", "Saint-Denis", -20.882, 55.450),
    ("976", "Mayotte", "06", "Mamoudzou", -12.781, 45.228),
))
"""The 101 departments, in INSEE order (``2A`` and ``2B`` where ``20`` would be)."""


def name_key(text: str) -> str:
    """The key names are compared by: the words of :func:`formation.text.words`, one space apart.

    Case, accents, hyphens and apostrophes do not matter, as in the search.

    >>> name_key("  Provence-Alpes-Côte d’Azur ")
    'provence alpes cote d azur'
    """
    if not isinstance(text, str):
        raise InvalidValue(f"a name is a str, got {type(text).__name__} {shown(text)}")
    return " ".join(words(text))


_REGION_BY_CODE = {r.code: r for r in REGIONS}
_REGION_BY_NAME = {name_key(r.name): r for r in REGIONS}
_DEPARTMENT_BY_CODE = {d.code: d for d in DEPARTMENTS}
_DEPARTMENT_BY_NAME = {name_key(d.name): d for d in DEPARTMENTS}
_DEPARTMENTS_OF: dict[str, tuple[Department, ...]] = {
    r.code: tuple(d for d in DEPARTMENTS if d.region == r.code) for r in REGIONS
}
_NUMERIC = re.compile(r"^(\d{1,3})(?:\.0+)?$")


def department_code(text: str) -> str:
    """The INSEE department code ``text`` stands for, restored to its canonical form.

    Accepts the code as written (``"06"``, ``"2a"``, ``"974"``) and the forms a spreadsheet or
    pandas leaves behind: a lost leading zero (``"6"``) or a float (``"6.0"``, ``"974.0"``).

    Raises:
        InvalidValue: ``text`` is not the code of one of the 101 departments.

    >>> department_code("6.0"), department_code("2a"), department_code(" 974 ")
    ('06', '2A', '974')
    """
    if not isinstance(text, str):
        raise InvalidValue(f"a department code must be a string, got {shown(text)}")
    cleaned = text.strip().upper()
    match = _NUMERIC.match(cleaned)
    if match:
        cleaned = match.group(1).zfill(2)
    if cleaned not in _DEPARTMENT_BY_CODE:
        raise InvalidValue(
            f"{shown(text)} is not a French department code (accepted: 01-19, 2A, 2B, 21-95, "
            "971-974, 976)"
        )
    return cleaned


def region_code(text: str) -> str:
    """The INSEE region code ``text`` stands for (``"93"``, ``"93.0"``, ``"6"`` → ``"06"``).

    Raises:
        InvalidValue: ``text`` is not the code of one of the 18 regions.

    >>> region_code("93.0"), region_code("6")
    ('93', '06')
    """
    if not isinstance(text, str):
        raise InvalidValue(f"a region code must be a string, got {shown(text)}")
    cleaned = text.strip()
    match = _NUMERIC.match(cleaned)
    if match:
        cleaned = match.group(1).zfill(2)
    if cleaned not in _REGION_BY_CODE:
        raise InvalidValue(
            f"{shown(text)} is not a French region code (accepted: "
            f"{', '.join(sorted(_REGION_BY_CODE))})"
        )
    return cleaned


def region(code_or_name: str) -> Region:
    """The region with this INSEE code or this name (case, accents and hyphens ignored).

    Raises:
        InvalidValue: no region has this code or name.
    """
    if not isinstance(code_or_name, str):
        raise InvalidValue(f"a region code or name must be a string, got {shown(code_or_name)}")
    found = _REGION_BY_NAME.get(name_key(code_or_name))
    if found is not None:
        return found
    try:
        return _REGION_BY_CODE[region_code(code_or_name)]
    except InvalidValue:
        raise InvalidValue(
            f"{shown(code_or_name)} is neither the INSEE code nor the name of a French region "
            f"(for example '93' or 'Provence-Alpes-Côte d'Azur')"
        ) from None


def department(code_or_name: str) -> Department:
    """The department with this INSEE code or this name (case, accents and hyphens ignored).

    Raises:
        InvalidValue: no department has this code or name.
    """
    if not isinstance(code_or_name, str):
        raise InvalidValue(f"a department code or name must be a string, got {shown(code_or_name)}")
    found = _DEPARTMENT_BY_NAME.get(name_key(code_or_name))
    if found is not None:
        return found
    try:
        return _DEPARTMENT_BY_CODE[department_code(code_or_name)]
    except InvalidValue:
        raise InvalidValue(
            f"{shown(code_or_name)} is neither the INSEE code nor the name of a French department "
            f"(for example '06' or 'Alpes-Maritimes')"
        ) from None


def departments_of(code_or_name: str) -> tuple[Department, ...]:
    """The departments of a region (given by code or name), in INSEE order.

    Raises:
        InvalidValue: no region has this code or name.
    """
    return _DEPARTMENTS_OF[region(code_or_name).code]
