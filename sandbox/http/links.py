"""Absolute URLs for every object, from SANDBOX_PUBLIC_URL (or the URL the request came in on)."""

from __future__ import annotations

from urllib.parse import quote

from flask import has_request_context, request

from sandbox.http.context import sandbox, settings

FALLBACK_BASE = "http://127.0.0.1:8001"


def base() -> str:
    configured = settings().public_url
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    # Outside a request (webhook worker): the base the last request came in on.
    return sandbox().services.get("base") or FALLBACK_BASE


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
