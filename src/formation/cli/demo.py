"""``formation demo``: a holder's whole journey, from the rights of a career to the review.

The demo runs the library end to end on the packaged sample of real catalogue rows (the Mon
Compte Formation open-data export, Licence Ouverte v2.0) and a made-up holder, and tells the
story step by step:

1. the rights earned over a career since 2015 (:func:`formation.credit_career`): hours from
   2015 to 2018, converted at 15 € an hour on 1 January 2019, DIF hours entered in 2020, euros
   from 2019 with a part-time year and a year without work, and an employer's top-up;
2. a search of the catalogue (:class:`formation.CatalogIndex`) by theme, region and price,
   then, once the organism has published its dated session (the open-data rows carry no
   dates), by dates too;
3. the request (:func:`formation.services.bookings.book`) and the organism's deadline to
   answer, in business days with its rule (:func:`formation.deadlines`);
4. the organism's proposal and the holder's deadlines;
5. the funding plan made when the holder accepts, with its explanation
   (:meth:`formation.FundingPlan.explain`), and the money held;
6. the entry, the service done, its automatic validation and the organism's payment, with
   their deadlines and what each step moved;
7. the holder's review (:class:`formation.reviews.ReviewBook`) and the offer's new rating;
8. the account's ledger at the end.

Every instant and date is fixed, so the output is the same at every run. The holder, the
employer's top-up and the session the organism proposes are made up; the offer, its organism,
its price and its certification are a real row of the sample. The folder and the account live
in a :class:`formation.MemoryStore`; ``--db PATH`` keeps them, with the catalogue, in a new
SQLite file (:class:`formation.adapters.sqlite.SqliteStore`), to open again afterwards.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from datetime import date, datetime, time
from fractions import Fraction
from typing import TextIO

import attrs

from formation import __version__
from formation.accounts import Account
from formation.accrual import WorkYear, credit_career
from formation.adapters.memory import MemoryStore
from formation.adapters.opendata import SAMPLE_ATTRIBUTION, load_sample_catalog
from formation.adapters.sqlite import SqliteStore
from formation.bookings import Actor, Booking, Proposal
from formation.calendar.business_days import BusinessCalendar
from formation.calendar.instants import time_zone
from formation.catalog.geography import department, region
from formation.catalog.offers import Offer, Place, Session
from formation.catalog.search import CatalogIndex
from formation.catalog.search.query import Query, SearchResults, Sort
from formation.cli._common import add_output_options, emit_json, table
from formation.deadlines import DEADLINE_PARAMETERS, Deadlines, deadlines
from formation.errors import DuplicateEntry, InvalidValue, NotFound
from formation.ids import (
    AccountId,
    BookingId,
    EntryId,
    HolderId,
    OrganismId,
    ReviewId,
    SessionId,
)
from formation.ledger import Balance, Entry, EntryKind, Source
from formation.money import Euros
from formation.ports import Store
from formation.reviews import Criterion, RatingSummary, Review, ReviewBook, Scores
from formation.rules.funders import Funder
from formation.rules.rulebook import Rulebook
from formation.services import bookings as services

__all__ = ["DemoStory", "document", "register", "render", "run", "tell"]

PARIS = time_zone()  # the metropole's

# -- the made-up holder and the fixed moments of the story -----------------------------------
HOLDER_NAME = "Camille Martin"
HOLDER = HolderId("titulaire-demo")
ACCOUNT = AccountId("compte-demo")
FOLDER = BookingId("dossier-demo")
REVIEW = ReviewId("avis-demo")
CAREER = (
    *(WorkYear(year, 1607) for year in range(2015, 2020)),  # full time, hours era then euros
    WorkYear(2020, 643),  # 40 % part time: prorated
    WorkYear(2021, 0),  # a year without work
    *(WorkYear(year, 1607) for year in range(2022, 2026)),
)
DIF_HOURS = 45
DIF_ENTERED_ON = date(2020, 6, 15)
TOP_UP_ON = date(2026, 5, 4)
TOP_UP = Euros.whole(600)

SEARCH_TEXT = "tosa"
SEARCH_REGIONS = ("52", "53")  # Pays de la Loire, Bretagne
SEARCH_PRICE_MAX = Euros.whole(2500)
CHOSEN_TITLE = "Tosa Illustrator"
CHOSEN_DEPARTMENT = "56"
CHOSEN_CERTIFICATION = "RS6205"
PAID_AFTER_BUSINESS_DAYS = 2  # the organism is paid two business days after the validation
SESSION_START = date(2026, 6, 1)
SESSION_END = date(2026, 6, 3)
SESSION_PLACE = Place(department="56", region="53", city="Vannes", postcode="56000",
                      latitude=47.658, longitude=-2.760)
DATES_FROM = date(2026, 5, 25)
DATES_UNTIL = date(2026, 6, 30)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


SEARCHED_AT = _at(date(2026, 5, 7), 19, 50)
REQUESTED_AT = _at(date(2026, 5, 7), 20, 15)  # a Thursday evening before a holiday (8 May)
PROPOSED_AT = _at(date(2026, 5, 11), 10, 0)
ACCEPTED_AT = _at(date(2026, 5, 12), 18, 0)
ENTERED_AT = _at(SESSION_START, 9, 30)
DONE_AT = _at(SESSION_END, 18, 0)
CONFIRMED_AT = _at(date(2026, 6, 4), 12, 0)
REVIEWED_AT = _at(date(2026, 6, 15), 10, 0)
REVIEW_SCORES = Scores(welcome=5, content=4, training_team=5, resources=4, support=4)
REVIEW_COMMENT = "Formatrice claire, beaucoup d'exercices sur des cas réels."

_DEADLINE_NAMES = {
    "organism_answer_by": ("Réponse de l'organisme", "Organism answers by"),
    "holder_acceptance_by": ("Acceptation de la titulaire", "Holder accepts by"),
    "earliest_start": ("Entrée en formation au plus tôt", "Earliest start"),
    "withdrawal_until": ("Rétractation jusqu'au", "Withdrawal until"),
    "free_cancellation_until": ("Annulation sans frais jusqu'au", "Free cancellation until"),
    "entry_declaration_by": ("Déclaration d'entrée", "Entry declared by"),
    "exit_declaration_by": ("Déclaration de sortie", "Exit declared by"),
    "service_done_validated_on": ("Validation automatique du service fait",
                                  "Service done validated automatically"),
    "payment_by": ("Paiement de l'organisme", "Organism paid by"),
}
_KINDS = {
    EntryKind.ANNUAL_CREDIT: ("droits de l'année", "annual credit"),
    EntryKind.HOURS_CREDIT: ("heures de l'année", "hours credit"),
    EntryKind.HOURS_CONVERSION: ("conversion en euros", "hours converted"),
    EntryKind.DIF: ("DIF saisi", "DIF entered"),
    EntryKind.TOP_UP: ("abondement", "top-up"),
    EntryKind.CORRECTIVE_TOP_UP: ("abondement correctif", "corrective top-up"),
    EntryKind.HOLD: ("blocage", "hold"),
    EntryKind.RELEASE: ("déblocage", "release"),
    EntryKind.DEBIT: ("débit", "debit"),
    EntryKind.REFUND: ("recrédit", "refund"),
    EntryKind.CORRECTION: ("correction", "correction"),
}
_CRITERIA = {
    Criterion.WELCOME: ("accueil", "welcome"),
    Criterion.CONTENT: ("contenu", "content"),
    Criterion.TRAINING_TEAM: ("équipe de formation", "training team"),
    Criterion.RESOURCES: ("moyens", "resources"),
    Criterion.SUPPORT: ("accompagnement", "support"),
}
_UNITS_EN = {"jours ouvrés": "business days", "jours calendaires": "calendar days",
             "jours": "days"}
_WEEKDAYS = {"fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
             "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                    "Sunday")}


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "demo", help="the whole journey of a holder, from rights to review, on real catalogue rows",
        description="Tell the journey of a made-up holder on the packaged sample of real "
                    "catalogue rows: the rights of a career since 2015, a search, the funding "
                    "plan, the request, the organism's answer and every deadline in business "
                    "days, the entry, the completion, the review and the ledger. Every date is "
                    "fixed: the output is the same at every run.")
    parser.add_argument("--db", metavar="PATH", default=None,
                        help="keep the account, the folder and the catalogue in this new SQLite "
                             "file (default: in memory)")
    add_output_options(parser)
    parser.set_defaults(run=run)


# -- the story, as data ------------------------------------------------------------------------

@attrs.frozen
class DemoStory:
    """Everything the demo did, in order: what :func:`render` prints and ``--json`` emits.

    Attributes:
        career: the entries the career credited (hours, conversions, DIF, euros).
        top_up: the employer's top-up entry.
        balance_before: the balance on the day of the search.
        sample_size: how many offers and sessions the packaged sample holds.
        search_query, search: the search by theme, region and price, and its results.
        dated_query, dated_search: the same search with dates, once the session is published.
        offer, session: the offer chosen and the dated session the organism proposes.
        steps: each step of the folder: its name, the folder after it, its deadlines.
        review, rating: the holder's review and the offer's rating summary after it.
        ledger: every entry of the account at the end.
        balance_after: the balance at the end.
        store_kind: ``"memory"`` or ``"sqlite"``.
    """

    career: tuple[Entry, ...]
    top_up: Entry
    balance_before: Balance
    sample_size: tuple[int, int]
    search_query: Query
    search: SearchResults
    dated_query: Query
    dated_search: SearchResults
    offer: Offer
    session: Session
    steps: tuple[tuple[str, Booking, Deadlines], ...]
    review: Review
    rating: RatingSummary
    ledger: tuple[Entry, ...]
    balance_after: Balance
    store_kind: str

    @property
    def booking(self) -> Booking:
        """The folder as it ends."""
        return self.steps[-1][1]

    def step(self, name: str) -> tuple[Booking, Deadlines]:
        """The folder and its deadlines after the step ``name``."""
        for found, folder, dates in self.steps:
            if found == name:
                return folder, dates
        raise InvalidValue(f"no step {name!r} in the demo; steps: "
                           f"{', '.join(s[0] for s in self.steps)}")


def _open_store(path: str | None) -> tuple[Store, SqliteStore | None]:
    if path is None:
        return MemoryStore(), None
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        try:
            uow.accounts.get(ACCOUNT)
        except NotFound:
            return store, store
    store.close()
    raise DuplicateEntry(
        f"{path} already holds the demo's account {ACCOUNT}: the demo keeps its story in a "
        "new file; remove that one or give another path")


def tell(db: str | None = None) -> DemoStory:
    """Run the whole journey on fixed dates and return what happened.

    Args:
        db: a SQLite file to keep the account and the folder in; ``None`` keeps them in memory.
    """
    store, sqlite = _open_store(db)
    try:
        return _tell(store, sqlite)
    finally:
        if sqlite is not None:
            sqlite.close()


def _tell(store: Store, sqlite: SqliteStore | None) -> DemoStory:
    book = Rulebook.default()
    calendar = BusinessCalendar()

    # 1. the rights of a career, and the employer's top-up
    account = Account(ACCOUNT, HOLDER)
    career = credit_career(account, CAREER, dif_hours=DIF_HOURS,
                           dif_entered_on=DIF_ENTERED_ON, rulebook=book)
    top_up = account.top_up(
        EntryId(f"{ACCOUNT}:abondement-employeur"), Funder.EMPLOYER, TOP_UP, TOP_UP_ON,
        note="abondement de l'employeur pour la certification Tosa Illustrator",
        earmarked_certifications=(CHOSEN_CERTIFICATION,), rulebook=book)
    balance_before = account.balance(SEARCHED_AT.date())
    with store.unit_of_work() as uow:
        uow.accounts.add(account)
        uow.commit()

    # 2. the search, then the dated session the organism publishes
    catalog = load_sample_catalog()
    index = CatalogIndex(catalog.offers, catalog.sessions)
    search_query = Query(text=SEARCH_TEXT, regions=SEARCH_REGIONS, price_max=SEARCH_PRICE_MAX,
                         sort=Sort.PRICE_ASC, facets=("region",))
    search = index.search(search_query)
    chosen = [h for h in search.hits if h.offer.title == CHOSEN_TITLE
              and h.session.place is not None
              and h.session.place.department == CHOSEN_DEPARTMENT]
    if not chosen:  # pragma: no cover - the packaged sample holds it
        raise NotFound(f"the sample has no {CHOSEN_TITLE!r} session in {CHOSEN_DEPARTMENT}")
    offer = chosen[0].offer
    session = Session(
        session_id=SessionId(f"{offer.offer_id}@{SESSION_START.isoformat()}"),
        offer_id=offer.offer_id, start=SESSION_START, end=SESSION_END, place=SESSION_PLACE,
        seats=8)
    index.add(sessions=[session])
    if sqlite is not None:
        sqlite.save_catalog(offers=catalog.offers, sessions=(*catalog.sessions, session))
    dated_query = Query(text=SEARCH_TEXT, regions=SEARCH_REGIONS, price_max=SEARCH_PRICE_MAX,
                        start_from=DATES_FROM, start_until=DATES_UNTIL, sort=Sort.START_DATE)
    dated_search = index.search(dated_query)

    # 3-6. the folder, step by step, with the services over the store
    holder = Actor.holder(HOLDER)
    organism = Actor.organism(OrganismId(offer.organism.siret))
    operator = Actor.operator()
    steps: list[tuple[str, Booking, Deadlines]] = []

    def step(name: str, folder: Booking) -> Booking:
        steps.append((name, folder, deadlines(folder, calendar, book)))
        return folder

    step("requested", services.book(
        store, holder, REQUESTED_AT, booking_id=FOLDER, account_id=ACCOUNT, offer=offer,
        session=session, calendar=calendar, rulebook=book))
    proposal = Proposal(start=SESSION_START, end=SESSION_END, price=session.price_of(offer))
    step("proposed", services.propose(store, organism, PROPOSED_AT, FOLDER, proposal,
                                      calendar=calendar, rulebook=book))
    step("accepted", services.accept(store, holder, ACCEPTED_AT, FOLDER, calendar=calendar,
                                     rulebook=book))
    step("entered", services.declare_entry(store, organism, ENTERED_AT, FOLDER, SESSION_START,
                                           calendar=calendar))
    step("done", services.declare_service_done(store, organism, DONE_AT, FOLDER, 100,
                                               exit_on=SESSION_END, calendar=calendar))
    step("confirmed", services.confirm_attendance(store, holder, CONFIRMED_AT, FOLDER))
    validated_on = steps[-1][2].service_done_validated_on
    if validated_on is None:  # pragma: no cover - the deadline exists once the service is done
        raise InvalidValue("the service done has no automatic validation day")
    step("validated", services.validate_service_done(
        store, operator, _at(validated_on, 0, 5), FOLDER, "validation automatique"))
    paid_on = calendar.add_business_days(validated_on, PAID_AFTER_BUSINESS_DAYS)
    folder = step("paid", services.record_payment(store, operator, _at(paid_on, 11), FOLDER))

    # 7. the review, which gives the offer its rating in the search index
    reviews = ReviewBook(listener=lambda offer_id, _organism, summary: index.set_rating(
        offer_id, summary.mean(), summary.count, summary.ranking_score))
    review = reviews.write(folder, author=HOLDER, review_id=REVIEW, scores=REVIEW_SCORES,
                           at=REVIEWED_AT, comment=REVIEW_COMMENT)

    # 8. the ledger at the end, read back from the store
    balance_after = services.view_balance(store, holder, ACCOUNT, paid_on)
    with store.unit_of_work() as uow:
        ledger = uow.accounts.get(ACCOUNT).entries
    return DemoStory(
        career=career, top_up=top_up, balance_before=balance_before,
        sample_size=(len(catalog.offers), len(catalog.sessions)), search_query=search_query,
        search=search, dated_query=dated_query, dated_search=dated_search, offer=offer,
        session=session, steps=tuple(steps), review=review,
        rating=reviews.summary_for_offer(offer.offer_id), ledger=ledger,
        balance_after=balance_after, store_kind="memory" if sqlite is None else "sqlite")


# -- rendering ---------------------------------------------------------------------------------

def _day(day: date, lang: str) -> str:
    return f"{day:%d/%m/%Y}" if lang == "fr" else day.isoformat()


def _long_day(day: date, lang: str) -> str:
    return f"{_WEEKDAYS[lang][day.weekday()]} {_day(day, lang)}"


def _instant(at: datetime, lang: str) -> str:
    local = at.astimezone(PARIS)
    if lang == "fr":
        return f"{_long_day(local.date(), lang)} à {local:%H:%M}"
    return f"{_long_day(local.date(), lang)} at {local:%H:%M}"


def _hours(value: Fraction | int) -> str:
    value = Fraction(value)
    if value.denominator == 1:
        return f"{value.numerator:,} h".replace(",", " ")
    return f"{float(value):,.2f} h".replace(",", " ").replace(".", ",")


def _t(lang: str, fr: str, en: str) -> str:
    return fr if lang == "fr" else en


# The accrual writes its notes in French; the English output translates their few words.
_NOTE_WORDS_EN = ((" h de DIF saisies", " DIF hours entered"), (" h travaillées", " h worked"),
                  (" pour ", " for "), ("proratisé à", "prorated to"), ("plafond", "ceiling"),
                  (" atteint", " reached"))


def _note(entry: Entry, lang: str) -> str:
    note = entry.note
    if lang == "fr":
        return note
    for french, english in _NOTE_WORDS_EN:
        note = note.replace(french, english)
    return note


def _source(entry: Entry, lang: str) -> str:
    if isinstance(entry.source, Funder):
        return entry.source.value
    if entry.source is Source.DIF:
        return "DIF"
    return _t(lang, "droits", "rights")


def _holidays_between(calendar: BusinessCalendar, start: date, end: date,
                      lang: str) -> list[str]:
    low, high = min(start, end), max(start, end)
    found = []
    for year in range(low.year, high.year + 1):
        for day, name in sorted(calendar.holidays(year).items()):
            if low < day <= high and day.weekday() < 5:
                found.append(f"{_day(day, lang)} {name}")
    return found


def _career(story: DemoStory, lang: str) -> list[str]:
    rows: list[tuple[str, ...]] = []
    work = {w.year: w for w in CAREER}
    for entry in sorted(story.career, key=lambda e: e.effective):  # stable: ledger order kept
        if entry.kind in (EntryKind.HOURS_CREDIT, EntryKind.ANNUAL_CREDIT):
            year = entry.year if entry.year is not None else 0
            credit = _hours(entry.hours) if entry.kind is EntryKind.HOURS_CREDIT else str(
                entry.amount)
            rows.append((str(year), _hours(Fraction(work[year].hours_worked)), credit,
                         _day(entry.effective, lang), _note(entry, lang)))
        else:
            label = _KINDS[entry.kind][0 if lang == "fr" else 1]
            shown = _hours(entry.hours) if entry.kind is EntryKind.DIF else str(entry.amount)
            rows.append(("", "", shown, _day(entry.effective, lang), f"{label} : {entry.note}"
                         if lang == "fr" else f"{label}: {_note(entry, lang)}"))
    years_without = [str(w.year) for w in CAREER
                     if not any(e.year == w.year for e in story.career)]
    headers = (_t(lang, "Année", "Year"), _t(lang, "Travaillé", "Worked"),
               _t(lang, "Crédit", "Credit"), _t(lang, "Le", "On"),
               _t(lang, "Calcul", "How"))
    balance = story.balance_before
    lines = [
        _t(lang,
           f"Carrière de {HOLDER_NAME} (titulaire fictive) : temps plein de 2015 à 2019, "
           "40 % en 2020, sans emploi en 2021, temps plein depuis 2022 ; 45 h de DIF saisies "
           f"le {_day(DIF_ENTERED_ON, lang)}.",
           f"Career of {HOLDER_NAME} (a made-up holder): full time 2015-2019, 40 % part time "
           "in 2020, out of work in 2021, full time since 2022; 45 DIF hours entered on "
           f"{_day(DIF_ENTERED_ON, lang)}."),
        "",
        table(headers, rows, wrap=24),
        "",
        _t(lang,
           f"Aucun crédit pour {', '.join(years_without)} (aucune heure travaillée). Les heures "
           "(2015-2018) et le DIF sont convertis à 15 € l'heure (décret n° 2018-1153) ; "
           "chaque année est créditée au printemps suivant.",
           f"No credit for {', '.join(years_without)} (no hours worked). Hours (2015-2018) and "
           "DIF hours are converted at 15 € an hour (décret n° 2018-1153); each year is "
           "credited the next spring."),
    ]
    lines.append(_t(
        lang,
        f"Abondement de l'employeur : {story.top_up.amount} le "
        f"{_day(story.top_up.effective, lang)}, fléché vers la certification "
        f"{CHOSEN_CERTIFICATION}.",
        f"Employer's top-up: {story.top_up.amount} on {_day(story.top_up.effective, lang)}, "
        f"earmarked for certification {CHOSEN_CERTIFICATION}."))
    lines.append(_t(
        lang,
        f"Solde au {_day(SEARCHED_AT.date(), lang)} : droits {balance.rights}, abondements "
        f"{balance.top_ups}, disponible {balance.available}.",
        f"Balance on {_day(SEARCHED_AT.date(), lang)}: rights {balance.rights}, top-ups "
        f"{balance.top_ups}, available {balance.available}."))
    return lines


def _hit_rows(results: SearchResults, lang: str) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for hit in results.hits:
        place = hit.session.place
        where = (f"{place.city or department(place.department).name} ({place.department})"
                 if place is not None else _t(lang, "à distance", "distance"))
        start = (_day(hit.session.start, lang) if hit.session.start is not None
                 else _t(lang, "non publiée", "not published"))
        hours = (f"{hit.offer.duration_hours} h" if hit.offer.duration_hours is not None
                 else "—")
        rows.append((hit.offer.title, hit.offer.organism.name, where, start, hours,
                     str(hit.session.price_of(hit.offer))))
    return rows


def _search(story: DemoStory, lang: str) -> list[str]:
    results, dated = story.search, story.dated_search
    headers = (_t(lang, "Formation", "Training"), _t(lang, "Organisme", "Organism"),
               _t(lang, "Lieu", "Place"), _t(lang, "Début", "Start"),
               _t(lang, "Durée", "Hours"), _t(lang, "Prix", "Price"))
    regions = " et ".join(region(code).name for code in SEARCH_REGIONS) if lang == "fr" else \
        " and ".join(region(code).name for code in SEARCH_REGIONS)
    facet = ", ".join(f"{region(code).name} {count}"
                      for code, count in results.facets["region"].items())
    offer = story.offer
    return [
        _t(lang,
           f"Catalogue : {story.sample_size[1]} sessions réelles de {story.sample_size[0]} "
           f"offres ({SAMPLE_ATTRIBUTION}).",
           f"Catalogue: {story.sample_size[1]} real sessions of {story.sample_size[0]} offers "
           f"({SAMPLE_ATTRIBUTION})."),
        _t(lang,
           f"Recherche le {_instant(SEARCHED_AT, lang)} : « {SEARCH_TEXT} » en {regions}, "
           f"jusqu'à {SEARCH_PRICE_MAX}, du moins cher au plus cher.",
           f"Search on {_instant(SEARCHED_AT, lang)}: \"{SEARCH_TEXT}\" in {regions}, up to "
           f"{SEARCH_PRICE_MAX}, cheapest first."),
        "",
        table(headers, _hit_rows(results, lang), wrap=30),
        "",
        _t(lang, f"{results.total} session(s) ; par région : {facet}.",
           f"{results.total} session(s); by region: {facet}."),
        _t(lang,
           "L'export open data ne publie pas les dates des sessions : l'organisme "
           f"{offer.organism.name} publie sa session du {_day(SESSION_START, lang)} au "
           f"{_day(SESSION_END, lang)} à {SESSION_PLACE.city} (inventée pour la démo), ajoutée "
           "à l'index sans le reconstruire.",
           "The open-data export publishes no session dates: the organism "
           f"{offer.organism.name} publishes its session from {_day(SESSION_START, lang)} to "
           f"{_day(SESSION_END, lang)} in {SESSION_PLACE.city} (made up for the demo), added to "
           "the index without rebuilding it."),
        _t(lang,
           f"Même recherche avec une entrée entre le {_day(DATES_FROM, lang)} et le "
           f"{_day(DATES_UNTIL, lang)} : {dated.total} session(s).",
           f"The same search starting between {_day(DATES_FROM, lang)} and "
           f"{_day(DATES_UNTIL, lang)}: {dated.total} session(s)."),
        "",
        table(headers, _hit_rows(dated, lang), wrap=30),
        "",
        _t(lang,
           f"Choix : « {offer.title} » ({offer.certification.registry.value}"
           f"{offer.certification.code}), {offer.organism.name}, SIRET {offer.organism.siret}."
           if offer.certification is not None else f"Choix : « {offer.title} ».",
           f"Chosen: \"{offer.title}\" ({offer.certification.registry.value}"
           f"{offer.certification.code}), {offer.organism.name}, SIRET {offer.organism.siret}."
           if offer.certification is not None else f"Chosen: \"{offer.title}\"."),
    ]


def _deadline_rows(found: Deadlines, names: Iterable[str], origins: dict[str, date],
                   calendar: BusinessCalendar, lang: str) -> list[tuple[str, ...]]:
    rules = {p.name: p for p in Rulebook.default().parameters_at(REQUESTED_AT.date())}
    rows: list[tuple[str, ...]] = []
    for name in names:
        day = getattr(found, name)
        if day is None:
            continue
        rule = rules[DEADLINE_PARAMETERS[name][0]]
        origin = origins[name]
        unit = rule.unit if lang == "fr" else _UNITS_EN.get(rule.unit, rule.unit)
        strictly = any(p.endswith("_more_than") and rules[p].value is True
                       for p in DEADLINE_PARAMETERS[name])
        counted = ((_t(lang, "plus de ", "more than ") if strictly else "")
                   + f"{rule.value} {unit}" + (
            _t(lang, " avant", " before") if day < origin else _t(lang, " après", " after"))
            + f" {_day(origin, lang)}")
        holidays = _holidays_between(calendar, origin, day, lang)
        skipped = (_t(lang, " ; férié : ", "; holiday: ") + ", ".join(holidays)) if holidays \
            else ""
        if "business" in rule.name:
            business = abs(calendar.count_business_days(origin, day))
            check = _t(lang, f" ({business} j. ouvrés comptés)",
                       f" ({business} business days counted)")
        else:
            check = ""
        rows.append((_DEADLINE_NAMES[name][0 if lang == "fr" else 1],
                     _long_day(day, lang), counted + check + skipped))
    return rows


def _folder(story: DemoStory, lang: str) -> list[str]:
    calendar = BusinessCalendar()
    offer = story.offer
    by_name = {name: (folder, found) for name, folder, found in story.steps}
    headers = (_t(lang, "Échéance", "Deadline"), _t(lang, "Date", "Date"),
               _t(lang, "Règle", "Rule"))
    requested, found_requested = by_name["requested"]
    proposed, found_proposed = by_name["proposed"]
    accepted, found_accepted = by_name["accepted"]
    found_done = by_name["validated"][1]
    origins = {
        "organism_answer_by": REQUESTED_AT.date(),
        "holder_acceptance_by": PROPOSED_AT.date(),
        "earliest_start": PROPOSED_AT.date(),
        "withdrawal_until": ACCEPTED_AT.date(),
        "free_cancellation_until": SESSION_START,
        "entry_declaration_by": SESSION_START,
        "exit_declaration_by": SESSION_END,
        "service_done_validated_on": DONE_AT.date(),
        "payment_by": found_done.service_done_validated_on or DONE_AT.date(),
    }
    plan = accepted.plan
    explained = plan.explain(lang) if plan is not None else "—"
    lines = [
        _t(lang, f"3. La demande — {_instant(REQUESTED_AT, lang)}",
           f"3. The request — {_instant(REQUESTED_AT, lang)}"),
        _t(lang,
           f"Dossier {requested.booking_id} : {requested.status.value}, prix "
           f"{requested.price}, conditions générales {requested.terms_version}. Rien n'est "
           "bloqué sur le compte avant l'acceptation.",
           f"Folder {requested.booking_id}: {requested.status.value}, price {requested.price}, "
           f"terms {requested.terms_version}. Nothing is held before the acceptance."),
        "",
        table(headers, _deadline_rows(found_requested, ["organism_answer_by"], origins,
                                      calendar, lang), wrap=40),
        "",
        _t(lang, f"4. La réponse de l'organisme — {_instant(PROPOSED_AT, lang)}",
           f"4. The organism's answer — {_instant(PROPOSED_AT, lang)}"),
        _t(lang,
           f"{offer.organism.name} accepte et propose la session du "
           f"{_day(SESSION_START, lang)} au {_day(SESSION_END, lang)} à {SESSION_PLACE.city}, {proposed.proposal.total if proposed.proposal else ''} : "
           f"dossier {proposed.status.value}.",
           f"{offer.organism.name} accepts and proposes the session from "
           f"{_day(SESSION_START, lang)} to {_day(SESSION_END, lang)} in {SESSION_PLACE.city}, "
           f"{proposed.proposal.total if proposed.proposal else ''}: folder "
           f"{proposed.status.value}."),
        "",
        table(headers, _deadline_rows(
            found_proposed, ["holder_acceptance_by", "earliest_start",
                             "free_cancellation_until"], origins, calendar, lang), wrap=40),
        "",
        _t(lang, f"5. Le plan de financement — acceptation le {_instant(ACCEPTED_AT, lang)}",
           f"5. The funding plan — accepted on {_instant(ACCEPTED_AT, lang)}"),
        explained,
        "",
        _t(lang, "Mouvements de l'acceptation : ", "Movements at the acceptance: ")
        + _movements(accepted, lang),
        "",
        table(headers, _deadline_rows(found_accepted, ["withdrawal_until"], origins, calendar,
                                      lang), wrap=40),
        "",
        _t(lang, "6. Entrée, fin de formation, service fait, paiement",
           "6. Entry, completion, service done, payment"),
    ]
    events = [
        ("entered", _t(lang, "entrée déclarée par l'organisme", "entry declared by the organism")),
        ("done", _t(lang, "sortie et service fait (100 %) déclarés",
                    "exit and service done (100 %) declared")),
        ("confirmed", _t(lang, "présence confirmée par la titulaire",
                         "attendance confirmed by the holder")),
        ("validated", _t(lang, "service fait validé automatiquement",
                         "service done validated automatically")),
        ("paid", _t(lang, "organisme payé", "organism paid")),
    ]
    for name, text in events:
        folder = by_name[name][0]
        last = folder.history[-1]
        moves = _movements(folder, lang)
        lines.append(f"  {_instant(last.at, lang)} : {text} → {folder.status.value}"
                     + (f" ; {moves}" if moves != "—" else "") if lang == "fr" else
                     f"  {_instant(last.at, lang)}: {text} → {folder.status.value}"
                     + (f"; {moves}" if moves != "—" else ""))
    lines += [
        "",
        table(headers, _deadline_rows(
            found_done, ["entry_declaration_by", "exit_declaration_by",
                         "service_done_validated_on", "payment_by"], origins, calendar, lang),
            wrap=40),
        "",
        _t(lang,
           "Chaque échéance court jusqu'à la fin de son jour, heure de Paris ; les jours ouvrés "
           "sont du lundi au vendredi hors jours fériés (Victoire 1945 le 8 mai, Ascension le "
           "14 mai, lundi de Pentecôte le 25 mai 2026).",
           "Each deadline runs to the end of its day, Paris time; business days are Monday to "
           "Friday except public holidays (8 May, Ascension on 14 May, Whit Monday on "
           "25 May 2026)."),
    ]
    return lines


def _movements(folder: Booking, lang: str) -> str:
    moves = folder.history[-1].movements
    if not moves:
        return "—"
    names = {"hold": ("blocage", "hold"), "release": ("déblocage", "release"),
             "debit": ("débit", "debit"), "refund": ("recrédit", "refund"),
             "card_payment": ("paiement par carte", "card payment"),
             "card_refund": ("remboursement carte", "card refund")}
    shown = []
    for move in moves:
        kind = names.get(move.kind.value, (move.kind.value, move.kind.value))[
            0 if lang == "fr" else 1]
        who = f" ({move.funder.value})" if move.funder is not None else ""
        shown.append(f"{kind}{who} {move.amount}")
    return ", ".join(shown)


def _review(story: DemoStory, lang: str) -> list[str]:
    review, summary = story.review, story.rating
    scores = ", ".join(f"{_CRITERIA[c][0 if lang == 'fr' else 1]} {review.scores[c]}/5"
                       for c in Criterion)
    mean = summary.shown_mean()
    score = f"{float(summary.ranking_score):.2f}"
    return [
        _t(lang, f"7. L'avis — {_instant(review.written_at, lang)}",
           f"7. The review — {_instant(review.written_at, lang)}"),
        _t(lang, f"Notes : {scores} ; moyenne {str(mean).replace('.', ',')}/5.",
           f"Scores: {scores}; mean {mean}/5."),
        _t(lang, f"Commentaire : « {review.comment} »", f"Comment: \"{review.comment}\""),
        _t(lang,
           f"L'offre a désormais {summary.count} avis, moyenne {str(mean).replace('.', ',')}/5 "
           f"(score de classement {score.replace('.', ',')}, tiré vers la moyenne a "
           "priori tant que les avis sont peu nombreux) ; l'index de recherche l'a reçue.",
           f"The offer now has {summary.count} review(s), mean {mean}/5 (ranking score "
           f"{score}, pulled toward the prior mean while reviews are "
           "few); the search index received it."),
    ]


def _ledger(story: DemoStory, lang: str) -> list[str]:
    balance = story.balance_after
    headers = (_t(lang, "Le", "On"), _t(lang, "Écriture", "Entry"),
               _t(lang, "Source", "Source"), _t(lang, "Heures", "Hours"),
               _t(lang, "Montant", "Amount"))
    rows: list[tuple[str, ...]] = []
    for entry in sorted(story.ledger, key=lambda e: e.effective):  # stable: ledger order kept
        label = _KINDS[entry.kind][0 if lang == "fr" else 1]
        if entry.year is not None:
            label += f" {entry.year}"
        hours = _hours(entry.hours) if entry.hours else ""
        rows.append((_day(entry.effective, lang), label, _source(entry, lang), hours,
                     str(entry.amount)))
    where = _t(lang, "en mémoire (MemoryStore)", "in memory (MemoryStore)") \
        if story.store_kind == "memory" else _t(lang, "dans le fichier SQLite (--db)",
                                                 "in the SQLite file (--db)")
    return [
        _t(lang, "8. Le grand livre du compte à la fin, par date d'effet",
           "8. The account's ledger at the end, by effective date"),
        table(headers, rows, wrap=30),
        "",
        _t(lang,
           f"Solde final : droits {balance.rights}, abondements {balance.top_ups}, bloqué "
           f"{balance.held}, disponible {balance.available} ({len(story.ledger)} écritures, "
           f"gardées {where}).",
           f"Final balance: rights {balance.rights}, top-ups {balance.top_ups}, held "
           f"{balance.held}, available {balance.available} ({len(story.ledger)} entries, kept "
           f"{where})."),
        *([] if story.store_kind == "memory" else [_t(
            lang,
            "Relire le fichier : formation export --db PATH (une ligne JSON par enregistrement).",
            "Read the file back: formation export --db PATH (one JSON line a record).")]),
    ]


def render(story: DemoStory, lang: str) -> str:
    """The story as readable text, in French (``"fr"``) or English (``"en"``)."""
    rule = "─" * 78
    parts = [
        _t(lang,
           f"formation {__version__} — démonstration : le parcours d'une titulaire du CPF, des "
           "droits à l'avis",
           f"formation {__version__} — demo: a CPF holder's journey, from rights to review"),
        _t(lang,
           "Dates fixes : le même résultat à chaque exécution. Titulaire, abondement et dates "
           "de session inventés ; offre, organisme, prix et certification réels.",
           "Fixed dates: the same output at every run. Holder, top-up and session dates made "
           "up; offer, organism, price and certification real."),
        rule,
        _t(lang, "1. Les droits acquis depuis 2015", "1. The rights earned since 2015"),
        *_career(story, lang),
        rule,
        _t(lang, "2. La recherche d'une formation", "2. Searching for a training"),
        *_search(story, lang),
        rule,
        *_folder(story, lang),
        rule,
        *_review(story, lang),
        rule,
        *_ledger(story, lang),
    ]
    return "\n".join(parts) + "\n"


def document(story: DemoStory) -> dict[str, object]:
    """The story as one JSON-ready document (the field names of the library's records)."""
    return {
        "holder": {"holder_id": HOLDER, "name": HOLDER_NAME, "account_id": ACCOUNT},
        "career": {"work_years": CAREER, "dif_hours": DIF_HOURS,
                   "dif_entered_on": DIF_ENTERED_ON, "entries": story.career,
                   "top_up": story.top_up, "balance": story.balance_before},
        "search": {"query": story.search_query, "total": story.search.total,
                   "hits": story.search.hits, "facets": story.search.facets},
        "dated_search": {"query": story.dated_query, "total": story.dated_search.total,
                         "hits": story.dated_search.hits},
        "offer": story.offer,
        "session": story.session,
        "steps": [{"step": name, "status": folder.status, "deadlines": found}
                  for name, folder, found in story.steps],
        "booking": story.booking,
        "plan_explained": {lang: story.booking.plan.explain(lang)
                           for lang in ("fr", "en")} if story.booking.plan else None,
        "review": story.review,
        "rating": {"count": story.rating.count, "mean": story.rating.mean()},
        "ledger": story.ledger,
        "balance": story.balance_after,
        "store": story.store_kind,
    }


def run(args: argparse.Namespace, out: TextIO) -> int:
    story = tell(args.db)
    if args.json:
        emit_json(document(story), out)
        return 0
    out.write(render(story, args.lang))
    return 0

