"""Rows as HipChat's JSON objects: users, rooms, groups, messages, emoticons, OAuth clients. Every object has absolute links."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import tzinfo
from typing import Any

from sandbox.http import links
from sandbox.store import clock

Row = sqlite3.Row | Mapping[str, Any]


def user_summary(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "links": {"self": links.user(row["id"])},
        "mention_name": row["mention_name"],
        "name": row["name"],
        "version": row["version"],
    }


def photo_url(row: Row) -> str:
    if row["photo_file_id"]:
        return links.file(row["photo_file_id"], "photo")
    return links.image("photo", row["id"])


def presence(row: Row) -> dict[str, Any]:
    online = bool(row["is_online"])
    return {
        "client": {"type": "http://hipchat.com/sandbox", "version": "1.0"} if online else None,
        "idle": None,
        "is_online": online,
        "show": row["presence_show"] or ("chat" if online else None),
        "status": row["presence_status"],
    }


def user_detail(row: Row, group: Row) -> dict[str, Any]:
    return {
        **user_summary(row),
        "created": clock.iso_seconds(row["created"]),
        "email": row["email"],
        "group": group_summary(group),
        "is_deleted": bool(row["is_deleted"]),
        "is_group_admin": bool(row["is_group_admin"]),
        "is_guest": bool(row["is_guest"]),
        "last_active": str(clock.unix_seconds(row["last_active"])) if row["last_active"] else None,
        "photo_url": photo_url(row),
        "presence": presence(row),
        "roles": json.loads(row["roles"]),
        "timezone": row["timezone"],
        "title": row["title"],
        "xmpp_jid": f"{row['group_id']}_{row['id']}@chat.sandbox.local",
    }


def group_summary(row: Row) -> dict[str, Any]:
    return {"id": row["id"], "links": {"self": links.group(row["id"])}, "name": row["name"]}


def group_detail(row: Row, owner: Row | None) -> dict[str, Any]:
    return {
        **group_summary(row),
        "avatar_url": links.file(row["avatar_file_id"], "avatar") if row["avatar_file_id"] else None,
        "created": clock.iso_seconds(row["created"]),
        "domain": row["domain"],
        "owner": user_summary(owner) if owner is not None else None,
        "plan": {"id": 1, "type": row["plan"]},
        "subdomain": row["subdomain"],
    }


def room_links(row: Row) -> dict[str, str]:
    room_id = row["id"]
    found = {"self": links.room(room_id), "webhooks": links.room(room_id, "webhook"), "participants": links.room(room_id, "participant")}
    if row["privacy"] == "private":
        found["members"] = links.room(room_id, "member")
    return found


def room_summary(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "is_archived": bool(row["is_archived"]),
        "links": room_links(row),
        "name": row["name"],
        "privacy": row["privacy"],
        "version": row["version"],
    }


def room_detail(row: Row, owner: Row | None, participants: Iterable[Row]) -> dict[str, Any]:
    guest_url = f"{links.base()}/g/{row['guest_token']}" if row["is_guest_accessible"] and row["guest_token"] else None
    return {
        **room_summary(row),
        "avatar_url": links.file(row["avatar_file_id"], "avatar") if row["avatar_file_id"] else None,
        "created": clock.iso(row["created"]),
        "delegate_admin_visibility": None if row["delegate_admin_visibility"] is None else bool(row["delegate_admin_visibility"]),
        "guest_access_url": guest_url,
        "is_guest_accessible": bool(row["is_guest_accessible"]),
        "last_active": clock.iso(row["last_active"]) if row["last_active"] else None,
        "owner": user_summary(owner) if owner is not None else None,
        "participants": [user_summary(p) for p in participants],
        "statistics": {"links": {"self": links.room(row["id"], "statistics")}},
        "topic": row["topic"],
        "xmpp_jid": f"{row['group_id']}_{row['id']}@conf.sandbox.local",
    }


def file_object(row: Row) -> dict[str, Any]:
    url = links.file(row["id"], row["name"])
    found = {"name": row["name"], "size": row["size"], "url": url}
    if row["content_type"].startswith("image/"):
        found["thumb_url"] = url
    return found


def client_summary(row: Row) -> dict[str, Any]:
    """An OAuth client (add-on) as HipChat shows it as a sender (topic changes) and in sessions."""
    found = {
        "allowed_scopes": row["scopes"].split(),
        "id": row["id"],
        "links": {"self": f"{links.api('oauth', 'client', row['id'])}"},
        "name": row["name"],
    }
    if row["room_id"] is not None:
        found["room"] = {"id": row["room_id"], "links": {"self": links.room(row["room_id"])}}
    return found


def message_item(row: Row, users: Mapping[int, dict[str, Any]], files: Mapping[str, Row], zone: tzinfo = clock.UTC) -> dict[str, Any]:
    """users: user summaries by id (the sender and the mentioned)."""
    sender = users.get(row["sender_id"]) if row["sender_id"] is not None else None
    mentions = [users[i] for i in json.loads(row["mentions"] or "[]") if i in users]
    item: dict[str, Any] = {
        "date": clock.iso(row["ts"], zone),
        "from": sender if sender is not None else (row["from_label"] or ""),
        "id": row["id"],
        "mentions": mentions,
        "message": "" if row["deleted"] else row["message"],
        "type": row["type"],
    }
    if row["type"] == "notification" or row["chat"] is not None:
        item["message_format"] = row["message_format"] or "html"
    if row["type"] == "notification":
        item["color"] = row["color"] or "yellow"
        item["notification_sender"] = {"client_id": row["client_id"], "id": row["client_id"] or row["from_label"], "type": "addon"}
    if row["card"]:
        item["card"] = json.loads(row["card"])
    if row["links"]:
        item["message_links"] = json.loads(row["links"])
    if row["file_id"] and row["file_id"] in files:
        item["file"] = file_object(files[row["file_id"]])
    if row["parent_id"]:
        item["parentMessageId"] = row["parent_id"]
    if row["attach_to"]:
        item["attach_to"] = row["attach_to"]
    return item


def emoticon_item(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "links": {"self": links.api("emoticon", row["id"])},
        "shortcut": row["shortcut"],
        "url": links.image("emoticon", row["shortcut"]),
    }


def emoticon_detail(row: Row, creator: Row | None) -> dict[str, Any]:
    return {
        **emoticon_item(row),
        "audio_path": None,
        "creator": user_summary(creator) if creator is not None else None,
        "height": row["height"],
        "type": "group" if row["group_id"] is not None else "global",
        "width": row["width"],
    }
