"""A flag that every process on a database file reads without a statement: one byte in a file beside the database,
mapped into memory (a ':memory:' database, one process, keeps it in memory).

What it is for: a question every request asks whose answer is nearly always "none", such as "is a fault injected?".
A statement per request to hear "none" costs the request a GIL hand-off under load; the flag answers it from memory.

The rule that keeps it true: while rows of the kind it marks may exist, the flag is up. A writer raises it inside the
write transaction that adds such a row, before the row is committed; it is lowered only inside a write transaction
that has just found none (both hold the database's one write lock, so the two never interleave). A reader that finds
it down may skip the statement; one that finds it up asks the database, and may lower it. Every open raises it: a
database copied in beside an old flag file is asked once, not trusted (raising is always safe; lowering is not).
"""

from __future__ import annotations

import mmap
import os


class SharedFlag:
    def __init__(self, database_path: str, name: str) -> None:
        self._byte: bytearray | mmap.mmap | None
        if database_path == ":memory:":
            self._byte = bytearray(b"\x01")
            return
        fd = os.open(f"{database_path}-{name}.flag", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            if os.fstat(fd).st_size < 1:
                os.pwrite(fd, b"\x01", 0)
            self._byte = mmap.mmap(fd, 1)  # MAP_SHARED: every process that maps the file sees one byte
        finally:
            os.close(fd)  # the mapping stays
        self.raise_()

    def _bytes(self) -> bytearray | mmap.mmap:
        if self._byte is None:
            raise RuntimeError("the flag is closed")
        return self._byte

    def is_up(self) -> bool:
        return self._bytes()[0] != 0

    def raise_(self) -> None:
        self._bytes()[0] = 1

    def lower(self) -> None:
        self._bytes()[0] = 0

    def close(self) -> None:
        if isinstance(self._byte, mmap.mmap):
            self._byte.close()
        self._byte = None
