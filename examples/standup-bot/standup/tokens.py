"""The installation's add-on token: client_credentials through the runtime's getAccessToken, kept in the store and
fetched again a little before it expires (a minute, or a quarter of a short lifetime)."""

from __future__ import annotations

import time
from collections.abc import Callable

from standup.descriptor import SCOPES
from standup.hipchat import CallFailed, Runtime
from standup.store import Installation, Store

MARGIN_S = 60.0


def refresh_at(now: float, expires_in: float) -> float:
    return now + expires_in - min(MARGIN_S, expires_in / 4)


class Tokens:
    def __init__(self, store: Store, runtime: Runtime, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.runtime = runtime
        self.clock = clock

    def token(self, installation: Installation) -> str:
        now = self.clock()
        kept = self.store.token(installation.oauth_id, now)
        if kept:
            return kept
        token, due = self.fresh(installation)
        self.store.save_token(installation.oauth_id, token, due)
        return token

    def fresh(self, installation: Installation) -> tuple[str, float]:
        """A new token for these credentials, asked of HipChat (never the kept one), and when to refresh it; CallFailed
        when HipChat refuses them."""
        now = self.clock()
        granted = self.runtime.call(
            "getAccessToken",
            grantType="client_credentials",
            clientId=installation.oauth_id,
            clientSecret=installation.secret,
            scope=" ".join(SCOPES),
        )
        return granted["access_token"], refresh_at(now, float(granted["expires_in"]))


def refused_credentials(error: CallFailed) -> bool:
    """Whether HipChat refused the client credentials themselves (401: unknown or revoked client, wrong secret), as
    opposed to a failure that says nothing about them (the runtime or HipChat unreachable, a 5xx)."""
    return isinstance(error.detail, dict) and error.detail.get("upstream_status") == 401
