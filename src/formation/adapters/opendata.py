"""Import the official Mon Compte Formation catalogue export (Caisse des Dépôts open data).

The Caisse des Dépôts publishes the catalogue of CPF-eligible trainings as the open dataset
``moncompteformation_catalogueformation`` (``cpf-rules.md`` section 11.1), exported as CSV
(``;``-separated from the portal, ``,`` from many client scripts) or JSON. One row is a training
offer *aggregated in a department*: its actions and sessions there are summed up as counts and
as the minimum, mean and maximum of their hours and prices, without dates.

:func:`load_open_data_catalog` reads such a file by header name, in either the older or the newer
column names (``siret`` or ``siret_of``, ``code_inventaire`` or ``code_rs``, ``date_extract`` or
``date_chargement``), and maps each row to the library's records:

- an :class:`~formation.Offer`: ``numero_formation`` is its id; a file without that column (some
  exports leave it out) gets an id derived from the SIRET, the certification and a digest of the
  row, because such a file cannot tell one offer in two departments from two offers. Its title is
  ``intitule_formation`` (else the certification's title), its price the lowest price of its rows
  (``frais_ttc_tot_min``, VAT included), its duration ``nombre_heures_total_min`` (``0`` means
  "not given": ``None``), its summary ``points_forts`` turned from HTML into plain text. Its
  organism has the SIRET as written and ``nom_of``; the export says nothing of Qualiopi, so
  ``qualiopi`` is ``None``. Its modality is at a distance when every row is, in person when no
  row is, mixed otherwise;
- a :class:`~formation.Session` per row, without dates nor seats, placed in the row's department
  and region, or ``place=None`` for a distance row (blank department); its own ``price`` when the
  row's lowest price differs from the offer's.

The file's quirks (listed with the sample data) are undone: ``-1`` means "not applicable";
codes that a spreadsheet turned into floats are restored (``"6.0"`` → ``"06"``, ``"93.0"`` →
``"93"``, ``"31006.0"`` → ``"31006"``); a SIRET that lost its leading zero gets it back.

A bad row does not stop the import: it is listed in :attr:`CatalogImport.rejected` with its line
in the file (the physical line where the row starts, counting the lines inside quoted cells) and
the reason, and every good row is kept. A row kept with a substitution (an organism without a
name is named by its SIRET) is listed in :attr:`CatalogImport.notes`.

:func:`load_sample_catalog` reads the sample of real rows shipped with the package (Licence
Ouverte v2.0, "Caisse des Dépôts – Mon Compte Formation"), so that the command line and the
documentation work offline.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import json
import os
import re
from collections.abc import Iterator, Mapping
from datetime import date
from html.parser import HTMLParser
from importlib.resources import files
from typing import IO

import attrs

from formation.catalog.geography import department, department_code, region_code
from formation.catalog.offers import (
    Certification,
    Modality,
    Offer,
    Organism,
    Place,
    Registry,
    Session,
    is_valid_siret,
)
from formation.checks import shown
from formation.errors import InvalidValue, StorageError
from formation.ids import OfferId, SessionId
from formation.money import Euros
from formation.rules.actions import ActionType
from formation.text import words

__all__ = [
    "COLUMN_ALIASES",
    "CatalogImport",
    "RejectedRow",
    "RowNote",
    "SAMPLE_ATTRIBUTION",
    "html_to_text",
    "load_open_data_catalog",
    "load_sample_catalog",
]

COLUMN_ALIASES: Mapping[str, tuple[str, ...]] = {
    "siret": ("siret", "siret_of"),
    "code_rs": ("code_rs", "code_inventaire"),
    "date": ("date_chargement", "date_extract"),
}
"""The columns known under several names: the name used here, then the names read, in order."""

SAMPLE_ATTRIBUTION = (
    "Caisse des Dépôts – Mon Compte Formation, catalogue des formations éligibles au CPF "
    "(moncompteformation_catalogueformation), extraits de juillet 2024, "
    "Licence Ouverte / Open Licence v2.0 (Etalab)"
)
"""The attribution the Licence Ouverte asks for, for the packaged sample."""

_REQUIRED = ("siret", "type_referentiel")
_NOT_APPLICABLE = "-1"
_LEVEL = re.compile(r"niveau\s*(\d)", re.IGNORECASE)
_FLOAT_INT = re.compile(r"^(\d+)\.0+$")
_CACHE = 16_384
# a character that UTF-8 decoded (not one of the surrogates that stand for undecodable bytes)
_UTF8_SEQUENCE = re.compile(r"[\u0080-\ud7ff\ue000-\U0010ffff]")
_UNDECODED = re.compile(r"[\udc80-\udcff]")
_MAX_DEPTH = 64
_MAX_DIGITS = 9
_MAX_CELL = 131_072  # the csv module's default limit, kept per row rather than per file


@contextlib.contextmanager
def _csv_field_limit(size: int) -> Iterator[None]:
    """Let the csv reader read cells up to ``size`` characters (the whole text is in memory
    already): a longer cell is then rejected with its row, and the reader never loses its place
    in the file (it does after a ``field larger than field limit`` error)."""
    before = csv.field_size_limit()
    csv.field_size_limit(max(before, size))
    try:
        yield
    finally:
        csv.field_size_limit(before)


@attrs.frozen
class RejectedRow:
    """A row of the file that was not imported.

    Attributes:
        line: the physical line of the file where the row starts (1 is the header of a CSV;
            in a JSON array, the line of the record's opening brace). In an API answer
            (``{"results": [...]}``) it is the record's position in ``results``, from 1.
        reason: why, naming the column and the value.
    """

    line: int
    reason: str


@attrs.frozen
class RowNote:
    """A row kept with a substitution, and what was substituted."""

    line: int
    note: str


@attrs.frozen
class CatalogImport:
    """What :func:`load_open_data_catalog` read.

    Attributes:
        offers: the offers, in the order of their first row.
        sessions: one session per kept row, in file order.
        rejected: the rows not imported, each with its line and reason.
        notes: the rows kept with a substitution.
        rows: how many rows the file holds (``len(sessions) + len(rejected) == rows``).
        extracted_on: the latest extraction date of the rows (``date_extract`` or
            ``date_chargement``), if any.
    """

    offers: tuple[Offer, ...]
    sessions: tuple[Session, ...]
    rejected: tuple[RejectedRow, ...] = ()
    notes: tuple[RowNote, ...] = ()
    rows: int = 0
    extracted_on: date | None = None


class _TextExtractor(HTMLParser):
    _BREAKS = frozenset({"p", "br", "div", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.parts.append("\n- ")
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BREAKS or tag == "li":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


@functools.lru_cache(maxsize=_CACHE)
def _organism(siret: str, name: str) -> Organism:
    return Organism(siret, name)


@functools.lru_cache(maxsize=_CACHE)
def _plain_text(html: str) -> str:
    return html_to_text(html)


def html_to_text(html: str) -> str:
    """Plain text from the HTML of ``points_forts``: one line per paragraph or list item.

    >>> html_to_text("<ul><li> Formateurs reconnus\\n</li><li>Suivi &amp; conseils</li></ul>")
    '- Formateurs reconnus\\n- Suivi & conseils'
    >>> html_to_text("Déjà du texte")
    'Déjà du texte'
    """
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line and line != "-")


# -- reading records --------------------------------------------------------------------------

def _read_text(source: str | os.PathLike[str] | IO[str] | IO[bytes]) -> str:
    """The text of the file, decoded as a whole: never a silent garble.

    Bytes are UTF-8 (a byte-order mark is dropped) when they all decode so; a file with no
    UTF-8 sequence at all is Windows-1252 (the portal's older exports). A file where some lines
    are UTF-8 and others are not (half UTF-8, half Latin-1) keeps UTF-8: the lines that do not
    decode keep their bad bytes as surrogates and their rows are rejected. A file with NUL bytes
    or bytes that no encoding explains is no export at all.
    """
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as handle:
                raw: object = handle.read()
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            raise StorageError(code="file.unreadable", field=shown(os.fspath(source)),
                               reason=str(reason)) from None
    elif hasattr(source, "read"):
        try:
            raw = source.read()
        except UnicodeDecodeError as error:
            raise InvalidValue(code="file.undecodable", field="the file", accepted=error.encoding,
                               reason=f"byte {error.start}") from None
        except (OSError, ValueError) as error:
            raise InvalidValue(code="file.malformed", field="the file",
                               reason=shown(str(error))) from None
    else:
        raise InvalidValue(f"expected a path or an open file, got {shown(source)}")
    if isinstance(raw, str):
        return raw.removeprefix("\ufeff")
    if not isinstance(raw, (bytes, bytearray)):
        raise InvalidValue(f"the file gave {type(raw).__name__}, not text nor bytes")
    data = bytes(raw)
    if b"\x00" in data:
        raise InvalidValue(code="file.undecodable", field="the file", accepted="UTF-8 or cp1252",
                           reason=f"a NUL byte at {data.index(0)} (a binary file)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    mixed = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "surrogateescape")
    if not mixed.isascii() and _UTF8_SEQUENCE.search(mixed):
        return mixed  # UTF-8 with some undecodable lines: those rows are rejected
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise InvalidValue(code="file.undecodable", field="the file",
                           accepted="UTF-8 or Windows-1252",
                           reason=f"byte {data[error.start]:#04x} at {error.start}") from None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(value)
    raise InvalidValue(f"expected a text or a number, got {type(value).__name__} {shown(value)}")


def _canonical(name: str) -> str:
    cleaned = name.strip().removeprefix("\ufeff").strip().lower()
    for canonical, aliases in COLUMN_ALIASES.items():
        if cleaned in aliases:
            return canonical
    return cleaned


def _csv_records(text: str) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(line, record) for each row; a record is a reason string when the row is malformed."""
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidValue("the file is empty: expected a header row") from None
    except csv.Error as error:
        raise InvalidValue(code="file.malformed", field="the header row",
                           reason=str(error)) from None
    names = [_canonical(h) for h in header]
    _check_header(names)
    previous = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # a cell over the csv module's limit, a stray quote
            line = previous + 1
            if reader.line_num == previous:  # pragma: no cover - the reader always moves on
                raise InvalidValue(code="file.malformed", field=f"line {line}",
                                   reason=str(error)) from None
            previous = reader.line_num
            yield line, f"the row cannot be read as CSV: {error}"
            continue
        line = previous + 1
        previous = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue  # a blank line is no row
        if max(map(len, row)) > _MAX_CELL:
            yield line, f"a cell has more than {_MAX_CELL} characters"
            continue
        if len(row) != len(names):
            yield line, f"the row has {len(row)} fields, the header {len(names)}"
            continue
        yield line, {name: cell.strip() for name, cell in zip(names, row, strict=True)}


def _check_header(names: list[str]) -> None:
    missing = [n for n in _REQUIRED if n not in names]
    if missing:
        wanted = ", ".join(" or ".join(COLUMN_ALIASES.get(n, (n,))) for n in missing)
        raise InvalidValue(
            f"not a Mon Compte Formation catalogue export: no column {wanted} "
            f"(columns found: {', '.join(names) or 'none'})"
        )


@attrs.frozen
class _Malformed:
    reason: str


def _json_values(text: str) -> Iterator[tuple[int, object]]:
    """(line, value) for each record of a JSON array, of an API answer, or of JSON lines; the
    value is :class:`_Malformed` for a line of JSON lines that does not parse."""
    decoder = json.JSONDecoder(parse_int=str)  # integers of any length stay text, as in a CSV
    if text.lstrip().startswith("["):
        position = text.index("[") + 1
        line, counted = 1, 0  # lines counted up to ``counted``, so each newline is seen once
        while True:
            position = _skip_space(text, position)
            if position < len(text) and text[position] == "]":
                return
            line += text.count("\n", counted, position)
            counted = position
            try:
                value, position = decoder.raw_decode(text, position)
            except json.JSONDecodeError as error:
                raise InvalidValue(f"the JSON array is malformed near line {error.lineno}: "
                                   f"{error.msg}") from None
            except RecursionError:
                raise InvalidValue(code="file.too_deep", field=f"the JSON record at line {line}",
                                   maximum=_MAX_DEPTH) from None
            yield line, value
            position = _skip_space(text, position)
            if position < len(text) and text[position] == ",":
                position += 1
            elif position < len(text) and text[position] == "]":
                return
            else:
                raise InvalidValue(
                    f"the JSON array is malformed at line {text.count(chr(10), 0, position) + 1}:"
                    " expected ',' or ']'")
    # a JSON object (an API answer with "results") or JSON lines
    try:
        whole = decoder.decode(text)
    except json.JSONDecodeError:
        whole = None
    except RecursionError:
        raise InvalidValue(code="file.too_deep", field="the JSON file",
                           maximum=_MAX_DEPTH) from None
    if isinstance(whole, dict) and isinstance(whole.get("results"), list):
        for index, value in enumerate(whole["results"]):
            yield index + 1, value
        return
    for number, raw_line in enumerate(text.splitlines(), start=1):
        if not raw_line.strip():
            continue
        try:
            found = decoder.decode(raw_line)
        except json.JSONDecodeError as error:
            found = _Malformed(f"not a JSON record: {error.msg}")
        except RecursionError:
            found = _Malformed(f"the JSON record nests deeper than {_MAX_DEPTH} levels")
        yield number, found


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _json_records(text: str) -> Iterator[tuple[int, dict[str, str] | str]]:
    header_checked = False
    for line, value in _json_values(text):
        if isinstance(value, _Malformed):
            yield line, value.reason
            continue
        if isinstance(value, dict) and isinstance(value.get("fields"), dict):
            value = value["fields"]  # the older Opendatasoft record shape
        if not isinstance(value, dict):
            yield line, f"expected a JSON object, got {type(value).__name__}"
            continue
        record: dict[str, str] = {}
        bad = None
        for key, cell in value.items():
            try:
                record[_canonical(str(key))] = _cell(cell)
            except InvalidValue as error:
                bad = f"column {key}: {error}"
        if bad:
            yield line, bad
            continue
        if not header_checked:
            _check_header(list(record))
            header_checked = True
        yield line, record


# -- mapping one record -----------------------------------------------------------------------

@attrs.frozen
class _Row:
    line: int
    offer_id: str
    numbered: bool
    offer: Offer  # as this row alone describes it (its price, a provisional modality)
    place: Place | None
    distance_sessions: bool
    extracted_on: date | None
    note: str | None


def _get(record: Mapping[str, str], name: str) -> str:
    value = record.get(name, "")
    return "" if value == _NOT_APPLICABLE else value


def _integer_text(value: str) -> str:
    match = _FLOAT_INT.match(value)
    return match.group(1) if match else value


def _siret(record: Mapping[str, str]) -> str:
    return _checked_siret(_integer_text(_get(record, "siret")))


# The same SIRETs, certifications, places and texts come back row after row: each is checked
# and built once (the records are frozen, so the rows share them).
@functools.lru_cache(maxsize=_CACHE)
def _checked_siret(raw: str) -> str:
    if not raw:
        raise InvalidValue("siret is empty")
    siret = raw.zfill(14) if raw.isascii() and raw.isdigit() and len(raw) < 14 else raw
    if not is_valid_siret(siret):
        raise InvalidValue(f"siret {shown(raw)} is not 14 digits with a valid check digit")
    return siret


def _certification(record: Mapping[str, str]) -> tuple[Certification, ActionType]:
    kind = _get(record, "type_referentiel").upper()
    if kind not in ("RS", "RNCP"):
        raise InvalidValue(f"type_referentiel {shown(kind)} is neither RS nor RNCP")
    column = "code_rs" if kind == "RS" else "code_rncp"
    return _certification_of(kind, column, _get(record, column),
                             _get(record, "intitule_certification"),
                             _get(record, "libelle_niveau_sortie_formation"))


@functools.lru_cache(maxsize=_CACHE)
def _certification_of(kind: str, column: str, raw_code: str, title: str,
                      level_text: str) -> tuple[Certification, ActionType]:
    code = _integer_text(raw_code).upper().removeprefix(kind)
    if not (code.isascii() and code.isdigit()) or len(code) > 6:
        raise InvalidValue(f"a {kind} row needs its {column} code, got {shown(raw_code)}")
    if not title:
        raise InvalidValue("intitule_certification is empty")
    match = _LEVEL.search(level_text)
    level = int(match.group(1)) if match and kind == "RNCP" else None
    registry = Registry(kind)
    certification = Certification(registry, str(int(code)), title, level)
    if registry is Registry.RNCP:
        return certification, ActionType.RNCP
    is_clea = "clea" in words(title)
    return certification, ActionType.CLEA if is_clea else ActionType.RS


def _codes(record: Mapping[str, str], prefix: str, count: int, width: int) -> tuple[str, ...]:
    found: list[str] = []
    for index in range(1, count + 1):
        value = _integer_text(_get(record, f"{prefix}{index}")).lower()
        if not value:
            continue
        if value.isascii() and value.isdigit():
            value = value.zfill(width)
        if value not in found:
            found.append(value)
    return tuple(found)


def _price(record: Mapping[str, str]) -> Euros:
    for column in ("frais_ttc_tot_min", "frais_ttc_tot_mean", "frais_ttc_tot_max"):
        value = _get(record, column)
        if value:
            try:
                price = Euros.parse(value)
            except InvalidValue:
                raise InvalidValue(f"{column} {shown(value)} is not an amount in euros") from None
            if price.cents < 0:
                raise InvalidValue(f"{column} {shown(value)} is negative")
            return price
    raise InvalidValue("no price (frais_ttc_tot_min, _mean and _max are empty)")


def _hours(record: Mapping[str, str]) -> int | None:
    for column in ("nombre_heures_total_min", "nombre_heures_total_mean",
                   "nombre_heures_total_max"):
        value = _integer_text(_get(record, column))
        if value:
            if not _is_number(value):
                raise InvalidValue(f"{column} {shown(value)} is not a whole number of hours "
                                   f"(at most {_MAX_DIGITS} ASCII digits)")
            return int(value) or None  # 0 means "not given"
    return None


def _place(record: Mapping[str, str]) -> Place | None:
    return _place_of(_get(record, "code_departement"),
                     _get(record, "code_region") or _get(record, "coderegion_export"))


@functools.lru_cache(maxsize=_CACHE)
def _place_of(raw_department: str, raw_region: str) -> Place | None:
    if not raw_department:
        if raw_region:
            raise InvalidValue(f"code_region {shown(raw_region)} is given without a department")
        return None  # blank department: the row aggregates distance sessions
    code = department_code(raw_department)
    expected = department(code).region
    if raw_region:
        given = region_code(raw_region)
        if given != expected:
            raise InvalidValue(
                f"department {code} belongs to region {expected}, but code_region is "
                f"{shown(raw_region)}"
            )
    return Place(code, expected)


def _extracted_on(record: Mapping[str, str]) -> date | None:
    value = _get(record, "date")
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise InvalidValue(f"date_extract/date_chargement {shown(value)} is not an ISO date") from None


def _count(record: Mapping[str, str], column: str) -> int:
    value = _integer_text(_get(record, column))
    return int(value) if _is_number(value) else 0


def _is_number(value: str) -> bool:
    """Whether ``value`` is a whole number of at most ``_MAX_DIGITS`` ASCII digits."""
    return value.isascii() and value.isdigit() and len(value) <= _MAX_DIGITS


def _row(line: int, record: Mapping[str, str]) -> _Row:
    siret = _siret(record)
    name = _get(record, "nom_of")
    note = None
    if not name:
        name = siret
        note = "nom_of is empty: the organism is named by its SIRET"
    organism = _organism(siret, name)
    certification, action_type = _certification(record)
    title = _get(record, "intitule_formation") or certification.title
    price = _price(record)
    hours = _hours(record)
    place = _place(record)
    formacodes = _codes(record, "code_formacode_", 5, 5)
    nsf_codes = _codes(record, "code_nsf_", 3, 3)
    number = _get(record, "numero_formation")
    if number:
        offer_id = number
    else:
        digest = hashlib.blake2b(
            "\x1f".join(f"{k}={v}" for k, v in sorted(record.items())
                        if k not in ("date", "code_departement", "nom_departement",
                                     "code_region", "nom_region", "coderegion_export")
                        ).encode(), digest_size=5).hexdigest()
        offer_id = f"{siret}_{certification.key}_{digest}"
    summary = _get(record, "points_forts")
    offer = Offer(
        offer_id=OfferId(offer_id), organism=organism, title=title, certification=certification,
        formacodes=formacodes, price=price, duration_hours=hours,
        modality=Modality.DISTANCE if place is None else Modality.IN_PERSON,
        action_type=action_type, summary=_plain_text(summary) if summary else "",
        nsf_codes=nsf_codes,
    )
    return _Row(
        line=line, offer_id=offer_id, numbered=bool(number), offer=offer, place=place,
        distance_sessions=place is None or _count(record, "nb_session_a_distance") > 0,
        extracted_on=_extracted_on(record), note=note,
    )


# -- the whole file ---------------------------------------------------------------------------

def load_open_data_catalog(
    path_or_file: str | os.PathLike[str] | IO[str] | IO[bytes],
) -> CatalogImport:
    """Read a Mon Compte Formation catalogue export (CSV with ``;`` or ``,``, or JSON).

    Args:
        path_or_file: a path, or a file opened in text or binary mode. CSV or JSON is told
            from the content (a JSON file starts with ``[`` or ``{``); UTF-8 (with or without
            a byte-order mark), else Windows-1252, chosen for the whole file; in a file mostly
            UTF-8, the rows that are not are rejected (never decoded as something else). A
            row that the CSV reader cannot read (a cell over 131 072 characters) or with an
            absurd number (more than nine digits of hours) is rejected with its line.

    Returns:
        The offers and sessions of the good rows, the rejected rows with their line and reason,
        and the rows kept with a substitution.

    Raises:
        InvalidValue: the file is not an export at all (no ``siret``/``siret_of`` or
            ``type_referentiel`` column, malformed JSON or JSON nested too deep, binary or
            undecodable bytes).
        StorageError: the path cannot be opened (missing, a directory, no right to read);
            also an ``OSError``.

    >>> import io
    >>> text = (
    ...     "date_extract;nom_of;type_referentiel;code_inventaire;code_rncp;"
    ...     "intitule_certification;siret;frais_ttc_tot_min;nombre_heures_total_min;"
    ...     "code_departement;code_region\\n"
    ...     "2024-07-11;FORMALTIC;RS;6204;-1;Tosa Photoshop;78959578200051;2330.0;21;34.0;76.0\\n"
    ...     "2024-07-11;FORMALTIC;RS;6204;-1;Tosa Photoshop;78959578200052;1580.0;14;;\\n"
    ... )
    >>> result = load_open_data_catalog(io.StringIO(text))
    >>> [(s.place.department, str(result.offers[0].price)) for s in result.sessions]
    [('34', '2 330,00 €')]
    >>> result.rejected
    (RejectedRow(line=3, reason="siret '78959578200052' is not 14 digits with a valid check digit"),)
    """
    text = _read_text(path_or_file)
    undecoded = _UNDECODED.search(text) is not None
    is_json = text.lstrip()[:1] in ("[", "{")
    records = _json_records(text) if is_json else _csv_records(text)
    rows: list[_Row] = []
    rejected: list[RejectedRow] = []
    notes: list[RowNote] = []
    total = 0
    with _csv_field_limit(0 if is_json else len(text) + 1):
        total = _read_rows(records, undecoded, rows, rejected)
    kept = _group(rows, rejected)
    offers, sessions = _build(kept)
    for row in kept:
        if row.note:
            notes.append(RowNote(row.line, row.note))
    dates = [row.extracted_on for row in kept if row.extracted_on is not None]
    return CatalogImport(
        offers=offers,
        sessions=sessions,
        rejected=tuple(sorted(rejected, key=lambda r: r.line)),
        notes=tuple(notes),
        rows=total,
        extracted_on=max(dates) if dates else None,
    )



def _read_rows(records: Iterator[tuple[int, dict[str, str] | str]], undecoded: bool,
               rows: list[_Row], rejected: list[RejectedRow]) -> int:
    """Map each record to a row or a rejection; the number of records."""
    total = 0
    for line, record in records:
        total += 1
        if isinstance(record, str):
            rejected.append(RejectedRow(line, _UNDECODED.sub("\ufffd", record)))
            continue
        if undecoded and any(_UNDECODED.search(cell) for cell in record.values()):
            rejected.append(RejectedRow(
                line, "the row is not UTF-8 like the rest of the file (another encoding?)"))
            continue
        try:
            rows.append(_row(line, record))
        except InvalidValue as error:
            rejected.append(RejectedRow(line, str(error)))
    return total


def _group(rows: list[_Row], rejected: list[RejectedRow]) -> list[_Row]:
    """The rows kept: a row must agree with the first row of its offer and not repeat a place."""
    first: dict[str, _Row] = {}
    places: dict[tuple[str, str], int] = {}
    kept: list[_Row] = []
    for row in rows:
        where = row.place.department if row.place is not None else "distance"
        if not row.numbered:
            # Unnumbered rows alike but for their place are one offer in several places; rows
            # alike in the same place cannot be told apart: each becomes an offer, suffixed.
            base, count = row.offer_id, 1
            while (row.offer_id, where) in places:
                count += 1
                row = attrs.evolve(row, offer_id=f"{base}-{count}")
        head = first.get(row.offer_id)
        if head is not None:
            clash = _clash(head, row)
            if clash:
                rejected.append(RejectedRow(
                    row.line, f"offer {row.offer_id} was read on line {head.line} with {clash}"))
                continue
        if (row.offer_id, where) in places:
            rejected.append(RejectedRow(
                row.line, f"offer {row.offer_id} in {where} was already read on line "
                          f"{places[row.offer_id, where]}"))
            continue
        places[row.offer_id, where] = row.line
        first.setdefault(row.offer_id, row)
        kept.append(row)
    return kept


def _clash(head: _Row, row: _Row) -> str:
    first, this = head.offer, row.offer
    if first.organism.siret != this.organism.siret:
        return f"another SIRET ({first.organism.siret}, here {this.organism.siret})"
    first_key = first.certification.key if first.certification else None
    this_key = this.certification.key if this.certification else None
    if first_key != this_key:
        return f"another certification ({first_key}, here {this_key})"
    if first.title != this.title:
        return f"another title ({shown(first.title)}, here {shown(this.title)})"
    return ""


def _build(kept: list[_Row]) -> tuple[tuple[Offer, ...], tuple[Session, ...]]:
    by_offer: dict[str, list[_Row]] = {}
    for row in kept:
        by_offer.setdefault(row.offer_id, []).append(row)
    offers: dict[str, Offer] = {}
    for offer_id, group in by_offer.items():
        head = group[0]
        distance = [row.distance_sessions for row in group]
        placed = [row.place is not None for row in group]
        modality = (Modality.DISTANCE if not any(placed)
                    else Modality.IN_PERSON if not any(distance) else Modality.MIXED)
        price = min(row.offer.price for row in group)
        offer = head.offer
        if (offer.offer_id, offer.price, offer.modality) != (offer_id, price, modality):
            offer = attrs.evolve(offer, offer_id=OfferId(offer_id), price=price,
                                 modality=modality)
        offers[offer_id] = offer
    sessions = []
    for row in kept:
        offer = offers[row.offer_id]
        where = row.place.department if row.place is not None else "distance"
        sessions.append(Session(
            session_id=SessionId(f"{row.offer_id}@{where}"),
            offer_id=offer.offer_id,
            start=None,
            end=None,
            place=row.place,
            seats=None,
            price=row.offer.price if row.offer.price != offer.price else None,
        ))
    return tuple(offers.values()), tuple(sessions)


def load_sample_catalog() -> CatalogImport:
    """The sample of real catalogue rows shipped with the package, read offline.

    About a hundred rows of the July 2024 export (RS and RNCP certifications in computing,
    NSF 326), with the quirks of the originals. Licence Ouverte v2.0 (Etalab): reuse them with
    the attribution :data:`SAMPLE_ATTRIBUTION`.

    >>> sample = load_sample_catalog()
    >>> sample.rejected, len(sample.sessions) == sample.rows
    ((), True)
    """
    resource = files("formation").joinpath("data").joinpath("mcf_sample.csv")
    with resource.open("rb") as handle:
        return load_open_data_catalog(handle)

