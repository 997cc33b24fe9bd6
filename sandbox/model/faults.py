"""Faults injected on purpose, so that a bot can be tested against HipChat's bad moments: a status with HipChat's own
error body and headers (a 429 with its X-Ratelimit-* headers as the real limit sends them), a delay, or a connection
dropped without an answer.

A fault matches a /v2 request by method (none or "*": any), by path (`path`, a glob matched with fnmatch, whose `*`
also crosses "/", e.g. /v2/room/*/notification; or `pattern`, an RE2 expression searched in the path, as webhook
patterns are: anchor it with ^...$), and optionally by the caller's token kind (personal, user, client, room) and
add-on (its key or its OAuth client id). The oldest live fault that matches takes the request; it stays live for
`times` requests (none: until removed). Faults are rows in the database, so every gunicorn worker sees them and
counts hits once. The caller is known by then: a fault acts after the token, scope and rate checks have passed.
A request with the header `X-Sandbox-Faults: off` is never faulted: the pytest plugin's own helpers (room(), user())
send it, so that setting a test up does not spend the faults meant for the bot.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import socket
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from flask import Response, g, request

from sandbox.delivery import patterns
from sandbox.http.context import db, settings
from sandbox.http.errors import HipChatError, bad_request
from sandbox.security import auth, ratelimit
from sandbox.store import clock

API_PREFIX = "/v2/"
BYPASS_HEADER = "X-Sandbox-Faults"
RATE_LIMITED = "Rate Limit exceeded"  # the gate's own message for HipChat's 429
FIELDS = ("method", "path", "pattern", "token_kind", "addon", "status", "message", "reset_s", "delay_ms", "close", "times")
LIVE = "times IS NULL OR hits < times"
FLAG = "faults"  # up while a live fault may exist (sandbox.store.sharedflag): requests skip the lookup when it is down


@dataclass(frozen=True)
class Fault:
    id: int
    method: str | None
    path: str | None
    pattern: str | None
    token_kind: str | None
    addon: str | None
    status: int | None
    message: str | None
    headers: dict[str, str]
    reset_s: int | None
    delay_ms: int
    close: bool
    times: int | None
    hits: int

    @classmethod
    def of(cls, row: sqlite3.Row) -> Fault:
        return cls(**{**{name: row[name] for name in FIELDS}, "id": row["id"], "hits": row["hits"]}, headers=json.loads(row["headers"]))

    def matches(self, method: str, path: str, caller: auth.Principal | None, addon_key: str | None) -> bool:
        if self.method and self.method not in ("*", method):
            return False
        if self.path is not None and not fnmatch.fnmatchcase(path, self.path):
            return False
        if self.pattern is not None and not patterns.matches(self.pattern, path):
            return False
        if self.token_kind and (caller is None or caller.kind != self.token_kind):
            return False
        return not self.addon or (caller is not None and self.addon in (caller.client_id, addon_key))

    def json(self) -> dict[str, Any]:
        shown = {name: getattr(self, name) for name in ("id", *FIELDS, "headers", "hits")}
        return {**shown, "active": self.times is None or self.hits < self.times}


def create(data: dict[str, Any]) -> Fault:
    """A new fault from the admin API's body (already checked against the "fault" schema)."""
    if ("path" in data) == ("pattern" in data):
        raise bad_request("Give path (a glob such as /v2/room/*/notification) or pattern (an RE2 expression), one of them", "path")
    if "pattern" in data:
        patterns.check(data["pattern"], "pattern")
    if "status" not in data and not data.get("delay_ms") and not data.get("close"):
        raise bad_request("A fault needs an effect: status, delay_ms or close", "status", "optional", None)
    if data.get("close") and "status" in data:
        raise bad_request("close drops the connection without an answer: give status or close, not both", "close")
    method = data.get("method")
    values = {**data, "method": method.upper() if method and method != "*" else None}
    values.update(close=int(bool(data.get("close"))), delay_ms=data.get("delay_ms", 0))
    with db().write() as conn:
        db().flag(FLAG).raise_()  # before the row is committed (sandbox.store.sharedflag)
        marks = ", ".join("?" * len(FIELDS))
        row = conn.execute(
            f"INSERT INTO faults ({', '.join(FIELDS)}, headers, created) VALUES ({marks}, ?, ?) RETURNING *",
            (*(values.get(name) for name in FIELDS), json.dumps(data.get("headers") or {}), clock.now_us()),
        ).fetchone()
        return Fault.of(row)


def listing(only_live: bool = False) -> list[Fault]:
    with db().read() as conn:
        rows = conn.execute("SELECT * FROM faults" + (f" WHERE {LIVE}" if only_live else "") + " ORDER BY id").fetchall()
    return [Fault.of(row) for row in rows]


def remove(fault_id: int | None = None) -> int:
    """How many faults were removed: the one named, or all."""
    with db().write() as conn:
        if fault_id is None:
            return conn.execute("DELETE FROM faults").rowcount
        return conn.execute("DELETE FROM faults WHERE id = ?", (fault_id,)).rowcount


def take(method: str, path: str, caller: auth.Principal | None) -> Fault | None:
    """The oldest live fault matching the request, its hit counted (once, whichever worker sees the request)."""
    if not db().flag(FLAG).is_up():  # every request asks: the common answer takes no statement
        return None
    live = [Fault.of(row) for row in db().fetch_all(f"SELECT * FROM faults WHERE {LIVE} ORDER BY id")]
    if not live:
        lower_flag_if_none_live()
        return None
    addon_key = None
    if caller is not None and caller.client_id and any(fault.addon for fault in live):
        found = db().fetch_all("SELECT addon_key FROM oauth_clients WHERE id = ?", (caller.client_id,))
        addon_key = found[0]["addon_key"] if found else None
    for fault in live:
        if fault.matches(method, path, caller, addon_key):
            with db().write() as conn:
                if conn.execute(f"UPDATE faults SET hits = hits + 1 WHERE id = ? AND ({LIVE})", (fault.id,)).rowcount:
                    return fault
    return None


def lower_flag_if_none_live() -> None:
    """Lower the faults flag when no live fault is left: checked again inside a write, where no fault can be added."""
    with db().write() as conn:
        if conn.execute(f"SELECT 1 FROM faults WHERE {LIVE} LIMIT 1").fetchone() is None:
            db().flag(FLAG).lower()


def error_for(fault: Fault, caller: auth.Principal | None) -> HipChatError:
    """HipChat's error body for the fault's status, with its headers; a 429 carries X-Ratelimit-* as the gate's does."""
    headers: dict[str, str] = {}
    message = fault.message
    if fault.status == 429:
        limit = settings().limit_for(user_token=caller is not None and caller.kind in auth.USER_KINDS)
        now, window = int(time.time()), settings().rate_window
        # The real limit's reset is the end of its fixed window (sandbox.security.ratelimit); reset_s brings it closer.
        reset = now + fault.reset_s if fault.reset_s is not None else now - now % window + window
        headers = ratelimit.Quota(limit, limit + 1, reset).headers(ratelimit.RATE_PREFIX)
        message = message or RATE_LIMITED
    assert fault.status is not None
    return HipChatError(fault.status, message or f"Injected fault: HTTP {fault.status}", headers={**headers, **fault.headers})


def drop_connection() -> None:
    """Shut the client's socket down: the client sees the connection closed without an answer (gunicorn and werkzeug's
    server hand the socket to the app in the environ)."""
    sock = request.environ.get("gunicorn.socket") or request.environ.get("werkzeug.socket")
    if not isinstance(sock, socket.socket):
        raise HipChatError(500, "close needs a server that hands the socket to the app (gunicorn or werkzeug)")
    with contextlib.suppress(OSError):  # already gone
        sock.shutdown(socket.SHUT_RDWR)


def inject() -> Response | None:
    """before_request, after the gate: the answer of the matching fault, if any (None: the request goes on)."""
    if not request.path.startswith(API_PREFIX) or request.headers.get(BYPASS_HEADER, "").lower() == "off":
        return None
    caller = g.get("principal")
    fault = take(request.method, request.path, caller)
    if fault is None:
        return None
    g.fault = fault.id
    if fault.delay_ms:
        time.sleep(fault.delay_ms / 1000)
    if fault.close:
        drop_connection()
        return Response(status=499)  # never reaches the client; the journal shows 499 with the fault's mark
    if fault.status is not None:
        return error_for(fault, caller).response()
    return None
