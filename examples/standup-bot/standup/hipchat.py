"""HipChat, reached only through the function package runtime: POST {RUNTIME_URL}/api/HipChat/<function> {"args": {...}}."""

from __future__ import annotations

from typing import Any

import requests

TIMEOUT = 10.0


class CallFailed(Exception):
    """The runtime answered {"callback": "error"} (or could not be reached)."""

    def __init__(self, function: str, detail: Any) -> None:
        super().__init__(f"{function} failed: {detail}")
        self.function = function
        self.detail = detail


class Runtime:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.trust_env = False

    def call(self, function: str, **args: Any) -> Any:
        """The function's contextWrites.to on success; CallFailed with the error envelope otherwise."""
        try:
            response = self.session.post(f"{self.base_url}/api/HipChat/{function}", json={"args": args}, timeout=TIMEOUT)
            envelope = response.json()
        except (requests.RequestException, ValueError) as error:
            raise CallFailed(function, f"the runtime could not be reached ({type(error).__name__})") from None
        if envelope.get("callback") != "success":
            raise CallFailed(function, envelope.get("contextWrites", {}).get("to"))
        return envelope["contextWrites"]["to"]
