"""Response helpers shared by every route: JSON bodies, 204s, redirects, and the request's JSON body."""

from __future__ import annotations

import json
from typing import Any

from flask import Response


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status=status, headers=headers or {}, mimetype="application/json")


def no_content() -> Response:
    return Response(status=204)


def redirect(location: str) -> Response:
    return Response(status=302, headers={"Location": location})
