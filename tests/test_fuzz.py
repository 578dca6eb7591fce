"""The fuzz: every public callable, one bad argument at a time, raises only ``FormationError``.

The callables are found by introspection (:func:`formation.testing.fuzz.targets`) of
``formation.__all__`` and the methods of its classes, every ``formation.services`` module, the
codec, the geography and ``formation.testing``: a new public name is fuzzed without editing this
test. The profile ``ci`` (``CI=true``) makes 50 000 calls, the default 10 000.

``KNOWN`` lists the (callable, exception) pairs that still escape: in modules rewritten in
parallel this round (accounts, ledger, bookings, deadlines, funding, refunds, top-ups, search and
query, services, stores, accrual), where this round made only small local fixes, and in the
public names the other second-round work added (the account kinds, demand views, learning
resources, option choices, the checkout's quote, the store options), which met the fuzz only
when the branches were merged. The list may only shrink: a pair found and not listed fails the test, and a listed pair
whose callable no longer exists fails it too.
"""

from __future__ import annotations

import importlib
import math
import os
import pkgutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import formation
import formation.adapters.codec
import formation.catalog.geography
import formation.services
import formation.testing
from formation.errors import FormationError
from formation.testing import fuzz

CALLS = 50_000 if os.environ.get("CI") == "true" else 10_000


def namespaces() -> list[object]:
    services = [importlib.import_module(info.name) for info in pkgutil.walk_packages(
        formation.services.__path__, "formation.services.")]
    return [formation, *services, formation.adapters.codec, formation.catalog.geography,
            formation.testing]


GOOD = fuzz.specimens()
INSTANCES = {type(v): v for v in GOOD.values()
             if not isinstance(v, (str, int, float, bool, datetime)) and v is not None}
TARGETS = fuzz.targets(namespaces(), INSTANCES)


@pytest.fixture(autouse=True)
def _scratch_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Callables that take a path (a store, a file) create files: in a scratch directory."""
    monkeypatch.chdir(tmp_path)


def escaped(findings: list[fuzz.Finding]) -> list[str]:
    return sorted({str(f) for f in findings
                   if f.error not in KNOWN.get(f.target, frozenset())})


def test_the_fuzz_covers_the_public_api() -> None:
    names = {t.name for t in TARGETS}
    assert "formation.Euros.parse" in names and "formation.Offer" in names
    assert "formation.services.bookings.book" in names
    assert "formation.adapters.codec.from_data" in names
    assert "formation.catalog.geography.department" in names
    assert "formation.testing.synthetic_catalog" in names
    assert len(TARGETS) > 150


def test_no_public_callable_raises_anything_but_a_formation_error() -> None:
    findings = fuzz.run(TARGETS, GOOD, calls=CALLS)
    assert not escaped(findings), "\n".join(escaped(findings))


def test_the_known_escapes_name_existing_callables() -> None:
    names = {t.name for t in TARGETS}
    assert not set(KNOWN) - names, sorted(set(KNOWN) - names)


# generated values, beside the fixed families of fuzz.BAD_VALUES
GENERATED = st.one_of(
    st.integers(min_value=10 ** 4300, max_value=10 ** 4400),
    st.integers(max_value=-(2 ** 64)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.text(alphabet="٠١٢٣٤٥٦٧٨٩0123456789,. €", max_size=12),
    st.dates(),
    st.datetimes(timezones=st.sampled_from(
        [timezone.utc, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))])),
    st.datetimes(),
    st.lists(st.none(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
    st.sampled_from([math.nan, math.inf, None, (), frozenset()]),
)


@settings(max_examples=3_000 if CALLS > 10_000 else 600, deadline=None,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(TARGETS), st.integers(0, 7), GENERATED)
def test_generated_bad_values_raise_only_formation_errors(
        target: fuzz.Target, index: int, value: object) -> None:
    if not target.parameters:
        return
    finding = fuzz.call_once(target, index % len(target.parameters), value, GOOD)
    if finding is not None:  # generated values may find other exceptions of a known callable
        assert finding.target in KNOWN, str(finding)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1.5, 10 ** 5000],
                         ids=["nan", "inf", "float", "huge"])
def test_no_float_and_no_absurd_int_is_money(value: object) -> None:
    with pytest.raises(FormationError):
        formation.Euros(value)  # type: ignore[arg-type]


def test_non_ascii_digits_are_not_an_amount() -> None:
    with pytest.raises(FormationError):
        formation.Euros.parse("١٢٣,٤٥")


# -- what still escapes: (callable, exceptions), only in modules rewritten in parallel ---------
# ValueError: a message formats an int of more than 4 300 digits with repr/str; RecursionError:
# a message formats a list nested 50 000 deep; TypeError/AttributeError: an argument is used
# before its type is checked. Remove a line when its module adopts formation.checks.
KNOWN: dict[str, frozenset[str]] = {
    "formation.Account": frozenset({"RecursionError", "TypeError", "ValueError"}),
    "formation.Account.append": frozenset({"RecursionError", "ValueError"}),
    "formation.Account.correct": frozenset({"RecursionError", "TypeError", "ValueError"}),
    "formation.Account.corrective_top_up": frozenset({"AttributeError", "RecursionError", "ValueError"}),
    "formation.Account.credit": frozenset({"RecursionError", "ValueError"}),
    "formation.Account.debit": frozenset({"TypeError", "ValueError"}),
    "formation.Account.debited_for": frozenset({"TypeError"}),
    "formation.Account.extend": frozenset({"RecursionError", "TypeError", "ValueError"}),
    "formation.Account.held_for": frozenset({"TypeError"}),
    "formation.Account.hold": frozenset({"RecursionError", "TypeError", "ValueError"}),
    "formation.Account.refund": frozenset({"RecursionError", "TypeError", "ValueError"}),
    "formation.Account.release": frozenset({"RecursionError", "TypeError", "ValueError"}),
    "formation.Account.top_up": frozenset({"RecursionError", "TypeError", "ValueError"}),
    "formation.Booking": frozenset({"RecursionError", "TypeError", "ValueError"}),
    "formation.CatalogIndex": frozenset({"AttributeError", "RecursionError", "TypeError", "ValueError"}),
    "formation.CatalogIndex.add": frozenset({"RecursionError", "TypeError"}),
    "formation.CatalogIndex.matching": frozenset({"RecursionError", "ValueError"}),
    "formation.CatalogIndex.offer": frozenset({"TypeError", "ValueError"}),
    "formation.CatalogIndex.ranking_score": frozenset({"TypeError"}),
    "formation.CatalogIndex.rating": frozenset({"TypeError"}),
    "formation.CatalogIndex.remove": frozenset({"TypeError"}),
    "formation.CatalogIndex.replace": frozenset({"AttributeError", "TypeError"}),
    "formation.CatalogIndex.search": frozenset({"ValueError"}),
    "formation.CatalogIndex.session": frozenset({"TypeError", "ValueError"}),
    "formation.CatalogIndex.sessions_of": frozenset({"TypeError", "ValueError"}),
    "formation.CatalogIndex.set_rating": frozenset({"RecursionError", "TypeError", "ValueError"}),
    "formation.CivicEngagementYear": frozenset({"RecursionError", "ValueError"}),
    "formation.DemandEvent": frozenset({"RecursionError", "ValueError"}),
    "formation.DemandSettings": frozenset({"RecursionError", "ValueError"}),
    "formation.Entry": frozenset({"RecursionError", "ValueError"}),
    "formation.FundingLine": frozenset({"RecursionError", "ValueError"}),
    "formation.FundingPlan": frozenset({"RecursionError", "ValueError"}),
    "formation.Holder.needs_employer_agreement": frozenset({"AttributeError"}),
    "formation.Holder.usable_accounts": frozenset({"AttributeError"}),
    "formation.LearningResource": frozenset({"RecursionError", "ValueError"}),
    "formation.Ledger": frozenset({"RecursionError", "TypeError"}),
    "formation.MemoryStore": frozenset({"RecursionError", "ValueError"}),
    "formation.MemoryStore.save_catalog": frozenset({"RecursionError", "TypeError"}),
    "formation.Near": frozenset({"OverflowError", "RecursionError", "ValueError"}),
    "formation.Option": frozenset({"RecursionError", "ValueError"}),
    "formation.Proposal": frozenset({"RecursionError", "TypeError"}),
    "formation.PublicServiceYear": frozenset({"RecursionError", "ValueError"}),
    "formation.Query": frozenset({"OverflowError", "RecursionError", "ValueError"}),
    "formation.Recommendations": frozenset({"TypeError"}),
    "formation.Refund": frozenset({"AttributeError", "ValueError"}),
    "formation.ResourceIndex": frozenset({"RecursionError", "ValueError"}),
    "formation.SelfEmployedYear": frozenset({"RecursionError", "ValueError"}),
    "formation.SqliteStore": frozenset({"OverflowError", "RecursionError", "TypeError", "UnicodeEncodeError", "ValueError"}),
    "formation.TopUp": frozenset({"RecursionError", "ValueError"}),
    "formation.Transition": frozenset({"RecursionError", "TypeError", "ValueError"}),
    "formation.WorkYear": frozenset({"RecursionError", "ValueError"}),
    "formation.annual_credit": frozenset({"AttributeError", "RecursionError", "ValueError"}),
    "formation.budget_band": frozenset({"RecursionError", "ValueError"}),
    "formation.cec_credit": frozenset({"ValueError"}),
    "formation.choice_violations": frozenset({"RecursionError", "ValueError"}),
    "formation.credit_career": frozenset({"AttributeError", "TypeError"}),
    "formation.deadlines_of": frozenset({"AttributeError", "RecursionError", "ValueError"}),
    "formation.enter_dif": frozenset({"AttributeError", "RecursionError", "TypeError", "ValueError"}),
    "formation.explain_annual_credit": frozenset({"AttributeError", "RecursionError", "ValueError"}),
    "formation.funding_violations": frozenset({"AttributeError", "RecursionError", "TypeError", "ValueError"}),
    "formation.hours_credit": frozenset({"AttributeError", "RecursionError", "ValueError"}),
    "formation.lapse_overdue": frozenset({"AttributeError", "TypeError"}),
    "formation.match_resources": frozenset({"RecursionError", "ValueError"}),
    "formation.plan_funding": frozenset({"AttributeError", "RecursionError", "TypeError", "ValueError"}),
    "formation.price_choice": frozenset({"RecursionError", "ValueError"}),
    "formation.price_position": frozenset({"AttributeError", "RecursionError", "TypeError", "ValueError"}),
    "formation.public_service_credit": frozenset({"RecursionError", "ValueError"}),
    "formation.rating_trend": frozenset({"RecursionError", "TypeError", "ValueError"}),
    "formation.recommend": frozenset({"RecursionError", "ValueError"}),
    "formation.refund_plan": frozenset({"RecursionError", "ValueError"}),
    "formation.services.bookings.Quote": frozenset({"RecursionError", "TypeError"}),
    "formation.services.bookings.accept": frozenset({"AttributeError"}),
    "formation.services.bookings.acknowledge": frozenset({"AttributeError", "TypeError", "ValueError"}),
    "formation.services.bookings.book": frozenset({"AttributeError"}),
    "formation.services.bookings.cancel": frozenset({"AttributeError", "TypeError", "ValueError"}),
    "formation.services.bookings.confirm_attendance": frozenset({"AttributeError", "TypeError", "ValueError"}),
    "formation.services.bookings.declare_entry": frozenset({"AttributeError", "TypeError", "ValueError"}),
    "formation.services.bookings.declare_exit": frozenset({"AttributeError", "TypeError", "ValueError"}),
    "formation.services.bookings.declare_no_show": frozenset({"AttributeError", "TypeError", "ValueError"}),
    "formation.services.bookings.declare_service_done": frozenset({"AttributeError", "TypeError", "ValueError"}),
    "formation.services.bookings.lapse": frozenset({"AttributeError", "TypeError", "ValueError"}),
    "formation.services.bookings.lapse_overdue": frozenset({"AttributeError"}),
    "formation.services.bookings.propose": frozenset({"AttributeError", "TypeError", "ValueError"}),
    "formation.services.bookings.quote": frozenset({"AttributeError"}),
    "formation.services.bookings.record_payment": frozenset({"AttributeError", "TypeError", "ValueError"}),
    "formation.services.bookings.refuse": frozenset({"AttributeError"}),
    "formation.services.bookings.validate_service_done": frozenset({"AttributeError", "TypeError", "ValueError"}),
    "formation.services.bookings.view_balance": frozenset({"AttributeError", "TypeError", "ValueError"}),
    "formation.services.bookings.view_booking": frozenset({"AttributeError", "TypeError", "ValueError"}),
    "formation.services.bookings.withdraw": frozenset({"AttributeError", "TypeError", "ValueError"}),
    "formation.services.due.DueItem": frozenset({"RecursionError", "TypeError", "ValueError"}),
    "formation.services.due.what_is_due": frozenset({"RecursionError", "ValueError"}),
    "formation.services.reviews.correct_review": frozenset({"RecursionError", "ValueError"}),
    "formation.services.reviews.review": frozenset({"ValueError"}),
    "formation.unmet_demand": frozenset({"RecursionError", "ValueError"}),
}
