"""Query parameters, checked as HipChat does: a bad value is a 400 naming the parameter."""

from __future__ import annotations

from datetime import tzinfo

from flask import request

from sandbox.http.errors import bad_request
from sandbox.store import clock

TRUE = ("true", "1", "yes")
FALSE = ("false", "0", "no")


def boolean(name: str, default: bool) -> bool:
    if not request.query_string:  # the gate asks every request for auth_test: most have no query to parse
        return default
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise bad_request(f"Invalid value for '{name}': expected true or false", name, "type", raw, expected_type="boolean")


def integer(name: str, default: int, low: int, high: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"Invalid value for '{name}': expected an integer", name, "type", raw, expected_type="integer") from None
    if value < low or (high is not None and value > high):
        bounds = f"{low} - {high}" if high is not None else f">= {low}"
        raise bad_request(f"Value for '{name}' out of range: {bounds}", name, "range", value)
    return value


def choice(name: str, default: str, options: tuple[str, ...]) -> str:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if raw not in options:
        raise bad_request(f"Invalid value for '{name}': one of {', '.join(options)}", name, "enum", raw)
    return raw


def timezone(name: str = "timezone", default: str = "UTC") -> tzinfo:
    raw = request.args.get(name) or default
    found = clock.zone(raw)
    if found is None:
        raise bad_request(f"Unknown timezone '{raw}'", name, "timezone", raw)
    return found


def date(name: str, zone: tzinfo) -> int | None:
    """An ISO-8601 date parameter as microseconds; None when absent."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    parsed = clock.parse_iso(raw, zone)
    if parsed is None:
        raise bad_request(f"Invalid date for '{name}': expected ISO-8601", name, "format", raw)
    return parsed
