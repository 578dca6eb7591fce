"""``formation deadlines --requested INSTANT --start DATE``: a folder's deadlines, rule by rule.

The command follows a folder requested at ``INSTANT`` for a session starting on ``DATE`` along
the usual path — the organism proposes, the holder accepts, the training starts on its first day,
the service done is declared on its last day and validated automatically — and prints each
deadline with the rule it comes from (the rulebook parameter in force on the request date) and
its source. Each step happens at the request instant unless ``--proposed`` or ``--accepted``
say otherwise; the assumptions are printed with the dates.

An instant is ISO 8601: ``2026-04-03T19:30+02:00``, ``2026-04-03T17:30Z``, or without offset
(``2026-04-03T19:30``, or a bare date for midnight) read in the territory's local time.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from typing import TextIO

from formation.bookings import (
    Actor,
    Booking,
    Proposal,
    accept_proposal,
    declare_entry,
    declare_service_done,
    propose,
    request,
    validate_service_done,
)
from formation.calendar.business_days import BusinessCalendar
from formation.calendar.instants import TIME_ZONES, local_date
from formation.calendar.territories import Territory
from formation.cli._common import add_output_options, argument, emit_json, parse_date, table
from formation.cli.holidays import add_territory_option
from formation.deadlines import DEADLINE_PARAMETERS, Deadlines, deadlines_of
from formation.errors import InvalidValue
from formation.ids import AccountId, BookingId, HolderId, OfferId, OrganismId, SessionId
from formation.labels import day_text
from formation.money import Euros
from formation.rules.rulebook import ParameterValue, Rulebook

__all__ = ["parse_instant", "register", "run"]

_NAMES = {
    "organism_answer_by": ("Réponse de l'organisme au plus tard", "Organism answers by"),
    "holder_acceptance_by": ("Acceptation du titulaire au plus tard", "Holder accepts by"),
    "earliest_start": ("Entrée en formation au plus tôt", "Earliest start"),
    "withdrawal_until": ("Rétractation jusqu'au", "Withdrawal until"),
    "free_cancellation_until": ("Annulation sans frais jusqu'au", "Free cancellation until"),
    "entry_declaration_by": ("Déclaration d'entrée au plus tard", "Entry declared by"),
    "exit_declaration_by": ("Déclaration de sortie au plus tard", "Exit declared by"),
    "service_done_validated_on": ("Validation automatique du service fait le",
                                  "Service done validated automatically on"),
    "payment_by": ("Paiement de l'organisme au plus tard", "Organism paid by"),
    "prerequisite_acknowledgement_by": ("Accusé de réception des prérequis au plus tard",
                                        "Prerequisites acknowledged by"),
    "prerequisite_decision_by": ("Décision sur les prérequis au plus tard",
                                 "Prerequisites decided by"),
}
_HEADERS = {"fr": ("Échéance", "Date", "Règle", "Source"),
            "en": ("Deadline", "Date", "Rule", "Source")}


def parse_instant(text: str, territory: Territory = Territory.METROPOLE) -> datetime:
    """Read an instant; without an offset, it is the territory's local time.

    >>> parse_instant("2026-04-03T19:30").isoformat()
    '2026-04-03T19:30:00+02:00'
    >>> parse_instant("2026-04-03T17:30Z").isoformat()
    '2026-04-03T17:30:00+00:00'
    """
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidValue(
            f"not an instant: {text!r}; expected ISO 8601 such as 2026-04-03T19:30+02:00 "
            "(without an offset, the territory's local time)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=TIME_ZONES[territory])
    return value


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "deadlines", help="the deadlines of a registration folder, with their rules",
        description="Print the deadlines of a folder requested at an instant for a session "
                    "starting on a date, each with its rule (in force on the request date) "
                    "and its source. Business days follow the territory's holidays.")
    parser.add_argument("--requested", required=True, metavar="INSTANT",
                        help="when the holder sent the request (ISO 8601; without an offset, "
                             "local time)")
    parser.add_argument("--start", required=True, type=argument(parse_date), metavar="DATE",
                        help="the session's first day (YYYY-MM-DD)")
    parser.add_argument("--end", type=argument(parse_date), metavar="DATE", default=None,
                        help="the session's last day (default: the start)")
    parser.add_argument("--proposed", metavar="INSTANT", default=None,
                        help="when the organism proposes (default: the request instant)")
    parser.add_argument("--accepted", metavar="INSTANT", default=None,
                        help="when the holder accepts (default: the proposal instant)")
    parser.add_argument("--prerequisites", action="store_true",
                        help="the training checks prerequisites (acknowledged, then decided)")
    add_territory_option(parser)
    add_output_options(parser)
    parser.set_defaults(run=run)


def _at(day: date, hour: int, territory: Territory) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TIME_ZONES[territory])


def _follow(requested: datetime, proposed: datetime, accepted: datetime, start: date,
            end: date, prerequisites: bool, calendar: BusinessCalendar) -> Booking:
    """The folder along the usual path, each step by its usual party."""
    holder, organism = HolderId("titulaire"), OrganismId("organisme")
    folder = request(BookingId("simulation"), holder_id=holder, account_id=AccountId("compte"),
                     organism_id=organism, offer_id=OfferId("offre"),
                     session_id=SessionId("session"), price=Euros(0), requested_at=requested,
                     has_prerequisites=prerequisites, calendar=calendar)
    folder = propose(folder, Actor.organism(organism), proposed,
                     Proposal(start=start, end=end, price=Euros(0)), calendar=calendar)
    folder = accept_proposal(folder, Actor.holder(holder), accepted, calendar=calendar)
    territory = calendar.territory
    entered = max(accepted, _at(start, 9, territory))
    folder = declare_entry(folder, Actor.organism(organism), entered, start, calendar=calendar)
    finished = max(entered, _at(end, 18, territory))
    folder = declare_service_done(folder, Actor.organism(organism), finished, 100,
                                  exit_on=end, calendar=calendar)
    validated_on = deadlines_of(folder, calendar).service_done_validated_on
    if validated_on is not None:
        folder = validate_service_done(folder, Actor.operator(),
                                       max(finished, _at(validated_on, 0, territory)))
    return folder


def _parameters(day: date) -> dict[str, ParameterValue]:
    return {p.name: p for p in Rulebook.default().parameters_at(day)}


def _rule(value: ParameterValue, lang: str) -> str:
    label = value.label_fr if lang == "fr" else value.label_en
    unit = f" {value.unit}" if value.unit else ""
    return f"{label} : {value.value}{unit}" if lang == "fr" else f"{label}: {value.value}{unit}"


def run(args: argparse.Namespace, out: TextIO) -> int:
    territory: Territory = args.territory
    calendar = BusinessCalendar(territory)
    requested = parse_instant(args.requested, territory)
    proposed = parse_instant(args.proposed, territory) if args.proposed else requested
    accepted = parse_instant(args.accepted, territory) if args.accepted else proposed
    end: date = args.end or args.start
    folder = _follow(requested, proposed, accepted, args.start, end, args.prerequisites,
                     calendar)
    found: Deadlines = deadlines_of(folder, calendar)
    requested_on = local_date(requested, calendar)
    parameters = _parameters(requested_on)
    assumptions = {
        "requested_at": requested, "proposed_at": proposed, "accepted_at": accepted,
        "start": args.start, "end": end, "entry_on": args.start, "exit_on": end,
        "service_done_declared_on": end,
    }
    if args.json:
        emit_json({
            "territory": territory, "terms_version": folder.terms_version,
            "assumptions": assumptions, "deadlines": found,
            "rules": {name: [parameters[p] for p in DEADLINE_PARAMETERS[name]]
                      for name, _ in found.items()},
        }, out)
        return 0
    lang = args.lang
    rows: list[tuple[str, ...]] = []
    for name, day in found.items():
        used = [parameters[p] for p in DEADLINE_PARAMETERS[name]]
        shown = day_text(day, lang)
        rows.append((_NAMES[name][0 if lang == "fr" else 1], shown,
                     "; ".join(_rule(p, lang) for p in used),
                     f"[{used[0].confidence.value}] {used[0].source}"))
    local = requested.astimezone(TIME_ZONES[territory])
    if lang == "fr":
        title = (f"Échéances d'un dossier demandé le {local:%d/%m/%Y à %H:%M} "
                 f"({territory.label_fr}, conditions {folder.terms_version})")
        note = ("Hypothèses : proposition le "
                f"{proposed.astimezone(TIME_ZONES[territory]):%d/%m/%Y %H:%M}, acceptation le "
                f"{accepted.astimezone(TIME_ZONES[territory]):%d/%m/%Y %H:%M}, entrée le "
                f"{args.start:%d/%m/%Y}, sortie et service fait le {end:%d/%m/%Y}. Une échéance "
                "court jusqu'à la fin de son jour, heure locale.")
    else:
        title = (f"Deadlines of a folder requested on {local:%Y-%m-%d at %H:%M} "
                 f"({territory.label_en}, terms {folder.terms_version})")
        note = (f"Assumed: proposal at {proposed.isoformat()}, acceptance at "
                f"{accepted.isoformat()}, entry on {args.start.isoformat()}, exit and service "
                f"done on {end.isoformat()}. A deadline runs to the end of its day, local time.")
    out.write(f"{title}\n\n{table(_HEADERS[lang], rows, wrap=60)}\n\n{note}\n")
    return 0

