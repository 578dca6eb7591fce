"""How rights accrue: hours from 2015 to 2018, euros from 2019, and the DIF hours entered.

The rules, all read from the rulebook for the year of work (``cpf-rules.md`` sections 1 and 2):

There are four kinds of account, and a holder may have several over a career
(:func:`credit_career` takes them all):

* **Employees, euro era (work from 2019 on)**, :func:`annual_credit` of a :class:`WorkYear`:
  500 € a year up to a ceiling of 5 000 € (R6323-1; service-public F10705). The full amount is
  earned from half the reference hours (1 607 h, or the collective-agreement duration); below
  that, it is prorated by hours worked ÷ reference hours and **rounded up to the cent**
  (R6323-1 II). Low-qualified workers (R6323-3-1), disabled workers (BOETH, D6323-3-3, décret
  n° 2019-566) and ESAT workers get 800 € a year up to 8 000 €, ESAT workers never prorated;
  with several statuses in a year the most favourable applies. Below half-time, a low-qualified
  worker gets the general 500 € prorated (R6323-3-1: the 800 € needs half-time work; the
  rulebook's ``low_qualified_reinforced_below_threshold``); a disabled worker's 800 € is
  prorated (the decree is silent: ``reinforced_prorated_below_threshold``, marked U). The
  credit never takes the balance of rights (DIF included, top-ups excluded) above the ceiling:
  reached mid-year, only the room left is credited; an existing balance is never reduced.
* **The self-employed**, :func:`annual_credit` of a :class:`SelfEmployedYear`: 500 € a year up
  to 5 000 €, prorated by the months of activity (R6323-22; P) with no half-time threshold,
  rounded up to the cent, and only when the training contribution (CFP) was paid (P).
* **Public servants**, :func:`public_service_credit`: an account in hours, 25 h a year up to
  150 h, 50 h up to 400 h for a category C servant without a level-3 diploma; reduced time
  (*temps incomplet*) prorated, part time counted as full; up to 150 extra hours over a career
  for a project that prevents unfitness for work, outside the ceiling; the employer's agreement
  is always required (``public_service_employer_agreement_required``, read by
  :meth:`formation.holders.Holder.needs_employer_agreement`). Source: service-public F18090.
* **The civic engagement account (CEC)**, :func:`cec_credit`: its own account, 240 € a year of
  recognised civic activity up to 720 € (P), usable like CPF rights and still after retirement.
* **Hours era (employees' work from 2015 to 2018)**, :func:`hours_credit`: 24 h a year for a
  full-time year until the account holds 120 h, then 12 h a year, up to 150 h (L6323-11, loi
  n° 2014-288), in proportion to the hours worked (overtime not counted), a prorated number of
  hours **rounded up to a whole hour** (R6323-1, 2015). DIF hours stay outside the ceiling.
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

Hours worked are exact: ``int``, :class:`~fractions.Fraction` or :class:`~decimal.Decimal`
(a ``float`` is refused, being inexact). Hours-era credits are whole hours (a 1 000-hour year
earns 24 × 1 000 / 1 607 h, rounded up to 15 h); public servants' hours stay exact fractions
(their rounding is not in the sources); euros are rounded up to the cent once, when hours become
euros.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
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
    "CareerYear",
    "CivicEngagementYear",
    "Exact",
    "HoursCredit",
    "PublicServiceCredit",
    "PublicServiceYear",
    "SelfEmployedYear",
    "WorkYear",
    "annual_credit",
    "cec_credit",
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
    "public_service_credit",
]

_FIRST_YEAR = 1900
_LAST_YEAR = 2200
_MAX_YEAR_HOURS = 366 * 24


def _default_reference_hours() -> int:
    return Rulebook.default().at(date(2019, 1, 1)).reference_hours


class _InexactNumber(InvalidValue, TypeError):
    """A ``float`` where an exact number is expected: an ``InvalidValue`` and a ``TypeError``."""


Exact = int | Fraction | Decimal
"""An exact number: hours, a share of the year or months (floats are refused)."""


def _exact(value: object, name: str, unit: str, low: Fraction, high: Fraction,
           *, positive: bool = False) -> Fraction:
    """``value`` as a Fraction, after refusing inexact or non-numeric types and bad ranges."""
    accepted = f"{name} takes an int, a Fraction or a Decimal of {unit}"
    if isinstance(value, float):
        raise _InexactNumber(f"{accepted}, not the float {value!r} (inexact); "
                             f"write Decimal({str(value)!r}) or Fraction({str(value)!r})")
    if isinstance(value, bool) or not isinstance(value, (int, Fraction, Decimal)):
        raise InvalidValue(f"{accepted}, got {type(value).__name__} {value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise InvalidValue(f"{accepted}, got the non-finite {value!r}")
    exact = Fraction(value)
    if exact < low or exact > high or (positive and exact == 0):
        span = f"more than {low} and at most {high}" if positive else f"between {low} and {high}"
        raise InvalidValue(f"{name} must be {span} {unit}, got {value}")
    return exact


def _hours_value(name: str) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        _exact(value, name, "hours", Fraction(0), Fraction(_MAX_YEAR_HOURS))
    return check


def _year(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if type(value) is not int or not _FIRST_YEAR <= value <= _LAST_YEAR:
        raise InvalidValue(
            f"year must be an int between {_FIRST_YEAR} and {_LAST_YEAR}, got {value!r}"
        )


def _reference(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _exact(value, "reference_hours (1607 h by default, or the collective agreement's full-time "
           "duration)", "hours", Fraction(0), Fraction(_MAX_YEAR_HOURS), positive=True)


def _months(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _exact(value, "months_active", "months", Fraction(0), Fraction(12))


def _share(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _exact(value, "time_share", "full time", Fraction(0), Fraction(1))


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
    hours_worked: Exact = attrs.field(validator=_hours_value("hours_worked"))
    reference_hours: Exact = attrs.field(default=_default_reference_hours(), validator=_reference)
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
        return min(Fraction(self.hours_worked) / Fraction(self.reference_hours), Fraction(1))


@attrs.frozen
class SelfEmployedYear:
    """One calendar year of self-employed activity (independent, liberal profession,
    collaborating spouse), as R6323-22 sees it: months of activity, not hours.

    Attributes:
        year: the calendar year (from 2019: euro rights).
        months_active: how many months of the year the activity lasted (0 to 12).
        contribution_paid: whether the contribution to vocational training (CFP) was paid for
            the year; without it no rights are credited.
    """

    year: int = attrs.field(validator=_year)
    months_active: Exact = attrs.field(validator=_months)
    contribution_paid: bool = attrs.field(default=True, validator=_flag)

    @property
    def share(self) -> Fraction:
        """Months of activity ÷ 12."""
        return Fraction(self.months_active) / 12


@attrs.frozen
class PublicServiceYear:
    """One calendar year of a public servant (*agent public*), whose account counts hours.

    Attributes:
        year: the calendar year worked (from 2017).
        time_share: the share of a full-time post worked (1 by default).
        reduced_time: the post itself is under full time (*temps incomplet*): the hours are
            prorated by ``time_share``. Otherwise a share under 1 is part time (*temps
            partiel*), counted as full time.
        category_c_without_level_3: a category C servant without a level-3 diploma (50 h a year
            up to 400 h instead of 25 h up to 150 h).
        unfitness_hours: extra hours granted this year for a project that prevents unfitness
            for work (at most 150 h over a career, outside the ceiling).
    """

    year: int = attrs.field(validator=_year)
    time_share: Exact = attrs.field(default=1, validator=_share)
    reduced_time: bool = attrs.field(default=False, validator=_flag)
    category_c_without_level_3: bool = attrs.field(default=False, validator=_flag)
    unfitness_hours: Exact = attrs.field(default=0, validator=_hours_value("unfitness_hours"))

    @property
    def share(self) -> Fraction:
        """The share of the annual hours earned: ``time_share`` on reduced time, else 1."""
        return Fraction(self.time_share) if self.reduced_time else Fraction(1)


@attrs.frozen
class CivicEngagementYear:
    """One calendar year of a recognised civic activity (volunteer firefighter, reserve,
    association board…), which feeds the *compte d'engagement citoyen* (CEC).

    Attributes:
        year: the calendar year of the activity (euro amounts from 2019).
        activity: what the activity was, for the record (optional).
    """

    year: int = attrs.field(validator=_year)
    activity: str = attrs.field(default="", validator=attrs.validators.instance_of(str))


CareerYear = WorkYear | SelfEmployedYear | PublicServiceYear | CivicEngagementYear
"""A year of any kind :func:`credit_career` takes."""


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
        work: the year of work (an employee's or a self-employed year).
        balance: the balance of rights the ceiling was checked against.
        reinforced: whether the reinforced amount and ceiling applied.
        full_amount: 500 € or 800 € (reinforced), the rulebook's value for the year.
        ceiling: 5 000 € or 8 000 €.
        threshold_hours: hours from which the full amount is earned (half the reference);
            ``None`` for a self-employed year (prorated by months, no threshold).
        prorated: whether the amount was prorated (below the threshold, not ESAT; a
            self-employed year of fewer than 12 months).
        earned: the amount earned before the ceiling (prorated amounts rounded up to the cent).
        amount: the credit, after the ceiling.
        contribution_missing: a self-employed year without the training contribution paid,
            which earns nothing.
    """

    work: WorkYear | SelfEmployedYear
    balance: Euros
    reinforced: bool
    full_amount: Euros
    ceiling: Euros
    threshold_hours: Fraction | None
    prorated: bool
    earned: Euros
    amount: Euros
    contribution_missing: bool = False

    @property
    def capped(self) -> bool:
        """Whether the ceiling cut the credit."""
        return self.amount < self.earned


def _check_balance(balance: object) -> Euros:
    if not isinstance(balance, Euros):
        raise InvalidValue(f"balance must be Euros, got {type(balance).__name__} {balance!r}")
    if balance.cents < 0:
        raise InvalidValue(f"balance must not be negative, got {balance}")
    return balance


def _explain_self_employed(work: SelfEmployedYear, balance: Euros, rules: Rules) -> AnnualCredit:
    base, ceiling = rules.self_employed_annual_credit, rules.self_employed_ceiling
    if base is None or ceiling is None:
        raise InvalidValue(
            f"{work.year}: the rulebook has no euro credit for the self-employed that year "
            "(from 2019)"
        )
    missing = rules.self_employed_needs_contribution and not work.contribution_paid
    prorated = rules.self_employed_prorated_by_month and work.share < 1
    if missing or work.share == 0:
        earned = Euros(0)
    else:
        earned = _ceil_cents(base.cents * work.share) if prorated else base
    amount = Euros(min(earned.cents, max(ceiling.cents - balance.cents, 0)))
    return AnnualCredit(work, balance, False, base, ceiling, None, prorated, earned, amount,
                        missing)


def explain_annual_credit(
    work: WorkYear | SelfEmployedYear, balance: Euros, rulebook: Rulebook | None = None
) -> AnnualCredit:
    """The euro-era credit for ``work`` and each step of its computation.

    Raises:
        InvalidValue: a year of the hours era (before 2019: use :func:`hours_credit`), or a
            negative balance.
    """
    if not isinstance(work, (WorkYear, SelfEmployedYear)):
        raise InvalidValue(f"work must be a WorkYear or a SelfEmployedYear, got {work!r}")
    _check_balance(balance)
    rules = _rules_for(work.year, rulebook)
    if isinstance(work, SelfEmployedYear):
        return _explain_self_employed(work, balance, rules)
    threshold = rules.full_rights_threshold * Fraction(work.reference_hours)
    prorated = not work.esat_worker and Fraction(work.hours_worked) < threshold
    reinforced = work.esat_worker or (work.reinforced and not prorated) or (
        work.disabled_worker and rules.reinforced_prorated_below_threshold
    ) or (work.low_qualified and rules.low_qualified_reinforced_below_threshold)
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


def annual_credit(
    work: WorkYear | SelfEmployedYear, balance: Euros, rulebook: Rulebook | None = None
) -> Euros:
    """The rights credited for a euro-era year of work (2019 on), employed or self-employed.

    For a :class:`WorkYear`: the full-rights threshold (half the reference hours), the
    proration below it (rounded up to the cent), the most favourable status (800 € for
    low-qualified, disabled and ESAT workers; ESAT never prorated; a low-qualified worker below
    half-time gets the general 500 € prorated) and the ceiling against ``balance``, the holder's
    rights (DIF included, top-ups excluded). Sources: R6323-1, R6323-3-1, D6323-3-3 (décret
    n° 2019-566), service-public F10705. For a :class:`SelfEmployedYear`: 500 € prorated by the
    months of activity, only with the training contribution paid (R6323-22).

    >>> str(annual_credit(WorkYear(2024, 1607), Euros.whole(1000)))
    '500,00 €'
    >>> str(annual_credit(WorkYear(2024, 803), Euros.zero()))  # one hour under half of 1 607
    '249,85 €'
    >>> str(annual_credit(WorkYear(2024, 803, low_qualified=True), Euros.zero()))  # 500 € rule
    '249,85 €'
    >>> str(annual_credit(WorkYear(2024, 1607), Euros.whole(4800)))  # the ceiling reached
    '200,00 €'
    >>> str(annual_credit(SelfEmployedYear(2024, 7), Euros.zero()))  # 500 € × 7 / 12
    '291,67 €'

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
    work: WorkYear, balance_hours: Exact = 0, rulebook: Rulebook | None = None
) -> HoursCredit:
    """The hours credited for a year of the hours era (2015-2018).

    24 h for a full-time year while the account holds less than 120 h, then 12 h, up to 150 h,
    in proportion to the hours worked (L6323-11 as of 2015). A year that crosses 120 h earns 24 h
    an hour-year until 120 h and 12 h for the rest of the year. A prorated number of hours is
    rounded up to a whole hour (R6323-1, 2015; the rulebook's ``hours_era_hours_rounded_up``).

    >>> hours_credit(WorkYear(2016, 1607)).hours, hours_credit(WorkYear(2016, 803)).hours
    (Fraction(24, 1), Fraction(12, 1))
    >>> hours_credit(WorkYear(2016, 1000)).hours  # 24 × 1 000 / 1 607 = 14,93 h
    Fraction(15, 1)

    Raises:
        InvalidValue: a year outside the hours era.
    """
    if not isinstance(work, WorkYear):
        raise InvalidValue(f"work must be a WorkYear, got {work!r}")
    balance = _exact(balance_hours, "balance_hours", "hours", Fraction(0), Fraction(10**6))
    rules = _rules_for(work.year, rulebook)
    rate, threshold = rules.hours_era_annual_hours, rules.hours_era_threshold_hours
    reduced, ceiling = rules.hours_era_reduced_annual_hours, rules.hours_era_ceiling_hours
    if rate is None or threshold is None or reduced is None or ceiling is None:
        raise InvalidValue(
            f"{work.year} is not in the hours era (2015-2018): use annual_credit() for euros"
        )
    share = work.share
    if Fraction(work.hours_worked) >= rules.full_rights_threshold * Fraction(work.reference_hours):
        share = Fraction(1)
    if balance < threshold:
        earned = share * rate
        if balance + earned > threshold:
            used = (threshold - balance) / rate  # the share of the year spent reaching 120 h
            earned = (threshold - balance) + (share - used) * reduced
    else:
        earned = share * reduced
    if rules.hours_era_hours_rounded_up:
        earned = Fraction(math.ceil(earned))
    earned = max(min(earned, ceiling - balance), Fraction(0))
    return HoursCredit(work, balance, earned)


@attrs.frozen
class PublicServiceCredit:
    """How a public servant's hours were computed (see :func:`public_service_credit`).

    Attributes:
        work: the year of service.
        balance_hours: the hours already earned, extra hours excluded (the ceiling's base).
        annual_hours: 25 h, or 50 h for a category C servant without a level-3 diploma.
        ceiling_hours: 150 h, or 400 h.
        hours: the hours credited for the year, after the ceiling.
        extra_hours: the extra hours against unfitness granted this year, after their cap.
    """

    work: PublicServiceYear
    balance_hours: Fraction
    annual_hours: int
    ceiling_hours: int
    hours: Fraction
    extra_hours: Fraction


def public_service_credit(
    work: PublicServiceYear,
    balance_hours: Exact = 0,
    extra_hours_granted: Exact = 0,
    rulebook: Rulebook | None = None,
) -> PublicServiceCredit:
    """The hours a year of public service earns on the servant's account (in hours).

    25 h a year up to 150 h; 50 h up to 400 h for a category C servant without a level-3
    diploma; reduced time (*temps incomplet*) prorated, part time counted as full; the extra
    hours against unfitness granted that year, up to 150 h over the career
    (``extra_hours_granted`` before), outside the ceiling. Source: service-public F18090,
    ``cpf-rules.md`` 1.3.

    >>> public_service_credit(PublicServiceYear(2024)).hours
    Fraction(25, 1)
    >>> public_service_credit(PublicServiceYear(2024, category_c_without_level_3=True),
    ...                       balance_hours=380).hours  # 20 h of room under 400 h
    Fraction(20, 1)
    >>> public_service_credit(PublicServiceYear(2024, Fraction(1, 2), reduced_time=True)).hours
    Fraction(25, 2)

    Raises:
        InvalidValue: a year before public servants' accounts (2017), or bad hours.
    """
    if not isinstance(work, PublicServiceYear):
        raise InvalidValue(f"work must be a PublicServiceYear, got {work!r}")
    balance = _exact(balance_hours, "balance_hours", "hours", Fraction(0), Fraction(10**6))
    granted = _exact(extra_hours_granted, "extra_hours_granted", "hours", Fraction(0),
                     Fraction(10**6))
    rules = _rules_for(work.year, rulebook)
    if work.category_c_without_level_3:
        rate = rules.public_service_low_qualified_annual_hours
        ceiling = rules.public_service_low_qualified_ceiling_hours
    else:
        rate, ceiling = rules.public_service_annual_hours, rules.public_service_ceiling_hours
    extra_cap = rules.public_service_unfitness_extra_hours
    if rate is None or ceiling is None or extra_cap is None:
        raise InvalidValue(
            f"{work.year}: the rulebook has no public servants' hours account that year "
            "(from 2017)"
        )
    hours = max(min(rate * work.share, ceiling - balance), Fraction(0))
    extra = max(min(Fraction(work.unfitness_hours), extra_cap - granted), Fraction(0))
    return PublicServiceCredit(work, balance, rate, ceiling, hours, extra)


def cec_credit(
    work: CivicEngagementYear, balance: Euros, rulebook: Rulebook | None = None
) -> Euros:
    """The euros a year of civic activity adds to the *compte d'engagement citoyen*.

    240 € a year up to 720 € against ``balance``, the CEC's own balance (P, ``cpf-rules.md``
    1.3); the CEC is its own account, outside the CPF's ceiling.

    >>> str(cec_credit(CivicEngagementYear(2024), Euros.whole(600)))
    '120,00 €'

    Raises:
        InvalidValue: a year before the CEC's euro amounts (2019), or a negative balance.
    """
    if not isinstance(work, CivicEngagementYear):
        raise InvalidValue(f"work must be a CivicEngagementYear, got {work!r}")
    _check_balance(balance)
    rules = _rules_for(work.year, rulebook)
    amount, ceiling = rules.cec_annual_credit, rules.cec_ceiling
    if amount is None or ceiling is None:
        raise InvalidValue(f"{work.year}: the rulebook has no CEC amount that year (from 2019)")
    return Euros(min(amount.cents, max(ceiling.cents - balance.cents, 0)))


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
    work_years: Iterable[CareerYear],
    *,
    dif_hours: int | Fraction | None = None,
    dif_entered_on: date | None = None,
    public_service_account: Account | None = None,
    cec_account: Account | None = None,
    rulebook: Rulebook | None = None,
) -> tuple[Entry, ...]:
    """Credit a holder's accounts for a whole career; return the entries appended.

    ``work_years`` mixes every kind of year: an employee's :class:`WorkYear` and a
    :class:`SelfEmployedYear` credit ``account`` (the CPF in euros; a year with both gets the
    most favourable credit, F10705); a :class:`PublicServiceYear` credits
    ``public_service_account`` (in hours, never converted); a :class:`CivicEngagementYear`
    credits ``cec_account`` (the CEC, in euros, with its own ceiling).

    Each year is credited on its posting day (the spring of the next year): hours for
    2015-2018, converted into euros on 1 January 2019 (2018's hours when credited, in 2019),
    euros from 2019 on, with the ceiling checked against the rights on the posting day. The DIF
    hours, if given, are entered on ``dif_entered_on``. Entry ids derive from the account id and
    the year (``"<account>:credit:<year>"``, ``"<account>:hours:<year>"``,
    ``"<account>:public-hours:<year>"``, ``"<account>:unfitness:<year>"``,
    ``"<account>:cec:<year>"``); a year already credited is left as it is (change it with a
    correction), so running the same career twice appends nothing the second time. Every year
    is checked before anything is appended.

    >>> from formation.ids import AccountId, HolderId
    >>> account = Account(AccountId("A1"), HolderId("H1"))
    >>> _ = credit_career(account, [WorkYear(y, 1607) for y in range(2015, 2026)],
    ...                   dif_hours=120, dif_entered_on=date(2016, 3, 1))
    >>> str(account.balance().rights)  # 1 800 € of DIF + 96 h × 15 € + 5 000 € ceiling reached
    '5 000,00 €'

    Raises:
        InvalidValue: the same year twice for one kind, a year its kind has no rule for, a
            public-service or CEC year without its account, or ``dif_hours`` without
            ``dif_entered_on``.
        RuleViolation: DIF hours refused (see :func:`enter_dif`).
    """
    book = rulebook or Rulebook.default()
    years = sorted(work_years, key=lambda w: (w.year, type(w).__name__))
    for work in years:
        if not isinstance(work, (WorkYear, SelfEmployedYear, PublicServiceYear,
                                 CivicEngagementYear)):
            raise InvalidValue(
                "work_years holds WorkYear, SelfEmployedYear, PublicServiceYear or "
                f"CivicEngagementYear records, got {work!r}"
            )
    seen = [(type(w).__name__, w.year) for w in years]
    if len(set(seen)) != len(seen):
        raise InvalidValue(f"each year is credited once per kind, got {seen}")
    if (dif_hours is None) != (dif_entered_on is None):
        raise InvalidValue("give both dif_hours and dif_entered_on, or neither")
    public = [w for w in years if isinstance(w, PublicServiceYear)]
    civic = [w for w in years if isinstance(w, CivicEngagementYear)]
    for found, other, name in ((public, public_service_account, "public_service_account"),
                               (civic, cec_account, "cec_account")):
        if found and other is None:
            raise InvalidValue(f"years of the kind {type(found[0]).__name__} need {name}=")
        if other is not None and (not isinstance(other, Account) or other is account):
            raise InvalidValue(f"{name} must be an Account of its own, got {other!r}")
    _check_career(years, book)
    appended = _credit_cpf(account, [w for w in years if isinstance(w, (WorkYear,
                                                                      SelfEmployedYear))],
                           dif_hours, dif_entered_on, book)
    if public_service_account is not None:
        appended += _credit_public_service(public_service_account, public, book)
    if cec_account is not None:
        appended += _credit_cec(cec_account, civic, book)
    return appended


def _check_career(years: Sequence[CareerYear], book: Rulebook) -> None:
    """Refuse, before anything is appended, a year its kind has no rule for."""
    for work in years:
        rules = _rules_for(work.year, book)
        if isinstance(work, SelfEmployedYear):
            missing = rules.self_employed_annual_credit is None
        elif isinstance(work, PublicServiceYear):
            missing = rules.public_service_annual_hours is None
        elif isinstance(work, CivicEngagementYear):
            missing = rules.cec_annual_credit is None
        else:
            missing = rules.annual_credit is None and rules.hours_era_annual_hours is None
        if missing:
            raise InvalidValue(
                f"the rulebook has no rule crediting a {type(work).__name__} of {work.year}")


def _credit_cpf(
    account: Account,
    years: Sequence[WorkYear | SelfEmployedYear],
    dif_hours: int | Fraction | None,
    dif_entered_on: date | None,
    book: Rulebook,
) -> tuple[Entry, ...]:
    before = account.version
    conversion = conversion_day(book)
    if dif_hours is not None and dif_entered_on is not None:
        enter_dif(account, EntryId(f"{account.account_id}:dif"), dif_hours, dif_entered_on, book)
    converted = False
    for year in sorted({w.year for w in years}):
        kinds = [w for w in years if w.year == year]
        posted = posting_day(year, book)
        if posted >= conversion and not converted:
            convert_hours(account, book)
            converted = True
        if _rules_for(year, book).annual_credit is None:
            for work in kinds:
                if isinstance(work, WorkYear) and (
                    EntryId(f"{account.account_id}:hours:{year}") not in account.ledger
                ):
                    _credit_hours(account, work, posted, conversion, book)
            continue
        entry_id = EntryId(f"{account.account_id}:credit:{year}")
        if entry_id in account.ledger:
            continue
        base = ceiling_base(account, posted, book)
        explained = max((explain_annual_credit(w, base, book) for w in kinds),
                        key=lambda e: e.amount.cents)
        if explained.amount.cents:
            account.credit(entry_id, explained.amount, posted, year=year,
                           note=_note(explained))
    convert_hours(account, book)
    return account.entries[before:]


def _credit_public_service(
    account: Account, years: Sequence[PublicServiceYear], book: Rulebook
) -> tuple[Entry, ...]:
    before = account.version
    prefix = f"{account.account_id}:unfitness:"
    for work in years:
        yearly = EntryId(f"{account.account_id}:public-hours:{work.year}")
        extra_id = EntryId(f"{prefix}{work.year}")
        if yearly in account.ledger or extra_id in account.ledger:
            continue
        posted = posting_day(work.year, book)
        granted = sum((e.hours for e in account.entries if e.entry_id.startswith(prefix)),
                      Fraction(0))
        earned = account.ledger.hours_earned(as_of=posted).cpf - granted
        credit = public_service_credit(work, max(earned, Fraction(0)), granted, book)
        entries = []
        if credit.hours:
            entries.append(Entry(yearly, EntryKind.HOURS_CREDIT, Euros(0), posted, Source.RIGHTS,
                                 year=work.year, hours=credit.hours,
                                 note=f"{credit.hours} h de CPF d'agent public"))
        if credit.extra_hours:
            entries.append(Entry(extra_id, EntryKind.HOURS_CREDIT, Euros(0), posted,
                                 Source.RIGHTS, year=work.year, hours=credit.extra_hours,
                                 note=f"{credit.extra_hours} h pour prévenir l'inaptitude"))
        account.extend(entries)
    return account.entries[before:]


def _credit_cec(
    account: Account, years: Sequence[CivicEngagementYear], book: Rulebook
) -> tuple[Entry, ...]:
    before = account.version
    for work in years:
        entry_id = EntryId(f"{account.account_id}:cec:{work.year}")
        if entry_id in account.ledger:
            continue
        posted = posting_day(work.year, book)
        amount = cec_credit(work, max(account.balance(as_of=posted).rights, Euros(0)), book)
        if amount.cents:
            note = "compte d'engagement citoyen" + (f" : {work.activity}" if work.activity else "")
            account.credit(entry_id, amount, posted, year=work.year, note=note)
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
    if isinstance(work, SelfEmployedYear):
        parts = [f"{explained.full_amount} pour {work.months_active} mois d'activité"]
    else:
        parts = [f"{explained.full_amount} pour {work.hours_worked} h / {work.reference_hours} h"]
    if explained.prorated:
        parts.append(f"proratisé à {explained.earned}")
    if explained.capped:
        parts.append(f"plafond {explained.ceiling} atteint")
    return ", ".join(parts)
