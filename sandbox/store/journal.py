"""The journal: the requests the sandbox received and what it answered, for tests and for debugging a bot.

Tokens, secrets and passwords never reach it (common.redaction): values of secret-named JSON members, form fields and
query parameters, and the token in the path of getSession, deleteSession, installable data and integration links.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from typing import Any

from flask import Request, Response
from werkzeug.exceptions import HTTPException

from common.redaction import REDACTED, is_secret_name, redact_json_members, redact_links, redact_path, redact_query, redact_target
from sandbox.store import clock
from sandbox.store.db import Database

EXCERPT = 4000
BATCH = 200
FLUSH_SECONDS = 0.2
log = logging.getLogger("sandbox.journal")


def redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: REDACTED if is_secret_name(str(key)) else redact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def redact_json_text(raw: bytes) -> str:
    """The first EXCERPT characters of a JSON body with secret members blanked, without parsing it (bodies can be large)."""
    text = raw[:EXCERPT].decode("utf-8", "replace")
    return redact_links(redact_json_members(text))


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
        return f"Location: {redact_target(response.headers.get('Location', ''))}"
    if response.mimetype == "application/json":
        return redact_json_text(response.get_data())
    return None


def entry(request: Request, response: Response, duration_ms: float, who: str | None, fault: int | None = None) -> tuple[Any, ...]:
    """A journal row; fault is the id of the injected fault that made the answer (sandbox.model.faults), if one did."""
    return (
        clock.now_us(),
        request.method,
        redact_path(request.path),
        redact_query(request.query_string.decode("latin-1")),
        response.status_code,
        duration_ms,
        who,
        request_excerpt(request),
        response_excerpt(response),
        fault,
    )


class JournalWriter:
    """Entries are buffered and written by a background thread, one transaction per batch rather than one per request:
    the journal is for reading afterwards, and must not slow the calls it records. Readers flush first."""

    def __init__(self, db: Database, keep: int, interval: float = FLUSH_SECONDS) -> None:
        self.db = db
        self.keep = keep
        self.interval = interval
        self._buffer: list[tuple[Any, ...]] = []
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def add(self, row: tuple[Any, ...]) -> None:
        with self._lock:
            self._buffer.append(row)
            full = len(self._buffer) >= BATCH
        if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
            self._start()
        if full:
            self._wake.set()

    def _start(self) -> None:
        self._pid = os.getpid()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sandbox-journal", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self.flush()
            except sqlite3.Error:
                log.exception("could not write the journal")

    def flush(self) -> None:
        with self._flush_lock:
            with self._lock:
                rows, self._buffer = self._buffer, []
            if not rows:
                return
            with self.db.write() as conn:
                conn.executemany(
                    "INSERT INTO journal (ts, method, path, query, status, duration_ms, principal, request, response, fault)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
                last = conn.execute("SELECT max(id) FROM journal").fetchone()[0]
                conn.execute("DELETE FROM journal WHERE id <= ?", (last - self.keep,))

    def discard(self) -> None:
        with self._lock:
            self._buffer = []

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5)
        self.flush()


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
            "fault": row["fault"],
        }
        for row in rows
    ]
