"""The write lock: one writer at a time across processes on one database file, a whole deadline on the wait, and a lock
that a killed holder does not keep."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sandbox.store.db import Database
from sandbox.store.writelock import WriteLock
from tests.helpers import ROOT

# Another process (a gunicorn worker's stand-in) takes the lock, says so, and holds it until its release file appears.
HOLDER = """
import sys, time
from pathlib import Path
from sandbox.store.writelock import WriteLock
lock = WriteLock(sys.argv[1])
lock.acquire(5)
Path(sys.argv[2]).write_text("held")
while not Path(sys.argv[3]).exists():
    time.sleep(0.01)
Path(sys.argv[4]).write_text("releasing")  # before the release: a waiter that got the lock must find it
lock.release()
time.sleep(30)
"""


@pytest.fixture
def holder(tmp_path: Path):
    database = str(tmp_path / "w.db")
    made = Database(database)  # a database in WAL, as the sandbox's boot leaves it (its first open turns it WAL under the lock)
    made.migrate()
    made.close()
    files = [tmp_path / name for name in ("held", "release", "released")]
    command = [sys.executable, "-c", HOLDER, database, *map(str, files)]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 30
    while not files[0].exists():
        assert process.poll() is None and time.monotonic() < deadline, "the holder never took the lock"
        time.sleep(0.01)
    yield database, process, files
    process.kill()
    process.wait(timeout=10)


def test_a_writer_waits_while_another_process_holds_the_lock(holder):
    database, _, (_, release, released) = holder
    lock = WriteLock(database)
    release.write_text("go")
    lock.acquire(10)
    try:
        assert released.exists()  # not before the holder let go
    finally:
        lock.release()


def test_a_wait_past_its_deadline_is_database_is_locked(holder):
    database, _, _ = holder
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        WriteLock(database).acquire(0.2)


def test_a_killed_holder_leaves_the_lock_free(holder):
    database, process, _ = holder
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    lock = WriteLock(database)
    lock.acquire(5)
    lock.release()


def test_a_write_transaction_waits_for_the_lock_and_a_read_does_not(holder):
    database, _, (_, release, released) = holder
    db = Database(database)
    seen: list[bool] = []
    with db.read() as conn:  # a reader does not need the lock
        assert conn.execute("SELECT 1").fetchone()[0] == 1
    writer = threading.Thread(target=lambda: seen.append(write_sees(db, released)))
    writer.start()
    time.sleep(0.3)  # time for the writer to reach the lock (not a timing assertion: a late writer passes too)
    release.write_text("go")
    writer.join(20)
    db.close()
    assert seen == [True], "the write ran while another process held the lock"


def write_sees(db: Database, released: Path) -> bool:
    with db.write() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS written (x)")
        return released.exists()
