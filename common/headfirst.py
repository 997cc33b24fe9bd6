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

HEAD_DEADLINE = 10.0
HEAD_MAX_BYTES = 1024 * 1024  # beyond gunicorn's own limits (100 fields of 8190 bytes, a 4094-byte request line)
HEAD_END = b"\r\n\r\n"
READ_SIZE = 65536
WORKER_CLASS = "common.headfirst.HeadFirstWorker"


class HeadFirstWorker(ThreadWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.heads: deque[tuple[float, TConn]] = deque()  # connections still sending their head, oldest first
        self.head_bytes: dict[TConn, bytearray] = {}

    def accept(self, listener: socket.socket) -> None:
        if self.cfg.is_ssl:
            super().accept(listener)
            return
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self._collect_head(TConn(self.cfg, client, address, listener.getsockname()))

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
        """Also close the connections whose head is past its deadline (all of them when forced, at shutdown)."""
        super().murder_keepalived(force)
        now = time.monotonic()
        while self.heads and (force or self.heads[0][0] <= now):
            _, conn = self.heads.popleft()
            if conn in self.head_bytes:
                self._drop(conn)
