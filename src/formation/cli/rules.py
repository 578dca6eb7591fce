"""``formation rules [--on DATE]``: the legal parameters in force on a day, with their sources.

``formation rules --on DATE --diff NAME=VALUE [--diff NAME=VALUE …] [--effective DATE]``
compares the default rulebook with a what-if one in which each named parameter takes its new
value from ``--effective`` (default: the ``--on`` day) on, and prints every parameter that
differs on the ``--on`` day (:meth:`formation.Rulebook.diff`). Values are written as people
write them: ``150`` or ``150,00 €`` for euros, ``1/2`` for a share, ``yes``/``no``, ``none`` for
"no such rule", ``2027-01-01`` for a day, comma-separated members for a set or an order.
"""

from __future__ import annotations

import argparse
import enum
import types
import typing
from datetime import date
from fractions import Fraction
from typing import Any, TextIO

import attrs

from formation.cli._common import (
    add_output_options,
    argument,
    emit_json,
    parse_date,
    table,
    to_jsonable,
)
from formation.errors import InvalidValue
from formation.labels import yes_no
from formation.money import Euros
from formation.rules.rulebook import (
    PARAMETER_NAMES,
    ParameterDifference,
    ParameterValue,
    Rulebook,
    Rules,
)

__all__ = ["markdown_reference", "parse_change", "register", "run"]

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
    parser.add_argument("--history", action="store_true",
                        help="every value every parameter has had, not only those in force")
    parser.add_argument("--markdown", action="store_true",
                        help="with --history: the rules reference page of the docs, in Markdown")
    parser.add_argument("--diff", type=argument(parse_change), action="append", default=[],
                        metavar="NAME=VALUE",
                        help="what-if: the parameter NAME takes VALUE (repeatable); print every "
                             "parameter that differs from the default rulebook on --on")
    parser.add_argument("--effective", type=argument(parse_date), default=None, metavar="DATE",
                        help="with --diff: the day the what-if values take effect "
                             "(default: the --on day)")
    add_output_options(parser)
    parser.set_defaults(run=run)


_NONE = frozenset({"none", "—", "-", "aucun", "aucune"})
_TRUE = frozenset({"yes", "true", "oui", "vrai", "1"})
_FALSE = frozenset({"no", "false", "non", "faux", "0"})


def _member(kind: type[enum.Enum], text: str) -> enum.Enum:
    for member in kind:
        if text.strip().lower() in (str(member.value).lower(), member.name.lower()):
            return member
    raise InvalidValue(f"{text!r} is not a {kind.__name__}; expected one of "
                       + ", ".join(str(m.value) for m in kind))


def _parse_typed(text: str, expected: Any, name: str) -> object:
    origin = typing.get_origin(expected)
    if origin is typing.Union or origin is types.UnionType:
        arms = typing.get_args(expected)
        if type(None) in arms and text.strip().lower() in _NONE:
            return None
        (arm,) = [a for a in arms if a is not type(None)]
        return _parse_typed(text, arm, name)
    if origin in (tuple, frozenset):
        args = typing.get_args(expected)
        parts = [p for p in text.replace(";", ",").split(",") if p.strip()]
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            if len(parts) != len(args):
                parts = text.replace("-", ",").split(",")
            return tuple(_parse_typed(p, a, name) for p, a in zip(parts, args, strict=True))
        items = [_parse_typed(p, args[0], name) for p in parts]
        return tuple(items) if origin is tuple else frozenset(items)
    word = text.strip()
    if expected is bool:
        if word.lower() in _TRUE | _FALSE:
            return word.lower() in _TRUE
        raise InvalidValue(f"{name} takes yes or no, got {text!r}")
    if expected is int:
        try:
            return int(word)
        except ValueError:
            raise InvalidValue(f"{name} takes a whole number, got {text!r}") from None
    if expected is Fraction:
        try:
            return Fraction(word.replace(",", "."))
        except (ValueError, ZeroDivisionError):
            raise InvalidValue(f"{name} takes a share such as 1/2, got {text!r}") from None
    if expected is Euros:
        return Euros.parse(word)
    if expected is date:
        return parse_date(word)
    if isinstance(expected, type) and issubclass(expected, enum.Enum):
        return _member(expected, word)
    return word


def parse_change(text: str) -> tuple[str, object]:
    """Read ``NAME=VALUE`` into a parameter name and a value of the parameter's type.

    >>> parse_change("flat_participation=150")
    ('flat_participation', Euros(15000))
    >>> parse_change("free_cancellation_more_than=no")
    ('free_cancellation_more_than', False)
    """
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise InvalidValue(f"expected NAME=VALUE such as flat_participation=150, got {text!r}")
    fields = attrs.fields_dict(Rules)
    if name not in fields:
        raise InvalidValue(f"unknown rulebook parameter {name!r}; known parameters: "
                           + ", ".join(PARAMETER_NAMES))
    return name, _parse_typed(raw, fields[name].type, name)


def _render(value: object, lang: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return yes_no(value, lang)
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


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_reference(rulebook: Rulebook, lang: str = "en") -> str:
    """The rules reference page: every parameter, each value with its dates and its source.

    Generated from the rulebook (``formation rules --history --markdown``), never written by
    hand; a test checks that ``docs/rules.md`` is up to date.
    """
    lines = [
        "# Rules reference",
        "",
        "<!-- generated by `formation rules --history --markdown --lang en > docs/rules.md`; do not edit -->",
        "",
        "Every legal parameter of the default rulebook, with each value it has had, the days it",
        "was in force, its confidence (C confirmed, P plausible, U unverified: P and U values are",
        "choices you can override with `Rulebook.with_change`) and its source.",
        "",
        "To see what a change of the law changes on a day, compare two rulebooks:",
        "`Rulebook.default().diff(what_if, on=day)` lists every parameter whose value differs",
        "(`ParameterDifference` records with the value in force in each), and",
        "`formation rules --on DAY --diff NAME=VALUE [--diff NAME=VALUE …] [--effective DATE]`",
        "prints them (values as people write them: `150` or `150,00 €`, `1/2`, `yes`/`no`,",
        "`none`, `2027-01-01`, comma-separated members for a set or an order).",
        "",
    ]
    names: list[str] = []
    for value in rulebook.values:
        if value.name not in names:
            names.append(value.name)
    for name in names:
        history = rulebook.history(name)
        label = history[0].label_en if lang == "en" else history[0].label_fr
        lines += [f"## `{name}`", "", f"{label}.", "",
                  "| Value | Since | Until | Conf. | Source |", "|---|---|---|---|---|"]
        for value in history:
            shown = _render(value.value, lang)
            if value.unit and value.value is not None and value.unit not in shown:
                shown += f" {value.unit}" if not value.unit.startswith("€") else value.unit[1:]
            lines.append(
                f"| {_cell(shown)} | {value.since.isoformat()} | "
                f"{value.until.isoformat() if value.until else '—'} | {value.confidence.value} | "
                f"{_cell(value.source)} |"
            )
        lines.append("")
    return "\n".join(lines)


_DIFF_HEADERS = {
    "fr": ("Paramètre", "En vigueur", "Hypothèse", "Libellé"),
    "en": ("Parameter", "In force", "What-if", "Label"),
}


def _shown(value: ParameterValue, lang: str) -> str:
    return _row(value, lang)[1]


def _run_diff(book: Rulebook, args: argparse.Namespace, out: TextIO) -> int:
    day: date = args.on or date.today()
    changes = dict(args.diff)
    what_if = book.with_change(effective=args.effective or day,
                               source="formation rules --diff", **changes)
    found: tuple[ParameterDifference, ...] = book.diff(what_if, on=day)
    if args.json:
        emit_json({"on": day, "differences": found}, out)
        return 0
    fr = args.lang == "fr"
    if not found:
        out.write((f"Aucune différence le {day:%d/%m/%Y}" if fr
                   else f"No difference on {day.isoformat()}") + "\n")
        return 0
    out.write((f"Ce qui change le {day:%d/%m/%Y}" if fr
               else f"What changes on {day.isoformat()}") + "\n\n")
    rows: list[tuple[str, ...]] = [
        (d.name, _shown(d.before, args.lang), _shown(d.after, args.lang),
         d.label_fr if fr else d.label_en) for d in found
    ]
    out.write(table(_DIFF_HEADERS[args.lang], rows) + "\n")
    return 0


def run(args: argparse.Namespace, out: TextIO) -> int:
    book = Rulebook.default()
    if args.diff:
        return _run_diff(book, args, out)
    if args.history:
        if args.markdown:
            out.write(markdown_reference(book, args.lang))
            return 0
        if args.json:
            emit_json({"parameters": book.values}, out)
            return 0
        rows = [_row(v, args.lang) for v in book.values]
        out.write(table(_HEADERS[args.lang], rows) + "\n")
        return 0
    day: date = args.on or date.today()
    values = book.parameters_at(day)
    if args.json:
        emit_json({"on": day, "parameters": values}, out)
        return 0
    title = (f"Règles en vigueur le {day:%d/%m/%Y}" if args.lang == "fr"
             else f"Rules in force on {day.isoformat()}")
    out.write(title + "\n\n")
    out.write(table(_HEADERS[args.lang], [_row(v, args.lang) for v in values]) + "\n")
    return 0
