"""Pictures attached to a group, a room or a user (avatar, photo): replaced, removed, and served as a 302, as HipChat."""

from __future__ import annotations

import base64
import binascii
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response

from sandbox.http import links, validation
from sandbox.http.context import db
from sandbox.http.errors import bad_request
from sandbox.http.responses import no_content, redirect
from sandbox.model import resolve
from sandbox.security.auth import principal
from sandbox.store.filestore import store

IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF87a": "image/gif", b"GIF89a": "image/gif"}
DATA_URI = re.compile(r"^data:([\w.+-]+/[\w.+-]+)?(;[\w-]+=[\w.-]+)*;base64,", re.IGNORECASE)


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


@dataclass(frozen=True)
class Picture:
    field: str  # the PUT body's field and the stored file's name: "avatar" or "photo"
    table: str
    column: str
    find: Callable[[sqlite3.Connection, str, Any], sqlite3.Row]
    builtin: Callable[[sqlite3.Row], Any]  # which built-in image stands in while none is stored
    refuse_guests: bool = False

    def redirect(self, ident: str, variant: str = "") -> Response:
        with db().read() as conn:
            row = self.find(conn, ident, principal())
        if row[self.column]:
            return redirect(links.file(row[self.column], variant or self.field))
        return redirect(links.image(self.field, self.builtin(row)))

    def replace(self, ident: str) -> Response:
        body = validation.read(self.field)
        data, content_type = decode_image(self.field, body[self.field])
        with db().write() as conn:
            row = self.find(conn, ident, principal())
            if self.refuse_guests and row["is_guest"]:
                raise bad_request("Guest users cannot be updated")
            file_id = store(conn, self.field, content_type, data)
            conn.execute(f"UPDATE {self.table} SET {self.column} = ? WHERE id = ?", (file_id, row["id"]))
        return no_content()

    def remove(self, ident: str) -> Response:
        with db().write() as conn:
            row = self.find(conn, ident, principal())
            conn.execute(f"UPDATE {self.table} SET {self.column} = NULL WHERE id = ?", (row["id"],))
        return no_content()


GROUP_AVATAR = Picture("avatar", "groups", "avatar_file_id", resolve.group, lambda row: f"group-{row['id']}")
ROOM_AVATAR = Picture("avatar", "rooms", "avatar_file_id", resolve.room, lambda row: f"room-{row['id']}")
USER_PHOTO = Picture("photo", "users", "photo_file_id", resolve.user, lambda row: row["id"], refuse_guests=True)
