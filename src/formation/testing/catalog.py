"""A synthetic catalogue shaped like Mon Compte Formation's, for benchmarks, demos and tests.

:func:`synthetic_catalog` builds ``n`` sessions of training offers with the shape of the team's
reference generator (``shared/bench/gen_catalog.py``), written again here on the library's own
records:

- 18 regions weighted by population (INSEE 2023, in millions), departments drawn within them,
  and a handful of places per department around its chief town (with coordinates, so searches
  by distance work);
- 44 themes and about 200 Formacodes, French titles built as the platform's are ("Anglais -
  Niveau B1 (préparation TOEIC)", "Excel initiation - certification TOSA", "Permis B - boîte
  automatique");
- right-skewed prices (most offers 500–3 000 €, a tail to 15 000 €, often ending in 9), an
  offer's sessions sometimes priced apart (``Session.price``);
- 1 to 6 sessions an offer, starting between 1 January 2026 and 31 December 2028;
- organisms with a valid SIRET (the check digit is computed), an activity declaration number
  and, for most, a Qualiopi certification; a few lapse during the period, a few have none;
- action types that follow the theme: a bilan is a ``SKILLS_ASSESSMENT``, a VAE support a
  ``VAE`` (toward an RNCP diploma), Permis B a ``DRIVING_LICENCE_LIGHT``, Permis C and CE a
  ``DRIVING_LICENCE_HEAVY``; every other offer leads to an RS or RNCP certification (whose
  registration sometimes ends during the period). Certification codes and titles are plausible,
  not authoritative.

Everything is drawn from ``random.Random(seed)`` in a fixed order (no set or dict order that
depends on ``PYTHONHASHSEED``), so the same ``(n, seed)`` gives equal records in every process.

:func:`synthetic_ratings` gives each offer a rating (mean to one decimal, and the number of
reviews), derived from a hash of the seed and the offer id: the same offer always gets the same
rating, whatever the order or the subset of offers asked for.

>>> offers, sessions = synthetic_catalog(50, seed=7)
>>> len(sessions), len({s.offer_id for s in sessions}) == len(offers)
(50, True)
>>> synthetic_catalog(50, seed=7) == (offers, sessions)
True
"""

from __future__ import annotations

import hashlib
import math
import random
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from statistics import NormalDist
from typing import TypeVar

import attrs

from formation.catalog.geography import department
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
from formation.checks import check_int, check_iterable
from formation.ids import OfferId, SessionId
from formation.money import Euros
from formation.rules.actions import ActionType

__all__ = [
    "REGION_WEIGHTS",
    "SyntheticRating",
    "synthetic_catalog",
    "synthetic_ratings",
]

REGION_WEIGHTS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("11", ("75", "77", "78", "91", "92", "93", "94", "95"), 12.3),
    ("24", ("18", "28", "36", "37", "41", "45"), 2.6),
    ("27", ("21", "25", "39", "58", "70", "71", "89", "90"), 2.8),
    ("28", ("14", "27", "50", "61", "76"), 3.3),
    ("32", ("02", "59", "60", "62", "80"), 6.0),
    ("44", ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88"), 5.6),
    ("52", ("44", "49", "53", "72", "85"), 3.9),
    ("53", ("22", "29", "35", "56"), 3.4),
    ("75", ("16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"), 6.1),
    ("76", ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"), 6.1),
    ("84", ("01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"), 8.1),
    ("93", ("04", "05", "06", "13", "83", "84"), 5.1),
    ("94", ("2A", "2B"), 0.35),
    ("01", ("971",), 0.38),
    ("02", ("972",), 0.35),
    ("03", ("973",), 0.29),
    ("04", ("974",), 0.87),
    ("06", ("976",), 0.31),
)
"""Each region's INSEE code, its departments and its population in millions (2023): the
weights the generator draws places and organisms' home regions with."""

_FIRST_DAY = date(2026, 1, 1)
_LAST_DAY = date(2028, 12, 31)

# kind -> how titles are built
_LANG_LEVELS = ("Niveau A1", "Niveau A2", "Niveau B1", "Niveau B2", "Niveau C1",
                "débutant", "intermédiaire", "avancé", "perfectionnement")
_LANG_SUFFIX = ("", "", " (préparation TOEIC)", " (préparation Linguaskill)",
                " - certification Bright", " - cours particuliers", " professionnel",
                " des affaires", " - éligible CPF", " en visioconférence")
_IT_LEVELS = ("initiation", "les bases", "intermédiaire", "avancé", "perfectionnement",
              "expert", "niveau 1", "niveau 2", "débutant")
_IT_SUFFIX = ("", "", " - certification TOSA", " - certification ICDL/PCIE",
              " en 5 jours", " pour les débutants", " (tous niveaux)", " - éligible CPF")
_PRO_LEVELS = ("les fondamentaux", "perfectionnement", "initiation", "niveau 1", "niveau 2",
               "approfondissement", "parcours certifiant", "bloc de compétences 1",
               "bloc de compétences 2", "pour managers", "pour TPE/PME")
_PRO_SUFFIX = ("", "", " - certification RS", " - éligible CPF", " (titre RNCP)",
               " en distanciel", " en présentiel", " - 100% financé CPF")
_BILAN_TITLES = (
    "Bilan de compétences", "Bilan de compétences - 24h",
    "Bilan de compétences en ligne", "Bilan de compétences : reconversion professionnelle",
    "Bilan de compétences personnalisé", "Bilan de compétences - cadres et dirigeants",
)
_VAE_TITLES = (
    "VAE - accompagnement à la validation des acquis de l'expérience",
    "Accompagnement VAE - diplôme d'État", "VAE : accompagnement au dossier de validation",
    "VAE - titre professionnel", "VAE BTS - accompagnement",
)
_PERMIS_SUFFIX = ("", " - boîte manuelle", " - boîte automatique", " - formation accélérée",
                  " - code et conduite", " (20h de conduite)", " - éligible CPF")
_CACES_SUFFIX = ("", " - initial", " - recyclage", " catégories 1A, 3 et 5",
                 " - formation initiale", " - maintien et actualisation des compétences")
_METIER_LEVELS = ("", "niveau 1", "niveau 2", "- CAP", "- initiation", "- perfectionnement",
                  "- titre professionnel", "- reconversion")
_METIER_SUFFIX = ("", "", " - éligible CPF")

_RS, _RNCP = Registry.RS, Registry.RNCP

# (title word, kind, Formacode base, number of codes - 1, (hours low, high), price mode in €,
#  P(distance), P(mixed), weight, NSF code, certifications as (registry, title, level))
_Theme = tuple[str, str, int, int, tuple[int, int], int, float, float, float, str,
               tuple[tuple[Registry, str, int | None], ...]]
_THEMES: tuple[_Theme, ...] = (
    ("Anglais", "lang", 15234, 8, (10, 80), 1500, 0.55, 0.15, 7.0, "136",
     ((_RS, "TOEIC Listening and Reading", None), (_RS, "Linguaskill", None),
      (_RS, "Bright Language - anglais", None))),
    ("Espagnol", "lang", 15244, 5, (10, 60), 1400, 0.50, 0.15, 2.5, "136",
     ((_RS, "Bright Language - espagnol", None), (_RS, "Pipplet - espagnol", None))),
    ("Allemand", "lang", 15249, 5, (10, 60), 1500, 0.50, 0.15, 1.8, "136",
     ((_RS, "Bright Language - allemand", None), (_RS, "Goethe-Zertifikat", None))),
    ("Italien", "lang", 15254, 4, (10, 50), 1400, 0.50, 0.15, 1.0, "136",
     ((_RS, "Bright Language - italien", None),)),
    ("Français langue étrangère (FLE)", "lang", 15235, 4, (20, 120), 1600, 0.40, 0.15, 1.5,
     "136", ((_RS, "Test de connaissance du français (TCF)", None),
             (_RS, "Diplôme de compétence en langue (DCL) FLE", None))),
    ("Chinois mandarin", "lang", 15259, 3, (20, 60), 1800, 0.55, 0.10, 0.3, "136",
     ((_RS, "HSK - test d'évaluation de chinois", None),)),
    ("Excel", "it", 70322, 6, (7, 35), 900, 0.45, 0.15, 6.0, "326",
     ((_RS, "Tosa Excel", None), (_RS, "ICDL - tableur", None))),
    ("Word", "it", 70320, 4, (7, 28), 800, 0.45, 0.15, 2.0, "326",
     ((_RS, "Tosa Word", None), (_RS, "ICDL - traitement de texte", None))),
    ("PowerPoint", "it", 70321, 3, (7, 21), 800, 0.45, 0.15, 1.2, "326",
     ((_RS, "Tosa PowerPoint", None), (_RS, "ICDL - présentation", None))),
    ("Python", "it", 31054, 6, (21, 400), 2900, 0.50, 0.20, 2.5, "326",
     ((_RS, "Développer des programmes en Python", None),
      (_RNCP, "TP Concepteur développeur d'applications", 6))),
    ("Développement web (HTML, CSS, JavaScript)", "it", 31067, 5, (35, 600), 4500, 0.55, 0.20,
     2.0, "326", ((_RNCP, "TP Développeur web et web mobile", 5),
                  (_RNCP, "TP Concepteur développeur d'applications", 6))),
    ("Data analyse avec Power BI", "it", 31088, 4, (14, 70), 1900, 0.45, 0.20, 1.2, "326",
     ((_RS, "Analyser des données avec Power BI", None), (_RS, "Tosa Power BI", None))),
    ("Cybersécurité", "it", 31006, 4, (21, 400), 3500, 0.40, 0.25, 0.8, "326",
     ((_RNCP, "Administrateur d'infrastructures sécurisées", 6),
      (_RS, "Sensibilisation à la cybersécurité", None))),
    ("Photoshop", "it", 46252, 4, (14, 70), 1500, 0.45, 0.15, 1.5, "322",
     ((_RS, "Tosa Photoshop", None),)),
    ("Illustrator", "it", 46253, 3, (14, 70), 1500, 0.45, 0.15, 0.8, "322",
     ((_RS, "Tosa Illustrator", None),)),
    ("WordPress", "it", 46270, 3, (14, 56), 1400, 0.50, 0.15, 1.0, "326",
     ((_RS, "Tosa WordPress", None),)),
    ("Comptabilité", "pro", 32663, 6, (21, 300), 2400, 0.35, 0.20, 2.5, "314",
     ((_RNCP, "TP Gestionnaire comptable et fiscal", 5), (_RNCP, "TP Comptable assistant", 4))),
    ("Gestion de la paie", "pro", 32688, 4, (21, 200), 2600, 0.35, 0.20, 1.2, "315",
     ((_RNCP, "TP Gestionnaire de paie", 5),)),
    ("Management d'équipe", "pro", 32032, 6, (14, 70), 2200, 0.25, 0.25, 3.0, "310",
     ((_RS, "Manager une équipe de proximité", None),
      (_RNCP, "Manager d'unité opérationnelle", 6))),
    ("Gestion de projet", "pro", 32047, 5, (14, 70), 2100, 0.30, 0.25, 2.0, "310",
     ((_RS, "Conduire un projet en entreprise", None), (_RNCP, "Chef de projet", 7))),
    ("Marketing digital", "pro", 34566, 5, (21, 150), 2300, 0.45, 0.20, 1.8, "312",
     ((_RNCP, "Chargé de marketing digital", 6),
      (_RS, "Élaborer une stratégie de marketing digital", None))),
    ("Création d'entreprise", "pro", 32054, 4, (14, 120), 1800, 0.30, 0.25, 2.0, "310",
     ((_RS, "Créer et développer une entreprise", None),)),
    ("Prise de parole en public", "pro", 15093, 3, (7, 28), 1300, 0.25, 0.20, 1.0, "415",
     ((_RS, "Prendre la parole en public", None),)),
    ("Bilan de compétences", "bilan", 15081, 2, (18, 24), 1800, 0.40, 0.30, 4.0, "415", ()),
    ("VAE - accompagnement", "vae", 44591, 2, (10, 24), 2000, 0.35, 0.30, 1.5, "415",
     ((_RNCP, "BTS Management commercial opérationnel", 5),
      (_RNCP, "TP Assistant de vie aux familles", 3),
      (_RNCP, "Diplôme d'État d'aide-soignant", 4))),
    ("Permis B", "permis", 31812, 2, (20, 35), 1300, 0.0, 0.05, 5.0, "311", ()),
    ("Permis C", "permis", 31815, 2, (70, 140), 3500, 0.0, 0.0, 0.6, "311", ()),
    ("Permis CE", "permis", 31816, 2, (70, 140), 3800, 0.0, 0.0, 0.4, "311", ()),
    ("CACES R489", "caces", 31795, 4, (14, 35), 900, 0.0, 0.0, 2.0, "311",
     ((_RS, "CACES R489 - chariots de manutention", None),)),
    ("CACES R486", "caces", 31796, 3, (14, 35), 950, 0.0, 0.0, 0.8, "311",
     ((_RS, "CACES R486 - plateformes élévatrices mobiles de personnel", None),)),
    ("Habilitation électrique", "caces", 24054, 5, (7, 21), 600, 0.0, 0.10, 1.5, "255",
     ((_RS, "Habilitation électrique B0, H0, BS, BE", None),)),
    ("Soudure TIG", "metier", 23684, 4, (35, 700), 4500, 0.0, 0.0, 0.7, "254",
     ((_RNCP, "TP Soudeur TIG électrode enrobée", 3),)),
    ("Soudure à l'arc", "metier", 23692, 3, (35, 600), 4200, 0.0, 0.0, 0.5, "254",
     ((_RNCP, "TP Soudeur assembleur industriel", 3),)),
    ("Sauveteur secouriste du travail (SST)", "caces", 42829, 3, (14, 14), 350, 0.0, 0.0, 1.2,
     "344", ((_RS, "Sauveteur secouriste du travail", None),)),
    ("Hygiène alimentaire HACCP", "metier", 42811, 3, (14, 14), 450, 0.20, 0.10, 0.8, "221",
     ((_RS, "Hygiène alimentaire en restauration commerciale", None),)),
    ("Pâtisserie", "metier", 21528, 4, (35, 800), 5500, 0.05, 0.10, 0.6, "221",
     ((_RNCP, "CAP Pâtissier", 3),)),
    ("Esthétique - onglerie", "metier", 42078, 4, (21, 400), 2500, 0.05, 0.10, 0.7, "336",
     ((_RNCP, "CAP Esthétique cosmétique parfumerie", 3),
      (_RS, "Prothésiste ongulaire", None))),
    ("Coiffure", "metier", 42054, 4, (35, 800), 5000, 0.0, 0.05, 0.4, "336",
     ((_RNCP, "CAP Métiers de la coiffure", 3),)),
    ("Formation de formateur", "pro", 44067, 3, (21, 150), 2400, 0.30, 0.30, 0.8, "333",
     ((_RNCP, "TP Formateur professionnel d'adultes", 5),)),
    ("Immobilier - transaction", "pro", 34076, 4, (21, 300), 2800, 0.40, 0.20, 0.6, "313",
     ((_RNCP, "Négociateur immobilier", 5),)),
    ("Assistant de direction", "pro", 35054, 5, (70, 600), 4500, 0.40, 0.25, 0.6, "324",
     ((_RNCP, "TP Assistant de direction", 5),)),
    ("Réseaux sociaux - community management", "pro", 46324, 3, (14, 70), 1600, 0.55, 0.15,
     1.0, "320", ((_RS, "Gérer les réseaux sociaux d'une entreprise", None),)),
    ("Intelligence artificielle générative (ChatGPT)", "it", 31028, 3, (7, 35), 1200, 0.60,
     0.15, 1.0, "326", ((_RS, "Utiliser l'IA générative dans son activité professionnelle",
                         None),)),
    ("AutoCAD", "it", 45565, 4, (21, 105), 2200, 0.35, 0.20, 0.8, "200",
     ((_RS, "Réaliser des plans avec AutoCAD", None),)),
)

_KIND_ACTION = {
    "bilan": ActionType.SKILLS_ASSESSMENT,
    "vae": ActionType.VAE,
}
_HEAVY_LICENCES = frozenset({"Permis C", "Permis CE"})

_SUMMARIES = {
    "lang": "Cours de langue en petit groupe ou en individuel, avec un test de positionnement "
            "et la préparation à une certification reconnue.",
    "it": "Formation pratique sur poste, exercices guidés et cas réels, avec le passage de la "
          "certification en fin de parcours.",
    "pro": "Parcours professionnalisant alternant apports théoriques, mises en situation et "
           "accompagnement individualisé par un formateur expert.",
    "bilan": "Trois phases (préliminaire, investigation, conclusion) avec un consultant dédié, "
             "et une synthèse écrite remise au bénéficiaire.",
    "vae": "Accompagnement après la recevabilité : rédaction du dossier de validation et "
           "préparation à l'entretien avec le jury.",
    "permis": "Code et conduite avec une auto-école agréée, moniteurs diplômés, présentation "
              "à l'examen.",
    "caces": "Formation théorique et pratique, évaluation par un testeur certifié et délivrance "
             "du certificat.",
    "metier": "Formation en atelier avec un professionnel du métier, gestes techniques et "
              "préparation à l'examen.",
}

_ORG_PREFIX = ("Institut", "Centre de formation", "Académie", "École", "Cabinet", "Atelier",
               "Groupe", "Campus", "Organisme", "Espace")
_ORG_WORDS = ("Horizon", "Compétences", "Avenir", "Pro", "Formalis", "Lumière", "Savoirs",
              "Évolution", "Cap Métiers", "Performance", "Talents", "Nova", "Trajectoire",
              "Déclic", "Envol", "Passerelle", "Boussole", "Tremplin")

_OPTIONS = (
    ("examen", "Passage de la certification", 9000, 15000, True),
    ("heures", "Heures de formation supplémentaires", 20000, 60000, True),
    ("support", "Support de cours imprimé", 2000, 6000, False),
    ("materiel", "Ordinateur portable prêté pendant la formation", 15000, 40000, False),
)

_PLACES_PER_DEPARTMENT = 6
_T = TypeVar("_T")


def _cumulative(weights: Iterable[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _with_check_digit(first13: str) -> str:
    """``first13`` followed by the digit that makes the 14 digits pass Luhn's check."""
    total = 0
    # the appended digit sits at index 0 from the right; first13's last digit at index 1
    for index, char in enumerate(reversed(first13), start=1):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return first13 + str((10 - total % 10) % 10)


def _formacodes() -> tuple[tuple[str, ...], ...]:
    return tuple(
        tuple(f"{theme[2] + 3 * j + 1000 * (j % 2):05d}" for j in range(theme[3] + 1))
        for theme in _THEMES
    )


_THEME_CODES = _formacodes()
# per theme, per main code: the offer's Formacodes, alone or followed by another of the theme
_THEME_CODE_PAIRS = tuple(
    tuple(((main,), *((main, other) for other in codes if other != main)) for main in codes)
    for codes in _THEME_CODES
)
_THEME_NSF = tuple((theme[9],) for theme in _THEMES)


def _certifications() -> tuple[tuple[Certification, ...], ...]:
    """Each theme's certifications; some registrations end during 2026–2028."""
    out: list[tuple[Certification, ...]] = []
    serial = 0
    for theme in _THEMES:
        certs = []
        for registry, title, level in theme[10]:
            serial += 1
            code = str(5000 + 37 * serial) if registry is Registry.RS else str(34000 + 53 * serial)
            # one in five registrations ends in the period; the others run beyond it
            until = (date(2026, 6, 30) + timedelta(days=97 * serial % 900)
                     if serial % 5 == 0 else date(2029, 12, 31) + timedelta(days=30 * serial))
            certs.append(Certification(registry, code, title, level, until))
        out.append(tuple(certs))
    return tuple(out)


_THEME_CERTIFICATIONS = _certifications()


def _title(choice: Callable[[Sequence[str]], str], theme: _Theme) -> str:
    word, kind = theme[0], theme[1]
    if kind == "lang":
        return f"{word} - {choice(_LANG_LEVELS)}{choice(_LANG_SUFFIX)}"
    if kind == "it":
        return f"{word} {choice(_IT_LEVELS)}{choice(_IT_SUFFIX)}"
    if kind == "pro":
        return f"{word} : {choice(_PRO_LEVELS)}{choice(_PRO_SUFFIX)}"
    if kind == "bilan":
        return choice(_BILAN_TITLES)
    if kind == "vae":
        return choice(_VAE_TITLES)
    if kind == "permis":
        return f"{word}{choice(_PERMIS_SUFFIX)}"
    if kind == "caces":
        return f"{word}{choice(_CACES_SUFFIX)}"
    return f"{word} {choice(_METIER_LEVELS)}{choice(_METIER_SUFFIX)}".replace("  ", " ").strip()


def _price_cents(rng: random.Random, mode: float) -> int:
    """Right-skewed price: lognormal around the theme's mode, clipped to 80–15 000 €."""
    u = rng.random()
    if u < 0.03:  # short, cheap modules
        price = rng.uniform(80, 500)
    elif u < 0.92:  # the bulk, about 500–3 000 € for most themes
        price = rng.lognormvariate(math.log(mode), 0.45)
    elif rng.random() < 0.7:  # long certifying courses
        price = rng.uniform(3000, 15000)
    else:
        price = rng.lognormvariate(math.log(6000), 0.4)
    price = min(15000.0, max(80.0, price))
    v = rng.random()
    if v < 0.70:  # round to 10 € (1 290 €), often one euro under (1 289 €)
        cents = round(price / 10.0) * 1000
        if rng.random() < 0.3:
            cents -= 100
    elif v < 0.95:
        cents = round(price) * 100
    else:
        cents = round(price * 100)
    return max(8000, min(1_500_000, cents))


def _organism(rng: random.Random, index: int, seed: int, region_code: str) -> Organism:
    siren = (index * 7_919_003 + 104_729 * seed + 300_000_000) % 900_000_000 + 100_000_000
    if str(siren) == "356000000":  # La Poste's SIREN follows another check rule
        siren += 1
    siret = _with_check_digit(f"{siren:09d}{1 + (index % 90) * 11:04d}")
    name = f"{rng.choice(_ORG_PREFIX)} {rng.choice(_ORG_WORDS)} {index % 1000 + 1}"
    nda = f"{region_code}{rng.randrange(10**9):09d}"
    u = rng.random()
    if u < 0.04:  # no Qualiopi certification
        qualiopi = None
    else:
        start = date(2022, 1, 1) + timedelta(days=rng.randrange(4 * 365))
        if u < 0.10:  # lapses during the period
            end = date(2026, 1, 1) + timedelta(days=rng.randrange(2 * 365))
            start = min(start, end)
        else:
            end = date(2029, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        qualiopi = QualiopiCertification(start, end)
    return Organism(siret, name, nda, qualiopi)


def _place_pool(rng: random.Random) -> dict[str, tuple[Place, ...]]:
    """A few places per department, scattered within about 20 km of its chief town."""
    pool: dict[str, tuple[Place, ...]] = {}
    for region_code, departments, _ in REGION_WEIGHTS:
        for code in departments:
            dep = department(code)
            places = []
            for _ in range(_PLACES_PER_DEPARTMENT):
                lat = round(dep.latitude + rng.uniform(-0.18, 0.18), 4)
                lon = round(dep.longitude + rng.uniform(-0.25, 0.25), 4)
                places.append(Place(code, region_code, dep.chief_town, None, lat, lon))
            pool[code] = tuple(places)
    return pool


_MAX_SESSIONS = 10_000_000
"""The largest synthetic catalogue, in sessions (a few gigabytes of records)."""


def synthetic_catalog(n: int, seed: int = 42) -> tuple[tuple[Offer, ...], tuple[Session, ...]]:
    """``n`` sessions of synthetic offers, and those offers, the same for the same seed.

    Args:
        n: how many sessions (0 or more); the offers are as many as needed (about ``n / 3.4``).
        seed: the seed of the random source; equal seeds give equal catalogues.

    Returns:
        The offers (in creation order) and the sessions (ids ``S0000001``… in order, each
        offer's sessions together).

    Raises:
        InvalidValue: ``n`` is negative or not an int.
    """
    check_int(n, "n", 0, _MAX_SESSIONS)
    check_int(seed, "seed")
    rng = random.Random(seed)
    rnd = rng.random

    def pick(seq: Sequence[_T]) -> _T:
        return seq[int(rnd() * len(seq))]

    def between(low: int, high: int) -> int:  # inclusive, like randint
        return low + int(rnd() * (high - low + 1))

    theme_cum = _cumulative(t[8] for t in _THEMES)
    region_cum = _cumulative(r[2] for r in REGION_WEIGHTS)
    theme_total, region_total = theme_cum[-1], region_cum[-1]
    places = _place_pool(rng)

    # organisms: about one per 40 sessions, a home department, 1 to 3 specialty themes
    n_org = max(10, n // 40)
    organisms = []
    for index in range(n_org):
        ri = bisect_right(region_cum, rnd() * region_total)
        home = pick(REGION_WEIGHTS[ri][1])
        k = 1 + (rnd() < 0.5) + (rnd() < 0.2)
        themes = tuple(bisect_right(theme_cum, rnd() * theme_total) for _ in range(k))
        organisms.append((_organism(rng, index, seed, REGION_WEIGHTS[ri][0]), home, themes))
    org_cum = _cumulative(1.0 / (1 + (o % 97)) ** 0.6 for o in range(n_org))
    org_total = org_cum[-1]

    first_ord, last_ord = _FIRST_DAY.toordinal(), _LAST_DAY.toordinal()
    # one date object per day of the period, shared by the sessions (less memory, less time)
    days = [date.fromordinal(o) for o in range(first_ord, last_ord + 1)]
    per_week_choices = (7, 10, 14, 21, 35)
    offers: list[Offer] = []
    sessions: list[Session] = []
    sid = 0
    while sid < n:
        organism, home, specialties = organisms[bisect_right(org_cum, rnd() * org_total)]
        ti = (pick(specialties) if rnd() < 0.85
              else bisect_right(theme_cum, rnd() * theme_total))
        theme = _THEMES[ti]
        kind = theme[1]
        offer_id = OfferId(f"{organism.siret}_AF{len(offers) + 1:07d}")
        title = _title(pick, theme)
        codes = _THEME_CODES[ti]
        main = int(rnd() * len(codes))
        formacodes = _THEME_CODE_PAIRS[ti][main][
            0 if rnd() < 0.7 else 1 + int(rnd() * (len(codes) - 1))]
        h_lo, h_hi = theme[4]
        hours = (between(h_lo, h_hi) if rnd() < 0.6
                 else round(rng.triangular(h_lo, h_hi, h_lo)))
        base = _price_cents(rng, theme[5] * (0.6 + hours / (h_lo + h_hi)))
        m = rnd()
        modality = (Modality.DISTANCE if m < theme[6]
                    else Modality.MIXED if m < theme[6] + theme[7] else Modality.IN_PERSON)
        certs = _THEME_CERTIFICATIONS[ti]
        certification = pick(certs) if certs else None
        if kind in _KIND_ACTION:
            action = _KIND_ACTION[kind]
        elif kind == "permis":
            action = (ActionType.DRIVING_LICENCE_HEAVY if theme[0] in _HEAVY_LICENCES
                      else ActionType.DRIVING_LICENCE_LIGHT)
        elif certification is not None and certification.registry is Registry.RNCP:
            action = ActionType.RNCP
        else:  # every other theme has certifications
            action = ActionType.RS
        options: tuple[Option, ...] = ()
        if rnd() < 0.15:
            first = int(rnd() * len(_OPTIONS))
            picked = (first,) if rnd() < 0.7 else tuple(sorted({first, int(rnd() * len(_OPTIONS))}))
            options = tuple(
                Option(key, label, Euros(between(lo // 100, hi // 100) * 100), fundable)
                for key, label, lo, hi, fundable in (_OPTIONS[i] for i in picked)
            )
        offers.append(Offer(
            offer_id, organism, title, certification, formacodes, Euros(base), hours,
            modality, action, _SUMMARIES[kind], _THEME_NSF[ti], options,
        ))
        # an offer runs as 1 to 6 sessions (same title, different dates and places)
        n_sess = min(n - sid, 6, 1 + int(rng.expovariate(0.6)))
        for _ in range(n_sess):
            sid += 1
            place: Place | None = None
            if modality is not Modality.DISTANCE:
                dep = (home if rnd() < 0.8 else
                       pick(REGION_WEIGHTS[bisect_right(region_cum, rnd() * region_total)][1]))
                place = pick(places[dep])
            span = min(400, max(0, math.ceil(hours / pick(per_week_choices) * 7) - 1))
            start = between(first_ord, last_ord - span)
            price = None
            if rnd() >= 0.8:
                own = min(1_500_000, max(8000, base + between(-20, 20) * 1000))
                price = Euros(own) if own != base else None
            seats = None if rnd() < 0.7 else between(0, 24)
            sessions.append(Session(
                SessionId(f"S{sid:07d}"), offer_id, days[start - first_ord],
                days[start + span - first_ord], place, seats, price,
            ))
    return tuple(offers), tuple(sessions)


@attrs.frozen
class SyntheticRating:
    """An offer's synthetic rating.

    Attributes:
        mean: the average score out of 5, to one decimal (1.0 to 5.0); ``None`` with no review.
        count: the number of reviews (0 to 2 500).
    """

    mean: float | None
    count: int


_NORMAL = NormalDist()


def _uniforms(seed: int, key: str) -> tuple[float, float, float, float]:
    digest = hashlib.blake2b(f"{seed}:{key}".encode(), digest_size=16).digest()
    return tuple(  # type: ignore[return-value]
        (int.from_bytes(digest[i:i + 4], "big") + 0.5) / 2**32 for i in range(0, 16, 4)
    )


def synthetic_ratings(offers: Iterable[Offer], seed: int = 42) -> Mapping[OfferId, SyntheticRating]:
    """A rating for each offer: 30 % have no review, the others a count skewed toward a few.

    An organism has a quality (3.2 to 4.9) and its offers' means scatter around it. Each value
    comes from a hash of ``seed`` and the offer id (or the SIRET), so an offer's rating does not
    depend on the other offers asked for nor on their order.

    >>> offers, _ = synthetic_catalog(20, seed=1)
    >>> ratings = synthetic_ratings(offers, seed=1)
    >>> sorted(ratings) == sorted(o.offer_id for o in offers)
    True
    >>> synthetic_ratings(reversed(offers), seed=1) == ratings
    True
    """
    check_int(seed, "seed")
    quality: dict[str, float] = {}
    out: dict[OfferId, SyntheticRating] = {}
    inv_cdf = _NORMAL.inv_cdf
    for offer in check_iterable(offers, "offers", Offer):
        siret = offer.organism.siret
        if siret not in quality:
            quality[siret] = 3.2 + 1.7 * _uniforms(seed, siret)[0]
        u1, u2, u3, _ = _uniforms(seed, offer.offer_id)
        if u1 < 0.3:
            out[offer.offer_id] = SyntheticRating(None, 0)
            continue
        count = max(1, int(min(2500.0, math.exp(2.5 + 1.3 * inv_cdf(u2)))))
        mean = round(min(5.0, max(1.0, quality[siret] + 0.35 * inv_cdf(u3))), 1)
        out[offer.offer_id] = SyntheticRating(mean, count)
    return out
