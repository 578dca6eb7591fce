"""``formation search [TEXT] [filters]``: search the catalogue and print a page of sessions.

Without ``--catalog`` the search runs on the sample of real open-data rows shipped with the
package (Licence Ouverte v2.0, Etalab); ``--catalog FILE`` reads a Mon Compte Formation export
(CSV or JSON) instead. Prints the hits as a table, the total and the facet counts (regions,
modalities, price bands, registries, Formacodes), in French or English, or one JSON document.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TextIO

from formation.adapters.opendata import (
    SAMPLE_ATTRIBUTION,
    CatalogImport,
    load_sample_catalog,
)
from formation.catalog.geography import department, region
from formation.catalog.offers import Modality
from formation.catalog.search import CatalogIndex
from formation.catalog.search.query import FACETS, Near, Query, SearchResults, Sort
from formation.cli._common import (
    add_output_options,
    argument,
    emit_json,
    load_catalog,
    parse_date,
    parse_euros,
    parse_path,
    table,
)
from formation.errors import InvalidValue
from formation.labels import day_text

__all__ = ["register", "run"]

_SORTS = {
    "relevance": Sort.RELEVANCE, "pertinence": Sort.RELEVANCE,
    "price": Sort.PRICE_ASC, "prix": Sort.PRICE_ASC, "price_asc": Sort.PRICE_ASC,
    "-price": Sort.PRICE_DESC, "-prix": Sort.PRICE_DESC, "price_desc": Sort.PRICE_DESC,
    "price-desc": Sort.PRICE_DESC, "prix-desc": Sort.PRICE_DESC,
    "start": Sort.START_DATE, "date": Sort.START_DATE, "start_date": Sort.START_DATE,
    "rating": Sort.RATING, "note": Sort.RATING,
    "distance": Sort.DISTANCE,
}
_MODALITIES = {
    "presentiel": Modality.IN_PERSON, "in_person": Modality.IN_PERSON,
    "in-person": Modality.IN_PERSON,
    "distanciel": Modality.DISTANCE, "distance": Modality.DISTANCE,
    "mixte": Modality.MIXED, "mixed": Modality.MIXED,
}
_TEXT = {
    "fr": {
        "headers": ("Session", "Formation", "Organisme", "Début", "Lieu", "Prix"),
        "found": "{total} session(s) trouvée(s)",
        "page": "page {page} sur {pages}",
        "none": "Aucune session ne correspond.",
        "distance": "à distance",
        "undated": "non publiée",
        "facets": {"region": "Régions", "modality": "Modalités", "price_band": "Prix (€)",
                   "registry": "Répertoires", "formacode": "Formacodes"},
        "modality": {"presentiel": "présentiel", "distanciel": "distanciel", "mixte": "mixte"},
        "source": "Source : {source}",
        "km": "{km:.0f} km",
    },
    "en": {
        "headers": ("Session", "Training", "Organism", "Start", "Place", "Price"),
        "found": "{total} session(s) found",
        "page": "page {page} of {pages}",
        "none": "No session matches.",
        "distance": "distance learning",
        "undated": "not published",
        "facets": {"region": "Regions", "modality": "Modalities", "price_band": "Price (€)",
                   "registry": "Registries", "formacode": "Formacodes"},
        "modality": {"presentiel": "in person", "distanciel": "distance", "mixte": "mixed"},
        "source": "Source: {source}",
        "km": "{km:.0f} km",
    },
}


def _region(text: str) -> str:
    return region(text).code


def _department(text: str) -> str:
    return department(text).code


def _modality(text: str) -> Modality:
    found = _MODALITIES.get(text.strip().lower())
    if found is None:
        raise InvalidValue(f"not a modality: {text!r}; accepted: presentiel, distanciel, mixte "
                           "(or in-person, distance, mixed)")
    return found


def _sort(text: str) -> Sort:
    found = _SORTS.get(text.strip().lower())
    if found is None:
        raise InvalidValue(f"not an order: {text!r}; accepted: {', '.join(_SORTS)}")
    return found


def _near(text: str) -> Near:
    parts = text.replace(";", ",").split(",")
    try:
        latitude, longitude, radius = (float(p) for p in parts)
    except ValueError:
        raise InvalidValue(f"not a point and radius: {text!r}; expected LAT,LON,KM such as "
                           "45.76,4.84,30") from None
    return Near(latitude, longitude, radius)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "search", help="search the catalogue of trainings",
        description="Search the catalogue (by default the packaged sample of real open-data "
                    "rows) and print a page of sessions with the total and facet counts.")
    parser.add_argument("text", nargs="?", default=None, metavar="TEXT",
                        help="words to find in the title, certification or organism "
                             "(case and accents ignored; the last word may be a beginning)")
    parser.add_argument("--region", action="append", type=argument(_region), default=[],
                        metavar="R", help="INSEE code or name of a region (repeatable)")
    parser.add_argument("--department", action="append", type=argument(_department),
                        default=[], metavar="D",
                        help="INSEE code or name of a department (repeatable)")
    parser.add_argument("--near", type=argument(_near), default=None, metavar="LAT,LON,KM",
                        help="within KM kilometres of a point")
    parser.add_argument("--from", dest="start_from", type=argument(parse_date), default=None,
                        metavar="DATE", help="sessions starting on or after this day")
    parser.add_argument("--to", dest="start_until", type=argument(parse_date), default=None,
                        metavar="DATE", help="sessions starting on or before this day")
    parser.add_argument("--min-price", type=argument(parse_euros), default=None, metavar="P")
    parser.add_argument("--max-price", type=argument(parse_euros), default=None, metavar="P")
    parser.add_argument("--modality", action="append", type=argument(_modality), default=[],
                        metavar="M", help="presentiel, distanciel or mixte (repeatable)")
    parser.add_argument("--formacode", action="append", default=[], metavar="CODE",
                        help="a 5-digit Formacode (repeatable)")
    parser.add_argument("--eligible", action="store_true",
                        help="only sessions that pass the CPF eligibility rules on --on "
                             "(the open-data export has no Qualiopi dates: none of its "
                             "sessions can pass)")
    parser.add_argument("--on", type=argument(parse_date), default=None, metavar="DATE",
                        help="the day --eligible checks the rules on (default: today; the "
                             "open-data sessions have no dates of their own)")
    parser.add_argument("--sort", type=argument(_sort), default=Sort.RELEVANCE, metavar="S",
                        help="relevance, price, price-desc (or --sort=-price), start, rating "
                             "or distance (with --near)")
    parser.add_argument("--page", type=int, default=1)
    parser.add_argument("--page-size", type=int, default=10)
    parser.add_argument("--catalog", default=None, metavar="FILE", type=argument(parse_path),
                        help="an open-data export (CSV or JSON); default: the packaged sample")
    add_output_options(parser)
    parser.set_defaults(run=run)


def _load(path: str | None, lang: str) -> tuple[CatalogImport, str]:
    if path is None:
        return load_sample_catalog(), SAMPLE_ATTRIBUTION
    return load_catalog(path, lang=lang), path


def _query(args: argparse.Namespace) -> Query:
    return Query(
        text=args.text, regions=tuple(args.region), departments=tuple(args.department),
        near=args.near, start_from=args.start_from, start_until=args.start_until,
        price_min=args.min_price, price_max=args.max_price,
        formacodes=tuple(args.formacode), modalities=tuple(args.modality),
        eligible_only=args.eligible, sort=args.sort, page=args.page,
        page_size=args.page_size, facets=FACETS,
    )


def _render(results: SearchResults, source: str, lang: str) -> str:
    words = _TEXT[lang]
    lines = []
    if not results.hits:
        lines.append(str(words["none"]))
    else:
        rows = []
        for hit in results.hits:
            session, offer = hit.session, hit.offer
            place = session.place
            where = str(words["distance"]) if place is None else (
                f"{place.city or department(place.department).name} ({place.department})")
            if hit.distance_km is not None:
                where += ", " + str(words["km"]).format(km=hit.distance_km)
            start = (day_text(session.start, lang) if session.start
                     else str(words["undated"]))
            rows.append((session.session_id, offer.title, offer.organism.name, start, where,
                         str(session.price_of(offer))))
        lines.append(table(words["headers"], rows, wrap=38))  # type: ignore[arg-type]
    lines.append("")
    lines.append(str(words["found"]).format(total=results.total) + ", " + str(
        words["page"]).format(page=results.query.page, pages=max(1, results.pages)))
    names: dict[str, str] = words["facets"]  # type: ignore[assignment]
    modality_names: dict[str, str] = words["modality"]  # type: ignore[assignment]
    for facet in ("region", "modality", "price_band", "registry", "formacode"):
        counts = results.facets.get(facet, {})
        if not counts:
            continue
        shown = []
        for value, count in list(counts.items())[:8]:
            label = value
            if facet == "region":
                label = region(value).name
            elif facet == "modality":
                label = modality_names.get(value, value)
            shown.append(f"{label} {count}")
        more = len(counts) - len(shown)
        lines.append(f"{names[facet]} : " if lang == "fr" else f"{names[facet]}: ")
        lines[-1] += ", ".join(shown) + (f", … (+{more})" if more > 0 else "")
    lines.append(str(words["source"]).format(source=source))
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, out: TextIO) -> int:
    query = _query(args)
    catalogue, source = _load(args.catalog, args.lang)
    index = CatalogIndex(catalogue.offers, catalogue.sessions)
    on = (args.on or date.today()) if args.eligible else None
    results = index.search(query, on=on)
    if args.json:
        emit_json({"query": query, "total": results.total, "pages": results.pages,
                   "hits": results.hits, "facets": results.facets, "source": source}, out)
        return 0
    out.write(_render(results, source, args.lang))
    return 0
