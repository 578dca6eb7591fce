"""``formation quote``: the funding plan, readable in French or English, or as JSON."""

from __future__ import annotations

import io
import json

import pytest

from formation import Funder, InvalidValue
from formation.cli import main
from formation.cli.quote import parse_action_type, parse_top_up


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


def test_quote_prints_the_moneyvox_example_in_french() -> None:
    # moneyvox 2024 (cpf-rules.md section 4): 1 000 €, balance 950 € → 900 € + 100 €.
    code, text = run("quote", "--price", "1000", "--balance", "950", "--on", "2024-06-01")
    assert code == 0
    assert "Plan de financement du 01/06/2024" in text
    assert "Montant" in text and "1 000,00 €  Total" in text and "100,00 €  dont par carte" in text
    assert "900,00 €  Droits CPF" in text and "100,00 €  Participation forfaitaire" in text
    assert "décret n° 2024-394" in text


def test_quote_with_top_ups_in_english() -> None:
    code, text = run("quote", "--price", "2 000", "--balance", "1200", "--on", "2026-03-01",
                     "--top-up", "region:300", "--top-up", "EMPLOYER:200", "--lang", "en")
    assert code == 0
    assert "Top-up — employer [EMPLOYER:200]" in text and "region [region:300]" in text
    assert "No flat participation" in text
    assert "Rights: 1 200,00 €; top-ups: 500,00 €; card: 300,00 €" in text


def test_quote_as_json_uses_field_names_and_cents() -> None:
    code, text = run("quote", "--price", "1500", "--balance", "3000", "--on", "2026-03-01",
                     "--action-type", "bilan", "--job-seeker", "--json")
    document = json.loads(text)
    assert code == 0
    assert document["rights_used"] == 150000 and document["card_payment"] == 0
    assert document["exemption"] == "job-seeker" and document["rights_cap"] == 160000
    assert document["lines"][0]["kind"] == "rights"
    assert (document["rights_used"] + document["top_ups_used"] + document["card_payment"]
            == document["price"])


def test_quote_pays_options_not_fundable_by_card() -> None:
    code, text = run("quote", "--price", "1100", "--balance", "5000", "--on", "2025-06-01",
                     "--not-fundable", "100", "--json")
    document = json.loads(text)
    assert code == 0 and document["card_payment"] == 10000 + 10223


def test_quote_refuses_a_light_licence_without_co_funding_with_exit_code_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Loi de finances 2026 art. 203.
    code, _ = run("quote", "--price", "1500", "--balance", "3000", "--on", "2026-03-01",
                  "--action-type", "permis-leger")
    assert code == 1
    assert "funding.driving_licence_cofunding" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ("--price", "1,5x", "--balance", "3"),
        ("--price", "100", "--balance", "3", "--top-up", "nobody:1"),
        ("--price", "100", "--balance", "3", "--top-up", "region"),
        ("--price", "100", "--balance", "3", "--action-type", "yoga"),
        ("--price", "100", "--balance", "3", "--on", "2026-02-30"),
        ("--price", "-100", "--balance", "3", "--on", "2026-02-03"),
        ("--price", "100", "--balance", "3", "--on", "2026-02-03", "--not-fundable", "200"),
    ],
)
def test_bad_input_exits_with_code_2(argv: tuple[str, ...]) -> None:
    code, _ = run("quote", *argv)
    assert code == 2


def test_the_parsers_read_values_and_names() -> None:
    top_up = parse_top_up("france-travail:150,50:RS6204+RNCP37873")
    assert top_up.funder is Funder.FRANCE_TRAVAIL and top_up.amount.cents == 15050
    assert top_up.earmarked_certifications == {"RS6204", "RNCP37873"}
    assert parse_action_type("SKILLS_ASSESSMENT").value == "bilan"
    with pytest.raises(InvalidValue):
        parse_top_up("region:1:2:3")


def test_quote_draws_a_dotation_before_the_rights_from_5_december_2025() -> None:
    # Décret n° 2025-1156 (cpf-rules.md 3): dotations, then rights, then complementary top-ups.
    code, text = run("quote", "--price", "1000", "--balance", "2000", "--on", "2026-12-02",
                     "--dotation", "employeur:500", "--top-up", "region:300", "--json")
    assert code == 0
    data = json.loads(text)
    assert [(line["kind"], line["top_up_kind"], line["amount"]) for line in data["lines"]] == [
        ("top-up", "dotation", 50000), ("rights", None, 50000)]
    assert data["card_payment"] == 0
    assert [t["funder"] for t in data["unused_top_ups"]] == ["region"]
    code, text = run("quote", "--price", "1000", "--balance", "2000", "--on", "2025-12-04",
                     "--dotation", "employeur:500")
    assert "897,77 €  Droits CPF" in text and "Non utilisé : dotation employeur" in text
