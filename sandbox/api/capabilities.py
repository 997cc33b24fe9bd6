"""GET /v2/capabilities (no token; the sandbox's health check) and GET /v2/capabilities/addon/schema."""

from __future__ import annotations

import copy
import json
from typing import Any

from flask import Blueprint, Response

from sandbox.http import links, params
from sandbox.http.responses import json_response
from sandbox.model import descriptor
from sandbox.security.access import ALL_SCOPES

bp = Blueprint("capabilities", __name__)

SCOPE_TEXT = {
    "admin_group": (
        "Administer Group",
        "Perform group administrative tasks. Note that this scope is restricted from updating the group owner's profile.",
    ),
    "admin_room": ("Administer Room", "Perform room administrative tasks"),
    "import_data": ("Import Data", "Import users, rooms, and chat history. Only available for select add-ons."),
    "manage_rooms": ("Manage Rooms", "Create, update, and remove rooms"),
    "send_message": ("Send Message", "Send private one-on-one messages"),
    "send_notification": ("Send Notification", "Send room notifications"),
    "view_group": ("View Group", "View users, rooms, and other group information"),
    "view_messages": ("View Messages", "View messages from chat rooms and private chats you have access to"),
    "view_room": ("View Room", "View room information and participants, but not history"),
}


@bp.get("/v2/capabilities")
def capabilities() -> Response:
    base = links.base()
    scopes = {scope: {"description": SCOPE_TEXT[scope][1], "id": scope, "name": SCOPE_TEXT[scope][0]} for scope in ALL_SCOPES}
    return json_response(
        {
            "capabilities": {
                "hipchatApiProvider": {"availableScopes": scopes, "url": f"{base}/v2/"},
                "oauth2Provider": {"authorizationUrl": f"{base}/users/authorize", "tokenUrl": f"{base}/v2/oauth/token"},
            },
            "connect_server_api_version": 1,
            "description": "Group chat and IM built for teams (HipChat-compatible sandbox)",
            "key": "hipchat",
            "links": {"api": f"{base}/v2", "homepage": base, "self": f"{base}/v2/capabilities", "subdomain": base},
            "name": "HipChat",
            "vendor": {"name": "hipchat-package sandbox", "url": base},
        }
    )


def as_draft4(schema: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(schema).replace('"$defs"', '"definitions"').replace("#/$defs/", "#/definitions/")
    converted = json.loads(text)
    _walk(converted, _const_to_enum)
    return {"$schema": "http://json-schema.org/draft-04/schema#", **converted}


def as_draft2(schema: dict[str, Any]) -> dict[str, Any]:
    """Draft 2/3 style: `required` is a flag on each property rather than a list on the object."""
    converted = as_draft4(schema)
    converted["$schema"] = "http://json-schema.org/draft-02/schema#"
    _walk(converted, _required_flags)
    return converted


def _walk(node: Any, visit: Any) -> None:
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def _const_to_enum(node: dict[str, Any]) -> None:
    if "const" in node:
        node["enum"] = [node.pop("const")]


def _required_flags(node: dict[str, Any]) -> None:
    required = node.get("required")
    if isinstance(required, list) and isinstance(node.get("properties"), dict):
        del node["required"]
        for name in required:
            if name in node["properties"]:
                node["properties"][name] = {**node["properties"][name], "required": True}


@bp.get("/v2/capabilities/addon/schema")
def addon_schema() -> Response:
    draft = params.choice("draft", "v4", ("v2", "v4"))
    schema = descriptor.schema()
    return json_response(copy.deepcopy(as_draft2(schema) if draft == "v2" else as_draft4(schema)))
