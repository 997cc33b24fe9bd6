"""A gunicorn gthread worker that gives a connection a thread only once its whole request head has arrived.

Why: gunicorn's gthread worker hands a connection to one of its threads as soon as bytes arrive, and the thread then
reads the request head with blocking reads. A client that sends its head a line every few seconds (slowloris) holds a
thread for as long as it likes; 16 of them held all of a server's threads (2 workers x 8), and /healthz went
unanswered. Here the worker's event loop collects the head with non-blocking reads, next to the kept-alive
connections it already watches, and only a complete head goes to a thread. A head must be complete within
HEAD_DEADLINE seconds of the connection's accept (or of the end of its previous request, kept alive); a connection
past that, or whose head passes HEAD_MAX_BYTES, is closed. Idle connections cost a socket and a buffer, not a thread,
up to gunicorn's --worker-connections (1000) per worker.

Rejected alternatives: gevent or eventlet workers would put SQLite connections (one per thread, db.py) and the
sandbox's delivery and journal threads on monkey-patched greenlets, where a long SQLite call stalls every request of
the worker; a front server (nginx) is a second program for the Procfile to start, configure and keep alive.

The workers also share new connections evenly: one that holds more connections than a sibling leaves a new one to
it for ACCEPT_YIELD seconds before taking it itself (common.shares says why, and keeps the counts).

Used by every Procfile line and by common.serving (make run, the tests, the benchmarks). TLS is not terminated by
gunicorn here (a platform's router does it); with --certfile the worker behaves as gthread.
"""

from __future__ import annotations

import contextlib
import errno
import selectors
import socket
import time
from collections import deque
from functools import partial
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker

from common.shares import MAX_SLOTS, SHARES, SLOTS_PER_WORKER

HEAD_DEADLINE = 10.0
HEAD_MAX_BYTES = 1024 * 1024  # beyond gunicorn's own limits (100 fields of 8190 bytes, a 4094-byte request line)
HEAD_END = b"\r\n\r\n"
READ_SIZE = 65536
WORKER_CLASS = "common.headfirst.HeadFirstWorker"
ACCEPT_YIELD = 0.002


class HeadFirstWorker(ThreadWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.heads: deque[tuple[float, TConn]] = deque()  # connections still sending their head, oldest first
        self.head_bytes: dict[TConn, bytearray] = {}
        self.used_slots = min(MAX_SLOTS, SLOTS_PER_WORKER * self.cfg.workers)
        # Within the slots the siblings read: a worker respawned with an age past them would be unseen.
        self.slot = self.age % self.used_slots
        self.accept_resumes = 0.0  # while yielding a new connection to a sibling: when this worker takes it after all

    def accept(self, listener: socket.socket) -> None:
        if self.cfg.is_ssl:
            super().accept(listener)
            return
        if self._leave_to_sibling():
            return
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        SHARES.publish(self.slot, self.nr_conns, time.monotonic())
        self._collect_head(TConn(self.cfg, client, address, listener.getsockname()))

    def _leave_to_sibling(self) -> bool:
        """Whether to leave the waiting connection to a sibling that holds fewer: stop accepting for ACCEPT_YIELD.
        A connection still waiting when the yield has run out (accepting resumes at once) is this worker's."""
        now, resumed = time.monotonic(), self.accept_resumes
        self.accept_resumes = 0.0
        if resumed and now < resumed + ACCEPT_YIELD:
            return False
        if self.cfg.workers < 2:
            return False
        fewest = SHARES.fewest_elsewhere(self.slot, now, self.used_slots)
        if fewest is None or fewest >= self.nr_conns:
            return False
        self.accept_resumes = now + ACCEPT_YIELD
        super().set_accept_enabled(False)
        return True

    def set_accept_enabled(self, enabled: bool) -> None:
        """gunicorn's loop enables accepting at each turn; not before a yield to a sibling has run out."""
        super().set_accept_enabled(enabled and time.monotonic() >= self.accept_resumes)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        left = self.accept_resumes - time.monotonic()
        if left > 0:  # wake when the yield runs out, not at the loop's usual second
            timeout = min(timeout, left)
        super().wait_for_and_dispatch_events(timeout)

    def on_client_socket_readable(self, conn: TConn, client: socket.socket) -> None:
        """A kept-alive connection is sending its next request: collect its head as for a new one."""
        if self.cfg.is_ssl:
            super().on_client_socket_readable(conn, client)
            return
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._collect_head(conn)
        self._read_head(conn, client)

    def _collect_head(self, conn: TConn) -> None:
        conn.sock.setblocking(False)
        self.head_bytes[conn] = bytearray()
        self.heads.append((time.monotonic() + HEAD_DEADLINE, conn))
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._read_head, conn))

    def _read_head(self, conn: TConn, client: socket.socket) -> None:
        buffer = self.head_bytes.get(conn)
        if buffer is None:  # already handed over or closed
            return
        try:
            data = client.recv(READ_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away
            self._drop(conn)
            return
        buffer += data
        if HEAD_END not in buffer:
            if len(buffer) > HEAD_MAX_BYTES:
                self._drop(conn)
            return
        self.poller.unregister(client)
        del self.head_bytes[conn]
        self.heads = deque(entry for entry in self.heads if entry[1] is not conn)
        conn.init()  # makes the parser (once per connection) and sets the socket blocking
        conn.parser.unreader.unread(bytes(buffer))
        conn.data_ready = True
        self.enqueue_req(conn)

    def _drop(self, conn: TConn) -> None:
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)
        self.head_bytes.pop(conn, None)
        self.heads = deque(entry for entry in self.heads if entry[1] is not conn)
        self.nr_conns -= 1
        conn.close()

    def murder_keepalived(self, force: bool = False) -> None:
        """Also close the connections whose head is past its deadline (all of them when forced, at shutdown); then tell
        the siblings how many connections this worker holds (gunicorn's loop calls this at every turn)."""
        super().murder_keepalived(force)
        now = time.monotonic()
        SHARES.publish(self.slot, self.nr_conns, now)
        while self.heads and (force or self.heads[0][0] <= now):
            _, conn = self.heads.popleft()
            if conn in self.head_bytes:
                self._drop(conn)
