"""The Standup bot's Flask app: its descriptor, the installation callback and its DELETE, the /standup webhook, /healthz.

Run it as the Procfile's `bot:` line does: gunicorn --chdir examples/standup-bot 'standup.app:create_app()'.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, request

from standup import commands
from standup.config import Config
from standup.descriptor import ICON_SVG, descriptor
from standup.hipchat import CallFailed, Runtime
from standup.store import Installation, Store
from standup.tokens import Tokens
from standup.verify import Unauthorized, verify

log = logging.getLogger("standup")
INSTALL_FIELDS = ("oauthId", "oauthSecret", "capabilitiesUrl", "groupId")


def problem(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), status


def create_app(config: Config | None = None) -> Flask:
    config = config or Config.from_env()
    store = Store(config.db_path)
    runtime = Runtime(config.runtime_url)
    tokens = Tokens(store, runtime)
    app = Flask(__name__)

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify({"ok": True})

    @app.get("/capabilities.json")
    def capabilities() -> Response:
        return jsonify(descriptor(config.public_url))

    @app.get("/icon.svg")
    def icon() -> Response:
        return Response(ICON_SVG, mimetype="image/svg+xml")

    @app.post("/installable")
    def install() -> Any:
        """HipChat's installation POST: keep the credentials, once they prove good (a token) for the runtime's HipChat."""
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or any(not data.get(name) for name in INSTALL_FIELDS):
            return problem(400, f"an installation needs {', '.join(INSTALL_FIELDS)}")
        try:
            served = runtime.call("getCapabilities")
        except CallFailed as error:
            return problem(502, str(error))
        if served.get("links", {}).get("self") != data["capabilitiesUrl"]:
            return problem(400, "installed from a HipChat the runtime does not talk to (capabilitiesUrl differs)")
        installation = Installation(data["oauthId"], data["oauthSecret"], int(data["groupId"]), data.get("roomId"))
        store.add_installation(installation, data["capabilitiesUrl"])
        try:
            token = tokens.token(installation)
            if installation.room_id is not None:
                commands.push_count(runtime, token, installation.room_id, store.count_notes(installation.oauth_id, installation.room_id))
        except CallFailed as error:
            store.remove_installation(installation.oauth_id)
            return problem(400, f"the installation's credentials do not work: {error}")
        log.info("installed %s (group %s, room %s)", installation.oauth_id, installation.group_id, installation.room_id)
        return "", 201

    @app.delete("/installable/<oauth_id>")
    def uninstall(oauth_id: str) -> Any:
        store.remove_installation(oauth_id)
        log.info("uninstalled %s", oauth_id)
        return "", 204

    @app.post("/webhooks/standup")
    def standup() -> Any:
        try:
            installation, claims = verify(request, store)
        except Unauthorized as error:
            return problem(401, str(error))
        event = request.get_json(silent=True)
        try:
            room_id = event["item"]["room"]["id"]
            text = event["item"]["message"]["message"]
        except (TypeError, KeyError):
            return problem(400, "not a room_message event")
        if event.get("event") != "room_message" or not isinstance(text, str):
            return problem(400, "not a room_message event")
        if event.get("oauth_client_id", installation.oauth_id) != installation.oauth_id:
            return problem(401, "the event names another installation than its JWT")
        if claims.get("context", {}).get("room_id", room_id) != room_id:
            return problem(401, "the JWT is for another room")
        if installation.room_id is not None and installation.room_id != room_id:
            return problem(403, "this installation is for another room")
        try:
            reply = commands.standup(store, tokens, runtime, installation, event)
        except CallFailed as error:
            log.warning("standup in room %s: %s", room_id, error)
            return problem(502, str(error))  # HipChat retries the delivery; the note is kept once
        return (jsonify(reply), 200) if reply else ("", 204)

    return app
