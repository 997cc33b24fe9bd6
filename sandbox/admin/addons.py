"""/_sandbox/api/addons: install an add-on from its descriptor URL (into a room, or globally), list installations with
what each declared and its recent deliveries, uninstall. The room viewer's Add-ons page uses the same JSON.

POST {"descriptor_url": ..., "room_id": ...} (no room_id: a global install) answers 201 with the installation, whose
id is its oauthId; DELETE /_sandbox/api/addons/<oauthId> uninstalls. POST {"key": ..., "scopes": [...], "room_id"}
without a descriptor makes HipChat's client-side installation: the client and its one-time installable URL.
The rules (and their sources) are sandbox.model.installations'.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response

from sandbox.admin import guard
from sandbox.admin.routes import MAX_ID, admin_caller, body
from sandbox.api.extensions import self_link
from sandbox.delivery.webhooks import with_query
from sandbox.http import links
from sandbox.http.context import db, settings
from sandbox.http.errors import bad_request, not_found
from sandbox.http.representations import client_summary
from sandbox.http.responses import json_response
from sandbox.model import authcodes, installations
from sandbox.model.installations import Place
from sandbox.security.access import ALL_SCOPES
from sandbox.security.jwt_signing import sign
from sandbox.store import clock

bp = Blueprint("addons", __name__, url_prefix="/_sandbox/api/addons")

RECENT_DELIVERIES = 10
SHOWN_FIELDS = ("name", "event", "pattern", "url", "authentication", "location", "queryUrl", "target", "title")
SIGNED_KINDS = ("webPanel", "dialog", "externalPage")  # pages HipChat opened in an iframe with ?signed_request=
SELECT = (
    "SELECT c.*, i.descriptor_url, i.descriptor, i.callback_url, i.installed"
    " FROM oauth_clients c LEFT JOIN installations i ON i.client_id = c.id"
)


bp.before_request(guard.require_admin)


def place_of(conn: sqlite3.Connection, data: dict[str, Any]) -> Place:
    caller = admin_caller(conn)
    room_id = data.get("room_id")
    if room_id is None:
        return Place(caller.group_id)
    if isinstance(room_id, bool) or not isinstance(room_id, int) or not 0 < room_id < MAX_ID:
        raise bad_request("room_id must be a room's id (leave it out for a global install)", "room_id", "type", None)
    if conn.execute("SELECT 1 FROM rooms WHERE id = ? AND group_id = ?", (room_id, caller.group_id)).fetchone() is None:
        raise not_found(f"Room {room_id} not found")
    return Place(caller.group_id, room_id)


def descriptor_url_of(data: dict[str, Any]) -> str:
    url = data["descriptor_url"]
    if not isinstance(url, str) or urlsplit(url).scheme.lower() not in ("http", "https") or not urlsplit(url).hostname:
        raise bad_request("descriptor_url must be the http(s) URL of the add-on's capabilities descriptor", "descriptor_url", "type", None)
    if "key" in data:
        raise bad_request("Give descriptor_url (the add-on's descriptor says its key) or key, not both", "key", "unknown", None)
    return url


def client_side(data: dict[str, Any], place: Place) -> str:
    """The client and its installable URL, for {"key", "name", "scopes", "capabilities_url", "redirect_uris"}."""
    key = str(data.get("key") or "addon")
    scopes = data.get("scopes") or list(ALL_SCOPES)
    if not isinstance(scopes, list) or any(s not in ALL_SCOPES for s in scopes):
        raise bad_request("scopes must be a list of HipChat scopes", "scopes", "enum", None)
    redirect_uris = data.get("redirect_uris") or []
    if not isinstance(redirect_uris, list) or not all(
        isinstance(u, str) and " " not in u and authcodes.is_web_url(u) for u in redirect_uris
    ):
        raise bad_request("redirect_uris must be a list of http(s) URLs", "redirect_uris", "type", None)
    with db().write() as conn:
        return installations.new_client(
            conn,
            place,
            key,
            str(data.get("name") or key),
            scopes,
            data.get("capabilities_url"),
            installable=True,
            redirect_uris=redirect_uris,
        )


@bp.post("")
def install() -> Response:
    data = body()
    with db().read() as conn:
        place = place_of(conn, data)
    if "descriptor_url" in data:
        client_id = installations.install(db(), place, descriptor_url_of(data), links.api("capabilities"), settings().webhook_timeout)
    else:
        client_id = client_side(data, place)
    return json_response(one(client_id), 201)


@bp.get("")
def listing() -> Response:
    with db().read() as conn:
        rows = conn.execute(f"{SELECT} ORDER BY c.created").fetchall()
        return json_response({"items": [installation_json(conn, row) for row in rows]})


def one(client_id: str) -> dict[str, Any]:
    with db().read() as conn:
        row = conn.execute(f"{SELECT} WHERE c.id = ?", (client_id,)).fetchone()
        if row is None:
            raise not_found(f"Add-on installation {client_id} not found")
        return installation_json(conn, row)


@bp.get("/<seg:client_id>")
def get_installation(client_id: str) -> Response:
    return json_response(one(client_id))


@bp.delete("/<seg:client_id>")
def uninstall(client_id: str) -> Response:
    told = installations.uninstall(db(), client_id, settings().webhook_timeout)
    return json_response({"id": client_id, "uninstalled": True, "callback": told})


def installation_json(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    document = json.loads(row["descriptor"]) if row["descriptor"] else {}
    installable = None
    if row["installable_token"] and not row["installable_read"]:
        installable = links.api("addon", row["addon_key"], "installable", row["installable_token"])
    summary = client_summary(row)
    configurable = document.get("capabilities", {}).get("configurable")
    # The secret, and the one-time link that hands it out, only to the admin token: a viewer session reads no
    # credentials (issue 13, item 5).
    token_holder = guard.holds_admin_token()
    return {
        **summary,
        "addon_key": row["addon_key"],
        "description": document.get("description"),
        "group_id": row["group_id"],
        "room_id": row["room_id"],
        "oauth_secret": row["secret"] if token_holder else None,
        "installable_url": installable if token_holder else None,
        "descriptor_url": row["descriptor_url"],
        "descriptor": document or None,  # as installed: `make run` keeps an installation whose add-on still serves it
        "callback_url": row["callback_url"],
        "redirect_uris": row["redirect_uris"].split(),
        "installed": clock.iso(row["installed"] or row["created"]),
        "configurable": {"url": configurable["url"], "signed_url": signed(conn, row, configurable["url"])} if configurable else None,
        "extensions": [
            extension_json(conn, row, ext)
            for ext in conn.execute("SELECT * FROM extensions WHERE client_id = ? ORDER BY type, id", (row["id"],))
        ],
        "deliveries": recent_deliveries(conn, row["id"]),
        "links": {**summary["links"], "installation": f"{links.base()}/_sandbox/api/addons/{row['id']}"},
    }


def signed(conn: sqlite3.Connection, client: sqlite3.Row, url: str) -> str:
    """The URL as HipChat opened the add-on's pages for the group's owner: with ?signed_request=<JWT>."""
    owner = conn.execute("SELECT owner_id FROM groups WHERE id = ?", (client["group_id"],)).fetchone()
    token = sign(client["id"], client["secret"], owner["owner_id"] if owner else None, client["room_id"])
    return with_query(url, signed_request=token)


def extension_json(conn: sqlite3.Connection, client: sqlite3.Row, ext: sqlite3.Row) -> dict[str, Any]:
    declared = json.loads(ext["body"])
    found: dict[str, Any] = {"type": ext["type"], "key": ext["key"], "room_id": ext["room_id"]}
    found.update({name: declared[name] for name in SHOWN_FIELDS if name in declared})
    if ext["type"] == "webhook":
        found["id"] = ext["id"]
        found.setdefault("authentication", "none")
    if ext["type"] in SIGNED_KINDS and declared.get("authentication", "jwt") == "jwt" and "url" in declared:
        found["signed_url"] = signed(conn, client, declared["url"])
    if ext["type"] == "glance":
        found["content"] = glance_content(conn, client["id"], ext["key"])
    found["links"] = {"self": self_link(ext["type"], ext["key"], ext["room_id"])}
    return found


def glance_content(conn: sqlite3.Connection, client_id: str, key: str) -> dict[str, Any] | None:
    """The glance's latest content the add-on pushed (POST /v2/addon/ui/...), or None."""
    for row in conn.execute("SELECT glance FROM ui_updates WHERE client_id = ? ORDER BY id DESC LIMIT 50", (client_id,)):
        for glance in json.loads(row["glance"]):
            if glance.get("key") == key:
                return glance.get("content")
    return None


def recent_deliveries(conn: sqlite3.Connection, client_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT d.*, a.status AS last_status, a.ended AS last_ended, a.duration_ms AS last_duration_ms FROM deliveries d"
        " LEFT JOIN delivery_attempts a ON a.id = (SELECT max(id) FROM delivery_attempts WHERE delivery_id = d.id)"
        " WHERE d.client_id = ? ORDER BY d.id DESC LIMIT ?",
        (client_id, RECENT_DELIVERIES),
    ).fetchall()
    return [
        {
            "id": row["id"],
            "event": row["event"],
            "room_id": row["room_id"],
            "url": row["url"],
            "state": row["state"],
            "attempts": row["attempts"],
            "status": row["last_status"],
            "ended": row["last_ended"],
            "duration_ms": None if row["last_duration_ms"] is None else round(row["last_duration_ms"], 1),
            "outcome": row["outcome"],
            "created": clock.iso(row["created"]),
        }
        for row in rows
    ]
