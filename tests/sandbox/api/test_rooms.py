"""Rooms: create (201, 409 on a taken name), view, update (whole record), delete, topic, statistics, lists."""

from __future__ import annotations

from tests.sandbox.conftest import Api, create_room, error_of, history, send, user_token


def test_create_answers_201_with_id_and_self_link(api):
    response = api.post("/v2/room", {"name": "Launch", "topic": "T-minus"})
    assert response.status_code == 201
    body = response.get_json()
    assert body == {"id": body["id"], "links": {"self": f"http://sandbox.test/v2/room/{body['id']}"}}
    assert response.headers["Location"] == body["links"]["self"]


def test_a_taken_name_is_a_409_whatever_its_case(api):
    response = api.post("/v2/room", {"name": "GENERAL"})
    assert response.status_code == 409
    assert error_of(response)["message"] == "Another room exists with that name."


def test_a_name_over_50_characters_is_a_400(api):
    assert error_of(api.post("/v2/room", {"name": "x" * 51}))["field"] == "name"


def test_a_room_has_hipchats_fields_and_links(api):
    room_id = create_room(api, "Details", privacy="private", topic="Secret plans", guest_access=True)
    room = api.get(f"/v2/room/{room_id}").get_json()
    assert (room["name"], room["privacy"], room["topic"], room["is_archived"], room["is_guest_accessible"]) == (
        "Details",
        "private",
        "Secret plans",
        False,
        True,
    )
    assert room["guest_access_url"].startswith("http://sandbox.test/g/")
    assert room["owner"]["mention_name"] == "admin"
    assert room["links"] == {
        "self": f"http://sandbox.test/v2/room/{room_id}",
        "webhooks": f"http://sandbox.test/v2/room/{room_id}/webhook",
        "participants": f"http://sandbox.test/v2/room/{room_id}/participant",
        "members": f"http://sandbox.test/v2/room/{room_id}/member",
    }
    assert room["statistics"]["links"]["self"] == f"http://sandbox.test/v2/room/{room_id}/statistics"
    for link in room["links"].values():
        assert api.get(link.replace("http://sandbox.test", "")).status_code == 200


def test_an_unknown_room_is_a_404_naming_it(api):
    response = api.get("/v2/room/Nowhere")
    assert response.status_code == 404
    assert error_of(response)["message"] == "Room Nowhere not found"


def test_update_replaces_the_room(api):
    body = {
        "name": "Renamed",
        "privacy": "public",
        "is_archived": False,
        "is_guest_accessible": False,
        "topic": "New",
        "owner": {"id": "@bob"},
    }
    assert api.put("/v2/room/Random", body).status_code == 204
    room = api.get("/v2/room/Renamed").get_json()
    assert (room["topic"], room["owner"]["mention_name"]) == ("New", "bob")
    assert api.get("/v2/room/Random").status_code == 404


def test_update_needs_every_field(api):
    response = api.put("/v2/room/Random", {"name": "Random"})
    assert response.status_code == 400
    assert error_of(response)["field"] == "privacy"


def test_update_to_a_taken_name_is_a_409(api):
    body = {"name": "general", "privacy": "public", "is_archived": False, "is_guest_accessible": False, "topic": "", "owner": {"id": 1}}
    assert api.put("/v2/room/Random", body).status_code == 409


def test_archiving_hides_the_room_from_the_default_list_and_stops_sends(api):
    body = {"name": "Random", "privacy": "public", "is_archived": True, "is_guest_accessible": False, "topic": "", "owner": {"id": 1}}
    assert api.put("/v2/room/Random", body).status_code == 204
    names = [room["name"] for room in api.get("/v2/room").get_json()["items"]]
    assert "Random" not in names
    assert "Random" in [room["name"] for room in api.get("/v2/room?include-archived=true").get_json()["items"]]
    assert error_of(api.post("/v2/room/Random/message", {"message": "hi"}))["message"] == "Room Random is archived"


def test_include_private_false_leaves_private_rooms_out(api):
    names = [room["name"] for room in api.get("/v2/room?include-private=false").get_json()["items"]]
    assert "Ops Room" not in names and "General" in names


def test_a_private_room_is_hidden_from_users_who_are_not_members(api):
    carol = Api(api.client, user_token(api, "carol@sandbox.local", "demo-password"))
    assert "Ops Room" not in [room["name"] for room in carol.get("/v2/room").get_json()["items"]]
    assert carol.get("/v2/room/Ops%20Room").status_code == 403
    bob = Api(api.client, user_token(api, "@bob", "demo-password"))
    assert bob.get("/v2/room/Ops%20Room").status_code == 200


def test_delete_removes_the_room(api):
    room_id = create_room(api, "Short lived")
    assert api.delete(f"/v2/room/{room_id}").status_code == 204
    assert api.get(f"/v2/room/{room_id}").status_code == 404


def test_set_topic_changes_the_room_and_appears_in_history(api):
    assert api.put("/v2/room/General/topic", {"topic": "Release day"}).status_code == 204
    assert api.get("/v2/room/General").get_json()["topic"] == "Release day"
    last = history(api, "General")["items"][-1]
    assert (last["type"], last["message"], last["from"]["mention_name"]) == ("topic", "Release day", "admin")


def test_statistics_count_messages_sent(api):
    room_id = create_room(api, "Counting")
    empty = api.get(f"/v2/room/{room_id}/statistics").get_json()
    assert (empty["messages_sent"], empty["last_active"]) == (0, None)
    send(api, room_id, "one")
    api.post(f"/v2/room/{room_id}/notification", {"message": "two"})
    stats = api.get(f"/v2/room/{room_id}/statistics").get_json()
    assert stats["messages_sent"] == 2
    assert stats["last_active"].endswith("+00:00")
    assert stats["links"]["self"] == f"http://sandbox.test/v2/room/{room_id}/statistics"


def test_expand_items_gives_full_rooms_in_the_list(api):
    item = api.get("/v2/room?expand=items&max-results=1").get_json()["items"][0]
    assert {"topic", "owner", "participants", "statistics"} <= set(item)
