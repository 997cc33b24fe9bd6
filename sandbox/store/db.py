"""SQLite connections and transactions.

A file database gets one connection per thread and process, in WAL mode with synchronous=NORMAL: a commit is in
the WAL (the OS page cache) before the call returns, so an acknowledged write survives a kill -9 of the server.
':memory:' (tests) is one connection shared by all threads behind a lock, since each connection to ':memory:'
would otherwise be its own empty database. Writers take the lock at BEGIN IMMEDIATE so that two writers never
deadlock upgrading a read transaction, and queue for it on store.writelock rather than in SQLite's busy handler
(see there why). The WAL is checkpointed by a thread of each process every CHECKPOINT_EVERY commits, never inside a
COMMIT, which returns with the write lock still held (_checkpoint_when_due).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from sandbox.store.migrations import MIGRATIONS
from sandbox.store.sharedflag import SharedFlag
from sandbox.store.writelock import WriteLock

BUSY_TIMEOUT_MS = 15_000
# Commits of a process between its checkpoints: a notification's commit writes about 7 pages, so a few hundred pages of
# WAL, against SQLite's own 1000 (_checkpoint_when_due).
CHECKPOINT_EVERY = 64
CHECKPOINT_IDLE_S = 1.0  # how often an idle checkpointer looks whether its database was closed


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid an INSERT just made (sqlite3 types it Optional, for statements that insert nothing)."""
    if cursor.lastrowid is None:
        raise RuntimeError("the statement inserted no row")
    return cursor.lastrowid


class Database:
    def __init__(self, path: str) -> None:
        self.path = path
        self.memory = path == ":memory:"
        self._local = threading.local()
        self._lock = threading.RLock()
        self._shared: sqlite3.Connection | None = None
        self._writers: WriteLock | None = None
        self._flags: dict[str, SharedFlag] = {}
        self._counting = threading.Lock()
        self._commits = 0
        self._checkpoint_due = threading.Event()
        self._checkpointer_pid: int | None = None
        self._checkpointer_stop = threading.Event()
        if not self.memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._writers = WriteLock(path)

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=not self.memory, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if self._writers is not None:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                # A file turns WAL under an exclusive lock that SQLite does not wait for: workers opening a new
                # database at once failed to boot ("database is locked", 7 of 80 processes in 20 trials). One at a
                # time here; a file already in WAL (every open but the first) never waits for a writer.
                self._writers.acquire(BUSY_TIMEOUT_MS / 1000)
                try:
                    conn.execute("PRAGMA journal_mode = WAL")
                finally:
                    self._writers.release()
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA wal_autocheckpoint = 0")  # _checkpoint_when_due does it, outside the write lock
        return conn

    def connection(self) -> sqlite3.Connection:
        if self.memory:
            if self._shared is None:
                self._shared = self._open()
            return self._shared
        local = self._local
        # A connection made before a fork (gunicorn --preload) must not be used by the child.
        if getattr(local, "pid", None) != os.getpid():
            local.conn, local.pid, local.depth = self._open(), os.getpid(), 0
        return local.conn

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        with self._lock if self.memory else _nolock():
            conn = self.connection()
            local = self._local
            depth = getattr(local, "depth", 0)
            if depth:  # nested: part of the enclosing transaction
                local.depth = depth + 1
                try:
                    yield conn
                finally:
                    local.depth = depth
                return
            writers = self._writers if begin == "BEGIN IMMEDIATE" else None
            if writers is not None:
                writers.acquire(BUSY_TIMEOUT_MS / 1000)
            try:
                conn.execute(begin)
                local.depth, local.writing = 1, begin == "BEGIN IMMEDIATE"
                try:
                    yield conn
                except BaseException:
                    local.depth, local.writing = 0, False
                    conn.execute("ROLLBACK")
                    raise
                local.depth, local.writing = 0, False
                conn.execute("COMMIT")
            finally:
                if writers is not None:
                    writers.release()
            if writers is not None:
                self._checkpoint_when_due()

    def _checkpoint_when_due(self) -> None:
        """Every CHECKPOINT_EVERY commits of this process, a passive checkpoint by this process's checkpointer thread.

        Why not SQLite's own: it checkpoints inside the COMMIT that passes 1000 pages of WAL, and COMMIT returns to a
        writer that still holds the write lock (store.writelock), so every other writer waited while it copied pages
        and synced both files. Side by side under wrk, notifications without those pauses: 903 against 750 req/s, p99
        34 against 46 ms. A thread of its own, so that no request waits for one either. A passive checkpoint neither
        waits for nor blocks writers; one that finds another process's checkpoint running gives way (no busy handler),
        and that one does the work."""
        with self._counting:
            self._commits += 1
            if self._commits < CHECKPOINT_EVERY:
                return
            self._commits = 0
            if self._checkpointer_pid != os.getpid():  # none yet, or the parent's before a fork: threads do not survive one
                self._checkpointer_pid, self._checkpointer_stop = os.getpid(), threading.Event()
                stop = self._checkpointer_stop
                threading.Thread(target=self._checkpoint_loop, args=(stop,), name="sandbox-checkpoint", daemon=True).start()
        self._checkpoint_due.set()

    def _checkpoint_loop(self, stop: threading.Event) -> None:
        while not stop.is_set():
            if self._checkpoint_due.wait(CHECKPOINT_IDLE_S) and not stop.is_set():
                self._checkpoint_due.clear()
                with contextlib.suppress(sqlite3.Error):  # SQLite checkpoints again at the next one, or at close
                    self.connection().execute("PRAGMA wal_checkpoint(PASSIVE)")
        conn = getattr(self._local, "conn", None)  # this thread's own
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            conn.close()

    def write(self) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction: BEGIN IMMEDIATE ... COMMIT (rolled back on an exception)."""
        return self._transaction("BEGIN IMMEDIATE")

    def writing(self) -> bool:
        """Whether this thread is inside a write transaction (which holds the database's write lock)."""
        return bool(getattr(self._local, "writing", False))

    def read(self) -> AbstractContextManager[sqlite3.Connection]:
        """A read transaction: one consistent snapshot for several statements."""
        return self._transaction("BEGIN")

    def fetch_all(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """The rows of one statement, which is its own snapshot: no BEGIN and COMMIT around it (two statements of the
        three a read transaction costs). Inside a transaction of this thread, part of it."""
        with self.statement() as conn:
            return conn.execute(sql, parameters).fetchall()

    @contextmanager
    def statement(self) -> Iterator[sqlite3.Connection]:
        """The connection for one read statement, its own snapshot, with no transaction opened around it (fetch_all
        for a function that takes a connection). Two statements here may see different states of the database."""
        with self._lock if self.memory else _nolock():
            yield self.connection()

    def flag(self, name: str) -> SharedFlag:
        """The database's shared flag of that name (sandbox.store.sharedflag: raised and lowered in write transactions)."""
        found = self._flags.get(name)
        if found is None:
            with self._lock:
                found = self._flags.setdefault(name, SharedFlag(self.path, name))
        return found

    def migrate(self) -> int:
        """Apply the migrations this database has not seen; returns the schema version."""
        with self.write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in split_statements(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
            return conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        with self._counting:
            self._checkpointer_stop.set()  # a commit after this starts another checkpointer
            self._checkpointer_pid = None
        self._checkpoint_due.set()
        if self._shared is not None:
            self._shared.close()
            self._shared = None
        conn = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            conn.close()
            self._local.pid = None
        if self._writers is not None:
            self._writers.close()
        for flag in self._flags.values():
            flag.close()
        self._flags.clear()


@contextmanager
def _nolock() -> Iterator[None]:
    yield


def split_statements(script: str) -> list[str]:
    """executescript() would COMMIT the open transaction; run a migration statement by statement instead."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements
