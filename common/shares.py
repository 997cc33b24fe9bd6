"""The workers of a server share new connections evenly. They all wait on one listening socket, and the kernel
wakes them in the same order each time, so a burst of connections (a client's pool opening, a router's keep-alive
connections) could all land in one worker: with wrk's 16 connections, about one round in three put 16 or 14 in one
worker, which served them on one core at a third of the throughput while the other idled. Here each worker publishes
how many connections it holds, and one that holds more than a sibling leaves a new connection to it for a moment
(common.headfirst.ACCEPT_YIELD) before taking it itself (the sibling may be busy). Rejected: SO_REUSEPORT
(gunicorn's --reuse-port), whose kernel hash balances only on average, and which lets a second server started on the
same port by mistake share the connections silently instead of failing to start.

common.headfirst.HeadFirstWorker does the yielding; this module keeps the counts, in memory mapped when the master
imports it, before it forks the workers.
"""

from __future__ import annotations

import mmap
import os
import struct

SLOT = struct.Struct("qqd")  # a worker's pid, the connections it holds, when it last said so (time.monotonic)
SLOTS_PER_WORKER = 4
MAX_SLOTS = 256
STALE_AFTER = 3.0  # a worker's event loop says so at least every second; a slot older than this is a gone worker's


class Shares:
    """The connections each worker of a server holds, in memory all of them read and write: mapped when the master
    imports this module, before it forks the workers. A worker writes only its own slot (its age, which gunicorn
    counts up at each spawn, modulo the slots the server uses); two live workers in one slot only make the balance
    rougher."""

    def __init__(self) -> None:
        self.memory = mmap.mmap(-1, SLOT.size * MAX_SLOTS)

    def publish(self, slot: int, connections: int, now: float) -> None:
        SLOT.pack_into(self.memory, SLOT.size * slot, os.getpid(), connections, now)

    def fewest_elsewhere(self, slot: int, now: float, used_slots: int) -> int | None:
        """The fewest connections a live sibling holds, among the first used_slots slots; None when there is none."""
        fewest = None
        for index, (pid, connections, seen) in enumerate(SLOT.iter_unpack(self.memory[: SLOT.size * used_slots])):
            if index != slot and pid and now - seen < STALE_AFTER and (fewest is None or connections < fewest):
                fewest = connections
        return fewest


SHARES = Shares()
