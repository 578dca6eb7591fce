"""``formation deadlines``: a folder's deadlines with their rules and sources (cpf-rules.md 5)."""

from __future__ import annotations

import io
import json

import pytest

from formation.calendar.territories import Territory
from formation.cli import main
from formation.cli.deadlines import parse_instant
from formation.errors import InvalidValue


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


def test_a_friday_evening_request_before_easter_monday_in_french() -> None:
    code, text = run("deadlines", "--requested", "2026-04-03T19:30", "--start", "2026-04-27",
                     "--end", "2026-05-07")
    assert code == 0
    assert "Échéances d'un dossier demandé le 03/04/2026 à 19:30" in text
    assert "Réponse de l'organisme au plus tard        08/04/2026" in text
    assert "2 jours ouvrés" in text and "defi-metiers.fr" in text
    assert "Paiement de l'organisme au plus tard       17/06/2026" in text


def test_alsace_moselle_counts_good_friday_as_a_holiday() -> None:
    common = ("deadlines", "--requested", "2026-04-02T18:00", "--start", "2026-04-27", "--json")
    _, metropole = run(*common)
    _, alsace = run(*common, "--territory", "67")
    assert json.loads(metropole)["deadlines"]["organism_answer_by"] == "2026-04-07"
    assert json.loads(alsace)["deadlines"]["organism_answer_by"] == "2026-04-08"


def test_json_lists_every_deadline_with_its_parameters() -> None:
    code, text = run("deadlines", "--requested", "2026-12-30T22:00+01:00", "--start",
                     "2027-01-18", "--json", "--prerequisites")
    assert code == 0
    document = json.loads(text)
    assert document["terms_version"] == "v14"
    assert document["deadlines"]["organism_answer_by"] == "2027-01-04"
    assert document["deadlines"]["earliest_start"] == "2027-01-15"
    assert document["rules"]["withdrawal_until"][0]["name"] == "withdrawal_business_days"
    assert document["rules"]["withdrawal_until"][0]["confidence"] == "P"


def test_in_english() -> None:
    code, text = run("deadlines", "--requested", "2026-03-02T09:00Z", "--start", "2026-04-13",
                     "--lang", "en")
    assert code == 0
    assert "Organism answers by" in text and "2026-03-04" in text


def test_a_start_sooner_than_the_minimum_lead_time_is_refused() -> None:
    code, _ = run("deadlines", "--requested", "2026-12-30T22:00", "--start", "2027-01-10")
    assert code == 1


@pytest.mark.parametrize("argv", [
    ("deadlines", "--requested", "hier", "--start", "2027-01-10"),
    ("deadlines", "--requested", "2026-12-30T22:00", "--start", "10/01/2027"),
    ("deadlines", "--start", "2027-01-10"),
])
def test_bad_input_exits_2(argv: tuple[str, ...]) -> None:
    assert run(*argv)[0] == 2


def test_an_instant_without_offset_is_local_time() -> None:
    assert parse_instant("2026-01-04T20:30", Territory.GUYANE).isoformat() == \
        "2026-01-04T20:30:00-03:00"
    with pytest.raises(InvalidValue):
        parse_instant("demain")
