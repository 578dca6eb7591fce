"""``formation rules [--on DATE]``: the legal parameters in force on a day, with their sources."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TextIO

from formation.cli._common import (
    add_output_options,
    argument,
    emit_json,
    parse_date,
    table,
    to_jsonable,
)
from formation.rulebook import ParameterValue, Rulebook

__all__ = ["register"]

_HEADERS = {
    "fr": ("Paramètre", "Valeur", "Depuis", "Jusqu'au", "Conf.", "Source"),
    "en": ("Parameter", "Value", "Since", "Until", "Conf.", "Source"),
}


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "rules", help="the legal parameters in force on a day, with their sources",
        description="Print every rulebook parameter in force on a day, with its dates, "
                    "confidence (C confirmed, P plausible, U unverified) and source.")
    parser.add_argument("--on", type=argument(parse_date), default=None, metavar="DATE",
                        help="the day (YYYY-MM-DD); default: today")
    add_output_options(parser)
    parser.set_defaults(run=run)


def _render(value: object, lang: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return ("oui" if value else "non") if lang == "fr" else ("yes" if value else "no")
    if isinstance(value, date):
        return value.isoformat()
    plain = to_jsonable(value)
    if isinstance(plain, list):
        return ", ".join(map(str, plain))
    return str(value)


def _row(value: ParameterValue, lang: str) -> tuple[str, ...]:
    label = value.label_fr if lang == "fr" else value.label_en
    shown = _render(value.value, lang)
    unit = "" if value.value is None else value.unit
    if unit.startswith("€") and shown.endswith("€"):
        shown, unit = shown + unit[1:], ""
    unit = f" {unit}" if unit else ""
    return (
        f"{value.name}",
        shown + unit,
        value.since.isoformat(),
        value.until.isoformat() if value.until else "—",
        value.confidence.value,
        f"{label}. {value.source}",
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    day: date = args.on or date.today()
    values = Rulebook.default().parameters_at(day)
    if args.json:
        emit_json({"on": day, "parameters": values}, out)
        return 0
    title = (f"Règles en vigueur le {day:%d/%m/%Y}" if args.lang == "fr"
             else f"Rules in force on {day.isoformat()}")
    out.write(title + "\n\n")
    out.write(table(_HEADERS[args.lang], [_row(v, args.lang) for v in values]) + "\n")
    return 0
