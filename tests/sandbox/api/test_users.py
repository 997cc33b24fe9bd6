"""Users: create (201, generated password, undelete), view, update (whole record), soft delete, lists, auto-join, invites."""

from __future__ import annotations

from tests.sandbox.conftest import error_of, user_token

NEW = {"name": "Nina New", "email": "nina@sandbox.local"}


def test_create_answers_201_with_a_generated_password(api):
    response = api.post("/v2/user", NEW)
    assert response.status_code == 201
    body = response.get_json()
    assert body["links"]["self"] == f"http://sandbox.test/v2/user/{body['id']}"
    assert len(body["password"]) >= 12
    assert user_token(api, "nina@sandbox.local", body["password"])
    assert api.get(f"/v2/user/{body['id']}").get_json()["mention_name"] == "NinaNew"


def test_a_chosen_password_is_not_echoed(api):
    response = api.post("/v2/user", {**NEW, "password": "chosen-pw"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["links"]["self"].endswith(f"/v2/user/{body['id']}")  # the created user's answer, without the password
    assert "password" not in body
    assert user_token(api, "nina@sandbox.local", "chosen-pw")  # the chosen one was kept


def test_a_taken_email_is_a_409(api):
    response = api.post("/v2/user", {"name": "Bob Two", "email": "BOB@sandbox.local"})
    assert response.status_code == 409
    assert error_of(response)["field"] == "email"


def test_a_user_has_hipchats_fields(api):
    user = api.get("/v2/user/%40bob").get_json()
    assert {"id", "name", "mention_name", "email", "title", "timezone", "is_group_admin", "is_guest", "is_deleted", "created"} <= set(user)
    assert {"last_active", "xmpp_jid", "photo_url", "presence", "roles", "group", "links", "version"} <= set(user)
    assert user["presence"]["is_online"] is True
    assert user["group"]["links"]["self"] == "http://sandbox.test/v2/group/1"
    assert api.get(user["photo_url"].replace("http://sandbox.test", "")).status_code == 200


def test_update_replaces_the_user(api):
    body = {
        "name": "Robert Builder",
        "mention_name": "rob",
        "email": "rob@sandbox.local",
        "title": "Lead",
        "presence": {"show": "dnd", "status": "busy"},
    }
    assert api.put("/v2/user/%40bob", body).status_code == 204
    user = api.get("/v2/user/%40rob").get_json()
    assert (user["name"], user["title"], user["presence"]["show"], user["presence"]["status"]) == ("Robert Builder", "Lead", "dnd", "busy")
    assert api.get("/v2/user/%40bob").status_code == 404


def test_update_needs_name_mention_name_and_email(api):
    assert error_of(api.put("/v2/user/%40bob", {"name": "B", "email": "b@x.y"}))["field"] == "mention_name"


def test_an_unknown_presence_show_is_a_400(api):
    body = {"name": "Bob", "mention_name": "bob", "email": "bob@sandbox.local", "presence": {"show": "asleep"}}
    assert error_of(api.put("/v2/user/%40bob", body))["field"] == "presence.show"


def test_a_guest_cannot_be_updated(api):
    body = {"name": "Dave", "mention_name": "dave", "email": "dave@example.com"}
    assert error_of(api.put("/v2/user/%40dave", body))["message"] == "Guest users cannot be updated"


def test_an_unknown_timezone_is_a_400(api):
    assert error_of(api.post("/v2/user", {**NEW, "timezone": "Atlantis/Center"}))["field"] == "timezone"


def test_delete_keeps_the_user_readable_by_id_only(api):
    user_id = api.get("/v2/user/%40carol").get_json()["id"]
    assert api.delete("/v2/user/%40carol").status_code == 204
    assert api.get(f"/v2/user/{user_id}").get_json()["is_deleted"] is True
    assert api.get("/v2/user/%40carol").status_code == 404
    assert "carol" not in [u["mention_name"] for u in api.get("/v2/user").get_json()["items"]]
    assert "carol" in [u["mention_name"] for u in api.get("/v2/user?include-deleted=true").get_json()["items"]]
    assert "carol" not in [u["mention_name"] for u in api.get("/v2/room/General/participant").get_json()["items"]]


def test_creating_a_deleted_users_email_brings_the_user_back(api):
    user_id = api.get("/v2/user/%40carol").get_json()["id"]
    api.delete("/v2/user/%40carol")
    response = api.post("/v2/user", {"name": "Carol Again", "email": "carol@sandbox.local"})
    assert response.get_json()["id"] == user_id
    assert api.get(f"/v2/user/{user_id}").get_json()["is_deleted"] is False


def test_the_group_owner_cannot_be_deleted(api):
    assert api.delete("/v2/user/%40admin").status_code == 403


def test_guests_are_listed_only_when_asked_for(api):
    assert "dave" not in [u["mention_name"] for u in api.get("/v2/user").get_json()["items"]]
    assert "dave" in [u["mention_name"] for u in api.get("/v2/user?include-guests=true").get_json()["items"]]


def test_auto_join_rooms_are_a_paged_list_of_rooms(api):
    body = api.get("/v2/user/%40admin/preference/auto-join?max-results=1").get_json()
    assert [room["name"] for room in body["items"]] == ["General"]
    assert "next" in body["links"]


def test_inviting_to_the_group_makes_the_user(api):
    response = api.post("/v2/invite/user", {"email": "ivy@sandbox.local", "name": "Ivy Invited", "title": "Guest speaker"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["email"], body["name"], body["mention_name"]) == ("ivy@sandbox.local", "Ivy Invited", "IvyInvited")
    assert api.get(body["links"]["self"].replace("http://sandbox.test", "")).status_code == 200


def test_null_and_blank_optional_fields_count_as_not_given(api):
    body = {**NEW, "title": None, "mention_name": "", "password": ""}
    response = api.post("/v2/user", body)
    assert response.status_code == 201
    assert "password" in response.get_json()
    assert api.get("/v2/user/nina%40sandbox.local").get_json()["mention_name"] == "NinaNew"


def test_an_empty_password_on_update_leaves_the_password_unchanged(api):
    created = api.post("/v2/user", {**NEW, "password": "first-pw"}).get_json()
    body = {"name": "Nina New", "mention_name": "nina", "email": "nina@sandbox.local", "password": ""}
    assert api.put(f"/v2/user/{created['id']}", body).status_code == 204
    assert user_token(api, "nina@sandbox.local", "first-pw")


def test_a_password_on_update_replaces_it(api):
    created = api.post("/v2/user", {**NEW, "password": "first-pw"}).get_json()
    body = {"name": "Nina New", "mention_name": "nina", "email": "nina@sandbox.local", "password": "second-pw"}
    assert api.put(f"/v2/user/{created['id']}", body).status_code == 204
    assert user_token(api, "nina@sandbox.local", "second-pw")
    refused = api.client.post("/v2/oauth/token", data={"grant_type": "password", "username": "nina@sandbox.local", "password": "first-pw"})
    assert refused.status_code == 401
