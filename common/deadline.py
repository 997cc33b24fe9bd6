"""One deadline for a whole outgoing HTTP exchange (connect, TLS handshake, request, answer), whatever the far end does.

Connects and TLS handshakes get the time that is left; reads cannot (each read of a server that drips a byte at a
time would get a fresh timeout), so a timer shuts the exchange's sockets down when the deadline passes and the read
blocked on one fails at once. Used by the runtime's File URL fetch (runtime/pipeline/netguard.py) and the sandbox's webhook
delivery (sandbox/delivery/targets.py), through DeadlineConnection mixed into their pinned connections.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from contextvars import ContextVar, Token
from typing import Any, Self

from urllib3.exceptions import ConnectTimeoutError

from common.pinned import PinnedConnection


class Deadline:
    """An exchange in progress (redirects included): `with Deadline(5.0) as deadline:`; `expired` once it has passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._end = 0.0
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._token: Token[Deadline | None] | None = None

    def remaining(self) -> float:
        return max(0.0, self._end - time.monotonic())

    def watch(self, sock: socket.socket | None) -> None:
        """Shut this socket down when the deadline passes (at once if it has passed).

        The socket, not its connection: http.client drops a connection's socket when the answer says
        Connection: close, and the response goes on reading from it.
        """
        if sock is None:
            return
        with self._lock:
            if not self.expired:
                self._sockets.append(sock)
                return
        _shut_down(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut_down(sock)

    def __enter__(self) -> Self:
        self._end = time.monotonic() + self.seconds
        self._token = _current.set(self)
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._token is not None:
            _current.reset(self._token)


_current: ContextVar[Deadline | None] = ContextVar("exchange_deadline", default=None)


def current() -> Deadline | None:
    """The deadline of the exchange this thread is in, if any."""
    return _current.get()


def _shut_down(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        # The plain socket's shutdown, also for a TLS socket: it wakes a read blocked in another thread, and leaves
        # the TLS object alone for that thread to fail on.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class DeadlineConnection(PinnedConnection):
    """Mixed into urllib3's connections: connects within the time left, and every socket watched by the deadline."""

    sock: Any

    def deadline(self) -> Deadline:
        """The exchange's deadline; a subclass refuses a connection made outside one in its own words."""
        found = current()
        if found is None:
            raise ConnectTimeoutError(self, "a connection is only opened within an exchange's deadline")
        return found

    def connect_timeout(self) -> float:
        timeout = self.deadline().remaining()
        if timeout <= 0:
            raise ConnectTimeoutError(self, f"Connection to {self.host} not started: the deadline has passed")
        return min(timeout, self.timeout) if isinstance(self.timeout, (int, float)) else timeout

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        self.deadline().watch(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:
        self.deadline().watch(self.sock)  # a pooled connection this exchange reuses (a new one is watched on connect)
        super().request(*args, **kwargs)  # type: ignore[misc]
