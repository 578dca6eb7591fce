"""``formation.deadlines`` is the module again, and the old spellings of the function still work.

``import formation.deadlines as m`` gives the module (it used to give the function, which
shadowed it); the module is callable, so ``fm.deadlines(booking)`` and
``from formation import deadlines; deadlines(booking)`` (the names of API.md) still compute the
deadlines, as do ``deadlines_of`` and the old ``from formation.deadlines import deadlines``.
"""

from __future__ import annotations

import types
from datetime import date, datetime
from zoneinfo import ZoneInfo

import formation as fm
import formation.deadlines as deadlines_module
from formation import bookings as bk
from formation.calendar.business_days import BusinessCalendar
from formation.calendar.territories import Territory
from formation.ids import AccountId, BookingId, HolderId, OfferId, OrganismId, SessionId
from formation.money import Euros
from formation.rules.rulebook import Rulebook

PARIS = ZoneInfo("Europe/Paris")


def _proposed() -> bk.Booking:
    requested = bk.request(
        BookingId("F1"), holder_id=HolderId("H1"), account_id=AccountId("A1"),
        organism_id=OrganismId("O1"), offer_id=OfferId("OF1"), session_id=SessionId("S1"),
        price=Euros.whole(1500), requested_at=datetime(2026, 12, 30, 22, tzinfo=PARIS))
    return bk.propose(requested, bk.Actor.organism(OrganismId("O1")),
                      datetime(2026, 12, 31, 10, tzinfo=PARIS),
                      bk.Proposal(start=date(2027, 1, 18), end=date(2027, 1, 29),
                                  price=Euros.whole(1500)))


def test_import_formation_deadlines_as_a_module_gives_the_module() -> None:
    assert isinstance(deadlines_module, types.ModuleType)
    assert deadlines_module.__name__ == "formation.deadlines"
    assert fm.deadlines is deadlines_module
    assert deadlines_module.Deadlines is fm.Deadlines


def test_every_spelling_of_the_function_gives_the_same_deadlines() -> None:
    from formation import deadlines
    from formation.deadlines import deadlines as old_function

    folder = _proposed()
    expected = fm.deadlines_of(folder)
    assert expected.holder_acceptance_by == date(2027, 1, 7)  # 4 bd (cpf-rules.md 5.2)
    assert fm.deadlines(folder) == expected
    assert deadlines(folder) == expected
    assert old_function(folder) == expected
    assert old_function is fm.deadlines_of


def test_the_callable_module_passes_the_calendar_and_the_rulebook_on() -> None:
    folder = _proposed()
    guyane = BusinessCalendar(Territory.GUYANE)
    book = Rulebook.default().with_change(effective=date(2020, 1, 1),
                                          holder_acceptance_business_days=9)
    assert fm.deadlines(folder, guyane, book) == fm.deadlines_of(folder, guyane, book)
    assert fm.deadlines(folder, rulebook=book).holder_acceptance_by == date(2027, 1, 14)
