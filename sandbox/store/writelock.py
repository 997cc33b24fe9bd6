"""One writer at a time on a database file, across the threads of a process and the processes (gunicorn workers) on
the file, handed to the next writer as soon as it is free.

Why: SQLite allows one writer anyway, but makes the others wait in its busy handler, which polls the lock and sleeps
between tries in growing steps (1, 2, 5, 10 ... up to 100 ms). Under 16 concurrent requests that each write (the
rate-limit count does), a waiter slept tens of ms while the lock sat free for most of that time, and a fresh writer
could take it ahead of one that had waited long: profiled with py-spy, 62 % of the request threads' time was in
BEGIN IMMEDIATE, and p99 was 10-16 x p50. Here the threads of a process queue on a threading.Lock, which wakes a
waiter at release, and only the one thread per process that holds it competes for an flock on a lock file beside
the database (the kernel drops it when a process dies, kill -9 included), polled in steps of at most MAX_PAUSE.
SQLite's busy timeout stays as the fallback for writers that do not take this lock (the sqlite3 shell).

Every wait has the caller's deadline; a wait longer than SLOW_WAIT is logged (logger sandbox.store), so a busy
database shows in the log rather than only in the latency.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

FIRST_PAUSE = 0.00005
MAX_PAUSE = 0.001
SLOW_WAIT = 0.1
log = logging.getLogger("sandbox.store")


class WriteLock:
    def __init__(self, database_path: str) -> None:
        self.path = Path(f"{database_path}-writer.lock")
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid: int | None = None

    def _file(self) -> int:
        # Opened per process: a descriptor inherited over fork() shares its flock with the parent and its siblings.
        if self._fd is None or self._pid != os.getpid():
            self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600), os.getpid()
            return self._fd
        return self._fd

    def acquire(self, timeout: float) -> float:
        """Wait at most timeout seconds for the lock; the seconds waited. sqlite3.OperationalError when the time is up,
        as SQLite's own busy timeout would raise."""
        started = time.monotonic()
        deadline = started + timeout
        if not self._threads.acquire(timeout=timeout):
            raise self._timed_out(timeout)
        try:
            fd, pause = self._file(), FIRST_PAUSE
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise self._timed_out(timeout) from None
                    time.sleep(min(pause, left))
                    pause = min(pause * 2, MAX_PAUSE)
        except BaseException:
            self._threads.release()
            raise
        waited = time.monotonic() - started
        if waited > SLOW_WAIT:
            log.warning("waited %.0f ms for the write lock on %s", waited * 1000, self.path.name)
        return waited

    def release(self) -> None:
        fcntl.flock(self._file(), fcntl.LOCK_UN)  # the descriptor acquire() locked: same process, same one
        self._threads.release()

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = self._pid = None

    def _timed_out(self, timeout: float) -> sqlite3.OperationalError:
        log.warning("gave up waiting for the write lock on %s after %.0f ms", self.path.name, timeout * 1000)
        return sqlite3.OperationalError(f"database is locked: no write lock within {timeout:.0f} s")
