"""What a CPF-funded training *is*: the kinds of action the law makes eligible.

Article L6323-6 of the Code du travail lists what CPF rights may pay for; the rulebook says which
kinds are eligible on a given day (business creation left on 16 February 2025) and which are
capped (from 26 February 2026). Source: ``cpf-rules.md`` sections 4.1 and 7.1.
"""

from __future__ import annotations

import enum

__all__ = ["ActionType"]


@enum.unique
class ActionType(enum.Enum):
    """A kind of training action, as the funding and eligibility rules tell them apart."""

    RNCP = "rncp"  # training toward an RNCP certification or one of its skills blocks
    RS = "rs"  # training toward a Répertoire spécifique certification (other than CléA)
    CLEA = "clea"  # CléA, the basic-skills certification (RS, but exempt from the RS cap)
    VAE = "vae"  # support for the validation of acquired experience, after admissibility
    SKILLS_ASSESSMENT = "bilan"  # bilan de compétences
    DRIVING_LICENCE_LIGHT = "permis-leger"  # light-vehicle licence (permis B group, motorcycles)
    DRIVING_LICENCE_HEAVY = "permis-lourd"  # heavy-vehicle licences (C1, C, D1, D, …E)
    BUSINESS_CREATION = "creation-entreprise"  # skills for creating or taking over a business

    @property
    def label_fr(self) -> str:
        """The French name shown to holders."""
        return _LABELS_FR[self]

    @property
    def label_en(self) -> str:
        """The English name."""
        return _LABELS_EN[self]


_LABELS_FR = {
    ActionType.RNCP: "certification RNCP",
    ActionType.RS: "certification du Répertoire spécifique",
    ActionType.CLEA: "certification CléA",
    ActionType.VAE: "accompagnement VAE",
    ActionType.SKILLS_ASSESSMENT: "bilan de compétences",
    ActionType.DRIVING_LICENCE_LIGHT: "permis de conduire (véhicule léger)",
    ActionType.DRIVING_LICENCE_HEAVY: "permis de conduire (poids lourd)",
    ActionType.BUSINESS_CREATION: "création ou reprise d'entreprise",
}
_LABELS_EN = {
    ActionType.RNCP: "RNCP certification",
    ActionType.RS: "Répertoire spécifique certification",
    ActionType.CLEA: "CléA certification",
    ActionType.VAE: "VAE support",
    ActionType.SKILLS_ASSESSMENT: "skills assessment (bilan de compétences)",
    ActionType.DRIVING_LICENCE_LIGHT: "driving licence (light vehicle)",
    ActionType.DRIVING_LICENCE_HEAVY: "driving licence (heavy vehicle)",
    ActionType.BUSINESS_CREATION: "business creation or takeover",
}
