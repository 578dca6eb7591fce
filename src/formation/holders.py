"""The holder of a CPF account (*titulaire*) and their situations over time.

Who may hold an account: anyone aged 16 or over (15 for apprentices) who works, works in an
ESAT, or looks for a job, until retirement (``cpf-rules.md`` 1.3). What the rules need to know
about a holder changes over time, so a :class:`Holder` keeps dated periods:

* a :class:`HolderStatus` (employee, self-employed, public servant, job seeker, ESAT worker,
  civic volunteer, retired), several at once possible (an employee with a side business);
* a :class:`Recognition` the holder declares on the platform: low qualification (no CAP/BEP nor
  level-3 certification) or disabled-worker status (BOETH), each with its dates.

A year of work gets the reinforced credit when, on any day of that year, the holder was
recognised low-qualified or disabled, or worked in an ESAT: the most favourable status of the
year applies (service-public F10705). :meth:`Holder.work_year` builds that year's
:class:`~formation.accrual.WorkYear`. Whether the holder is a job seeker on a day matters to the
funding rules (no flat participation, L6323-4 and décret n° 2024-394).

Over a career a holder may have several kinds of account (:class:`AccountKind`): the CPF in
euros (employees and the self-employed), a public servant's CPF in hours, and the *compte
d'engagement citoyen* (CEC). :meth:`Holder.usable_accounts` says which may be spent on a day
(after retirement only the CEC, ``cpf-rules.md`` 1.3, P) and
:meth:`Holder.needs_employer_agreement` whether a training needs the employer's agreement
whatever its hours (a public servant always does, service-public F18090).

Periods are inclusive: ``end`` is the last day, ``None`` while it lasts.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

import attrs

from formation.accrual import Exact, WorkYear
from formation.calendar.instants import check_date, date_field, optional_date_field
from formation.checks import FIRST_DAY, LAST_DAY, check_int, check_iterable, shown
from formation.errors import InvalidValue
from formation.ids import HolderId
from formation.rules.rulebook import Rulebook

__all__ = [
    "AccountKind",
    "Holder",
    "HolderStatus",
    "Recognition",
    "RecognitionPeriod",
    "StatusPeriod",
]


@enum.unique
class HolderStatus(enum.Enum):
    """A holder's situation, as the CPF rules tell them apart."""

    EMPLOYEE = "salarie"  # a private-sector employee (rights from the employer's DSN)
    SELF_EMPLOYED = "independant"  # self-employed, liberal profession or collaborating spouse
    PUBLIC_SERVANT = "agent-public"  # a public servant: the CPF counts hours (F18090)
    JOB_SEEKER = "demandeur-emploi"  # registered with France Travail
    ESAT_WORKER = "travailleur-esat"  # works in an ESAT (reinforced credit, never prorated)
    CIVIC_VOLUNTEER = "engagement-citoyen"  # a recognised civic activity (feeds the CEC)
    RETIRED = "retraite"  # retired: only the CEC's rights may still be used (P)


@enum.unique
class AccountKind(enum.Enum):
    """The kinds of account a holder may have over a career (``cpf-rules.md`` 1.3)."""

    CPF = "cpf"  # the CPF in euros: employees (WorkYear) and the self-employed (SelfEmployedYear)
    PUBLIC_SERVICE = "cpf-agent-public"  # a public servant's CPF, in hours (PublicServiceYear)
    CEC = "cec"  # the compte d'engagement citoyen, in euros (CivicEngagementYear)


@enum.unique
class Recognition(enum.Enum):
    """A status the holder declares, which gives the reinforced credit."""

    LOW_QUALIFIED = "peu-qualifie"  # no CAP/BEP, no level-3 title, no branch certification
    DISABLED_WORKER = "boeth"  # bénéficiaire de l'obligation d'emploi des travailleurs handicapés




def _overlaps(start: date, end: date | None, first: date, last: date | None) -> bool:
    return (end is None or end >= first) and (last is None or last >= start)


def _check_order(start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise InvalidValue(f"a period ends on or after its start, got {start}–{end}")


def _refuse_overlaps(holder_id: str,
                     periods: list[tuple[HolderStatus | Recognition, date, date | None]]) -> None:
    """Refuse two periods of the same status (or recognition) that share a day."""
    for i, (kind, start, end) in enumerate(periods):
        for other, first, last in periods[i + 1:]:
            if kind is other and _overlaps(start, end, first, last):
                raise InvalidValue(
                    f"holder {shown(holder_id)} has overlapping {kind.value} periods "
                    f"({start}–{end or '…'} and {first}–{last or '…'})"
                )


@attrs.frozen
class StatusPeriod:
    """A status held from ``start`` to ``end`` (inclusive; ``None``: still held)."""

    status: HolderStatus
    start: date = attrs.field(validator=date_field)
    end: date | None = attrs.field(default=None, validator=optional_date_field)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.status, HolderStatus):
            raise InvalidValue(f"status must be a HolderStatus, got {shown(self.status)}")
        _check_order(self.start, self.end)

    def covers(self, day: date) -> bool:
        """Whether ``day`` is in the period."""
        return self.start <= day and (self.end is None or day <= self.end)


@attrs.frozen
class RecognitionPeriod:
    """A recognition valid from ``start`` to ``end`` (inclusive; ``None``: still valid)."""

    recognition: Recognition
    start: date = attrs.field(validator=date_field)
    end: date | None = attrs.field(default=None, validator=optional_date_field)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.recognition, Recognition):
            raise InvalidValue(f"recognition must be a Recognition, got {shown(self.recognition)}")
        _check_order(self.start, self.end)

    def covers(self, day: date) -> bool:
        """Whether ``day`` is in the period."""
        return self.start <= day and (self.end is None or day <= self.end)


def _statuses(value: Iterable[StatusPeriod]) -> tuple[StatusPeriod, ...]:
    return check_iterable(value, "statuses")


def _recognitions(value: Iterable[RecognitionPeriod]) -> tuple[RecognitionPeriod, ...]:
    return check_iterable(value, "recognitions")


def _year(year: object) -> int:
    return check_int(year, "year", FIRST_DAY.year, LAST_DAY.year)


@attrs.frozen
class Holder:
    """A CPF account holder with dated statuses and recognitions.

    >>> from formation.ids import HolderId
    >>> holder = (Holder(HolderId("H1"))
    ...           .with_status(HolderStatus.EMPLOYEE, date(2019, 9, 1), date(2024, 3, 31))
    ...           .with_status(HolderStatus.JOB_SEEKER, date(2024, 4, 1))
    ...           .with_recognition(Recognition.DISABLED_WORKER, date(2022, 6, 1)))
    >>> holder.is_job_seeker(date(2024, 5, 1)), holder.work_year(2022, 800).disabled_worker
    (True, True)
    """

    holder_id: HolderId
    statuses: tuple[StatusPeriod, ...] = attrs.field(default=(), converter=_statuses)
    recognitions: tuple[RecognitionPeriod, ...] = attrs.field(default=(), converter=_recognitions)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.holder_id, str) or not self.holder_id:
            raise InvalidValue(f"holder_id must be a non-empty str, got {shown(self.holder_id)}")
        for period in self.statuses:
            if not isinstance(period, StatusPeriod):
                raise InvalidValue(f"statuses holds StatusPeriod records, got {shown(period)}")
        for other in self.recognitions:
            if not isinstance(other, RecognitionPeriod):
                raise InvalidValue(f"recognitions holds RecognitionPeriod records, got {shown(other)}")
        _refuse_overlaps(self.holder_id, [(p.status, p.start, p.end) for p in self.statuses])
        _refuse_overlaps(self.holder_id,
                         [(p.recognition, p.start, p.end) for p in self.recognitions])

    def with_status(self, status: HolderStatus, start: date, end: date | None = None) -> Holder:
        """A new holder with one more status period (refused if it overlaps the same status)."""
        return attrs.evolve(self, statuses=(*self.statuses, StatusPeriod(status, start, end)))

    def with_recognition(
        self, recognition: Recognition, start: date, end: date | None = None
    ) -> Holder:
        """A new holder with one more recognition period."""
        return attrs.evolve(
            self, recognitions=(*self.recognitions, RecognitionPeriod(recognition, start, end))
        )

    def statuses_on(self, day: date) -> frozenset[HolderStatus]:
        """The statuses held on ``day``."""
        check_date(day)
        return frozenset(p.status for p in self.statuses if p.covers(day))

    def is_job_seeker(self, day: date) -> bool:
        """Whether the holder is a registered job seeker on ``day``."""
        return HolderStatus.JOB_SEEKER in self.statuses_on(day)

    def recognised(self, recognition: Recognition, day: date) -> bool:
        """Whether ``recognition`` is valid on ``day``."""
        check_date(day)
        return any(p.recognition is recognition and p.covers(day) for p in self.recognitions)

    def had_status_in(self, status: HolderStatus, year: int) -> bool:
        """Whether the holder had ``status`` on at least one day of ``year``."""
        first, last = date(_year(year), 1, 1), date(year, 12, 31)
        return any(p.status is status and _overlaps(p.start, p.end, first, last)
                   for p in self.statuses)

    def recognised_in(self, recognition: Recognition, year: int) -> bool:
        """Whether ``recognition`` was valid on at least one day of ``year``."""
        first, last = date(_year(year), 1, 1), date(year, 12, 31)
        return any(p.recognition is recognition and _overlaps(p.start, p.end, first, last)
                   for p in self.recognitions)

    def needs_employer_agreement(self, day: date, rulebook: Rulebook | None = None) -> bool:
        """Whether any training the holder starts on ``day`` needs the employer's agreement.

        True for a public servant on that day while the rulebook's
        ``public_service_employer_agreement_required`` says so (service-public F18090). An
        employee's consent depends on the training's hours instead (``formation.consent``).
        """
        rules = (rulebook or Rulebook.default()).at(check_date(day))
        return (HolderStatus.PUBLIC_SERVANT in self.statuses_on(day)
                and rules.public_service_employer_agreement_required)

    def usable_accounts(
        self, day: date, rulebook: Rulebook | None = None
    ) -> frozenset[AccountKind]:
        """The kinds of account whose rights the holder may spend on ``day``.

        Every kind until retirement; once retired, only those the rulebook keeps usable (the
        CEC: ``cec_usable_after_retirement``; the CPF: ``cpf_usable_after_retirement``, both P).

        >>> from formation.ids import HolderId
        >>> retired = Holder(HolderId("H9")).with_status(HolderStatus.RETIRED, date(2025, 7, 1))
        >>> sorted(kind.value for kind in retired.usable_accounts(date(2026, 1, 5)))
        ['cec']
        """
        rules = (rulebook or Rulebook.default()).at(check_date(day))
        if HolderStatus.RETIRED not in self.statuses_on(day):
            return frozenset(AccountKind)
        kept = set()
        if rules.cpf_usable_after_retirement:
            kept |= {AccountKind.CPF, AccountKind.PUBLIC_SERVICE}
        if rules.cec_usable_after_retirement:
            kept.add(AccountKind.CEC)
        return frozenset(kept)

    def work_year(
        self, year: int, hours_worked: Exact, reference_hours: Exact | None = None
    ) -> WorkYear:
        """The :class:`WorkYear` of ``year``, with the most favourable status of the year."""
        _year(year)
        extra = {} if reference_hours is None else {"reference_hours": reference_hours}
        return WorkYear(
            year,
            hours_worked,
            low_qualified=self.recognised_in(Recognition.LOW_QUALIFIED, year),
            disabled_worker=self.recognised_in(Recognition.DISABLED_WORKER, year),
            esat_worker=self.had_status_in(HolderStatus.ESAT_WORKER, year),
            **extra,
        )
