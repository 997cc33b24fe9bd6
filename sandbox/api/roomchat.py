"""Talking in a room: messages, notifications (with cards), replies, shared links and files; and reading its history.

Each send commits the message, the room's statistics and the webhook deliveries it raises in one transaction before
the 201/204 goes out: an acknowledged message is durable. Which webhooks it raises is settled before that transaction
(events.match: a read, and the patterns matched with no transaction open), so no pattern holds the write lock.
"""

from __future__ import annotations

import sqlite3

from flask import Blueprint, Response

from sandbox.delivery import events
from sandbox.http import paging, validation
from sandbox.http.context import db
from sandbox.http.errors import bad_request
from sandbox.http.multipart import read_share
from sandbox.http.representations import file_object, user_summary
from sandbox.http.responses import json_response, no_content
from sandbox.model import history, resolve
from sandbox.model.history import Scope
from sandbox.model.messaging import NewMessage, link_object
from sandbox.model.posting import check_in_room, notification, post
from sandbox.security import flood, standing
from sandbox.security.auth import Principal, principal
from sandbox.store import clock
from sandbox.store.filestore import store

bp = Blueprint("roomchat", __name__)


def recipients(room: str, caller: Principal, event: str, text: str) -> events.Matched:
    """Before the write: the room (404/403 as HipChat) and the webhooks whose patterns the text matches."""
    return events.match(db(), event, text, lambda conn: resolve.room(conn, room, caller), standing.seen_room(room))


def open_room(conn: sqlite3.Connection, room: str, matched: events.Matched, caller: Principal) -> sqlite3.Row:
    """The room the read found: it must still exist, be visible, not be archived; the send counts against flood control."""
    row = resolve.room_again(conn, matched.room_id, room, caller)
    if row["is_archived"]:
        raise bad_request(f"Room {room} is archived")
    flood.check(conn, f"room:{row['id']}")
    return row


def notification_label(caller: Principal) -> str:
    """Who a notification is from: the add-on's name, else the user's, as they were when the request came. Read with
    the token (auth.lookup) when the gate found the caller, else here: never in the write, which holds the write lock."""
    if caller.name is not None:
        return caller.name
    if caller.client_id:
        client = db().fetch_all("SELECT name FROM oauth_clients WHERE id = ?", (caller.client_id,))
        if client:
            return client[0]["name"]
    if caller.user_id is not None:
        user = db().fetch_all("SELECT name FROM users WHERE id = ?", (caller.user_id,))
        if user:
            return user[0]["name"]
    return ""


@bp.post("/v2/room/<seg:room>/message")
def send_message(room: str) -> Response:
    body = validation.read("send_message")
    caller = principal()
    matched = recipients(room, caller, "room_message", body["message"])
    with db().write() as conn:
        row = open_room(conn, room, matched, caller)
        message_id, ts = post(
            conn, caller.group_id, row, NewMessage(type="message", message=body["message"], sender_id=caller.user_id), matched
        )
    return json_response({"id": message_id, "timestamp": clock.iso(ts)}, 201)


@bp.post("/v2/room/<seg:room>/notification")
def send_notification(room: str) -> Response:
    body = validation.read("send_notification")
    caller = principal()
    matched = recipients(room, caller, "room_notification", body["message"])
    label = notification_label(caller)
    with db().write() as conn:
        row = open_room(conn, room, matched, caller)
        notification(conn, caller.group_id, row, body, label, caller.client_id, matched)
    return no_content()


@bp.post("/v2/room/<seg:room>/reply")
def reply(room: str) -> Response:
    body = validation.read("reply")
    caller = principal()
    matched = recipients(room, caller, "room_message", body["message"])
    with db().write() as conn:
        row = open_room(conn, room, matched, caller)
        check_in_room(conn, row, body["parentMessageId"], "parentMessageId")
        new = NewMessage(type="message", message=body["message"], sender_id=caller.user_id, parent_id=body["parentMessageId"])
        post(conn, caller.group_id, row, new, matched)
    return no_content()


@bp.post("/v2/room/<seg:room>/share/link")
def share_link(room: str) -> Response:
    body = validation.read("share_link")
    caller = principal()
    text = body.get("message") or body["link"]
    matched = recipients(room, caller, "room_message", text)
    with db().write() as conn:
        row = open_room(conn, room, matched, caller)
        new = NewMessage(type="message", message=text, sender_id=caller.user_id, links=[link_object(body["link"])])
        post(conn, caller.group_id, row, new, matched)
    return no_content()


@bp.post("/v2/room/<seg:room>/share/file")
def share_file(room: str) -> Response:
    metadata, upload = read_share()
    caller = principal()
    text = metadata.get("message", "")
    matched = recipients(room, caller, "room_message", text)
    with db().write() as conn:
        row = open_room(conn, room, matched, caller)
        file_id = store(conn, upload.filename, upload.content_type, upload.data)
        new = NewMessage(type="message", message=text, sender_id=caller.user_id, file_id=file_id, links=[])
        post(conn, caller.group_id, row, new, matched)
        stored = conn.execute("SELECT id, name, size, content_type FROM files WHERE id = ?", (file_id,)).fetchone()
        sender = conn.execute("SELECT * FROM users WHERE id = ?", (caller.user_id,)).fetchone()
        item = {"file": file_object(stored), "sender": user_summary(sender)}
        events.emit(conn, caller.group_id, row, "room_file_upload", item, user_id=caller.user_id)
    return no_content()


@bp.get("/v2/room/<seg:room>/history", endpoint="history")
def history_page(room: str) -> Response:
    opts = history.options()
    with db().read() as conn:
        row = resolve.room(conn, room, principal())
        items, more = history.read_page(conn, Scope("room_id", row["id"]), opts)
    return json_response(paging.envelope(items, opts.page, more))


@bp.get("/v2/room/<seg:room>/history/latest")
def latest(room: str) -> Response:
    opts = history.latest_options()
    with db().read() as conn:
        row = resolve.room(conn, room, principal())
        return json_response(history.read_latest(conn, Scope("room_id", row["id"]), opts))


@bp.get("/v2/room/<seg:room>/history/<seg:message_id>")
def message(room: str, message_id: str) -> Response:
    opts = history.message_options()
    with db().read() as conn:
        row = resolve.room(conn, room, principal())
        return json_response(history.read_one(conn, Scope("room_id", row["id"]), message_id, opts))
