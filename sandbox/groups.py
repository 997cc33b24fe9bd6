"""The group: its details, statistics and avatar."""

from __future__ import annotations

from flask import Blueprint, Response

from sandbox import links, resolve, validation
from sandbox.context import db, principal
from sandbox.filestore import decode_image, store
from sandbox.http import json_response, no_content, redirect
from sandbox.representations import group_detail

bp = Blueprint("groups", __name__)


@bp.get("/v2/group/<seg:group_id>")
def get_group(group_id: str) -> Response:
    with db().read() as conn:
        group = resolve.group(conn, group_id, principal())
        owner = conn.execute("SELECT * FROM users WHERE id = ?", (group["owner_id"],)).fetchone() if group["owner_id"] else None
    return json_response(group_detail(group, owner))


@bp.get("/v2/group/<seg:group_id>/statistics")
def statistics(group_id: str) -> Response:
    with db().read() as conn:
        group = resolve.group(conn, group_id, principal())
        users = conn.execute("SELECT count(*) FROM users WHERE group_id = ? AND is_deleted = 0", (group["id"],)).fetchone()[0]
    return json_response({"links": {"self": links.group(group["id"], "statistics")}, "users": users})


@bp.get("/v2/group/<seg:group_id>/avatar")
def get_avatar(group_id: str) -> Response:
    with db().read() as conn:
        group = resolve.group(conn, group_id, principal())
    if group["avatar_file_id"]:
        return redirect(links.file(group["avatar_file_id"], "avatar"))
    return redirect(links.image("avatar", f"group-{group['id']}"))


@bp.put("/v2/group/<seg:group_id>/avatar")
def update_avatar(group_id: str) -> Response:
    body = validation.read("avatar")
    data, content_type = decode_image("avatar", body["avatar"])
    with db().write() as conn:
        group = resolve.group(conn, group_id, principal())
        file_id = store(conn, "avatar", content_type, data)
        conn.execute("UPDATE groups SET avatar_file_id = ? WHERE id = ?", (file_id, group["id"]))
    return no_content()


@bp.delete("/v2/group/<seg:group_id>/avatar")
def delete_avatar(group_id: str) -> Response:
    with db().write() as conn:
        group = resolve.group(conn, group_id, principal())
        conn.execute("UPDATE groups SET avatar_file_id = NULL WHERE id = ?", (group["id"],))
    return no_content()
