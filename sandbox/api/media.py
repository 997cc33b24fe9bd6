"""Images and files: user photos, room avatars (302 to the image, as HipChat), and the stored files behind those URLs."""

from __future__ import annotations

from flask import Blueprint, Response

from sandbox.http.context import db
from sandbox.http.errors import bad_request, not_found
from sandbox.model import images
from sandbox.model.pictures import ROOM_AVATAR, USER_PHOTO

bp = Blueprint("media", __name__)

PHOTO_SIZES = {"small": 36, "big": 125}
BUILT_IN_SIZES = {"photo": 125, "avatar": 125, "emoticon": 30}
INLINE_TYPES = ("image/png", "image/jpeg", "image/gif")


@bp.get("/v2/user/<seg:user>/photo/<seg:size>")
def get_photo(user: str, size: str) -> Response:
    if size not in PHOTO_SIZES:
        raise bad_request("Invalid photo size: small or big", "size", "enum", size)
    return USER_PHOTO.redirect(user, f"photo-{size}")


@bp.put("/v2/user/<seg:user>/photo")
def update_photo(user: str) -> Response:
    return USER_PHOTO.replace(user)


@bp.delete("/v2/user/<seg:user>/photo")
def delete_photo(user: str) -> Response:
    return USER_PHOTO.remove(user)


@bp.get("/v2/room/<seg:room>/avatar")
def get_room_avatar(room: str) -> Response:
    return ROOM_AVATAR.redirect(room)


@bp.put("/v2/room/<seg:room>/avatar")
def update_room_avatar(room: str) -> Response:
    return ROOM_AVATAR.replace(room)


@bp.delete("/v2/room/<seg:room>/avatar")
def delete_room_avatar(room: str) -> Response:
    return ROOM_AVATAR.remove(room)


@bp.get("/files/<seg:file_id>/<seg:name>")
def get_file(file_id: str, name: str) -> Response:
    with db().read() as conn:
        row = conn.execute("SELECT name, content_type, data FROM files WHERE id = ?", (file_id,)).fetchone()
    if row is None:
        raise not_found(f"File {file_id} not found")
    response = Response(bytes(row["data"]), mimetype=row["content_type"])
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Uploads are anyone's bytes: nothing runs on the sandbox's origin, and only plain images show inline.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if row["content_type"] not in INLINE_TYPES:
        response.headers["Content-Disposition"] = "attachment"
    return response


@bp.get("/files/builtin/<seg:kind>/<seg:key>.png")
def get_built_in(kind: str, key: str) -> Response:
    if kind not in BUILT_IN_SIZES:
        raise not_found(f"No built-in image {kind}/{key}")
    size = BUILT_IN_SIZES[kind]
    color = images.color_for(f"{kind}/{key}")
    if kind == "emoticon":
        with db().read() as conn:
            row = conn.execute("SELECT width, height, color FROM emoticons WHERE shortcut = ?", (key,)).fetchone()
        if row is None:
            raise not_found(f"Emoticon {key} not found")
        return Response(images.solid_png(row["width"], row["height"], images.hex_color(row["color"])), mimetype="image/png")
    return Response(images.solid_png(size, size, color), mimetype="image/png")
