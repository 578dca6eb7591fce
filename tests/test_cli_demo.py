"""``formation demo``: the whole journey, deterministic, in French, English and JSON."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from formation.adapters.sqlite import SqliteStore
from formation.bookings import BookingStatus
from formation.cli import main
from formation.cli.demo import ACCOUNT, FOLDER, tell


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["demo", *argv], out)
    return code, out.getvalue()


@pytest.fixture(scope="module")
def french() -> str:
    code, text = run()
    assert code == 0
    return text


def test_the_demo_exits_with_zero_and_tells_every_chapter_in_french(french: str) -> None:
    for title in ("1. Les droits acquis depuis 2015", "2. La recherche d'une formation",
                  "3. La demande", "4. La réponse de l'organisme", "5. Le plan de financement",
                  "6. Entrée, fin de formation", "7. L'avis", "8. Le grand livre"):
        assert title in french


def test_the_demo_is_the_same_at_every_run(french: str) -> None:
    assert run()[1] == french


def test_the_career_shows_the_hours_era_the_conversion_and_the_dif(french: str) -> None:
    assert "01/01/2019  conversion en euros : 72 h × 15,00 €" in french
    assert "45 h de DIF saisies" in french
    assert "proratisé à 200,07 €" in french  # 40 % part time in 2020
    assert "Aucun crédit pour 2021" in french
    assert "Solde au 07/05/2026 : droits 4 815,07 €, abondements 600,00 €" in french


def test_the_search_runs_on_real_sample_rows_then_with_dates(french: str) -> None:
    assert "« tosa » en Pays de la Loire et Bretagne, jusqu'à 2 500,00 €" in french
    assert "5 session(s) ; par région : Pays de la Loire 3, Bretagne 2." in french
    assert "entrée entre le 25/05/2026 et le 30/06/2026 : 1 session(s)" in french
    assert "ARINFO I-MAGINER, SIRET 41273026900179" in french


def test_every_deadline_is_given_in_business_days_with_the_holidays_skipped(french: str) -> None:
    # Requested on Thursday 7 May 2026 in the evening; 8 May (Victoire 1945) is a holiday.
    assert "mardi 12/05/2026  2 jours ouvrés après 07/05/2026" in french
    assert "férié : 08/05/2026 Victoire 1945" in french
    assert "lundi 18/05/2026  4 jours ouvrés après 11/05/2026" in french  # Ascension skipped
    assert "jeudi 28/05/2026  11 jours ouvrés après 11/05/2026" in french
    # free while more than 7 bd remain (CGU 2019 art. 4.2, cpf-rules.md 14.6)
    assert "mardi 19/05/2026  plus de 7 jours ouvrés avant 01/06/2026 (8 j. ouvrés" in french
    assert "vendredi 29/05/2026  11 jours ouvrés après 12/05/2026" in french  # withdrawal
    assert "mercredi 10/06/2026  5 jours ouvrés après 03/06/2026" in french
    assert "vendredi 10/07/2026  30 jours calendaires après 10/06/2026" in french


def test_the_funding_plan_is_explained_with_the_rs_cap_and_the_exempting_top_up(
        french: str) -> None:
    assert "plafonné à 1 500,00 € pour un(e) certification du Répertoire spécifique" in french
    assert "Pas de participation forfaitaire" in french
    assert "Droits : 1 500,00 € ; abondements : 600,00 € ; carte : 348,00 €" in french


def test_the_review_and_the_final_ledger_close_the_story(french: str) -> None:
    assert "moyenne 4,4/5" in french
    assert ("Solde final : droits 3 315,07 €, abondements 0,00 €, bloqué 0,00 €, "
            "disponible 3 315,07 € (21 écritures") in french


def test_the_demo_speaks_english_without_french_units() -> None:
    code, text = run("--lang", "en")
    assert code == 0
    assert "1. The rights earned since 2015" in text
    assert "Tuesday 2026-05-12  2 business days after 2026-05-07" in text
    assert "jours ouvrés" not in text
    assert "643 h / 1607 h, prorated to 200,07 €" in text
    assert " pour " not in text
    assert "Final balance: rights 3 315,07 €" in text


def test_the_json_document_holds_the_story_and_its_money_adds_up() -> None:
    code, text = run("--json")
    assert code == 0
    document = json.loads(text)
    assert document["store"] == "memory"
    assert [s["step"] for s in document["steps"]] == [
        "requested", "proposed", "accepted", "entered", "done", "confirmed", "validated",
        "paid"]
    assert document["steps"][-1]["status"] == "serviceDoneValidated"
    plan = document["booking"]["plan"]
    assert sum(line["amount"] for line in plan["lines"]) == plan["price"] == 244800
    before = document["career"]["balance"]
    after = document["balance"]
    spent = sum(e["amount"] for e in document["ledger"] if e["kind"] == "debit")
    assert before["available"] - spent == after["available"] == 331507
    assert document["review"]["scores"]["welcome"] == 5
    assert document["rating"]["count"] == 1


def test_the_story_keeps_every_folder_step_in_its_history() -> None:
    story = tell()
    booking = story.booking
    assert len(booking.history) == len(story.steps)
    assert booking.paid_at is not None
    accepted, dates = story.step("accepted")
    assert accepted.plan is not None and dates.withdrawal_until is not None


def test_db_keeps_the_account_the_folder_and_the_catalogue_in_a_sqlite_file(
        tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    code, text = run("--db", str(path), "--json")
    assert code == 0
    assert json.loads(text)["store"] == "sqlite"
    store = SqliteStore(path)
    try:
        with store.unit_of_work() as uow:
            assert uow.bookings.get(FOLDER).status is BookingStatus.SERVICE_DONE_VALIDATED
            assert str(uow.accounts.get(ACCOUNT).balance().available) == "3 315,07 €"
        assert len(store.catalog) == 99  # the 98 sample sessions and the one proposed
    finally:
        store.close()
    exported = io.StringIO()
    assert main(["export", "--db", str(path)], exported) == 0
    kinds = {json.loads(line)["type"] for line in exported.getvalue().splitlines()}
    assert {"Offer", "Session", "Account", "Booking"} <= kinds


def test_db_refuses_a_file_that_already_holds_the_demo(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demo.sqlite"
    assert run("--db", str(path))[0] == 0
    code, _ = run("--db", str(path))
    assert code == 1
    assert "already holds the demo's account" in capsys.readouterr().err


def test_the_free_alternative_is_shown_beside_the_paid_training(french: str) -> None:
    assert "ressources d'exemple, inventées" in french
    assert "la formation choisie demande 2 100,00 € de droits et d'abondement" in french
    assert ("S'entraîner à la certification Tosa Illustrator (exemple) (Exemple — plateforme "
            "d'entraînement) : 25 h, soit 7 semaines, 19,00 €, mène à RS6205") in french
    code, text = run("--json")
    free = json.loads(text)["free_alternatives"]
    assert code == 0 and [f["resource"]["resource_id"] for f in free] == ["EX-R10", "EX-R09"]
    assert [f["weeks"] for f in free] == [7, 4]
