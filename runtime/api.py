"""HTTP routes of the runtime: the package listing, one block, a call, the health check."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from runtime import arguments
from runtime.envelope import CallError, Reply, caller_error
from runtime.files import FileValue, default_filename, safe_filename
from runtime.invoke import Runtime

JSON_TYPES = ("application/json", "")


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
        return json_response(runtime().catalog.listing())

    @api.get(f"/api/{package}/<name>")
    def block(name: str) -> Response:
        function = runtime().catalog.find(name)
        if function is None:
            return reply_response(caller_error("UNKNOWN_FUNCTION", f"The {package} package has no function {name!r}.").reply())
        return json_response(function.public_block())

    @api.post(f"/api/{package}/<name>")
    def call(name: str) -> Response:
        try:
            raw_args, uploads = read_call()
        except CallError as error:
            return reply_response(error.reply())
        return reply_response(runtime().call(name, raw_args, uploads))

    return api


def read_call() -> tuple[Any, dict[str, FileValue]]:
    """The call's args (and uploaded files) from a JSON, multipart or form-encoded body."""
    settings = runtime().settings
    mimetype = request.mimetype
    if mimetype == "multipart/form-data":
        return _parse_args(request.form.get("args", "")), _uploads()
    if mimetype == "application/x-www-form-urlencoded":
        return _parse_args(request.form.get("args", "")), {}
    if mimetype in JSON_TYPES or mimetype.endswith("+json"):
        if (request.content_length or 0) > settings.max_body_bytes:
            raise _too_large(settings.max_body_bytes)
        data = request.stream.read(settings.max_body_bytes + 1)
        if len(data) > settings.max_body_bytes:
            raise _too_large(settings.max_body_bytes)
        if not data.strip():
            return {}, {}
        document = _parse_json(data, "The request body")
        if not isinstance(document, dict):
            raise caller_error("JSON_VALIDATION", 'The request body must be a JSON object: {"args": {...}}.', ["args"])
        return document.get("args", {}), {}
    raise caller_error(
        "UNSUPPORTED_MEDIA_TYPE",
        f"Content-Type {mimetype!r} is not accepted. Send application/json, or multipart/form-data with an args field.",
    )


def _too_large(limit: int) -> CallError:
    return caller_error("REQUEST_TOO_LARGE", f"The request body is larger than {limit} bytes.")


def _parse_args(text: str) -> Any:
    return _parse_json(text, "The args field") if text.strip() else {}


def _parse_json(data: str | bytes, what: str) -> Any:
    max_depth = runtime().settings.max_json_depth
    try:
        document = json.loads(data)
    except RecursionError:
        raise caller_error("JSON_VALIDATION", f"{what} is nested too deeply.", ["args"]) from None
    except ValueError as exc:
        detail = f" ({exc.msg} at position {exc.pos})" if isinstance(exc, json.JSONDecodeError) else ""
        raise caller_error("JSON_VALIDATION", f"{what} is not valid JSON{detail}.", ["args"]) from None
    if arguments.too_deep(document, max_depth + 2):  # {"args": {"name": ...}} adds two levels
        raise caller_error("JSON_VALIDATION", f"{what} is nested deeper than {max_depth} levels.", ["args"])
    return document


def _uploads() -> dict[str, FileValue]:
    uploads = {}
    for name, storage in request.files.items():
        content_type = storage.mimetype or "application/octet-stream"
        filename = safe_filename(storage.filename or "") or default_filename(content_type)
        uploads[name] = FileValue(filename, content_type, storage.read())
    return uploads


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
