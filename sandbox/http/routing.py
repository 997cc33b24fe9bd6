"""Routing on the raw request path, so that a room named "a/b" (sent as a%2Fb) stays one path segment.

Servers decode PATH_INFO before the application sees it, which turns %2F into a separator. The middleware puts the
path back as it crossed the wire (gunicorn's RAW_URI, werkzeug's REQUEST_URI); routes then match still-encoded
segments and the `seg` converter decodes each one on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, unquote

from werkzeug.routing import BaseConverter


class RawPathMiddleware:
    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        if raw:
            path = raw.split("?", 1)[0].split("#", 1)[0]
            if "://" in path:  # absolute-form request target
                after_scheme = path.split("://", 1)[1]
                path = "/" + after_scheme.split("/", 1)[1] if "/" in after_scheme else "/"
            script = environ.get("SCRIPT_NAME", "")
            if script and path.startswith(script):
                path = path[len(script) :]
            environ["PATH_INFO"] = path or "/"
        return self.app(environ, start_response)


class SegmentConverter(BaseConverter):
    """One percent-encoded path segment, decoded (UTF-8) for the view."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        # PATH_INFO is a latin-1 WSGI string; the raw path is ASCII, so this only matters for clients that send UTF-8 raw.
        return unquote(value.encode("latin-1", "replace").decode("utf-8", "replace"))

    def to_url(self, value: Any) -> str:
        return quote(str(value), safe="")
