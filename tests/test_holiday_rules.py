"""The holidays of every territory: full lists per year, the history since 1950, the two choices.

Sources: cpf-rules.md sections 9 (national list L3133-1, Alsace-Moselle L3134-13, abolition of
slavery L3422-2) and 13 (history of the lists), and the differential test against the
``holidays`` package at the end, which lists every deliberate difference.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays as peer
import pytest
from dateutil.easter import easter

from formation import BusinessCalendar, InvalidValue, Territory
from formation.calendar.holiday_rules import HOLIDAY_RULES, FixedDay, HolidayRule, holidays_in

T = Territory


def dates(territory: Territory, year: int) -> list[str]:
    return [d.isoformat() for d in BusinessCalendar(territory).holidays(year)]


METROPOLE_2024 = [
    ("2024-01-01", "Jour de l'an"), ("2024-04-01", "Lundi de Pâques"),
    ("2024-05-01", "Fête du Travail"), ("2024-05-08", "Victoire 1945"),
    ("2024-05-09", "Ascension"), ("2024-05-20", "Lundi de Pentecôte"),
    ("2024-07-14", "Fête nationale"), ("2024-08-15", "Assomption"),
    ("2024-11-01", "Toussaint"), ("2024-11-11", "Armistice 1918"), ("2024-12-25", "Noël"),
]
METROPOLE_2026 = [
    ("2026-01-01", "Jour de l'an"), ("2026-04-06", "Lundi de Pâques"),
    ("2026-05-01", "Fête du Travail"), ("2026-05-08", "Victoire 1945"),
    ("2026-05-14", "Ascension"), ("2026-05-25", "Lundi de Pentecôte"),
    ("2026-07-14", "Fête nationale"), ("2026-08-15", "Assomption"),
    ("2026-11-01", "Toussaint"), ("2026-11-11", "Armistice 1918"), ("2026-12-25", "Noël"),
]


@pytest.mark.parametrize(("year", "expected"), [(2024, METROPOLE_2024), (2026, METROPOLE_2026)])
def test_the_metropole_has_the_eleven_days_of_article_l3133_1(
        year: int, expected: list[tuple[str, str]]) -> None:
    found = BusinessCalendar().holidays(year)
    assert [(d.isoformat(), name) for d, name in found.items()] == expected


@pytest.mark.parametrize(("year", "good_friday"), [(2024, "2024-03-29"), (2026, "2026-04-03")])
def test_alsace_moselle_adds_good_friday_and_26_december(year: int, good_friday: str) -> None:
    # L3134-13, cpf-rules.md 9.2
    found = BusinessCalendar(T.ALSACE_MOSELLE).holidays(year)
    national = dict(BusinessCalendar().holidays(year))
    extra = {d.isoformat(): n for d, n in found.items() if d not in national}
    assert extra == {good_friday: "Vendredi saint", f"{year}-12-26": "Saint-Étienne"}
    assert len(found) == 13


@pytest.mark.parametrize(("territory", "extra"), [
    # cpf-rules.md 9.3 (L3422-2) and 13; Easter 2026 is 5 April
    (T.GUADELOUPE, {"2026-03-12": "Mi-Carême", "2026-04-03": "Vendredi saint",
                    "2026-05-27": "Abolition de l'esclavage",
                    "2026-07-21": "Fête de Victor Schœlcher"}),
    (T.MARTINIQUE, {"2026-04-03": "Vendredi saint", "2026-05-22": "Abolition de l'esclavage",
                    "2026-07-21": "Fête de Victor Schœlcher"}),
    (T.GUYANE, {"2026-06-10": "Abolition de l'esclavage"}),
    (T.LA_REUNION, {"2026-12-20": "Abolition de l'esclavage"}),
    (T.MAYOTTE, {"2026-04-27": "Abolition de l'esclavage"}),
    (T.SAINT_BARTHELEMY, {"2026-10-09": "Abolition de l'esclavage"}),
    (T.SAINT_MARTIN, {"2026-05-28": "Abolition de l'esclavage",
                      "2026-07-21": "Fête de Victor Schœlcher"}),
    (T.METROPOLE, {}),
])
def test_each_overseas_territory_adds_its_own_days_in_2026(territory: Territory,
                                                           extra: dict[str, str]) -> None:
    found = BusinessCalendar(territory).holidays(2026)
    national = BusinessCalendar().holidays(2026)
    assert set(national) <= set(found)
    assert {d.isoformat(): n for d, n in found.items() if d not in national} == extra


# -- history ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("year", "present"), [
    (1950, False), (1952, False), (1953, True), (1959, True), (1960, False), (1970, False),
    (1981, False), (1982, True), (2026, True), (2200, True),
])
def test_8_may_was_no_holiday_before_1953_nor_from_1960_to_1981(year: int, present: bool) -> None:
    # cpf-rules.md 13; loi 53-225, décret 59-533, loi 81-893
    assert BusinessCalendar().is_holiday(date(year, 5, 8)) is present


@pytest.mark.parametrize("whit_monday", [date(2004, 5, 31), date(2005, 5, 16), date(2006, 6, 5),
                                         date(2007, 5, 28), date(2008, 5, 12)])
def test_whit_monday_is_a_holiday_in_2005_2007_too_by_our_documented_choice(
        whit_monday: date) -> None:
    # loi 2004-626 made it the default journée de solidarité, never took it off the legal list
    for territory in Territory:
        cal = BusinessCalendar(territory)
        assert cal.holidays(whit_monday.year)[whit_monday] == "Lundi de Pentecôte"
        assert not cal.is_business_day(whit_monday)


@pytest.mark.parametrize(("year", "day"), [
    (2011, None), (2012, 27), (2016, 27), (2017, 27), (2018, 28), (2019, 28), (2024, 28),
    (2100, 28),
])
def test_saint_martin_abolition_day_is_27_may_until_2017_then_28_may_by_our_documented_choice(
        year: int, day: int | None) -> None:
    found = {d.day for d, n in BusinessCalendar(T.SAINT_MARTIN).holidays(year).items()
             if n == "Abolition de l'esclavage"}
    assert found == (set() if day is None else {day})


@pytest.mark.parametrize(("territory", "first"), [
    (T.LA_REUNION, 1983), (T.GUADELOUPE, 1984), (T.MARTINIQUE, 1984), (T.GUYANE, 1984),
    (T.MAYOTTE, 1984), (T.SAINT_BARTHELEMY, 2012), (T.SAINT_MARTIN, 2012),
])
def test_abolition_days_start_with_their_texts(territory: Territory, first: int) -> None:
    # loi 83-550 and décret 83-1003 (1983); décret 2012-553 for the two collectivities
    def has(year: int) -> bool:
        return "Abolition de l'esclavage" in BusinessCalendar(territory).holidays(year).values()
    assert has(first)
    assert not has(first - 1)


def test_two_holidays_on_one_day_are_one_entry_with_both_names() -> None:
    # Ascension fell on 1 May in 2008
    assert BusinessCalendar().holidays(2008)[date(2008, 5, 1)] == "Fête du Travail ; Ascension"
    assert len(BusinessCalendar().holidays(2008)) == 10


def test_every_rule_names_its_source_and_covers_known_territories() -> None:
    for rule in HOLIDAY_RULES:
        assert rule.source
        assert rule.name
        assert rule.territories
        assert rule.until is None or rule.since <= rule.until


def test_a_rule_applies_only_in_its_years_and_territories() -> None:
    rule = HolidayRule("x", "Jour de test", FixedDay(3, 3), 2000, 2001,
                       frozenset({T.GUYANE}), "test")
    assert rule.applies(2000, T.GUYANE)
    assert rule.applies(2001, T.GUYANE)
    assert not rule.applies(2002, T.GUYANE)
    assert not rule.applies(2000, T.METROPOLE)


def test_holidays_in_refuses_what_is_not_a_territory() -> None:
    with pytest.raises(InvalidValue):
        holidays_in(2026, "metropole")  # type: ignore[arg-type]


def test_the_calendar_tables_agree_with_the_rules_every_year() -> None:
    # the fast tables are built from the rules by a separate path: they must say the same
    for territory in Territory:
        cal = BusinessCalendar(territory)
        for year in range(1950, 2201, 7):
            listed = set(cal.holidays(year))
            flagged = {d for d in (date.fromordinal(o) for o in range(
                date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1))
                if cal.is_holiday(d)}
            assert flagged == listed, (territory, year)


# -- differential test against the holidays package -------------------------------------------

PEER_SUBDIVISION = {
    T.METROPOLE: None, T.ALSACE_MOSELLE: "57", T.GUADELOUPE: "971", T.MARTINIQUE: "972",
    T.GUYANE: "973", T.LA_REUNION: "974", T.MAYOTTE: "976", T.SAINT_BARTHELEMY: "BL",
    T.SAINT_MARTIN: "MF",
}
WHIT_MONDAYS_2005_2007 = {date(2005, 5, 16), date(2006, 6, 5), date(2007, 5, 28)}


def good_fridays(first: int, last: int) -> set[date]:
    return {easter(year) - timedelta(days=2) for year in range(first, last + 1)}


def deliberate(territory: Territory) -> tuple[set[date], set[date]]:
    """Our deliberate differences: (days only we list, days only the holidays package lists)."""
    ours_only = set(WHIT_MONDAYS_2005_2007)  # our choice: see holiday_rules' docstring
    theirs_only: set[date] = set()
    if territory is T.MARTINIQUE:
        # cpf-rules.md section 13: Good Friday is customary in Martinique as in Guadeloupe
        ours_only |= good_fridays(1950, 2100)
    if territory is T.SAINT_MARTIN:
        # our choice: 27 May from décret 2012-553 until 2017, 28 May from 2018; the package
        # says 28 May from 2012 (28 May 2012 was Whit Monday, a holiday for both)
        ours_only |= {date(year, 5, 27) for year in range(2012, 2018)}
        theirs_only |= {date(year, 5, 28) for year in range(2013, 2018)}
    return ours_only, theirs_only


@pytest.mark.parametrize("territory", list(Territory), ids=lambda t: t.value)
def test_our_holidays_match_the_holidays_package_but_for_listed_choices(
        territory: Territory) -> None:
    years = range(1950, 2101)
    theirs = set(peer.France(subdiv=PEER_SUBDIVISION[territory], years=years))
    cal = BusinessCalendar(territory)
    ours = {day for year in years for day in cal.holidays(year)}
    ours_only, theirs_only = deliberate(territory)
    assert ours - theirs == ours_only
    assert theirs - ours == theirs_only


def test_the_alsace_and_moselle_subdivisions_of_the_package_agree_with_each_other() -> None:
    years = range(1950, 2101)
    assert set(peer.France(subdiv="57", years=years)) == set(peer.France(subdiv="6AE",
                                                                         years=years))
