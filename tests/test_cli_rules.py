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
