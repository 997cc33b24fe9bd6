"""CORS for the package's API routes (/api/<package> and below): a page of another origin may call functions and fetch
snippets when RUNTIME_CORS_ORIGINS names its origin (or is `*`). Nothing is added when the setting is empty.

No credentials are ever allowed: a call carries its token in its arguments, never in a cookie."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request

ALLOWED_METHODS = "GET, POST"
ALLOWED_HEADERS = "Content-Type"
RATE_LIMIT_FIELDS = ("Limit", "Remaining", "Reset")
PREFLIGHT_MAX_AGE = "600"
ANY = "*"


class CorsError(ValueError):
    """RUNTIME_CORS_ORIGINS holds something that is not an origin."""


def check_origins(origins: tuple[str, ...]) -> tuple[str, ...]:
    """The origins as a browser writes them in its Origin header (scheme://host[:port], no path; a trailing slash is
    dropped); raises CorsError."""
    checked = []
    for origin in origins:
        origin = origin.removesuffix("/") if origin != ANY else origin
        checked.append(origin)
        if origin == ANY:
            continue
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or parts.fragment:
            raise CorsError(f"RUNTIME_CORS_ORIGINS: {origin!r} is not an origin such as https://app.example.com or http://localhost:3000.")
        if parts.username is not None or parts.password is not None:
            raise CorsError(f"RUNTIME_CORS_ORIGINS: {origin!r} carries user info; an origin is scheme://host[:port].")
    return tuple(checked)


def exposed_headers(rate_limit_prefixes: tuple[str, ...]) -> str:
    """The headers a page may read besides the safelisted ones: the upstream's limits the runtime passes back."""
    return ", ".join(f"{prefix}{field}" for prefix in rate_limit_prefixes for field in RATE_LIMIT_FIELDS)


def install(app: Flask, origins: tuple[str, ...], package: str, rate_limit_prefixes: tuple[str, ...] = ()) -> None:
    """Answer preflights and add the CORS headers on the package's API routes; with no origins, add nothing at all."""
    origins = check_origins(origins)
    if not origins:
        return
    exposed = exposed_headers(rate_limit_prefixes)
    allowed = frozenset(origins)
    any_origin = ANY in allowed
    root = f"/api/{package}"
    below = root + "/"

    def on_api(path: str) -> bool:
        return path == root or path.startswith(below)

    def allowed_origin(origin: str | None) -> str | None:
        if origin is None:
            return None
        if any_origin:
            return ANY
        return origin if origin in allowed else None

    @app.before_request
    def preflight() -> Response | None:
        if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers or not on_api(request.path):
            return None
        response = Response(status=204)
        if allowed_origin(request.headers.get("Origin")) is not None:
            response.headers.add("Access-Control-Allow-Methods", ALLOWED_METHODS)
            response.headers.add("Access-Control-Allow-Headers", ALLOWED_HEADERS)
            response.headers.add("Access-Control-Max-Age", PREFLIGHT_MAX_AGE)
        return response  # allow_origin (below) adds the origin, or nothing for an origin not listed

    @app.after_request
    def allow_origin(response: Response) -> Response:
        # On every answer, so kept cheap: one look-up of the request, headers.add (the runtime's answers never carry
        # these headers, and Headers.set costs several times more).
        current = request._get_current_object()  # type: ignore[attr-defined]
        if not on_api(current.path):
            return response
        if not any_origin:
            _vary_on_origin(response)  # the answer differs by Origin: a cache must not serve one origin's to another
        origin = allowed_origin(current.environ.get("HTTP_ORIGIN"))
        if origin is not None:
            response.headers.add("Access-Control-Allow-Origin", origin)
            if exposed:
                response.headers.add("Access-Control-Expose-Headers", exposed)
        return response


def _vary_on_origin(response: Response) -> None:
    # Not response.vary.add, which re-parses and re-writes the header set; getlist, as get raises (and catches) a
    # KeyError when the header is absent, the usual case: each costs several times the rest of this hook.
    varies = [part.strip().lower() for value in response.headers.getlist("Vary") for part in value.split(",")]
    if "origin" not in varies:
        response.headers.add("Vary", "Origin")
