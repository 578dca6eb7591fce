"""``formation rights``: a year's credit and how it was computed, in French, English or JSON."""

from __future__ import annotations

import io
import json

import pytest

from formation.cli import main


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


def test_rights_explains_a_prorated_credit_capped_by_the_ceiling() -> None:
    code, text = run("rights", "--year", "2024", "--hours", "803", "--balance", "4 900")
    assert code == 0
    assert "crédités le 15/04/2025" in text
    assert "500,00 € × 803 / 1 607 = 249,85 €" in text
    assert "Plafond atteint" in text
    assert text.strip().splitlines()[-2] == "Crédit : 100,00 €"


def test_rights_in_english_for_a_low_qualified_worker() -> None:
    code, text = run("rights", "--year", "2025", "--hours", "1607", "--low-qualified",
                     "--lang", "en")
    assert code == 0
    assert "800,00 € (reinforced), ceiling 8 000,00 €" in text
    assert "Credit: 800,00 €" in text


def test_rights_of_the_hours_era_give_hours_and_their_value() -> None:
    code, text = run("rights", "--year", "2016", "--hours", "1607", "--hours-balance", "110")
    assert code == 0
    assert "Crédit : 17 h, soit 255,00 €" in text


def test_rights_as_json_uses_field_names_and_cents() -> None:
    code, text = run("rights", "--year", "2024", "--hours", "800", "--reference-hours", "1600",
                     "--json")
    document = json.loads(text)
    assert code == 0 and document["credit"] == 50000 and document["era"] == "euros"
    assert document["computation"]["threshold_hours"] == "800"
    assert document["credited_on"] == "2025-04-15"


@pytest.mark.parametrize("argv", [
    ("rights", "--year", "2024", "--hours", "many"),
    ("rights", "--year", "2024", "--hours", "-3"),
    ("rights", "--year", "2024", "--hours", "10", "--balance", "12.345"),
    ("rights", "--year", "2014", "--hours", "10"),
    ("rights", "--hours", "10"),
])
def test_rights_bad_input_exits_2(argv: tuple[str, ...]) -> None:
    assert run(*argv)[0] == 2


def test_rights_of_a_self_employed_year_are_prorated_by_months() -> None:
    # R6323-22 (cpf-rules.md 1.3, 14.3): 7 months of activity → 291,67 €
    import io

    from formation.cli import main

    out = io.StringIO()
    assert main(["rights", "--year", "2024", "--months-active", "7", "--lang", "en"], out) == 0
    assert "500,00 € × 7 / 12 = 291,67 €" in out.getvalue()
    out = io.StringIO()
    assert main(["rights", "--year", "2024", "--months-active", "12", "--no-contribution",
                 "--json"], out) == 0
    assert '"credit": 0' in out.getvalue()


def test_rights_need_hours_or_months_not_both() -> None:
    import io

    from formation.cli import main

    assert main(["rights", "--year", "2024"], io.StringIO()) == 2
    assert main(["rights", "--year", "2024", "--hours", "800", "--months-active", "3"],
                io.StringIO()) == 2
