"""The JWT HipChat signs webhook deliveries with: HS256, the installing add-on's OAuth secret, iss = its OAuth id."""

from __future__ import annotations

import secrets
import time

import jwt

LIFETIME_SECONDS = 15 * 60


def sign(client_id: str, secret: str, user_id: int | None, room_id: int | None, user_tz: str = "UTC") -> str:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "iat": now,
        "exp": now + LIFETIME_SECONDS,
        "jti": secrets.token_hex(10),  # "random 20 chars" (DAC JWT)
        "context": {"room_id": room_id, "user_tz": user_tz},
    }
    if user_id is not None:
        claims["sub"] = str(user_id)
        claims["prn"] = str(user_id)  # the legacy principal claim older Atlassian libraries read
    return jwt.encode(claims, secret, algorithm="HS256", headers={"typ": "JWT"})
