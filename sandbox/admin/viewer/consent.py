"""/users/authorize: HipChat's consent page for the authorization-code grant, in the room viewer's style.

GET shows the client and the scopes it asks for to the user signed in here (or a sign-in form: email or @mention and
password, as HipChat's login page took them); the user approves or denies (POST, with the session's CSRF token); only
an approval makes a code, for that user, and sends the browser back to the client's registered redirect URL (a denial
sends error=access_denied there). A request whose client or redirect_uri cannot be trusted gets an error page and no
redirect at all. The rules of codes and redirect URLs are sandbox.model.authcodes; /users/ is rate limited like /v2/
(sandbox.security.gate). POST /_sandbox/api/consents lets the admin token's holder answer for a user (tests).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, redirect, render_template, request
from werkzeug.wrappers import Response as AnyResponse  # what redirect() makes; flask's Response is one

from sandbox.admin.viewer import signin
from sandbox.admin.viewer.routes import CONTENT_SECURITY_POLICY, page_response
from sandbox.api.oauth import granted, login, user_scopes
from sandbox.http.context import db
from sandbox.http.errors import HipChatError
from sandbox.model import authcodes
from sandbox.model.authcodes import RedirectRefused
from sandbox.security.access import SCOPE_DESCRIPTIONS

FIELDS = ("client_id", "redirect_uri", "scope", "state")


@dataclass(frozen=True)
class Ask:
    """A checked authorization request: the client, where to send the user back, what it asks for."""

    client: sqlite3.Row
    redirect_uri: str
    scope: str | None
    state: str | None
    error: str | None = None  # an OAuth error to send back to redirect_uri at once (RFC 6749 §4.1.2.1)

    def fields(self) -> dict[str, str]:
        found = {"client_id": self.client["id"], "redirect_uri": self.redirect_uri, "scope": self.scope, "state": self.state}
        return {name: value for name, value in found.items() if value is not None}

    def back(self, **params: str) -> str:
        return authcodes.with_params(self.redirect_uri, {**params, **({"state": self.state} if self.state is not None else {})})


def read_request(conn: sqlite3.Connection, args: Any) -> Ask:
    """The request in args (query or form); RedirectRefused when its client or redirect URL cannot be trusted."""
    client = conn.execute("SELECT * FROM oauth_clients WHERE id = ?", (args.get("client_id") or "",)).fetchone()
    if client is None:
        raise RedirectRefused("There is no OAuth client with that client_id.")
    redirect_uri = authcodes.redirect_for(client, args.get("redirect_uri") or args.get("redirect_url"))
    ask = Ask(client, redirect_uri, args.get("scope") or None, args.get("state"))
    if args.get("response_type") not in (None, "", "code"):
        return Ask(client, redirect_uri, ask.scope, ask.state, "unsupported_response_type")
    try:
        granted(ask.scope, client["scopes"].split())
    except HipChatError:
        return Ask(client, redirect_uri, ask.scope, ask.state, "invalid_scope")
    return ask


def decide(conn: sqlite3.Connection, ask: Ask, user: sqlite3.Row, approve: bool) -> str:
    """Where the browser goes next: a code for the user when approved, error=access_denied when not."""
    if not approve:
        return ask.back(error="access_denied")
    try:
        scopes = granted(ask.scope, user_scopes(user, ask.client))
    except HipChatError:
        return ask.back(error="invalid_scope")  # a scope this user may not hold (admin_group for a non-admin)
    return ask.back(code=authcodes.issue(conn, ask.client["id"], user["id"], scopes, ask.redirect_uri))


def policy(ask: Ask) -> str:
    """The viewer's policy, but forms may post here and be redirected to the client's (checked) origin: Chromium applies
    form-action to the redirect that follows a form's POST."""
    parts = urlsplit(ask.redirect_uri)
    origin = f"{parts.scheme.lower()}://{parts.netloc.rpartition('@')[2]}"
    allowed = "'self'" if any(c in origin for c in " ;,'\"") else f"'self' {origin}"
    return CONTENT_SECURITY_POLICY.replace("form-action 'none'", f"form-action {allowed}")


def error_page(message: str, status: int = 400) -> Response:
    return page_response(render_template("viewer/consent_error.html", message=message), status)


def consent_page(conn: sqlite3.Connection, ask: Ask, failure: str | None = None, status: int = 200) -> Response:
    user = signin.current_user(conn)
    secret = signin.session_secret()
    requested = ask.scope.replace(",", " ").split() if ask.scope else ask.client["scopes"].split()
    html = render_template(
        "viewer/consent.html",
        client=ask.client,
        scopes=[(scope, SCOPE_DESCRIPTIONS.get(scope, scope)) for scope in requested],
        redirect_host=urlsplit(ask.redirect_uri).netloc.rpartition("@")[2],
        user=user,
        fields=ask.fields(),
        csrf=signin.csrf_token(secret) if user is not None and secret else None,
        failure=failure,
    )
    return page_response(html, status, policy(ask))


def make_consent_blueprint() -> Blueprint:
    consent = Blueprint("consent", __name__, template_folder="templates")

    @consent.get("/users/authorize")
    def show() -> AnyResponse:
        with db().read() as conn:
            try:
                ask = read_request(conn, request.args)
            except RedirectRefused as refused:
                return error_page(str(refused))
            if ask.error:
                return redirect(ask.back(error=ask.error), 302)
            return consent_page(conn, ask)

    @consent.post("/users/authorize/sign-in")
    def sign_in() -> AnyResponse:
        with db().write() as conn:
            try:
                ask = read_request(conn, request.form)
            except RedirectRefused as refused:
                return error_page(str(refused))
            try:
                user = login(conn, ask.client["group_id"])
            except HipChatError:
                return consent_page(conn, ask, "Wrong email, @mention or password.", 401)
            secret = signin.open_session(conn, user["id"])
        response = redirect(f"/users/authorize?{urlencode(ask.fields())}", 303)
        signin.set_cookie(response, secret)
        return response

    @consent.post("/users/authorize")
    def answer() -> AnyResponse:
        with db().write() as conn:
            try:
                ask = read_request(conn, request.form)
            except RedirectRefused as refused:
                return error_page(str(refused))
            user = signin.current_user(conn)
            if user is None:
                return consent_page(conn, ask, "Sign in first.", 401)
            if not signin.csrf_ok(request.form.get("csrf_token")):
                return error_page("This form is not from your session (its CSRF token is missing or wrong): nothing was approved.", 403)
            location = decide(conn, ask, user, request.form.get("decision") == "approve")
        return redirect(location, 302)

    return consent
