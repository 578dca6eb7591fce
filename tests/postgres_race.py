"""The worker of the PostgreSQL race test: one process of many on shared accounts and sessions.

Each worker runs ``operations`` units of work on a :class:`PostgresStore`: a hold on a random
account (refused when the rights fall short), the release of a hold it made, or a seat of a
one-seat session for a folder of its own. Conflicts are retried; what was acknowledged (each
commit that returned) is reported back, to be checked against the database afterwards.
"""

from __future__ import annotations

import random
from datetime import date

from formation.adapters.postgres import PostgresStore
from formation.errors import ConflictError, InsufficientCredit, RuleViolation
from formation.ids import AccountId, BookingId, EntryId, SessionId
from formation.money import Euros

DAY = date(2026, 3, 2)


def work(dsn: str, schema: str, worker: int, operations: int, accounts: int,
         sessions: int) -> dict[str, object]:
    rng = random.Random(worker)
    store = PostgresStore(dsn, schema=schema, index_catalog=False)
    held: dict[str, tuple[str, int]] = {}  # folder → (account, cents) held and not released
    released: list[str] = []
    seats: list[tuple[str, str]] = []
    refused = conflicts = 0
    try:
        for n in range(operations):
            choice = rng.random()
            folder = f"w{worker}-{n}"
            while True:
                try:
                    with store.unit_of_work() as uow:
                        if choice < 0.2:
                            session = f"S{rng.randrange(sessions)}"
                            uow.catalog.take_seat(SessionId(session), BookingId(folder))
                            uow.commit()
                            seats.append((session, folder))
                        elif choice < 0.45 and held:
                            old = sorted(held)[rng.randrange(len(held))]
                            account_id, _ = held[old]
                            account = uow.accounts.get(AccountId(account_id))
                            account.release(EntryId(f"{old}:release"), BookingId(old), DAY)
                            uow.accounts.save(account)
                            uow.commit()
                            del held[old]
                            released.append(old)
                        else:
                            account_id = f"A{rng.randrange(accounts)}"
                            cents = rng.randrange(1, 300) * 100
                            account = uow.accounts.get(AccountId(account_id))
                            account.hold(EntryId(f"{folder}:hold"), BookingId(folder), DAY,
                                         rights=Euros(cents))
                            uow.accounts.save(account)
                            uow.commit()
                            held[folder] = (account_id, cents)
                    break
                except ConflictError:
                    conflicts += 1
                except (InsufficientCredit, RuleViolation):
                    refused += 1
                    break
    finally:
        store.close()
    return {"held": held, "released": released, "seats": seats, "refused": refused,
            "conflicts": conflicts}
