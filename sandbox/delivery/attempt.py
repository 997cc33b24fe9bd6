"""One delivery attempt over HTTP: the whole exchange under one deadline, the answer read to at most MAX_ANSWER_BYTES.

- The deadline (SANDBOX_WEBHOOK_TIMEOUT) covers the name lookup's time, the connect, sending the payload and the whole
  answer: a receiver that drips its answer a byte at a time is cut off when it passes (common.deadline shuts the
  socket down), however steadily the bytes keep coming. The lookup itself is bounded by the system resolver.
- The answer is streamed, and no more than MAX_ANSWER_BYTES (+1, to know it is larger) are ever read: a larger one is
  cut there and its connection closed, the rest never read.
- Why the attempt ended, in one word or two: ok, too large (a 2xx whose answer was cut), status N (any other status),
  deadline, refused (sandbox.delivery.targets refused the URL), unreachable (no such host, or no connection),
  broken (the connection failed mid-exchange).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests
import urllib3
from urllib3.exceptions import NewConnectionError

from common.deadline import Deadline
from sandbox.config import SandboxSettings
from sandbox.delivery import targets

MAX_ANSWER_BYTES = 64 * 1024
OK, TOO_LARGE, DEADLINE, REFUSED, UNREACHABLE, BROKEN = "ok", "too large", "deadline", "refused", "unreachable", "broken"


@dataclass(frozen=True)
class Result:
    ended: str
    status: int | None
    body: bytes
    content_type: str
    error: str | None
    duration_ms: float

    @property
    def delivered(self) -> bool:
        """The receiver took it (a 2xx within the deadline), whether or not its answer was read whole."""
        return self.ended in (OK, TOO_LARGE)


def _could_not_connect(error: requests.ConnectionError) -> bool:
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError)


def _failed(error: Exception, deadline: Deadline, status: int | None) -> tuple[str, str]:
    """(ended, error text) for an exchange that raised."""
    text = f"{type(error).__name__}: {str(error)[:300]}"
    if isinstance(error, targets.TargetRefused):
        return REFUSED, f"refused: {error}"
    if isinstance(error, targets.LookupFailed):
        return UNREACHABLE, text
    if deadline.expired or isinstance(error, requests.Timeout):
        return DEADLINE, f"the whole exchange took longer than {deadline.seconds:g} s (SANDBOX_WEBHOOK_TIMEOUT)"
    if status is None and isinstance(error, requests.ConnectionError) and _could_not_connect(error):
        return UNREACHABLE, text
    return BROKEN, text


def post(session: requests.Session, url: str, payload: bytes, headers: dict[str, str], settings: SandboxSettings) -> Result:
    """POST payload to url (a webhook's, signed or not), never redirected, within settings.webhook_timeout."""
    seconds = settings.webhook_timeout
    started = time.monotonic()
    status: int | None = None
    body, content_type, ended, error = b"", "", OK, None
    with Deadline(seconds) as deadline:
        try:
            addresses = targets.checked_addresses(url, settings, targets.own_endpoints(settings, targets.listeners()))
            with (
                targets.pinned(addresses),
                session.post(url, data=payload, headers=headers, timeout=seconds, allow_redirects=False, stream=True) as response,
            ):
                status, content_type = response.status_code, response.headers.get("Content-Type", "")
                body = response.raw.read(MAX_ANSWER_BYTES + 1, decode_content=True)  # leaving the block closes the connection
            if deadline.expired:  # the deadline cut the answer short, though its framing may not show it
                raise requests.Timeout()
        except (targets.TargetRefused, targets.LookupFailed, requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            ended, error = _failed(exc, deadline, status)
    duration_ms = (time.monotonic() - started) * 1000
    if ended == OK and status is not None:
        if not 200 <= status < 300:
            ended, error = f"status {status}", f"HTTP {status}"
        elif len(body) > MAX_ANSWER_BYTES:
            ended = TOO_LARGE
            error = f"the answer is larger than {MAX_ANSWER_BYTES // 1024} KB: cut there, the rest not read"
    return Result(ended, status, body[:MAX_ANSWER_BYTES], content_type, error, duration_ms)
