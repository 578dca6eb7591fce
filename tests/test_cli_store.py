"""``formation export`` and ``formation import``: a whole store through JSON lines, with --db."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import store_workload
from formation.adapters.sqlite import SqliteStore
from formation.cli import main
from formation.cli._common import default_db_path
from formation.ids import AccountId, BookingId


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


@pytest.fixture
def busy(tmp_path: Path) -> Path:
    """A store file with two accounts, the catalogue and a folder accepted by its holder."""
    path = tmp_path / "busy.db"
    with SqliteStore(path, durable=False) as store:
        store_workload.seed(store, ["A1", "A2"])
        store.save_catalog([store_workload.OFFER], [store_workload.SESSION])
        holder = store_workload.Actor.holder(store_workload.holder_of("A1"))
        svc = store_workload.svc
        svc.book(store, holder, store_workload.at(2, 9), booking_id=BookingId("F1"),
                 account_id=AccountId("A1"), offer=store_workload.OFFER,
                 session=store_workload.SESSION)
        svc.accept(store, store_workload.ORGANISM, store_workload.at(3, 9), BookingId("F1"),
                   proposal=store_workload.PROPOSAL)
        svc.accept(store, holder, store_workload.at(4, 9), BookingId("F1"))
    return path


def test_export_writes_one_document_a_line_to_the_standard_output(busy: Path) -> None:
    code, text = run("export", "--db", str(busy))
    assert code == 0
    documents = [json.loads(line) for line in text.splitlines()]
    assert [d["type"] for d in documents] == ["Offer", "Session", "Account", "Account",
                                               "Booking"]
    assert all(set(d) == {"type", "version", "data"} for d in documents)


def test_export_then_import_into_a_new_file_moves_the_whole_store(busy: Path,
                                                                   tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    code, text = run("export", "--db", str(busy), "--out", str(dump))
    assert code == 0
    assert text == "Exporté : 1 offres, 1 sessions, 2 comptes, 3 écritures, 1 dossiers → " \
        f"{dump}\n"
    copy = tmp_path / "copy.db"
    code, text = run("import", "--db", str(copy), str(dump), "--lang", "en")
    assert code == 0
    assert text.startswith(f"Imported into {copy}: 1 offers, 1 sessions, 2 accounts")
    assert run("export", "--db", str(copy))[1] == dump.read_text(encoding="utf-8")


def test_import_as_json_reports_the_counts(busy: Path, tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    run("export", "--db", str(busy), "--out", str(dump))
    code, text = run("import", "--db", str(tmp_path / "copy.db"), str(dump), "--json")
    assert code == 0
    assert json.loads(text)["imported"] == {"accounts": 2, "entries": 3, "bookings": 1,
                                            "offers": 1, "sessions": 1, "holders": 0,
                                            "reviews": 0, "consents": 0, "seats": 0}


def test_a_bad_line_exits_2_naming_the_line_and_field_and_imports_nothing(
        busy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, text = run("export", "--db", str(busy))
    lines = text.splitlines(keepends=True)
    lines[2] = lines[2].replace('"amount":500000', '"amount":"5000 €"')
    dump = tmp_path / "bad.jsonl"
    dump.write_text("".join(lines), encoding="utf-8")
    copy = tmp_path / "copy.db"
    code, _ = run("import", "--db", str(copy), str(dump))
    assert code == 2
    assert "line 3: data.entries[0].amount" in capsys.readouterr().err
    with SqliteStore(copy) as store:
        assert set(store.counts().values()) == {0}


def test_importing_into_the_same_store_again_is_refused_with_exit_1(
        busy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dump = tmp_path / "dump.jsonl"
    run("export", "--db", str(busy), "--out", str(dump))
    code, _ = run("import", "--db", str(busy), str(dump))
    assert code == 1
    assert "already exists" in capsys.readouterr().err


def test_export_of_a_missing_store_exits_2(tmp_path: Path) -> None:
    assert run("export", "--db", str(tmp_path / "nothing.db"))[0] == 2
    assert not (tmp_path / "nothing.db").exists()


def test_a_foreign_file_exits_1_with_a_clear_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "photo.db"
    path.write_bytes(b"\x89PNG not a database" * 100)
    assert run("export", "--db", str(path))[0] == 1
    assert "not a formation store" in capsys.readouterr().err


def test_without_db_the_store_lives_in_the_users_data_directory(
        busy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path() == str(tmp_path / "data" / "formation" / "formation.db")
    dump = tmp_path / "dump.jsonl"
    run("export", "--db", str(busy), "--out", str(dump))
    assert run("import", str(dump))[0] == 0
    assert (tmp_path / "data" / "formation" / "formation.db").exists()
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_db_path() == str(tmp_path / "home" / ".local" / "share" / "formation" /
                                    "formation.db")


def test_import_reads_the_standard_input_with_a_dash(
        busy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, text = run("export", "--db", str(busy))
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code, report = run("import", "--db", str(tmp_path / "copy.db"), "-", "--lang", "en")
    assert code == 0
    assert "1 folders" in report


def test_a_missing_input_file_exits_2(tmp_path: Path) -> None:
    assert run("import", "--db", str(tmp_path / "copy.db"), str(tmp_path / "none.jsonl"))[0] == 2
