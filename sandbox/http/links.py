"""Absolute URLs for every object, from SANDBOX_PUBLIC_URL (or the URL the request came in on)."""

from __future__ import annotations

from urllib.parse import quote

from flask import has_request_context, request

from sandbox.http.context import sandbox, settings

FALLBACK_BASE = "http://127.0.0.1:8001"
# The environ's parts werkzeug builds the URL root from; the roots already built for them (werkzeug's url_root costs
# 100 µs a request on this 2-core machine). Bounded: a Host header is the caller's to choose.
ROOT_PARTS = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME")
MAX_ROOTS = 16
_roots: dict[tuple[object, ...], str] = {}


def base() -> str:
    configured = settings().public_url
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request_base()
    # Outside a request (webhook worker): the base the last request came in on.
    return sandbox().services.get("base") or FALLBACK_BASE


def request_base() -> str:
    """The URL the request came in on, without its path: request.url_root without its final slash."""
    key = tuple(request.environ.get(part) for part in ROOT_PARTS)
    found = _roots.get(key)
    if found is None:
        found = request.url_root.rstrip("/")
        if len(_roots) < MAX_ROOTS:
            _roots[key] = found
    return found


def join(*segments: object) -> str:
    return "/".join(quote(str(segment), safe="") for segment in segments)


def api(*segments: object) -> str:
    return f"{base()}/v2/{join(*segments)}" if segments else f"{base()}/v2"


def room(room_id: int, *rest: object) -> str:
    return api("room", room_id, *rest)


def user(user_id: int, *rest: object) -> str:
    return api("user", user_id, *rest)


def group(group_id: int, *rest: object) -> str:
    return api("group", group_id, *rest)


def file(file_id: str, name: str) -> str:
    return f"{base()}/files/{join(file_id, name)}"


def image(kind: str, key: object) -> str:
    """Built-in images (default photo and avatar, emoticons)."""
    return f"{base()}/files/builtin/{join(kind, key)}.png"
