"""What users read, in French or English: the language, the way a day is written, a thing's name.

Every text the library shows (a plan's explanation, a refund, the command line) is in French by
default and in English on request. The accepted languages, the check of a ``lang`` argument, the
way a day is written (``05/12/2025`` in French, ``2025-12-05`` in English), yes and no, and how a
labelled thing (a funder, an action type, a rulebook parameter: anything with ``label_fr`` and
``label_en``) names itself are defined here once.

>>> from datetime import date
>>> day_text(date(2025, 12, 5), "fr"), day_text(date(2025, 12, 5), "en")
('05/12/2025', '2025-12-05')
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from formation.errors import InvalidValue

__all__ = ["LANGS", "Labelled", "check_lang", "day_text", "label", "yes_no"]

LANGS: tuple[str, ...] = ("fr", "en")
"""The languages of what users read; the first is the default."""


class Labelled(Protocol):
    """A thing that names itself in French and in English."""

    @property
    def label_fr(self) -> str: ...  # pragma: no cover

    @property
    def label_en(self) -> str: ...  # pragma: no cover


def check_lang(lang: object) -> str:
    """Return ``lang`` if it is ``"fr"`` or ``"en"``, else raise ``InvalidValue``."""
    if lang != "fr" and lang != "en":
        raise InvalidValue(f"lang must be 'fr' or 'en', got {lang!r}")
    return "fr" if lang == "fr" else "en"


def day_text(day: date, lang: str) -> str:
    """A day as users read it: ``05/12/2025`` in French, ISO ``2025-12-05`` in English."""
    return f"{day:%d/%m/%Y}" if lang == "fr" else day.isoformat()


def yes_no(value: bool, lang: str) -> str:
    """``oui``/``non`` in French, ``yes``/``no`` in English."""
    if lang == "fr":
        return "oui" if value else "non"
    return "yes" if value else "no"


def label(thing: Labelled, lang: str) -> str:
    """The name of ``thing`` in ``lang`` (``label_fr`` or ``label_en``)."""
    return thing.label_fr if lang == "fr" else thing.label_en
