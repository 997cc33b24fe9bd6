"""Requests the sandbox makes to an add-on besides webhooks: fetching its descriptor, the installation POST, the
uninstall DELETE.

Add-ons under development run on loopback, so loopback is allowed here. What keeps a misbehaving add-on from hurting
the sandbox: a short timeout on every read and on the whole exchange, answers read up to a bound (a descriptor
larger than MAX_DESCRIPTOR_BYTES is refused, other answers are cut), no proxy from the environment, and redirects
followed only to the same origin (scheme, host and port) and only for the descriptor's GET: the installation POST and
the DELETE are never redirected, a 3xx is their failure.

The installation POST (it carries the oauthSecret) and the uninstall DELETE go only where a webhook may
(sandbox.delivery.targets: never the sandbox itself under any spelling of its address, only SANDBOX_WEBHOOK_ALLOWED_HOSTS
when set), the host looked up once and the connection pinned to the address that was checked (common/pinned.py):
a descriptor cannot aim its installation at the sandbox's admin side or at a service outside the allowed hosts
(issue 13, item 3). The descriptor's GET is the installer's own choice of URL and keeps the rules above.
"""

from __future__ import annotations

import json
import time
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


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy or .netrc from the environment
    return session


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _read(response: requests.Response, limit: int, deadline: float, refuse_larger: bool) -> bytes:
    """The body, up to limit bytes; AddonUnreachable when larger (refuse_larger) or slower than the deadline."""
    data = bytearray()
    try:
        while chunk := response.raw.read1(CHUNK, decode_content=True):  # what has arrived: the deadline is checked as it trickles
            data += chunk
            if len(data) > limit:
                if refuse_larger:
                    raise AddonUnreachable(f"the answer is larger than {limit} bytes")
                return bytes(data[:limit])
            if time.monotonic() > deadline:
                raise AddonUnreachable("the answer took too long to arrive")
    except (urllib3.exceptions.HTTPError, OSError):
        raise AddonUnreachable("the answer broke off or stalled") from None
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


def get_json(url: str, timeout: float) -> Any:
    """GET a JSON document (a descriptor), following same-origin redirects only."""
    deadline = time.monotonic() + timeout
    with _session() as session:
        for _ in range(MAX_REDIRECTS + 1):
            response = _request(session, "GET", url, timeout)
            with response:
                if response.is_redirect:
                    target = urljoin(url, response.headers.get("Location", ""))
                    if _origin(target) != _origin(url):
                        raise AddonUnreachable(f"it redirects to another origin ({target}); redirects are followed within one origin only")
                    url = target
                    continue
                if not 200 <= response.status_code < 300:
                    raise AddonUnreachable(f"it answered HTTP {response.status_code}")
                body = _read(response, MAX_DESCRIPTOR_BYTES, deadline, refuse_larger=True)
            try:
                return json.loads(body)
            except ValueError:
                raise AddonUnreachable("the answer is not JSON") from None
    raise AddonUnreachable(f"more than {MAX_REDIRECTS} redirects")


def send(method: str, url: str, timeout: float, body: dict[str, Any] | None = None) -> Answer:
    """POST or DELETE to the add-on, to a checked address only and never redirected; the answer's body is cut at
    MAX_ANSWER_BYTES. AddonUnreachable saying why when the target rules refuse the URL (nothing is sent)."""
    deadline = time.monotonic() + timeout
    try:
        addresses = targets.checked_addresses(url, targets.sandbox().settings, targets.own_now())
    except (targets.TargetRefused, targets.LookupFailed) as refused:
        raise AddonUnreachable(f"refused: {refused}") from None
    # The target's connections live within a whole-exchange deadline (common.deadline), which shuts them down when it
    # passes: a callback that drips its answer cannot hold the installation longer than the timeout.
    with Deadline(timeout) as exchange, targets.session() as session, targets.pinned(addresses):
        try:
            with _request(session, method, url, timeout, json=body) as response:
                return Answer(response.status_code, _read(response, MAX_ANSWER_BYTES, deadline, refuse_larger=False))
        except AddonUnreachable:
            if exchange.expired:
                raise AddonUnreachable(f"no answer within {timeout:g} s") from None
            raise
