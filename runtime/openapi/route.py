"""GET /openapi.json: the OpenAPI document, generated once when the app is made."""

from __future__ import annotations

import json

from flask import Blueprint, Response

from runtime.catalog.loading import Catalog
from runtime.config import Settings
from runtime.openapi.document import build_document


def make_openapi_blueprint(catalog: Catalog, settings: Settings) -> Blueprint:
    # Without a configured public URL the server is "/": clients resolve it against where they fetched the document.
    text = json.dumps(build_document(catalog, settings.public_url or "/"), ensure_ascii=False, separators=(",", ":"))
    blueprint = Blueprint("openapi", __name__)

    @blueprint.get("/openapi.json")
    def openapi_document() -> Response:
        return Response(text, mimetype="application/json")

    return blueprint
