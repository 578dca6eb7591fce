"""``formation holidays YEAR [--territory T]``: the public holidays of a year, with their names."""

from __future__ import annotations

import argparse
from typing import TextIO

from formation.calendar.business_days import BusinessCalendar
from formation.calendar.holiday_rules import check_year
from formation.calendar.territories import Territory, parse_territory
from formation.cli._common import add_output_options, argument, emit_json, table
from formation.errors import InvalidValue

__all__ = ["WEEKDAYS", "add_territory_option", "parse_year", "register", "run"]

WEEKDAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
"""Weekday names by language, Monday first (no locale is consulted)."""

_HEADERS = {"fr": ("Date", "Jour", "Nom"), "en": ("Date", "Weekday", "Name (in French)")}


def parse_year(text: str) -> int:
    """Read a year (1950–2200) from the command line."""
    try:
        year = int(text)
    except ValueError:
        raise InvalidValue(f"not a year: {text!r}; expected a year such as 2026") from None
    return check_year(year)


def add_territory_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--territory T``: a territory code or a department code (default: metropole)."""
    codes = ", ".join(t.value for t in Territory)
    parser.add_argument(
        "--territory", type=argument(parse_territory), default=Territory.METROPOLE,
        metavar="T", help=f"whose holidays apply: {codes}, or a department code such as 67 "
                          "or 971 (default: metropole)")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "holidays", help="the public holidays of a year in a territory",
        description="Print the public holidays of a year (1950–2200) with their French names, "
                    "for metropolitan France, Alsace-Moselle or an overseas territory.")
    parser.add_argument("year", type=argument(parse_year), metavar="YEAR",
                        help="the year, 1950–2200")
    add_territory_option(parser)
    add_output_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    territory: Territory = args.territory
    found = BusinessCalendar(territory).holidays(args.year)
    if args.json:
        emit_json({"year": args.year, "territory": territory,
                   "holidays": [{"date": day, "name": name} for day, name in found.items()]},
                  out)
        return 0
    lang = args.lang
    rows: list[tuple[str, ...]]
    if lang == "fr":
        title = f"Jours fériés {args.year} — {territory.label_fr}"
        rows = [(f"{day:%d/%m/%Y}", WEEKDAYS[lang][day.weekday()], name)
                for day, name in found.items()]
    else:
        title = f"Public holidays {args.year} — {territory.label_en}"
        rows = [(day.isoformat(), WEEKDAYS[lang][day.weekday()], name)
                for day, name in found.items()]
    out.write(f"{title}\n\n{table(_HEADERS[lang], rows)}\n")
    return 0
