"""/_sandbox/ is the admin token's: every endpoint but the login answers 401 without it, whatever else a caller sends."""

from __future__ import annotations

import re

import pytest

from tests.sandbox.conftest import ADMIN_TOKEN, CLIENT_SECRET, send

OPEN = {"admin.login", "viewer.rooms_page", "viewer.room_page", "viewer.addons_page", "viewer.static"}


def guarded_routes(app) -> list[tuple[str, str]]:
    """Every (method, path) under /_sandbox/ that must refuse strangers, with sample values for its placeholders."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/_sandbox") or rule.endpoint in OPEN:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", "1", rule.rule)
        found.extend((method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return found


def test_every_sandbox_admin_route_is_guarded(sandbox_app):
    routes = guarded_routes(sandbox_app)
    assert ("POST", "/_sandbox/reset") in routes and ("GET", "/_sandbox/journal") in routes and len(routes) > 10
    client = sandbox_app.test_client()
    for method, path in routes:
        response = client.open(path, method=method, json={})
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.get_json()["error"]["code"] == 401


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-the-token"},
        {"Authorization": f"Basic {ADMIN_TOKEN}"},
        {"Authorization": f"JWT {ADMIN_TOKEN}"},  # what a webhook delivery carries
        {"Cookie": f"session={ADMIN_TOKEN}; token={ADMIN_TOKEN}"},
    ],
    ids=["none", "wrong-bearer", "basic", "jwt", "cookie"],
)
def test_a_cross_site_reset_wipes_nothing(api, headers):
    send(api, "General", "still here")
    response = api.client.post(
        "/_sandbox/reset", data="{}", headers={**headers, "Content-Type": "text/plain", "Origin": "http://evil.example"}
    )
    assert response.status_code == 401
    assert api.get("/v2/room/General").status_code == 200


def test_the_token_in_the_query_string_is_not_enough(api):
    assert api.client.post(f"/_sandbox/reset?auth_token={ADMIN_TOKEN}").status_code == 401


def test_seed_never_answers_credentials_to_a_stranger(api):
    response = api.client.post("/_sandbox/seed")
    assert response.status_code == 401
    assert ADMIN_TOKEN not in response.get_data(as_text=True) and "oauth_client_secret" not in response.get_data(as_text=True)


def test_a_login_link_opens_a_session_once(api):
    link = api.post("/_sandbox/api/logins").get_json()
    code = link["url"].split("#login=", 1)[1]
    assert code == link["code"] and link["expires_in"] == 600
    first = api.client.post("/_sandbox/login", json={"code": code})
    assert first.status_code == 200
    session = first.get_json()["token"]
    assert api.with_token(session).get("/_sandbox/api/rooms").status_code == 200
    again = api.client.post("/_sandbox/login", json={"code": code})
    assert again.status_code == 401


def test_an_expired_login_link_is_refused(api, sandbox_app):
    code = api.post("/_sandbox/api/logins").get_json()["code"]
    with sandbox_app.extensions["sandbox"].db.write() as conn:
        conn.execute("UPDATE admin_credentials SET expires = 0")
    assert api.client.post("/_sandbox/login", json={"code": code}).status_code == 401


def test_an_expired_session_is_refused(api, sandbox_app):
    session = api.client.post("/_sandbox/login", json={"code": ADMIN_TOKEN}).get_json()["token"]
    assert api.with_token(session).get("/_sandbox/journal").status_code == 200
    with sandbox_app.extensions["sandbox"].db.write() as conn:
        conn.execute("UPDATE admin_credentials SET expires = 0")
    assert api.with_token(session).get("/_sandbox/journal").status_code == 401


def test_a_session_is_not_an_api_token(api):
    session = api.client.post("/_sandbox/login", json={"code": ADMIN_TOKEN}).get_json()["token"]
    assert api.with_token(session).get("/v2/room").status_code == 401


def test_only_hashes_are_stored(api, sandbox_app):
    code = api.post("/_sandbox/api/logins").get_json()["code"]
    session = api.client.post("/_sandbox/login", json={"code": code}).get_json()["token"]
    with sandbox_app.extensions["sandbox"].db.read() as conn:
        stored = str([tuple(row) for row in conn.execute("SELECT * FROM admin_credentials")])
    assert code not in stored and session not in stored


def viewer_session(api) -> str:
    code = api.post("/_sandbox/api/logins").get_json()["code"]
    return api.client.post("/_sandbox/login", json={"code": code}).get_json()["token"]


@pytest.mark.parametrize("path", ["/_sandbox/seed", "/_sandbox/reset"])
def test_seed_and_reset_answer_no_secret(api, path):
    response = api.post(path)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert ADMIN_TOKEN not in text and CLIENT_SECRET not in text
    assert "admin_token" not in response.get_json() and "oauth_client_secret" not in response.get_json()


def test_a_viewer_session_cannot_mint_login_links(api):
    response = api.with_token(viewer_session(api)).post("/_sandbox/api/logins")
    assert response.status_code == 403
    assert "code" not in response.get_json()


def test_a_viewer_session_reads_no_add_on_secret(api):
    installed = api.post("/_sandbox/api/addons", {"key": "helper", "scopes": ["send_notification"]}).get_json()
    assert installed["oauth_secret"], "the admin token reads it"
    session = api.with_token(viewer_session(api))
    listed = session.get("/_sandbox/api/addons").get_json()["items"]
    for seen in (
        next(item for item in listed if item["id"] == installed["id"]),
        session.get(f"/_sandbox/api/addons/{installed['id']}").get_json(),
    ):
        assert seen["oauth_secret"] is None and seen["installable_url"] is None
    made = session.post("/_sandbox/api/addons", {"key": "other", "scopes": ["send_notification"]}).get_json()
    assert made["oauth_secret"] is None and made["installable_url"] is None
    assert CLIENT_SECRET not in str(session.get("/_sandbox/api/addons").get_json())
