"""``formation recommend``: the sessions that best answer a holder's needs, with the reasons.

Examples::

    formation recommend --theme excel --near 69003 --radius 30 --budget 150 --balance 1200
    formation recommend --theme 31036 --distance-only --budget 0 --balance 800 --lang en
    formation recommend --theme word --near 45.76,4.84 --budget 200 --free 2026-04-01:2026-06-30
    formation recommend --theme excel --near 13001 --budget 0 --balance 300 --all --json

Without ``--catalog``, the packaged sample of real open-data rows is searched (its offers carry
no dates, no seats and no Qualiopi data: the platform lists only certified organisms, so an
unknown Qualiopi certification is a note, not a refusal; dates are to agree with the organism).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TextIO

from formation.adapters.opendata import (
    SAMPLE_ATTRIBUTION,
    load_sample_catalog,
)
from formation.catalog.search import CatalogIndex
from formation.cli._common import (
    add_output_options,
    argument,
    emit_json,
    load_catalog,
    parse_date,
    parse_euros,
)
from formation.errors import InvalidValue
from formation.matching import Fit, Needs, Period, Point, Recommendation, locate, recommend
from formation.money import Euros

__all__ = ["parse_period", "register", "run"]


def parse_period(text: str) -> Period:
    """Read ``FROM:TO`` (``2026-04-01:2026-06-30``), a period the holder is free."""
    parts = text.split(":")
    if len(parts) != 2:
        raise InvalidValue(f"not a period: {text!r}; expected FROM:TO such as "
                           "2026-04-01:2026-06-30")
    return Period(parse_date(parts[0]), parse_date(parts[1]))


def _radius(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise InvalidValue(f"not a radius in km: {text!r}") from None
    if not 0 < value <= 2000:
        raise InvalidValue(f"the radius is more than 0 and at most 2000 km, got {text!r}")
    return value


def _limit(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise InvalidValue(f"--limit takes a whole number from 1 to 100, got {text!r}")
    return int(text)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "recommend", help="the sessions that best answer a holder's needs, with the reasons",
        description="Rank the catalogue's sessions for a holder: theme, place and radius (or "
                    "distance learning), free periods, working time, budget by card; each with "
                    "its funding plan and why it fits or falls short.")
    parser.add_argument("--theme", action="append", required=True, metavar="T", dest="themes",
                        help="a Formacode (5 digits) or words; repeat for several themes")
    parser.add_argument("--near", type=argument(locate), default=None, metavar="PLACE",
                        help="a postcode (placed at its department's chief town) or LAT,LON")
    parser.add_argument("--radius", type=argument(_radius), default=30.0, metavar="KM",
                        help="how far the holder will travel, in km (default: 30)")
    parser.add_argument("--distance-only", action="store_true",
                        help="only trainings at a distance")
    parser.add_argument("--no-distance", action="store_true",
                        help="with --near, leave out trainings at a distance")
    parser.add_argument("--free", type=argument(parse_period), action="append", default=[],
                        metavar="FROM:TO", dest="periods",
                        help="a period the holder is free (repeatable); default: any time")
    parser.add_argument("--working-time", action="store_true",
                        help="the training is during working time (employer consent needed)")
    parser.add_argument("--budget", type=argument(parse_euros), required=True, metavar="EUR",
                        help="the most the holder accepts to pay by card")
    parser.add_argument("--balance", type=argument(parse_euros), default=Euros(0), metavar="B",
                        help="the holder's available CPF rights (default: 0)")
    parser.add_argument("--job-seeker", action="store_true",
                        help="the holder is a job seeker (no flat participation)")
    parser.add_argument("--on", type=argument(parse_date), default=None, metavar="DATE",
                        help="the day of the recommendation (YYYY-MM-DD); default: today")
    parser.add_argument("--limit", type=argument(_limit), default=5, metavar="N",
                        help="how many sessions to show (default: 5)")
    parser.add_argument("--all", action="store_true", dest="include_unbookable",
                        help="also show sessions the holder cannot book, with the reasons")
    parser.add_argument("--catalog", type=Path, default=None, metavar="FILE",
                        help="an open-data export (CSV or JSON); default: the packaged sample")
    add_output_options(parser)
    parser.set_defaults(run=run)


def _index(path: Path | None, lang: str) -> tuple[CatalogIndex, str]:
    """The catalogue to search, and where it comes from (for the attribution)."""
    if path is None:
        imported, source = load_sample_catalog(), SAMPLE_ATTRIBUTION
    else:
        imported, source = load_catalog(path, lang=lang), str(path)
    return CatalogIndex(imported.offers, imported.sessions), source


_MARK = {Fit.FITS: "+", Fit.NOTE: "·", Fit.SHORT: "−"}


def _render(rank: int, found: Recommendation, lang: str) -> list[str]:
    offer, session = found.offer, found.session
    fr = lang == "fr"
    score = f"{found.score:.2f}".replace(".", ",") if fr else f"{found.score:.2f}"
    where = session.place.city or session.place.department if session.place else None
    lines = [f"{rank}. {offer.title}",
             f"   {offer.organism.name} — {offer.offer_id} ({session.session_id})"]
    price = session.price_of(offer)
    if found.plan is not None:
        card = found.plan.card_payment
        lines.append(f"   {'Prix' if fr else 'Price'} {price}, "
                     f"{'droits' if fr else 'rights'} {found.plan.rights_used}, "
                     f"{'abondements' if fr else 'top-ups'} {found.plan.top_ups_used}, "
                     f"{'carte' if fr else 'card'} {card}"
                     + (f" — {'département' if fr else 'department'} {where}" if where else ""))
    if not found.bookable:
        lines.append("   " + ("NON RÉSERVABLE" if fr else "CANNOT BE BOOKED"))
    lines.append(f"   score {score}")
    lines.extend(f"   {_MARK[r.fit]} {r.text(lang)}" for r in found.reasons)
    return lines


def run(args: argparse.Namespace, out: TextIO) -> int:
    on: date = args.on or date.today()
    near: Point | None = args.near
    if args.distance_only and near is not None:
        raise InvalidValue("--distance-only and --near do not go together")
    needs = Needs(
        themes=tuple(args.themes), near=near, radius_km=args.radius,
        distance_only=args.distance_only, accept_distance=not args.no_distance,
        free_periods=tuple(args.periods), outside_working_time=not args.working_time,
        budget=args.budget, job_seeker=args.job_seeker,
    )
    index, source = _index(args.catalog, args.lang)
    found = recommend(needs, args.balance, index, on=on, limit=args.limit,
                      include_unbookable=args.include_unbookable, trust_listing=True)
    if args.json:
        emit_json({"on": on, "needs": needs, "balance": args.balance,
                   "recommendations": found, "source": source}, out)
        return 0
    fr = args.lang == "fr"
    title = (f"Recommandations du {on:%d/%m/%Y} pour « {', '.join(needs.themes)} »" if fr
             else f"Recommendations on {on.isoformat()} for '{', '.join(needs.themes)}'")
    out.write(title + "\n")
    if near is not None:
        out.write((f"Autour de {near.label} ({needs.radius_km:g} km)" if fr
                   else f"Around {near.label} ({needs.radius_km:g} km)") + "\n")
    out.write((f"Droits disponibles {args.balance}, budget par carte {needs.budget}" if fr
               else f"Available rights {args.balance}, card budget {needs.budget}") + "\n\n")
    if not found:
        out.write(("Aucune session réservable ne correspond. Essayez --all pour voir "
                   "pourquoi, un rayon plus grand ou un budget plus large.\n") if fr else
                  ("No bookable session matches. Try --all to see why, a larger radius or a "
                   "larger budget.\n"))
    else:
        blocks = ["\n".join(_render(i, r, args.lang)) for i, r in enumerate(found, start=1)]
        out.write("\n\n".join(blocks) + "\n")
    out.write(f"\n{'Source :' if fr else 'Source:'} {source}\n")
    return 0
