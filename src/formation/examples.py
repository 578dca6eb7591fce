"""Example data for the demo and the docs: **made up, not real offers nor real resources**.

- :func:`personalised_offer`: an English training whose holder picks a format, the exam or not,
  and add-ons (an option that requires another, two that exclude each other);
- :func:`modular_offer`: a web-development path composed of modules;
- :data:`EXAMPLE_RESOURCES`: a small set of free or cheap learning resources, MOOC-like, each
  titled "(exemple)" and published by "Exemple" providers at ``example.org`` addresses (a
  reserved domain): they show the shape of the data an app supplies, nothing more.

The organism, its SIRET and the certifications are examples too (the SIRET has a valid check
digit; the certification codes are made up, except the real RS6205, Tosa Illustrator, which the
demo's resources lead to, beside the real offer it books).
"""

from __future__ import annotations

from datetime import date

from formation.catalog.offers import (
    Certification,
    Modality,
    Offer,
    Option,
    OptionGroup,
    Organism,
    Pick,
    QualiopiCertification,
    Registry,
)
from formation.ids import OfferId
from formation.learning import LearningResource, ResourceId
from formation.money import Euros
from formation.rules.actions import ActionType

__all__ = [
    "EXAMPLE_ORGANISM",
    "EXAMPLE_RESOURCES",
    "modular_offer",
    "personalised_offer",
]

EXAMPLE_ORGANISM = Organism(
    "78959578200051", "Exemple Formation (organisme fictif)", "11755555575",
    QualiopiCertification(date(2024, 1, 1), date(2028, 12, 31)))
"""A made-up organism, Qualiopi-certified for the years of the examples."""

_ENGLISH_EXAM = Certification(Registry.RS, "9901", "Test d'anglais (exemple)")
_WEB_DIPLOMA = Certification(Registry.RNCP, "99902", "Développeur web (exemple)", 5)


def personalised_offer() -> Offer:
    """An English training to personalise (made up): 1 440 € for 40 hours, then

    - a format, exactly one: evenings or Saturdays (no extra), or intensive (+120 €);
    - the exam, or not: +150 €, 2 hours;
    - add-ons, any: 10 hours of coaching (+300 €, requires the exam), a paper book (+35 €,
      not fundable by CPF rights) or three months of e-learning (+60 €, 20 hours), the book
      and the e-learning excluding each other.
    """
    return Offer(
        OfferId("EX-ANGLAIS-PERSO"), EXAMPLE_ORGANISM, "Anglais professionnel à la carte",
        _ENGLISH_EXAM, ("15234",), Euros.whole(1440), 40, Modality.MIXED, ActionType.RS,
        summary="Exemple d'offre personnalisable : format, examen et compléments au choix.",
        option_groups=(
            OptionGroup("format", "Rythme", (
                Option("soirs", "Cours du soir (18 h – 21 h)", Euros(0)),
                Option("samedis", "Le samedi", Euros(0)),
                Option("intensif", "Intensif sur deux semaines", Euros.whole(120)),
            ), Pick.EXACTLY_ONE),
            OptionGroup("examen", "Passage de la certification", (
                Option("examen", "Test d'anglais en fin de parcours", Euros.whole(150),
                       hours=2),
            ), Pick.AT_MOST_ONE),
            OptionGroup("complements", "Compléments", (
                Option("coaching", "10 h de coaching individuel", Euros.whole(300), hours=10,
                       requires=("examen",)),
                Option("manuel", "Manuel papier", Euros.whole(35), cpf_fundable=False,
                       excludes=("numerique",)),
                Option("numerique", "Trois mois d'e-learning", Euros.whole(60), hours=20),
            ), Pick.ANY),
        ))


def modular_offer() -> Offer:
    """A web-development path composed of modules (made up): 200 € and 7 hours of welcome
    and assessment, then at least one module, each with its hours and price; JavaScript
    requires HTML and CSS, React requires JavaScript, and the final project (not fundable by
    CPF rights: a personal hosting) requires React."""
    return Offer(
        OfferId("EX-WEB-MODULAIRE"), EXAMPLE_ORGANISM, "Développeur web : parcours modulaire",
        _WEB_DIPLOMA, ("31067",), Euros.whole(200), 7, Modality.DISTANCE, ActionType.RNCP,
        summary="Exemple d'offre modulaire : chacun compose son parcours.",
        option_groups=(
            OptionGroup("modules", "Modules", (
                Option("html", "HTML et CSS", Euros.whole(700), hours=35),
                Option("js", "JavaScript", Euros.whole(1400), hours=70, requires=("html",)),
                Option("react", "React", Euros.whole(1500), hours=70, requires=("js",)),
                Option("projet", "Projet final et hébergement", Euros.whole(90), hours=14,
                       cpf_fundable=False, requires=("react",)),
            ), Pick.AT_LEAST_ONE),
        ))


_FREE = Euros(0)


def _resource(number: int, title: str, provider: str, codes: tuple[str, ...], hours: int,
              cost: Euros = _FREE, certification: Certification | None = None
              ) -> LearningResource:
    return LearningResource(
        ResourceId(f"EX-R{number:02d}"), f"{title} (exemple)", f"Exemple — {provider}",
        f"https://example.org/ressources/{number:02d}", codes, hours, cost, certification)


EXAMPLE_RESOURCES: tuple[LearningResource, ...] = (
    _resource(1, "Anglais professionnel : les bases", "MOOC ouvert", ("15234",), 30),
    _resource(2, "Anglais des réunions et des courriels", "cours en ligne", ("15234",), 18),
    _resource(3, "Préparer un test d'anglais en autonomie", "plateforme d'entraînement",
              ("15234",), 40, Euros.whole(29), _ENGLISH_EXAM),
    _resource(4, "Excel : tableaux croisés dynamiques", "tutoriels vidéo", ("70322",), 8),
    _resource(5, "Initiation à Python", "MOOC universitaire", ("31054",), 35),
    _resource(6, "HTML et CSS pour débuter", "cours ouvert", ("31067",), 25),
    _resource(7, "Comptabilité générale : premiers pas", "MOOC ouvert", ("32663",), 20),
    _resource(8, "Prendre la parole en public", "podcast et exercices", ("15093",), 6),
    _resource(9, "Illustrator : les bases du dessin vectoriel", "tutoriels vidéo", ("46006",),
              15),
    _resource(10, "S'entraîner à la certification Tosa Illustrator", "plateforme d'entraînement",
              ("46006",), 25, Euros.whole(19),
              Certification(Registry.RS, "6205", "Tosa Illustrator")),
)
"""Made-up learning resources for the demo and the docs (titled "(exemple)")."""
