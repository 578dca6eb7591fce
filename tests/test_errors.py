"""The error families: one root, each also the fitting builtin."""

from __future__ import annotations

import pickle

import pytest

import formation as fm
from formation.messages import MESSAGES, placeholders


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


# -- codes and messages an app can show ----------------------------------------------------

FAMILIES = [fm.InvalidValue, fm.InvalidTransition, fm.InsufficientCredit, fm.ConflictError,
            fm.DuplicateEntry, fm.NotAuthorized, fm.NotFound, fm.StorageError]


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_has_a_dotted_code_and_a_french_message_even_from_a_plain_message(
        family: type[fm.FormationError]) -> None:
    error = family("something went wrong with 'x'")
    assert error.code == family.default_code
    assert "." in error.code
    assert str(error) == "something went wrong with 'x'" == error.message("en")
    assert error.message("fr") == error.message() != error.message("en")
    assert error.message("fr") == MESSAGES[family.default_code][1]


def test_a_coded_error_renders_its_english_text_and_its_french_message_from_the_catalogue(
        ) -> None:
    error = fm.InvalidValue(code="money.negative", field="price", value="-1,00 €")
    assert str(error) == "price cannot be negative, got -1,00 €"
    assert error.message("fr") == "« price » ne peut pas être négatif ; reçu : -1,00 €"


def test_a_code_given_with_an_english_message_keeps_the_message_and_falls_back_in_french(
        ) -> None:
    error = fm.InvalidValue("seats must be positive", code="int.out_of_range")
    assert str(error) == "seats must be positive"
    assert error.code == "int.out_of_range"
    assert error.message("fr") == MESSAGES["value.invalid"][1]


def test_an_unknown_language_is_refused_with_an_invalid_value() -> None:
    with pytest.raises(fm.InvalidValue, match="lang"):
        fm.NotFound("x").message("de")


def test_a_rule_violation_has_the_code_of_its_rule_or_the_plural_code() -> None:
    one = fm.RuleViolation([fm.Violation("eligibility.qualiopi_missing", "no Qualiopi")])
    assert one.code == "eligibility.qualiopi_missing"
    assert one.message("fr") == "l'organisme n'est pas certifié Qualiopi"
    two = fm.RuleViolation([fm.Violation("eligibility.qualiopi_missing", "no Qualiopi"),
                            fm.Violation("somewhere.unknown", "what")])
    assert two.code == "rule.violations"
    assert two.message("fr") == ("l'organisme n'est pas certifié Qualiopi; "
                                 + MESSAGES["rule.violated"][1])


@pytest.mark.parametrize("junk", [5, None, "abc", [1, 2]])
def test_a_rule_violation_of_junk_is_an_invalid_value(junk: object) -> None:
    with pytest.raises(fm.InvalidValue):
        fm.RuleViolation(junk)  # type: ignore[arg-type]


@pytest.mark.parametrize("error", [
    fm.InvalidValue(code="money.negative", field="price", value="-1,00 €"),
    fm.NotFound("no such offer"),
    fm.RuleViolation([fm.Violation("a.b", "first")]),
])
def test_errors_pickle_with_their_code_and_message(error: fm.FormationError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert (copy.code, str(copy), copy.message("fr")) == (
        error.code, str(error), error.message("fr"))


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_catalogue_entry_has_both_languages_with_the_same_placeholders(code: str) -> None:
    english, french = MESSAGES[code]
    assert english and french and english != french
    assert code.count(".") == 1 and code == code.lower()
    in_french = {"accepted" if name == "accepted_fr" else name for name in placeholders(french)}
    assert placeholders(english) == in_french
