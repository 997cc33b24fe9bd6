"""Writing a message (room or private chat): mentions, links, the room's statistics, all in the caller's transaction."""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sandbox.store import clock

MENTION = re.compile(r"(?<![\w@])@(\w+)")
URL = re.compile(r"https?://[^\s<>\"']+")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
COUNTED_TYPES = ("message", "notification")  # topic changes are in the history but are not messages sent


@dataclass
class NewMessage:
    type: str
    message: str
    room_id: int | None = None
    chat: str | None = None
    sender_id: int | None = None
    from_label: str | None = None
    client_id: str | None = None
    message_format: str | None = None
    color: str | None = None
    notify: bool = False
    card: dict[str, Any] | None = None
    file_id: str | None = None
    links: list[dict[str, Any]] | None = None
    parent_id: str | None = None
    attach_to: str | None = None


def chat_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"


def mentioned_users(conn: sqlite3.Connection, group_id: int, text: str) -> list[int]:
    names = sorted({name.lower() for name in MENTION.findall(text)} - {"all", "here"})
    if not names:
        return []
    marks = ",".join("?" * len(names))
    rows = conn.execute(
        f"SELECT id FROM users WHERE group_id = ? AND is_deleted = 0 AND lower(mention_name) IN ({marks}) ORDER BY id", (group_id, *names)
    )
    return [row["id"] for row in rows]


def link_object(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.path.lower().endswith(IMAGE_SUFFIXES):
        return {"type": "image", "url": url, "image": {"image": url, "name": parts.path.rsplit("/", 1)[-1]}}
    return {
        "type": "link",
        "url": url,
        "link": {"url": url, "title": url, "description": "", "headerText": parts.netloc, "linkText": parts.netloc, "faviconUrl": None},
    }


def links_in(text: str) -> list[dict[str, Any]]:
    return [link_object(url.rstrip(".,;:!?)")) for url in URL.findall(text)]


def insert(conn: sqlite3.Connection, group_id: int, new: NewMessage, ts: int | None = None) -> tuple[str, int]:
    """Store the message; returns its id and time. The caller's write transaction makes it durable at commit."""
    message_id = str(uuid.uuid4())
    ts = ts or clock.now_us()
    mentions = mentioned_users(conn, group_id, new.message) if new.type in ("message", "notification") else []
    found_links = new.links if new.links is not None else (links_in(new.message) if new.type == "message" else [])
    conn.execute(
        "INSERT INTO messages (id, room_id, chat, ts, type, sender_id, from_label, client_id, message, message_format, color, notify,"
        " card, file_id, links, mentions, parent_id, attach_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            message_id,
            new.room_id,
            new.chat,
            ts,
            new.type,
            new.sender_id,
            new.from_label,
            new.client_id,
            new.message,
            new.message_format,
            new.color,
            int(new.notify),
            json.dumps(new.card) if new.card else None,
            new.file_id,
            json.dumps(found_links) if found_links else None,
            json.dumps(mentions) if mentions else None,
            new.parent_id,
            new.attach_to,
        ),
    )
    if new.room_id is not None:
        counted = 1 if new.type in COUNTED_TYPES else 0
        conn.execute(
            "UPDATE rooms SET messages_sent = messages_sent + ?, last_active = max(ifnull(last_active, 0), ?) WHERE id = ?",
            (counted, ts, new.room_id),
        )
    if new.sender_id is not None:
        conn.execute("UPDATE users SET last_active = ? WHERE id = ?", (ts, new.sender_id))
    return message_id, ts
