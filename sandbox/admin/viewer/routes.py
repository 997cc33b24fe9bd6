"""Routes of the room viewer: two pages (/_sandbox/, /_sandbox/rooms/<id>) and the read-only message JSON they poll."""

from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template, request

from sandbox.admin.viewer import store
from sandbox.http.responses import json_response

POLL_MS = 2000
# Message HTML is sanitized server-side; the policy is the second wall: no inline script, no foreign scripts.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: https: http:; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def make_viewer_blueprint() -> Blueprint:
    viewer = Blueprint(
        "viewer", __name__, url_prefix="/_sandbox", template_folder="templates", static_folder="static", static_url_path="/viewer/static"
    )

    @viewer.get("/")
    def rooms_page() -> Response:
        return _page(render_template("viewer/rooms.html", poll_ms=POLL_MS))

    @viewer.get("/rooms/<int:room_id>")
    def room_page(room_id: int) -> Response:
        found = store.room(room_id)
        if found is None:
            return _page(render_template("viewer/missing.html", room_id=room_id), 404)
        return _page(render_template("viewer/room.html", room=found, poll_ms=POLL_MS))

    @viewer.get("/viewer/api/rooms/<int:room_id>/messages")
    def messages_json(room_id: int) -> Response:
        found = store.room(room_id)
        if found is None:
            return json_response({"error": {"code": 404, "message": f"Room {room_id} not found", "type": "Not Found"}}, 404)
        after = request.args.get("after", type=int)
        items, cursor = store.messages(room_id, after)
        return _no_store(json_response({"room": found, "items": items, "cursor": cursor}))

    return viewer


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(html: str, status: int = 200) -> Response:
    response = make_response(html, status)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)
