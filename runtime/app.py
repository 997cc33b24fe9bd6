"""The application factory: wires settings, catalog, runtime and routes. No logic lives here."""

from __future__ import annotations

from typing import Any

from flask import Flask

from runtime.api import cors
from runtime.api.routes import make_blueprint, register_errors
from runtime.base import logs
from runtime.catalog.loading import load_catalog
from runtime.config import Settings
from runtime.openapi.route import make_openapi_blueprint
from runtime.pipeline.invoke import Runtime
from runtime.snippets.routes import make_snippet_blueprint
from runtime.web.routes import make_web_blueprint


def create_app(config: Settings | dict[str, Any] | None = None) -> Flask:
    settings = config if isinstance(config, Settings) else Settings.from_env(**(config or {}))
    catalog = load_catalog(settings.catalog_file)  # CatalogError stops the start, naming the broken entry
    catalog.compile_all()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.file_max_bytes + settings.max_body_bytes
    app.extensions["package_runtime"] = Runtime(catalog, settings)
    app.register_blueprint(make_blueprint(catalog.package))
    app.register_blueprint(make_openapi_blueprint(catalog, settings))
    app.register_blueprint(make_web_blueprint())
    app.register_blueprint(make_snippet_blueprint(catalog.package))
    register_errors(app)
    cors.install(app, settings.cors_origins, catalog.package, catalog.upstream.rate_limit_headers)
    logs.configure(settings.log_level)
    return app
