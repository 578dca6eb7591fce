"""``formation holidays`` and ``formation business-days``: readable, English, JSON, exit codes."""

from __future__ import annotations

import io
import json

import pytest

from formation.cli import main


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


def test_holidays_prints_the_year_in_french() -> None:
    code, text = run("holidays", "2026")
    assert code == 0
    assert "Jours fériés 2026 — Métropole" in text
    assert "25/05/2026  lundi     Lundi de Pentecôte" in text
    assert "Vendredi saint" not in text


def test_holidays_takes_a_department_code_and_english() -> None:
    code, text = run("holidays", "2026", "--territory", "67", "--lang", "en")
    assert code == 0
    assert "Public holidays 2026 — Alsace-Moselle" in text
    assert "2026-12-26  Saturday   Saint-Étienne" in text


def test_holidays_as_json() -> None:
    code, text = run("holidays", "2026", "--territory", "saint-martin", "--json")
    document = json.loads(text)
    assert code == 0
    assert document["year"] == 2026 and document["territory"] == "saint-martin"
    assert {"date": "2026-05-28", "name": "Abolition de l'esclavage"} in document["holidays"]
    assert len(document["holidays"]) == 13


@pytest.mark.parametrize("argv", [
    ("holidays", "1949"), ("holidays", "2201"), ("holidays", "deux-mille"),
    ("holidays", "2026", "--territory", "atlantis"), ("holidays", "2026", "--territory", "975"),
    ("business-days", "add", "2026-02-30", "1"), ("business-days", "add", "2026-01-05", "x"),
    ("business-days", "add", "2026-01-05", "1", "--kind", "weekly"),
    ("business-days", "add", "1949-12-31", "1"), ("business-days", "add", "2200-12-30", "10"),
    ("business-days", "count", "2026-01-05"), ("business-days",),
    ("business-days", "add", "2026-05-22", "1", "--worked", "labour_day"),
    ("business-days", "add", "2026-05-22", "1", "--worked", "whit-monday"),
])
def test_bad_input_exits_2(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(*argv)
    assert code == 2
    assert capsys.readouterr().err


def test_add_in_french_says_the_weekdays() -> None:
    code, text = run("business-days", "add", "2026-12-24", "2")
    assert code == 0
    assert text == "jeudi 24/12/2026 + 2 jours ouvrés (Métropole) : mardi 29/12/2026\n"


def test_add_accepts_a_negative_number_of_days() -> None:
    code, text = run("business-days", "add", "2026-12-24", "-3", "--lang", "en")
    assert code == 0
    assert text == ("Thursday 2026-12-24 − 3 business days (Metropolitan France): "
                    "Monday 2026-12-21\n")


def test_add_as_json_with_another_kind_and_territory() -> None:
    code, text = run("business-days", "add", "2026-04-02", "1", "--territory", "alsace-moselle",
                     "--kind", "ouvrable", "--json")
    assert code == 0
    assert json.loads(text) == {"day": "2026-04-02", "n": 1, "territory": "alsace-moselle",
                                "kind": "jour ouvrable", "result": "2026-04-04"}


def test_count_in_french_and_as_json() -> None:
    code, text = run("business-days", "count", "2026-11-26", "2026-12-31", "--territory", "57")
    assert code == 0
    assert text == ("Du jeudi 26/11/2026 (exclu) au jeudi 31/12/2026 (inclus), "
                    "Alsace-Moselle : 24 jours ouvrés\n")
    code, text = run("business-days", "count", "2026-12-31", "2026-11-26", "--json",
                     "--kind", "calendaire")
    assert json.loads(text)["count"] == -35


def test_count_one_day_is_singular() -> None:
    code, text = run("business-days", "count", "2026-11-26", "2026-11-27", "--lang", "en")
    assert code == 0
    assert text.endswith("Metropolitan France: 1 business day\n")


def test_a_worked_holiday_counts_as_a_business_day() -> None:
    code, text = run("business-days", "add", "2026-05-22", "1", "--worked", "whit_monday",
                     "--json")
    assert code == 0
    assert json.loads(text)["result"] == "2026-05-25"
    code, text = run("business-days", "add", "2026-05-22", "1", "--json")
    assert json.loads(text)["result"] == "2026-05-26"
