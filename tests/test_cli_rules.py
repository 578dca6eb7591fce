"""``formation rules``: the parameters in force, readable or as JSON."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from formation.cli import main


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


def test_rules_prints_a_french_table_with_sources() -> None:
    code, text = run("rules", "--on", "2026-03-01")
    assert code == 0
    assert "Règles en vigueur le 01/03/2026" in text
    assert "flat_participation" in text and "103,20 €" in text
    assert "décret n° 2026-127" in text


def test_rules_in_english() -> None:
    code, text = run("rules", "--on", "2024-05-02", "--lang", "en")
    assert code == 0
    assert "Rules in force on 2024-05-02" in text and "100,00 €" in text


def test_rules_as_json_uses_field_names_and_cents() -> None:
    code, text = run("rules", "--on", "2025-01-01", "--json")
    document = json.loads(text)
    assert code == 0 and document["on"] == "2025-01-01"
    by_name = {p["name"]: p for p in document["parameters"]}
    assert by_name["flat_participation"]["value"] == 10223
    assert by_name["flat_participation"]["since"] == "2025-01-01"
    assert by_name["flat_participation"]["until"] == "2025-12-31"
    assert by_name["flat_participation"]["confidence"] == "C"


def test_a_bad_date_exits_with_2_and_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("rules", "--on", "2026-13-01")
    assert code == 2
    assert "2026-13-01" in capsys.readouterr().err


def test_python_dash_m_formation_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "formation", "--version"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.startswith("formation ")


def test_the_rules_reference_page_is_generated_from_the_rulebook() -> None:
    from pathlib import Path

    from formation import Rulebook
    from formation.cli.rules import markdown_reference

    page = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
    assert page.read_text(encoding="utf-8") == markdown_reference(Rulebook.default()), (
        "docs/rules.md is stale: run `formation rules --history --markdown --lang en > docs/rules.md`"
    )


def test_history_lists_every_value() -> None:
    _code, text = run("rules", "--history", "--json")
    document = json.loads(text)
    values = [p["value"] for p in document["parameters"] if p["name"] == "flat_participation"]
    assert values == [0, 10000, 10223, 10320]


def test_diff_prints_every_parameter_a_what_if_changes() -> None:
    code, text = run("rules", "--on", "2027-03-01", "--diff", "flat_participation=150",
                     "--diff", "free_cancellation_more_than=no", "--lang", "en")
    assert code == 0
    assert "What changes on 2027-03-01" in text
    assert "flat_participation" in text and "103,20 €" in text and "150,00 €" in text
    assert "free_cancellation_more_than" in text
    assert "annual_credit " not in text  # only what differs


def test_diff_takes_effect_from_effective_and_prints_json() -> None:
    code, text = run("rules", "--on", "2026-06-01", "--diff", "flat_participation=150",
                     "--effective", "2027-01-01", "--lang", "en")
    assert code == 0 and "No difference on 2026-06-01" in text
    code, text = run("rules", "--on", "2027-06-01", "--diff", "flat_participation=150,00 €",
                     "--diff", "flat_participation_exempting_funders=employer,opco",
                     "--effective", "2027-01-01", "--json")
    document = json.loads(text)
    assert code == 0 and document["on"] == "2027-06-01"
    by_name = {d["name"]: d for d in document["differences"]}
    assert by_name["flat_participation"]["before"]["value"] == 10320
    assert by_name["flat_participation"]["after"]["value"] == 15000
    assert by_name["flat_participation"]["after"]["since"] == "2027-01-01"
    assert "flat_participation_exempting_funders" in by_name


@pytest.mark.parametrize("change", ["nonsense=1", "flat_participation", "flat_participation=abc",
                                    "free_cancellation_more_than=maybe",
                                    "top_up_priority=nobody"])
def test_a_bad_diff_exits_with_2_and_names_the_problem(
    change: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run("rules", "--on", "2027-03-01", "--diff", change)
    assert code == 2
    assert capsys.readouterr().err.strip()


def test_parse_change_reads_each_kind_of_value() -> None:
    from datetime import date
    from fractions import Fraction

    from formation import Euros, Funder
    from formation.cli.rules import parse_change

    assert parse_change("minimum_lead_business_days=none") == ("minimum_lead_business_days",
                                                               None)
    assert parse_change("full_rights_threshold=1/3") == ("full_rights_threshold", Fraction(1, 3))
    assert parse_change("annual_credit_posted_on=6-15") == ("annual_credit_posted_on", (6, 15))
    assert parse_change("dif_use_by=2030-01-01") == ("dif_use_by", date(2030, 1, 1))
    assert parse_change("cec_ceiling=1 000,00 €") == ("cec_ceiling", Euros(100000))
    assert parse_change("top_up_priority=holder,employer") == (
        "top_up_priority", (Funder.HOLDER, Funder.EMPLOYER))
