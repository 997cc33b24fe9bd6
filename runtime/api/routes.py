"""HTTP routes of the runtime: the package listing, one block, a call, the health check."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from runtime.catalog.envelope import CallError, Reply, caller_error
from runtime.pipeline import call_body
from runtime.pipeline.files import FileValue
from runtime.pipeline.invoke import Runtime
from runtime.snippets.base_url import base_url


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status=status, headers=headers or {}, mimetype="application/json")


def reply_response(reply: Reply) -> Response:
    return json_response(reply.body, reply.status, reply.headers)


def runtime() -> Runtime:
    return current_app.extensions["package_runtime"]


def make_blueprint(package: str) -> Blueprint:
    api = Blueprint("api", __name__)

    @api.get("/healthz")
    def healthz() -> Response:
        return json_response({"status": "ok", "functions": len(runtime().catalog.functions)})

    @api.get(f"/api/{package}")
    def listing() -> Response:
        found = runtime().catalog.listing()
        image = found.get("image")
        if image and not urlsplit(image).scheme:
            # A logo the runtime serves itself (web/static/...) is named by an absolute URL on the runtime, as a
            # snippet names it (RUNTIME_PUBLIC_URL, else the request's checked Host): a listing is read elsewhere.
            try:
                found["image"] = urljoin(f"{request_base_url()}/", image)
            except CallError as error:
                return reply_response(error.reply())
        return json_response(found)

    @api.get(f"/api/{package}/<name>")
    def block(name: str) -> Response:
        function = runtime().catalog.find(name)
        if function is None:
            return reply_response(runtime().catalog.unknown_function(name).reply())
        return json_response(function.public_block())

    @api.post(f"/api/{package}/<name>")
    def call(name: str) -> Response:
        try:
            raw_args, uploads = read_call()
        except CallError as error:
            return reply_response(error.reply())
        return reply_response(runtime().call(name, raw_args, uploads))

    return api


def request_base_url() -> str:
    """The runtime's own URL: RUNTIME_PUBLIC_URL, else the request's (its Host checked; CallError INVALID_HOST)."""
    return base_url(runtime().settings.public_url, request.scheme, request.host, request.headers.get("Host"), request.root_path)


def read_call() -> tuple[Any, dict[str, FileValue]]:
    """The call's args (and uploaded files) from the request body: see runtime.pipeline.call_body."""
    return call_body.read_call(request, runtime().settings)


def register_errors(app: Flask) -> None:
    """Every failure answers with an envelope: never an HTML page, never a stack trace."""
    codes = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "REQUEST_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE"}

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = codes.get(exc.code or 500)
        if code is None:
            status = exc.code or 500
            code = "JSON_VALIDATION" if status == 400 else "INTERNAL_PACKAGE_ERROR"
            return reply_response(CallError(code, exc.description or "", http_status=status).reply())
        return reply_response(caller_error(code).reply())

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return reply_response(CallError("INTERNAL_PACKAGE_ERROR", "Something went wrong inside the package.", http_status=500).reply())
