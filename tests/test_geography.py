"""Regions and departments: the INSEE codes, names and lookups.

Source: INSEE, Code officiel géographique 2024 (18 regions since 1 January 2016, loi n° 2015-29;
101 departments: 01-95 with 2A/2B instead of 20, and 971-974, 976).
"""

from __future__ import annotations

import collections
import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formation import territory_for_department
from formation.catalog.geography import (
    DEPARTMENTS,
    REGIONS,
    Department,
    department,
    department_code,
    departments_of,
    name_key,
    region,
    region_code,
)
from formation.errors import InvalidValue


def test_there_are_18_regions_and_101_departments() -> None:
    assert len(REGIONS) == 18
    assert len(DEPARTMENTS) == 101
    assert len({r.code for r in REGIONS}) == 18
    assert len({d.code for d in DEPARTMENTS}) == 101
    assert len({name_key(d.name) for d in DEPARTMENTS}) == 101


def test_the_metropolitan_codes_run_from_01_to_95_with_corsica_split() -> None:
    codes = {d.code for d in DEPARTMENTS}
    expected = {f"{n:02d}" for n in range(1, 96)} - {"20"} | {"2A", "2B"}
    assert codes - {"971", "972", "973", "974", "976"} == expected


def test_every_department_belongs_to_one_of_the_18_regions_and_every_region_has_some() -> None:
    regions = {r.code for r in REGIONS}
    assert {d.region for d in DEPARTMENTS} == regions
    counts = collections.Counter(d.region for d in DEPARTMENTS)
    # INSEE: Île-de-France 8, Occitanie 13, Grand Est 10, Corse 2, each overseas region 1
    assert (counts["11"], counts["76"], counts["44"], counts["94"]) == (8, 13, 10, 2)
    assert all(counts[code] == 1 for code in ("01", "02", "03", "04", "06"))


def test_every_department_has_a_holiday_territory() -> None:
    for found in DEPARTMENTS:
        territory_for_department(found.code)


def test_chief_towns_lie_in_france_or_overseas() -> None:
    for found in DEPARTMENTS:
        if len(found.code) == 2:
            assert 41.3 < found.latitude < 51.1 and -5.2 < found.longitude < 9.6, found
        else:
            assert -22 < found.latitude < 17, found


@pytest.mark.parametrize(("text", "code"), [
    ("93", "93"), ("93.0", "93"), ("Provence-Alpes-Côte d'Azur", "93"),
    ("provence alpes cote d azur", "93"), ("PROVENCE-ALPES-CÔTE D’AZUR", "93"),
    ("ile-de-france", "11"), ("Île de France", "11"), ("6", "06"), ("Mayotte", "06"),
    ("la reunion", "04"), ("Corse", "94"), ("Bourgogne Franche Comte", "27"),
])
def test_regions_are_found_by_code_or_name(text: str, code: str) -> None:
    assert region(text).code == code


@pytest.mark.parametrize(("text", "code"), [
    ("06", "06"), ("6", "06"), ("6.0", "06"), ("Alpes-Maritimes", "06"), ("alpes maritimes", "06"),
    ("2a", "2A"), ("Corse-du-Sud", "2A"), ("haute corse", "2B"), ("974", "974"),
    ("974.0", "974"), ("La Réunion", "974"), ("Côtes-d'Armor", "22"), ("cotes d armor", "22"),
    ("Val-d'Oise", "95"), ("95.0", "95"), ("Territoire de Belfort", "90"), ("Paris", "75"),
])
def test_departments_are_found_by_code_or_name(text: str, code: str) -> None:
    assert department(text).code == code


@pytest.mark.parametrize("text", ["20", "96", "975", "977", "100", "0", "", "Bretagne", "06.5",
                                  "Alpes", "2C"])
def test_unknown_departments_are_refused(text: str) -> None:
    with pytest.raises(InvalidValue):
        department(text)
    with pytest.raises(InvalidValue):
        department_code(text)


@pytest.mark.parametrize("text", ["05", "12", "00", "Alpes-Maritimes", "", "93.5"])
def test_unknown_regions_are_refused(text: str) -> None:
    with pytest.raises(InvalidValue):
        region(text)


def test_non_strings_are_refused() -> None:
    for call in (department, region, department_code, region_code, departments_of):
        with pytest.raises(InvalidValue):
            call(6)  # type: ignore[arg-type]


def test_departments_of_a_region_in_insee_order() -> None:
    assert [d.code for d in departments_of("Bretagne")] == ["22", "29", "35", "56"]
    assert [d.code for d in departments_of("04")] == ["974"]


@given(st.sampled_from(DEPARTMENTS))
def test_code_and_name_lookups_agree(found: Department) -> None:
    assert department(found.code) == found
    assert department(found.name.upper()) == found
    assert department(found.code + ".0" if found.code.isdigit() else found.code) == found
    assert region(found.region).code == found.region


@given(st.text(max_size=12))
def test_lookups_either_find_or_refuse_never_crash(text: str) -> None:
    for call in (department, region):
        with contextlib.suppress(InvalidValue):
            call(text)
