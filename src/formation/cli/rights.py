"""``formation rights --year Y --hours H``: the rights a year of work earns, and how.

For a year from 2019 on, the credit in euros (threshold, proration rounded up to the cent,
reinforced status, ceiling against ``--balance``); for 2015-2018, the hours credited (against
``--hours-balance``) and what they were worth once converted at 15 € an hour. A self-employed
year is ``--months-active M`` instead of ``--hours`` (500 € prorated by months, R6323-22;
``--no-contribution`` when the training contribution was not paid).
"""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TextIO

from formation.accrual import (
    AnnualCredit,
    HoursCredit,
    SelfEmployedYear,
    WorkYear,
    conversion_day,
    explain_annual_credit,
    hours_credit,
    hours_to_euros,
    posting_day,
)
from formation.cli._common import add_output_options, argument, emit_json, parse_euros
from formation.errors import InvalidValue
from formation.money import Euros
from formation.rules.rulebook import Rulebook

__all__ = ["parse_hours", "register", "run"]


def parse_hours(text: str) -> Fraction:
    """Read a number of hours (``803``, ``803.5``, ``803,5``) from the command line."""
    try:
        value = Fraction(text.strip().replace(",", ".").replace(" ", ""))
    except (ValueError, ZeroDivisionError):
        raise InvalidValue(f"not a number of hours: {text!r}; expected e.g. 803 or 803,5") from None
    if value < 0:
        raise InvalidValue(f"hours must not be negative, got {text!r}")
    return value


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "rights", help="the CPF rights a year of work earns, and how they are computed",
        description="Compute the annual CPF credit of a year of work: euros from 2019 (500 €, "
                    "800 € reinforced, prorated below half the reference hours, capped by the "
                    "ceiling), hours for 2015-2018 (24 h, then 12 h above 120 h, up to 150 h).")
    parser.add_argument("--year", type=int, required=True, help="the calendar year worked")
    worked = parser.add_mutually_exclusive_group(required=True)
    worked.add_argument("--hours", type=argument(parse_hours),
                        help="hours worked in the year (an employee)")
    worked.add_argument("--months-active", type=argument(parse_hours), metavar="M",
                        help="months of self-employed activity in the year (0 to 12)")
    parser.add_argument("--no-contribution", action="store_true",
                        help="self-employed: the training contribution (CFP) was not paid")
    parser.add_argument("--reference-hours", type=int, default=None, metavar="R",
                        help="full-time hours of the year (default: the rulebook's, 1607)")
    parser.add_argument("--low-qualified", action="store_true",
                        help="low-qualified worker (no CAP/BEP nor level-3 title)")
    parser.add_argument("--disabled-worker", action="store_true",
                        help="recognised disabled worker (BOETH)")
    parser.add_argument("--esat-worker", action="store_true", help="ESAT worker")
    parser.add_argument("--balance", type=argument(parse_euros), default=Euros(0), metavar="B",
                        help="rights already on the account, for the ceiling (default 0)")
    parser.add_argument("--hours-balance", type=argument(parse_hours), default=Fraction(0),
                        metavar="H", help="hours era: CPF hours already earned (default 0)")
    add_output_options(parser)
    parser.set_defaults(run=run)


def _hours(value: Fraction | int | Decimal) -> str:
    value = Fraction(value)
    if value.denominator == 1:
        return f"{value.numerator:,}".replace(",", " ")
    return f"{float(value):,.2f}".replace(",", " ").replace(".", ",")


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.months_active is not None:
        return _run_self_employed(args, out)
    hours: Fraction = args.hours
    worked: int | Fraction = hours.numerator if hours.denominator == 1 else hours
    extra = {} if args.reference_hours is None else {"reference_hours": args.reference_hours}
    work = WorkYear(args.year, worked, low_qualified=args.low_qualified,
                    disabled_worker=args.disabled_worker, esat_worker=args.esat_worker, **extra)
    book = Rulebook.default()
    posted = posting_day(work.year, book)
    if book.at(date(work.year, 12, 31)).annual_credit is None:
        return _run_hours(work, args, posted, out)
    explained = explain_annual_credit(work, args.balance, book)
    if args.json:
        emit_json({"era": "euros", "credited_on": posted, "credit": explained.amount,
                   "computation": explained}, out)
        return 0
    out.write(_render_euros(explained, posted, args.lang) + "\n")
    return 0


def _run_self_employed(args: argparse.Namespace, out: TextIO) -> int:
    months: Fraction = args.months_active
    work = SelfEmployedYear(args.year, months.numerator if months.denominator == 1 else months,
                            contribution_paid=not args.no_contribution)
    book = Rulebook.default()
    posted = posting_day(work.year, book)
    explained = explain_annual_credit(work, args.balance, book)
    if args.json:
        emit_json({"era": "euros", "credited_on": posted, "credit": explained.amount,
                   "computation": explained}, out)
        return 0
    fr = args.lang == "fr"
    c = explained
    lines = [
        (f"Droits CPF de l'année {work.year}, travailleur indépendant (crédités le "
         f"{posted:%d/%m/%Y})" if fr
         else f"CPF rights for {work.year}, self-employed (credited on {posted:%Y-%m-%d})"),
        (f"Mois d'activité : {_hours(work.months_active)} sur 12" if fr
         else f"Months of activity: {_hours(work.months_active)} of 12"),
        (f"Montant annuel : {c.full_amount}, plafond {c.ceiling}" if fr
         else f"Annual amount: {c.full_amount}, ceiling {c.ceiling}"),
    ]
    if c.contribution_missing:
        lines.append("Contribution à la formation professionnelle non acquittée : aucun droit"
                     if fr else "Training contribution not paid: no rights")
    elif c.prorated:
        lines.append(
            f"Proratisation : {c.full_amount} × {_hours(work.months_active)} / 12 = {c.earned} "
            "(arrondi au centime supérieur)" if fr
            else f"Prorated: {c.full_amount} × {_hours(work.months_active)} / 12 = {c.earned} "
                 "(rounded up to the cent)")
    if c.capped:
        lines.append("Plafond atteint : seule la marge est créditée" if fr
                     else "Ceiling reached: only the room left is credited")
    lines.append(f"Crédit : {c.amount}" if fr else f"Credit: {c.amount}")
    lines.append("Source : Code du travail R6323-22" if fr else "Source: Code du travail R6323-22")
    out.write("\n".join(lines) + "\n")
    return 0


def _run_hours(work: WorkYear, args: argparse.Namespace, posted: date, out: TextIO) -> int:
    book = Rulebook.default()
    credit = hours_credit(work, args.hours_balance, book)
    value = hours_to_euros(credit.hours, conversion_day(book), book)
    if args.json:
        emit_json({"era": "hours", "credited_on": posted, "hours": credit.hours,
                   "converted_value": value, "computation": credit}, out)
        return 0
    out.write(_render_hours(credit, value, args.lang) + "\n")
    return 0


def _render_euros(c: AnnualCredit, posted: date, lang: str) -> str:
    w = c.work
    if not isinstance(w, WorkYear) or c.threshold_hours is None:
        raise InvalidValue(f"an employee's year is expected here, got {w!r}")
    fr = lang == "fr"
    status = (("renforcé" if fr else "reinforced") if c.reinforced
              else ("cas général" if fr else "general case"))
    lines = [
        (f"Droits CPF de l'année {w.year} (crédités le {posted:%d/%m/%Y})" if fr
         else f"CPF rights for {w.year} (credited on {posted:%Y-%m-%d})"),
        (f"Heures travaillées : {_hours(w.hours_worked)} h sur {_hours(w.reference_hours)} h "
         f"de référence ; droits complets à partir de {_hours(c.threshold_hours)} h" if fr
         else f"Hours worked: {_hours(w.hours_worked)} h of {_hours(w.reference_hours)} reference "
              f"hours; full rights from {_hours(c.threshold_hours)} h"),
        (f"Montant annuel : {c.full_amount} ({status}), plafond {c.ceiling}" if fr
         else f"Annual amount: {c.full_amount} ({status}), ceiling {c.ceiling}"),
    ]
    if w.esat_worker:
        lines.append("Travailleur d'ESAT : jamais proratisé" if fr
                     else "ESAT worker: never prorated")
    if c.prorated:
        lines.append(
            f"Proratisation : {c.full_amount} × {_hours(w.hours_worked)} / "
            f"{_hours(w.reference_hours)} = {c.earned} (arrondi au centime supérieur)" if fr
            else f"Prorated: {c.full_amount} × {_hours(w.hours_worked)} / "
                 f"{_hours(w.reference_hours)} = {c.earned} (rounded up to the cent)")
    room = Euros(max(c.ceiling.cents - c.balance.cents, 0))
    lines.append(f"Solde de droits : {c.balance} ; marge sous le plafond : {room}" if fr
                 else f"Balance of rights: {c.balance}; room under the ceiling: {room}")
    if c.capped:
        lines.append("Plafond atteint : seule la marge est créditée" if fr
                     else "Ceiling reached: only the room left is credited")
    lines.append(f"Crédit : {c.amount}" if fr else f"Credit: {c.amount}")
    lines.append("Source : Code du travail R6323-1, R6323-3-1, D6323-3-3 ; service-public F10705"
                 if fr else
                 "Source: Code du travail R6323-1, R6323-3-1, D6323-3-3; service-public F10705")
    return "\n".join(lines)


def _render_hours(c: HoursCredit, value: Euros, lang: str) -> str:
    w = c.work
    fr = lang == "fr"
    lines = [
        (f"Droits CPF de l'année {w.year} (ère des heures)" if fr
         else f"CPF rights for {w.year} (hours era)"),
        (f"Heures travaillées : {_hours(w.hours_worked)} h sur {_hours(w.reference_hours)} h "
         "de référence" if fr
         else f"Hours worked: {_hours(w.hours_worked)} h of {_hours(w.reference_hours)} "
              "reference hours"),
        ("Règle : 24 h par an jusqu'à 120 h, puis 12 h par an jusqu'à 150 h, au prorata, "
         "arrondi à l'heure supérieure" if fr
         else "Rule: 24 h a year up to 120 h, then 12 h a year up to 150 h, prorated, rounded "
              "up to a whole hour"),
        (f"Heures déjà acquises : {_hours(c.balance_hours)} h" if fr
         else f"Hours already earned: {_hours(c.balance_hours)} h"),
        (f"Crédit : {_hours(c.hours)} h, soit {value} après conversion à 15 € l'heure" if fr
         else f"Credit: {_hours(c.hours)} h, worth {value} once converted at 15 € an hour"),
        ("Source : Code du travail L6323-11, R6323-1 (2015) ; décret n° 2018-1153" if fr
         else "Source: Code du travail L6323-11, R6323-1 (2015); décret n° 2018-1153"),
    ]
    return "\n".join(lines)
