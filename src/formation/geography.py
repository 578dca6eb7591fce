"""Moved to :mod:`formation.catalog.geography`; this import path keeps working (an alias)."""

from __future__ import annotations

from formation.catalog.geography import (
    DEPARTMENTS as DEPARTMENTS,
)
from formation.catalog.geography import (
    REGIONS as REGIONS,
)
from formation.catalog.geography import (
    Department as Department,
)
from formation.catalog.geography import (
    Region as Region,
)
from formation.catalog.geography import (
    department as department,
)
from formation.catalog.geography import (
    department_code as department_code,
)
from formation.catalog.geography import (
    departments_of as departments_of,
)
from formation.catalog.geography import (
    name_key as name_key,
)
from formation.catalog.geography import (
    region as region,
)
from formation.catalog.geography import (
    region_code as region_code,
)

__all__ = [
    "DEPARTMENTS",
    "Department",
    "REGIONS",
    "Region",
    "department",
    "department_code",
    "departments_of",
    "name_key",
    "region",
    "region_code",
]
