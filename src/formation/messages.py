"""The catalogue of messages an app can show: one entry per error code, in English and French.

Every :class:`formation.errors.FormationError` carries a stable dotted ``code``
(``money.negative``, ``booking.session_full``) and the parameters of its message (the field, the
value already shortened for display, the bounds). :func:`render` looks the code up here and fills
its English or French template; the English one is also ``str(error)`` (for logs), the French one
is what the product shows (``error.message("fr")``). A code without an entry, or an entry whose
parameters the raise site did not give, falls back to the family's own sentence
(:data:`FAMILY_MESSAGES`), so every error has a French message.

Codes are a contract: an app may branch on them and translate them itself. A code is added here,
never renamed; ``tests/test_errors.py`` checks that every entry has both languages and the same
placeholders in each.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

__all__ = ["FAMILY_MESSAGES", "LANGUAGES", "MESSAGES", "placeholders", "render"]

LANGUAGES = ("fr", "en")
"""The languages of the catalogue; French first, the product's language."""

# code -> (English, French); placeholders in braces are filled from the error's parameters
MESSAGES: Mapping[str, tuple[str, str]] = {
    # -- the families (the default code of each error class) -----------------------------
    "value.invalid": (
        "a value is not accepted",
        "une valeur fournie n'est pas acceptée"),
    "state.transition_refused": (
        "this change is not allowed in the current state",
        "ce changement n'est pas possible dans l'état actuel"),
    "rule.violated": (
        "a rule of the CPF is not met",
        "une règle du CPF n'est pas respectée"),
    "rule.violations": (
        "several rules of the CPF are not met",
        "plusieurs règles du CPF ne sont pas respectées"),
    "credit.insufficient": (
        "the credit available is not enough",
        "le crédit disponible ne suffit pas"),
    "store.conflict": (
        "the record was changed meanwhile; reload it and try again",
        "la fiche a été modifiée entre-temps ; rechargez-la et réessayez"),
    "id.duplicate": (
        "this identifier is already used by another record",
        "cet identifiant est déjà utilisé par une autre fiche"),
    "party.not_authorized": (
        "this party has no right to do this",
        "cette partie n'a pas le droit de faire cette opération"),
    "record.not_found": (
        "the record asked for does not exist",
        "la fiche demandée n'existe pas"),
    "store.unavailable": (
        "the store cannot be read or written",
        "le stockage ne peut être ni lu ni écrit"),
    # -- values of any kind (formation.checks) -------------------------------------------
    "value.wrong_type": (
        "{field} must be {accepted}, got {value}",
        "« {field} » doit être {accepted_fr} ; reçu : {value}"),
    "value.not_finite": (
        "{field} must be a finite number, got {value}",
        "« {field} » doit être un nombre fini ; reçu : {value}"),
    "value.out_of_range": (
        "{field} must be from {minimum} to {maximum}, got {value}",
        "« {field} » doit être compris entre {minimum} et {maximum} ; reçu : {value}"),
    "value.too_small": (
        "{field} must be at least {minimum}, got {value}",
        "« {field} » doit valoir au moins {minimum} ; reçu : {value}"),
    "value.too_large": (
        "{field} must be at most {maximum}, got {value}",
        "« {field} » doit valoir au plus {maximum} ; reçu : {value}"),
    "text.empty": (
        "{field} must be a non-empty string, got {value}",
        "« {field} » doit être un texte non vide ; reçu : {value}"),
    "text.too_long": (
        "{field} must have at most {maximum} characters, got {length}",
        "« {field} » doit compter au plus {maximum} caractères ; reçu : {length}"),
    "text.control_character": (
        "{field} must not contain control characters such as NUL, got {value}",
        "« {field} » ne doit pas contenir de caractère de contrôle (NUL…) ; reçu : {value}"),
    "text.pattern": (
        "{field} must be {accepted}, got {value}",
        "« {field} » doit être {accepted_fr} ; reçu : {value}"),
    "collection.wrong_type": (
        "{field} must be {accepted}, got {value}",
        "« {field} » doit être {accepted_fr} ; reçu : {value}"),
    "collection.duplicate": (
        "{field} must not repeat {value}",
        "« {field} » ne doit pas contenir deux fois {value}"),
    "enum.unknown": (
        "{field} must be one of {accepted}, got {value}",
        "« {field} » doit être l'une des valeurs {accepted} ; reçu : {value}"),
    "id.wrong_type": (
        "{field} must be an identifier (a non-empty str), got {value}",
        "« {field} » doit être un identifiant (un texte non vide) ; reçu : {value}"),
    "id.empty": (
        "{field} must be a non-empty identifier, got {value}",
        "« {field} » doit être un identifiant non vide ; reçu : {value}"),
    "id.too_long": (
        "{field} must be an identifier of at most {maximum} characters, got {length}",
        "« {field} » doit être un identifiant d'au plus {maximum} caractères ; reçu : {length}"),
    "id.control_character": (
        "{field} must be an identifier without control characters, got {value}",
        "« {field} » doit être un identifiant sans caractère de contrôle ; reçu : {value}"),
    "int.wrong_type": (
        "{field} must be an int, got {value}",
        "« {field} » doit être un nombre entier ; reçu : {value}"),
    "int.out_of_range": (
        "{field} must be an int from {minimum} to {maximum}, got {value}",
        "« {field} » doit être un entier compris entre {minimum} et {maximum} ; reçu : {value}"),
    "bool.wrong_type": (
        "{field} must be True or False, got {value}",
        "« {field} » doit valoir True ou False ; reçu : {value}"),
    # -- dates and instants --------------------------------------------------------------
    "date.wrong_type": (
        "{field} must be a datetime.date (not a datetime), got {value}",
        "« {field} » doit être une date (datetime.date, sans heure) ; reçu : {value}"),
    "date.out_of_range": (
        "{field} must be a date from {minimum} to {maximum}, got {value}",
        "« {field} » doit être une date comprise entre le {minimum} et le {maximum} ; "
        "reçu : {value}"),
    "date.order": (
        "{field} {value} is before {other} {other_value}",
        "« {field} » ({value}) est antérieur à « {other} » ({other_value})"),
    "instant.wrong_type": (
        "{field} must be a timezone-aware datetime, got {value}",
        "« {field} » doit être un instant (datetime avec fuseau horaire) ; reçu : {value}"),
    "instant.naive": (
        "{field} must be a timezone-aware datetime (with tzinfo), got the naive {value}",
        "« {field} » doit préciser son fuseau horaire ; reçu : {value}"),
    "instant.out_of_range": (
        "{field} must be an instant from {minimum} to {maximum}, got {value}",
        "« {field} » doit être un instant compris entre {minimum} et {maximum} ; reçu : {value}"),
    # -- money ---------------------------------------------------------------------------
    "money.wrong_type": (
        "{field} must be Euros, got {value}",
        "« {field} » doit être un montant en euros (Euros) ; reçu : {value}"),
    "money.negative": (
        "{field} cannot be negative, got {value}",
        "« {field} » ne peut pas être négatif ; reçu : {value}"),
    "money.cents_type": (
        "Euros takes whole cents as an int, got {value}",
        "un montant se donne en centimes entiers (int) ; reçu : {value}"),
    "money.unparsable": (
        "not an amount in euros: {value}; accepted forms are '1234.5', '1234,50' and "
        "'1 234,50 €' (ASCII digits)",
        "{value} n'est pas un montant en euros ; formes acceptées : « 1234.5 », « 1234,50 » et "
        "« 1 234,50 € »"),
    "money.too_many_decimals": (
        "{value} has {decimals} decimals; an amount in euros has at most two (whole cents), "
        "and formation never rounds silently",
        "{value} a {decimals} décimales ; un montant en euros en a au plus deux (centimes "
        "entiers), sans arrondi"),
    "money.too_large": (
        "{field} must be at most {maximum} in absolute value, got {value}",
        "« {field} » doit valoir au plus {maximum} en valeur absolue ; reçu : {value}"),
    "money.weights": (
        "weights must be a non-empty sequence of non-negative ints with one positive, got {value}",
        "les poids doivent être une suite d'entiers positifs ou nuls, dont un non nul ; "
        "reçu : {value}"),
    # -- files read (the open-data import, the codec) ------------------------------------
    "file.undecodable": (
        "{field} is not text in {accepted}: {reason}",
        "« {field} » n'est pas un texte en {accepted} : {reason}"),
    "file.malformed": (
        "{field} cannot be read: {reason}",
        "« {field} » est illisible : {reason}"),
    "file.unreadable": (
        "{field} cannot be read: {reason}",
        "« {field} » ne peut pas être lu : {reason}"),
    "file.too_deep": (
        "{field} nests deeper than {maximum} levels",
        "« {field} » imbrique plus de {maximum} niveaux"),
    "file.cell_too_large": (
        "{field} has a cell over {maximum} characters",
        "« {field} » a une cellule de plus de {maximum} caractères"),
    "number.too_long": (
        "{field} must be a number of at most {maximum} digits, got {length} digits",
        "« {field} » doit être un nombre d'au plus {maximum} chiffres ; reçu : {length} chiffres"),
    # -- command line --------------------------------------------------------------------
    "cli.bad_option": (
        "{field}: {reason}",
        "« {field} » : {reason}"),
    # -- rules (the codes of formation.errors.Violation) ---------------------------------
    "booking.session_full": (
        "the session has no seat left",
        "la session est complète"),
    "booking.already_acknowledged": (
        "the booking was already acknowledged",
        "le dossier a déjà été pris en compte"),
    "booking.already_paid": (
        "the organism was already paid",
        "l'organisme a déjà été payé"),
    "booking.attendance_already_confirmed": (
        "the attendance was already confirmed",
        "l'assiduité a déjà été confirmée"),
    "booking.entry_date": (
        "the entry date is not possible",
        "la date d'entrée en formation n'est pas possible"),
    "booking.exit_date": (
        "the exit date is not possible",
        "la date de sortie de formation n'est pas possible"),
    "booking.holder_acceptance_overdue": (
        "the holder did not accept the proposal in time",
        "le titulaire n'a pas accepté la proposition dans le délai"),
    "booking.minimum_lead_time": (
        "the training starts too soon after the request",
        "la formation commence trop tôt après la demande"),
    "booking.no_prerequisites": (
        "the holder does not meet the prerequisites",
        "le titulaire ne remplit pas les prérequis"),
    "booking.no_show_before_start": (
        "a no-show cannot be declared before the start",
        "une absence ne peut pas être déclarée avant le début de la formation"),
    "booking.not_overdue": (
        "the deadline has not passed yet",
        "le délai n'est pas encore dépassé"),
    "booking.organism_answer_overdue": (
        "the organism did not answer in time",
        "l'organisme n'a pas répondu dans le délai"),
    "booking.too_many_pending_requests": (
        "too many requests are pending for this holder",
        "trop de demandes sont en attente pour ce titulaire"),
    "booking.withdrawal_period_over": (
        "the withdrawal period is over",
        "le délai de rétractation est dépassé"),
    "consent.already_answered": (
        "the employer already answered",
        "l'employeur a déjà répondu"),
    "consent.answer_too_late": (
        "the employer's answer came too late",
        "la réponse de l'employeur est arrivée trop tard"),
    "consent.not_required": (
        "no employer consent is required",
        "l'accord de l'employeur n'est pas nécessaire"),
    "consent.notice_too_short": (
        "the request was sent too late before the start",
        "la demande a été envoyée trop peu de temps avant le début"),
    "dif.before_cpf": (
        "DIF hours predate the CPF",
        "les heures de DIF sont antérieures au CPF"),
    "dif.deadline_passed": (
        "the deadline to enter DIF hours has passed",
        "la date limite d'inscription des heures de DIF est dépassée"),
    "dif.expired": (
        "the DIF hours have expired",
        "les heures de DIF ont expiré"),
    "dif.too_many_hours": (
        "more DIF hours than the law allows",
        "plus d'heures de DIF que la loi ne le permet"),
    "eligibility.action_type": (
        "this kind of training is not eligible to the CPF",
        "ce type d'action n'est pas éligible au CPF"),
    "eligibility.certification_expired": (
        "the certification is no longer registered",
        "la certification n'est plus enregistrée"),
    "eligibility.certification_missing": (
        "the training leads to no certification",
        "la formation ne mène à aucune certification"),
    "eligibility.certification_registry": (
        "the certification is not in a register the CPF funds",
        "la certification n'est pas inscrite à un répertoire financé par le CPF"),
    "eligibility.qualiopi_missing": (
        "the organism has no Qualiopi certification",
        "l'organisme n'est pas certifié Qualiopi"),
    "eligibility.qualiopi_not_valid": (
        "the organism's Qualiopi certification is not valid on that day",
        "la certification Qualiopi de l'organisme n'est pas valide à cette date"),
    "eligibility.session_undated": (
        "the session has no dates",
        "la session n'a pas de dates"),
    "funding.action_not_eligible": (
        "this funder does not fund this kind of training",
        "ce financeur ne finance pas ce type d'action"),
    "funding.driving_licence_cofunding": (
        "the driving licence needs a co-funding",
        "le permis de conduire demande un cofinancement"),
    "funding.earmark_not_in_force": (
        "this earmarked credit is not in force on that day",
        "ce crédit fléché n'est pas en vigueur à cette date"),
    "review.already_reviewed": (
        "the holder already reviewed this training",
        "le titulaire a déjà donné son avis sur cette formation"),
    "review.not_holder": (
        "only the holder who followed the training may review it",
        "seul le titulaire qui a suivi la formation peut donner son avis"),
    "review.not_reviewed": (
        "there is no review to change",
        "il n'y a pas d'avis à modifier"),
    "review.training_not_over": (
        "the training is not over yet",
        "la formation n'est pas encore terminée"),
}

FAMILY_MESSAGES = {
    "InvalidValue": "value.invalid",
    "InvalidType": "value.wrong_type",
    "InvalidTransition": "state.transition_refused",
    "RuleViolation": "rule.violated",
    "InsufficientCredit": "credit.insufficient",
    "ConflictError": "store.conflict",
    "DuplicateEntry": "id.duplicate",
    "NotAuthorized": "party.not_authorized",
    "NotFound": "record.not_found",
    "StorageError": "store.unavailable",
    "FormationError": "value.invalid",
}
"""The code of each error family, whose message is the fallback of any code of the family."""

_FORMATTER = string.Formatter()


def placeholders(template: str) -> frozenset[str]:
    """The names in braces of ``template``."""
    return frozenset(name for _, name, _, _ in _FORMATTER.parse(template) if name)


def render(code: str, lang: str, params: Mapping[str, object]) -> str | None:
    """The message of ``code`` in ``lang`` filled from ``params``, or ``None``.

    ``None`` when the catalogue has no such code or when ``params`` lacks one of its
    placeholders (the caller then falls back to the family's message). Values are inserted with
    ``str``; callers pass values already shortened for display (:func:`formation.checks.shown`).
    """
    entry = MESSAGES.get(code)
    if entry is None:
        return None
    template = entry[0] if lang == "en" else entry[1]
    names = placeholders(template)
    if not names <= params.keys():
        return None
    return template.format_map({name: params[name] for name in names})
