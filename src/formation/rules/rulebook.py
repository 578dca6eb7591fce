"""The rulebook: every legal parameter of the CPF as dated data, with its source.

A CPF rule is rarely a constant: the flat participation was 0 € before 2 May 2024, 100 € then,
102,23 € in 2025 and 103,20 € in 2026; the withdrawal period depends on the version of the
platform's terms. So the library never writes a legal number inside a function. Each parameter
is a timeline of :class:`ParameterValue` (a value, the day it takes effect, its source and how
sure we are of it: confirmed, plausible or unverified, the marks of ``cpf-rules.md``), and a
:class:`Rulebook` answers "what was in force that day" with :meth:`Rulebook.at`, a typed
:class:`Rules` record.

Parameters marked plausible (P) or unverified (U) are there precisely so that an app, a test or
a notebook can override them: :meth:`Rulebook.with_change` returns a new rulebook (the default
is never mutated) in which the given parameters take new values from a given day on.

>>> from datetime import date
>>> book = Rulebook.default()
>>> str(book.at(date(2025, 6, 1)).flat_participation)
'102,23 €'
>>> what_if = book.with_change(effective=date(2027, 1, 1), flat_participation=Euros.whole(150))
>>> str(what_if.at(date(2027, 3, 1)).flat_participation), str(book.at(date(2027, 3, 1)).flat_participation)
('150,00 €', '103,20 €')
"""

from __future__ import annotations

import enum
import itertools
import types
import typing
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import attrs

from formation.checks import check_date, check_iterable, shown
from formation.errors import InvalidValue
from formation.money import Euros
from formation.rules.actions import ActionType
from formation.rules.funders import Funder

__all__ = [
    "Confidence",
    "ORIGIN",
    "PARAMETER_NAMES",
    "ParameterValue",
    "Rulebook",
    "Rules",
    "check_date",
]

ORIGIN = date(1900, 1, 1)
"""The first day a rulebook answers for; every parameter has a value from this day on."""


@enum.unique
class Confidence(enum.Enum):
    """How sure ``cpf-rules.md`` is of a value."""

    CONFIRMED = "C"  # an official source, or several independent ones that agree
    PLAUSIBLE = "P"  # a single secondary source, or an inference: overridable
    UNVERIFIED = "U"  # unclear, contradicted or not found: overridable, a documented choice


def _param(fr: str, en: str, unit: str = "") -> Any:
    return attrs.field(metadata={"fr": fr, "en": en, "unit": unit})


@attrs.frozen
class Rules:
    """The parameters in force on one day (see :meth:`Rulebook.at`). Fields are typed values.

    ``None`` means the rule did not exist that day (no cap on rights before 26 February 2026,
    no minimum lead time before 10 June 2021). Each field's French and English labels and unit
    are in its attrs metadata; :meth:`Rulebook.parameters_at` gives the sources.
    """

    # -- 1. Accrual --------------------------------------------------------------------
    hours_era_annual_hours: int | None = _param(
        "Heures acquises par an (ère des heures, jusqu'au seuil)",
        "Hours credited a year (hours era, up to the threshold)", "h")
    hours_era_threshold_hours: int | None = _param(
        "Seuil au-delà duquel l'acquisition ralentit (ère des heures)",
        "Balance above which accrual slows down (hours era)", "h")
    hours_era_reduced_annual_hours: int | None = _param(
        "Heures acquises par an au-delà du seuil (ère des heures)",
        "Hours credited a year above the threshold (hours era)", "h")
    hours_era_ceiling_hours: int | None = _param(
        "Plafond du compte (ère des heures)", "Account ceiling (hours era)", "h")
    hours_conversion_on: date | None = _param(
        "Date de conversion des heures en euros", "Day hours were converted to euros")
    hours_conversion_rate: Euros | None = _param(
        "Taux de conversion des heures CPF", "Conversion rate of CPF hours", "€/h")
    reference_hours: int = _param(
        "Durée de référence d'un temps plein", "Full-time reference hours a year", "h")
    full_rights_threshold: Fraction = _param(
        "Part de la durée de référence ouvrant les droits complets",
        "Share of the reference hours that earns the full credit")
    annual_credit: Euros | None = _param(
        "Alimentation annuelle (cas général)", "Annual credit (general case)", "€")
    annual_credit_ceiling: Euros | None = _param(
        "Plafond du compte (cas général)", "Account ceiling (general case)", "€")
    reinforced_annual_credit: Euros | None = _param(
        "Alimentation annuelle renforcée (peu qualifié, BOETH, ESAT)",
        "Reinforced annual credit (low-qualified, disabled, ESAT)", "€")
    reinforced_ceiling: Euros | None = _param(
        "Plafond renforcé (peu qualifié, BOETH, ESAT)",
        "Reinforced ceiling (low-qualified, disabled, ESAT)", "€")
    reinforced_prorated_below_threshold: bool = _param(
        "Sous le seuil, l'alimentation renforcée est proratisée (sinon cas général proratisé)",
        "Below the threshold, the reinforced credit is prorated (else the general one is)")
    annual_credit_posted_on: tuple[int, int] = _param(
        "Mois et jour de l'année N+1 où les droits de l'année N sont crédités",
        "Month and day of year N+1 when year N's rights are credited")
    # -- 2. DIF ------------------------------------------------------------------------
    dif_hourly_rate: Euros = _param(
        "Valeur d'une heure de DIF", "Value of one DIF hour", "€/h")
    dif_max_hours: int = _param("Heures de DIF au plus", "Most DIF hours", "h")
    dif_use_by: date | None = _param(
        "Date limite d'utilisation du DIF (loi de 2014)", "DIF use-by date (2014 law)")
    dif_registration_deadline: date | None = _param(
        "Date limite de saisie du DIF", "DIF registration deadline")
    dif_counts_toward_ceiling: bool = _param(
        "Le DIF compte dans le plafond", "DIF counts toward the ceiling")
    dif_hours_rounded_up: bool = _param(
        "Heures de DIF arrondies à l'heure supérieure", "DIF hours rounded up to a whole hour")
    # -- 3. Top-ups --------------------------------------------------------------------
    corrective_top_up: Euros | None = _param(
        "Abondement correctif (entreprises d'au moins 50 salariés)",
        "Corrective top-up (companies of 50 or more)", "€")
    corrective_top_up_min_employees: int = _param(
        "Effectif à partir duquel l'abondement correctif est dû",
        "Headcount from which the corrective top-up is due", "salariés")
    top_up_priority: tuple[Funder, ...] = _param(
        "Ordre d'utilisation des abondements", "Order in which top-ups are used")
    top_up_earmarking_allowed: bool = _param(
        "Abondements fléchés vers des formations choisies", "Top-ups may be earmarked")
    # -- 4. Flat participation and caps ------------------------------------------------
    flat_participation: Euros = _param(
        "Participation forfaitaire obligatoire", "Compulsory flat participation", "€")
    flat_participation_exempting_funders: frozenset[Funder] = _param(
        "Financeurs dont l'abondement exonère de la participation",
        "Funders whose top-up exempts from the participation")
    flat_participation_job_seeker_exempt: bool = _param(
        "Demandeurs d'emploi exonérés de la participation",
        "Job seekers exempt from the participation")
    at_mp_min_incapacity_percent: int = _param(
        "Taux d'incapacité minimal pour l'abondement AT/MP exonérant",
        "Minimum incapacity for the exempting AT/MP top-up", "%")
    rights_cap_rs: Euros | None = _param(
        "Plafond de droits mobilisables, Répertoire spécifique (hors CléA)",
        "Cap on rights used, Répertoire spécifique (except CléA)", "€")
    rights_cap_skills_assessment: Euros | None = _param(
        "Plafond de droits mobilisables, bilan de compétences",
        "Cap on rights used, skills assessment", "€")
    rights_cap_light_driving_licence: Euros | None = _param(
        "Plafond de droits mobilisables, permis véhicule léger",
        "Cap on rights used, light-vehicle driving licence", "€")
    light_driving_licence_min_cofunding: Euros | None = _param(
        "Cofinancement tiers minimal du permis léger (hors demandeur d'emploi)",
        "Minimum third-party co-funding of a light-vehicle licence (not a job seeker)", "€")
    eligible_action_types: frozenset[ActionType] = _param(
        "Actions éligibles au CPF", "Action types eligible for CPF")
    qualiopi_required: bool = _param(
        "Certification Qualiopi exigée de l'organisme", "Organism must be Qualiopi-certified")
    # -- 5. Registration life cycle -----------------------------------------------------
    terms_version: str | None = _param(
        "Version des conditions d'utilisation de Mon Compte Formation",
        "Version of the Mon Compte Formation terms")
    max_pending_requests: int = _param(
        "Demandes simultanées au plus pour une même action",
        "Most pending requests for one training action")
    organism_answer_business_days: int = _param(
        "Délai de réponse de l'organisme", "Organism's answer period", "jours ouvrés")
    holder_acceptance_business_days: int = _param(
        "Délai d'acceptation de la proposition par le titulaire",
        "Holder's acceptance period", "jours ouvrés")
    minimum_lead_business_days: int | None = _param(
        "Délai minimal entre la proposition et l'entrée en formation",
        "Minimum lead time between proposal and start", "jours ouvrés")
    withdrawal_business_days: int = _param(
        "Délai de rétractation du titulaire", "Holder's withdrawal period", "jours ouvrés")
    free_cancellation_business_days: int = _param(
        "Annulation sans frais jusqu'à ce délai avant l'entrée",
        "Free cancellation until this long before the start", "jours ouvrés")
    late_cancellation_debit_rate: Fraction = _param(
        "Part du prix débitée en cas d'annulation tardive",
        "Share of the price debited on a late cancellation")
    no_show_debit_rate: Fraction = _param(
        "Part du prix débitée en cas d'absence injustifiée",
        "Share of the price debited on a no-show")
    holder_fault_uncompleted_charge_rate: Fraction = _param(
        "Part de la partie non réalisée restant due quand le titulaire est en cause",
        "Share of the uncompleted part still charged when the holder is at fault")
    flat_participation_kept_when_charged: bool = _param(
        "Participation forfaitaire conservée dès qu'une part du prix reste due",
        "Flat participation kept whenever part of the price is charged")
    entry_declaration_business_days: int = _param(
        "Délai de déclaration d'entrée", "Entry declaration period", "jours ouvrés")
    exit_declaration_business_days: int = _param(
        "Délai de déclaration de sortie", "Exit declaration period", "jours ouvrés")
    service_done_validation_business_days: int = _param(
        "Validation automatique du service fait après",
        "Service done validated automatically after", "jours ouvrés")
    service_done_correction_days: int | None = _param(
        "Délai de correction du service fait", "Period to correct the service done", "jours")
    payment_calendar_days: int = _param(
        "Délai de paiement de l'organisme", "Organism paid within", "jours calendaires")
    refund_calendar_days: int = _param(
        "Délai de remboursement du titulaire", "Holder refunded within", "jours calendaires")
    prerequisite_ack_business_days: int = _param(
        "Accusé de réception d'une demande avec prérequis",
        "Acknowledgement of a request with prerequisites", "jours ouvrés")
    prerequisite_decision_days: int = _param(
        "Décision sur les prérequis", "Decision on prerequisites", "jours")
    prerequisite_decision_day_kind: str = _param(
        "Nature des jours du délai de prérequis (calendar ou business)",
        "Kind of days of the prerequisite period (calendar or business)")
    deposit_min_session_months: int = _param(
        "Durée de session au-delà de laquelle un acompte est versé",
        "Session length above which a deposit is paid", "mois")
    # -- 6. Employer consent -----------------------------------------------------------
    consent_notice_days: int = _param(
        "Demande d'absence à l'employeur, au moins avant l'entrée",
        "Leave request to the employer, at least before the start", "jours calendaires")
    consent_notice_days_long: int = _param(
        "Idem pour une formation de 6 mois ou plus",
        "Same for a training of 6 months or more", "jours calendaires")
    consent_long_training_months: int = _param(
        "Durée d'une formation longue", "Length of a long training", "mois")
    employer_answer_days: int = _param(
        "Délai de réponse de l'employeur (silence vaut accord)",
        "Employer's answer period (silence means yes)", "jours calendaires")


_FIELDS: tuple[attrs.Attribute[Any], ...] = attrs.fields(attrs.resolve_types(Rules))
_FIELD_BY_NAME: dict[str, attrs.Attribute[Any]] = {f.name: f for f in _FIELDS}
PARAMETER_NAMES: tuple[str, ...] = tuple(f.name for f in _FIELDS)


def _conforms(value: object, expected: Any) -> bool:
    """Whether ``value`` matches the annotation ``expected`` (the small subset Rules uses)."""
    origin = typing.get_origin(expected)
    if origin is typing.Union or origin is types.UnionType:
        return any(_conforms(value, arm) for arm in typing.get_args(expected))
    if expected is type(None):
        return value is None
    if origin in (frozenset, tuple):
        if not isinstance(value, origin):
            return False
        args = typing.get_args(expected)
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return all(_conforms(item, args[0]) for item in value)
        if origin is tuple:
            return len(value) == len(args) and all(
                _conforms(item, arg) for item, arg in zip(value, args, strict=True)
            )
        return all(_conforms(item, args[0]) for item in value)
    if expected in (int, Fraction):
        return type(value) is expected
    return isinstance(value, expected) and not (expected is date and isinstance(value, datetime))


def _render_type(expected: Any) -> str:
    return str(expected).replace("fractions.", "").replace("formation.money.", "")


@attrs.frozen
class ParameterValue:
    """One value of one parameter, in force from ``since`` until the next value of the same name.

    Attributes:
        name: the parameter, a field name of :class:`Rules`.
        value: the value, of the field's type.
        since: the first day it is in force.
        source: where it comes from (legal text, official page, or why it was chosen).
        confidence: the mark of ``cpf-rules.md``.
        until: the last day it is in force, ``None`` when still in force (filled by the rulebook).
    """

    name: str
    value: object
    since: date
    source: str
    confidence: Confidence = Confidence.CONFIRMED
    until: date | None = None

    def __attrs_post_init__(self) -> None:
        field = _FIELD_BY_NAME.get(self.name) if isinstance(self.name, str) else None
        if field is None:
            raise InvalidValue(
                f"unknown rulebook parameter {shown(self.name)}; known parameters: "
                + ", ".join(PARAMETER_NAMES)
            )
        check_date(self.since, "since")
        if not _conforms(self.value, field.type):
            raise InvalidValue(
                f"parameter {shown(self.name)} takes a value of type {_render_type(field.type)}, "
                f"got {type(self.value).__name__} {shown(self.value)}"
            )
        if not isinstance(self.source, str) or not self.source.strip():
            raise InvalidValue(f"parameter {shown(self.name)} needs a source, got {shown(self.source)}")
        if not isinstance(self.confidence, Confidence):
            raise InvalidValue(f"confidence must be a Confidence, got {shown(self.confidence)}")

    @property
    def label_fr(self) -> str:
        """The parameter's French label."""
        return str(_FIELD_BY_NAME[self.name].metadata["fr"])

    @property
    def label_en(self) -> str:
        """The parameter's English label."""
        return str(_FIELD_BY_NAME[self.name].metadata["en"])

    @property
    def unit(self) -> str:
        """The unit of the value (``€``, ``jours ouvrés``…), or ``""``."""
        return str(_FIELD_BY_NAME[self.name].metadata["unit"])


def _timelines(values: Iterable[ParameterValue]) -> dict[str, tuple[ParameterValue, ...]]:
    by_name: dict[str, list[ParameterValue]] = {name: [] for name in PARAMETER_NAMES}
    for value in check_iterable(values, "values", ParameterValue):
        if not isinstance(value, ParameterValue):
            raise InvalidValue(f"a rulebook holds ParameterValue records, got {shown(value)}")
        by_name[value.name].append(value)
    timelines: dict[str, tuple[ParameterValue, ...]] = {}
    for name, found in by_name.items():
        found.sort(key=lambda v: v.since)
        if not found:
            raise InvalidValue(f"the rulebook has no value for parameter {shown(name)}")
        if found[0].since != ORIGIN:
            first = found[0]
            if not _conforms(None, _FIELD_BY_NAME[name].type):
                raise InvalidValue(
                    f"parameter {shown(name)} starts on {first.since}, but it has no 'not in force' "
                    f"value and needs a value from {ORIGIN}"
                )
            found.insert(0, ParameterValue(
                name, None, ORIGIN, f"no such rule before {first.since} ({first.source})",
                first.confidence,
            ))
        for before, after in itertools.pairwise(found):
            if before.since == after.since:
                raise InvalidValue(f"parameter {shown(name)} has two values from {after.since}")
        timelines[name] = tuple(
            attrs.evolve(v, until=(nxt.since.fromordinal(nxt.since.toordinal() - 1)))
            if nxt is not None else attrs.evolve(v, until=None)
            for v, nxt in zip(found, [*found[1:], None], strict=True)
        )
    return timelines


@attrs.frozen
class Rulebook:
    """Every legal parameter as a timeline of dated values (see the module docstring).

    Build it with :meth:`default` (the rules of ``cpf-rules.md``) or from your own
    :class:`ParameterValue` records; derive what-if rulebooks with :meth:`with_change`.
    """

    _timelines: Mapping[str, tuple[ParameterValue, ...]] = attrs.field(
        converter=_timelines, alias="values"
    )
    _starts: tuple[int, ...] = attrs.field(init=False, eq=False, repr=False)
    _segments: tuple[Rules, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        starts = sorted({v.since.toordinal() for tl in self._timelines.values() for v in tl})
        segments = []
        for start in starts:
            day = date.fromordinal(start)
            values: dict[str, Any] = {
                name: self._value_on(timeline, day) for name, timeline in self._timelines.items()
            }
            segments.append(Rules(**values))
        object.__setattr__(self, "_starts", tuple(starts))
        object.__setattr__(self, "_segments", tuple(segments))

    @staticmethod
    def _value_on(timeline: tuple[ParameterValue, ...], day: date) -> object:
        value = timeline[0]
        for candidate in timeline:
            if candidate.since <= day:
                value = candidate
        return value.value

    @classmethod
    def default(cls) -> Rulebook:
        """The rules of ``cpf-rules.md`` (sections 1 to 6), each with its source."""
        from formation.rules.defaults import DEFAULT_RULEBOOK

        return DEFAULT_RULEBOOK

    def at(self, day: date) -> Rules:
        """The parameters in force on ``day`` (a value that starts that day is in force)."""
        check_date(day)
        if day < ORIGIN:
            raise InvalidValue(f"the rulebook answers from {ORIGIN} on, got {day}")
        return self._segments[bisect_right(self._starts, day.toordinal()) - 1]

    def parameters_at(self, day: date) -> tuple[ParameterValue, ...]:
        """Each parameter's value in force on ``day``, with its dates and source."""
        check_date(day)
        if day < ORIGIN:
            raise InvalidValue(f"the rulebook answers from {ORIGIN} on, got {day}")
        found = []
        for timeline in self._timelines.values():
            current = timeline[0]
            for candidate in timeline:
                if candidate.since <= day:
                    current = candidate
            found.append(current)
        return tuple(found)

    def history(self, name: str) -> tuple[ParameterValue, ...]:
        """Every value parameter ``name`` has had, oldest first."""
        if not isinstance(name, str) or name not in self._timelines:
            raise InvalidValue(
                f"unknown rulebook parameter {shown(name)}; known parameters: "
                + ", ".join(PARAMETER_NAMES)
            )
        return self._timelines[name]

    @property
    def values(self) -> tuple[ParameterValue, ...]:
        """All the dated values, parameter by parameter."""
        return tuple(v for tl in self._timelines.values() for v in tl)

    def with_change(
        self,
        *,
        effective: date,
        source: str = "what-if change",
        confidence: Confidence = Confidence.UNVERIFIED,
        **parameters: object,
    ) -> Rulebook:
        """A new rulebook where each named parameter takes its new value from ``effective`` on.

        The new value replaces every value of that parameter from ``effective`` on, later
        scheduled changes included; the days before keep their history. ``self`` is unchanged.

        Raises:
            InvalidValue: an unknown parameter name, or a value of the wrong type.
        """
        check_date(effective, "effective")
        if not parameters:
            raise InvalidValue("with_change needs at least one parameter=value")
        unknown = sorted(set(parameters) - set(self._timelines))
        if unknown:
            raise InvalidValue(
                f"unknown rulebook parameter(s) {', '.join(map(repr, unknown))}; known "
                "parameters: " + ", ".join(PARAMETER_NAMES)
            )
        changed = [
            ParameterValue(name, value, effective, source, confidence)
            for name, value in parameters.items()
        ]
        kept = [
            attrs.evolve(v, until=None)
            for v in self.values
            if v.name not in parameters or v.since < effective
        ]
        return Rulebook(values=kept + changed)
