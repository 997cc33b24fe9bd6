"""Stored files (shares, photos, avatars): bytes in SQLite, served back at /files/<id>/<name>."""

from __future__ import annotations

import sqlite3
import uuid

from sandbox.store import clock


def store(conn: sqlite3.Connection, name: str, content_type: str, data: bytes) -> str:
    file_id = uuid.uuid4().hex
    conn.execute(
        "INSERT INTO files (id, name, content_type, size, data, created) VALUES (?, ?, ?, ?, ?, ?)",
        (file_id, name, content_type, len(data), data, clock.now_us()),
    )
    return file_id
