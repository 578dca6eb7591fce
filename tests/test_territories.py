"""territory_for_department: every French department code maps to its holiday territory."""

from __future__ import annotations

import pytest
from hypothesis import given

from formation import BusinessCalendar, InvalidValue, Territory, territory_for_department
from formation.calendar.territories import parse_territory
from formation.testing import strategies as fst

METROPOLITAN = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]


@pytest.mark.parametrize("code", METROPOLITAN)
def test_every_metropolitan_department_has_a_territory(code: str) -> None:
    expected = (Territory.ALSACE_MOSELLE if code in {"57", "67", "68"}
                else Territory.METROPOLE)
    assert territory_for_department(code) is expected


@pytest.mark.parametrize(("code", "territory"), [
    ("971", Territory.GUADELOUPE), ("972", Territory.MARTINIQUE), ("973", Territory.GUYANE),
    ("974", Territory.LA_REUNION), ("976", Territory.MAYOTTE),
    ("977", Territory.SAINT_BARTHELEMY), ("978", Territory.SAINT_MARTIN),
])
def test_overseas_codes_give_their_own_territory(code: str, territory: Territory) -> None:
    assert territory_for_department(code) is territory


def test_alsace_moselle_is_bas_rhin_haut_rhin_and_moselle() -> None:
    # cpf-rules.md 9.2
    found = {c for c in METROPOLITAN if territory_for_department(c) is Territory.ALSACE_MOSELLE}
    assert found == {"57", "67", "68"}


def test_corsica_accepts_lower_case_and_spaces() -> None:
    assert territory_for_department(" 2a ") is Territory.METROPOLE


@pytest.mark.parametrize("code", ["20", "00", "96", "99", "975", "979", "7", "1", "075", "",
                                  "2C", "metropole", 75, None])
def test_anything_else_is_an_invalid_value(code: object) -> None:
    with pytest.raises(InvalidValue):
        territory_for_department(code)  # type: ignore[arg-type]


def test_saint_pierre_et_miquelon_says_it_is_not_modelled() -> None:
    with pytest.raises(InvalidValue, match="not modelled"):
        territory_for_department("975")


def test_every_territory_has_french_and_english_labels() -> None:
    for territory in Territory:
        assert territory.label_fr and territory.label_en
    assert Territory.LA_REUNION.label_fr == "La Réunion"


@pytest.mark.parametrize(("text", "territory"), [
    ("metropole", Territory.METROPOLE), ("ALSACE_MOSELLE", Territory.ALSACE_MOSELLE),
    ("saint-martin", Territory.SAINT_MARTIN), ("67", Territory.ALSACE_MOSELLE),
    ("973", Territory.GUYANE),
])
def test_parse_territory_reads_codes_and_departments(text: str, territory: Territory) -> None:
    assert parse_territory(text) is territory


def test_parse_territory_names_what_is_accepted() -> None:
    with pytest.raises(InvalidValue, match="alsace-moselle"):
        parse_territory("atlantis")


@given(fst.department_codes())
def test_every_code_of_the_strategy_has_a_territory_with_a_calendar(code: str) -> None:
    territory = territory_for_department(code)
    assert BusinessCalendar(territory).territory is territory
