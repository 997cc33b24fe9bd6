"""The sandbox's application factory: settings, database, routes, the gate, the webhook worker. No logic lives here."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from sandbox.admin import addons, bootstrap, faults
from sandbox.admin import routes as admin
from sandbox.admin.viewer.consent import make_consent_blueprint
from sandbox.admin.viewer.routes import make_viewer_blueprint
from sandbox.api import addon, capabilities, emoticons, extensions, groups, media, members, oauth, privatechat, roomchat, rooms, users
from sandbox.config import SandboxSettings
from sandbox.delivery.webhooks import Deliveries
from sandbox.http import errors
from sandbox.http.context import Sandbox
from sandbox.http.routing import RawPathMiddleware, SegmentConverter
from sandbox.model import faults as injected
from sandbox.model import replies
from sandbox.security import gate
from sandbox.security.ratelimit import Leases
from sandbox.store.db import Database
from sandbox.store.journal import JournalWriter

BLUEPRINTS = (
    *(capabilities, oauth, emoticons, groups, addon, extensions, users, media, privatechat, rooms, members, roomchat),
    *(admin, addons, faults),
)


def create_app(config: SandboxSettings | dict[str, Any] | None = None) -> Flask:
    settings = config if isinstance(config, SandboxSettings) else SandboxSettings.from_env(**(config or {}))
    db = Database(settings.db)
    credentials = bootstrap.bootstrap(db, settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes
    app.url_map.converters["seg"] = SegmentConverter
    app.url_map.strict_slashes = False
    app.url_map.merge_slashes = False
    box = Sandbox(settings, db)
    box.services["deliveries"] = Deliveries(app, db, settings, on_reply=replies.post_reply)
    box.services["credentials"] = credentials
    box.services["journal"] = JournalWriter(db, settings.journal_max)
    box.services["rate_leases"] = Leases(db)
    app.extensions["sandbox"] = box
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
    app.register_blueprint(make_viewer_blueprint())
    app.register_blueprint(make_consent_blueprint())
    errors.register_errors(app)
    gate.install(app)
    app.before_request(injected.inject)  # after the gate's check: a fault can match the caller's token
    app.wsgi_app = RawPathMiddleware(app.wsgi_app)  # type: ignore[method-assign]  # Flask's documented way to wrap the WSGI app
    logging.getLogger("sandbox").setLevel(logging.INFO)
    bootstrap.print_banner(credentials, settings)
    box.services["deliveries"].ensure_started()  # pending deliveries resume at start, not at the first request
    return app
