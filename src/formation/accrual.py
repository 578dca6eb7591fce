"""How rights accrue: hours from 2015 to 2018, euros from 2019, and the DIF hours entered.

The rules, all read from the rulebook for the year of work (``cpf-rules.md`` sections 1 and 2):

* **Euro era (work from 2019 on)**, :func:`annual_credit`: 500 € a year up to a ceiling of
  5 000 € (R6323-1, D6323-3-1; service-public F10705). The full amount is earned from half the
  reference hours (1 607 h, or the collective-agreement duration); below that, it is prorated
  by hours worked ÷ reference hours and **rounded up to the cent** (R6323-1 II). Low-qualified
  workers, disabled workers (BOETH) and ESAT workers get 800 € a year up to 8 000 €, ESAT
  workers never prorated; with several statuses in a year the most favourable applies. Below
  half-time, a low-qualified or disabled worker's year is prorated from 800 € (the sources only
  say that the full 800 € needs half-time work: the rulebook's
  ``reinforced_prorated_below_threshold``, marked U, set it to ``False`` for 500 € prorated). The
  credit never takes the balance of rights (DIF included, top-ups excluded) above the ceiling:
  reached mid-year, only the room left is credited; an existing balance is never reduced.
* **Hours era (work from 2015 to 2018)**, :func:`hours_credit`: 24 h a year for a full-time
  year until the account holds 120 h, then 12 h a year, up to 150 h (L6323-11, loi n° 2014-288),
  in proportion to the hours worked (overtime not counted). DIF hours stay outside the ceiling.
* **Conversion (1 January 2019)**, :func:`convert_hours`: hours held that day, CPF and DIF, are
  converted at 15 € an hour (décret n° 2018-1153). Hours of 2018, credited in the spring of 2019,
  are converted when they are credited (``cpf-rules.md`` 1.2, marked P).
* **DIF**, :func:`enter_dif`: the holder enters the DIF hours earned until 2014, at most 120 h,
  rounded up to a whole hour (P), worth 15 € an hour; entries after the registration deadline
  (30 June 2021, loi n° 2020-1379) are refused with a :class:`~formation.errors.RuleViolation`.
  Since the ordonnance of 21 August 2019 the DIF euros count toward the ceiling (P, the
  rulebook's ``dif_counts_toward_ceiling``).
* **Timing**: year N's rights are credited in the spring of N+1 (before 15 June per F10705;
  15 April by default, the rulebook's ``annual_credit_posted_on``, marked P).

The plausible (P) and unverified (U) choices above are rulebook parameters: override them with
:meth:`formation.Rulebook.with_change`. :func:`credit_career` builds an account's whole history
from its work years, so that a notebook can simulate a career, or ask "what if I work 40 % next
year?" with a what-if rulebook.

Hours are exact :class:`~fractions.Fraction` values (a half-time year earns 12 h, a 1 000-hour
year 24 × 1 000 / 1 607 h); euros are rounded up to the cent once, when hours become euros
(the same rounding as the prorated euro credit, a choice: the decree text on hours was not seen).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date
from fractions import Fraction
from typing import Any

import attrs

from formation.accounts import Account
from formation.calendar.instants import check_date
from formation.errors import InvalidValue, RuleViolation, Violation
from formation.ids import EntryId
from formation.ledger import Entry, EntryKind, Source
from formation.money import Euros
from formation.rules.rulebook import Rulebook, Rules

__all__ = [
    "AnnualCredit",
    "HoursCredit",
    "WorkYear",
    "annual_credit",
    "ceiling_base",
    "conversion_day",
    "convert_hours",
    "credit_career",
    "dif_violations",
    "enter_dif",
    "explain_annual_credit",
    "hours_credit",
    "hours_to_euros",
    "posting_day",
]

_FIRST_YEAR = 1900
_LAST_YEAR = 2200
_MAX_YEAR_HOURS = 366 * 24


def _default_reference_hours() -> int:
    return Rulebook.default().at(date(2019, 1, 1)).reference_hours


def _hours_value(name: str) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
            raise InvalidValue(
                f"{name} must be an int or a Fraction of hours, got {type(value).__name__} "
                f"{value!r}"
            )
        if value < 0 or value > _MAX_YEAR_HOURS:
            raise InvalidValue(f"{name} must be between 0 and {_MAX_YEAR_HOURS} h, got {value}")
    return check


def _year(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if type(value) is not int or not _FIRST_YEAR <= value <= _LAST_YEAR:
        raise InvalidValue(
            f"year must be an int between {_FIRST_YEAR} and {_LAST_YEAR}, got {value!r}"
        )


def _reference(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if type(value) is not int or not 0 < value <= _MAX_YEAR_HOURS:
        raise InvalidValue(
            f"reference_hours must be a positive int (1607 h by default, or the collective "
            f"agreement's full-time duration), got {value!r}"
        )


def _flag(instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if type(value) is not bool:
        raise InvalidValue(f"{attribute.name} must be True or False, got {value!r}")


@attrs.frozen
class WorkYear:
    """One calendar year of work, as the accrual rules see it.

    Attributes:
        year: the calendar year worked.
        hours_worked: hours worked in the year (overtime included or not: only up to
            ``reference_hours`` counts). Absences counted as work (maternity, paternity,
            adoption, parental-presence leave, workplace accident… L6323-12) are included.
        reference_hours: the full-time duration of the year: the collective agreement's, else
            the legal 1 607 h (the rulebook's ``reference_hours``).
        low_qualified: the holder declared the low-qualified status for this year.
        disabled_worker: the holder is a recognised disabled worker (BOETH) this year.
        esat_worker: the holder worked in an ESAT this year (never prorated).
    """

    year: int = attrs.field(validator=_year)
    hours_worked: int | Fraction = attrs.field(validator=_hours_value("hours_worked"))
    reference_hours: int = attrs.field(default=_default_reference_hours(), validator=_reference)
    low_qualified: bool = attrs.field(default=False, validator=_flag)
    disabled_worker: bool = attrs.field(default=False, validator=_flag)
    esat_worker: bool = attrs.field(default=False, validator=_flag)

    @property
    def reinforced(self) -> bool:
        """Whether a status gives the reinforced credit (the most favourable one applies)."""
        return self.low_qualified or self.disabled_worker or self.esat_worker

    @property
    def share(self) -> Fraction:
        """Hours worked ÷ reference hours, at most 1 (overtime does not count)."""
        return min(Fraction(self.hours_worked) / self.reference_hours, Fraction(1))


def _rules_for(year: int, rulebook: Rulebook | None) -> Rules:
    return (rulebook or Rulebook.default()).at(date(year, 12, 31))


def posting_day(year: int, rulebook: Rulebook | None = None) -> date:
    """The day year ``year``'s rights are credited: in the spring of the next year.

    >>> posting_day(2024)
    datetime.date(2025, 4, 15)
    """
    month, day = (rulebook or Rulebook.default()).at(date(year + 1, 1, 1)).annual_credit_posted_on
    return date(year + 1, month, day)


def _ceil_cents(value: Fraction) -> Euros:
    """Euros from an exact number of cents, rounded up to the cent (R6323-1 II)."""
    return Euros(math.ceil(value))


@attrs.frozen
class AnnualCredit:
    """How a euro-era annual credit was computed (see :func:`explain_annual_credit`).

    Attributes:
        work: the year of work.
        balance: the balance of rights the ceiling was checked against.
        reinforced: whether the reinforced amount and ceiling applied.
        full_amount: 500 € or 800 € (reinforced), the rulebook's value for the year.
        ceiling: 5 000 € or 8 000 €.
        threshold_hours: hours from which the full amount is earned (half the reference).
        prorated: whether the amount was prorated (below the threshold, not ESAT).
        earned: the amount earned before the ceiling (prorated amounts rounded up to the cent).
        amount: the credit, after the ceiling.
    """

    work: WorkYear
    balance: Euros
    reinforced: bool
    full_amount: Euros
    ceiling: Euros
    threshold_hours: Fraction
    prorated: bool
    earned: Euros
    amount: Euros

    @property
    def capped(self) -> bool:
        """Whether the ceiling cut the credit."""
        return self.amount < self.earned


def explain_annual_credit(
    work: WorkYear, balance: Euros, rulebook: Rulebook | None = None
) -> AnnualCredit:
    """The euro-era credit for ``work`` and each step of its computation.

    Raises:
        InvalidValue: a year of the hours era (before 2019: use :func:`hours_credit`), or a
            negative balance.
    """
    if not isinstance(work, WorkYear):
        raise InvalidValue(f"work must be a WorkYear, got {work!r}")
    if not isinstance(balance, Euros):
        raise InvalidValue(f"balance must be Euros, got {type(balance).__name__} {balance!r}")
    if balance.cents < 0:
        raise InvalidValue(f"balance must not be negative, got {balance}")
    rules = _rules_for(work.year, rulebook)
    threshold = rules.full_rights_threshold * work.reference_hours
    prorated = not work.esat_worker and Fraction(work.hours_worked) < threshold
    reinforced = work.esat_worker or (
        work.reinforced and (not prorated or rules.reinforced_prorated_below_threshold)
    )
    base, ceiling = rules.annual_credit, rules.annual_credit_ceiling
    if reinforced:
        base, ceiling = rules.reinforced_annual_credit, rules.reinforced_ceiling
    if base is None or ceiling is None:
        raise InvalidValue(
            f"{work.year} is in the hours era (rights in hours until 2018): use hours_credit()"
        )
    earned = _ceil_cents(base.cents * work.share) if prorated else base
    room = max(ceiling.cents - balance.cents, 0)
    amount = Euros(min(earned.cents, room))
    return AnnualCredit(work, balance, reinforced, base, ceiling, threshold, prorated, earned,
                        amount)


def annual_credit(work: WorkYear, balance: Euros, rulebook: Rulebook | None = None) -> Euros:
    """The rights credited for a euro-era year of work (2019 on).

    Honours the full-rights threshold (half the reference hours), the proration below it
    (rounded up to the cent), the most favourable status (800 € for low-qualified, disabled and
    ESAT workers; ESAT never prorated) and the ceiling against ``balance``, the holder's rights
    (DIF included, top-ups excluded). Sources: R6323-1, D6323-3-1, service-public F10705.

    >>> str(annual_credit(WorkYear(2024, 1607), Euros.whole(1000)))
    '500,00 €'
    >>> str(annual_credit(WorkYear(2024, 803), Euros.zero()))  # one hour under half of 1 607
    '249,85 €'
    >>> str(annual_credit(WorkYear(2024, 1607), Euros.whole(4800)))  # the ceiling reached
    '200,00 €'

    Raises:
        InvalidValue: a year of the hours era, or a negative balance.
    """
    return explain_annual_credit(work, balance, rulebook).amount


@attrs.frozen
class HoursCredit:
    """How an hours-era credit was computed (see :func:`hours_credit`).

    Attributes:
        work: the year of work.
        balance_hours: the CPF hours already earned (DIF hours excluded).
        hours: the hours credited.
    """

    work: WorkYear
    balance_hours: Fraction
    hours: Fraction


def hours_credit(
    work: WorkYear, balance_hours: int | Fraction = 0, rulebook: Rulebook | None = None
) -> HoursCredit:
    """The hours credited for a year of the hours era (2015-2018).

    24 h for a full-time year while the account holds less than 120 h, then 12 h, up to 150 h,
    in proportion to the hours worked (L6323-11 as of 2015). A year that crosses 120 h earns 24 h
    an hour-year until 120 h and 12 h for the rest of the year.

    >>> hours_credit(WorkYear(2016, 1607)).hours, hours_credit(WorkYear(2016, 803)).hours
    (Fraction(24, 1), Fraction(19272, 1607))

    Raises:
        InvalidValue: a year outside the hours era.
    """
    if not isinstance(work, WorkYear):
        raise InvalidValue(f"work must be a WorkYear, got {work!r}")
    if isinstance(balance_hours, bool) or not isinstance(balance_hours, (int, Fraction)):
        raise InvalidValue(f"balance_hours must be an int or a Fraction, got {balance_hours!r}")
    balance = Fraction(balance_hours)
    if balance < 0:
        raise InvalidValue(f"balance_hours must not be negative, got {balance}")
    rules = _rules_for(work.year, rulebook)
    rate, threshold = rules.hours_era_annual_hours, rules.hours_era_threshold_hours
    reduced, ceiling = rules.hours_era_reduced_annual_hours, rules.hours_era_ceiling_hours
    if rate is None or threshold is None or reduced is None or ceiling is None:
        raise InvalidValue(
            f"{work.year} is not in the hours era (2015-2018): use annual_credit() for euros"
        )
    share = work.share
    if Fraction(work.hours_worked) >= rules.full_rights_threshold * work.reference_hours:
        share = Fraction(1)
    if balance < threshold:
        earned = share * rate
        if balance + earned > threshold:
            used = (threshold - balance) / rate  # the share of the year spent reaching 120 h
            earned = (threshold - balance) + (share - used) * reduced
    else:
        earned = share * reduced
    earned = max(min(earned, ceiling - balance), Fraction(0))
    return HoursCredit(work, balance, earned)


def hours_to_euros(hours: int | Fraction, on: date, rulebook: Rulebook | None = None) -> Euros:
    """The value of hours converted on ``on`` (15 € an hour), rounded up to the cent.

    >>> str(hours_to_euros(216, date(2019, 1, 1)))  # 120 h of DIF + 96 h of CPF (ecps.fr)
    '3 240,00 €'
    """
    rate = (rulebook or Rulebook.default()).at(check_date(on, "on")).hours_conversion_rate
    if rate is None:
        raise InvalidValue(f"hours were not converted to euros on {on} (from 1 January 2019)")
    return _ceil_cents(Fraction(hours) * rate.cents)


def ceiling_base(account: Account, on: date, rulebook: Rulebook | None = None) -> Euros:
    """The balance of rights the ceiling is checked against on ``on``.

    The rights (held ones included), top-ups excluded; DIF euros included while the rulebook's
    ``dif_counts_toward_ceiling`` says so (since 21 August 2019, P), else left out.
    """
    rights = account.balance(as_of=on).rights
    if not (rulebook or Rulebook.default()).at(on).dif_counts_toward_ceiling:
        rights = rights - account.ledger.dif_credited(as_of=on)
    return max(rights, Euros(0))


def convert_hours(account: Account, rulebook: Rulebook | None = None) -> tuple[Entry, ...]:
    """Convert the hours held on the conversion day (1 January 2019) into euros.

    Appends one ``HOURS_CONVERSION`` entry per kind of hours held that day (CPF, DIF), dated
    on the conversion day; with nothing left to convert it appends nothing.
    """
    book = rulebook or Rulebook.default()
    on = conversion_day(book)
    held = account.hours(as_of=on)
    entries = []
    for source, hours in ((Source.RIGHTS, held.cpf), (Source.DIF, held.dif)):
        if hours > 0:
            serial = 1
            while f"{account.account_id}:conversion:{source.value}:{serial}" in account.ledger:
                serial += 1
            entries.append(Entry(
                EntryId(f"{account.account_id}:conversion:{source.value}:{serial}"),
                EntryKind.HOURS_CONVERSION, hours_to_euros(hours, on, book), on, source,
                hours=-hours, note=f"{hours} h × {book.at(on).hours_conversion_rate}",
            ))
    account.extend(entries)
    return tuple(entries)


def conversion_day(rulebook: Rulebook | None = None) -> date:
    """The day CPF and DIF hours were converted into euros (1 January 2019)."""
    book = rulebook or Rulebook.default()
    for value in book.history("hours_conversion_on"):
        if isinstance(value.value, date):
            return value.value
    raise InvalidValue("the rulebook has no hours_conversion_on date")


def dif_violations(
    hours: int | Fraction, on: date, already: int | Fraction = 0, rulebook: Rulebook | None = None
) -> tuple[Violation, ...]:
    """The rules an entry of ``hours`` DIF hours on ``on`` breaks (none: it may be entered).

    ``already`` is the DIF hours entered before. Codes: ``dif.before_cpf`` (no CPF yet),
    ``dif.deadline_passed`` (after the registration deadline, 30 June 2021),
    ``dif.expired`` (after the 2014 law's use-by date, before the ordonnance of 2019 lifted it),
    ``dif.too_many_hours`` (above 120 h in all).
    """
    book = rulebook or Rulebook.default()
    rules = book.at(check_date(on, "on"))
    found = []
    if rules.hours_era_annual_hours is None and rules.annual_credit is None:
        found.append(Violation("dif.before_cpf",
                               f"DIF hours are entered on the CPF, which opened on 1 January "
                               f"2015; got {on}", "dif"))
    if rules.dif_registration_deadline is not None and on > rules.dif_registration_deadline:
        found.append(Violation(
            "dif.deadline_passed",
            f"DIF hours had to be entered by {rules.dif_registration_deadline:%d/%m/%Y} "
            f"(loi n° 2020-1379); entered on {on:%d/%m/%Y}, they are lost", "dif"))
    if rules.dif_use_by is not None and on >= rules.dif_use_by:
        found.append(Violation("dif.expired",
                               f"DIF hours could be used until {rules.dif_use_by}; got {on}",
                               "dif"))
    total = Fraction(already) + Fraction(hours)
    if total > rules.dif_max_hours:
        found.append(Violation(
            "dif.too_many_hours",
            f"at most {rules.dif_max_hours} DIF hours; {Fraction(already)} h entered already "
            f"and {Fraction(hours)} h more make {total} h", "dif"))
    return tuple(found)


def enter_dif(
    account: Account,
    entry_id: EntryId,
    hours: int | Fraction,
    on: date,
    rulebook: Rulebook | None = None,
) -> tuple[Entry, ...]:
    """Enter the holder's DIF hours; return the entries appended.

    The hours are rounded up to a whole hour when the rulebook says so (P). Entered before the
    conversion day they stay hours until :func:`convert_hours`; from then on they are converted
    at once (a ``DIF`` entry of hours, and a ``HOURS_CONVERSION`` into euros, same day).

    Entering the same DIF entry again (same id, same hours and day) appends nothing.

    Raises:
        RuleViolation: after the deadline, above 120 h, or before the CPF existed.
        InvalidValue: hours not positive.
        DuplicateEntry: ``entry_id`` already used for other hours.
    """
    if isinstance(hours, bool) or not isinstance(hours, (int, Fraction)) or hours <= 0:
        raise InvalidValue(f"DIF hours must be a positive int or Fraction, got {hours!r}")
    book = rulebook or Rulebook.default()
    rules = book.at(check_date(on, "on"))
    entered = Fraction(math.ceil(hours)) if rules.dif_hours_rounded_up else Fraction(hours)
    replay = entry_id in account.ledger
    if not replay:
        already = account.ledger.hours_earned().dif
        violations = dif_violations(entered, on, already, book)
        if violations:
            raise RuleViolation(violations)
    entries = [Entry(entry_id, EntryKind.DIF, Euros(0), on, Source.DIF, hours=entered,
                     note=f"{entered} h de DIF saisies")]
    if on >= conversion_day(book):
        entries.append(Entry(
            EntryId(f"{entry_id}:conversion"), EntryKind.HOURS_CONVERSION,
            hours_to_euros(entered, on, book), on, Source.DIF, hours=-entered,
            note=f"{entered} h × {rules.hours_conversion_rate}",
        ))
    before = account.version
    account.extend(entries)  # a replay appends nothing, or raises DuplicateEntry
    return account.entries[before:]


def credit_career(
    account: Account,
    work_years: Iterable[WorkYear],
    *,
    dif_hours: int | Fraction | None = None,
    dif_entered_on: date | None = None,
    rulebook: Rulebook | None = None,
) -> tuple[Entry, ...]:
    """Credit an account for a whole career; return the entries appended.

    Each year is credited on its posting day (the spring of the next year): hours for
    2015-2018, converted into euros on 1 January 2019 (2018's hours when credited, in 2019),
    euros from 2019 on, with the ceiling checked against the rights on the posting day. The DIF
    hours, if given, are entered on ``dif_entered_on``. Entry ids derive from the account id and
    the year (``"<account>:credit:<year>"``, ``"<account>:hours:<year>"``); a year already
    credited on the account is left as it is (change it with a correction), so running the same
    career twice appends nothing the second time.

    >>> from formation.ids import AccountId, HolderId
    >>> account = Account(AccountId("A1"), HolderId("H1"))
    >>> _ = credit_career(account, [WorkYear(y, 1607) for y in range(2015, 2026)],
    ...                   dif_hours=120, dif_entered_on=date(2016, 3, 1))
    >>> str(account.balance().rights)  # 1 800 € of DIF + 96 h × 15 € + 5 000 € ceiling reached
    '5 000,00 €'

    Raises:
        InvalidValue: the same year twice, or ``dif_hours`` without ``dif_entered_on``.
        RuleViolation: DIF hours refused (see :func:`enter_dif`).
    """
    book = rulebook or Rulebook.default()
    years = sorted(work_years, key=lambda w: w.year)
    for work in years:
        if not isinstance(work, WorkYear):
            raise InvalidValue(f"work_years holds WorkYear records, got {work!r}")
    seen = [w.year for w in years]
    if len(set(seen)) != len(seen):
        raise InvalidValue(f"each year is credited once, got years {seen}")
    if (dif_hours is None) != (dif_entered_on is None):
        raise InvalidValue("give both dif_hours and dif_entered_on, or neither")
    before = account.version
    conversion = conversion_day(book)
    if dif_hours is not None and dif_entered_on is not None:
        enter_dif(account, EntryId(f"{account.account_id}:dif"), dif_hours, dif_entered_on, book)
    converted = False
    for work in years:
        posted = posting_day(work.year, book)
        if posted >= conversion and not converted:
            convert_hours(account, book)
            converted = True
        if _rules_for(work.year, book).annual_credit is None:
            if EntryId(f"{account.account_id}:hours:{work.year}") not in account.ledger:
                _credit_hours(account, work, posted, conversion, book)
            continue
        entry_id = EntryId(f"{account.account_id}:credit:{work.year}")
        if entry_id in account.ledger:
            continue
        explained = explain_annual_credit(work, ceiling_base(account, posted, book), book)
        if explained.amount.cents:
            account.credit(entry_id, explained.amount, posted, year=work.year,
                           note=_note(explained))
    convert_hours(account, book)
    return account.entries[before:]


def _credit_hours(
    account: Account, work: WorkYear, posted: date, conversion: date, book: Rulebook
) -> None:
    credit = hours_credit(work, account.ledger.hours_earned(as_of=posted).cpf, book)
    if not credit.hours:
        return
    entries = [Entry(EntryId(f"{account.account_id}:hours:{work.year}"), EntryKind.HOURS_CREDIT,
                     Euros(0), posted, Source.RIGHTS, year=work.year, hours=credit.hours,
                     note=f"{credit.hours} h pour {work.hours_worked} h travaillées")]
    if posted >= conversion:
        entries.append(Entry(
            EntryId(f"{account.account_id}:conversion:{work.year}"), EntryKind.HOURS_CONVERSION,
            hours_to_euros(credit.hours, posted, book), posted, Source.RIGHTS, year=work.year,
            hours=-credit.hours, note=f"{credit.hours} h × {book.at(posted).hours_conversion_rate}",
        ))
    account.extend(entries)


def _note(explained: AnnualCredit) -> str:
    work = explained.work
    parts = [f"{explained.full_amount} pour {work.hours_worked} h / {work.reference_hours} h"]
    if explained.prorated:
        parts.append(f"proratisé à {explained.earned}")
    if explained.capped:
        parts.append(f"plafond {explained.ceiling} atteint")
    return ", ".join(parts)
