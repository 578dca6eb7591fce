"""CPF eligibility of a catalogue offer on a given day, as rules that return violations.

CPF rights pay only for the actions listed in article L6323-6 of the Code du travail, sold by a
provider that meets the conditions of the platform. Three checks follow ``cpf-rules.md``
section 7.1, each dated by the rulebook:

- **the organism is Qualiopi-certified on that day** (required since 1 January 2022, Code du
  travail L6316-1; the rulebook parameter ``qualiopi_required``): an organism whose
  certification is unknown (``qualiopi=None``) or does not cover the day breaches the rule;
- **the certification is in force**: a training toward an RNCP or RS certification (or CléA)
  names a certification of the matching registry whose registration has not ended; a VAE
  support or any other offer that names a certification must name one in force;
- **the action type is eligible that day** (the rulebook parameter ``eligible_action_types``:
  business creation, for instance, left the list on 16 February 2025).

The day is the session's first day: an offer is eligible for a session when it meets every rule
on the day the session starts. A session without dates (the open-data export gives none) cannot
be checked and gets a violation of its own.

Other provider conditions of section 7.1 (an activity declaration number, the certifier's
authorisation, a filed annual report) are not data the catalogue carries, so they are not
checked here.

>>> from datetime import date
>>> from formation import (Certification, Euros, Modality, Offer, Organism,
...                        QualiopiCertification, Registry)
>>> organism = Organism("78959578200051", "FORMALTIC",
...                     qualiopi=QualiopiCertification(date(2022, 1, 1), date(2027, 12, 31)))
>>> tosa = Certification(Registry.RS, "6204", "Tosa Photoshop", None, date(2026, 12, 31))
>>> offer = Offer("78959578200051_M-FOR1512", organism, "PhotoShop sur mesure", tosa,
...               ("46006",), Euros.whole(2330), 21, Modality.IN_PERSON, ActionType.RS)
>>> eligibility_violations(offer, date(2026, 6, 1))
()
>>> [v.code for v in eligibility_violations(offer, date(2027, 3, 1))]
['eligibility.certification_expired']
"""

from __future__ import annotations

import functools
from datetime import date

from formation.calendar.instants import check_date
from formation.catalog.offers import Offer, Organism, Registry, Session
from formation.checks import check_instance, shown
from formation.errors import InvalidValue, Violation
from formation.rules.actions import ActionType
from formation.rules.rulebook import Rulebook, Rules

__all__ = [
    "action_type_violations",
    "certification_violations",
    "eligibility_violations",
    "is_eligible",
    "is_session_eligible",
    "organism_violations",
    "session_eligibility_violations",
]

_REGISTRY_OF: dict[ActionType, Registry] = {
    ActionType.RNCP: Registry.RNCP,
    ActionType.RS: Registry.RS,
    ActionType.CLEA: Registry.RS,  # CléA is registered in the Répertoire spécifique
}


_default_rulebook = functools.cache(Rulebook.default)


def _rules(on: date, rulebook: Rulebook | None) -> Rules:
    check_date(on, "on")
    if rulebook is None:
        return _default_rulebook().at(on)
    return check_instance(rulebook, Rulebook, "rulebook").at(on)


def _organism_violations(organism: Organism, on: date, rules: Rules, subject: str) -> list[Violation]:
    if not rules.qualiopi_required:
        return []
    if organism.qualiopi is None:
        return [Violation(
            "eligibility.qualiopi_missing",
            f"organism {organism.name} (SIRET {organism.siret}) has no known Qualiopi "
            f"certification, required on {on} (Code du travail L6316-1)",
            subject,
        )]
    if not organism.qualiopi.covers(on):
        q = organism.qualiopi
        return [Violation(
            "eligibility.qualiopi_not_valid",
            f"the Qualiopi certification of {organism.name} (SIRET {organism.siret}) runs from "
            f"{q.valid_from} to {q.valid_until}, not on {on} (Code du travail L6316-1)",
            subject,
        )]
    return []


def _certification_violations(offer: Offer, on: date) -> list[Violation]:
    found: list[Violation] = []
    certification = offer.certification
    registry = _REGISTRY_OF.get(offer.action_type)
    if registry is not None and certification is None:
        found.append(Violation(
            "eligibility.certification_missing",
            f"a {offer.action_type.label_en} training must lead to a {registry.value} "
            "certification, and this offer names none (L6323-6)",
            offer.offer_id,
        ))
    if certification is None:
        return found
    if registry is not None and certification.registry is not registry:
        found.append(Violation(
            "eligibility.certification_registry",
            f"a {offer.action_type.label_en} training must lead to a {registry.value} "
            f"certification, not {certification.key} (L6323-6)",
            offer.offer_id,
        ))
    if not certification.in_force(on):
        found.append(Violation(
            "eligibility.certification_expired",
            f"the registration of {certification.key} ({certification.title}) ended on "
            f"{certification.registered_until}, before {on} (L6323-6: the certification must "
            "be in force)",
            offer.offer_id,
        ))
    return found


def _action_type_violations(offer: Offer, on: date, rules: Rules) -> list[Violation]:
    if offer.action_type in rules.eligible_action_types:
        return []
    return [Violation(
        "eligibility.action_type",
        f"{offer.action_type.label_en} is not an action CPF rights may fund on {on} (L6323-6)",
        offer.offer_id,
    )]


def organism_violations(
    organism: Organism, on: date, rulebook: Rulebook | None = None
) -> tuple[Violation, ...]:
    """Whether ``organism`` may sell CPF-funded trainings on ``on``: Qualiopi-certified that day.

    The requirement applies from the day the rulebook parameter ``qualiopi_required`` says
    (1 January 2022, Code du travail L6316-1); an unknown certification breaches it.
    """
    if not isinstance(organism, Organism):
        raise InvalidValue(f"organism must be an Organism, got {shown(organism)}")
    return tuple(_organism_violations(organism, on, _rules(on, rulebook), organism.siret))


def certification_violations(
    offer: Offer, on: date, rulebook: Rulebook | None = None
) -> tuple[Violation, ...]:
    """Whether ``offer`` leads to a certification in force on ``on``, of the right registry.

    An RNCP training names an RNCP certification; an RS or CléA training an RS one. Whatever
    the action, a named certification must be in force (its registration not ended). Source:
    L6323-6 and ``cpf-rules.md`` 7.1. ``rulebook`` is accepted for a uniform signature.
    """
    if not isinstance(offer, Offer):
        raise InvalidValue(f"offer must be an Offer, got {shown(offer)}")
    _rules(on, rulebook)
    return tuple(_certification_violations(offer, on))


def action_type_violations(
    offer: Offer, on: date, rulebook: Rulebook | None = None
) -> tuple[Violation, ...]:
    """Whether the kind of ``offer`` is in the rulebook's ``eligible_action_types`` on ``on``."""
    if not isinstance(offer, Offer):
        raise InvalidValue(f"offer must be an Offer, got {shown(offer)}")
    return tuple(_action_type_violations(offer, on, _rules(on, rulebook)))


def eligibility_violations(
    offer: Offer, on: date, rulebook: Rulebook | None = None
) -> tuple[Violation, ...]:
    """Every CPF eligibility rule ``offer`` breaches on ``on``; empty when it is eligible.

    The rules, in this order: the organism's Qualiopi certification, the certification in
    force (and of the right registry), the action type eligible that day. Their parameters come
    from ``rulebook`` (default :meth:`Rulebook.default`), and may be overridden there.
    """
    if not isinstance(offer, Offer):
        raise InvalidValue(f"offer must be an Offer, got {shown(offer)}")
    rules = _rules(on, rulebook)
    return tuple(
        _organism_violations(offer.organism, on, rules, offer.offer_id)
        + _certification_violations(offer, on)
        + _action_type_violations(offer, on, rules)
    )


def session_eligibility_violations(
    offer: Offer, session: Session, rulebook: Rulebook | None = None
) -> tuple[Violation, ...]:
    """The eligibility violations of ``offer`` on the day ``session`` starts.

    A session without dates cannot be checked: it gets the single violation
    ``eligibility.session_undated``.

    Raises:
        InvalidValue: ``session`` runs another offer.
    """
    if not isinstance(session, Session):
        raise InvalidValue(f"session must be a Session, got {shown(session)}")
    if not isinstance(offer, Offer):
        raise InvalidValue(f"offer must be an Offer, got {shown(offer)}")
    if session.offer_id != offer.offer_id:
        raise InvalidValue(
            f"session {shown(session.session_id)} runs offer {shown(session.offer_id)}, "
            f"not {shown(offer.offer_id)}"
        )
    if session.start is None:
        return (Violation(
            "eligibility.session_undated",
            f"session {shown(session.session_id)} has no dates, so its eligibility cannot be checked",
            session.session_id,
        ),)
    return eligibility_violations(offer, session.start, rulebook)


def is_eligible(offer: Offer, on: date, rulebook: Rulebook | None = None) -> bool:
    """Whether ``offer`` breaches no eligibility rule on ``on``.

    The same answer as ``not eligibility_violations(offer, on, rulebook)``, without building the
    violations: fit for filtering a large catalogue.
    """
    if not isinstance(offer, Offer):
        raise InvalidValue(f"offer must be an Offer, got {shown(offer)}")
    rules = _rules(on, rulebook)
    if rules.qualiopi_required:
        qualiopi = offer.organism.qualiopi
        if qualiopi is None or not qualiopi.valid_from <= on <= qualiopi.valid_until:
            return False
    if offer.action_type not in rules.eligible_action_types:
        return False
    certification = offer.certification
    registry = _REGISTRY_OF.get(offer.action_type)
    if certification is None:
        return registry is None
    if registry is not None and certification.registry is not registry:
        return False
    return certification.registered_until is None or on <= certification.registered_until


def is_session_eligible(offer: Offer, session: Session, rulebook: Rulebook | None = None) -> bool:
    """Whether ``offer`` is eligible on the day ``session`` starts (never for an undated one).

    Raises:
        InvalidValue: ``session`` runs another offer.
    """
    if not isinstance(session, Session):
        raise InvalidValue(f"session must be a Session, got {shown(session)}")
    if not isinstance(offer, Offer) or session.offer_id != offer.offer_id:
        raise InvalidValue(
            f"session {shown(session.session_id)} runs offer {shown(session.offer_id)}, not {shown(offer)}"
        )
    return session.start is not None and is_eligible(offer, session.start, rulebook)
