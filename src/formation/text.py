"""French text as the search compares it: folded case, no accents, split into words.

A holder types "comptabilite" and expects "Comptabilité"; types "Prise de parole" and expects
"PRISE DE PAROLE EN PUBLIC". :func:`fold` lower-cases with Unicode case folding, spells the
ligatures out (``œ`` → ``oe``, ``æ`` → ``ae``) and removes accents (canonical decomposition, then
the combining marks are dropped); :func:`words` splits the folded text on everything that is not
a letter or a digit, so apostrophes and hyphens separate words (``"l'expérience"`` gives ``l`` and
``experience``). No stemming and no stop words: every word of a query must be found as it is
(the search lets the last one be a prefix). Source: ``cpf-rules.md`` section 10 (the keyword
search over titles, certifications and trades).

>>> words("Œnologie : l'Expérience du Sommelier (niveau 2)")
('oenologie', 'l', 'experience', 'du', 'sommelier', 'niveau', '2')
>>> fold("Comptabilité") == fold("COMPTABILITE")
True
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "words"]

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_WORD = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """``text`` case-folded, ligatures spelled out, accents removed.

    >>> fold("Français langue étrangère")
    'francais langue etrangere'
    """
    # compatibility forms first (so that "𝕊" or "ﬁ" fold too), then case, then again, since
    # folding the case may leave composed letters ("İ" gives "i" and a dot above)
    folded = unicodedata.normalize("NFKD", text).casefold().translate(_LIGATURES)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> tuple[str, ...]:
    """The words of ``text`` after :func:`fold`: runs of ASCII letters and digits.

    Letters that have no ASCII form once folded (Greek, Cyrillic…) are not words for the search.

    >>> words("Excel - certification TOSA/ICDL")
    ('excel', 'certification', 'tosa', 'icdl')
    """
    return tuple(_WORD.findall(fold(text)))
