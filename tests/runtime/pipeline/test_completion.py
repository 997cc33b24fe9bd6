"""Whole-object updates: what the caller leaves out is filled from a fresh GET."""

from __future__ import annotations

from tests.helpers import TOKEN, sent

ROOM = {
    "id": 7,
    "name": "Ops Room",
    "privacy": "private",
    "is_archived": False,
    "is_guest_accessible": True,
    "topic": "Old topic",
    "owner": {"id": 3, "name": "Alice"},
    "links": {"self": "http://x/v2/room/7"},
}


def test_update_room_with_only_a_topic_sends_the_whole_room(client, upstream):
    upstream.expect_request("/v2/room/Ops Room", method="GET").respond_with_json(ROOM)
    upstream.expect_request("/v2/room/Ops Room", method="PUT").respond_with_data("", status=204)
    response = client.post("/api/HipChat/updateRoom", json={"args": {"authToken": TOKEN, "roomIdOrName": "Ops Room", "topic": "New"}})
    assert response.get_json()["callback"] == "success"
    get, put = sent(upstream)
    assert (get.method, put.method) == ("GET", "PUT")
    assert get.headers["Authorization"] == f"Bearer {TOKEN}"
    assert put.get_json() == {
        "name": "Ops Room",
        "privacy": "private",
        "is_archived": False,
        "is_guest_accessible": True,
        "topic": "New",
        "owner": {"id": 3},
    }


def test_update_room_with_every_field_makes_no_get(client, upstream):
    upstream.expect_request("/v2/room/7", method="PUT").respond_with_data("", status=204)
    args = {
        "authToken": TOKEN,
        "roomIdOrName": 7,
        "name": "Ops",
        "privacy": "public",
        "isArchived": "false",
        "isGuestAccessible": False,
        "topic": "",
        "ownerId": "@alice",
    }
    response = client.post("/api/HipChat/updateRoom", json={"args": args})
    assert response.get_json()["callback"] == "success"
    (put,) = sent(upstream)
    assert put.get_json() == {
        "name": "Ops",
        "privacy": "public",
        "is_archived": False,
        "is_guest_accessible": False,
        "topic": "",
        "owner": {"id": "@alice"},
    }


def test_a_failed_get_is_the_answer_and_nothing_is_put(client, upstream):
    error = {"code": 404, "message": "Room Nope not found", "type": "Not Found"}
    upstream.expect_request("/v2/room/Nope", method="GET").respond_with_json({"error": error}, status=404)
    response = client.post("/api/HipChat/updateRoom", json={"args": {"authToken": TOKEN, "roomIdOrName": "Nope", "topic": "x"}})
    assert response.status_code == 404
    assert response.get_json()["contextWrites"]["to"]["error"] == error
    assert [r.method for r in sent(upstream)] == ["GET"]


def test_update_user_keeps_presence_and_fields_not_given(client, upstream):
    user = {
        "id": 3,
        "name": "Alice",
        "mention_name": "alice",
        "email": "alice@example.com",
        "title": "Ops",
        "timezone": "Europe/Paris",
        "is_group_admin": False,
        "presence": {"status": "Deploying", "show": None},
    }
    upstream.expect_request("/v2/user/@alice", method="GET").respond_with_json(user)
    upstream.expect_request("/v2/user/@alice", method="PUT").respond_with_data("", status=204)
    args = {"authToken": TOKEN, "idOrEmail": "@alice", "presenceShow": "dnd", "roles": "user,admin"}
    response = client.post("/api/HipChat/updateUser", json={"args": args})
    assert response.get_json()["callback"] == "success"
    assert sent(upstream)[1].get_json() == {
        "name": "Alice",
        "mention_name": "alice",
        "email": "alice@example.com",
        "title": "Ops",
        "timezone": "Europe/Paris",
        "is_group_admin": False,
        "roles": ["user", "admin"],
        "presence": {"status": "Deploying", "show": "dnd"},
    }
