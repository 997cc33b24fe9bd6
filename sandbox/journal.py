"""The journal: the requests the sandbox received and what it answered, for tests and for debugging a bot.

Tokens, secrets and passwords never reach it: matching keys are redacted in JSON, form and query values.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import Request, Response
from werkzeug.exceptions import HTTPException

from sandbox import clock
from sandbox.db import Database

SECRET_KEY = re.compile(r"token|secret|password|signed_request|authorization", re.IGNORECASE)
# A JSON member whose key names a secret, with a string value, closed or cut off by the excerpt's end.
SECRET_MEMBER = re.compile(
    r'("[^"]*(?:token|secret|password|signed_request|authorization)[^"]*"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|$)', re.IGNORECASE
)
REDACTED = "[redacted]"
EXCERPT = 4000
TRIM_EVERY = 100


def redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: REDACTED if SECRET_KEY.search(str(key)) else redact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def redact_json_text(raw: bytes) -> str:
    """The first EXCERPT characters of a JSON body with secret members blanked, without parsing it (bodies can be large)."""
    text = raw[:EXCERPT].decode("utf-8", "replace")
    return SECRET_MEMBER.sub(lambda m: f'{m.group(1)}"{REDACTED}"', text)


def request_excerpt(request: Request) -> str | None:
    try:
        if request.mimetype == "application/x-www-form-urlencoded":
            return json.dumps(redact(request.form.to_dict()), ensure_ascii=False)[:EXCERPT] if request.form else None
        if request.mimetype != "application/json":
            return f"<{request.mimetype}, {request.content_length} bytes>" if request.content_length else None
        raw = request.get_data(cache=True)
    except HTTPException:  # e.g. over the size limit: the answer already says so
        return f"<{request.content_length} bytes, not read>"
    return redact_json_text(raw) if raw else None


def response_excerpt(response: Response) -> str | None:
    if response.is_streamed:
        return None
    if 300 <= response.status_code < 400:
        return f"Location: {response.headers.get('Location', '')}"
    if response.mimetype == "application/json":
        return redact_json_text(response.get_data())
    return None


def query_text(query: bytes) -> str:
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    return urlencode([(key, REDACTED if SECRET_KEY.search(key) else value) for key, value in pairs])


def record(db: Database, request: Request, response: Response, duration_ms: float, who: str | None, keep: int) -> None:
    row = (
        clock.now_us(),
        request.method,
        request.path,
        query_text(request.query_string),
        response.status_code,
        duration_ms,
        who,
        request_excerpt(request),
        response_excerpt(response),
    )
    with db.write() as conn:
        entry_id = conn.execute(
            "INSERT INTO journal (ts, method, path, query, status, duration_ms, principal, request, response)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        ).lastrowid
        if entry_id % TRIM_EVERY == 0:
            conn.execute("DELETE FROM journal WHERE id <= ?", (entry_id - keep,))


def entries(db: Database, since: int, limit: int) -> list[dict[str, Any]]:
    with db.read() as conn:
        rows = conn.execute("SELECT * FROM journal WHERE id > ? ORDER BY id LIMIT ?", (since, limit)).fetchall()
    return [
        {
            "id": row["id"],
            "date": clock.iso(row["ts"]),
            "method": row["method"],
            "path": row["path"],
            "query": row["query"],
            "status": row["status"],
            "duration_ms": round(row["duration_ms"], 2),
            "principal": row["principal"],
            "request": row["request"],
            "response": row["response"],
        }
        for row in rows
    ]
