"""The installation's add-on token: client_credentials through the runtime's getAccessToken, kept in the store and
fetched again a little before it expires (a minute, or a quarter of a short lifetime)."""

from __future__ import annotations

import time
from collections.abc import Callable

from standup.descriptor import SCOPES
from standup.hipchat import Runtime
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
        granted = self.runtime.call(
            "getAccessToken",
            grantType="client_credentials",
            clientId=installation.oauth_id,
            clientSecret=installation.secret,
            scope=" ".join(SCOPES),
        )
        self.store.save_token(installation.oauth_id, granted["access_token"], refresh_at(now, float(granted["expires_in"])))
        return granted["access_token"]
