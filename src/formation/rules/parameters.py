"""The value types of the rulebook: the :class:`Rules` in force on a day, one dated
:class:`ParameterValue` of one parameter, and how sure ``cpf-rules.md`` is of it.

They sit below the rulebook and its defaults (:mod:`formation.rules.rulebook`,
:mod:`formation.rules.defaults`), which both build on them. Each field of :class:`Rules` is one
legal parameter, with its French and English labels and its unit in the field's metadata.
"""

from __future__ import annotations

import enum
import types
import typing
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import attrs

from formation.calendar.instants import check_date
from formation.checks import shown
from formation.errors import InvalidValue
from formation.money import Euros
from formation.rules.actions import ActionType
from formation.rules.funders import Funder, FundingSource

__all__ = [
    "Confidence",
    "ORIGIN",
    "PARAMETER_NAMES",
    "ParameterDifference",
    "ParameterValue",
    "Rules",
    "accepts_none",
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


# The hash is kept: the funding plan caches what it reads from a day's rules by this record.
@attrs.frozen(cache_hash=True)
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
    hours_era_hours_rounded_up: bool | None = _param(
        "Heures proratisées arrondies à l'heure supérieure (ère des heures)",
        "Prorated hours rounded up to a whole hour (hours era)")
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
        "Sous le seuil, l'alimentation renforcée d'un BOETH est proratisée (sinon le cas général)",
        "Below the threshold, a disabled worker's reinforced credit is prorated (else the "
        "general one is)")
    low_qualified_reinforced_below_threshold: bool = _param(
        "Sous le seuil, l'alimentation renforcée d'un peu qualifié est proratisée (sinon le cas "
        "général)",
        "Below the threshold, a low-qualified worker's reinforced credit is prorated (else the "
        "general one is)")
    self_employed_annual_credit: Euros | None = _param(
        "Alimentation annuelle d'un travailleur indépendant", "Annual credit (self-employed)", "€")
    self_employed_ceiling: Euros | None = _param(
        "Plafond du compte d'un travailleur indépendant", "Account ceiling (self-employed)", "€")
    self_employed_prorated_by_month: bool = _param(
        "Alimentation d'un indépendant proratisée par mois d'activité",
        "A self-employed year is prorated by months of activity")
    self_employed_needs_contribution: bool = _param(
        "Droits d'un indépendant crédités seulement si la contribution (CFP) est acquittée",
        "A self-employed year earns rights only when the training contribution (CFP) was paid")
    public_service_annual_hours: int | None = _param(
        "Heures acquises par an (agent public)", "Hours credited a year (public servant)", "h")
    public_service_ceiling_hours: int | None = _param(
        "Plafond du compte (agent public)", "Account ceiling (public servant)", "h")
    public_service_low_qualified_annual_hours: int | None = _param(
        "Heures acquises par an (agent de catégorie C sans diplôme de niveau 3)",
        "Hours credited a year (category C servant without a level-3 diploma)", "h")
    public_service_low_qualified_ceiling_hours: int | None = _param(
        "Plafond du compte (agent de catégorie C sans diplôme de niveau 3)",
        "Account ceiling (category C servant without a level-3 diploma)", "h")
    public_service_unfitness_extra_hours: int | None = _param(
        "Heures supplémentaires au plus pour prévenir l'inaptitude (agent public)",
        "Most extra hours for a project preventing unfitness for work (public servant)", "h")
    public_service_employer_agreement_required: bool = _param(
        "Accord de l'employeur public toujours requis",
        "A public servant always needs the employer's agreement")
    cec_annual_credit: Euros | None = _param(
        "Alimentation annuelle du compte d'engagement citoyen (CEC)",
        "Annual credit of the civic engagement account (CEC)", "€")
    cec_ceiling: Euros | None = _param(
        "Plafond du compte d'engagement citoyen", "Ceiling of the civic engagement account", "€")
    cpf_usable_after_retirement: bool = _param(
        "Droits CPF utilisables après la retraite", "CPF rights stay usable after retirement")
    cec_usable_after_retirement: bool = _param(
        "Droits CEC utilisables après la retraite (seuls droits encore mobilisables)",
        "CEC rights stay usable after retirement (the only rights still usable)")
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
    order_of_use: tuple[FundingSource, ...] = _param(
        "Ordre de mobilisation des ressources du compte",
        "Order in which the account's resources are used")
    dotation_priority: tuple[Funder, ...] | None = _param(
        "Ordre d'utilisation des dotations", "Order in which dotations are used")
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
    proposal_price_tolerance: Fraction = _param(
        "Dépassement admis du prix affiché dans la proposition de l'organisme",
        "Share by which an organism's proposal may exceed the listed price")
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
    free_cancellation_more_than: bool = _param(
        "Annulation sans frais seulement s'il reste plus de (et non au moins) ce délai",
        "Free cancellation only while more than (not at least) that many days remain")
    late_cancellation_debit_rate: Fraction = _param(
        "Part du prix débitée en cas d'annulation tardive",
        "Share of the price debited on a late cancellation")
    no_show_debit_rate: Fraction = _param(
        "Part du prix débitée en cas d'absence injustifiée",
        "Share of the price debited on a no-show")
    holder_fault_uncompleted_charge_rate: Fraction = _param(
        "Part de la partie non réalisée restant due quand le titulaire est en cause",
        "Share of the uncompleted part still charged when the holder is at fault")
    card_payment_kept_as_credit: bool = _param(
        "Paiement par carte conservé en avoir (annulation tardive, absence injustifiée)",
        "Card payment kept as a credit for a later booking (late cancellation, no-show)")
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


def accepts_none(name: str) -> bool:
    """Whether parameter ``name`` may be ``None`` ("not in force"); ``name`` must be known."""
    return _conforms(None, _FIELD_BY_NAME[name].type)


@attrs.frozen
class ParameterDifference:
    """A parameter whose value differs between two rulebooks on one day (:meth:`Rulebook.diff`).

    Attributes:
        name: the parameter, a field name of :class:`Rules`.
        on: the day compared.
        before: its value in force that day in the rulebook ``diff`` was called on.
        after: its value in force that day in the other rulebook.
    """

    name: str
    on: date
    before: ParameterValue
    after: ParameterValue

    @property
    def label_fr(self) -> str:
        """The parameter's French label."""
        return self.before.label_fr

    @property
    def label_en(self) -> str:
        """The parameter's English label."""
        return self.before.label_en
