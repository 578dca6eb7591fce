"""French public holidays as data: each rule with its French name, date, years, territories, source.

A :class:`HolidayRule` says how its date is found in a year (a :class:`FixedDay` such as
14 July, or an :class:`EasterOffset` from Western Easter Sunday as computed by
``dateutil.easter``), the years it applies (``since`` and ``until``, inclusive), the
territories that observe it, and the legal text it comes from. :data:`HOLIDAY_RULES` holds every
rule the library knows, 1950 onwards; :func:`holidays_in` applies them to a year.

Sources (``cpf-rules.md`` sections 9 and 13): the national list of the Code du travail, article
L3133-1; Alsace-Moselle, article L3134-13 (local law of 1892); the abolition of slavery, article
L3422-2 with law n° 83-550 of 30 June 1983 and decree n° 83-1003 of 23 November 1983 (amended by
decree n° 2012-553 of 23 April 2012); 8 May, law n° 53-225 of 20 March 1953 (a holiday from
1953), decree n° 59-533 of 11 April 1959 (removed from 1960) and law n° 81-893 of 2 October 1981
(restored from 1982).

Two choices where the sources disagree, documented here, in ``docs/calendar.md`` and tested:

**Whit Monday 2005–2007 is a holiday.** The law n° 2004-626 of 30 June 2004 made Whit Monday
the *default* date of the journée de solidarité, a worked day, until the law n° 2008-351 of
16 April 2008 untied the two. It never removed Whit Monday from the legal list of public
holidays (then article L222-1, now L3133-1): a company could, and many did, keep it off. Today
an employer may still place the journée de solidarité on Whit Monday, and it stays a holiday in
our calendar, so we treat 2005–2007 the same way. workalendar agrees; the ``holidays`` package
leaves those three years out. Sources: ``cpf-rules.md`` 9.4 and 13;
https://fscf.asso.fr/actualites/le-lundi-de-pentecote-est-il-reellement-un-jour-ferie ("le
lundi de Pentecôte conserve sa nature de jour férié"). An employer that works it passes
``worked_holidays={"whit_monday"}`` to ``BusinessCalendar``.

**Saint-Martin commemorates the abolition of slavery on 27 May from 2012 to 2017 and on 28 May
from 2018.** Decree n° 2012-553 set 27 May (the Guadeloupe date). The collectivity voted for
28 May (the day abolition was proclaimed in Marigot, 28 May 1848) in November 2015; the decree
meant to record it was published with "28 mars" by mistake, so 27 May was kept in 2017; from
2018 the interministerial circulars on slavery commemorations allowed 28 May and the prefecture
of Saint-Barthélemy and Saint-Martin declared 28 May the holiday under L3422-2 (2018, 2019, and
it was observed on 28 May in 2024). The ``holidays`` package says 28 May from 2012; the 2019 text
of L3422-2 quoted by ``cpf-rules.md`` 9.3 says 27 May. Sources: decree n° 2012-553
(http://logbook.memoirestbarth.com/st-barth/9-octobre-officiellement-jour-ferie-ile-saint-barthelemy/),
https://www.stmartinweek.fr/2017/05/30/abolition-de-lesclavage-a-st-martin-27-28-mai/14288,
http://soualigapost.com/fr/comment/18526 (2018),
http://soualigapost.fr/fr/actualite/29562/culture/labolition-de-lesclavage-%C3%A0-saint-martin-comm%C3%A9mor%C3%A9e-un-28-mai-pour-la
(2019), https://www.faxinfo.fr/societe-176eme-anniversaire-de-labolition-de-lesclavage/ (2024).

Good Friday is a customary holiday in Martinique as in Guadeloupe (``cpf-rules.md`` 13); the
``holidays`` package lists it for Guadeloupe only.

Not modelled: Mayotte's Muslim holidays (set by agreement or custom, dates vary), and the
holidays of Saint-Pierre-et-Miquelon, Wallis-et-Futuna, French Polynesia and New Caledonia.

>>> for day, name in holidays_in(2026, Territory.ALSACE_MOSELLE)[:3]:
...     print(day, name)
2026-01-01 Jour de l'an
2026-04-03 Vendredi saint
2026-04-06 Lundi de Pâques
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs
from dateutil.easter import EASTER_WESTERN, easter

from formation.calendar.territories import Territory
from formation.checks import check_int, shown, validator
from formation.errors import InvalidValue

__all__ = [
    "ALL_TERRITORIES",
    "EasterOffset",
    "FIRST_YEAR",
    "FixedDay",
    "HOLIDAY_RULES",
    "HolidayRule",
    "LAST_YEAR",
    "check_year",
    "holidays_in",
    "rule_keys",
]

FIRST_YEAR = 1950
"""The first year the calendar supports."""

LAST_YEAR = 2200
"""The last year the calendar supports."""


def check_year(year: object) -> int:
    """Return ``year`` if it is an ``int`` (not a ``bool``) in 1950–2200, else raise."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise InvalidValue(f"a year is an int in {FIRST_YEAR}–{LAST_YEAR}, got {shown(year)}")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidValue(f"year {shown(year)} is outside the supported years "
                           f"{FIRST_YEAR}–{LAST_YEAR}")
    return year


@attrs.frozen
class FixedDay:
    """A holiday on the same day every year (``FixedDay(7, 14)`` is 14 July)."""

    month: int = attrs.field(validator=validator(check_int, minimum=1, maximum=12))
    day: int = attrs.field(validator=validator(check_int, minimum=1, maximum=31))

    def date_in(self, year: int) -> date:
        """The date in ``year``."""
        return date(year, self.month, self.day)


@attrs.frozen
class EasterOffset:
    """A movable feast, ``days`` after (or before, if negative) Western Easter Sunday."""

    days: int = attrs.field(validator=validator(check_int, minimum=-366, maximum=366))

    def date_in(self, year: int) -> date:
        """The date in ``year``."""
        return easter(year, EASTER_WESTERN) + timedelta(days=self.days)


ALL_TERRITORIES: frozenset[Territory] = frozenset(Territory)
"""Every territory: the rules of the national list apply in all of them."""


@attrs.frozen
class HolidayRule:
    """One public holiday, as data.

    Attributes:
        key: a stable identifier (``"whit_monday"``), the same for every rule of one holiday.
        name: its name in French, as shown to people (``"Lundi de Pentecôte"``).
        when: how its date is found in a year.
        since: the first year it applies.
        until: the last year it applies, or ``None`` while it is in force.
        territories: where it is a public holiday.
        source: the legal text (or the custom) it comes from.
    """

    key: str
    name: str
    when: FixedDay | EasterOffset
    since: int
    until: int | None
    territories: frozenset[Territory]
    source: str

    def applies(self, year: int, territory: Territory) -> bool:
        """Whether the rule gives a holiday in ``territory`` in ``year``."""
        return (self.since <= year and (self.until is None or year <= self.until)
                and territory in self.territories)

    def date_in(self, year: int) -> date:
        """The rule's date in ``year`` (whether or not it applies that year)."""
        return self.when.date_in(year)


_T = Territory
_L3133 = "Code du travail, art. L3133-1"
_ALSACE = frozenset({_T.ALSACE_MOSELLE})
_SLAVERY = ("Code du travail, art. L3422-2; loi n° 83-550 du 30 juin 1983; "
            "décret n° 83-1003 du 23 novembre 1983")

HOLIDAY_RULES: tuple[HolidayRule, ...] = (
    HolidayRule("new_year", "Jour de l'an", FixedDay(1, 1), 1950, None, ALL_TERRITORIES, _L3133),
    HolidayRule("easter_monday", "Lundi de Pâques", EasterOffset(1), 1950, None, ALL_TERRITORIES,
                _L3133),
    HolidayRule("labour_day", "Fête du Travail", FixedDay(5, 1), 1950, None, ALL_TERRITORIES,
                f"{_L3133}; art. L3133-4 (the only day off by law)"),
    HolidayRule("victory_1945", "Victoire 1945", FixedDay(5, 8), 1953, 1959, ALL_TERRITORIES,
                "loi n° 53-225 du 20 mars 1953 (before, loi n° 46-934 only commemorated it on a "
                "Sunday); removed by décret n° 59-533 du 11 avril 1959"),
    HolidayRule("victory_1945", "Victoire 1945", FixedDay(5, 8), 1982, None, ALL_TERRITORIES,
                f"loi n° 81-893 du 2 octobre 1981; {_L3133}"),
    HolidayRule("ascension", "Ascension", EasterOffset(39), 1950, None, ALL_TERRITORIES, _L3133),
    HolidayRule("whit_monday", "Lundi de Pentecôte", EasterOffset(50), 1950, None,
                ALL_TERRITORIES,
                f"{_L3133} (kept in the legal list in 2005–2007, when loi n° 2004-626 made "
                "it the default journée de solidarité: see the module docstring)"),
    HolidayRule("national_day", "Fête nationale", FixedDay(7, 14), 1950, None, ALL_TERRITORIES,
                _L3133),
    HolidayRule("assumption", "Assomption", FixedDay(8, 15), 1950, None, ALL_TERRITORIES, _L3133),
    HolidayRule("all_saints", "Toussaint", FixedDay(11, 1), 1950, None, ALL_TERRITORIES, _L3133),
    HolidayRule("armistice_1918", "Armistice 1918", FixedDay(11, 11), 1950, None,
                ALL_TERRITORIES, _L3133),
    HolidayRule("christmas", "Noël", FixedDay(12, 25), 1950, None, ALL_TERRITORIES, _L3133),
    # Alsace-Moselle: local law
    HolidayRule("good_friday", "Vendredi saint", EasterOffset(-2), 1950, None, _ALSACE,
                "Code du travail, art. L3134-13 (local law, ordonnance du 16 août 1892)"),
    HolidayRule("saint_stephen", "Saint-Étienne", FixedDay(12, 26), 1950, None, _ALSACE,
                "Code du travail, art. L3134-13 (local law, ordonnance du 16 août 1892)"),
    # the French West Indies: customary days
    HolidayRule("good_friday", "Vendredi saint", EasterOffset(-2), 1950, None,
                frozenset({_T.GUADELOUPE, _T.MARTINIQUE}), "custom in Guadeloupe and Martinique"),
    HolidayRule("mi_careme", "Mi-Carême", EasterOffset(-24), 1950, None,
                frozenset({_T.GUADELOUPE}),
                "custom in Guadeloupe"),
    HolidayRule("schoelcher_day", "Fête de Victor Schœlcher", FixedDay(7, 21), 1984, None,
                frozenset({_T.GUADELOUPE, _T.MARTINIQUE}),
                "loi n° 83-550 du 30 juin 1983 and custom"),
    HolidayRule("schoelcher_day", "Fête de Victor Schœlcher", FixedDay(7, 21), 2012, None,
                frozenset({_T.SAINT_MARTIN}),
                "custom, from décret n° 2012-553 du 23 avril 2012"),
    # the abolition of slavery
    HolidayRule("slavery_abolition", "Abolition de l'esclavage", FixedDay(12, 20), 1983, None,
                frozenset({_T.LA_REUNION}), _SLAVERY),
    HolidayRule("slavery_abolition", "Abolition de l'esclavage", FixedDay(4, 27), 1984, None,
                frozenset({_T.MAYOTTE}), _SLAVERY),
    HolidayRule("slavery_abolition", "Abolition de l'esclavage", FixedDay(5, 22), 1984, None,
                frozenset({_T.MARTINIQUE}), _SLAVERY),
    HolidayRule("slavery_abolition", "Abolition de l'esclavage", FixedDay(5, 27), 1984, None,
                frozenset({_T.GUADELOUPE}), _SLAVERY),
    HolidayRule("slavery_abolition", "Abolition de l'esclavage", FixedDay(6, 10), 1984, None,
                frozenset({_T.GUYANE}), _SLAVERY),
    HolidayRule("slavery_abolition", "Abolition de l'esclavage", FixedDay(10, 9), 2012, None,
                frozenset({_T.SAINT_BARTHELEMY}), f"{_SLAVERY}, amended by décret n° 2012-553"),
    HolidayRule("slavery_abolition", "Abolition de l'esclavage", FixedDay(5, 27), 2012, 2017,
                frozenset({_T.SAINT_MARTIN}), f"{_SLAVERY}, amended by décret n° 2012-553"),
    HolidayRule("slavery_abolition", "Abolition de l'esclavage", FixedDay(5, 28), 2018, None,
                frozenset({_T.SAINT_MARTIN}),
                "Code du travail, art. L3422-2; interministerial circulars of 4 May 2018 and "
                "3 May 2019 and the prefecture's notices (28 May, the date voted by the "
                "collectivity on 5 November 2015): see the module docstring"),
)
"""Every holiday rule, in the order of the national list then the local additions."""


def holidays_in(year: int, territory: Territory) -> tuple[tuple[date, str], ...]:
    """The public holidays of ``territory`` in ``year``, sorted by date, with their French names.

    Two holidays on the same day (Ascension on 1 May 2008) give one entry whose name joins both
    with ``" ; "``.

    Raises:
        InvalidValue: a year outside 1950–2200, or a territory that is not a ``Territory``.
    """
    check_year(year)
    if not isinstance(territory, Territory):
        raise InvalidValue(f"territory must be a Territory, got {shown(territory)}")
    names: dict[date, list[str]] = {}
    for rule in HOLIDAY_RULES:
        if rule.applies(year, territory):
            found = names.setdefault(rule.date_in(year), [])
            if rule.name not in found:
                found.append(rule.name)
    return tuple((day, " ; ".join(names[day])) for day in sorted(names))


def rule_keys(territory: Territory) -> frozenset[str]:
    """The keys of the holidays observed in ``territory`` in at least one year.

    >>> sorted(rule_keys(Territory.ALSACE_MOSELLE) - rule_keys(Territory.METROPOLE))
    ['good_friday', 'saint_stephen']
    """
    return frozenset(rule.key for rule in HOLIDAY_RULES if territory in rule.territories)
