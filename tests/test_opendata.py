"""The open-data importer on real rows of the Mon Compte Formation export, and on bad ones.

Real rows: ``shared/data/*.csv`` (CDC open data, July 2024; their README lists the quirks: ``-1``
for "not applicable", codes written as floats, blank department = distance, HTML in
``points_forts``, ``nombre_heures`` 0 = not given) and the sample shipped in the package. Column
names old and new: cpf-rules.md section 11.1.
"""

from __future__ import annotations

import csv
import io
import json
from importlib.resources import files
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formation import ActionType, Euros, Modality, Offer, Place, Registry
from formation.adapters.opendata import (
    SAMPLE_ATTRIBUTION,
    CatalogImport,
    html_to_text,
    load_open_data_catalog,
    load_sample_catalog,
)
from formation.errors import FormationError, InvalidValue, StorageError
from formation.testing import strategies as fst

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FULL = DATA / "mcf_catalogue_sample_rs_full.csv"
RNCP = DATA / "mcf_catalogue_sample_rs_rncp.csv"
REAL = [FULL, RNCP]
needs_data = pytest.mark.skipif(not FULL.exists(), reason="shared sample data not available")


def dict_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def restored_department(text: str) -> str:
    """The department as the CDC published it, written independently of the importer."""
    if not text:
        return ""
    return text if not text.replace(".", "").isdigit() else str(int(float(text))).zfill(2)


def record_start_lines(path: Path) -> list[int]:
    """The physical line each record starts on, found by its leading ISO date (not with csv)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return [n for n, line in enumerate(lines, start=1)
            if n > 1 and len(line) > 11 and line[:4] == "2024" and line[10] == ","]


# -- real rows ---------------------------------------------------------------------------------

@needs_data
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_every_real_row_is_accounted_for(path: Path) -> None:
    result = load_open_data_catalog(path)
    expected = len(dict_rows(path))  # 100 and 392 per the data README
    assert result.rows == expected
    assert len(result.sessions) + len(result.rejected) == expected
    assert result.rejected == ()  # the real rows are all good
    assert {s.offer_id for s in result.sessions} == {o.offer_id for o in result.offers}


@needs_data
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_values_are_kept_as_in_the_file(path: Path) -> None:
    result = load_open_data_catalog(path)
    offers = {o.offer_id: o for o in result.offers}
    for row, session in zip(dict_rows(path), result.sessions, strict=True):
        offer = offers[session.offer_id]
        assert offer.organism.siret == row["siret"]  # kept as text, leading digits intact
        assert offer.organism.name == (row["nom_of"] or row["siret"])
        department = restored_department(row["code_departement"])
        if department:
            assert session.place is not None
            assert session.place.department == department
            assert session.place.region == restored_department(row["code_region"])
        else:
            assert session.place is None
        assert session.start is None and session.end is None and session.seats is None
        assert session.price_of(offer) == Euros.parse(row["frais_ttc_tot_min"])
        kind = row["type_referentiel"]
        code = row["code_inventaire"] if kind == "RS" else row["code_rncp"]
        assert offer.certification is not None
        assert offer.certification.registry is Registry(kind)
        assert offer.certification.code == code
        assert offer.certification.title == row["intitule_certification"]
        assert offer.action_type is (ActionType.RS if kind == "RS" else ActionType.RNCP)
        codes = [row[f"code_formacode_{i}"].removesuffix(".0") for i in range(1, 6)]
        assert offer.formacodes == tuple(dict.fromkeys(c for c in codes if c))
        assert offer.title == row.get("intitule_formation", row["intitule_certification"])
        if "numero_formation" in row:
            assert offer.offer_id == row["numero_formation"]
        hours = int(row["nombre_heures_total_min"])
        assert offer.duration_hours == (hours or None)


@needs_data
def test_department_06_is_restored_from_6_0_and_the_region_from_93_0() -> None:
    # shared/data README: "code_departement 6.0 (= "06"), code_region 93.0"
    result = load_open_data_catalog(FULL)
    by_offer = {s.offer_id: s for s in result.sessions}
    session = by_offer["39963449200025_POWERPOINT2024INDIV"]
    assert session.place is not None
    assert (session.place.department, session.place.region) == ("06", "93")


@needs_data
def test_the_first_real_row_in_detail() -> None:
    result = load_open_data_catalog(FULL)
    offer = result.offers[0]
    assert offer.offer_id == "78959578200051_M-FOR1512"
    assert offer.organism.name == "FORMALTIC"
    assert offer.title == "PhotoShop sur mesure"
    assert offer.certification is not None and offer.certification.key == "RS6204"
    assert offer.formacodes == ("46006", "71133")
    assert offer.nsf_codes == ("326",)
    assert offer.price == Euros(233000)
    assert offer.duration_hours == 21
    assert offer.modality is Modality.IN_PERSON
    assert offer.summary == ("- Formateurs reconnus pour leur pédagogie et leur niveau "
                             "d'expertise\n- Suivi pédagogique individualisé\n"
                             "- Centre certificateur agréé TOSA")
    assert result.extracted_on is not None and result.extracted_on.isoformat() == "2024-07-11"


@needs_data
def test_rows_of_one_offer_in_several_departments_make_one_offer_at_its_lowest_price() -> None:
    result = load_open_data_catalog(FULL)
    rows = dict_rows(FULL)
    numbers = [r["numero_formation"] for r in rows]
    assert len(result.offers) == len(set(numbers))
    for offer in result.offers:
        prices = [Euros.parse(r["frais_ttc_tot_min"]) for r in rows
                  if r["numero_formation"] == offer.offer_id]
        assert offer.price == min(prices)
        sessions = [s for s in result.sessions if s.offer_id == offer.offer_id]
        assert len(sessions) == len(prices)
        assert all(s.price is None or s.price != offer.price for s in sessions)


@needs_data
def test_blank_department_rows_are_distance_sessions() -> None:
    result = load_open_data_catalog(FULL)
    offers = {o.offer_id: o for o in result.offers}
    distance = [s for s in result.sessions if s.place is None]
    assert len(distance) == sum(1 for r in dict_rows(FULL) if not r["code_departement"])
    for session in distance:
        assert offers[session.offer_id].modality in (Modality.DISTANCE, Modality.MIXED)


@needs_data
def test_a_file_without_numero_formation_gets_stable_derived_ids() -> None:
    first = load_open_data_catalog(RNCP)
    again = load_open_data_catalog(RNCP)
    assert [o.offer_id for o in first.offers] == [o.offer_id for o in again.offers]
    assert all(o.offer_id.startswith(o.organism.siret + "_" + o.certification.key)
               for o in first.offers if o.certification is not None)
    assert len({s.session_id for s in first.sessions}) == len(first.sessions)


@needs_data
def test_an_empty_organism_name_is_replaced_by_the_siret_and_noted() -> None:
    result = load_open_data_catalog(RNCP)
    unnamed = [n for n, r in enumerate(dict_rows(RNCP), start=2) if not r["nom_of"]]
    assert [note.line for note in result.notes] == unnamed  # no multi-line cells in this file
    assert all("nom_of" in note.note for note in result.notes)


@needs_data
def test_a_bad_row_among_real_ones_is_reported_on_its_physical_line() -> None:
    text = FULL.read_text(encoding="utf-8")
    starts = record_start_lines(FULL)
    assert len(starts) == 100
    # corrupt the SIRET of the 30th record (after many multi-line points_forts cells)
    rows = dict_rows(FULL)
    target = rows[29]
    bad_number = target["numero_formation"]
    marker = f",{target['siret']},{bad_number},"
    assert text.count(marker) == 1
    corrupted = text.replace(marker, f",{target['siret'][:-1]}0,{bad_number},")
    result = load_open_data_catalog(io.StringIO(corrupted))
    assert result.rows == 100
    assert len(result.sessions) == 99
    [rejected] = result.rejected
    assert rejected.line == starts[29]
    assert rejected.line > 31  # multi-line cells before it: not the record number
    assert "siret" in rejected.reason


# -- the other formats -------------------------------------------------------------------------

def semicolon_new_names(path: Path) -> str:
    """The same rows as the portal writes them: ';', a BOM, and the newer column names."""
    rows = dict_rows(path)
    rename = {"siret": "siret_of", "code_inventaire": "code_rs", "date_extract": "date_chargement"}
    out = io.StringIO()
    writer = csv.DictWriter(out, [rename.get(k, k) for k in rows[0]], delimiter=";")
    writer.writeheader()
    for row in rows:
        writer.writerow({rename.get(k, k): v for k, v in row.items()})
    return "\ufeff" + out.getvalue()


def as_json_values(row: dict[str, str]) -> dict[str, object]:
    """A record as the JSON export gives it: numbers as numbers, blanks as null."""
    out: dict[str, object] = {}
    for key, value in row.items():
        if value == "":
            out[key] = None
        elif key in ("siret", "code_departement", "code_region", "frais_ttc_tot_min") and (
                value.replace(".", "").isdigit()):
            out[key] = float(value) if "." in value else int(value)
        else:
            out[key] = value
    return out


def summary(result: CatalogImport) -> tuple[object, ...]:
    return (result.offers, result.sessions, result.rejected, result.rows)


@needs_data
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_semicolon_csv_with_the_newer_column_names_reads_the_same(path: Path) -> None:
    original = load_open_data_catalog(path)
    data = semicolon_new_names(path).encode("utf-8")
    assert summary(load_open_data_catalog(io.BytesIO(data))) == summary(original)


@needs_data
def test_a_json_array_reads_the_same_and_reports_lines_of_the_records() -> None:
    original = load_open_data_catalog(FULL)
    records = [as_json_values(r) for r in dict_rows(FULL)]
    text = json.dumps(records, ensure_ascii=False, indent=1)
    result = load_open_data_catalog(io.StringIO(text))
    assert summary(result) == summary(original)
    # a bad record is reported on the line of its opening brace
    records[3]["type_referentiel"] = "PERMIS"
    text = json.dumps(records, ensure_ascii=False, indent=1)
    [rejected] = load_open_data_catalog(io.StringIO(text)).rejected
    assert text.split("\n")[rejected.line - 1].strip() == "{"
    assert "type_referentiel" in rejected.reason


@needs_data
def test_json_lines_and_an_api_answer_read_the_same() -> None:
    original = load_open_data_catalog(RNCP)
    records = [as_json_values(r) for r in dict_rows(RNCP)]
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
    assert summary(load_open_data_catalog(io.StringIO(lines))) == summary(original)
    answer = json.dumps({"total_count": len(records), "results": records})
    assert summary(load_open_data_catalog(io.StringIO(answer))) == summary(original)


def test_bad_json_lines_are_rejected_one_by_one() -> None:
    good = {"siret": "78959578200051", "nom_of": "FORMALTIC", "type_referentiel": "RS",
            "code_rs": 6204, "intitule_certification": "Tosa Photoshop",
            "frais_ttc_tot_min": 2330.0, "code_departement": 34.0, "code_region": 76.0}
    lines = [json.dumps(good), "{not json", '"a string"', "[1, 2]",
             json.dumps({**good, "code_departement": [34]}), "",
             json.dumps({**good, "code_departement": 13.0, "code_region": 93.0})]
    result = load_open_data_catalog(io.StringIO("\n".join(lines)))
    assert result.rows == 6
    assert [s.place.department for s in result.sessions if s.place] == ["34", "13"]
    assert [r.line for r in result.rejected] == [2, 3, 4, 5]
    assert "not a JSON record" in result.rejected[0].reason
    assert "expected a JSON object" in result.rejected[1].reason
    assert "code_departement" in result.rejected[3].reason


# -- bad rows ----------------------------------------------------------------------------------

HEADER = ("date_extract,nom_of,type_referentiel,code_inventaire,code_rncp,intitule_certification,"
          "libelle_niveau_sortie_formation,code_formacode_1,siret,numero_formation,"
          "intitule_formation,points_forts,nb_session_a_distance,nombre_heures_total_min,"
          "frais_ttc_tot_min,code_departement,code_region")
GOOD = ('2024-07-11,FORMALTIC,RS,6204,-1,Tosa Photoshop,,46006,78959578200051,AF1,Photoshop,'
        '"<p>Un\nvrai\ntexte</p>",0,21,2330.0,34.0,76.0')

BAD_ROWS = [
    ("siret check digit", GOOD.replace("78959578200051", "78959578200052"), "siret"),
    ("siret missing", GOOD.replace("78959578200051", ""), "siret"),
    ("unknown action kind", GOOD.replace(",RS,", ",PERMIS,"), "type_referentiel"),
    ("RS row without RS code", GOOD.replace(",6204,", ",-1,"), "code_rs"),
    ("no certification title", GOOD.replace("Tosa Photoshop", ""), "intitule_certification"),
    ("price not an amount", GOOD.replace("2330.0", "deux mille"), "frais_ttc_tot_min"),
    ("price too precise", GOOD.replace("2330.0", "2330.125"), "frais_ttc_tot_min"),
    ("price missing", GOOD.replace("2330.0", ""), "no price"),
    ("unknown department", GOOD.replace("34.0,76.0", "99.0,76.0"), "department"),
    ("department outside its region", GOOD.replace("34.0,76.0", "34.0,93.0"), "region"),
    ("region without department", GOOD.replace("34.0,76.0", ",76.0"), "without a department"),
    ("hours not a number", GOOD.replace(",21,", ",vingt,"), "nombre_heures_total_min"),
    ("bad formacode", GOOD.replace("46006", "4600X"), "5-digit"),
    ("bad date", GOOD.replace("2024-07-11", "11/07/2024"), "ISO date"),
    ("too many fields", GOOD + ",extra", "fields"),
    ("too few fields", GOOD.rsplit(",", 1)[0], "fields"),
]


@pytest.mark.parametrize(("case", "row", "reason"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_a_bad_row_is_rejected_with_its_line_and_reason_and_the_good_ones_kept(
    case: str, row: str, reason: str
) -> None:
    good_after = GOOD.replace("AF1", "AF2").replace("34.0,76.0", "6.0,93.0")
    text = "\n".join([HEADER, GOOD, row, good_after]) + "\n"
    result = load_open_data_catalog(io.StringIO(text))
    assert result.rows == 3
    assert [o.offer_id for o in result.offers] == ["AF1", "AF2"]
    [rejected] = result.rejected
    assert rejected.line == 5  # header 1, the good row spans lines 2-4 (a 3-line cell)
    assert reason in rejected.reason


def test_a_repeated_offer_in_the_same_department_is_rejected() -> None:
    text = "\n".join([HEADER, GOOD, GOOD]) + "\n"
    result = load_open_data_catalog(io.StringIO(text))
    assert len(result.sessions) == 1
    [rejected] = result.rejected
    assert rejected.line == 5
    assert "already read on line 2" in rejected.reason


def test_an_offer_number_reused_by_another_organism_is_rejected() -> None:
    other = GOOD.replace("78959578200051", "78959578200044").replace("34.0,76.0", "13.0,93.0")
    result = load_open_data_catalog(io.StringIO("\n".join([HEADER, GOOD, other])))
    [rejected] = result.rejected
    assert "another SIRET" in rejected.reason


def test_one_offer_in_a_department_and_at_a_distance_is_mixed() -> None:
    distance = GOOD.replace("34.0,76.0", ",").replace("2330.0", "1990.0")
    result = load_open_data_catalog(io.StringIO("\n".join([HEADER, GOOD, distance])))
    [offer] = result.offers
    assert offer.modality is Modality.MIXED
    assert offer.price == Euros(199000)
    assert [s.place is None for s in result.sessions] == [False, True]
    assert [s.price for s in result.sessions] == [Euros(233000), None]


def test_zero_hours_means_not_given() -> None:
    result = load_open_data_catalog(io.StringIO("\n".join([HEADER, GOOD.replace(",21,", ",0,")])))
    assert result.offers[0].duration_hours is None


def test_a_level_is_read_from_the_exit_level_label() -> None:
    row = GOOD.replace(",RS,6204,-1,Tosa Photoshop,,", ",RNCP,-1,37873.0,TP CDA,"
                       '"BAC+3 ou 4 : licence, master 1, maîtrise (NIVEAU 6)",')
    [offer] = load_open_data_catalog(io.StringIO("\n".join([HEADER, row]))).offers
    assert offer.certification is not None
    assert (offer.certification.key, offer.certification.level) == ("RNCP37873", 6)
    assert offer.action_type is ActionType.RNCP


def test_a_clea_certification_is_the_clea_action_type() -> None:
    row = GOOD.replace("Tosa Photoshop", "CléA - Socle de connaissances")
    [offer] = load_open_data_catalog(io.StringIO("\n".join([HEADER, row]))).offers
    assert offer.action_type is ActionType.CLEA


@pytest.mark.parametrize("text", [
    "", "nom_of,intitule_formation\nX,Y\n", "[{\"nom_of\": \"X\"}]", "[{\"siret\": 1,",
])
def test_a_file_that_is_not_an_export_is_refused(text: str) -> None:
    with pytest.raises(InvalidValue):
        load_open_data_catalog(io.StringIO(text))


def test_a_path_that_does_not_exist_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="cannot be read") as caught:
        load_open_data_catalog(tmp_path / "absent.csv")
    assert isinstance(caught.value, StorageError)
    assert caught.value.code == "file.unreadable"


def test_windows_1252_files_are_read() -> None:
    text = "\n".join([HEADER, GOOD.replace("Photoshop", "Présentation")]) + "\n"
    result = load_open_data_catalog(io.BytesIO(text.encode("cp1252")))
    assert result.offers[0].title == "Présentation"


COLUMNS = HEADER.split(",")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(
    ["", "-1", "6.0", "2A", "RS", "RNCP", "6204", "78959578200051", "2330.0", "abc", '"', "\n",
     "2024-07-11", "0", "21", "34.0", "76.0", ";"]), min_size=len(COLUMNS),
    max_size=len(COLUMNS)), max_size=6))
def test_any_rows_are_each_kept_or_rejected_never_lost(rows: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    result = load_open_data_catalog(io.StringIO(out.getvalue()))
    blank = sum(1 for r in rows if all(not c.strip() for c in r))
    assert result.rows == len(rows) - blank
    assert len(result.sessions) + len(result.rejected) == result.rows


# -- HTML --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("html", "text"), [
    ("<ul><li>Un</li><li>Deux</li></ul>", "- Un\n- Deux"),
    ("<p>Cours &eacute;l&eacute;mentaires</p><p>en  ligne</p>", "Cours élémentaires\nen ligne"),
    ("Texte<br>suivant", "Texte\nsuivant"),
    ("<strong>Gras</strong> et <em>italique</em>", "Gras et italique"),
    ("", ""),
    ("5 < 6 &amp; 7 > 3", "5 < 6 & 7 > 3"),
])
def test_html_becomes_plain_text(html: str, text: str) -> None:
    # shared/data README: points_forts holds HTML with embedded newlines
    assert html_to_text(html) == text


# -- the packaged sample -----------------------------------------------------------------------

def test_the_packaged_sample_loads_offline_with_every_row_kept() -> None:
    sample = load_sample_catalog()
    assert sample.rows == 98
    assert sample.rejected == ()
    assert len(sample.sessions) == sample.rows
    assert {o.certification.registry for o in sample.offers if o.certification} == {
        Registry.RS, Registry.RNCP}
    assert any(s.place is None for s in sample.sessions)
    assert any(s.place is not None and s.place.department == "06" for s in sample.sessions)


def test_the_sample_ships_with_its_licence_and_attribution() -> None:
    data = files("formation").joinpath("data")
    assert data.joinpath("mcf_sample.csv").is_file()
    licence = data.joinpath("LICENCE-mcf_sample.md").read_text(encoding="utf-8")
    assert "Licence Ouverte" in licence
    assert "Caisse des Dépôts – Mon Compte Formation" in licence
    assert "Caisse des Dépôts – Mon Compte Formation" in SAMPLE_ATTRIBUTION


@needs_data
def test_the_sample_rows_are_real_rows_of_the_shared_files() -> None:
    real = {tuple(sorted((k, v) for k, v in r.items() if v)) for path in REAL
            for r in dict_rows(path)}
    resource = files("formation").joinpath("data").joinpath("mcf_sample.csv")
    with resource.open("r", encoding="utf-8", newline="") as handle:
        sample = list(csv.DictReader(handle))
    assert len(sample) == 98
    for row in sample:
        assert tuple(sorted((k, v) for k, v in row.items() if v)) in real


# -- the law: what an export says is what the import gives -------------------------------------

EXPORT_COLUMNS = ["date_extract", "nom_of", "type_referentiel", "code_inventaire", "code_rncp",
                  "intitule_certification", "libelle_niveau_sortie_formation",
                  *(f"code_formacode_{i}" for i in range(1, 6)), "code_nsf_1", "code_nsf_2",
                  "siret", "numero_formation", "intitule_formation", "points_forts",
                  "nb_session_a_distance", "nombre_heures_total_min", "frais_ttc_tot_min",
                  "code_departement", "code_region"]


@st.composite
def exported_catalogs(draw: st.DrawFn) -> list[tuple[Offer, list[tuple[Place | None, Euros]]]]:
    """Offers the export can describe (RS or RNCP, no options, nothing the export lacks), each
    with one row per department (or at a distance) and the row's price."""
    found = []
    for index in range(draw(st.integers(1, 4))):
        offer = draw(fst.offers(offer_id=st.just(f"AF{index}"),
                                organism=fst.organisms(qualiopi=st.none()),
                                action_type=st.sampled_from((ActionType.RS, ActionType.RNCP))))
        certification = offer.certification
        assert certification is not None
        offer = attrs.evolve(
            offer, options=(), organism=attrs.evolve(offer.organism, activity_declaration=None),
            certification=attrs.evolve(certification, registered_until=None),
            duration_hours=offer.duration_hours or None)
        places = draw(st.lists(st.none() | fst.places(), min_size=1, max_size=4,
                               unique_by=lambda p: p.department if p else ""))
        rows = [(None if p is None else Place(p.department, p.region),
                 draw(st.sampled_from((offer.price, Euros(99_900), Euros(12_345)))))
                for p in places]
        found.append((offer, rows))
    return found


def export(catalog: list[tuple[Offer, list[tuple[Place | None, Euros]]]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for offer, rows in catalog:
        cert = offer.certification
        assert cert is not None
        codes = [*offer.formacodes, "", "", "", "", ""][:5]
        nsf = [*offer.nsf_codes, "", ""][:2]
        for place, price in rows:
            writer.writerow([
                "2024-07-11", offer.organism.name, cert.registry.value,
                cert.code if cert.registry is Registry.RS else "-1",
                f"{cert.code}.0" if cert.registry is Registry.RNCP else "-1", cert.title,
                f"Niveau (NIVEAU {cert.level})" if cert.level else "", *codes, *nsf,
                offer.organism.siret, offer.offer_id, offer.title, offer.summary,
                0 if place else 1, offer.duration_hours or 0, f"{price.cents / 100:.2f}",
                f"{int(place.department)}.0" if place and place.department.isdigit()
                else (place.department if place else ""),
                f"{int(place.region)}.0" if place else ""])
    return out.getvalue()


@settings(max_examples=80, deadline=None)
@given(exported_catalogs())
def test_the_import_gives_back_what_the_export_says(
    catalog: list[tuple[Offer, list[tuple[Place | None, Euros]]]]
) -> None:
    result = load_open_data_catalog(io.StringIO(export(catalog)))
    assert result.rejected == ()
    assert result.rows == sum(len(rows) for _, rows in catalog)
    expected_sessions = []
    expected_offers = []
    for offer, rows in catalog:
        lowest = min(price for _, price in rows)
        placed = [place is not None for place, _ in rows]
        modality = (Modality.DISTANCE if not any(placed) else Modality.IN_PERSON if all(placed)
                    else Modality.MIXED)
        expected_offers.append(attrs.evolve(offer, price=lowest, modality=modality))
        expected_sessions += [
            (offer.offer_id, place, None if price == lowest else price) for place, price in rows]
    assert result.offers == tuple(expected_offers)
    assert [(s.offer_id, s.place, s.price) for s in result.sessions] == expected_sessions


# -- bytes that are no export: a clear InvalidValue or a rejected row, never a crash -----------

def _good(number: str, title: str = "Photoshop") -> str:
    return GOOD.replace("AF1", number).replace(",Photoshop,", f",{title},")


def test_a_binary_file_is_refused_as_a_whole() -> None:
    with pytest.raises(InvalidValue) as caught:
        load_open_data_catalog(io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"))
    assert caught.value.code == "file.undecodable"
    assert "NUL" in str(caught.value)


def test_bytes_that_no_encoding_explains_are_refused() -> None:
    text = (HEADER + "\n" + GOOD + "\n").encode("ascii") + b"\x81\x8d\x8f\x90\x9d\n"
    with pytest.raises(InvalidValue) as caught:
        load_open_data_catalog(io.BytesIO(text))
    assert caught.value.code == "file.undecodable"


def test_a_file_half_utf8_half_latin1_rejects_the_latin1_rows_and_garbles_nothing() -> None:
    utf8 = "\n".join([HEADER, _good("AF1", "Photoshop première")]).encode("utf-8")
    latin1 = _good("AF2", "Photoshop avancé").encode("latin-1")
    result = load_open_data_catalog(io.BytesIO(utf8 + b"\n" + latin1 + b"\n"))
    assert [o.title for o in result.offers] == ["Photoshop première"]
    [rejected] = result.rejected
    assert rejected.line == 5 and "UTF-8" in rejected.reason


def test_a_cell_over_the_csv_limit_rejects_its_row_only() -> None:
    huge = _good("AF2").replace("<p>Un", "<p>" + "x" * 200_000)
    text = "\n".join([HEADER, GOOD, huge, _good("AF3").replace("34.0,76.0", "6.0,93.0")]) + "\n"
    result = load_open_data_catalog(io.StringIO(text))
    assert [o.offer_id for o in result.offers] == ["AF1", "AF3"]
    [rejected] = result.rejected
    assert rejected.line == 5 and "131072 characters" in rejected.reason


@pytest.mark.parametrize("column", ["21", "2330.0", "6204"])
def test_a_number_of_five_thousand_digits_rejects_its_row(column: str) -> None:
    absurd = GOOD.replace(f",{column},", f",{'9' * 5000},", 1)
    text = "\n".join([HEADER, absurd]) + "\n"
    result = load_open_data_catalog(io.StringIO(text))
    assert result.offers == ()
    [rejected] = result.rejected
    assert len(rejected.reason) < 400


def test_non_ascii_digits_are_not_numbers() -> None:
    text = "\n".join([HEADER, GOOD.replace(",21,", ",٢١,")]) + "\n"
    [rejected] = load_open_data_catalog(io.StringIO(text)).rejected
    assert "nombre_heures_total_min" in rejected.reason


def test_json_nested_fifty_thousand_times_is_refused_as_too_deep() -> None:
    with pytest.raises(InvalidValue) as caught:
        load_open_data_catalog(io.StringIO("[" * 50_000 + "]" * 50_000))
    assert caught.value.code == "file.too_deep"
    with pytest.raises(InvalidValue):
        load_open_data_catalog(io.StringIO('{"a":' + "[" * 50_000))


def test_a_json_record_with_a_huge_integer_is_a_rejected_row() -> None:
    record = {"siret": "78959578200051", "type_referentiel": "RS", "code_rs": "6204",
              "intitule_certification": "Tosa", "frais_ttc_tot_min": 2330}
    text = json.dumps([record]).replace("2330", "9" * 5000)
    result = load_open_data_catalog(io.StringIO(text))
    [rejected] = result.rejected
    assert rejected.line == 1


@pytest.mark.parametrize("source", [None, 5, "/nonexistent/export.csv", "bad\x00path"])
def test_a_source_that_cannot_be_read_is_a_formation_error(source: object) -> None:
    with pytest.raises(FormationError):
        load_open_data_catalog(source)  # type: ignore[arg-type]


def test_a_directory_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        load_open_data_catalog(tmp_path)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8")))
def test_any_bytes_give_a_catalogue_or_an_invalid_value(data: bytes) -> None:
    for payload in (data, HEADER.encode() + b"\n" + data):
        try:
            result = load_open_data_catalog(io.BytesIO(payload))
        except InvalidValue:
            continue
        assert result.rows >= len(result.rejected)
