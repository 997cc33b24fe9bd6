"""Rooms addressed by URL-encoded name: the raw path is routed, so %2F stays inside one segment."""

from __future__ import annotations

from urllib.parse import quote

from tests.sandbox.conftest import create_room, error_of, history, send

AWKWARD = "a/b ?#%"


def test_a_room_named_with_slash_space_question_hash_and_percent_works_end_to_end(api):
    room_id = create_room(api, AWKWARD)
    encoded = quote(AWKWARD, safe="")
    assert encoded == "a%2Fb%20%3F%23%25"
    got = api.get(f"/v2/room/{encoded}")
    assert got.status_code == 200
    assert (got.get_json()["id"], got.get_json()["name"]) == (room_id, AWKWARD)
    message_id = send(api, encoded, "through an awkward name")
    assert history(api, encoded)["items"][-1]["id"] == message_id
    assert api.put(f"/v2/room/{encoded}/topic", {"topic": "odd"}).status_code == 204
    assert api.get(f"/v2/room/{room_id}").get_json()["topic"] == "odd"


def test_the_unencoded_prefix_of_an_awkward_name_is_another_room(api):
    create_room(api, AWKWARD)
    response = api.get("/v2/room/a")
    assert response.status_code == 404
    assert error_of(response)["message"] == "Room a not found"


def test_names_are_matched_without_case(api):
    assert api.get("/v2/room/general").get_json()["name"] == "General"


def test_users_are_addressed_by_id_email_or_mention(api):
    by_mention = api.get("/v2/user/%40bob").get_json()
    assert api.get(f"/v2/user/{by_mention['id']}").get_json()["email"] == "bob@sandbox.local"
    assert api.get("/v2/user/bob%40sandbox.local").get_json()["id"] == by_mention["id"]
    assert api.get("/v2/user/@bob").get_json()["id"] == by_mention["id"]


def test_digits_that_are_not_ascii_or_too_big_for_an_id_are_names(api):
    for ident in ("%C2%B2", "99999999999999999999999"):
        for path in (f"/v2/room/{ident}", f"/v2/user/{ident}", f"/v2/emoticon/{ident}", f"/v2/group/{ident}"):
            assert api.get(path).status_code == 404, path
