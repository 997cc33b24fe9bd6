"""The way in: a token from the header or auth_token, 401 without a valid one, 403 without the scope, auth_test answers 202."""

from __future__ import annotations

import time

from tests.sandbox.conftest import ADMIN_TOKEN, Api, basic, client_token, error_of, make_app, send, stop, user_token


def test_no_token_is_a_401_with_hipchats_message(api):
    response = api.with_token(None).get("/v2/room")
    assert response.status_code == 401
    assert error_of(response)["message"].startswith("Authenticated requests only.")


def test_an_unknown_token_is_a_401(api):
    response = api.with_token("not-a-token").get("/v2/room")
    assert response.status_code == 401
    assert error_of(response)["message"] == "Invalid OAuth session"


def test_the_auth_token_query_parameter_is_accepted(api):
    response = api.with_token(None).get(f"/v2/room?auth_token={ADMIN_TOKEN}")
    assert response.status_code == 200
    assert ADMIN_TOKEN not in response.get_data(as_text=True), "links must not carry the token"


def test_a_token_without_the_scope_is_a_403_naming_it(api):
    token = client_token(api, scope="view_group")
    response = api.with_token(token).post("/v2/room/General/notification", {"message": "hi"})
    assert response.status_code == 403
    assert "'send_notification'" in error_of(response)["message"]


def test_any_of_several_scopes_is_enough(api):
    token = client_token(api, scope="view_room")
    assert api.with_token(token).get("/v2/room/General").status_code == 200


def test_an_add_on_token_cannot_send_as_a_user(api):
    token = client_token(api)
    response = api.with_token(token).post("/v2/room/General/message", {"message": "hi"})
    assert response.status_code == 403
    assert "only available to users" in error_of(response)["message"]


def test_auth_test_answers_202_without_doing_the_method(api):
    before = api.get("/v2/room/General/statistics").get_json()["messages_sent"]
    response = api.post("/v2/room/General/message?auth_test=true", {"message": "not sent"})
    assert response.status_code == 202
    assert response.get_json() == {
        "success": {"code": 202, "message": "This auth_token has access to use this method.", "type": "Accepted"}
    }
    assert api.get("/v2/room/General/statistics").get_json()["messages_sent"] == before


def test_auth_test_with_a_bad_token_is_a_401(api):
    assert api.with_token("nope").get("/v2/room?auth_test=true").status_code == 401


def test_auth_test_needs_a_token_even_where_none_is_needed(api):
    assert api.with_token(None).get("/v2/capabilities?auth_test=true").status_code == 401
    assert api.get("/v2/capabilities?auth_test=true").status_code == 202


def test_an_expired_token_is_a_401():
    app = make_app(token_ttl=1)
    try:
        api = Api(app.test_client())
        token = client_token(api)
        assert api.with_token(token).get("/v2/room").status_code == 200
        time.sleep(1.1)
        assert api.with_token(token).get("/v2/room").status_code == 401
    finally:
        stop(app)


def test_a_deleted_users_token_stops_working(api):
    created = api.post("/v2/user", {"name": "Temp Person", "email": "temp@sandbox.local", "password": "pw-temp-1"})
    token = user_token(api, "temp@sandbox.local", "pw-temp-1")
    assert api.with_token(token).get("/v2/room").status_code == 200
    assert api.delete(f"/v2/user/{created.get_json()['id']}").status_code == 204
    assert api.with_token(token).get("/v2/room").status_code == 401


def test_a_room_token_only_works_in_its_room(api):
    response = api.client.post(
        "/v2/oauth/token",
        data={"grant_type": "room_notification", "room_id": "General"},
        headers=basic(),
    )
    token = response.get_json()["access_token"]
    room_api = api.with_token(token)
    assert room_api.post("/v2/room/General/notification", {"message": "ok"}).status_code == 204
    assert room_api.post("/v2/room/Random/notification", {"message": "no"}).status_code == 403
    assert send(api, "General", "still fine")
