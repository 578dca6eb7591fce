"""The errors ``formation`` raises on purpose.

Every error raised on purpose is a :class:`FormationError`. Each family below also subclasses
the builtin that fits, so callers that only know Python's own hierarchy still catch them:

========================  ====================  =============================================
family                    also a                raised when
========================  ====================  =============================================
``InvalidValue``          ``ValueError``        a value has the wrong type or is out of range
``InvalidType``           ``TypeError``         (an ``InvalidValue``) a float as money, a record
                                                of the wrong class
``InvalidTransition``     ``ValueError``        a state change is not allowed from this state
``RuleViolation``         ``ValueError``        a legal rule is breached (carries violations)
``InsufficientCredit``    ``ValueError``        money is short (a hold above what is available)
``ConflictError``         ``RuntimeError``      a stale write (optimistic version check)
``DuplicateEntry``        ``ValueError``        an identifier is reused for another record
``NotAuthorized``         ``PermissionError``   a party acts where it has no right
``NotFound``              ``LookupError``       a record is missing
``StorageError``          ``OSError``           a store cannot be read or written (a corrupted
                                                or foreign file, a read-only place, a full disk)
========================  ====================  =============================================

Business rules do not raise: they return a tuple of :class:`Violation`; the services decide
to raise :class:`RuleViolation` with all of them at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

import attrs

from formation.messages import LANGUAGES, render

__all__ = [
    "ConflictError",
    "DuplicateEntry",
    "FormationError",
    "InsufficientCredit",
    "InvalidTransition",
    "InvalidType",
    "InvalidValue",
    "NotAuthorized",
    "NotFound",
    "RuleViolation",
    "StorageError",
    "Violation",
]


class FormationError(Exception):
    """The root of every error ``formation`` raises on purpose.

    Every error has a stable dotted :attr:`code` and a :meth:`message` in French or English
    from the catalogue :mod:`formation.messages`; ``str(error)`` is the English message.

    >>> error = InvalidValue(code="money.negative", field="price", value="-1,00 €")
    >>> error.code, str(error)
    ('money.negative', 'price cannot be negative, got -1,00 €')
    >>> error.message("fr")
    '« price » ne peut pas être négatif ; reçu : -1,00 €'
    >>> legacy = InvalidValue("seats must be an int")   # a message only: the family's code
    >>> legacy.code, legacy.message("fr")
    ('value.invalid', "une valeur fournie n'est pas acceptée")

    Args:
        *args: the English message (when omitted, rendered from the catalogue).
        code: the code of the message; the family's code (``default_code``) when omitted.
        **params: the values of the message's placeholders (``field``, ``value``, bounds),
            already shortened for display.
    """

    default_code: ClassVar[str] = "value.invalid"
    code: str
    params: Mapping[str, object]

    def __init__(self, *args: object, code: str | None = None, **params: object) -> None:
        if code is not None and not isinstance(code, str):
            raise InvalidValue(f"an error's code is a dotted str, got {type(code).__name__}",
                               code="value.wrong_type")
        self.code = code if code is not None else type(self).default_code
        self.params = params
        if not args:
            english = render(self.code, "en", params)
            args = (english,) if english is not None else ()
        super().__init__(*args)

    def message(self, lang: str = "fr") -> str:
        """The message for people, in ``lang`` (``"fr"``, the default, or ``"en"``).

        In English it is ``str(error)``. In French it is the catalogue's message for
        :attr:`code`, or, when the catalogue has none (or the raise site gave no parameters),
        the message of the error's family.

        Raises:
            InvalidValue: ``lang`` is neither ``"fr"`` nor ``"en"``.
        """
        if lang not in LANGUAGES:
            raise InvalidValue(f"lang must be one of {LANGUAGES!r}, got {_short(lang)}",
                               code="enum.unknown", field="lang", accepted=repr(LANGUAGES),
                               value=_short(lang))
        if lang == "en":
            return str(self) or _family_message(type(self), "en")
        found = render(self.code, "fr", self.params)
        return found if found is not None else _family_message(type(self), "fr")

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), self.args, self.code, dict(self.params)))


def _rebuild(kind: type[FormationError], args: tuple[object, ...], code: str,
             params: dict[str, object]) -> FormationError:
    error = kind.__new__(kind)
    Exception.__init__(error, *args)
    error.code = code
    error.params = params
    return error


def _family_message(kind: type, lang: str) -> str:
    for cls in kind.__mro__:
        code = getattr(cls, "default_code", None)
        if code is not None:
            found = render(code, lang, {})
            if found is not None:
                return found
    return render("value.invalid", lang, {}) or ""


def _short(value: object) -> str:
    try:
        text = repr(value) if isinstance(value, str) else type(value).__name__
    except Exception:  # pragma: no cover - a str always has a repr
        text = "?"
    return text[:40]


class InvalidValue(FormationError, ValueError):
    """A value of the wrong type or out of range; the message names it and what is accepted."""

    default_code = "value.invalid"


class InvalidType(InvalidValue, TypeError):
    """A value of the wrong type where Python itself would raise ``TypeError`` (a float as
    money, a record of the wrong class): both an ``InvalidValue`` and a ``TypeError``."""

    default_code = "value.wrong_type"


class InvalidTransition(FormationError, ValueError):
    """A state change that is not allowed from the record's current state."""

    default_code = "state.transition_refused"


@attrs.frozen
class Violation:
    """One breached rule.

    Attributes:
        code: a stable, machine-readable identifier (``"pfo.driving_licence_cofunding"``).
        message: a sentence for people, naming the values involved.
        subject: what the rule was checked on (an identifier, a field name), or ``""``.
    """

    code: str
    message: str
    subject: str = ""

    def __str__(self) -> str:
        where = f" ({self.subject})" if self.subject else ""
        return f"[{self.code}]{where} {self.message}"


class RuleViolation(FormationError, ValueError):
    """One or more legal rules are breached; ``violations`` lists every one of them."""

    default_code = "rule.violated"
    violations: tuple[Violation, ...]

    def __init__(self, violations: Iterable[Violation]) -> None:
        given: object = violations
        if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
            raise InvalidValue(
                f"RuleViolation takes an iterable of Violation, got {type(violations).__name__}")
        found = tuple(violations)
        if not found:
            raise InvalidValue("RuleViolation needs at least one Violation, got none")
        for violation in found:
            if not isinstance(violation, Violation):
                raise InvalidValue(
                    f"RuleViolation takes Violation records, got {type(violation).__name__}")
        self.violations = found
        # one rule: its own code; several: the family's plural code (each in ``codes``)
        super().__init__("; ".join(str(v) for v in found),
                         code=found[0].code if len(found) == 1 else "rule.violations")

    def message(self, lang: str = "fr") -> str:
        """Each violated rule's message in ``lang``, joined by ``"; "``.

        A rule whose code the catalogue lacks is shown with the family's sentence in French.
        """
        if lang == "en" or lang not in LANGUAGES:
            return super().message(lang)
        family = _family_message(RuleViolation, "fr")
        shown = [render(v.code, "fr", {}) or family for v in self.violations]
        return "; ".join(dict.fromkeys(shown))

    def __reduce__(self) -> tuple[object, ...]:
        return (RuleViolation, (self.violations,))

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the violated rules, in order."""
        return tuple(v.code for v in self.violations)


class InsufficientCredit(FormationError, ValueError):
    """An operation needs more money than is available."""

    default_code = "credit.insufficient"


class ConflictError(FormationError, RuntimeError):
    """A write based on a stale version of a record: reload and retry."""

    default_code = "store.conflict"


class DuplicateEntry(FormationError, ValueError):
    """An identifier already used by a different record."""

    default_code = "id.duplicate"


class NotAuthorized(FormationError, PermissionError):
    """The acting party has no right to do this."""

    default_code = "party.not_authorized"


class NotFound(FormationError, LookupError):
    """The record asked for does not exist."""

    default_code = "record.not_found"


class StorageError(FormationError, OSError):
    """A store cannot be read or written: a corrupted or foreign file, no right to write, a
    full disk. Nothing stored before is changed by the operation that failed."""

    default_code = "store.unavailable"
