"""Stored files (shares, photos, avatars): bytes in SQLite, served back at /files/<id>/<name>."""

from __future__ import annotations

import base64
import binascii
import re
import sqlite3
import uuid

from sandbox.http.errors import bad_request
from sandbox.store import clock

IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF87a": "image/gif", b"GIF89a": "image/gif"}
DATA_URI = re.compile(r"^data:([\w.+-]+/[\w.+-]+)?(;[\w-]+=[\w.-]+)*;base64,", re.IGNORECASE)


def store(conn: sqlite3.Connection, name: str, content_type: str, data: bytes) -> str:
    file_id = uuid.uuid4().hex
    conn.execute(
        "INSERT INTO files (id, name, content_type, size, data, created) VALUES (?, ?, ?, ?, ?, ?)",
        (file_id, name, content_type, len(data), data, clock.now_us()),
    )
    return file_id


def image_type(data: bytes) -> str | None:
    for magic, content_type in IMAGE_MAGIC.items():
        if data.startswith(magic):
            return content_type
    return None


def decode_image(field: str, text: str) -> tuple[bytes, str]:
    """A base64 image (optionally a data: URI, as the seed implementation sent it) -> bytes and content type."""
    payload = DATA_URI.sub("", text.strip(), count=1)
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise bad_request(f"Invalid value for '{field}': expected a base64-encoded image", field, "format", None) from None
    content_type = image_type(data)
    if content_type is None:
        raise bad_request(f"Invalid value for '{field}': not a PNG, JPEG or GIF image", field, "format", None)
    return data, content_type
