"""The errors ``formation`` raises on purpose.

Every error raised on purpose is a :class:`FormationError`. Each family below also subclasses
the builtin that fits, so callers that only know Python's own hierarchy still catch them:

========================  ====================  =============================================
family                    also a                raised when
========================  ====================  =============================================
``InvalidValue``          ``ValueError``        a value has the wrong type or is out of range
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

from collections.abc import Iterable

import attrs

__all__ = [
    "ConflictError",
    "DuplicateEntry",
    "FormationError",
    "InsufficientCredit",
    "InvalidTransition",
    "InvalidValue",
    "NotAuthorized",
    "NotFound",
    "RuleViolation",
    "StorageError",
    "Violation",
]


class FormationError(Exception):
    """The root of every error ``formation`` raises on purpose."""


class InvalidValue(FormationError, ValueError):
    """A value of the wrong type or out of range; the message names it and what is accepted."""


class InvalidTransition(FormationError, ValueError):
    """A state change that is not allowed from the record's current state."""


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

    violations: tuple[Violation, ...]

    def __init__(self, violations: Iterable[Violation]) -> None:
        found = tuple(violations)
        if not found:
            raise InvalidValue("RuleViolation needs at least one Violation, got none")
        self.violations = found
        super().__init__("; ".join(str(v) for v in found))

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the violated rules, in order."""
        return tuple(v.code for v in self.violations)


class InsufficientCredit(FormationError, ValueError):
    """An operation needs more money than is available."""


class ConflictError(FormationError, RuntimeError):
    """A write based on a stale version of a record: reload and retry."""


class DuplicateEntry(FormationError, ValueError):
    """An identifier already used by a different record."""


class NotAuthorized(FormationError, PermissionError):
    """The acting party has no right to do this."""


class NotFound(FormationError, LookupError):
    """The record asked for does not exist."""


class StorageError(FormationError, OSError):
    """A store cannot be read or written: a corrupted or foreign file, no right to write, a
    full disk. Nothing stored before is changed by the operation that failed."""
