"""The one path by which a File URL reaches the network: a requests session whose connections look the host up once,
refuse addresses the policy closes, connect only to an address they checked, and end with the fetch's deadline.

- A failed lookup is a refusal: nothing falls back to a second, unguarded lookup.
- The connection keeps the URL's host as its host: TLS sends it as SNI and matches the certificate against it, and the
  pool (keyed by host) reuses the connection for that host only, checking the address again on every reconnect.
- The deadline bounds the whole fetch, redirects included. Connects and TLS handshakes get the time that is left;
  reads cannot (each read of a server that drips a byte at a time would get a fresh timeout), so a timer shuts the
  fetch's connections down when the deadline passes (common.deadline, shared with the sandbox's webhook delivery).
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

from common.deadline import Deadline, DeadlineConnection, current
from common.pinned import look_up, pinned_session
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


class Fetch(Deadline):
    """One fetch in progress, redirects included: the policy its connections obey and its deadline (common.deadline)."""

    def __init__(self, policy: Policy, seconds: float) -> None:
        super().__init__(seconds)
        self.policy = policy


def current_fetch() -> Fetch:
    fetch = current()
    if not isinstance(fetch, Fetch):
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


class _Guard(DeadlineConnection):
    """Mixed into urllib3's connections: the only connect a File URL gets."""

    def deadline(self) -> Fetch:
        return current_fetch()

    def checked_addresses(self) -> list[str]:
        return checked_addresses(self.host, self.port, current_fetch().policy)


def guarded_session(ca_bundle: str, max_redirects: int) -> requests.Session:
    """A session for File URLs: guarded connections, TLS verified (against ca_bundle if given), no proxies or netrc."""
    session = pinned_session(_Guard)
    session.max_redirects = max_redirects
    session.verify = ca_bundle or True
    return session
