"""The default rulebook: the parameters of ``cpf-rules.md`` sections 1 to 6 and 14, with sources.

Each line is one dated value. A parameter whose first value starts after 1900-01-01 is
"not in force" (``None``) before it. Marks: C confirmed, P plausible, U unverified; P and U
values are the ones an app or a notebook is expected to override with
:meth:`formation.Rulebook.with_change`.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from formation.money import Euros
from formation.rules.actions import ActionType
from formation.rules.funders import Funder, FundingSource
from formation.rules.parameters import ORIGIN, Confidence, ParameterValue

__all__ = ["DEFAULT_VALUES"]

C, P, U = Confidence.CONFIRMED, Confidence.PLAUSIBLE, Confidence.UNVERIFIED
E = Euros.whole

# Sources, as cited in cpf-rules.md.
HOURS_ERA = ("Loi n° 2014-288 du 5 mars 2014; Code du travail L6323-11 (version 2015-2018), "
             "https://legal.tricoteuses.fr/articles/KALIARTI000030889283")
DECREE_2018 = ("Loi n° 2018-771 du 5 septembre 2018; décret n° 2018-1153 du 14 décembre 2018, "
               "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000037814909")
EURO_AMOUNTS = ("Code du travail R6323-1 (500 €, 5 000 €; a prorated credit rounded up to the "
                "cent, R6323-1 II); service-public fiche F10705, "
                "https://www.service-public.fr/particuliers/vosdroits/F10705")
REINFORCED = ("Code du travail R6323-3-1 (low-qualified workers); D6323-3-3, décret n° 2019-566 du "
              "7 juin 2019 (disabled workers, BOETH: 500 € + 300 €); ESAT workers; service-public "
              "F10705, https://communes.cdcla.fr/recensement/?xml=F10705 ; https://www.cap-metiers"
              ".pro/Fiches-techniques/-Formation-des-actifs-et-financement/653/Compte-Personnel-"
              "Formation-CPF-des-salaries/")
LOW_QUALIFIED_PART_TIME = ("Code du travail R6323-3-1 (as quoted by F10705): the 800 € of a "
                           "low-qualified worker needs half-time work; below it the general 500 € "
                           "proration of R6323-1 II applies (803 h of 1 607 h: 249,85 €), "
                           "https://communes.cdcla.fr/recensement/?xml=F10705")
HOURS_ROUNDING = ("Code du travail R6323-1 (version 2015): a prorated number of hours is rounded "
                  "up to a whole hour, https://legal.tricoteuses.fr/articles/KALIARTI000030889283 ; "
                  "http://www.ecps.fr/breves/42720.html")
SELF_EMPLOYED = ("Code du travail R6323-22: 500 € a year, ceiling 5 000 €, prorated by the months "
                 "of activity (7 months: 291,67 €), https://cpformation.com/alimentation-plafonds-"
                 "du-compte-personnel-de-formation-cpf/amp ; https://alternative-emploi.com/"
                 "montant-maximum-compte-cpf-quel-est-il-plafond-explications-et-conseils")
SELF_EMPLOYED_CFP = ("Rights are credited only when the contribution to vocational training "
                     "(CFP) was paid for the year; mark not given by cpf-rules.md 1.3, P kept, "
                     "https://cpformation.com/alimentation-plafonds-du-compte-personnel-de-"
                     "formation-cpf/amp")
PUBLIC_SERVICE = ("Public servants' CPF in hours (25 h a year up to 150 h; category C without a "
                  "level-3 diploma 50 h up to 400 h; reduced time prorated, part time counted as "
                  "full; up to 150 extra hours against unfitness; employer agreement always "
                  "required), https://pro.cap-metiers.fr/info_juridique/compte-personnel-de-"
                  "formation-cpf-des-agents-publics ; service-public F18090; from 1 January 2017, "
                  "when the public sector's DIF ended (cpf-rules.md 2): earlier amounts of the "
                  "hours account are not in the sources")
CEC = ("Compte d'engagement citoyen: 240 € a year for a recognised civic activity, ceiling 720 €, "
       "used like CPF rights and still after retirement; https://travail-emploi.gouv.fr as "
       "reported by the 2026-12-02 audit (cpf-rules.md 1.3); euro amounts from 2019 (the hours "
       "the CEC counted before are not modelled)")
RETIRED = ("cap-metiers E 1.2: after retirement only CEC rights can still be used, "
           "https://www.cap-metiers.pro/Fiches-techniques/-Formation-des-actifs-et-financement/653/"
           "Compte-Personnel-Formation-CPF-des-salaries/")
CREDIT_TIMING = ("Service-public F10705: year N's rights are credited before 15 June of N+1 "
                 "(secondary sources: between 15 April and 20 June); 15 April chosen")
REINFORCED_PART_TIME = ("Décret n° 2019-566 du 7 juin 2019 (D6323-3-3) does not say whether a "
                        "disabled worker's 800 € is prorated below half-time (cpf-rules.md 1.3): "
                        "800 € prorated chosen (else 500 € prorated, with the general ceiling)")
DIF_ORDONNANCE = ("Ordonnance n° 2019-861 du 21 août 2019, https://www.groupe-legrand.com/post/"
                  "dif-l-ordonnance-du-21-ao%C3%BBt-2019-est-venue-corriger-des-dispositions-de-la-loi-avenir")
DIF_EXTENSION = ("Loi n° 2020-1379 du 14 novembre 2020 (report au 30 juin 2021), https://lacohesion"
                 "socialerecrute.com/entreprise/actualites/le-transfert-des-droits-au-dif-sur-le-cpf-"
                 "prolonge-jusquau-30-juin-2021")
DIF_FACTS = ("Code du travail L6323-... (DIF 20 h/an, 120 h au plus; 15 €/h), https://www.franceinter"
             ".fr/compte-personnel-de-formation-il-vous-reste-24-heures-pour-convertir-vos-heures-"
             "de-formation-en-euros")
TOP_UPS = ("Code du travail L6323-4 II, L6315-1, R6323-3; décret n° 2021-1916, "
           "https://centre-inffo.fr/fiche/abondements-du-compte-personnel-de-formation-salarie")
PRIORITY = ("Order of use set by arrêté (rights first, then top-ups, then the holder), "
            "https://cpformation.com/modalites-de-gestion-du-cpf; the order among funders is "
            "not in the sources: employer-side money first, the holder's own last (a choice)")
ORDER_UNTIL_2025 = ("Until 4 December 2025 the CDC uses the holder's rights first, then the top-ups "
                    "(priority by the arrêté of 30 July 2020), then the holder's payment, "
                    "https://cpformation.com/modalites-de-gestion-du-cpf ; https://fcuni.canalblog.com/"
                    "archives/2019/12/31/37904872.html")
ORDER_2025 = ("Décret n° 2025-1156 du 3 décembre 2025 (JO 4 décembre, en vigueur le 5; R6333-3 I–II): "
              "1° the dotations credited to the account, 2° the holder's rights, 3° the complementary "
              "top-ups asked for the training, https://securibase.com/securibase/public/fiche/36071/"
              "40745 ; https://www.emfor-bfc.org/actualite-2928/cpf-un-nouveau-decret-modifie-l-ordre-"
              "de-mobilisation-des-droits")
DOTATION_PRIORITY = ("Décret n° 2025-1156 (R6333-3 I 1°): the order among dotations is set by an "
                     "arrêté not seen; employer-side money first, the holder's own last (a choice)")
COMPLEMENTARY_PRIORITY = ("Décret n° 2025-1156 (R6333-3 I 3°): the order among complementary top-ups "
                          "is set by an arrêté not seen; the order used until then is kept (a choice)")
EARMARK = ("Décret du 14 avril 2025 (en vigueur le 17 avril 2025), "
           "https://www.fr.adp.com/ressources/documentations/articles/e/compte-personnel-de-formation.aspx")
PFO_2024 = ("Loi de finances 2023; décret n° 2024-394 du 29 avril 2024 (JO 30 avril), "
            "https://apsss-consulting.fr/cpf-participation-forfaitaire-salaries-obligatoire-financement/")
PFO_2025 = ("Arrêté du 26 décembre 2024 (indexation, R6323-2), https://www.mes-allocs.fr/guides/"
            "aide-formation/compte-personnel-formation-cpf/participation-forfaitaire-cpf")
PFO_2026 = ("Arrêté du 30 décembre 2025 (JO 1er janvier 2026), https://www.voltaire-avocats.com/fr/"
            "compte-personnel-de-formation-le-reste-a-charge-revalorise-pour-2026")
PFO_EXEMPT = ("Décret n° 2024-394 (exonérations: demandeur d'emploi, abondement employeur ou "
              "accord, C2P, AT/MP ≥ 10 %), https://www.voltaire-avocats.com/fr/compte-personnel-"
              "de-formation-le-reste-a-charge-revalorise-pour-2026")
CAPS_2026 = ("Loi de finances 2026 art. 203; décret n° 2026-127 du 24 février 2026 (D6323-1 A), "
             "https://www.aslearning.fr/b/reforme-cpf-2026-plafonds-nouvelles-regles")
LICENCE_2026 = ("Loi de finances 2026 art. 203 (JO 20 février 2026, en vigueur le 21): permis léger "
                "pour un demandeur d'emploi ou avec un cofinancement tiers; the 100 € minimum is only "
                "in a draft decree seen by Centre Inffo on 20 February 2026, https://www.centre-"
                "inffo.fr/site-droit-formation/actualites-droit/limitation-de-lutilisation-des-"
                "droits-cpf-par-la-loi-de-finances-2026")
ELIGIBLE = ("Code du travail L6323-6; https://of.moncompteformation.gouv.fr/espace-public/aide/"
            "quelles-sont-les-offres-eligibles-au-compte-personnel-de-formation-cpf")
QUALIOPI = ("Code du travail L6316-1 (loi n° 2018-771 du 5 septembre 2018, art. 6), obligation "
            "from 1 January 2022 (ordonnance n° 2020-387 du 1er avril 2020); "
            "https://www.missionformateur.fr/2023/10/02/edof-mode-demploi/")
ACRE_IN = "Décret n° 2020-1228 du 8 octobre 2020, https://www.psi.expert/index.php/veille-metier/du-nouveau-sur-le-cpf"
ACRE_OUT = ("Loi n° 2025-127 du 14 février 2025 (loi de finances 2025) art. 190, "
            "https://centre-inffo.fr/site-droit-formation/actualites-droit/loi-de-finances-pour-2025-publication-du-texte")
TERMS = "https://www.of.moncompteformation.gouv.fr/espace-public/actualites/version-12-des-conditions-dutilisation-ce-qui-change"
TERMS_2019 = "https://cpformation.com/utiliser-mon-compte-formation/?amp=1"
TERMS_V14 = ("https://www.centre-inffo.fr/site-droit-formation/actualites-droit/une-version-14-des-"
             "conditions-dutilisation-de-la-plateforme-mon-compte-formation")
ANSWER = "https://www.defi-metiers.fr/breves/les-conditions-dutilisation-de-lapplication-mon-compte-formation-se-precisent"
ACCEPT = "https://cgos.prat.fr/2019/09/30/mode-d-emploi-du-compte-personnel-de-formation"
LEAD = "https://digital-learning-academy.com/cpf-nouveau-delai-minimum-entre-linscription-et-lentree-en-formation-cap-metiers/"
WITHDRAW_2019 = "CGU 2019: 14 jours ouvrés, https://cpformation.com/annulation-formation-cpf/?amp=1"
WITHDRAW_NOW = ("11 jours ouvrés from validation per 2024-25 secondary sources (current terms text not "
                "stored; tied here to terms v12), https://aide.envoituresimone.com/hc/fr/articles/"
                "5622589434002-Quels-sont-les-diff%C3%A9rents-%C3%A9tats-de-mon-dossier-CPF")
CANCEL = ("CGU 2019 (more than 7 business days before the start: free; current terms not "
          "verified), https://cpformation.com/annulation-formation-cpf/?amp=1")
CANCEL_BOUNDARY = ("CGU 2019 art. 4.2, 'plus de 7 jours ouvrés avant' the start: read strictly, a "
                   "cancellation exactly 7 business days before is already late (cpf-rules.md "
                   "5.2, corrected on 2026-12-02), https://cpformation.com/annulation-formation-"
                   "cpf/?amp=1 ; https://www.maformation.fr/droits/cpf-delais-retraction-116253")
NO_SHOW = "https://www.certi-cpf.fr/post/cpf-et-formation-certifiante-les-obligations-du-stagiaire.html"
PARTIAL = ("cpf-rules.md section 12.2: the split on partial completion is not in the sources; "
           "chosen: a holder at fault is charged the uncompleted part in full")
CARD_CREDIT = ("cpf-rules.md 5.2 and 14.5 (2026-12-02 audit): on a late cancellation or a "
               "no-show what the holder paid is not refunded but kept as a credit (avoir) for a "
               "later training on the platform; https://www.maformation.fr/droits/"
               "cpf-delais-retraction-116253 ; https://www.certi-cpf.fr/post/"
               "cpf-et-formation-certifiante-les-obligations-du-stagiaire.html")
PFO_KEPT = ("cpf-rules.md sections 4 and 12.2: the organism may not refund the flat "
            "participation and the split on partial completion is not in the sources; chosen: a "
            "full refund (cancellation in time) returns it, any other ending keeps it in full and "
            "prorates the rest, https://digital-learning-academy.com/du-nouveau-pour-utiliser-vos-"
            "droits-cpf")
ENTRY = "https://www.of.moncompteformation.gouv.fr/aide/declarer-lentree-en-formation-les-points-de-vigilance"
SERVICE_DONE = "https://of.moncompteformation.gouv.fr/espace-public/aide/comment-declarer-le-service-fait-qui-valide-le-service-fait"
CORRECTION = "https://www.etsglobal.org/fr/en/blog/news/cpf-files-evolution"
PAYMENT = ("https://www.of.moncompteformation.gouv.fr/espace-public/actualite/conditions-generales-"
           "dutilisation-zoom-sur-les-delais-et-les-conditions-de-paiement")
PREREQ = "https://apifop.fr/?p=23342"
CONSENT = ("Code du travail L6323-17, D6323-4; https://www.opcoep.fr/question-formation/connaitre-"
           "mes-droits-et-mes-obligations/salarie/l-employeur-est-il-tenu-d-accepter-une-demande-"
           "d-autorisation-d-absence-pour-une-formation-financee")

_ALL_ACTIONS = frozenset(ActionType) - {ActionType.BUSINESS_CREATION}
# Employer-side money first, the holder's own last (a choice: the arrêtés were not seen).
_FUNDERS_ORDER = (
    Funder.EMPLOYER, Funder.AGREEMENT, Funder.OPCO, Funder.C2P, Funder.AT_MP,
    Funder.FRANCE_TRAVAIL, Funder.REGION, Funder.STATE, Funder.AGEFIPH, Funder.FAF,
    Funder.CMA, Funder.LOCAL_AUTHORITY, Funder.SANTE_PUBLIQUE_FRANCE, Funder.UNEDIC,
    Funder.HOLDER,
)
_ORDER_2025_DAY = date(2025, 12, 5)  # décret n° 2025-1156 in force

DEFAULT_VALUES: tuple[ParameterValue, ...] = (
    # 1.1 The hours era
    ParameterValue("hours_era_annual_hours", 24, date(2015, 1, 1), HOURS_ERA, C),
    ParameterValue("hours_era_annual_hours", None, date(2019, 1, 1), DECREE_2018, C),
    ParameterValue("hours_era_threshold_hours", 120, date(2015, 1, 1), HOURS_ERA, C),
    ParameterValue("hours_era_threshold_hours", None, date(2019, 1, 1), DECREE_2018, C),
    ParameterValue("hours_era_reduced_annual_hours", 12, date(2015, 1, 1), HOURS_ERA, C),
    ParameterValue("hours_era_reduced_annual_hours", None, date(2019, 1, 1), DECREE_2018, C),
    ParameterValue("hours_era_ceiling_hours", 150, date(2015, 1, 1), HOURS_ERA, C),
    ParameterValue("hours_era_ceiling_hours", None, date(2019, 1, 1), DECREE_2018, C),
    ParameterValue("hours_era_hours_rounded_up", True, date(2015, 1, 1), HOURS_ROUNDING, C),
    ParameterValue("hours_era_hours_rounded_up", None, date(2019, 1, 1), DECREE_2018, C),
    ParameterValue("reference_hours", 1607, ORIGIN, HOURS_ERA + "; " + EURO_AMOUNTS, C),
    ParameterValue("full_rights_threshold", Fraction(1), ORIGIN,
                   "Hours era: accrual in proportion to the hours worked, " + HOURS_ERA, C),
    ParameterValue("full_rights_threshold", Fraction(1, 2), date(2019, 1, 1), EURO_AMOUNTS, C),
    # 1.2 Conversion, 1.3 the euro era
    ParameterValue("hours_conversion_on", date(2019, 1, 1), date(2019, 1, 1), DECREE_2018, C),
    ParameterValue("hours_conversion_rate", E(15), date(2019, 1, 1), DECREE_2018, C),
    ParameterValue("annual_credit", E(500), date(2019, 1, 1), EURO_AMOUNTS, C),
    ParameterValue("annual_credit_ceiling", E(5000), date(2019, 1, 1), EURO_AMOUNTS, C),
    ParameterValue("reinforced_annual_credit", E(800), date(2019, 1, 1), REINFORCED, C),
    ParameterValue("reinforced_ceiling", E(8000), date(2019, 1, 1), REINFORCED, C),
    ParameterValue("reinforced_prorated_below_threshold", True, ORIGIN, REINFORCED_PART_TIME, U),
    ParameterValue("low_qualified_reinforced_below_threshold", False, ORIGIN,
                   LOW_QUALIFIED_PART_TIME, C),
    # 1.3 The self-employed, public servants, the CEC
    ParameterValue("self_employed_annual_credit", E(500), date(2019, 1, 1), SELF_EMPLOYED, C),
    ParameterValue("self_employed_ceiling", E(5000), date(2019, 1, 1), SELF_EMPLOYED, C),
    ParameterValue("self_employed_prorated_by_month", True, ORIGIN, SELF_EMPLOYED, P),
    ParameterValue("self_employed_needs_contribution", True, ORIGIN, SELF_EMPLOYED_CFP, P),
    ParameterValue("public_service_annual_hours", 25, date(2017, 1, 1), PUBLIC_SERVICE, C),
    ParameterValue("public_service_ceiling_hours", 150, date(2017, 1, 1), PUBLIC_SERVICE, C),
    ParameterValue("public_service_low_qualified_annual_hours", 50, date(2017, 1, 1),
                   PUBLIC_SERVICE, C),
    ParameterValue("public_service_low_qualified_ceiling_hours", 400, date(2017, 1, 1),
                   PUBLIC_SERVICE, C),
    ParameterValue("public_service_unfitness_extra_hours", 150, date(2017, 1, 1),
                   PUBLIC_SERVICE, C),
    ParameterValue("public_service_employer_agreement_required", True, ORIGIN, PUBLIC_SERVICE, C),
    ParameterValue("cec_annual_credit", E(240), date(2019, 1, 1), CEC, P),
    ParameterValue("cec_ceiling", E(720), date(2019, 1, 1), CEC, P),
    ParameterValue("cpf_usable_after_retirement", False, ORIGIN, RETIRED, P),
    ParameterValue("cec_usable_after_retirement", True, ORIGIN, RETIRED, P),
    ParameterValue("annual_credit_posted_on", (4, 15), ORIGIN, CREDIT_TIMING, P),
    # 2. DIF
    ParameterValue("dif_hourly_rate", E(15), ORIGIN, DIF_FACTS, C),
    ParameterValue("dif_max_hours", 120, ORIGIN, DIF_FACTS, C),
    ParameterValue("dif_use_by", date(2021, 1, 1), date(2015, 1, 1), HOURS_ERA, C),
    ParameterValue("dif_use_by", None, date(2019, 8, 21), DIF_ORDONNANCE, C),
    ParameterValue("dif_registration_deadline", date(2020, 12, 31), date(2019, 8, 21),
                   DIF_ORDONNANCE, C),
    ParameterValue("dif_registration_deadline", date(2021, 6, 30), date(2020, 11, 14),
                   DIF_EXTENSION, C),
    ParameterValue("dif_counts_toward_ceiling", False, ORIGIN,
                   "Hours era: DIF outside the 150 h ceiling, https://www.centre-inffo.fr/a-la-une-6/"
                   "actualites-2015/dif-et-compte-personnel-de-formation-des-heures-qui-ne-se-melangent-pas.html",
                   C),
    ParameterValue("dif_counts_toward_ceiling", True, date(2019, 8, 21), DIF_ORDONNANCE, P),
    ParameterValue("dif_hours_rounded_up", True, ORIGIN,
                   "https://links-consultants.com/actualites/transfert-des-droits-au-dif-sur-le-cpf-"
                   "la-date-d-echeance-a-ete-repoussee-jusqu-a-l-ete-2021", P),
    # 3. Top-ups
    ParameterValue("corrective_top_up", E(3000), date(2019, 1, 1), TOP_UPS, C),
    ParameterValue("corrective_top_up_min_employees", 50, ORIGIN, TOP_UPS, C),
    ParameterValue("top_up_priority", _FUNDERS_ORDER, ORIGIN, PRIORITY, P),
    ParameterValue("top_up_priority", _FUNDERS_ORDER, _ORDER_2025_DAY, COMPLEMENTARY_PRIORITY, U),
    ParameterValue("order_of_use", (FundingSource.RIGHTS, FundingSource.TOP_UPS), ORIGIN,
                   ORDER_UNTIL_2025, C),
    ParameterValue("order_of_use", (FundingSource.DOTATIONS, FundingSource.RIGHTS,
                                    FundingSource.COMPLEMENTARY), _ORDER_2025_DAY, ORDER_2025, C),
    ParameterValue("dotation_priority", _FUNDERS_ORDER, _ORDER_2025_DAY, DOTATION_PRIORITY, U),
    ParameterValue("top_up_earmarking_allowed", False, ORIGIN, EARMARK, P),
    ParameterValue("top_up_earmarking_allowed", True, date(2025, 4, 17), EARMARK, P),
    # 4. Flat participation, caps, eligibility
    ParameterValue("flat_participation", E(0), ORIGIN, "No participation before " + PFO_2024, C),
    ParameterValue("flat_participation", E(100), date(2024, 5, 2), PFO_2024, C),
    ParameterValue("flat_participation", Euros(10223), date(2025, 1, 1), PFO_2025, C),
    ParameterValue("flat_participation", Euros(10320), date(2026, 1, 1), PFO_2026, C),
    ParameterValue("flat_participation_exempting_funders",
                   frozenset({Funder.EMPLOYER, Funder.AGREEMENT, Funder.C2P, Funder.AT_MP}),
                   ORIGIN, PFO_EXEMPT, C),
    ParameterValue("flat_participation_job_seeker_exempt", True, ORIGIN, PFO_EXEMPT, C),
    ParameterValue("at_mp_min_incapacity_percent", 10, ORIGIN, PFO_EXEMPT, C),
    ParameterValue("rights_cap_rs", E(1500), date(2026, 2, 26), CAPS_2026, P),
    ParameterValue("rights_cap_skills_assessment", E(1600), date(2026, 2, 26), CAPS_2026, P),
    ParameterValue("rights_cap_light_driving_licence", E(900), date(2026, 2, 26), CAPS_2026, P),
    ParameterValue("light_driving_licence_min_cofunding", E(100), date(2026, 2, 21),
                   LICENCE_2026, U),  # 14.4: the 100 € minimum is only a draft
    ParameterValue("eligible_action_types", _ALL_ACTIONS, ORIGIN, ELIGIBLE, C),
    ParameterValue("eligible_action_types", frozenset(ActionType), date(2020, 10, 8), ACRE_IN, C),
    ParameterValue("eligible_action_types", _ALL_ACTIONS, date(2025, 2, 16), ACRE_OUT, P),
    ParameterValue("qualiopi_required", False, ORIGIN, "No Qualiopi obligation before "
                   + QUALIOPI, C),
    ParameterValue("qualiopi_required", True, date(2022, 1, 1), QUALIOPI, C),
    # 5. Registration life cycle
    ParameterValue("terms_version", "CGU 2019", date(2019, 11, 21), TERMS_2019, C),
    ParameterValue("terms_version", "v11", date(2023, 12, 14), TERMS, C),
    ParameterValue("terms_version", "v12", date(2024, 7, 11), TERMS, C),
    ParameterValue("terms_version", "v13", date(2025, 4, 10),
                   "https://formites.fr/mon-compte-formation-nouvelles-cgu-cp-ce-qui-va-changer-des-avril-2025", P),
    ParameterValue("terms_version", "v14", date(2025, 12, 4), TERMS_V14, C),
    ParameterValue("max_pending_requests", 5, ORIGIN, ACCEPT, P),
    ParameterValue("proposal_price_tolerance", Fraction(0), ORIGIN,
                   "cpf-rules.md 5.2 (unverified): the proposal repeats the price listed in the "
                   "catalogue for the session and the options chosen; no source allows more, "
                   "a lower price is always allowed", U),
    ParameterValue("organism_answer_business_days", 2, ORIGIN, ANSWER, C),
    ParameterValue("holder_acceptance_business_days", 4, ORIGIN, ACCEPT, C),
    ParameterValue("minimum_lead_business_days", 11, date(2021, 6, 10), LEAD, C),
    ParameterValue("withdrawal_business_days", 14, ORIGIN, WITHDRAW_2019, C),
    ParameterValue("withdrawal_business_days", 11, date(2024, 7, 11), WITHDRAW_NOW, P),
    ParameterValue("free_cancellation_business_days", 7, ORIGIN, CANCEL, P),
    ParameterValue("free_cancellation_more_than", True, ORIGIN, CANCEL_BOUNDARY, P),
    ParameterValue("late_cancellation_debit_rate", Fraction(1), ORIGIN, CANCEL, P),
    ParameterValue("no_show_debit_rate", Fraction(1), ORIGIN, NO_SHOW, P),
    ParameterValue("holder_fault_uncompleted_charge_rate", Fraction(1), ORIGIN, PARTIAL, U),
    ParameterValue("card_payment_kept_as_credit", True, ORIGIN, CARD_CREDIT, P),
    ParameterValue("flat_participation_kept_when_charged", True, ORIGIN, PFO_KEPT, U),
    ParameterValue("entry_declaration_business_days", 3, ORIGIN, ENTRY, C),
    ParameterValue("exit_declaration_business_days", 3, ORIGIN, SERVICE_DONE, C),
    ParameterValue("service_done_validation_business_days", 5, ORIGIN, SERVICE_DONE, C),
    ParameterValue("service_done_correction_days", 5, date(2025, 4, 10), CORRECTION, P),
    ParameterValue("payment_calendar_days", 30, ORIGIN, PAYMENT, C),
    ParameterValue("refund_calendar_days", 30, ORIGIN, WITHDRAW_2019, C),
    ParameterValue("prerequisite_ack_business_days", 2, ORIGIN, PREREQ, C),
    ParameterValue("prerequisite_decision_days", 30, ORIGIN, PREREQ, C),
    ParameterValue("prerequisite_decision_day_kind", "calendar", ORIGIN,
                   "cpf-rules.md section 12.6: apifop says 30 business days, other sources 30 "
                   "days; calendar days chosen", U),
    ParameterValue("deposit_min_session_months", 3, ORIGIN, ENTRY, C),
    # 6. Employer consent
    ParameterValue("consent_notice_days", 60, ORIGIN, CONSENT, C),
    ParameterValue("consent_notice_days_long", 120, ORIGIN, CONSENT, C),
    ParameterValue("consent_long_training_months", 6, ORIGIN, CONSENT, C),
    ParameterValue("employer_answer_days", 30, ORIGIN, CONSENT, C),
)
