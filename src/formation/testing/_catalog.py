"""Hypothesis strategies for the catalogue: organisms, certifications, offers, sessions, catalogues.

Every strategy draws valid records (a SIRET with its check digit, a department of the region it
names, a session that ends on or after its start). Small alphabets and value pools are used on
purpose so that random catalogues share titles, places, dates and prices, and searches over them
have ties to break.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from formation.actions import ActionType
from formation.catalog import (
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
from formation.geography import DEPARTMENTS
from formation.ids import OfferId, SessionId
from formation.money import Euros
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

_WORDS = ("Anglais", "anglais", "Comptabilité", "comptabilite", "Excel", "Python", "Permis B",
          "Bilan de compétences", "niveau", "B1", "débutant", "avancé", "Gestion", "paie", "Œuvre",
          "L'Été", "CACES R489", "Management d'équipe")
_CERT_TITLES = ("Tosa Excel", "TOEIC Listening and Reading", "TP Gestionnaire de paie",
                "TP Développeur web et web mobile", "Linguaskill", "CAP Pâtissier")
_FORMACODES = ("15234", "15235", "70322", "31054", "32663", "31812", "44591", "15081")
_NSF = ("136", "326", "314", "326t", "311")
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
        st.none() | st.from_regex(r"\A[0-9]{11}\Z"),
        chosen,
    )


def registries() -> st.SearchStrategy[Registry]:
    """RNCP or RS."""
    return st.sampled_from(list(Registry))


def certifications(registry: Registry | None = None) -> st.SearchStrategy[Certification]:
    """Certifications of a registry (default either), with a level for RNCP ones, some ending."""
    chosen = st.just(registry) if registry is not None else registries()

    def build(reg: Registry, code: int, title: str, level: int, until: date | None) -> Certification:
        return Certification(reg, str(code), title, level if reg is Registry.RNCP else None, until)

    return st.builds(
        build, chosen, st.integers(1, 40000), st.sampled_from(_CERT_TITLES), st.integers(3, 8),
        st.none() | st.dates(_FIRST, _LAST),
    )


def modalities() -> st.SearchStrategy[Modality]:
    """In person, distance or mixed."""
    return st.sampled_from(list(Modality))


def offer_options() -> st.SearchStrategy[tuple[Option, ...]]:
    """Up to three options of distinct ids, some fundable by CPF rights, some paid by card."""
    option = st.builds(
        Option, st.sampled_from(("examen", "heures", "support", "materiel")),
        st.sampled_from(("Passage de la certification", "Heures supplémentaires", "Manuel")),
        st.integers(0, 100_000).map(Euros), st.booleans(),
    )
    return st.lists(option, max_size=3, unique_by=lambda o: o.option_id).map(tuple)


def _certification_for(action: ActionType) -> st.SearchStrategy[Certification | None]:
    if action is ActionType.RNCP:
        return certifications(Registry.RNCP)
    if action in (ActionType.RS, ActionType.CLEA):
        return certifications(Registry.RS)
    if action is ActionType.VAE:
        return st.none() | certifications(Registry.RNCP)
    return st.none()


@st.composite
def offers(
    draw: st.DrawFn,
    offer_id: st.SearchStrategy[str] | None = None,
    organism: st.SearchStrategy[Organism] | None = None,
    consistent: bool = True,
) -> Offer:
    """Offers with options; ``consistent`` ties the certification's registry to the action type.

    Args:
        offer_id: the ids to draw (default ``"AF"`` and a small number).
        organism: the organisms to draw (default :func:`organisms`).
        consistent: RNCP actions name an RNCP certification, RS and CléA an RS one, a bilan or a
            driving licence none; with ``False`` any certification or none.
    """
    action = draw(st.sampled_from(list(ActionType)))
    certification = draw(_certification_for(action) if consistent
                         else st.none() | certifications())
    return Offer(
        offer_id=OfferId(draw(offer_id if offer_id is not None
                              else st.integers(1, 999).map(lambda i: f"AF{i:03d}"))),
        organism=draw(organism if organism is not None else organisms()),
        title=" ".join(draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4))),
        certification=certification,
        formacodes=tuple(draw(st.lists(st.sampled_from(_FORMACODES), max_size=3, unique=True))),
        price=Euros(draw(st.sampled_from((0, 8000, 50000, 129000, 150000, 249000, 1_500_000))
                         | st.integers(0, 2_000_000))),
        duration_hours=draw(st.none() | st.integers(0, 1200)),
        modality=draw(modalities()),
        action_type=action,
        summary=draw(st.sampled_from(("", "Formation pratique."))),
        nsf_codes=tuple(draw(st.lists(st.sampled_from(_NSF), max_size=2, unique=True))),
        options=draw(offer_options()),
    )


def places() -> st.SearchStrategy[Place]:
    """Places in a real department of its region, with coordinates near its chief town or none."""
    def build(index: int, located: bool, dlat: float, dlon: float, city: bool) -> Place:
        dep = DEPARTMENTS[index]
        return Place(
            dep.code, dep.region, dep.chief_town if city else None, None,
            round(dep.latitude + dlat, 4) if located else None,
            round(dep.longitude + dlon, 4) if located else None,
        )

    return st.builds(
        build, st.integers(0, len(DEPARTMENTS) - 1), st.booleans(),
        st.floats(-0.5, 0.5), st.floats(-0.5, 0.5), st.booleans(),
    )


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
    has_dates = draw(st.booleans() | st.just(True)) if dated is None else dated
    start = end = None
    if has_dates:
        start = draw(st.dates(date(2025, 1, 1), date(2029, 6, 30)))
        end = start + timedelta(draw(st.integers(0, 120)))
    return Session(
        session_id=SessionId(draw(session_id if session_id is not None
                                  else st.integers(1, 9999).map(lambda i: f"S{i:04d}"))),
        offer_id=OfferId(offer_id if offer_id is not None
                         else draw(st.integers(1, 999).map(lambda i: f"AF{i:03d}"))),
        start=start,
        end=end,
        place=draw(place if place is not None else st.none() | places()),
        seats=draw(st.none() | st.integers(0, 30)),
        price=draw(st.none() | st.integers(0, 500_000).map(Euros)),
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
    drawn_offers: list[Offer] = []
    drawn_sessions: list[Session] = []
    for index in range(count):
        offer = draw(offers(offer_id=st.just(f"AF{index:03d}")))
        drawn_offers.append(offer)
        for _ in range(draw(st.integers(0, max_sessions_per_offer))):
            place = st.none() if offer.modality is Modality.DISTANCE else places()
            drawn_sessions.append(draw(sessions(
                offer_id=offer.offer_id,
                session_id=st.just(f"S{len(drawn_sessions) + 1:04d}"),
                place=place,
            )))
    return tuple(drawn_offers), tuple(drawn_sessions)
