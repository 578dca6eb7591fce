"""Who may top up a CPF account (*abondement*), and what their money does to the rules.

Article L6323-4 II of the Code du travail lets a list of funders add money to a training when
the holder's rights fall short. Top-ups are outside the ceiling; some of them exempt the holder
from the compulsory flat participation (employer, agreements, C2P points, AT/MP retraining).
Which ones, and in which order they are used, are rulebook parameters. Since 5 December 2025
(décret n° 2025-1156, R6333-3) the order of use has tiers, each a :class:`FundingSource`: the
dotations credited to the account, then the holder's rights, then the complementary top-ups
asked for the order. Sources: ``cpf-rules.md`` sections 3 and 4.
"""

from __future__ import annotations

import enum

__all__ = ["Funder", "FundingSource"]


@enum.unique
class Funder(enum.Enum):
    """A source of top-up money (*financeur*)."""

    EMPLOYER = "employeur"  # the holder's employer (voluntary or corrective dotation)
    AGREEMENT = "accord"  # a company, group or branch agreement, or OPCO social partners' one
    OPCO = "opco"  # an opérateur de compétences
    C2P = "c2p"  # CNAM, compte professionnel de prévention points
    AT_MP = "at-mp"  # Sécurité sociale AT/MP branch, retraining after a workplace injury
    STATE = "etat"  # the State
    REGION = "region"  # a regional council
    FRANCE_TRAVAIL = "france-travail"  # France Travail (formerly Pôle emploi)
    AGEFIPH = "agefiph"  # Agefiph, for disabled workers
    FAF = "faf"  # a self-employed workers' training fund
    CMA = "cma"  # a chamber of trades (chambre de métiers et de l'artisanat)
    LOCAL_AUTHORITY = "collectivite"  # another local authority
    SANTE_PUBLIQUE_FRANCE = "sante-publique-france"  # the health reserve
    UNEDIC = "unedic"  # Unédic
    HOLDER = "titulaire"  # the holder's own top-up paid in advance

    @property
    def label_fr(self) -> str:
        """The French name shown to holders."""
        return _LABELS_FR[self]

    @property
    def label_en(self) -> str:
        """The English name."""
        return _LABELS_EN[self]

    @property
    def third_party(self) -> bool:
        """Whether the money comes from someone other than the holder."""
        return self is not Funder.HOLDER


_LABELS_FR = {
    Funder.EMPLOYER: "employeur",
    Funder.AGREEMENT: "accord d'entreprise, de groupe ou de branche",
    Funder.OPCO: "OPCO",
    Funder.C2P: "compte professionnel de prévention (C2P)",
    Funder.AT_MP: "branche AT/MP (reconversion)",
    Funder.STATE: "État",
    Funder.REGION: "région",
    Funder.FRANCE_TRAVAIL: "France Travail",
    Funder.AGEFIPH: "Agefiph",
    Funder.FAF: "fonds d'assurance formation (FAF)",
    Funder.CMA: "chambre de métiers et de l'artisanat",
    Funder.LOCAL_AUTHORITY: "collectivité territoriale",
    Funder.SANTE_PUBLIQUE_FRANCE: "Santé publique France",
    Funder.UNEDIC: "Unédic",
    Funder.HOLDER: "titulaire",
}
_LABELS_EN = {
    Funder.EMPLOYER: "employer",
    Funder.AGREEMENT: "company, group or branch agreement",
    Funder.OPCO: "OPCO",
    Funder.C2P: "occupational prevention account (C2P)",
    Funder.AT_MP: "AT/MP branch (retraining)",
    Funder.STATE: "State",
    Funder.REGION: "region",
    Funder.FRANCE_TRAVAIL: "France Travail",
    Funder.AGEFIPH: "Agefiph",
    Funder.FAF: "training insurance fund (FAF)",
    Funder.CMA: "chamber of trades (CMA)",
    Funder.LOCAL_AUTHORITY: "local authority",
    Funder.SANTE_PUBLIQUE_FRANCE: "Santé publique France",
    Funder.UNEDIC: "Unédic",
    Funder.HOLDER: "holder",
}


@enum.unique
class FundingSource(enum.Enum):
    """One tier of the order of use: what pays for an order, in the rulebook's ``order_of_use``.

    Until 4 December 2025 the platform used the rights, then every top-up (``TOP_UPS``, in the
    funders' priority order). From 5 December 2025 (décret n° 2025-1156, R6333-3 I–II) it uses
    the dotations credited to the account (``DOTATIONS``), then the rights, then the top-ups
    asked for this order (``COMPLEMENTARY``).
    """

    DOTATIONS = "dotations"  # supplementary feedings credited before the order (TopUpKind.DOTATION)
    RIGHTS = "rights"  # the holder's acquired rights (credits, converted hours, DIF)
    COMPLEMENTARY = "complementary"  # top-ups asked for this order (TopUpKind.COMPLEMENTARY)
    TOP_UPS = "top-ups"  # every top-up, whatever its kind, in one tier (the order until 2025)

    @property
    def label_fr(self) -> str:
        """The French name shown to holders."""
        return _SOURCE_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """The English name."""
        return _SOURCE_LABELS[self][1]


_SOURCE_LABELS = {
    FundingSource.DOTATIONS: ("dotations", "dotations"),
    FundingSource.RIGHTS: ("droits du titulaire", "holder's rights"),
    FundingSource.COMPLEMENTARY: ("abondements complémentaires", "complementary top-ups"),
    FundingSource.TOP_UPS: ("abondements", "top-ups"),
}
