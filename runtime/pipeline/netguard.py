"""The one path by which a File URL reaches the network: a requests session whose connections look the host up once,
refuse addresses the policy closes, connect only to an address they checked, and end with the fetch's deadline.

- A failed lookup is a refusal: nothing falls back to a second, unguarded lookup.
- The connection keeps the URL's host as its host: TLS sends it as SNI and matches the certificate against it, and the
  pool (keyed by host) reuses the connection for that host only, checking the address again on every reconnect.
- The deadline bounds the whole fetch, redirects included. Connects and TLS handshakes get the time that is left;
  reads cannot (each read of a server that drips a byte at a time would get a fresh timeout), so a timer shuts the
  fetch's connections down when the deadline passes.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import requests
from urllib3.exceptions import ConnectTimeoutError

from common.pinned import PinnedConnection, look_up, pinned_session
from runtime.base.address_policy import address_allowed


class FetchRefused(Exception):
    """The guard refused to connect; the message says why, for the caller.

    Not an OSError on purpose: urllib3 would take an OSError for a network failure and retry it.
    """


@dataclass(frozen=True)
class Policy:
    """Which addresses File URLs may reach (FILE_ALLOWED_HOSTS, FILE_ALLOW_PRIVATE)."""

    allowed_hosts: tuple[str, ...] = ()
    allow_private: bool = False


@dataclass
class Fetch:
    """One fetch in progress, redirects included: the policy its connections obey and its deadline."""

    policy: Policy
    seconds: float
    expired: bool = field(default=False, init=False)
    _end: float = field(default=0.0, init=False)
    _sockets: list[socket.socket] = field(default_factory=list, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _timer: threading.Timer | None = field(default=None, init=False)
    _token: Any = field(default=None, init=False)

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

    def __enter__(self) -> Fetch:
        self._end = time.monotonic() + self.seconds
        self._token = _current.set(self)
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        _current.reset(self._token)


_current: ContextVar[Fetch | None] = ContextVar("file_fetch", default=None)


def _shut_down(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        # The plain socket's shutdown, also for a TLS socket: it wakes a read blocked in another thread, and leaves
        # the TLS object alone for that thread to fail on.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def current_fetch() -> Fetch:
    fetch = _current.get()
    if fetch is None:
        raise FetchRefused("a File URL is only fetched within a guarded fetch")
    return fetch


def checked_addresses(host: str, port: int, policy: Policy) -> list[str]:
    """The addresses host resolves to, once; FetchRefused if the lookup fails or any address is closed to File URLs.

    Every address must pass: a name that resolves to a public and a private address is refused, whichever of them a
    connection would try first.
    """
    addresses = look_up(host, port)
    if not addresses:
        raise FetchRefused(f"the host {host} could not be resolved")
    for address in addresses:
        if not address_allowed(address, host, policy.allowed_hosts, policy.allow_private):
            raise FetchRefused(
                f"{host} resolves to {address}, a loopback, private or link-local address, "
                "which File URLs may not reach (see FILE_ALLOWED_HOSTS)"
            )
    return addresses


class _Guard(PinnedConnection):
    """Mixed into urllib3's connections: the only connect a File URL gets."""

    sock: Any

    def connect_timeout(self) -> float:
        timeout = current_fetch().remaining()
        if timeout <= 0:
            raise ConnectTimeoutError(self, f"Connection to {self.host} not started: the fetch's deadline has passed")
        return min(timeout, self.timeout) if isinstance(self.timeout, (int, float)) else timeout

    def checked_addresses(self) -> list[str]:
        return checked_addresses(self.host, self.port, current_fetch().policy)

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        current_fetch().watch(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:
        current_fetch().watch(self.sock)  # a pooled connection this fetch reuses (a new one is watched on connect)
        super().request(*args, **kwargs)  # type: ignore[misc]


def guarded_session(ca_bundle: str, max_redirects: int) -> requests.Session:
    """A session for File URLs: guarded connections, TLS verified (against ca_bundle if given), no proxies or netrc."""
    session = pinned_session(_Guard)
    session.max_redirects = max_redirects
    session.verify = ca_bundle or True
    return session
