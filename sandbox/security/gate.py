"""What every request passes: rate limit, token, scope, the permission table and auth_test on the way in; headers and the
journal on the way out."""

from __future__ import annotations

import time

from flask import Flask, Response, g, request

from sandbox.http import links, params
from sandbox.http.context import sandbox
from sandbox.http.errors import forbidden, unauthorized
from sandbox.http.responses import json_response
from sandbox.security import auth, ratelimit, standing
from sandbox.security.access import ENDPOINTS
from sandbox.store import journal

API_PREFIX = "/v2/"
# Rate limited like /v2/ (its callers carry no token: counted by address): the consent page and its sign-in, which
# answer anyone and check passwords (issue 13, item 2).
LIMITED_PREFIXES = (API_PREFIX, "/users/")
MAX_LISTENERS = 16  # gunicorn on a unix socket takes SERVER_NAME from the Host header: keep the set small
AUTH_TEST_MESSAGE = "This auth_token has access to use this method."


def before() -> Response | None:
    g.started = time.perf_counter()
    g.principal = None
    g.fault = None
    g.extra_headers = {}
    box = sandbox()
    box.services["base"] = links.request_base()
    listening = box.services.setdefault("listeners", set())  # where this process is reached (webhooks may not point there)
    if len(listening) < MAX_LISTENERS:
        listening.add((request.environ.get("SERVER_NAME", ""), request.environ.get("SERVER_PORT", "")))
    box.services["deliveries"].ensure_started()
    if not request.path.startswith(LIMITED_PREFIXES):
        return None
    token = auth.token_from_request()
    if token:
        with box.db.statement() as conn:
            caller = auth.lookup(conn, token)
    else:
        caller = None
    # A token that names no caller counts against its address, with the calls without one: a bucket (and a row)
    # per made-up token would let anyone fill the table and never be limited.
    key = f"token:{caller.token_hash}" if caller is not None else f"ip:{request.remote_addr}"
    limit = box.settings.limit_for(user_token=caller is not None and caller.kind in auth.USER_KINDS)
    quota = box.services["rate_leases"].take(key, limit, box.settings.rate_window)
    g.principal = caller
    g.extra_headers.update(quota.headers(ratelimit.RATE_PREFIX))
    if quota.exceeded:
        raise ratelimit.too_many(quota, ratelimit.RATE_PREFIX, "Rate Limit exceeded")
    access = ENDPOINTS.get(request.endpoint or "")
    if access is None:  # no such route: routing answers 404/405
        return None
    testing = params.boolean("auth_test", False)
    if not access.public or testing:
        if token is None:
            raise unauthorized()
        if caller is None:
            raise unauthorized("Invalid OAuth session")
        reason = auth.missing_scope(caller, access)
        if reason:
            raise forbidden(reason)
        # The permission table (permissions.py): may this kind of caller do it to this room or extension? Read
        # statement by statement, with no transaction around them: a method checks again inside its own write.
        args = request.view_args or {}
        if access.who.restricts or "room" in args:
            with box.db.statement() as conn:
                refused = standing.refusal(conn, caller, access.who, args)
            if refused is not None:
                raise refused
    if testing:
        return json_response({"success": {"code": 202, "message": AUTH_TEST_MESSAGE, "type": "Accepted"}}, 202)
    return None


def after(response: Response) -> Response:
    extra = g.get("extra_headers")
    if extra:
        headers = response.headers
        present = {name.lower() for name, _ in headers}
        for name, value in extra.items():
            if name.lower() not in present:
                headers.add(name, value)
    box = sandbox()
    if g.get("wake_deliveries"):
        box.services["deliveries"].wake()
    if box.settings.journal_max and not request.path.startswith("/_sandbox"):
        caller = g.get("principal")
        duration = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        box.services["journal"].add(journal.entry(request, response, duration, caller.label() if caller else None, g.get("fault")))
    return response


def install(app: Flask) -> None:
    app.before_request(before)
    app.after_request(after)
