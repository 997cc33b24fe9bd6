"""The permission table's refusals made for real (no auth_test): the requests issue 13 showed, and what stays allowed."""

from __future__ import annotations

from sandbox.admin.demo import DEMO_PASSWORD
from sandbox.security import permissions
from tests.sandbox.conftest import client_token, create_room, error_of, user_token
from tests.sandbox.security.conftest import WEBHOOK, WEBHOOK_KEY, World

UPDATE = {"name": "AdminOwned", "privacy": "private", "is_archived": False, "is_guest_accessible": True, "topic": "x", "owner": {"id": 3}}


def test_a_user_who_neither_owns_nor_administers_a_room_cannot_update_it(api):
    create_room(api, "AdminOwned")
    carol = api.with_token(user_token(api, "@carol", DEMO_PASSWORD))
    response = carol.put("/v2/room/AdminOwned", UPDATE)
    assert response.status_code == 403
    assert "owner" in error_of(response)["message"]
    room = api.get("/v2/room/AdminOwned").get_json()
    assert (room["privacy"], room["owner"]["mention_name"], room["topic"]) == ("public", "admin", "")


def test_a_user_cannot_delete_a_room_they_do_not_own(api):
    create_room(api, "DelMe")
    bob = api.with_token(user_token(api, "@bob", DEMO_PASSWORD))
    assert bob.delete("/v2/room/DelMe").status_code == 403
    assert api.get("/v2/room/DelMe").status_code == 200


def test_a_user_cannot_delete_an_add_ons_webhook(api):
    addon = api.with_token(client_token(api))
    assert addon.put(f"/v2/room/1/extension/webhook/{WEBHOOK_KEY}", WEBHOOK).status_code == 201
    webhook_id = addon.get(f"/v2/room/1/extension/webhook/{WEBHOOK_KEY}").get_json()["id"]
    bob = api.with_token(user_token(api, "@bob", DEMO_PASSWORD))
    response = bob.delete(f"/v2/room/1/webhook/{webhook_id}")
    assert response.status_code == 403
    assert error_of(response)["message"].startswith("Only the add-on that created this extension")
    assert api.get(f"/v2/room/1/webhook/{webhook_id}").status_code == 200


def test_another_add_on_can_neither_replace_nor_delete_an_add_ons_webhook(fresh_world: World):
    other = fresh_world.as_(permissions.OTHER_ADDON)
    path = f"/v2/room/{fresh_world.room_id}/extension/webhook/{WEBHOOK_KEY}"
    assert other.put(path, {**WEBHOOK, "url": "https://evil.example/hook"}).status_code == 403
    assert other.delete(path).status_code == 403
    assert other.delete(f"/v2/room/{fresh_world.room_id}/webhook/{fresh_world.webhook_id}").status_code == 403
    assert fresh_world.api.get(path).get_json()["url"] == WEBHOOK["url"]


def test_the_add_on_that_made_a_webhook_deletes_it(fresh_world: World):
    path = f"/v2/room/{fresh_world.room_id}/webhook/{fresh_world.webhook_id}"
    assert fresh_world.as_(permissions.ADDON).delete(path).status_code == 204
    assert fresh_world.api.get(path).status_code == 404


def test_a_group_admin_deletes_an_add_ons_webhook(fresh_world: World):
    path = f"/v2/room/{fresh_world.room_id}/extension/webhook/{WEBHOOK_KEY}"
    assert fresh_world.as_(permissions.GROUP_ADMIN).delete(path).status_code == 204


def test_the_room_owner_and_a_room_admin_change_the_room_and_a_member_does_not(fresh_world: World):
    room = f"/v2/room/{fresh_world.room_id}"
    body = {"name": "Perm Room", "privacy": "private", "is_archived": False, "is_guest_accessible": False, "owner": {"id": "@bob"}}
    assert fresh_world.as_(permissions.ROOM_OWNER).put(room, {**body, "topic": "by the owner"}).status_code == 204
    assert fresh_world.as_(permissions.ROOM_ADMIN).put(room, {**body, "topic": "by a room admin"}).status_code == 204
    assert fresh_world.as_(permissions.MEMBER).put(room, {**body, "topic": "by a member"}).status_code == 403
    assert fresh_world.api.get(room).get_json()["topic"] == "by a room admin"
    assert fresh_world.as_(permissions.MEMBER).delete(f"{room}/member/@rita").status_code == 403
    assert fresh_world.as_(permissions.ROOM_ADMIN).delete(f"{room}/member/@carol").status_code == 204


def test_a_webhook_a_user_made_is_the_rooms_managers_to_delete(fresh_world: World):
    room = f"/v2/room/{fresh_world.room_id}"
    made = fresh_world.as_(permissions.ROOM_OWNER).post(f"{room}/webhook", WEBHOOK)
    assert made.status_code == 201
    webhook = f"{room}/webhook/{made.get_json()['id']}"
    assert fresh_world.as_(permissions.MEMBER).delete(webhook).status_code == 403
    assert fresh_world.as_(permissions.ADDON).delete(webhook).status_code == 204, "an add-on with admin_room manages the room"


def test_a_non_member_cannot_read_a_private_room(fresh_world: World):
    nina = fresh_world.as_(permissions.NON_MEMBER)
    response = nina.get(f"/v2/room/{fresh_world.room_id}/history")
    assert response.status_code == 403
    assert error_of(response)["message"] == f"Access denied to the private room {fresh_world.room_id}"
    assert "Perm Room" not in [room["name"] for room in nina.get("/v2/room").get_json()["items"]]


def test_a_guest_sees_only_the_rooms_opened_to_guests(fresh_world: World):
    dave = fresh_world.as_(permissions.GUEST)
    assert dave.get("/v2/room/General").status_code == 403
    assert dave.post("/v2/room/General/message", {"message": "hi"}).status_code == 403
    random = fresh_world.api.get("/v2/room/Random").get_json()
    opened = {"name": "Random", "privacy": "public", "is_archived": False, "is_guest_accessible": True, "topic": "", "owner": {"id": 1}}
    assert fresh_world.api.put("/v2/room/Random", opened).status_code == 204
    assert dave.get("/v2/room/Random").status_code == 200
    assert [room["name"] for room in dave.get("/v2/room").get_json()["items"]] == [random["name"]]
