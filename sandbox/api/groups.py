"""The group: its details, statistics and avatar."""

from __future__ import annotations

from flask import Blueprint, Response

from sandbox.http import links
from sandbox.http.context import db
from sandbox.http.representations import group_detail
from sandbox.http.responses import json_response
from sandbox.model import resolve
from sandbox.model.pictures import GROUP_AVATAR
from sandbox.security.auth import principal

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
    return GROUP_AVATAR.redirect(group_id)


@bp.put("/v2/group/<seg:group_id>/avatar")
def update_avatar(group_id: str) -> Response:
    return GROUP_AVATAR.replace(group_id)


@bp.delete("/v2/group/<seg:group_id>/avatar")
def delete_avatar(group_id: str) -> Response:
    return GROUP_AVATAR.remove(group_id)
