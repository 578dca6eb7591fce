"""``formation quote``: the funding plan of an order, with the rule and source behind each amount.

Examples::

    formation quote --price 1000 --balance 950 --on 2024-06-01
    formation quote --price 2000 --balance 1200 --top-up region:300 --top-up employeur:200
    formation quote --price 1000 --balance 2000 --dotation employeur:500
    formation quote --price 1500 --balance 3000 --action-type permis-leger --job-seeker --json
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TextIO

from formation.cli._common import (
    add_output_options,
    argument,
    emit_json,
    parse_date,
    parse_euros,
    table,
)
from formation.errors import InvalidValue
from formation.funding import FundingPlan, LineKind, plan_funding
from formation.ids import OfferId
from formation.labels import label
from formation.money import Euros
from formation.rules.actions import ActionType
from formation.rules.funders import Funder
from formation.topups import TopUp, TopUpKind

__all__ = ["parse_action_type", "parse_dotation", "parse_top_up", "register", "run"]


def _funder(text: str) -> Funder:
    wanted = text.strip().lower()
    for funder in Funder:
        if wanted in (funder.value, funder.name.lower(), funder.name.lower().replace("_", "-")):
            return funder
    raise InvalidValue(
        f"unknown funder {text!r}; accepted: {', '.join(f.value for f in Funder)}")


def parse_top_up(text: str, kind: TopUpKind = TopUpKind.COMPLEMENTARY) -> TopUp:
    """Read ``FUNDER:AMOUNT`` (``region:300``, ``employeur:150,50``) as a top-up of ``kind``.

    The funder is a :class:`~formation.rules.funders.Funder` value (``employeur``, ``region``,
    ``opco``…) or name (``EMPLOYER``). An optional third part names the certification codes the
    top-up is earmarked to, separated by ``+`` (``region:300:RS6204+RNCP37873``).
    """
    parts = text.split(":")
    if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
        raise InvalidValue(
            f"not a top-up: {text!r}; expected FUNDER:AMOUNT such as region:300, optionally "
            "FUNDER:AMOUNT:CODE+CODE for an earmarked one")
    earmarks = frozenset(code for code in parts[2].split("+") if code) if len(parts) == 3 else (
        frozenset[str]())
    return TopUp(_funder(parts[0]), parse_euros(parts[1]), earmarked_certifications=earmarks,
                 reference=f"{parts[0]}:{parts[1]}", kind=kind)


def parse_dotation(text: str) -> TopUp:
    """Read ``FUNDER:AMOUNT`` as a dotation credited to the account (see :func:`parse_top_up`)."""
    return parse_top_up(text, TopUpKind.DOTATION)


def parse_action_type(text: str) -> ActionType:
    """Read an action type by value (``rs``, ``bilan``, ``permis-leger``…) or name."""
    wanted = text.strip().lower()
    for action in ActionType:
        if wanted in (action.value, action.name.lower(), action.name.lower().replace("_", "-")):
            return action
    raise InvalidValue(
        f"unknown action type {text!r}; accepted: {', '.join(a.value for a in ActionType)}")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "quote", help="the funding plan of an order: rights, top-ups, participation, card",
        description="Split a price between the holder's CPF rights, the top-ups and the card "
                    "payment, as Mon Compte Formation does on the day of the order, and explain "
                    "each amount with its rule and source.")
    parser.add_argument("--price", type=argument(parse_euros), required=True, metavar="P",
                        help="the price of the order, options included (1234.5 or '1 234,50')")
    parser.add_argument("--balance", type=argument(parse_euros), required=True, metavar="B",
                        help="the holder's available CPF rights")
    parser.add_argument("--on", type=argument(parse_date), default=None, metavar="DATE",
                        help="the day of the order (YYYY-MM-DD); default: today")
    parser.add_argument("--job-seeker", action="store_true",
                        help="the holder is a job seeker (no flat participation)")
    parser.add_argument("--top-up", type=argument(parse_top_up), action="append", default=[],
                        metavar="FUNDER:AMOUNT", dest="top_ups",
                        help="a complementary top-up asked for the order (repeatable), "
                             "e.g. region:300")
    parser.add_argument("--dotation", type=argument(parse_dotation), action="append", default=[],
                        metavar="FUNDER:AMOUNT", dest="dotations",
                        help="a dotation credited to the account beforehand (repeatable), e.g. "
                             "employeur:500; from 5 Dec 2025 it pays before the rights")
    parser.add_argument("--action-type", type=argument(parse_action_type),
                        default=ActionType.RNCP, metavar="T",
                        help="the kind of action: " + ", ".join(a.value for a in ActionType)
                        + " (default: rncp)")
    parser.add_argument("--not-fundable", type=argument(parse_euros), default=Euros(0),
                        metavar="AMOUNT",
                        help="the part of the price for options CPF cannot pay (paid by card)")
    parser.add_argument("--certification", default=None, metavar="CODE",
                        help="the certification the order prepares (matches earmarked top-ups)")
    parser.add_argument("--offer", default=None, metavar="ID",
                        help="the offer ordered (matches earmarked top-ups)")
    parser.add_argument("--employer-co-funding", action="store_true",
                        help="the employer co-funds the training (no flat participation)")
    add_output_options(parser)
    parser.set_defaults(run=run)


class _CardOption:
    """The options CPF cannot pay, as one option for :func:`plan_funding`."""

    cpf_fundable = False

    def __init__(self, price: Euros) -> None:
        self.price = price


def run(args: argparse.Namespace, out: TextIO) -> int:
    day: date = args.on or date.today()
    options = [_CardOption(args.not_fundable)] if args.not_fundable else []
    plan = plan_funding(
        args.price, balance=args.balance, on=day, top_ups=[*args.dotations, *args.top_ups],
        job_seeker=args.job_seeker, action_type=args.action_type, options=options,
        offer_id=OfferId(args.offer) if args.offer else None,
        certification_code=args.certification, employer_co_funding=args.employer_co_funding)
    if args.json:
        emit_json({
            "price": plan.price,
            "on": plan.on,
            "action_type": plan.action_type,
            "balance": plan.balance,
            "rights_used": plan.rights_used,
            "top_ups_used": plan.top_ups_used,
            "card_payment": plan.card_payment,
            "participation": plan.participation,
            "lines": plan.lines,
            "exemption": plan.exemption,
            "exempting_funder": plan.exempting_funder,
            "unused_top_ups": plan.unused_top_ups,
            "rights_cap": plan.rights_cap,
            "flat_participation": plan.flat_participation,
            "explanation": plan.explain(args.lang),
        }, out)
        return 0
    out.write(_summary(plan, args.lang) + "\n\n" + plan.explain(args.lang) + "\n")
    return 0


_HEADERS = {"fr": ("Montant", "Source", "Payé par"), "en": ("Amount", "Source", "Paid by")}
def _summary(plan: FundingPlan, lang: str) -> str:
    """The plan as a table: one row per line, then the totals."""
    fr = lang == "fr"
    card = "carte" if fr else "card"
    rows: list[tuple[Euros, str, str]] = []
    for line in plan.lines:
        if line.funder is not None:
            payer = label(line.funder, lang)
        elif line.kind is LineKind.RIGHTS:
            payer = "compte CPF" if fr else "CPF account"
        else:
            payer = card
        name = label(line.kind, lang)
        if line.top_up_kind is not None:
            name = label(line.top_up_kind, lang).capitalize()
        rows.append((line.amount, name, payer))
    rows.append((plan.price, "Total", ""))
    rows.append((plan.card_payment, "dont par carte" if fr else "of which by card", card))
    width = max(len(str(amount)) for amount, _, _ in rows)
    return table(_HEADERS[lang], [(str(amount).rjust(width), source, payer)
                                  for amount, source, payer in rows])
