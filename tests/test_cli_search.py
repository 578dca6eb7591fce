"""``formation search``: a page of sessions with the total and facets, readable or as JSON."""

from __future__ import annotations

import io
import json
from importlib.resources import as_file, files

import pytest

from formation.adapters.opendata import load_sample_catalog
from formation.cli import main
from formation.query import Query
from formation.search import CatalogIndex


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


def test_search_prints_a_french_table_of_the_packaged_sample_with_total_and_facets() -> None:
    code, text = run("search", "excel", "--page-size", "3")
    assert code == 0
    assert "TOSA Excel" in text and "Organisme" in text and "non publiée" in text
    assert "session(s) trouvée(s), page 1 sur" in text
    assert "Régions : " in text and "Prix (€) : " in text
    assert "Licence Ouverte" in text


def test_search_in_english_with_filters_and_a_descending_price() -> None:
    code, text = run("search", "--lang", "en", "--region", "Île-de-France", "--sort=-price",
                     "--max-price", "10 000", "--page-size", "2")
    assert code == 0
    assert "Training" in text and "Regions: Île-de-France" in text
    assert "10 800,00 €" not in text  # above the highest price asked for


def test_search_as_json_matches_the_library() -> None:
    code, text = run("search", "excel", "--department", "75", "--department", "91", "--json")
    document = json.loads(text)
    sample = load_sample_catalog()
    expected = CatalogIndex(sample.offers, sample.sessions).search(
        Query(text="excel", departments=("75", "91")))
    assert code == 0 and document["total"] == expected.total
    assert [h["session"]["session_id"] for h in document["hits"]] == [
        h.session.session_id for h in expected.hits]
    assert document["query"]["departments"] == ["75", "91"]
    assert set(document["facets"]) == {"formacode", "modality", "price_band", "region",
                                       "registry"}
    assert all(isinstance(h["offer"]["price"], int) for h in document["hits"])


def test_search_reads_a_catalogue_file() -> None:
    with as_file(files("formation").joinpath("data").joinpath("mcf_sample.csv")) as path:
        code, text = run("search", "--catalog", str(path), "--modality", "distanciel")
    assert code == 0 and "distanciel" in text


def test_an_empty_result_says_so() -> None:
    code, text = run("search", "zzzz")
    assert code == 0 and "Aucune session ne correspond." in text


@pytest.mark.parametrize("argv", [
    ("--region", "Atlantide"), ("--sort", "cheapest"), ("--modality", "online"),
    ("--from", "2027-02-30"), ("--near", "45,4"), ("--max-price", "12,345"),
    ("--page-size", "500"), ("--sort", "distance"), ("--catalog", "/no/such/file.csv"),
])
def test_bad_input_exits_2(argv: tuple[str, ...]) -> None:
    code, _ = run("search", *argv)
    assert code == 2


def test_eligible_applies_the_rules_on_the_day_given() -> None:
    # the open-data export says nothing of Qualiopi, so no organism of the sample can be shown
    # certified, and the rules leave every session out (eligibility.qualiopi_missing)
    code, text = run("search", "--eligible", "--on", "2024-09-01", "--json")
    assert code == 0 and json.loads(text)["total"] == 0
    code, text = run("search", "--eligible", "--on", "2024-09-31")
    assert code == 2
