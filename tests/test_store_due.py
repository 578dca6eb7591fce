"""What is due, over every store: an organism's inbox and the operator's watch list, soonest
deadline first, read in pages."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from formation import bookings as folders
from formation.adapters.memory import MemoryStore
from formation.adapters.sqlite import SqliteStore
from formation.bookings import Actor, Booking, Proposal
from formation.deadlines import deadlines
from formation.errors import NotAuthorized
from formation.ids import AccountId, BookingId, HolderId, OfferId, OrganismId, SessionId
from formation.money import Euros
from formation.ports import Store
from formation.services.due import DueKind, what_is_due

PARIS = ZoneInfo("Europe/Paris")
MINE = OrganismId("73282932000074")
OTHER = OrganismId("35600000000048")
NOW = datetime(2026, 3, 5, 12, tzinfo=PARIS)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=PARIS)


def _folder(number: int, steps: int, organism: OrganismId = MINE) -> Booking:
    """A folder taken ``steps`` steps along: requested, proposed, accepted, entered, exited."""
    org = Actor.organism(organism)
    folder = folders.request(
        BookingId(f"F{number}"), holder_id=HolderId("H1"), account_id=AccountId("A1"),
        organism_id=organism, offer_id=OfferId("O1"), session_id=SessionId("S1"),
        price=Euros.whole(900), requested_at=at(3, 2 + number % 3, 9))
    moves = [
        lambda f: folders.propose(f, org, at(3, 4, 10), Proposal(
            start=date(2026, 4, 13), end=date(2026, 4, 24), price=Euros.whole(900))),
        lambda f: folders.accept_proposal(f, Actor.holder(HolderId("H1")), at(3, 5)),
        lambda f: folders.declare_entry(f, org, at(4, 13), date(2026, 4, 13)),
        lambda f: folders.declare_exit(f, org, at(4, 24, 18), date(2026, 4, 24)),
    ]
    for move in moves[:steps]:
        folder = move(folder)
    return folder


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest) -> Store:
    made: Store = MemoryStore() if request.param == "memory" else SqliteStore(":memory:")
    with made.unit_of_work() as uow:
        for number, steps in enumerate((0, 1, 2, 3, 4, 0, 2), 1):
            uow.bookings.add(_folder(number, steps, OTHER if number == 6 else MINE))
        uow.commit()
    return made


def test_an_organisms_inbox_lists_its_waiting_folders_soonest_first(store: Store) -> None:
    due = what_is_due(store, Actor.organism(MINE), NOW)
    assert {d.booking_id: d.kind for d in due} == {
        "F1": DueKind.ANSWER_REQUEST, "F2": DueKind.ACCEPT_PROPOSAL,
        "F3": DueKind.DECLARE_ENTRY, "F7": DueKind.DECLARE_ENTRY, "F4": DueKind.DECLARE_EXIT}
    assert [d.booking_id for d in due][:2] == ["F1", "F2"]  # due on 5 and 10 March
    assert [d.booking_id for d in due][-1] == "F4"  # the exit, after the entries
    with store.unit_of_work() as uow:
        for item in due:
            folder = uow.bookings.get(item.booking_id)
            want = deadlines(folder, store.calendar, store.rulebook)
            assert item.due_by in (want.organism_answer_by, want.holder_acceptance_by,
                                   want.entry_declaration_by, want.exit_declaration_by)
            assert item.organism_id == MINE
    assert [(d.due_by, d.booking_id) for d in due] == sorted((d.due_by, d.booking_id)
                                                               for d in due)
    assert [d.booking_id for d in due if d.overdue] == []
    assert [d.booking_id for d in due if d.lapses] == ["F1", "F2"]


def test_the_operator_sees_every_organism_and_what_is_about_to_lapse(store: Store) -> None:
    operator = Actor.operator()
    everything = what_is_due(store, operator, NOW)
    assert {d.booking_id for d in everything} == {"F1", "F2", "F3", "F4", "F6", "F7"}
    lapsing = what_is_due(store, operator, NOW, lapsing_only=True)
    assert [d.booking_id for d in lapsing] == ["F6", "F1", "F2"]  # 4, 5 and 10 March
    assert [d.booking_id for d in lapsing if d.overdue] == ["F6"]  # lapses tonight or before
    assert [d.booking_id for d in what_is_due(store, operator, NOW,
                                              organism_id=OTHER)] == ["F6"]
    soon = what_is_due(store, operator, NOW, until=date(2026, 3, 10))
    assert [d.booking_id for d in soon] == ["F6", "F1", "F2"]


def test_pages_of_any_size_give_the_same_answer(store: Store) -> None:
    operator = Actor.operator()
    whole = what_is_due(store, operator, NOW)
    for size in (1, 2, 3):
        assert what_is_due(store, operator, NOW, page_size=size) == whole


def test_only_an_organism_for_itself_or_the_operator_may_ask(store: Store) -> None:
    with pytest.raises(NotAuthorized):
        what_is_due(store, Actor.holder(HolderId("H1")), at(3, 9))
    with pytest.raises(NotAuthorized):
        what_is_due(store, Actor.organism(MINE), at(3, 9), organism_id=OTHER)
