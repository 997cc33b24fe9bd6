"""Connections that go only to addresses a guard checked, while HTTP and TLS still see the URL's host.

urllib3 takes the Host header, the TLS server name (SNI) and the name the certificate must match from a connection's
host; these connections leave the host alone and replace only the connect: `open_socket` tries the checked addresses,
literal ones, so no second name lookup can happen behind the guard's back. The runtime's File URL guard and the
sandbox's webhook delivery each say, in a mixin's `checked_addresses`, which addresses a connection may reach.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Sequence
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection


def look_up(host: str, port: int) -> list[str]:
    """The addresses host resolves to, once, without repeats; [] when the lookup fails (the caller refuses)."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, urllib3_connection.allowed_gai_family(), socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class PinnedConnection:
    """Mixed into urllib3's connections; a subclass names the addresses (and may shorten the connect timeout)."""

    host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any

    def checked_addresses(self) -> Sequence[str]:
        """The addresses this connection may reach, never empty; raise to refuse the connection."""
        raise NotImplementedError

    def connect_timeout(self) -> Any:
        return self.timeout

    def _new_conn(self) -> socket.socket:
        timeout = self.connect_timeout()
        addresses = self.checked_addresses()
        error: Exception | None = None
        for address in addresses:
            try:
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
        if error is None:
            raise NewConnectionError(self, f"No checked address to connect to for {self.host}")  # type: ignore[arg-type]
        raise error


class PinnedAdapter(HTTPAdapter):
    """An adapter whose pools make only the mixin's connections, and never retry."""

    def __init__(self, mixin: type[PinnedConnection]) -> None:
        http = type(f"{mixin.__name__}HTTP", (mixin, HTTPConnection), {})
        https = type(f"{mixin.__name__}HTTPS", (mixin, HTTPSConnection), {})
        self._pool_classes = {
            "http": type(f"{mixin.__name__}Pool", (HTTPConnectionPool,), {"ConnectionCls": http}),
            "https": type(f"{mixin.__name__}TLSPool", (HTTPSConnectionPool,), {"ConnectionCls": https}),
        }
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes


def pinned_session(mixin: type[PinnedConnection]) -> requests.Session:
    """A session whose every connection is the mixin's; no proxies or netrc credentials from the environment."""
    session = requests.Session()
    session.trust_env = False
    adapter = PinnedAdapter(mixin)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
