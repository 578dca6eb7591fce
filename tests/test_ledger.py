"""The ledger and the account: idempotent appends, the fold, holds, debits, refunds, top-ups.

Rules: ``cpf-rules.md`` section 3 (top-ups outside the ceiling, L6323-4 II; earmarking from
17 April 2025, décret du 14 avril 2025); the money invariants are the library's own.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formation import (
    Account,
    Balance,
    ConflictError,
    DuplicateEntry,
    Entry,
    EntryKind,
    Euros,
    Funder,
    InsufficientCredit,
    InvalidValue,
    Ledger,
    RuleViolation,
    Source,
)
from formation.ids import AccountId, BookingId, EntryId, HolderId, OfferId
from formation.ledger import fold
from formation.testing import strategies as fst

E = Euros.whole
B1 = BookingId("B1")


def credit(entry_id: str, euros: int, day: date) -> Entry:
    return Entry(EntryId(entry_id), EntryKind.ANNUAL_CREDIT, E(euros), day, year=day.year - 1)


def funded_account() -> Account:
    account = Account(AccountId("A1"), HolderId("H1"))
    account.credit(EntryId("c2024"), E(500), date(2025, 4, 15), year=2024)
    account.top_up(EntryId("t-employer"), Funder.EMPLOYER, E(300), date(2025, 5, 1),
                   earmarked_offers=[OfferId("O1")])
    account.top_up(EntryId("t-region"), Funder.REGION, E(200), date(2025, 5, 1))
    return account


def snapshot(account: Account) -> tuple[object, ...]:
    return (account.version, account.balance(), account.balance(as_of=date(2025, 6, 1)),
            account.held_for(B1), account.debited_for(B1), account.available_top_ups())


# -- appends ----------------------------------------------------------------------------
def test_appending_the_same_entry_twice_is_a_no_op() -> None:
    ledger = Ledger()
    entry = credit("c1", 500, date(2025, 4, 15))
    assert ledger.append(entry) == 1
    assert ledger.append(credit("c1", 500, date(2025, 4, 15))) == 1
    assert len(ledger) == 1 and ledger.balance().rights == E(500)


def test_another_entry_with_a_used_id_is_a_duplicate() -> None:
    ledger = Ledger([credit("c1", 500, date(2025, 4, 15))])
    with pytest.raises(DuplicateEntry, match="c1"):
        ledger.append(credit("c1", 400, date(2025, 4, 15)))
    assert ledger.version == 1 and ledger.balance().rights == E(500)


def test_a_stale_version_is_a_conflict_and_changes_nothing() -> None:
    ledger = Ledger([credit("c1", 500, date(2025, 4, 15))])
    with pytest.raises(ConflictError):
        ledger.append(credit("c2", 500, date(2026, 4, 15)), expected_version=0)
    with pytest.raises(ConflictError):
        ledger.extend([credit("c2", 500, date(2026, 4, 15))], expected_version=0)
    assert ledger.append(credit("c2", 500, date(2026, 4, 15)), expected_version=1) == 2


def test_a_failed_batch_leaves_the_account_unchanged() -> None:
    account = funded_account()
    account.hold(EntryId("h0"), B1, date(2025, 6, 1), rights=E(100))
    before = snapshot(account)
    with pytest.raises(InsufficientCredit):
        account.extend([
            credit("c2025", 500, date(2026, 4, 15)),
            Entry(EntryId("h1"), EntryKind.HOLD, E(50), date(2025, 6, 5), booking=B1),
            Entry(EntryId("h2"), EntryKind.HOLD, E(10_000), date(2026, 5, 20), booking=B1),
        ])
    assert snapshot(account) == before
    assert "c2025" not in account.ledger


def test_entries_refuse_bad_shapes() -> None:
    day = date(2025, 1, 1)
    with pytest.raises(InvalidValue):
        Entry(EntryId("x"), EntryKind.ANNUAL_CREDIT, Euros(-1), day)
    with pytest.raises(InvalidValue):
        Entry(EntryId("x"), EntryKind.HOLD, E(1), day)  # no booking
    with pytest.raises(InvalidValue):
        Entry(EntryId("x"), EntryKind.TOP_UP, E(1), day)  # source is not a funder
    with pytest.raises(InvalidValue):
        Entry(EntryId("x"), EntryKind.ANNUAL_CREDIT, E(1), datetime(2025, 1, 1))  # noqa: DTZ001
    with pytest.raises(InvalidValue):
        Entry(EntryId("x"), EntryKind.CORRECTION, Euros(0), day)
    with pytest.raises(InvalidValue):
        Entry(EntryId("x"), EntryKind.DEBIT, E(1), day, Funder.OPCO, booking=B1)  # no top-up
    with pytest.raises(InvalidValue):
        Entry(EntryId("x"), EntryKind.CORRECTIVE_TOP_UP, E(1), day, Funder.REGION)
    with pytest.raises(InvalidValue):
        Entry(EntryId(""), EntryKind.ANNUAL_CREDIT, E(1), day)


# -- balances -----------------------------------------------------------------------------
def test_balance_as_of_a_day_counts_entries_effective_that_day() -> None:
    account = funded_account()
    assert account.balance(as_of=date(2025, 4, 14)) == Balance(E(0), E(0), E(0), E(0))
    assert account.balance(as_of=date(2025, 4, 15)).rights == E(500)
    assert account.balance(as_of=date(2025, 5, 1)).available == E(1000)


def test_a_back_dated_credit_changes_the_balances_from_its_day_on() -> None:
    account = funded_account()
    account.balance(as_of=date(2025, 4, 30))  # builds the index
    account.credit(EntryId("c2023"), E(500), date(2024, 4, 15), year=2023)
    assert account.balance(as_of=date(2024, 4, 14)).rights == E(0)
    assert account.balance(as_of=date(2024, 4, 15)).rights == E(500)
    assert account.balance(as_of=date(2025, 4, 30)).rights == E(1000)
    assert account.balance().rights == E(1000)


def test_balance_refuses_a_datetime() -> None:
    with pytest.raises(InvalidValue):
        funded_account().balance(as_of=datetime(2025, 5, 1))  # type: ignore[arg-type]  # noqa: DTZ001


# -- holds, debits, refunds ---------------------------------------------------------------
def test_hold_cannot_exceed_available_credit() -> None:
    account = funded_account()
    before = snapshot(account)
    with pytest.raises(InsufficientCredit, match="rights"):
        account.hold(EntryId("h"), B1, date(2025, 6, 1), rights=E(501))
    with pytest.raises(InsufficientCredit, match="t-region"):
        account.hold(EntryId("h"), B1, date(2025, 6, 1), rights=E(500),
                     top_ups={EntryId("t-region"): E(201)})
    assert snapshot(account) == before


def test_hold_cannot_use_money_not_yet_credited_that_day() -> None:
    account = funded_account()
    with pytest.raises(InsufficientCredit):
        account.hold(EntryId("h"), B1, date(2025, 4, 14), rights=E(1))


def test_a_top_up_earmarked_for_another_training_cannot_be_held() -> None:
    account = funded_account()
    with pytest.raises(RuleViolation) as caught:
        account.hold(EntryId("h"), B1, date(2025, 6, 1), top_ups={EntryId("t-employer"): E(10)},
                     offer_id=OfferId("O2"))
    assert caught.value.codes == ("top_up.earmarked_elsewhere",)
    account.hold(EntryId("h"), B1, date(2025, 6, 1), top_ups={EntryId("t-employer"): E(10)},
                 offer_id=OfferId("O1"))
    assert account.held_for(B1).total == E(10)


def test_earmarking_before_april_2025_or_by_the_holder_is_refused() -> None:
    account = Account(AccountId("A1"), HolderId("H1"))
    with pytest.raises(RuleViolation) as caught:
        account.top_up(EntryId("t"), Funder.HOLDER, E(10), date(2025, 4, 16),
                       earmarked_certifications=["RNCP37873"])
    assert set(caught.value.codes) == {"top_up.earmarking_not_allowed", "top_up.holder_earmark"}


def test_available_top_ups_are_net_of_holds_and_filtered_by_training() -> None:
    account = funded_account()
    account.hold(EntryId("h"), B1, date(2025, 6, 1), rights=E(100),
                 top_ups={EntryId("t-region"): E(50)})
    left = {t.reference: t.amount for t in account.available_top_ups()}
    assert left == {"t-employer": E(300), "t-region": E(150)}
    assert [t.reference for t in account.available_top_ups(offer_id=OfferId("O2"))] == ["t-region"]
    assert {t.reference: t.amount for t in account.available_top_ups(date(2025, 5, 31))} == {
        "t-employer": E(300), "t-region": E(200)}


def test_a_booking_life_holds_debits_and_refunds_without_losing_a_cent() -> None:
    account = funded_account()
    account.hold(EntryId("h"), B1, date(2025, 6, 1), rights=E(400),
                 top_ups={EntryId("t-employer"): E(300)}, offer_id=OfferId("O1"))
    assert account.balance() == Balance(E(500), E(500), E(700), E(300))
    account.debit(EntryId("d"), B1, date(2025, 7, 1))
    assert account.balance() == Balance(E(100), E(200), E(0), E(300))
    assert account.debited_for(B1).total == E(700)
    account.refund(EntryId("r"), B1, date(2025, 9, 1), rights=E(40),
                   top_ups={EntryId("t-employer"): E(30)})
    assert account.balance() == Balance(E(140), E(230), E(0), E(370))
    with pytest.raises(InvalidValue, match="more than was debited"):
        account.refund(EntryId("r2"), B1, date(2025, 9, 2), rights=E(361))
    account.refund(EntryId("r3"), B1, date(2025, 9, 2))
    assert account.balance() == funded_account().balance()


def test_a_late_cancellation_debits_a_share_and_releases_the_rest() -> None:
    account = funded_account()
    account.hold(EntryId("h"), B1, date(2025, 6, 1), rights=E(400))
    account.debit(EntryId("d"), B1, date(2025, 6, 20), rights=E(100))
    assert account.balance() == Balance(E(400), E(500), E(0), E(900))
    assert not account.held_for(B1)


def test_release_gives_back_only_what_the_booking_holds() -> None:
    account = funded_account()
    account.hold(EntryId("h"), B1, date(2025, 6, 1), rights=E(100))
    with pytest.raises(InvalidValue, match="more than it holds"):
        account.release(EntryId("r"), B1, date(2025, 6, 2), rights=E(101))
    account.release(EntryId("r"), B1, date(2025, 6, 2))
    assert account.balance().held == E(0)
    assert account.release(EntryId("r-again"), B1, date(2025, 6, 3)) == ()


def test_spending_cannot_be_back_dated_before_the_last_movement() -> None:
    account = funded_account()
    account.hold(EntryId("h"), B1, date(2025, 6, 10), rights=E(500))
    account.release(EntryId("r"), B1, date(2025, 6, 20))
    with pytest.raises(InvalidValue, match="only credits may be back-dated"):
        account.debit(EntryId("d"), BookingId("B2"), date(2025, 6, 15), rights=E(500))
    assert account.balance(as_of=date(2025, 6, 15)).available >= E(0)


def test_a_negative_correction_cannot_overdraw() -> None:
    account = funded_account()
    with pytest.raises(InsufficientCredit):
        account.correct(EntryId("x"), Euros(-50001), date(2025, 6, 1), reason="erreur DSN")
    account.correct(EntryId("x"), Euros(-20000), date(2025, 6, 1), reason="erreur DSN")
    assert account.balance().rights == E(300)


def test_the_corrective_top_up_comes_from_the_rulebook() -> None:
    account = Account(AccountId("A1"), HolderId("H1"))
    entry = account.corrective_top_up(EntryId("corr"), date(2024, 3, 1))
    assert entry.amount == E(3000) and entry.source is Funder.EMPLOYER
    assert account.balance() == Balance(E(0), E(3000), E(0), E(3000))
    with pytest.raises(RuleViolation):
        account.corrective_top_up(EntryId("corr-2"), date(2018, 3, 1))


# -- laws -------------------------------------------------------------------------------
@given(st.lists(fst.credit_entries(), max_size=30, unique_by=lambda e: e.entry_id),
       st.dates(date(2015, 1, 1), date(2031, 12, 31)))
def test_the_balance_equals_the_fold_of_the_entries(entries: list[Entry], day: date) -> None:
    ledger = Ledger()
    for entry in entries:
        ledger.append(entry)
        assert ledger.balance() == fold(ledger.entries)
    assert ledger.balance(as_of=day) == fold(entries, as_of=day)


@given(fst.accounts(), st.dates(date(2015, 1, 1), date(2031, 12, 31)))
def test_realistic_accounts_fold_and_never_go_negative(account: Account, day: date) -> None:
    assert account.balance() == fold(account.entries)
    assert account.balance(as_of=day) == fold(account.entries, as_of=day)
    for entry in account.entries:
        assert account.balance(as_of=entry.effective).available >= E(0)
    assert account.balance().available >= E(0)


@given(fst.accounts(with_bookings=False),
       st.lists(fst.credit_entries(prefix="late-", min_day=date(2027, 1, 1)), max_size=10,
                unique_by=lambda e: e.entry_id),
       st.dates(date(2015, 1, 1), date(2026, 12, 31)))
def test_balance_as_of_a_day_only_depends_on_entries_effective_by_then(
    account: Account, later: list[Entry], day: date
) -> None:
    before = account.balance(as_of=day)
    account.extend(later)
    assert account.balance(as_of=day) == before


@given(fst.accounts())
def test_every_euro_is_traceable_to_the_entries(account: Account) -> None:
    credited = sum((e.amount for e in account.entries if e.kind.is_credit), Euros(0))
    corrected = sum((e.amount for e in account.entries if e.kind is EntryKind.CORRECTION),
                    Euros(0))
    debited = sum((e.amount for e in account.entries if e.kind is EntryKind.DEBIT), Euros(0))
    refunded = sum((e.amount for e in account.entries if e.kind is EntryKind.REFUND), Euros(0))
    balance = account.balance()
    assert balance.rights + balance.top_ups == credited + corrected - debited + refunded


def test_a_long_ledger_answers_dated_balances_after_back_dated_entries() -> None:
    ledger = Ledger()
    start = date(2020, 1, 1)
    entries = [credit(f"c{i}", 1, start + timedelta(days=(i * 7919) % 2000)) for i in range(3000)]
    for i, entry in enumerate(entries):
        ledger.append(entry)
        if i % 250 == 0:
            day = start + timedelta(days=(i * 31) % 2000)
            assert ledger.balance(as_of=day) == fold(ledger.entries, as_of=day)
    assert ledger.balance() == fold(entries)
    assert ledger.entries[0].source is Source.RIGHTS


@given(fst.accounts())
def test_a_copy_is_independent_and_equal(account: Account) -> None:
    twin = account.copy()
    assert twin.entries == account.entries and twin.balance() == account.balance()
    assert twin.available_top_ups() == account.available_top_ups()
    twin.credit(EntryId("extra"), E(1), date(2031, 1, 1))
    assert "extra" not in account.ledger and twin.version == account.version + 1
    replayed = Account(account.account_id, account.holder_id, account.entries)
    assert replayed.balance(as_of=date(2020, 6, 1)) == account.balance(as_of=date(2020, 6, 1))
