"""HipChat's error body, {"error": {"code", "message", "type"}}, for every failure: ours, routing's and crashes.

Field validation failures add "field", "validation" and "value", as HipChat does (research §11).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from sandbox.http.responses import json_response

log = logging.getLogger("sandbox")


class HipChatError(Exception):
    def __init__(self, code: int, message: str, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "type": reason(self.code), **self.extra}}

    def response(self) -> Response:
        return json_response(self.body(), self.code, self.headers)


def reason(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Error"


def bad_request(message: str, field: str | None = None, validation: str | None = None, value: Any = None, **extra: Any) -> HipChatError:
    if field is None:
        return HipChatError(400, message, **extra)
    return HipChatError(400, message, field=field, validation=validation, value=value, **extra)


def missing_field(field: str) -> HipChatError:
    # "optional" is what HipChat itself answered for a missing required field (research §11).
    return bad_request(f"Required field '{field}' is missing", field, "optional", None)


def not_found(message: str) -> HipChatError:
    return HipChatError(404, message)


def unauthorized(
    message: str = "Authenticated requests only. See https://www.hipchat.com/docs/apiv2/auth for more information.",
) -> HipChatError:
    return HipChatError(401, message)


def forbidden(message: str) -> HipChatError:
    return HipChatError(403, message)


def conflict(message: str, **extra: Any) -> HipChatError:
    return HipChatError(409, message, **extra)


def register_errors(app: Flask) -> None:
    @app.errorhandler(HipChatError)
    def hipchat_error(error: HipChatError) -> Response:
        return error.response()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        code = error.code or 500
        messages = {
            404: "Resource not found",
            405: "Method not allowed",
            413: "Request entity too large",
        }
        response = HipChatError(code, messages.get(code, error.description or reason(code))).response()
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response

    @app.errorhandler(Exception)
    def crash(error: Exception) -> Response:
        log.exception("unhandled error")
        return HipChatError(500, "Internal server error").response()
