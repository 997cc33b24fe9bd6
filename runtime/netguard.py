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
import sys
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from runtime.address_policy import address_allowed


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
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, urllib3_connection.allowed_gai_family(), socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise FetchRefused(f"the host {host} could not be resolved") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FetchRefused(f"the host {host} could not be resolved")
    for address in addresses:
        if not address_allowed(address, host, policy.allowed_hosts, policy.allow_private):
            raise FetchRefused(
                f"{host} resolves to {address}, a loopback, private or link-local address, "
                "which File URLs may not reach (see FILE_ALLOWED_HOSTS)"
            )
    return addresses


class _Guard:
    """Mixed into urllib3's connections: the only connect a File URL gets."""

    host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any
    sock: Any

    def _new_conn(self) -> socket.socket:
        fetch = current_fetch()
        timeout = fetch.remaining()
        if timeout <= 0:
            raise ConnectTimeoutError(self, f"Connection to {self.host} not started: the fetch's deadline has passed")
        if isinstance(self.timeout, (int, float)):
            timeout = min(timeout, self.timeout)
        error: Exception | None = None
        for address in checked_addresses(self.host, self.port, fetch.policy):
            try:
                # An address literal: create_connection does no name lookup of its own.
                sock = urllib3_connection.create_connection(
                    (address, self.port), timeout, source_address=self.source_address, socket_options=self.socket_options
                )
            except TimeoutError as exc:
                error = ConnectTimeoutError(self, f"Connection to {self.host} timed out. (connect timeout={timeout})")
                error.__cause__ = exc
            except OSError as exc:
                error = NewConnectionError(self, f"Failed to establish a new connection: {exc}")  # type: ignore[arg-type]
            else:
                sys.audit("http.client.connect", self, self.host, self.port)
                return sock
        assert error is not None  # checked_addresses never answers an empty list
        raise error

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        current_fetch().watch(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:
        current_fetch().watch(self.sock)  # a pooled connection this fetch reuses (a new one is watched on connect)
        super().request(*args, **kwargs)  # type: ignore[misc]


class GuardedHTTPConnection(_Guard, HTTPConnection):
    pass


class GuardedHTTPSConnection(_Guard, HTTPSConnection):
    pass


class _Pool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """An adapter whose pools make only guarded connections, and never retry."""

    def __init__(self) -> None:
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}


def guarded_session(ca_bundle: str, max_redirects: int) -> requests.Session:
    """A session for File URLs: guarded connections, TLS verified (against ca_bundle if given), no proxies or netrc."""
    session = requests.Session()
    session.trust_env = False  # no proxies or netrc credentials from the environment
    session.max_redirects = max_redirects
    session.verify = ca_bundle or True
    adapter = GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
