"""Members of private rooms, participants, and invitations to public rooms."""

from __future__ import annotations

from tests.sandbox.conftest import error_of


def mentions(body: dict) -> list[str]:
    return [user["mention_name"] for user in body["items"]]


def test_members_of_a_private_room_are_listed_as_user_summaries(api):
    body = api.get("/v2/room/Ops%20Room/member").get_json()
    assert mentions(body) == ["admin", "bob"]
    assert body["items"][0]["links"]["self"] == "http://sandbox.test/v2/user/1"


def test_adding_and_removing_a_member(api):
    assert api.put("/v2/room/Ops%20Room/member/%40carol", {"room_roles": ["room_member"]}).status_code == 204
    assert "carol" in mentions(api.get("/v2/room/Ops%20Room/member").get_json())
    assert api.delete("/v2/room/Ops%20Room/member/carol%40sandbox.local").status_code == 204
    assert "carol" not in mentions(api.get("/v2/room/Ops%20Room/member").get_json())


def test_adding_a_member_needs_no_body(api):
    assert api.put("/v2/room/Ops%20Room/member/%40carol").status_code == 204


def test_an_unknown_room_role_is_a_400(api):
    response = api.put("/v2/room/Ops%20Room/member/%40carol", {"room_roles": ["room_king"]})
    assert error_of(response)["field"] == "room_roles.0"


def test_public_rooms_have_no_members(api):
    response = api.put("/v2/room/General/member/%40carol")
    assert response.status_code == 400
    assert error_of(response)["message"] == "Can only add members to private rooms"


def test_removing_a_non_member_is_a_404(api):
    assert api.delete("/v2/room/Ops%20Room/member/%40carol").status_code == 404


def test_participants_are_online_users_unless_offline_ones_are_asked_for(api):
    assert mentions(api.get("/v2/room/General/participant").get_json()) == ["admin", "bob", "carol"]
    api.put("/_sandbox/api/rooms/1/participants/4")  # dave: offline guest
    assert "dave" not in mentions(api.get("/v2/room/General/participant").get_json())
    assert "dave" in mentions(api.get("/v2/room/General/participant?include-offline=true").get_json())


def test_inviting_to_a_public_room_puts_it_in_the_users_auto_join_list(api):
    assert api.post("/v2/room/Random/invite/%40carol", {"reason": "Join us"}).status_code == 204
    rooms = api.get("/v2/user/%40carol/preference/auto-join").get_json()["items"]
    assert [room["name"] for room in rooms] == ["Random"]


def test_inviting_to_a_private_room_is_a_400(api):
    assert api.post("/v2/room/Ops%20Room/invite/%40carol").status_code == 400
