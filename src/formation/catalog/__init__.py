"""The catalogue: organisms, certifications, offers with their options, sessions and places
(:mod:`formation.catalog.offers`), their eligibility (:mod:`formation.catalog.eligibility`) and the
French geography they are placed in (:mod:`formation.catalog.geography`).
"""

from __future__ import annotations

from formation.catalog.offers import (
    Certification as Certification,
)
from formation.catalog.offers import (
    Modality as Modality,
)
from formation.catalog.offers import (
    Offer as Offer,
)
from formation.catalog.offers import (
    Option as Option,
)
from formation.catalog.offers import (
    Organism as Organism,
)
from formation.catalog.offers import (
    Place as Place,
)
from formation.catalog.offers import (
    QualiopiCertification as QualiopiCertification,
)
from formation.catalog.offers import (
    Registry as Registry,
)
from formation.catalog.offers import (
    Session as Session,
)
from formation.catalog.offers import (
    is_valid_siret as is_valid_siret,
)

__all__ = [
    "Certification",
    "Modality",
    "Offer",
    "Option",
    "Organism",
    "Place",
    "QualiopiCertification",
    "Registry",
    "Session",
    "is_valid_siret",
]
