"""One-to-one chat between the caller (a user) and another user: send, share, and read the history."""

from __future__ import annotations

import sqlite3

from flask import Blueprint, Response

from sandbox.http import paging, validation
from sandbox.http.context import db
from sandbox.http.errors import bad_request, forbidden
from sandbox.http.multipart import read_share
from sandbox.http.responses import json_response, no_content
from sandbox.model import history, resolve
from sandbox.model.history import Scope
from sandbox.model.messaging import NewMessage, chat_key, insert, link_object
from sandbox.model.posting import truthy
from sandbox.security import flood
from sandbox.security.auth import Principal, principal
from sandbox.store.filestore import store

bp = Blueprint("privatechat", __name__)


def own_id(caller: Principal) -> int:
    if caller.user_id is None:
        raise forbidden("Private chats are only available to users, not to add-ons")
    return caller.user_id


def partner(conn: sqlite3.Connection, user: str, caller: Principal) -> sqlite3.Row:
    own_id(caller)
    return resolve.user(conn, user, caller)


def recipient(conn: sqlite3.Connection, user: str, caller: Principal) -> sqlite3.Row:
    row = partner(conn, user, caller)
    if row["id"] == caller.user_id:
        raise bad_request("Cannot send a private message to yourself")
    flood.check(conn, f"user:{row['id']}")
    return row


def send(conn: sqlite3.Connection, caller: Principal, to: sqlite3.Row, new: NewMessage) -> None:
    new.chat = chat_key(own_id(caller), to["id"])
    new.sender_id = own_id(caller)
    insert(conn, caller.group_id, new)


@bp.post("/v2/user/<seg:user>/message", endpoint="send")
def send_private(user: str) -> Response:
    body = validation.read("private_message")
    caller = principal()
    with db().write() as conn:
        to = recipient(conn, user, caller)
        new = NewMessage(
            type="message", message=body["message"], message_format=body.get("message_format", "text"), notify=truthy(body.get("notify"))
        )
        send(conn, caller, to, new)
    return no_content()


@bp.post("/v2/user/<seg:user>/share/link")
def share_link(user: str) -> Response:
    body = validation.read("share_link")
    caller = principal()
    with db().write() as conn:
        to = recipient(conn, user, caller)
        send(conn, caller, to, NewMessage(type="message", message=body.get("message") or body["link"], links=[link_object(body["link"])]))
    return no_content()


@bp.post("/v2/user/<seg:user>/share/file")
def share_file(user: str) -> Response:
    metadata, upload = read_share()
    caller = principal()
    with db().write() as conn:
        to = recipient(conn, user, caller)
        file_id = store(conn, upload.filename, upload.content_type, upload.data)
        send(conn, caller, to, NewMessage(type="message", message=metadata.get("message", ""), file_id=file_id, links=[]))
    return no_content()


@bp.get("/v2/user/<seg:user>/history", endpoint="history")
def history_page(user: str) -> Response:
    opts = history.options()
    caller = principal()
    with db().read() as conn:
        other = partner(conn, user, caller)
        items, more = history.read_page(conn, Scope("chat", chat_key(own_id(caller), other["id"])), opts)
    return json_response(paging.envelope(items, opts.page, more))


@bp.get("/v2/user/<seg:user>/history/latest")
def latest(user: str) -> Response:
    opts = history.latest_options()
    caller = principal()
    with db().read() as conn:
        other = partner(conn, user, caller)
        return json_response(history.read_latest(conn, Scope("chat", chat_key(own_id(caller), other["id"])), opts))


@bp.get("/v2/user/<seg:user>/history/<seg:message_id>")
def message(user: str, message_id: str) -> Response:
    opts = history.message_options()
    caller = principal()
    with db().read() as conn:
        other = partner(conn, user, caller)
        return json_response(history.read_one(conn, Scope("chat", chat_key(own_id(caller), other["id"])), message_id, opts))
