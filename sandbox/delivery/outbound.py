"""Requests the sandbox makes to an add-on besides webhooks: fetching its descriptor, the installation POST, the
uninstall DELETE.

Each is one exchange under one deadline of `timeout` seconds (common.deadline), redirects included: connect, request,
status line, headers and body all within it, and the exchange's sockets shut down when it passes, so an add-on that
drips its answer a byte at a time cannot hold an install (nor the sandbox thread serving it) any longer; the failure
says "no answer within N s". Its connections are sandbox.delivery.targets.session()'s, pinned to the addresses the
URL's host was looked up to once (common/pinned.py). Answers are read up to a bound (a descriptor larger than
MAX_DESCRIPTOR_BYTES is refused, other answers are cut), and no proxy comes from the environment.

The descriptor's GET is the installer's own choice of URL, and add-ons under development run on loopback: loopback and
private addresses are allowed for it, its host looked up and pinned without the webhook target rules. It alone follows
redirects, and only within its origin (scheme, host and port, as the connection reads them: the addresses pinned for
the URL serve every hop), at most MAX_REDIRECTS of them.

The installation POST (it carries the oauthSecret) and the uninstall DELETE go only where a webhook may
(sandbox.delivery.targets: never the sandbox itself under any spelling of its address, only SANDBOX_WEBHOOK_ALLOWED_HOSTS
when set), the connection pinned to the addresses that were checked: a descriptor cannot aim its installation at the
sandbox's admin side or at a service outside the allowed hosts (issue 13, item 3). They are never redirected: a 3xx
is their failure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from common.deadline import Deadline
from sandbox.delivery import targets

MAX_DESCRIPTOR_BYTES = 256 * 1024
MAX_ANSWER_BYTES = 16 * 1024
MAX_REDIRECTS = 3
CHUNK = 8192
HEADERS = {"User-Agent": "HipChat-Sandbox/1.0", "Accept": "application/json"}


class AddonUnreachable(Exception):
    """The add-on did not answer as it should; the message says why, for the person installing it."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def excerpt(self, limit: int = 200) -> str:
        return self.body[:limit].decode("utf-8", "replace").strip()


@dataclass(frozen=True)
class Origin:
    """Where a URL leads, as its connection reads it: the scheme, and the host and port (targets.endpoint)."""

    scheme: str
    endpoint: targets.Endpoint


def _origin(url: str) -> Origin:
    """url's origin; TargetRefused for a URL that is not plainly one http(s) place."""
    endpoint = targets.endpoint(url)
    return Origin(urlsplit(url).scheme.lower(), endpoint)


@contextmanager
def _exchange(timeout: float, addresses: list[str]) -> Iterator[tuple[Deadline, requests.Session]]:
    """One exchange with the add-on: its connections go to these addresses only, and all of it lives within timeout
    seconds (the deadline shuts its sockets down when it passes). A failure once the deadline has passed says so."""
    with Deadline(timeout) as deadline, targets.session() as session, targets.pinned(addresses):
        try:
            yield deadline, session
        except AddonUnreachable:
            if deadline.expired or deadline.remaining() == 0:
                raise AddonUnreachable(f"no answer within {timeout:g} s") from None
            raise


def _read(response: requests.Response, limit: int, deadline: Deadline, refuse_larger: bool) -> bytes:
    """The body, up to limit bytes; AddonUnreachable when larger (refuse_larger) or slower than the deadline."""
    data = bytearray()
    try:
        while chunk := response.raw.read1(CHUNK, decode_content=True):  # what has arrived: the deadline is checked as it trickles
            data += chunk
            if len(data) > limit:
                if refuse_larger:
                    raise AddonUnreachable(f"the answer is larger than {limit} bytes")
                return bytes(data[:limit])
            if deadline.remaining() == 0:  # the deadline's timer shuts the socket down too; this does not wait for it
                raise AddonUnreachable("the answer took too long to arrive")
    except (urllib3.exceptions.HTTPError, OSError):
        raise AddonUnreachable("the answer broke off or stalled") from None
    if deadline.expired:  # the deadline cut the answer short, though its framing may not show it (a body read to close)
        raise AddonUnreachable("the answer took too long to arrive")
    return bytes(data)


def _request(session: requests.Session, method: str, url: str, timeout: float, **kwargs: Any) -> requests.Response:
    try:
        return session.request(method, url, timeout=timeout, allow_redirects=False, stream=True, headers=HEADERS, **kwargs)
    except requests.Timeout:
        raise AddonUnreachable(f"no answer within {timeout:g} s") from None
    except requests.ConnectionError:
        raise AddonUnreachable("could not connect") from None
    except requests.RequestException as error:
        raise AddonUnreachable(f"the request failed ({type(error).__name__})") from None


def _redirected(url: str, location: str, origin: Origin) -> str:
    """Where a redirect leads, if within origin; AddonUnreachable otherwise."""
    target = urljoin(url, location)
    try:
        same = _origin(target) == origin
    except targets.TargetRefused as refused:
        raise AddonUnreachable(f"it redirects to {target}: {refused}") from None
    if not same:
        raise AddonUnreachable(f"it redirects to another origin ({target}); redirects are followed within one origin only")
    return target


def get_json(url: str, timeout: float) -> Any:
    """GET a JSON document (a descriptor) within one deadline of timeout seconds, following same-origin redirects only.
    Any address the host resolves to is allowed, loopback included (no webhook target rule)."""
    try:
        origin = _origin(url)
        addresses = targets.addresses_of(origin.endpoint)
    except (targets.TargetRefused, targets.LookupFailed) as refused:
        raise AddonUnreachable(str(refused)) from None
    with _exchange(timeout, addresses) as (deadline, session):
        body = _get(session, url, origin, deadline, timeout)
    try:
        return json.loads(body)
    except ValueError:
        raise AddonUnreachable("the answer is not JSON") from None


def _get(session: requests.Session, url: str, origin: Origin, deadline: Deadline, timeout: float) -> bytes:
    """The body at url, after redirects within origin (whose addresses the session's connections are pinned to)."""
    for _ in range(MAX_REDIRECTS + 1):
        with _request(session, "GET", url, timeout) as response:
            if response.is_redirect:
                url = _redirected(url, response.headers.get("Location", ""), origin)
                continue
            if not 200 <= response.status_code < 300:
                raise AddonUnreachable(f"it answered HTTP {response.status_code}")
            return _read(response, MAX_DESCRIPTOR_BYTES, deadline, refuse_larger=True)
    raise AddonUnreachable(f"more than {MAX_REDIRECTS} redirects")


def send(method: str, url: str, timeout: float, body: dict[str, Any] | None = None) -> Answer:
    """POST or DELETE to the add-on, to a checked address only and never redirected; the answer's body is cut at
    MAX_ANSWER_BYTES. AddonUnreachable saying why when the target rules refuse the URL (nothing is sent)."""
    try:
        addresses = targets.checked_addresses(url, targets.sandbox().settings, targets.own_now())
    except (targets.TargetRefused, targets.LookupFailed) as refused:
        raise AddonUnreachable(f"refused: {refused}") from None
    with _exchange(timeout, addresses) as (deadline, session), _request(session, method, url, timeout, json=body) as response:
        return Answer(response.status_code, _read(response, MAX_ANSWER_BYTES, deadline, refuse_larger=False))
