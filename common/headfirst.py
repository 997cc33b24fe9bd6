"""A gunicorn gthread worker that gives a connection a thread only once its whole request has arrived: its head, and
its body up to BODY_BUFFER_MAX.

Why: gunicorn's gthread worker hands a connection to one of its threads as soon as bytes arrive, and the thread then
reads the request with blocking reads. A client that sends its head a line every few seconds (slowloris), or a whole
head and then its body a byte every few seconds, holds a thread for as long as it likes; 16 of them held all of a
server's threads (2 workers x 8), and /healthz went unanswered. Here the worker's event loop collects the request
with non-blocking reads, next to the kept-alive connections it already watches (common.framing says where a request
ends), then gives the bytes it read to gunicorn's parser as if they had just come from the socket (bytes pipelined
after the request with them) and the connection to a thread.

What gets a thread when:
- A request without a body, or with a body of at most BODY_BUFFER_MAX framed by Content-Length or chunked: once all
  of it is here. Head and body must arrive within REQUEST_DEADLINE of the accept (on a kept-alive connection, of the
  first byte of the next request; for bytes pipelined after a request, of the end of that request); past that, or
  with a head past HEAD_MAX_BYTES, the connection is closed unanswered. 1 MiB: every JSON call of the runtime and the
  sandbox is far below it (RUNTIME_MAX_BODY_BYTES is 1 MiB too), file uploads are above it; 10 s for 1 MiB asks a
  client for 100 KB/s at least.
- A larger body (a file upload), or a framing common.framing does not follow (one gunicorn refuses, mostly, with a
  400 before reading any body): at the end of the head, with the body bytes that came with it. The thread reads the
  rest, but everything a thread reads for one request (what is left of the body, gunicorn's drain of what the
  application left unread) is bounded as a whole by BODY_DEADLINE from when the thread takes the request: each recv
  gets only the time left (BoundedReads), and once none is left raises TimeoutError. The application sees a read
  error (werkzeug: a client gone away), gunicorn closes the connection, and the thread is free. 60 s: the largest
  bodies the servers accept by default (the sandbox's SANDBOX_MAX_UPLOAD_BYTES, 32 MiB; the runtime's FILE_MAX_BYTES
  + RUNTIME_MAX_BODY_BYTES, 26 MiB) then need 4.5 Mbit/s.
- Chunked bodies are collected as Content-Length ones are: common.framing follows the chunk framing as gunicorn's
  ChunkedReader reads it (sizes, CRLFs, the trailer section), its framing bytes counted against the same cap, under
  the same deadline; a chunked body that grows past the cap goes to a thread where it stands.
- Expect: 100-continue (HTTP/1.1): gunicorn answers "100 Continue" when a thread starts the request, before the
  application sees it, whatever the application would answer. A client that waits for it before sending its body
  would wait for an event loop waiting for that body; so the event loop sends it, once the head is in and no body
  byte yet, and the thread's gunicorn does not send another (nor one after a body that came whole without it). When
  the socket cannot take those 25 bytes (the client is not reading its previous answer), a thread gets the request
  at once, as before.

Memory: a connection collecting its head holds up to HEAD_MAX_BYTES, as before (1000 such connections, gunicorn's
--worker-connections, are 1 GiB, which clients must send within 10 s). Bodies are bounded per worker: the bytes the
event loop read for requests with a body (their heads included) count against BODY_BUFFER_TOTAL until the request is
finished (while it is collected, waits for a thread, is served); once it is reached, the event loop reads no body
bytes from any socket until a request finishes or a connection is closed. That is backpressure, not refusal: the
bytes wait in the kernel, then the client's TCP window closes; heads are still read, so requests without a body are
still served. The worst case is BODY_BUFFER_TOTAL, plus per connection the body bytes that came in the same read as
the end of its head (READ_SIZE); without the bound it would be 1 GiB a worker. 32 MiB is 32 full-size bodies at
once, 4 per thread, and thousands of JSON calls of a few KB. A budget full of bodies that never end holds the bodies
behind it until those are closed at their deadline: to keep a worker so, a client has to send 32 MiB every 10 s.

The limits are class attributes (request_deadline, body_deadline, body_buffer_max, body_buffer_total), shorter in
the tests' subclasses (tests/fixtures/headfirst_quick.py).

Rejected alternatives: gevent or eventlet workers would put SQLite connections (one per thread, db.py) and the
sandbox's delivery and journal threads on monkey-patched greenlets, where a long SQLite call stalls every request of
the worker; a front server (nginx) is a second program for the Procfile to start, configure and keep alive. A timeout
per read (gunicorn's own 5 s wait for data, a socket timeout set once) never cuts a client that sends a byte before
each one runs out. A body deadline proportional to the Content-Length: the length is the client's word, and claiming
a huge body would buy a long hold. Handing every chunked body to a thread under BODY_DEADLINE: a client chunking a
small body would hold a thread for 60 s. Reserving a body's Content-Length in the budget when its head arrives (a
started body could always finish): a head alone would hold 1 MiB of room, and 32 heads every 10 s would stall every
body. Answering 503 when the budget is full: a burst would be refused instead of served late. A lower cap without a
budget (64 KiB x 1000 connections): calls between 64 KiB and 1 MiB would go back to a thread each.

Not covered: a body over the cap still gets a thread, for at most BODY_DEADLINE; as many clients as threads claiming
large bodies and dripping them (2 a worker for the sandbox's line) hold all the threads for that long. A thread's
answer is written with blocking writes: a client that does not read a large answer holds the thread until the
kernel's buffer takes the rest.

The workers also share new connections evenly: one that holds more connections than a sibling leaves a new one to
it for ACCEPT_YIELD seconds before taking it itself (common.shares says why, and keeps the counts).

Used by every Procfile line and by common.serving (make run, the tests, the benchmarks). TLS is not terminated by
gunicorn here (a platform's router does it); with --certfile the worker behaves as gthread.
"""

from __future__ import annotations

import errno
import selectors
import socket
import time
from collections import deque
from concurrent.futures import Future
from functools import partial
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker

from common.framing import Arrival, Progress
from common.shares import MAX_SLOTS, SHARES, SLOTS_PER_WORKER

REQUEST_DEADLINE = 10.0  # seconds for a request's head and, when the event loop collects it, its body
HEAD_MAX_BYTES = 1024 * 1024  # beyond gunicorn's own limits (100 fields of 8190 bytes, a 4094-byte request line)
BODY_BUFFER_MAX = 1024 * 1024  # the largest body the event loop collects; a larger one is read by the thread
BODY_BUFFER_TOTAL = 32 * 1024 * 1024  # the bytes of requests with a body a worker holds at once, until answered
BODY_DEADLINE = 60.0  # seconds for everything a thread reads for one request, from when it takes it
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
READ_SIZE = 65536
WORKER_CLASS = "common.headfirst.HeadFirstWorker"
ACCEPT_YIELD = 0.002


class BoundedReads:
    """The socket as a thread's parser reads it: each recv waits only for what is left of a whole deadline (`until`,
    set when a thread takes the request) and raises TimeoutError once it has passed. A timeout gunicorn sets for its
    own drain applies too, when it is shorter; it is kept here and given to the socket only for a recv, so a request
    whose bytes are all buffered costs no system call for it. Writes (the answer) do not come through here: the
    thread's socket stays blocking for them."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.until = 0.0  # no reads before a thread has taken a request (handle sets it)
        self.timeout: float | None = None

    def recv(self, size: int) -> bytes:
        left = self.until - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request's read deadline has passed")
        self.sock.settimeout(left if self.timeout is None else min(self.timeout, left))
        try:
            return self.sock.recv(size)
        finally:
            self.sock.settimeout(None)

    def gettimeout(self) -> float | None:  # gunicorn's finish_body bounds its drain with these two
        return self.timeout

    def settimeout(self, timeout: float | None) -> None:
        self.timeout = timeout


class Conn(TConn):
    """A connection as this worker keeps it: the reads its thread makes, and whether the request the thread gets has
    had its Expect: 100-continue answered (by the event loop) or made moot (the whole body is already here)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.reads: BoundedReads | None = None
        self.continue_answered = False


class Pending:
    """A request the event loop is still collecting: its bytes, how many of them count against the worker's body
    budget, whether the event loop has answered its Expect: 100-continue, and whether the poller watches its socket."""

    __slots__ = ("arrival", "continue_answered", "counted", "watched")

    def __init__(self, arrival: Arrival) -> None:
        self.arrival = arrival
        self.counted = 0
        self.continue_answered = False
        self.watched = False  # registered with the event loop's poller


class HeadFirstWorker(ThreadWorker):
    # The limits, as class attributes: a subclass with shorter ones serves the tests (tests/fixtures/headfirst_quick.py).
    request_deadline = REQUEST_DEADLINE
    body_deadline = BODY_DEADLINE
    body_buffer_max = BODY_BUFFER_MAX
    body_buffer_total = BODY_BUFFER_TOTAL

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending: dict[Conn, Pending] = {}  # connections whose request the event loop is collecting
        # Their deadlines, soonest first; an entry whose request was handed over or dropped stays until it comes up.
        self.deadlines: deque[tuple[float, Conn, Pending]] = deque()
        self.paused: dict[Conn, None] = {}  # body reads waiting for room in the budget, in the order they stopped
        self.held: dict[Conn, int] = {}  # budget bytes of requests handed to a thread and not finished yet
        self.buffered = 0  # body bytes counted against body_buffer_total: pending, and handed over until finished
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
        self._collect(Conn(self.cfg, client, address, listener.getsockname()))

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
        """Wake when a yield runs out or a request's deadline comes, not only at the loop's usual second."""
        now = time.monotonic()
        if self.accept_resumes > now:
            timeout = min(timeout, self.accept_resumes - now)
        while self.deadlines and not self._collecting(*self.deadlines[0][1:]):
            self.deadlines.popleft()  # a request no longer collected: its deadline wakes no one
        if self.deadlines:
            timeout = min(timeout, max(0.0, self.deadlines[0][0] - now))
        super().wait_for_and_dispatch_events(timeout)

    def on_client_socket_readable(self, conn: TConn, client: socket.socket) -> None:
        """A kept-alive connection is sending its next request: collect it as a new connection's, reading at once (a
        whole request, the usual case, then goes to a thread without being watched at all)."""
        if self.cfg.is_ssl:
            super().on_client_socket_readable(conn, client)
            return
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._collect(conn, read_now=True)

    def _collect(self, conn: Conn, data: bytes = b"", read_now: bool = False) -> None:
        """Collect a request on conn (non-blocking already): from data when the client sent it already (pipelined),
        or from a read now when the socket is readable; then watch it for the rest, unless that was all of it."""
        pending = Pending(Arrival(data, HEAD_MAX_BYTES, self.body_buffer_max))
        self.pending[conn] = pending
        self.deadlines.append((time.monotonic() + self.request_deadline, conn, pending))
        if read_now:
            self._read(conn, conn.sock)
        elif data:
            self._advance(conn, pending, pending.arrival.progress())
        if self.pending.get(conn) is pending and conn not in self.paused:
            self._watch(conn, pending)

    def _watch(self, conn: Conn, pending: Pending) -> None:
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._read, conn))
        pending.watched = True

    def _unwatch(self, conn: Conn, pending: Pending) -> None:
        if pending.watched:  # not with a KeyError: selectors would make it from the socket's repr, two system calls
            self.poller.unregister(conn.sock)
            pending.watched = False

    def _read(self, conn: Conn, client: socket.socket) -> None:
        pending = self.pending.get(conn)
        if pending is None:  # already handed over or closed
            return
        if pending.arrival.in_body and self.buffered >= self.body_buffer_total:
            self._unwatch(conn, pending)  # backpressure: the body waits in the kernel (then in the client) for room
            self.paused[conn] = None
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
        self._advance(conn, pending, pending.arrival.add(data))

    def _advance(self, conn: Conn, pending: Pending, progress: Progress) -> None:
        arrival = pending.arrival
        if arrival.in_body:
            grown = len(arrival.buffer) - pending.counted
            pending.counted += grown
            self.buffered += grown
        if progress is Progress.OVERSIZED:
            self._drop(conn)
        elif progress is not Progress.MORE:
            self._hand_over(conn, pending, whole=progress is Progress.WHOLE)
        elif arrival.framing.expects_continue and not arrival.body_begun and not pending.continue_answered:
            self._answer_continue(conn, pending)

    def _answer_continue(self, conn: Conn, pending: Pending) -> None:
        """Say "100 Continue" to a client that may wait for it before sending the body the event loop waits for, as
        gunicorn would once a thread had the request (before the application sees it, whatever it answers)."""
        try:
            sent = conn.sock.send(CONTINUE)
        except BlockingIOError:
            sent = 0
        except OSError:
            self._drop(conn)
            return
        if sent == len(CONTINUE):
            pending.continue_answered = True
        elif sent == 0:  # the client is not reading its previous answer yet: a thread answers and waits, as before
            self._hand_over(conn, pending, whole=False)
        else:  # half an interim answer sent: the connection cannot be continued cleanly
            self._drop(conn)

    def _hand_over(self, conn: Conn, pending: Pending, whole: bool) -> None:
        """Give the request to a thread: what the event loop read goes to gunicorn's parser, as if read from the
        socket, and the thread reads anything more within body_deadline."""
        self._forget(conn)
        if pending.counted:
            self.held[conn] = pending.counted
        conn.init()  # makes the parser (once per connection) and sets the socket blocking
        if conn.reads is None:
            conn.reads = conn.parser.unreader.sock = BoundedReads(conn.sock)
        conn.continue_answered = pending.continue_answered or whole
        conn.parser.unreader.unread(pending.arrival.buffer)
        conn.data_ready = True
        self.enqueue_req(conn)

    def handle(self, conn: TConn) -> Any:
        """In the thread: from now, the request's reads from the socket are bounded by body_deadline as a whole."""
        if isinstance(conn, Conn) and conn.reads is not None:
            conn.reads.until = time.monotonic() + self.body_deadline
        return super().handle(conn)

    def handle_request(self, req: Any, conn: TConn) -> Any:
        if isinstance(conn, Conn) and conn.continue_answered:
            req._expected_100_continue = False  # gunicorn would send a second "100 Continue", or one after the body
        return super().handle_request(req, conn)

    def finish_request(self, conn: TConn, fs: Future[Any]) -> None:
        """The thread is done: the request's bytes leave the budget. Bytes the client sent after the request, which
        the thread's parser read ahead (pipelined), are collected as a new request, not handed straight to a thread
        that would block on the rest of them."""
        if self.held:
            self._release(self.held.pop(conn, 0))
        if self._kept_with_bytes_after(conn, fs):
            conn.sock.setblocking(False)
            self._collect(conn, conn.parser.unreader.take_buffered())
            return
        super().finish_request(conn, fs)

    def _kept_with_bytes_after(self, conn: TConn, fs: Future[Any]) -> bool:
        if not isinstance(conn, Conn) or not conn.parser.unreader.buf.getvalue():
            return False
        return not fs.cancelled() and fs.exception() is None and fs.result() is True

    def _collecting(self, conn: Conn, pending: Pending) -> bool:
        """Whether pending is still the request the event loop collects on conn (not one handed over or dropped since,
        nor an earlier one of the kept-alive connection)."""
        return self.pending.get(conn) is pending

    def _forget(self, conn: Conn) -> Pending | None:
        """Stop collecting on conn: no more reads, no pause; its deadline's entry is passed over when it comes up."""
        pending = self.pending.pop(conn, None)
        if pending is not None:
            self._unwatch(conn, pending)
            self.paused.pop(conn, None)
        return pending

    def _drop(self, conn: Conn) -> None:
        pending = self._forget(conn)
        if pending is not None:
            self._release(pending.counted)
        self.nr_conns -= 1
        conn.close()

    def _release(self, count: int) -> None:
        """count bytes leave the budget; with room again, the paused body reads resume."""
        if not count:
            return
        self.buffered -= count
        if self.buffered < self.body_buffer_total:
            for conn in self.paused:
                self._watch(conn, self.pending[conn])
            self.paused.clear()

    def murder_keepalived(self, force: bool = False) -> None:
        """Also close the connections whose request is past its deadline (all of them when forced, at shutdown); then
        tell the siblings how many connections this worker holds (gunicorn's loop calls this at every turn)."""
        super().murder_keepalived(force)
        now = time.monotonic()
        SHARES.publish(self.slot, self.nr_conns, now)
        while self.deadlines and (force or self.deadlines[0][0] <= now):
            _, conn, pending = self.deadlines.popleft()
            if self._collecting(conn, pending):
                self._drop(conn)
