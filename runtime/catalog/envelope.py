"""The RapidAPI envelope: what every call answers, the HTTP status that goes with it, and the upstream API it names."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urljoin


@dataclass(frozen=True)
class UpstreamApi:
    """The upstream API as the runtime names and meets it (the catalog's upstream object, defaults filled in)."""

    name: str
    user_agent: str
    rate_limit_headers: tuple[str, ...]  # header name prefixes, lower-cased

    @classmethod
    def of(cls, document: dict[str, Any]) -> UpstreamApi:
        raw = document.get("upstream", {})
        package = document["package"]
        return cls(
            name=raw.get("name", package),
            user_agent=raw.get("userAgent", f"{package.lower()}-package-runtime/1.0"),
            rate_limit_headers=tuple(prefix.lower() for prefix in raw.get("rateLimitHeaders", [])),
        )


class UpstreamAnswer(Protocol):
    """What the envelope needs of an upstream answer (runtime.pipeline.upstream.UpstreamResponse is one)."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str

SUCCESS = "success"
ERROR = "error"
MAX_ERROR_TEXT = 2000

# status_code -> (HTTP status, canonical status_msg)
CALLER_ERRORS: dict[str, tuple[int, str]] = {
    "REQUIRED_FIELDS": (400, "Please, check and fill in required fields."),
    "JSON_VALIDATION": (400, "Syntax error. Incorrect input JSON. Please, check fields with JSON input."),
    "INVALID_ARGUMENTS": (400, "Please, check the arguments: some have a wrong type or value."),
    "UNKNOWN_FUNCTION": (404, "No such function in this package."),
    "UNKNOWN_LANGUAGE": (404, "No snippet generator for that language."),
    "METHOD_NOT_ALLOWED": (405, "This route does not answer that HTTP method."),
    "REQUEST_TOO_LARGE": (413, "The request body is larger than this runtime accepts."),
    "UNSUPPORTED_MEDIA_TYPE": (415, "Send the call as application/json, or as multipart/form-data with an args field."),
    "NOT_FOUND": (404, "No such route."),
}


@dataclass
class Reply:
    """An envelope with its HTTP status and the headers to pass back."""

    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class CallError(Exception):
    """A call that cannot go upstream, or came back failed. Carries its own envelope."""

    status_code: str
    status_msg: str = ""
    fields: list[str] = field(default_factory=list)
    http_status: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        default_status, default_msg = CALLER_ERRORS.get(self.status_code, (502, ""))
        self.http_status = self.http_status or default_status
        self.status_msg = self.status_msg or default_msg
        super().__init__(self.status_msg)

    def reply(self) -> Reply:
        payload: dict[str, Any] = {"status_code": self.status_code, "status_msg": self.status_msg, "fields": self.fields}
        payload.update(self.extra)
        return Reply(error(payload), self.http_status, dict(self.headers))


def caller_error(status_code: str, status_msg: str = "", fields: list[str] | None = None, **extra: Any) -> CallError:
    return CallError(status_code, status_msg, list(fields or []), extra=extra)


def invalid_arguments(reasons: dict[str, str]) -> CallError:
    text = "; ".join(f"{name}: {reason}" for name, reason in reasons.items())
    return caller_error("INVALID_ARGUMENTS", f"Invalid arguments. {text}.", list(reasons), reasons=reasons)


def success(payload: Any) -> dict[str, Any]:
    return {"callback": SUCCESS, "contextWrites": {"to": payload}}


def error(payload: dict[str, Any]) -> dict[str, Any]:
    return {"callback": ERROR, "contextWrites": {"to": payload}}


def passed_headers(headers: Any, prefixes: tuple[str, ...]) -> dict[str, str]:
    """The answer's headers whose lower-cased names start with one of the prefixes (the API's rate-limit headers)."""
    return {k: v for k, v in headers.items() if k.lower().startswith(prefixes)} if prefixes else {}


def from_upstream(response: UpstreamAnswer, api: UpstreamApi) -> Reply:
    """The API's answer in the envelope: success for 2xx and redirects, RATE_LIMITED or API_ERROR otherwise."""
    headers = passed_headers(response.headers, api.rate_limit_headers)
    if 200 <= response.status < 300:
        return Reply(success(_payload(response)), 200, headers)
    if 300 <= response.status < 400 and response.headers.get("Location"):
        return Reply(success(urljoin(response.url, response.headers["Location"])), 200, headers)
    decoded = _payload(response)
    error_object = decoded.get("error") if isinstance(decoded, dict) and isinstance(decoded.get("error"), dict) else None
    message = (error_object or {}).get("message") or f"{api.name} answered HTTP {response.status}."
    extra: dict[str, Any] = {"upstream_status": response.status}
    if error_object is not None:
        extra["error"] = error_object
    elif decoded not in ("", None):
        extra["body"] = decoded if not isinstance(decoded, str) else decoded[:MAX_ERROR_TEXT]
    if response.status == 429:
        reset = _reset_time(response.headers, api.rate_limit_headers)
        if reset is not None:
            extra["reset"] = reset
        return CallError("RATE_LIMITED", str(message), [], 429, extra, headers).reply()
    http_status = response.status if 400 <= response.status < 500 else 502
    return CallError("API_ERROR", str(message), [], http_status, extra, headers).reply()


def _payload(response: UpstreamAnswer) -> Any:
    if not response.body:
        return SUCCESS
    text = response.body.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def _reset_time(headers: Any, prefixes: tuple[str, ...]) -> int | None:
    """The Unix time at which the exhausted one of the API's limits resets (else the latest reset)."""
    resets = []
    for prefix in prefixes:
        value = str(headers.get(prefix + "reset", ""))
        if value.isdigit():
            exhausted = str(headers.get(prefix + "remaining", "")) == "0"
            resets.append((exhausted, int(value)))
    return max(resets)[1] if resets else None
