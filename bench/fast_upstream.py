"""A fast stand-in for HipChat in benchmarks: answers every request with the same small history page."""

from __future__ import annotations

import json

BODY = json.dumps(
    {
        "items": [{"id": f"m{i}", "message": "hello", "date": "2026-11-28T12:00:00+00:00"} for i in range(10)],
        "startIndex": 0,
        "maxResults": 100,
        "links": {"self": "http://127.0.0.1/v2/room/1/history"},
    }
).encode()
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def app(environ, start_response):
    environ["wsgi.input"].read()
    start_response("200 OK", HEADERS)
    return [BODY]
