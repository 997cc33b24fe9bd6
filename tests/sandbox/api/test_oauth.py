"""POST /v2/oauth/token for each HipChat grant, expires_in honoured, refresh tokens rotating; sessions viewed and deleted."""

from __future__ import annotations

import time

import pytest

from sandbox.admin.demo import DEMO_PASSWORD
from tests.sandbox.conftest import ADMIN_TOKEN, CLIENT_ID, Api, basic, error_of, make_app, stop


def token_request(api, data, headers=None):
    return api.client.post("/v2/oauth/token", data=data, headers=headers or {})


def test_client_credentials_give_an_add_on_token(api):
    response = token_request(api, {"grant_type": "client_credentials", "scope": "send_notification view_room"}, basic())
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"access_token", "expires_in", "group_id", "group_name", "scope", "token_type"}
    assert (body["token_type"], body["scope"], body["expires_in"], body["group_id"], body["group_name"]) == (
        "bearer",
        "send_notification view_room",
        3600,
        1,
        "Sandbox",
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert api.with_token(body["access_token"]).post("/v2/room/General/notification", {"message": "from the add-on"}).status_code == 204
    last = api.get("/v2/room/General/history").get_json()["items"][-1]
    assert last["from"] == "Sandbox Add-on"
    assert last["notification_sender"]["client_id"] == CLIENT_ID


def test_client_credentials_without_basic_auth_is_a_401(api):
    assert token_request(api, {"grant_type": "client_credentials"}).status_code == 401


def test_a_wrong_client_secret_is_a_401(api):
    assert token_request(api, {"grant_type": "client_credentials"}, basic(secret="wrong")).status_code == 401


def test_a_wrong_client_secret_outside_ascii_is_a_401(api):
    assert token_request(api, {"grant_type": "client_credentials"}, basic(secret="s\u00e9cret-\u4e21")).status_code == 401


def test_a_scope_the_client_lacks_is_a_400(api):
    installed = api.post("/_sandbox/api/addons", {"key": "narrow", "scopes": ["view_room"]}).get_json()
    response = token_request(
        api, {"grant_type": "client_credentials", "scope": "admin_group"}, basic(installed["id"], installed["oauth_secret"])
    )
    assert error_of(response)["field"] == "scope"


def test_password_grant_gives_a_user_token_and_a_refresh_token_that_rotates(api):
    first = token_request(api, {"grant_type": "password", "username": "@bob", "password": "demo-password"}).get_json()
    assert "admin_group" not in first["scope"].split()
    second = token_request(api, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}).get_json()
    assert second["access_token"] != first["access_token"] and second["refresh_token"] != first["refresh_token"]
    assert Api(api.client, second["access_token"]).post("/v2/room/General/message", {"message": "as bob"}).status_code == 201
    reused = token_request(api, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert reused.status_code == 400


def test_a_wrong_password_is_a_401(api):
    assert token_request(api, {"grant_type": "password", "username": "@bob", "password": "nope"}).status_code == 401


def test_personal_grant_gives_a_long_lived_user_token(api):
    body = token_request(api, {"grant_type": "personal", "username": "carol@sandbox.local", "password": "demo-password"}).get_json()
    assert "refresh_token" not in body and body["expires_in"] > 86400


def test_authorization_code_flow(api):
    consent = {"client_id": CLIENT_ID, "redirect_uri": "https://addon.example/cb", "scope": "view_room", "state": "xyz"}
    location = api.post("/_sandbox/api/consents", {**consent, "user_id": "@carol", "approve": True}).get_json()["location"]
    assert location.startswith("https://addon.example/cb?code=") and location.endswith("&state=xyz")
    code = location.split("code=")[1].split("&")[0]
    data = {"grant_type": "authorization_code", "code": code, "redirect_url": "https://addon.example/cb"}
    body = token_request(api, data, basic()).get_json()
    assert body["scope"] == "view_room" and "refresh_token" in body
    session = api.get(f"/v2/oauth/token/{body['access_token']}").get_json()
    assert session["owner"]["mention_name"] == "carol"
    assert token_request(api, data, basic()).status_code == 400, "a code is good for one token"


def test_a_room_notification_token_sends_only_notifications_in_its_room(api):
    body = token_request(api, {"grant_type": "room_notification", "room_id": "Random"}, basic()).get_json()
    assert body["scope"] == "send_notification"
    room_api = api.with_token(body["access_token"])
    assert room_api.post("/v2/room/Random/notification", {"message": "hi"}).status_code == 204
    assert room_api.get("/v2/room/Random/history").status_code == 403


def test_an_unknown_grant_is_a_400(api):
    assert error_of(token_request(api, {"grant_type": "magic"}))["field"] == "grant_type"


def test_a_missing_grant_type_is_a_400(api):
    assert error_of(token_request(api, {"scope": "view_room"}))["field"] == "grant_type"


def test_expires_in_is_enforced():
    app = make_app(token_ttl=1)
    try:
        api = Api(app.test_client())
        body = token_request(api, {"grant_type": "client_credentials"}, basic()).get_json()
        assert body["expires_in"] == 1
        assert api.with_token(body["access_token"]).get("/v2/room").status_code == 200
        time.sleep(1.1)
        assert api.with_token(body["access_token"]).get("/v2/room").status_code == 401
    finally:
        stop(app)


def test_a_session_shows_its_client_scopes_and_time_left(api):
    token = token_request(api, {"grant_type": "client_credentials", "scope": "view_room"}, basic()).get_json()["access_token"]
    session = api.with_token(token).get(f"/v2/oauth/token/{token}").get_json()
    assert session["access_token"] == token
    assert session["scopes"] == ["view_room"]
    assert session["client"]["id"] == CLIENT_ID and session["owner"]["id"] == CLIENT_ID
    assert session["group"]["links"]["self"] == "http://sandbox.test/v2/group/1"
    assert 3590 <= session["expires_in"] <= 3600
    assert api.get(session["client"]["links"]["self"].replace("http://sandbox.test", "")).status_code == 200


LOGIN = {"username": "@bob", "password": DEMO_PASSWORD}
GRANTS = {
    "personal grant": ({"grant_type": "personal", **LOGIN}, None),
    "password grant": ({"grant_type": "password", **LOGIN}, None),
    "add-on": ({"grant_type": "client_credentials", "scope": "view_room send_notification"}, basic()),
    "room notification": ({"grant_type": "room_notification", "room_id": "Random"}, basic()),
}


def session_of(api: Api, token: str) -> dict:
    response = api.with_token(token).get(f"/v2/oauth/token/{token}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("kind", ["admin token", *GRANTS])
def test_every_kind_of_token_has_a_session_client_with_allowed_scopes_name_and_room(api, kind):
    # The official Ruby gem's client.scopes reads response['client']['room'] for every token (hipchat-rb).
    if kind == "admin token":
        token = ADMIN_TOKEN
    else:
        data, headers = GRANTS[kind]
        token = token_request(api, data, headers).get_json()["access_token"]
    session = session_of(api, token)
    client = session["client"]
    assert isinstance(client, dict), session
    assert {"allowed_scopes", "name", "room"} <= set(client)
    assert set(session["scopes"]) <= set(client["allowed_scopes"])
    assert isinstance(client["name"], str) and client["name"]
    random = api.get("/v2/room/Random").get_json()
    want_room = {"id": random["id"], "name": "Random"} if kind == "room notification" else None
    shown = {"id": client["room"]["id"], "name": client["room"]["name"]} if client["room"] is not None else None
    assert shown == want_room


def test_deleting_a_session_revokes_the_token(api):
    token = token_request(api, {"grant_type": "client_credentials"}, basic()).get_json()["access_token"]
    assert api.delete(f"/v2/oauth/token/{token}").status_code == 204
    assert api.with_token(token).get("/v2/room").status_code == 401
    assert api.get(f"/v2/oauth/token/{token}").status_code == 404
