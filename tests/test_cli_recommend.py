"""``formation recommend``: ranked sessions of the packaged sample, readable or as JSON."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from formation.cli import main


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


BASE = ("recommend", "--on", "2026-03-02")


def test_recommend_prints_ranked_sessions_with_their_reasons_in_french() -> None:
    code, text = run(*BASE, "--theme", "excel", "--near", "69003", "--budget", "150",
                     "--balance", "1200")
    assert code == 0
    assert "Recommandations du 02/03/2026 pour « excel »" in text
    assert "Autour de 69003 → Lyon (30 km)" in text
    assert "1. " in text and "Excel" in text
    assert "sauf la participation forfaitaire (103,20 €)" in text
    assert "hors temps de travail : pas d'accord de l'employeur nécessaire" in text
    assert "Source : Caisse des Dépôts – Mon Compte Formation" in text
    assert "Licence Ouverte" in text


def test_recommend_in_english_near_coordinates_without_distance_learning() -> None:
    code, text = run(*BASE, "--theme", "excel", "--near", "45.76,4.84", "--no-distance",
                     "--budget", "4500", "--balance", "1200", "--lang", "en")
    assert code == 0
    assert "Around 45.76,4.84 (30 km)" in text
    assert "in Rhône" in text and "at a distance" not in text
    assert "you pay 4 457,00 € by card" in text


def test_recommend_as_json_uses_field_names_and_cents() -> None:
    code, text = run(*BASE, "--theme", "excel", "--distance-only", "--budget", "200",
                     "--balance", "1500", "--json", "--limit", "3")
    document = json.loads(text)
    assert code == 0 and document["on"] == "2026-03-02" and document["balance"] == 150000
    assert document["needs"]["distance_only"] is True
    found = document["recommendations"]
    assert 1 <= len(found) <= 3
    first = found[0]
    assert first["bookable"] is True and first["session"]["place"] is None
    assert first["plan"]["price"] == first["offer"]["price"]
    assert {r["code"] for r in first["reasons"]} >= {"consent.not_needed", "dates.unpublished"}
    scores = [r["score"] for r in found]
    assert scores == sorted(scores, reverse=True)


def test_nothing_bookable_says_so_and_all_shows_why() -> None:
    code, text = run(*BASE, "--theme", "excel", "--near", "13001", "--budget", "0",
                     "--balance", "0")
    assert code == 0 and "Aucune session réservable" in text
    code, text = run(*BASE, "--theme", "excel", "--near", "13001", "--budget", "0",
                     "--balance", "0", "--all", "--lang", "en")
    assert code == 0 and "CANNOT BE BOOKED" in text and "over your budget of 0,00 €" in text


def test_during_working_time_the_employer_must_be_asked() -> None:
    code, text = run(*BASE, "--theme", "excel", "--distance-only", "--budget", "200",
                     "--balance", "1500", "--working-time", "--lang", "en")
    assert code == 0 and "ask your employer's consent 60 days before the start" in text


@pytest.mark.parametrize("argv", [
    ("--theme", "excel", "--budget", "100", "--near", "99999"),
    ("--theme", "excel", "--budget", "100", "--radius", "0"),
    ("--theme", "excel", "--budget", "1,234"),
    ("--theme", "excel", "--budget", "100", "--free", "2026-05-01"),
    ("--theme", "excel", "--budget", "100", "--free", "2026-05-02:2026-05-01"),
    ("--theme", "excel", "--budget", "100", "--limit", "0"),
    ("--budget", "100",),
    ("--theme", "excel", "--budget", "100", "--near", "69003", "--distance-only"),
])
def test_bad_input_exits_2(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(*BASE, *argv)
    assert code == 2


def test_a_catalogue_file_can_be_given(tmp_path: Path) -> None:
    from importlib.resources import files

    sample = files("formation").joinpath("data").joinpath("mcf_sample.csv").read_bytes()
    path = tmp_path / "export.csv"
    path.write_bytes(sample)
    code, text = run(*BASE, "--theme", "photoshop", "--distance-only", "--budget", "3000",
                     "--balance", "0", "--catalog", str(path), "--lang", "en")
    assert code == 0 and "Photoshop" in text and f"Source: {path}" in text


def test_a_missing_catalogue_file_is_bad_input(tmp_path: Path) -> None:
    code, _ = run(*BASE, "--theme", "x", "--budget", "0", "--catalog", str(tmp_path / "no.csv"))
    assert code == 2
