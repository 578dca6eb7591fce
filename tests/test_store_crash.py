"""Killing a process in the middle of its bookings loses nothing and half-writes nothing.

A child process runs the booking services in a loop against a SqliteStore file (request,
proposal, acceptance holding the rights, every other folder withdrawn) and prints what each
call acknowledged; the test kills it with SIGKILL after a random short delay, many times, on
the same file. After each kill the store opens, every acknowledged folder is there at least
at the version acknowledged, and every folder's history matches its ledger entries (the
holds, releases and debits each transition recorded are exactly the entries for it). A bulk
import killed in its middle leaves the store without any of it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import store_workload
from formation.adapters.sqlite import SqliteStore
from formation.ids import BookingId

WORKLOAD = Path(__file__).with_name("store_workload.py")
KILLS = 20
ACCOUNTS = ["A1", "A2"]


def _acknowledged(output: str) -> dict[str, int]:
    acks: dict[str, int] = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "ack":
            acks[parts[1]] = max(acks.get(parts[1], 0), int(parts[2]))
    return acks


def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    with SqliteStore(path) as store:
        store_workload.seed(store, ACCOUNTS)
    rng = random.Random(20261126)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    acknowledged: dict[str, int] = {}
    killed_while_running = 0
    for generation in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, str(WORKLOAD), str(path), f"G{generation}", "100000", *ACCOUNTS],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**env, "STORE_DURABLE": str(generation % 2), "STORE_SETTLE": "1"})
        # a random delay after start-up (about 0.6 s), so that kills land anywhere in the loop
        time.sleep(rng.uniform(0.4, 0.9))
        child.send_signal(signal.SIGKILL)
        output, errors = child.communicate()
        assert child.returncode == -signal.SIGKILL, errors
        killed_while_running += 1
        acknowledged.update(_acknowledged(output))
        # the store opens, nothing is half-written, nothing acknowledged is lost
        folders, _ = store_workload.check(str(path))
        with SqliteStore(path) as store, store.unit_of_work() as uow:
            for folder, version in acknowledged.items():
                assert uow.bookings.get(BookingId(folder)).version >= version, folder
        assert folders >= len(acknowledged)
    assert killed_while_running == KILLS
    assert len(acknowledged) > KILLS  # the children did work before being killed
    print(f"{len(acknowledged)} folders acknowledged over {KILLS} kills")


_IMPORT_CHILD = """
import sys
from formation.adapters.sqlite import SqliteStore
with SqliteStore(sys.argv[1]) as store, open(sys.argv[2], encoding="utf-8") as lines:
    print("started", flush=True)
    print("imported", store.import_lines(lines).entries, flush=True)
"""


def test_a_bulk_import_killed_midway_imports_nothing(tmp_path: Path) -> None:
    accounts = 600
    dump = tmp_path / "big.jsonl"
    with dump.open("w", encoding="utf-8") as out:
        for a in range(accounts):
            entries = [{"entry_id": f"c{k}", "kind": "annual-credit", "amount": 100,
                        "effective": "2025-04-15", "source": "droits"} for k in range(200)]
            out.write(json.dumps({"type": "Account", "version": 1, "data": {
                "account_id": f"A{a}", "holder_id": f"H{a}", "entries": entries}}) + "\n")
    rng = random.Random(9)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    outcomes = set()
    for attempt in range(4):
        path = tmp_path / f"import-{attempt}.db"
        SqliteStore(path).close()
        child = subprocess.Popen([sys.executable, "-c", _IMPORT_CHILD, str(path), str(dump)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=env)
        assert child.stdout is not None
        assert child.stdout.readline() == "started\n"
        time.sleep(rng.uniform(0.05, 0.4))  # the import of 120 000 entries takes longer
        child.send_signal(signal.SIGKILL)
        output, _ = child.communicate()
        with SqliteStore(path) as store:
            counts = store.counts()
        if "imported" in output:
            assert (counts["accounts"], counts["entries"]) == (accounts, accounts * 200)
            outcomes.add("all")
        else:
            assert (counts["accounts"], counts["entries"]) in ((0, 0), (accounts,
                                                                        accounts * 200))
            outcomes.add("nothing" if counts["accounts"] == 0 else "all")
    assert "nothing" in outcomes  # kills landed in the middle of the import
