"""Hypothesis strategies for holders, work years, ledger entries and accounts with a history."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import strategies as st

from formation.accounts import Account
from formation.accrual import (
    CivicEngagementYear,
    PublicServiceYear,
    SelfEmployedYear,
    WorkYear,
    credit_career,
)
from formation.holders import Holder, HolderStatus, Recognition
from formation.ids import AccountId, BookingId, EntryId, HolderId, OfferId
from formation.ledger import Entry, EntryKind, Source
from formation.money import Euros
from formation.rules.funders import Funder

__all__ = [
    "accounts",
    "civic_engagement_years",
    "credit_entries",
    "holders",
    "public_service_years",
    "self_employed_years",
    "work_years",
]


def work_years(
    min_year: int = 2015, max_year: int = 2030, *, reinforced: bool | None = None
) -> st.SearchStrategy[WorkYear]:
    """Years of work: hours from none to overtime (whole, fractional or decimal), usual references.

    ``reinforced=False`` gives general-case years only, ``True`` reinforced ones only.
    """
    hours = st.one_of(
        st.integers(0, 2300),
        st.fractions(min_value=0, max_value=2300, max_denominator=100),
        st.integers(0, 230_000).map(lambda cents: Decimal(cents) / 100),
        st.sampled_from([0, 803, 804, 800, 1607, 1600]),
    )
    flags = st.booleans() if reinforced is None else st.just(reinforced)

    @st.composite
    def build(draw: st.DrawFn) -> WorkYear:
        low = draw(flags)
        disabled = draw(st.booleans()) if reinforced is not False else False
        esat = draw(st.booleans()) if reinforced is not False else False
        if reinforced and not (low or disabled or esat):
            low = True
        return WorkYear(
            draw(st.integers(min_year, max_year)),
            draw(hours),
            draw(st.sampled_from([1607, 1607, 1600, 1582, 1690])),
            low_qualified=low,
            disabled_worker=disabled,
            esat_worker=esat,
        )

    return build()


def _periods(draw: st.DrawFn) -> list[tuple[date, date | None]]:
    """Non-overlapping inclusive periods, in order, the last one possibly open."""
    day = draw(st.dates(date(2010, 1, 1), date(2022, 12, 31)))
    periods: list[tuple[date, date | None]] = []
    for _ in range(draw(st.integers(0, 3))):
        length = draw(st.integers(0, 1500))
        end = day + timedelta(days=length)
        is_open = draw(st.booleans()) and len(periods) == 2
        periods.append((day, None if is_open else end))
        if is_open:
            break
        day = end + timedelta(days=draw(st.integers(1, 400)))
    return periods


def self_employed_years(
    min_year: int = 2019, max_year: int = 2030
) -> st.SearchStrategy[SelfEmployedYear]:
    """Years of self-employed activity: 0 to 12 months (some fractional), the CFP paid or not."""
    months = st.one_of(st.integers(0, 12), st.fractions(0, 12, max_denominator=4))
    return st.builds(SelfEmployedYear, st.integers(min_year, max_year), months,
                     contribution_paid=st.booleans())


def public_service_years(
    min_year: int = 2017, max_year: int = 2030
) -> st.SearchStrategy[PublicServiceYear]:
    """Years of public service: full, part or reduced time, category C or not, extra hours."""
    return st.builds(
        PublicServiceYear, st.integers(min_year, max_year),
        st.sampled_from([Fraction(1), Fraction(4, 5), Fraction(1, 2), Fraction(28, 35)]),
        reduced_time=st.booleans(), category_c_without_level_3=st.booleans(),
        unfitness_hours=st.sampled_from([0, 0, 0, 40, 150, 200]),
    )


def civic_engagement_years(
    min_year: int = 2019, max_year: int = 2030
) -> st.SearchStrategy[CivicEngagementYear]:
    """Years of a recognised civic activity, feeding the CEC."""
    return st.builds(CivicEngagementYear, st.integers(min_year, max_year),
                     st.sampled_from(["", "sapeur-pompier volontaire", "réserve militaire"]))


@st.composite
def holders(draw: st.DrawFn) -> Holder:
    """Holders with dated statuses and recognitions (never overlapping the same one)."""
    holder = Holder(HolderId(draw(st.text("ABCDEFGH0123456789", min_size=1, max_size=8))))
    for status in HolderStatus:
        for start, end in _periods(draw):
            holder = holder.with_status(status, start, end)
    for recognition in Recognition:
        for start, end in _periods(draw):
            holder = holder.with_recognition(recognition, start, end)
    return holder


@st.composite
def credit_entries(
    draw: st.DrawFn,
    prefix: str = "e",
    min_day: date = date(2016, 1, 1),
    max_day: date = date(2030, 12, 31),
) -> Entry:
    """Entries that only add money (yearly credits, top-ups, positive corrections).

    They can be appended to any ledger in any order; ids are ``prefix`` plus a random suffix.
    """
    entry_id = EntryId(prefix + draw(st.text("0123456789abcdef", min_size=6, max_size=12)))
    kind = draw(st.sampled_from([EntryKind.ANNUAL_CREDIT, EntryKind.TOP_UP,
                                 EntryKind.CORRECTIVE_TOP_UP, EntryKind.CORRECTION]))
    day = draw(st.dates(min_day, max_day))
    amount = Euros(draw(st.integers(1, 800_00)))
    if kind is EntryKind.ANNUAL_CREDIT:
        return Entry(entry_id, kind, amount, day, Source.RIGHTS, year=day.year - 1)
    if kind is EntryKind.CORRECTION:
        return Entry(entry_id, kind, amount, day, Source.RIGHTS, note="régularisation")
    if kind is EntryKind.CORRECTIVE_TOP_UP:
        return Entry(entry_id, kind, Euros.whole(3000), day, Funder.EMPLOYER)
    offers = draw(st.frozensets(st.sampled_from(["O1", "O2", "O3"]), max_size=2))
    return Entry(entry_id, kind, amount, day, draw(st.sampled_from(list(Funder))),
                 earmarked_offers=frozenset(OfferId(o) for o in offers))


@st.composite
def accounts(draw: st.DrawFn, *, with_bookings: bool = True) -> Account:
    """Accounts with a realistic history.

    A career credited year by year since a start year (hours era included), maybe DIF hours
    entered in time, maybe top-ups, and (``with_bookings``) bookings held, debited, released
    or refunded on later days.
    """
    account = Account(AccountId("A-" + draw(st.text("0123456789", min_size=1, max_size=6))),
                      HolderId("H-1"))
    start = draw(st.integers(2015, 2024))
    end = draw(st.integers(start, 2025))
    years = [
        WorkYear(y, draw(st.sampled_from([0, 400, 803, 804, 1200, 1607, 1800])),
                 low_qualified=draw(st.booleans()) and draw(st.booleans()))
        for y in range(start, end + 1)
    ]
    dif = draw(st.one_of(st.none(), st.tuples(
        st.integers(1, 120).map(Fraction), st.dates(date(2015, 1, 1), date(2021, 6, 30)))))
    credit_career(account, years,
                  dif_hours=None if dif is None else dif[0],
                  dif_entered_on=None if dif is None else dif[1])
    day = max((e.effective for e in account.entries), default=date(end + 1, 4, 15))
    day = max(day, date(end + 1, 5, 1))
    for n in range(draw(st.integers(0, 3))):
        account.top_up(EntryId(f"{account.account_id}:top-up:{n}"),
                       draw(st.sampled_from([Funder.EMPLOYER, Funder.OPCO, Funder.REGION,
                                             Funder.FRANCE_TRAVAIL])),
                       Euros(draw(st.integers(100_00, 2_000_00))), day)
    if with_bookings:
        for n in range(draw(st.integers(0, 4))):
            day += timedelta(days=draw(st.integers(1, 90)))
            if account.balance(as_of=day).available.cents <= 0:
                break
            booking = BookingId(f"B{n}")
            rights_left = account.ledger.rights_available(day).cents
            rights = Euros(draw(st.integers(0, rights_left)))
            top_ups = {EntryId(t.reference): Euros(draw(st.integers(0, t.amount.cents)))
                       for t in account.available_top_ups(day)}
            if not rights and not any(top_ups.values()):
                continue
            account.hold(EntryId(f"{booking}:hold"), booking, day, rights=rights,
                         top_ups=top_ups)
            step = draw(st.sampled_from(["keep", "release", "debit", "refund"]))
            later = day + timedelta(days=draw(st.integers(0, 30)))
            if step == "release":
                account.release(EntryId(f"{booking}:release"), booking, later)
            elif step in ("debit", "refund"):
                account.debit(EntryId(f"{booking}:debit"), booking, later)
                if step == "refund":
                    account.refund(EntryId(f"{booking}:refund"), booking, later)
            day = later
    return account
