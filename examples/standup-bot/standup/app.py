"""The Standup bot's Flask app: its descriptor, the installation callback and its DELETE, the /standup webhook, /healthz.

Run it as the Procfile's `bot:` line does: gunicorn --chdir examples/standup-bot 'standup.app:create_app()'.

How installs are trusted (issue 13, item 4). Anyone can POST to /installable and DELETE /installable/<oauthId>, and an
oauthId is no secret. So the bot trusts HipChat's token endpoint, not the request: an installation is kept only when its
oauthId and oauthSecret get a token (client_credentials) from the HipChat the runtime talks to, and is never written
over an existing one (a forged POST with a real oauthId must not wipe it); an uninstall is honoured only when that
same token request now fails with a 401, that is once HipChat has revoked the client (the sandbox revokes, then sends
the DELETE). The HipChat install payload carries no signature to check instead: the DAC installation-flow page
describes the POST as plain JSON, and ac-flask-hipchat (the Python library the HipChat docs pointed to) confirms an
installation the same way, by asking for a token with the received credentials. atlassian-connect-express and
ac-koa-hipchat could not be read from here (no copy available), so their choice is not the source of this one.
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
from standup.tokens import Tokens, refused_credentials
from standup.verify import Unauthorized, verify

log = logging.getLogger("standup")
INSTALL_FIELDS = ("oauthId", "oauthSecret", "capabilitiesUrl", "groupId")


def problem(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), status


def whole_number(value: Any) -> int | None:
    """An id HipChat sends as a number (a string of digits accepted); None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


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
        """HipChat's installation POST: kept only once its credentials prove good (a token from the HipChat the runtime
        talks to), and never over an installation the bot has already (see the module's notes)."""
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or any(not data.get(name) for name in INSTALL_FIELDS):
            return problem(400, f"an installation needs {', '.join(INSTALL_FIELDS)}")
        group_id, room_id = whole_number(data["groupId"]), whole_number(data.get("roomId"))
        if group_id is None:
            return problem(400, "groupId must be a number")
        if room_id is None and data.get("roomId") is not None:
            return problem(400, "roomId must be a number")
        if not all(isinstance(data[name], str) for name in ("oauthId", "oauthSecret", "capabilitiesUrl")):
            return problem(400, "oauthId, oauthSecret and capabilitiesUrl must be strings")
        installation = Installation(data["oauthId"], data["oauthSecret"], group_id, room_id)
        known = store.installation(installation.oauth_id)
        if known is not None:
            if known == installation:
                return "", 201  # the same POST again (a retry): nothing to change
            return problem(409, "this oauthId is installed already; an installation is never replaced")
        try:
            served = runtime.call("getCapabilities")
        except CallFailed as error:
            return problem(502, str(error))
        if served.get("links", {}).get("self") != data["capabilitiesUrl"]:
            return problem(400, "installed from a HipChat the runtime does not talk to (capabilitiesUrl differs)")
        try:
            token, due = tokens.fresh(installation)
        except CallFailed as error:
            return problem(400, f"the installation's credentials do not work: {error}")
        if not store.add_installation(installation, data["capabilitiesUrl"], token, due):
            return problem(409, "this oauthId is installed already; an installation is never replaced")
        if installation.room_id is not None:
            try:
                commands.push_count(runtime, token, installation.room_id, store.count_notes(installation.oauth_id, installation.room_id))
            except CallFailed as error:  # the installation is good; the glance shows its count at the next note
                log.warning("glance for %s: %s", installation.oauth_id, error)
        log.info("installed %s (group %s, room %s)", installation.oauth_id, installation.group_id, installation.room_id)
        return "", 201

    @app.delete("/installable/<oauth_id>")
    def uninstall(oauth_id: str) -> Any:
        """HipChat's uninstall DELETE, honoured only once the installation's credentials no longer work: the oauthId is
        public (every room reader sees it as notification_sender.client_id), so the request alone proves nothing."""
        installation = store.installation(oauth_id)
        if installation is None:
            return "", 204
        try:
            tokens.fresh(installation)
        except CallFailed as error:
            if not refused_credentials(error):
                return problem(503, f"cannot tell whether the installation was revoked: {error}")
            store.remove_installation(oauth_id)
            log.info("uninstalled %s", oauth_id)
            return "", 204
        return problem(403, "the installation's credentials still work: HipChat revokes them before it sends the uninstall")

    @app.post("/webhooks/standup")
    def standup() -> Any:
        try:
            installation, claims = verify(request, store)
        except Unauthorized as error:
            return problem(401, str(error))
        event = request.get_json(silent=True)
        if not isinstance(event, dict):
            return problem(400, "not a room_message event")
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
