"""/users/authorize over HTTP: no code without a signed-in user's approval, the CSRF token of the session, denial,
redirect URLs only as registered (never in a Location otherwise), codes that expire, are good once and are purged,
the rate limit, and the admin token's consent API. The page itself in Chromium: tests/browser/test_consent_page.py."""

from __future__ import annotations

import re
import sqlite3
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.sandbox.admin.test_addons import ADDONS, descriptor, serve
from tests.sandbox.conftest import CLIENT_ID, REDIRECT_URI, Api, basic, error_of, make_app, stop

ASK = {"client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI, "scope": "view_messages send_message", "state": "xyz"}


def authorize(api: Api, **changes: Any) -> Any:
    query = {**ASK, **changes}
    return api.with_token(None).client.get("/users/authorize?" + urlencode({k: v for k, v in query.items() if v is not None}))


def codes(app) -> int:
    with app.extensions["sandbox"].db.read() as conn:
        return conn.execute("SELECT count(*) FROM auth_codes").fetchone()[0]


def sign_in(api: Api, username: str = "@bob", password: str = "demo-password") -> Any:
    return api.client.post("/users/authorize/sign-in", data={**ASK, "username": username, "password": password})


def csrf_of(api: Api) -> str:
    page = authorize(api).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def answer(api: Api, decision: str, csrf: str | None) -> Any:
    form = {**ASK, "decision": decision, **({"csrf_token": csrf} if csrf is not None else {})}
    return api.client.post("/users/authorize", data=form)


def exchange(api: Api, location: str) -> Any:
    code = parse_qs(urlsplit(location).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    return api.client.post("/v2/oauth/token", data=form, headers=basic())


def approved(api: Api, user: str = "@bob", **changes: Any) -> str:
    response = api.post("/_sandbox/api/consents", {**ASK, **changes, "user_id": user, "approve": True})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["location"]


def test_the_authorize_url_answers_a_page_and_no_code(api, sandbox_app):
    """What gave Bob's token to anyone who asked: user_id=@bob, no user present."""
    response = authorize(api, user_id="@bob")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Location" not in response.headers
    page = response.get_data(as_text=True)
    assert "Sandbox Add-on" in page and 'data-scope="view_messages"' in page and 'data-scope="send_message"' in page
    assert 'id="consent-sign-in"' in page and 'name="csrf_token"' not in page, "nobody is signed in: a sign-in form, no approve"
    assert answer(api, "approve", "made-up").status_code == 401
    assert codes(sandbox_app) == 0


def test_a_signed_in_user_who_approves_gets_the_client_a_code_for_their_own_token(api):
    signed = sign_in(api)
    assert signed.status_code == 303 and signed.headers["Location"].startswith("/users/authorize?")
    cookie = signed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/users/" in cookie
    response = answer(api, "approve", csrf_of(api))
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"{REDIRECT_URI}?code=") and location.endswith("&state=xyz")
    token = exchange(api, location).get_json()
    assert token["scope"] == "view_messages send_message"
    assert api.get(f"/v2/oauth/token/{token['access_token']}").get_json()["owner"]["mention_name"] == "bob"


@pytest.mark.parametrize("csrf", [None, "", "0" * 64], ids=["missing", "empty", "wrong"])
def test_an_approval_without_the_sessions_csrf_token_makes_no_code(api, sandbox_app, csrf):
    sign_in(api)
    response = answer(api, "approve", csrf)
    assert response.status_code == 403 and "Location" not in response.headers
    assert codes(sandbox_app) == 0


def test_another_sessions_csrf_token_does_not_count(sandbox_app):
    carol, bob = Api(sandbox_app.test_client()), Api(sandbox_app.test_client())
    sign_in(carol, "carol@sandbox.local")
    sign_in(bob)
    assert answer(bob, "approve", csrf_of(carol)).status_code == 403
    assert codes(sandbox_app) == 0


def test_a_wrong_password_signs_nobody_in(api):
    response = sign_in(api, password="nope")
    assert response.status_code == 401 and "Set-Cookie" not in response.headers
    assert "Wrong email" in response.get_data(as_text=True)


def test_deny_sends_access_denied_to_the_registered_redirect(api, sandbox_app):
    sign_in(api)
    response = answer(api, "deny", csrf_of(api))
    assert response.status_code == 302
    assert response.headers["Location"] == f"{REDIRECT_URI}?error=access_denied&state=xyz"
    assert codes(sandbox_app) == 0


BAD_REDIRECTS = [
    "javascript:alert(document.domain)",
    "JavaScript://addon.example/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example/cb",
    "https://addon.example/cb/../../evil",
    "https://addon.example/cb?next=https://evil.example",
    "https://addon.example.evil.example/cb",
    "//evil.example/cb",
]


@pytest.mark.parametrize("redirect_uri", BAD_REDIRECTS)
def test_a_redirect_uri_the_client_did_not_register_gets_an_error_page_and_no_location(api, sandbox_app, redirect_uri):
    sign_in(api)
    csrf = csrf_of(api)
    for response in (
        authorize(api, redirect_uri=redirect_uri),
        api.client.post("/users/authorize", data={**ASK, "redirect_uri": redirect_uri, "decision": "approve", "csrf_token": csrf}),
        api.client.post(
            "/users/authorize/sign-in", data={**ASK, "redirect_uri": redirect_uri, "username": "@bob", "password": "demo-password"}
        ),
    ):
        assert response.status_code == 400 and "Location" not in response.headers
        assert redirect_uri not in response.get_data(as_text=True)
        assert "not one this client registered" in response.get_data(as_text=True)
    refused = api.post("/_sandbox/api/consents", {**ASK, "redirect_uri": redirect_uri, "user_id": "@bob", "approve": True})
    assert (refused.status_code, error_of(refused)["field"]) == (400, "redirect_uri")
    assert codes(sandbox_app) == 0


def test_an_unknown_client_or_a_client_without_redirect_urls_gets_an_error_page(api):
    assert authorize(api, client_id="nobody").status_code == 400
    installed = api.post(ADDONS, {"key": "no-redirects", "scopes": ["view_room"]}).get_json()
    response = authorize(api, client_id=installed["id"], redirect_uri=None, scope="view_room")
    assert response.status_code == 400 and "Location" not in response.headers


def test_a_scope_the_client_lacks_goes_back_as_invalid_scope(api):
    response = authorize(api, scope="view_room made_up")
    assert response.status_code == 302 and response.headers["Location"] == f"{REDIRECT_URI}?error=invalid_scope&state=xyz"


def test_an_add_on_descriptor_registers_its_redirect_urls(api, httpserver):
    callback = httpserver.url_for("/oauth/done")
    document = descriptor(httpserver, oauth2Consumer={"redirectionUrls": [callback]})
    installed = api.post(ADDONS, {"descriptor_url": serve(httpserver, document), "room_id": 1}).get_json()
    assert installed["redirect_uris"] == [callback]
    assert authorize(api, client_id=installed["id"], redirect_uri=callback, scope="view_room").status_code == 200
    assert authorize(api, client_id=installed["id"], redirect_uri=None, scope="view_room").status_code == 200, "its one URL"
    assert authorize(api, client_id=installed["id"], redirect_uri=REDIRECT_URI, scope="view_room").status_code == 400


def test_a_descriptor_redirect_url_that_is_not_http_is_refused_naming_it(api, httpserver):
    document = descriptor(httpserver, oauth2Consumer={"redirectionUrls": ["javascript:alert(1)"]})
    response = api.post(ADDONS, {"descriptor_url": serve(httpserver, document), "room_id": 1})
    assert (response.status_code, error_of(response)["field"]) == (400, "capabilities.oauth2Consumer.redirectionUrls.0")


def test_an_expired_code_is_refused(api, sandbox_app):
    location = approved(api)
    with sandbox_app.extensions["sandbox"].db.write() as conn:
        conn.execute("UPDATE auth_codes SET expires_at = expires_at - 601 * 1000000")
    response = exchange(api, location)
    assert (response.status_code, error_of(response)["field"]) == (400, "code")


def test_a_code_is_redeemed_once(api):
    location = approved(api)
    assert exchange(api, location).status_code == 200
    again = exchange(api, location)
    assert (again.status_code, error_of(again)["field"]) == (400, "code")


def test_unredeemed_expired_codes_are_purged(api, sandbox_app):
    approved(api)
    approved(api, user="@carol")
    with sandbox_app.extensions["sandbox"].db.write() as conn:
        conn.execute("UPDATE auth_codes SET expires_at = 1")
    assert codes(sandbox_app) == 2
    fresh = approved(api)
    assert codes(sandbox_app) == 1, "the two expired codes were purged when the next one was made"
    assert exchange(api, fresh).status_code == 200
    assert codes(sandbox_app) == 0


def test_authorize_is_rate_limited_like_v2_and_writes_no_code(tmp_path):
    app = make_app(db=str(tmp_path / "limited.db"), rate_limit=5, user_rate_limit=5)
    try:
        api = Api(app.test_client())
        answers = [authorize(api) for _ in range(7)]
        assert [r.status_code for r in answers] == [200] * 5 + [429, 429]
        assert answers[0].headers["X-Ratelimit-Limit"] == "5" and "X-Ratelimit-Reset" in answers[-1].headers
        assert sign_in(api).status_code == 429, "the sign-in's password checks count too"
        with sqlite3.connect(tmp_path / "limited.db") as conn:
            assert conn.execute("SELECT count(*) FROM auth_codes").fetchone()[0] == 0
            assert conn.execute("SELECT count(*) FROM rate_counters WHERE key LIKE 'ip:%'").fetchone()[0] == 1
    finally:
        stop(app)


def test_only_the_admin_token_answers_for_a_user(api, sandbox_app):
    code = api.post("/_sandbox/api/logins").get_json()["code"]
    session = api.client.post("/_sandbox/login", json={"code": code}).get_json()["token"]
    body = {**ASK, "user_id": "@bob", "approve": True}
    assert api.with_token(session).post("/_sandbox/api/consents", body).status_code == 403
    assert api.with_token(None).post("/_sandbox/api/consents", body).status_code == 401
    assert codes(sandbox_app) == 0
    denied = api.post("/_sandbox/api/consents", {**body, "approve": False}).get_json()["location"]
    assert denied == f"{REDIRECT_URI}?error=access_denied&state=xyz"
