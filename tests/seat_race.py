"""One holder's acceptance of the last seat, run in a child process by the seat race test
(``python tests/seat_race.py DB FOLDER HOLDER START``): wait until the instant ``START`` (a Unix
time), accept the folder's proposal (retrying a ``ConflictError``), and print ``won`` or the
refusal's codes.
"""

from __future__ import annotations

import sys
import time

import store_workload
from formation.adapters.sqlite import SqliteStore
from formation.bookings import Actor
from formation.errors import ConflictError, RuleViolation
from formation.ids import BookingId, HolderId
from formation.services import bookings as svc


def main(path: str, folder: str, holder: str, start: float) -> None:
    with SqliteStore(path) as store:
        time.sleep(max(0.0, start - time.time()))
        while True:
            try:
                svc.accept(store, Actor.holder(HolderId(holder)), store_workload.at(4, 9),
                           BookingId(folder))
                print("won", flush=True)
                return
            except ConflictError:
                continue
            except RuleViolation as refused:
                print(" ".join(refused.codes), flush=True)
                return


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]))
