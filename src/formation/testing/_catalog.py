"""Hypothesis strategies for the catalogue: organisms, certifications, offers, sessions, catalogues.

Every strategy draws valid records (a SIRET with its check digit, a department of the region it
names, a session that ends on or after its start). Small alphabets and value pools are used on
purpose so that random catalogues share titles, places, dates and prices, and searches over them
have ties to break.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from formation.catalog.geography import DEPARTMENTS
from formation.catalog.offers import (
    Certification,
    Modality,
    Offer,
    Option,
    Organism,
    Place,
    QualiopiCertification,
    Registry,
    Session,
)
from formation.ids import OfferId, SessionId
from formation.money import Euros
from formation.rules.actions import ActionType
from formation.testing.catalog import _with_check_digit

__all__ = [
    "catalogs",
    "certifications",
    "modalities",
    "offer_options",
    "offers",
    "organisms",
    "places",
    "qualiopi_certifications",
    "registries",
    "sessions",
    "sirets",
]

_TITLES = ("Anglais", "anglais B1", "Anglais - Niveau B1 (préparation TOEIC)", "Comptabilité",
           "comptabilite generale", "Excel avancé", "Excel initiation", "Python", "Permis B",
           "Bilan de compétences", "Gestion de la paie", "Œuvre d'art", "L'Été des langues",
           "CACES R489 - recyclage", "Management d'équipe", "Espagnol débutant",
           "ANGLAIS PROFESSIONNEL", "Développement web (HTML, CSS, JavaScript)")
_CERT_TITLES = ("Tosa Excel", "TOEIC Listening and Reading", "TP Gestionnaire de paie",
                "TP Développeur web et web mobile", "Linguaskill", "CAP Pâtissier")
_FORMACODE_SETS = ((), ("15234",), ("15235",), ("70322",), ("31054",), ("32663",),
                   ("31812",), ("44591",), ("15081",), ("15234", "15235"), ("70322", "31054"),
                   ("32663", "15234", "70322"))
_FIRST, _LAST = date(2021, 1, 1), date(2029, 12, 31)


def sirets() -> st.SearchStrategy[str]:
    """14-digit SIRETs whose check digit is right (Luhn), La Poste's establishments excepted."""
    return st.integers(0, 10**13 - 1).map(lambda i: f"{i:013d}").filter(
        lambda s: not s.startswith("356000000")).map(_with_check_digit)


def qualiopi_certifications(
    min_value: date = _FIRST, max_value: date = _LAST
) -> st.SearchStrategy[QualiopiCertification]:
    """Qualiopi certifications valid from one day to a later one (up to four years later)."""
    return st.builds(
        lambda start, days: QualiopiCertification(start, min(max_value, start + timedelta(days))),
        st.dates(min_value, max_value), st.integers(0, 4 * 366),
    )


def organisms(
    qualiopi: st.SearchStrategy[QualiopiCertification | None] | None = None,
) -> st.SearchStrategy[Organism]:
    """Organisms with a valid SIRET, a name, maybe an activity declaration and a Qualiopi one.

    Args:
        qualiopi: the certifications to draw; default: any, or none one time in five.
    """
    chosen = qualiopi if qualiopi is not None else st.one_of(
        st.none(), qualiopi_certifications(), qualiopi_certifications(), qualiopi_certifications(),
        qualiopi_certifications())
    return st.builds(
        Organism,
        sirets(),
        st.sampled_from(("FORMALTIC", "GRETA DU VAL D OISE", "Institut Horizon", "École Avenir")),
        st.none() | st.integers(0, 10**11 - 1).map(lambda i: f"{i:011d}"),
        chosen,
    )


def registries() -> st.SearchStrategy[Registry]:
    """RNCP or RS."""
    return st.sampled_from(list(Registry))


def certifications(registry: Registry | None = None) -> st.SearchStrategy[Certification]:
    """Certifications of a registry (default either), with a level for RNCP ones, some ending.

    Codes and titles come from small pools, so that offers of a drawn catalogue share them.
    """
    chosen = st.just(registry) if registry is not None else registries()

    def build(reg: Registry, code: int, title: str, level: int, until: date | None) -> Certification:
        return Certification(reg, str(code), title, level if reg is Registry.RNCP else None, until)

    return st.builds(
        build, chosen, st.sampled_from((6204, 6198, 37873, 37674, 5080, 36009)),
        st.sampled_from(_CERT_TITLES), st.sampled_from((3, 4, 5, 6, 7)),
        st.sampled_from((None, None, date(2024, 12, 31), date(2026, 6, 30), date(2027, 12, 31)))
        | st.dates(_FIRST, _LAST),
    )


def modalities() -> st.SearchStrategy[Modality]:
    """In person, distance or mixed."""
    return st.sampled_from(list(Modality))


_OPTION_POOL = (
    Option("examen", "Passage de la certification", Euros(9000)),
    Option("heures", "Heures de formation supplémentaires", Euros(35000)),
    Option("support", "Support de cours imprimé", Euros(4500), cpf_fundable=False),
    Option("materiel", "Ordinateur portable prêté", Euros(30000), cpf_fundable=False),
)


def offer_options() -> st.SearchStrategy[tuple[Option, ...]]:
    """Up to three options of distinct ids, some fundable by CPF rights, some paid by card."""
    pooled = st.lists(st.sampled_from(_OPTION_POOL), max_size=3, unique_by=lambda o: o.option_id)
    option = st.builds(
        Option, st.sampled_from(("examen", "heures", "support", "materiel")),
        st.sampled_from(("Passage de la certification", "Heures supplémentaires", "Manuel")),
        st.integers(0, 100_000).map(Euros), st.booleans(),
    )
    drawn = st.lists(option, max_size=3, unique_by=lambda o: o.option_id)
    return st.one_of(st.just(()), pooled.map(tuple), drawn.map(tuple))


def _certification_for(action: ActionType) -> st.SearchStrategy[Certification | None]:
    if action is ActionType.RNCP:
        return certifications(Registry.RNCP)
    if action in (ActionType.RS, ActionType.CLEA):
        return certifications(Registry.RS)
    if action is ActionType.VAE:
        return st.none() | certifications(Registry.RNCP)
    return st.none()


# Strategies built once: building them inside a composite on every draw is slow.
_ACTIONS = st.sampled_from(list(ActionType))
_CERTIFICATION_FOR = {action: _certification_for(action) for action in ActionType}
_ANY_CERTIFICATION = st.none() | certifications()
_OFFER_IDS = st.integers(1, 999).map(lambda i: f"AF{i:03d}")
_SESSION_IDS = st.integers(1, 9999).map(lambda i: f"S{i:04d}")
_OFFER_FIELDS = st.tuples(
    st.sampled_from(_TITLES),
    st.sampled_from(_FORMACODE_SETS),
    st.sampled_from((0, 8000, 50000, 129000, 150000, 249000, 1_500_000))
    | st.integers(0, 2_000_000),
    st.none() | st.integers(0, 1200),
    st.sampled_from(list(Modality)),
    st.sampled_from(("", "Formation pratique.")),
    st.sampled_from(((), ("326",), ("136",), ("326t", "311"))),
)
_DATED = st.booleans() | st.just(True)
_STARTS = st.dates(date(2025, 1, 1), date(2029, 6, 30))
_LENGTHS = st.integers(0, 120)
_SESSION_EXTRAS = st.tuples(
    st.none() | st.integers(0, 30),
    st.none() | st.integers(0, 500_000).map(Euros),
)


@st.composite
def offers(
    draw: st.DrawFn,
    offer_id: st.SearchStrategy[str] | None = None,
    organism: st.SearchStrategy[Organism] | None = None,
    consistent: bool = True,
    action_type: st.SearchStrategy[ActionType] | None = None,
) -> Offer:
    """Offers with options; ``consistent`` ties the certification's registry to the action type.

    Args:
        offer_id: the ids to draw (default ``"AF"`` and a small number).
        organism: the organisms to draw (default :func:`organisms`).
        consistent: RNCP actions name an RNCP certification, RS and CléA an RS one, a bilan or a
            driving licence none; with ``False`` any certification or none.
        action_type: the action types to draw (default any).
    """
    return _offer(draw, draw(offer_id if offer_id is not None else _OFFER_IDS),
                  organism if organism is not None else _ORGANISMS, consistent,
                  action_type if action_type is not None else _ACTIONS)


def _offer(draw: st.DrawFn, offer_id: str, organism: st.SearchStrategy[Organism],
           consistent: bool, actions: st.SearchStrategy[ActionType] = _ACTIONS) -> Offer:
    action = draw(actions)
    certification = draw(_CERTIFICATION_FOR[action] if consistent else _ANY_CERTIFICATION)
    title, formacodes, cents, hours, modality, summary, nsf = draw(_OFFER_FIELDS)
    return Offer(
        offer_id=OfferId(offer_id),
        organism=draw(organism),
        title=title,
        certification=certification,
        formacodes=formacodes,
        price=Euros(cents),
        duration_hours=hours,
        modality=modality,
        action_type=action,
        summary=summary,
        nsf_codes=nsf,
        options=draw(_OPTIONS),
    )


def places() -> st.SearchStrategy[Place]:
    """Places in a real department of its region, with coordinates near its chief town or none."""
    return _PLACES


def _place(index: int, located: bool, dlat: int, dlon: int, city: bool) -> Place:
    dep = DEPARTMENTS[index]
    return Place(
        dep.code, dep.region, dep.chief_town if city else None, None,
        round(dep.latitude + dlat / 1000, 4) if located else None,
        round(dep.longitude + dlon / 1000, 4) if located else None,
    )


_PLACES = st.builds(
    _place, st.integers(0, len(DEPARTMENTS) - 1), st.booleans(),
    st.integers(-500, 500), st.integers(-500, 500), st.booleans(),
)
_MAYBE_PLACES = st.none() | _PLACES


@st.composite
def sessions(
    draw: st.DrawFn,
    offer_id: str | None = None,
    session_id: st.SearchStrategy[str] | None = None,
    place: st.SearchStrategy[Place | None] | None = None,
    dated: bool | None = None,
) -> Session:
    """Sessions of an offer: dates (or none), a place (or distance), seats and maybe a price.

    Args:
        offer_id: the offer they run (default drawn).
        session_id: the ids to draw (default ``"S"`` and a small number).
        place: the places to draw (default :func:`places` or ``None``).
        dated: ``True`` always dates, ``False`` never, ``None`` (default) mostly dated.
    """
    return _session(
        draw,
        draw(session_id if session_id is not None else _SESSION_IDS),
        offer_id if offer_id is not None else draw(_OFFER_IDS),
        place if place is not None else _MAYBE_PLACES,
        dated,
    )


def _session(draw: st.DrawFn, session_id: str, offer_id: str,
             place: st.SearchStrategy[Place | None], dated: bool | None) -> Session:
    has_dates = draw(_DATED) if dated is None else dated
    start = end = None
    if has_dates:
        start = draw(_STARTS)
        end = start + timedelta(draw(_LENGTHS))
    seats, price = draw(_SESSION_EXTRAS)
    return Session(
        session_id=SessionId(session_id),
        offer_id=OfferId(offer_id),
        start=start,
        end=end,
        place=draw(place),
        seats=seats,
        price=price,
    )


@st.composite
def catalogs(
    draw: st.DrawFn, max_offers: int = 8, max_sessions_per_offer: int = 4
) -> tuple[tuple[Offer, ...], tuple[Session, ...]]:
    """Small consistent catalogues: offers of unique ids and their sessions (unique ids).

    Distance offers' sessions have no place; other sessions have one. Offers may have no
    session.
    """
    count = draw(st.integers(0, max_offers))
    per_offer = st.integers(0, max_sessions_per_offer)
    drawn_offers: list[Offer] = []
    drawn_sessions: list[Session] = []
    for index in range(count):
        offer = _offer(draw, f"AF{index:03d}", _ORGANISMS, True)
        drawn_offers.append(offer)
        for _ in range(draw(per_offer)):
            place = _NO_PLACE if offer.modality is Modality.DISTANCE else _PLACES
            drawn_sessions.append(_session(
                draw, f"S{len(drawn_sessions) + 1:04d}", offer.offer_id, place, None))
    return tuple(drawn_offers), tuple(drawn_sessions)


_NO_PLACE: st.SearchStrategy[Place | None] = st.none()
_ORGANISMS = organisms()
_OPTIONS = offer_options()
