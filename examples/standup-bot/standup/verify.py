"""Is this event from HipChat, for an installation the bot knows? The JWT HipChat signs webhooks with (HS256, the
installation's oauthSecret, iss = its oauthId), from `Authorization: JWT <token>` or `?signed_request=<token>`.

Refused (401): no token, an issuer the bot has no installation for, a bad signature, an expired token or one issued in
the future, and a replay: a token seen before (its jti, or when it has none, its issuer, iat and the body's hash).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

import jwt
from flask import Request

from standup.store import Installation, Store

LEEWAY_S = 30


class Unauthorized(Exception):
    pass


def token_of(request: Request) -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.upper() == "JWT" and value.strip():
        return value.strip()
    return request.args.get("signed_request") or None


def verify(request: Request, store: Store, clock: Callable[[], float] = time.time) -> tuple[Installation, dict[str, Any]]:
    token = token_of(request)
    if token is None:
        raise Unauthorized("no JWT")
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.InvalidTokenError:
        raise Unauthorized("not a JWT") from None
    installation = store.installation(issuer) if isinstance(issuer, str) else None
    if installation is None:
        raise Unauthorized("unknown issuer")
    try:
        claims = jwt.decode(
            token, installation.secret, algorithms=["HS256"], issuer=issuer, leeway=LEEWAY_S, options={"require": ["iss", "iat", "exp"]}
        )
    except jwt.InvalidTokenError as error:
        raise Unauthorized(f"invalid JWT ({type(error).__name__})") from None
    seen = claims.get("jti") or f"{claims['iat']}:{hashlib.sha256(request.get_data()).hexdigest()}"
    if not store.first_sight(f"{issuer}:{seen}", float(claims["exp"]) + LEEWAY_S, clock()):
        raise Unauthorized("replayed JWT")
    return installation, claims
