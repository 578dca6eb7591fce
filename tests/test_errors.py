"""The error families: one root, each also the fitting builtin."""

from __future__ import annotations

import pytest

import formation as fm


@pytest.mark.parametrize(
    ("family", "builtin"),
    [
        (fm.InvalidValue, ValueError),
        (fm.InvalidTransition, ValueError),
        (fm.RuleViolation, ValueError),
        (fm.InsufficientCredit, ValueError),
        (fm.ConflictError, RuntimeError),
        (fm.DuplicateEntry, ValueError),
        (fm.NotAuthorized, PermissionError),
        (fm.NotFound, LookupError),
    ],
)
def test_every_family_is_a_formation_error_and_a_builtin(family: type, builtin: type) -> None:
    assert issubclass(family, fm.FormationError)
    assert issubclass(family, builtin)


def test_rule_violation_carries_every_violation() -> None:
    first = fm.Violation("a.b", "first", "offer-1")
    second = fm.Violation("c.d", "second")
    error = fm.RuleViolation([first, second])
    assert error.violations == (first, second)
    assert error.codes == ("a.b", "c.d")
    assert "offer-1" in str(error) and "second" in str(error)


def test_rule_violation_needs_a_violation() -> None:
    with pytest.raises(fm.InvalidValue):
        fm.RuleViolation([])
