"""HipChat, reached only through the function package runtime: POST {RUNTIME_URL}/api/HipChat/<function> {"args": {...}}.

The retry policy, for HipChat's bad moments: every call has a whole deadline (RETRY_DEADLINE_S, under the 5 s HipChat
gives a webhook to answer, so a card still goes out within the delivery that asked for it).
- 429 (RATE_LIMITED): wait until the limit's reset (the envelope's "reset", HipChat's X-Ratelimit-Reset, a Unix
  second), then once more; a reset beyond the deadline fails at once, as waiting could not help.
- 5xx from HipChat (API_ERROR with upstream_status 500-599), the runtime unreachable or failing itself: retried after
  0.25 s, 0.5 s, 1 s ... while the deadline allows.
- anything else (4xx: a bad token, a missing room) fails at once: trying again would get the same answer.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import requests

TIMEOUT = 10.0
RETRY_DEADLINE_S = 4.0
FIRST_BACKOFF_S = 0.25
RESET_MARGIN_S = 0.1  # X-Ratelimit-Reset is a whole second: wait a little past it


class CallFailed(Exception):
    """The runtime answered {"callback": "error"} (or could not be reached)."""

    def __init__(self, function: str, detail: Any) -> None:
        super().__init__(f"{function} failed: {detail}")
        self.function = function
        self.detail = detail


def retry_after(status: int, detail: Any, headers: Mapping[str, str], backoff: float) -> float | None:
    """Seconds to wait before trying again, or None when the answer is final."""
    if status == 429:
        reset = detail.get("reset") if isinstance(detail, dict) else None
        reset = reset if isinstance(reset, int) else int(headers.get("X-Ratelimit-Reset", "0") or 0)
        return max(0.0, reset - time.time()) + RESET_MARGIN_S if reset else backoff
    upstream = detail.get("upstream_status") if isinstance(detail, dict) else None
    if status >= 500 and (upstream is None or upstream >= 500):
        return backoff
    return None


class Runtime:
    def __init__(self, base_url: str, deadline_s: float = RETRY_DEADLINE_S) -> None:
        self.base_url = base_url
        self.deadline_s = deadline_s
        self.session = requests.Session()
        self.session.trust_env = False

    def call(self, function: str, **args: Any) -> Any:
        """The function's contextWrites.to on success; CallFailed with the error envelope once retrying cannot help."""
        deadline = time.monotonic() + self.deadline_s
        backoff = FIRST_BACKOFF_S
        headers: Mapping[str, str]
        while True:
            left = deadline - time.monotonic()
            try:
                response = self.session.post(
                    f"{self.base_url}/api/HipChat/{function}", json={"args": args}, timeout=max(0.5, min(TIMEOUT, left))
                )
                envelope = response.json()
                status, headers = response.status_code, response.headers
                if envelope.get("callback") == "success":
                    return envelope["contextWrites"]["to"]
                detail = envelope.get("contextWrites", {}).get("to")
            except (requests.RequestException, ValueError) as error:
                status, headers, detail = 503, {}, f"the runtime could not be reached ({type(error).__name__})"
            wait = retry_after(status, detail, headers, backoff)
            if wait is None or time.monotonic() + wait >= deadline:
                raise CallFailed(function, detail)
            time.sleep(wait)
            backoff *= 2
