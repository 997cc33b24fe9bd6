"""Routes of the room viewer: three pages (/_sandbox/, /_sandbox/rooms/<id>, /_sandbox/addons), the message JSON a
room page polls, and posting to a room as one of the sandbox's users.

The pages are shells that carry no data; what they show comes from JSON that needs the admin token or a viewer session.
"""

from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template, request

from sandbox.admin import guard
from sandbox.admin.viewer import posting, store
from sandbox.http import validation
from sandbox.http.responses import json_response
from sandbox.store import clock

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
        return page_response(render_template("viewer/rooms.html", poll_ms=POLL_MS))

    @viewer.get("/rooms/<seg:room>")
    def room_page(room: str) -> Response:
        """A room by id or by name (like the API); the page learns the rest from the messages JSON."""
        return page_response(render_template("viewer/room.html", room=room, poll_ms=POLL_MS))

    @viewer.get("/addons")
    def addons_page() -> Response:
        return page_response(render_template("viewer/addons.html", poll_ms=POLL_MS))

    @viewer.post("/viewer/api/rooms/<seg:room>/messages")
    def post_message(room: str) -> Response:
        """{"user_id", "message"}: the message posted as that user (201 {"id", "timestamp"})."""
        guard.require_admin()
        data = validation.json_body()
        message_id, ts = posting.as_user(room, data.get("user_id"), data.get("message"))
        return json_response({"id": message_id, "timestamp": clock.iso(ts)}, 201)

    @viewer.get("/viewer/api/rooms/<seg:room>/messages")
    def messages_json(room: str) -> Response:
        guard.require_admin()
        found = store.room(room)
        if found is None:
            return json_response({"error": {"code": 404, "message": f"Room {room} not found", "type": "Not Found"}}, 404)
        after = request.args.get("after", type=int)
        items, cursor = store.messages(found["id"], after)
        return _no_store(json_response({"room": found, "items": items, "cursor": cursor}))

    return viewer


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def page_response(html: str, status: int = 200, policy: str = CONTENT_SECURITY_POLICY) -> Response:
    """A page of the viewer (or the consent page): its content security policy, no sniffing, never cached."""
    response = make_response(html, status)
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)
