"""A Hypothesis state machine that credits, tops up, holds, releases, debits and refunds.

After every step: the balance equals the fold of the entries (today and on past days),
``available`` is never negative on any day, no cent is created or lost (a model kept beside the
account agrees), and a refused operation changed nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from formation import (
    Account,
    ConflictError,
    Euros,
    Funder,
    InsufficientCredit,
    InvalidValue,
    RuleViolation,
)
from formation.ids import AccountId, BookingId, EntryId, HolderId, OfferId
from formation.ledger import EntryKind, fold

OFFERS = [OfferId("O1"), OfferId("O2")]
BOOKINGS = [BookingId(f"B{i}") for i in range(4)]


class AccountMachine(RuleBasedStateMachine):
    """Random operations on one account, with a model of where every cent is."""

    def __init__(self) -> None:
        super().__init__()
        self.account = Account(AccountId("A1"), HolderId("H1"))
        self.day = date(2025, 5, 1)
        self.serial = 0
        self.money_in = 0  # credits, top-ups, corrections
        self.money_out = 0  # debits net of refunds
        self.held: dict[BookingId, int] = {}
        self.offer: dict[BookingId, OfferId] = {}

    def next_id(self, what: str) -> EntryId:
        self.serial += 1
        return EntryId(f"{what}-{self.serial}")

    def state(self) -> tuple[object, ...]:
        return (self.account.version, self.account.balance(), self.account.entries)

    @initialize(amount=st.integers(0, 5_000_00))
    def opening_credit(self, amount: int) -> None:
        if amount:
            self.account.credit(self.next_id("credit"), Euros(amount), self.day, year=2024)
            self.money_in += amount

    @rule(days=st.integers(0, 40))
    def time_passes(self, days: int) -> None:
        self.day += timedelta(days=days)

    @rule(amount=st.integers(1, 800_00), back=st.integers(0, 400))
    def credit(self, amount: int, back: int) -> None:
        # credits may be back-dated
        self.account.credit(self.next_id("credit"), Euros(amount), self.day - timedelta(back))
        self.money_in += amount

    @rule(amount=st.integers(1, 2_000_00), funder=st.sampled_from(list(Funder)),
          earmark=st.sampled_from([None, *OFFERS]))
    def top_up(self, amount: int, funder: Funder, earmark: OfferId | None) -> None:
        if funder is Funder.HOLDER:
            earmark = None
        self.account.top_up(self.next_id("top-up"), funder, Euros(amount), self.day,
                            earmarked_offers=() if earmark is None else (earmark,))
        self.money_in += amount

    @rule(booking=st.sampled_from(BOOKINGS), offer=st.sampled_from(OFFERS),
          rights=st.integers(0, 3_000_00), share=st.integers(0, 100), greedy=st.booleans())
    def hold(self, booking: BookingId, offer: OfferId, rights: int, share: int,
             greedy: bool) -> None:
        if booking in self.offer and self.offer[booking] != offer:
            offer = self.offer[booking]
        top_ups = {}
        for top_up in self.account.available_top_ups(self.day):
            wanted = top_up.amount.cents * share // 100 + (1 if greedy else 0)
            if wanted:
                top_ups[EntryId(top_up.reference)] = Euros(wanted)
        if not rights and not top_ups:
            return
        before = self.state()
        try:
            entries = self.account.hold(self.next_id("hold"), booking, self.day,
                                        rights=Euros(rights), top_ups=top_ups, offer_id=offer)
        except (InsufficientCredit, RuleViolation):
            assert self.state() == before
            return
        self.offer[booking] = offer
        self.held[booking] = self.held.get(booking, 0) + sum(e.amount.cents for e in entries)

    @precondition(lambda self: any(self.held.values()))
    @rule(data=st.data())
    def release(self, data: st.DataObject) -> None:
        booking = data.draw(st.sampled_from(sorted(b for b, c in self.held.items() if c)))
        self.account.release(self.next_id("release"), booking, self.day)
        self.held[booking] = 0

    @precondition(lambda self: any(self.held.values()))
    @rule(data=st.data(), percent=st.sampled_from([100, 100, 30]))
    def debit(self, data: st.DataObject, percent: int) -> None:
        booking = data.draw(st.sampled_from(sorted(b for b, c in self.held.items() if c)))
        held = self.account.held_for(booking)
        if percent == 100:
            entries = self.account.debit(self.next_id("debit"), booking, self.day)
        else:
            entries = self.account.debit(
                self.next_id("debit"), booking, self.day,
                rights=Euros(held.rights.cents * percent // 100),
                top_ups={t: Euros(a.cents * percent // 100) for t, a in held.top_ups},
            )
        self.money_out += sum(e.amount.cents for e in entries if e.kind is EntryKind.DEBIT)
        self.held[booking] = 0

    @rule(booking=st.sampled_from(BOOKINGS), percent=st.integers(1, 120))
    def refund(self, booking: BookingId, percent: int) -> None:
        debited = self.account.debited_for(booking)
        if not debited:
            return
        before = self.state()
        rights = Euros(debited.rights.cents * percent // 100)
        try:
            entries = self.account.refund(self.next_id("refund"), booking, self.day,
                                          rights=rights)
        except InvalidValue:
            assert percent > 100 and self.state() == before
            return
        self.money_out -= sum(e.amount.cents for e in entries)

    @rule(amount=st.integers(-1_000_00, 1_000_00).map(lambda cents: cents or 1))
    def correct(self, amount: int) -> None:
        before = self.state()
        try:
            self.account.correct(self.next_id("fix"), Euros(amount), self.day, reason="test")
        except InsufficientCredit:
            assert amount < 0 and self.state() == before
            return
        self.money_in += amount

    @rule(amount=st.integers(1, 1_000_00))
    def replay_is_a_no_op(self, amount: int) -> None:
        if not self.account.entries:
            return
        before = self.state()
        self.account.append(self.account.entries[-1])
        assert self.state() == before

    @rule(back=st.integers(1, 60), amount=st.integers(1, 100_00))
    def back_dated_spending_is_refused_or_safe(self, back: int, amount: int) -> None:
        before = self.state()
        booking = BookingId("B-late")
        try:
            entries = self.account.hold(self.next_id("late-hold"), booking,
                                        self.day - timedelta(back), rights=Euros(amount))
        except (InvalidValue, InsufficientCredit):
            assert self.state() == before
            return
        self.held[booking] = self.held.get(booking, 0) + sum(e.amount.cents for e in entries)

    @rule(amount=st.integers(1, 100_00))
    def a_stale_write_is_a_conflict(self, amount: int) -> None:
        before = self.state()
        with pytest.raises(ConflictError):
            self.account.credit(self.next_id("stale"), Euros(amount), self.day,
                                expected_version=self.account.version - 1)
        assert self.state() == before

    @invariant()
    def each_booking_holds_what_the_model_says(self) -> None:
        for booking, cents in self.held.items():
            assert self.account.held_for(booking).total.cents == cents
        for entry in self.account.ledger.top_up_entries():
            assert self.account.ledger.top_up_available(entry.entry_id) >= Euros(0)

    @invariant()
    def balance_is_the_fold(self) -> None:
        assert self.account.balance() == fold(self.account.entries)

    @invariant()
    def no_cent_is_created_or_lost(self) -> None:
        balance = self.account.balance()
        assert (balance.rights + balance.top_ups).cents == self.money_in - self.money_out
        assert balance.held.cents == sum(self.held.values())
        assert balance.available == balance.rights + balance.top_ups - balance.held

    @invariant()
    def available_is_never_negative_on_any_day(self) -> None:
        days = {e.effective for e in self.account.entries}
        for day in sorted(days)[-8:]:
            balance = self.account.balance(as_of=day)
            assert balance.available >= Euros(0), day
            assert balance == fold(self.account.entries, as_of=day)
        assert self.account.balance().available >= Euros(0)
        for top_up in self.account.available_top_ups():
            assert top_up.amount > Euros(0)


AccountMachine.TestCase.settings = settings(stateful_step_count=40, max_examples=60)
test_account_machine = AccountMachine.TestCase
