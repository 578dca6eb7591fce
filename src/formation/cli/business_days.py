"""``formation business-days add DATE N`` and ``... count START END``: deadline arithmetic.

Both take ``--territory T`` (whose holidays apply), ``--kind`` (``ouvre``: jours ouvrés, the
default; ``ouvrable``: jours ouvrables; ``calendaire``: calendar days) and ``--worked HOLIDAY``
(a holiday the employer works, such as ``whit_monday``, repeatable).
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TextIO

from formation.calendar.business_days import BusinessCalendar, DayKind
from formation.calendar.territories import Territory
from formation.cli._common import add_output_options, argument, emit_json, parse_date
from formation.cli.holidays import WEEKDAYS, add_territory_option
from formation.errors import InvalidValue

__all__ = ["parse_kind", "parse_offset", "register", "run"]

_KINDS = {
    "ouvre": DayKind.JOUR_OUVRE,
    "ouvrable": DayKind.JOUR_OUVRABLE,
    "calendaire": DayKind.JOUR_CALENDAIRE,
}
_PLURAL_FR = {
    DayKind.JOUR_OUVRE: "jours ouvrés",
    DayKind.JOUR_OUVRABLE: "jours ouvrables",
    DayKind.JOUR_CALENDAIRE: "jours calendaires",
}
_PLURAL_EN = {
    DayKind.JOUR_OUVRE: "business days",
    DayKind.JOUR_OUVRABLE: "working days (Mon–Sat)",
    DayKind.JOUR_CALENDAIRE: "calendar days",
}
_SINGULAR_EN = {
    DayKind.JOUR_OUVRE: "business day",
    DayKind.JOUR_OUVRABLE: "working day (Mon–Sat)",
    DayKind.JOUR_CALENDAIRE: "calendar day",
}


def _unit(kind: DayKind, n: int, fr: bool) -> str:
    if abs(n) == 1:
        return kind.value if fr else _SINGULAR_EN[kind]
    return _PLURAL_FR[kind] if fr else _PLURAL_EN[kind]


def parse_kind(text: str) -> DayKind:
    """Read a kind of day: ``ouvre``, ``ouvrable`` or ``calendaire`` (accents allowed)."""
    key = text.strip().lower().replace("é", "e").replace("jours ", "").replace("jour ", "")
    key = key.rstrip("s")
    if key in _KINDS:
        return _KINDS[key]
    raise InvalidValue(f"unknown kind of day {text!r}; accepted: {', '.join(_KINDS)}")


def parse_offset(text: str) -> int:
    """Read a whole number of days, negative to go back."""
    try:
        return int(text)
    except ValueError:
        raise InvalidValue(f"not a whole number of days: {text!r}") from None


def _common_options(parser: argparse.ArgumentParser) -> None:
    add_territory_option(parser)
    parser.add_argument("--kind", type=argument(parse_kind), default=DayKind.JOUR_OUVRE,
                        metavar="KIND",
                        help="ouvre (jours ouvrés, Mon–Fri, the default), ouvrable (jours "
                             "ouvrables, Mon–Sat) or calendaire (every day)")
    parser.add_argument("--worked", action="append", default=[], metavar="HOLIDAY",
                        help="a holiday the employer works, by its key (whit_monday, "
                             "ascension, ...): it then counts as a business day; repeatable")
    add_output_options(parser)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "business-days", help="add or count business days (jours ouvrés)",
        description="Deadline arithmetic in jours ouvrés (Monday–Friday, not a public holiday) "
                    "or, with --kind, jours ouvrables or calendar days.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add", help="the N-th business day after DATE (before it if N < 0)",
        description="The N-th business day strictly after DATE; strictly before if N is "
                    "negative; DATE itself if N is 0.")
    add.add_argument("day", type=argument(parse_date), metavar="DATE", help="YYYY-MM-DD")
    add.add_argument("n", type=argument(parse_offset), metavar="N",
                     help="how many days, negative to go back")
    _common_options(add)
    add.set_defaults(run=run)
    count = actions.add_parser(
        "count", help="the business days from START (excluded) to END (included)",
        description="The business days after START up to END included; negative, minus the "
                    "business days from END included to START excluded, when END < START.")
    count.add_argument("start", type=argument(parse_date), metavar="START", help="YYYY-MM-DD")
    count.add_argument("end", type=argument(parse_date), metavar="END", help="YYYY-MM-DD")
    _common_options(count)
    count.set_defaults(run=run)


def _day(day: date, lang: str) -> str:
    if lang == "fr":
        return f"{WEEKDAYS['fr'][day.weekday()]} {day:%d/%m/%Y}"
    return f"{WEEKDAYS['en'][day.weekday()]} {day.isoformat()}"


def run(args: argparse.Namespace, out: TextIO) -> int:
    territory: Territory = args.territory
    kind: DayKind = args.kind
    calendar = BusinessCalendar(territory, worked_holidays=frozenset(args.worked))
    fr = args.lang == "fr"
    label = territory.label_fr if fr else territory.label_en
    if args.action == "add":
        unit = _unit(kind, args.n, fr)
        result = calendar.add_days(args.day, args.n, kind)
        if args.json:
            emit_json({"day": args.day, "n": args.n, "territory": territory, "kind": kind,
                       "result": result}, out)
            return 0
        sign = "+" if args.n >= 0 else "−"
        out.write(f"{_day(args.day, args.lang)} {sign} {abs(args.n)} {unit} ({label}) : "
                  f"{_day(result, args.lang)}\n" if fr else
                  f"{_day(args.day, args.lang)} {sign} {abs(args.n)} {unit} ({label}): "
                  f"{_day(result, args.lang)}\n")
        return 0
    counted = calendar.count_days(args.start, args.end, kind)
    unit = _unit(kind, counted, fr)
    if args.json:
        emit_json({"start": args.start, "end": args.end, "territory": territory, "kind": kind,
                   "count": counted}, out)
        return 0
    if fr:
        out.write(f"Du {_day(args.start, 'fr')} (exclu) au {_day(args.end, 'fr')} (inclus), "
                  f"{label} : {counted} {unit}\n")
    else:
        out.write(f"From {_day(args.start, 'en')} (excluded) to {_day(args.end, 'en')} "
                  f"(included), {label}: {counted} {unit}\n")
    return 0
